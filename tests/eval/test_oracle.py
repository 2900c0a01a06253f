"""The oracle: heatmap decoding, the scene language's geometry, saving, and the shipped weights."""

import numpy as np
import pytest
import torch

from muralist.eval.oracle import (
    GRID,
    IMAGE,
    Detection,
    Oracle,
    OracleConfig,
    OracleNet,
    Reading,
    builtin_path,
    decode,
    holds_position,
    holds_relation,
    judge,
    load_oracle,
)
from muralist.train import scenes
from muralist.train.scenes import PromptSpec, Scene, SceneObject

NAMES = ("cat", "dog", "rocket")


def _heatmaps(peaks):
    """Hand-built network outputs for one image: peaks = [(row, col, objectness logit, class, dx, dy, side)]."""
    objectness = torch.full((1, GRID, GRID), -8.0)
    classes = torch.zeros(1, len(NAMES), GRID, GRID)
    offset = torch.zeros(1, 2, GRID, GRID)
    side = torch.zeros(1, GRID, GRID)
    for r, c, logit, k, dx, dy, s in peaks:
        objectness[0, r, c] = logit
        classes[0, k, r, c] = 5.0
        offset[0, :, r, c] = torch.tensor([dx, dy])
        side[0, r, c] = s
    return objectness, classes, offset, side


def test_decode_hand_built_heatmap():
    objectness, classes, offset, side = _heatmaps(
        [
            (3, 2, 4.0, 0, 0.5, 0.25, 0.25),  # a cat near the top left
            (3, 3, 1.0, 1, 0.5, 0.5, 0.25),  # its weaker neighbour: not a peak
            (12, 12, 3.0, 2, 0.0, 1.0, 0.46),  # a large rocket at the bottom right
            (8, 8, -1.0, 1, 0.5, 0.5, 0.25),  # a local maximum below threshold: nothing
        ]
    )
    (found,) = decode(objectness, classes, offset, side, NAMES, threshold=0.35)
    assert [d.emoji for d in found] == ["cat", "rocket"]
    cat, rocket = found
    assert (cat.x, cat.y) == pytest.approx((2.5 * 4, 3.25 * 4))
    assert cat.side == pytest.approx(16.0)
    assert cat.score == pytest.approx(torch.sigmoid(torch.tensor(4.0)).item())
    assert (rocket.x, rocket.y, rocket.side) == pytest.approx((48.0, 52.0, 0.46 * 64), rel=1e-5)
    assert holds_relation([cat], [rocket], "above") and holds_relation([cat], [rocket], "left of")
    assert not holds_relation([rocket], [cat], "above")


def test_decode_counts_copies_side_by_side():
    # Three small copies 1.3 px apart have centres ~4.3 cells apart: three peaks, three cats.
    peaks = [(8, c, 3.0, 0, 0.3, 0.5, 0.25) for c in (2, 6, 10)]
    (found,) = decode(*_heatmaps(peaks), NAMES, threshold=0.35)
    reading = Reading("red", 1.0, tuple(found))
    assert reading.counts() == {"cat": 3}
    assert judge(reading, PromptSpec((SceneObject("cat", 3, "small", "centre"),), "red")).position
    assert not judge(reading, PromptSpec((SceneObject("cat", 2),), "red")).counts


def _truth(scene: Scene) -> Reading:
    """The reading a perfect oracle would give: every sprite's exact centre and side."""
    dets = []
    for p in scenes.layout(scene):
        x0, y0, x1, y1 = p.box(IMAGE)
        dets.append(Detection(p.emoji, (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, 1.0, 1.0))
    return Reading(scene.background, 1.0, tuple(dets))


def test_judge_agrees_with_the_renderers_geometry():
    """Every stated position and relation of sampled scenes holds on the exact layout."""
    rng = np.random.default_rng(5)
    judged = {"position": 0, "relation": 0}
    for _ in range(400):
        scene = scenes.sample_scene(rng, split="all")
        verdict = judge(_truth(scene), scene.spec())
        assert verdict.objects and verdict.counts and verdict.background
        assert verdict.position in (None, True) and verdict.relation in (None, True)
        judged["position"] += verdict.position is not None
        judged["relation"] += verdict.relation is not None
    assert judged["position"] > 100 and judged["relation"] > 80


@pytest.mark.parametrize(
    ("position", "wrong"), [("left", "right"), ("right", "left"), ("top", "bottom"), ("bottom", "top")]
)
def test_positions_are_told_apart(position, wrong):
    for seed in range(20):
        size = ("small", "medium", "large")[seed % 3]
        scene = Scene("blue", (SceneObject("cat", 1 + seed % 2, size, position),), seed=seed)
        copies = list(_truth(scene).detections)
        assert holds_position(copies, position)
        assert not holds_position(copies, wrong)
        assert not holds_position(copies, "centre")  # a half is never the middle


def test_swapped_relation_is_wrong():
    for seed in range(10):
        for relation in ("above", "left of"):
            scene = Scene("sky", (SceneObject("cat"), SceneObject("dog")), relation, seed)
            reading = _truth(scene)
            spec = scene.spec()
            swapped = PromptSpec(spec.objects[::-1], "sky", relation)
            assert judge(reading, spec).relation and not judge(reading, swapped).relation
            if relation == "left of":  # side by side, in either order
                assert judge(reading, PromptSpec(spec.objects, "sky", "next to")).relation
                assert judge(reading, PromptSpec(spec.objects[::-1], "sky", "next to")).relation
            missing = Reading("sky", 1.0, tuple(d for d in reading.detections if d.emoji != "dog"))
            assert not judge(missing, spec).relation and not judge(missing, spec).objects


def test_save_load_roundtrip_and_size(tmp_path):
    torch.manual_seed(0)
    config = OracleConfig.default()
    net = OracleNet(config).eval()
    Oracle(net, config).save(tmp_path)
    again = load_oracle(tmp_path)
    images = np.random.default_rng(0).integers(0, 256, size=(3, 64, 64, 3), dtype=np.uint8)
    assert np.allclose(Oracle(net, config).features(images), again.features(images))
    assert again.features(images).shape == (3, 2 * config.head)
    assert sum(f.stat().st_size for f in tmp_path.iterdir()) <= 5 * 2**20


def test_shipped_oracle_reads_held_out_renders():
    """The committed oracle on fresh held-out renders (the full figures are in docs/oracle.md)."""
    oracle = load_oracle()
    assert sum(f.stat().st_size for f in builtin_path().iterdir()) <= 5 * 2**20
    rng = np.random.default_rng(77)
    chosen = [scenes.sample_scene(rng, split="heldout") for _ in range(60)]
    readings = oracle.read([scenes.render(s, 64) for s in chosen])  # PIL images are read too
    verdicts = [judge(r, s.spec()) for r, s in zip(readings, chosen, strict=True)]
    assert np.mean([r.background == s.background for r, s in zip(readings, chosen, strict=True)]) >= 0.95
    assert np.mean([v.objects and v.counts for v in verdicts]) >= 0.9
    located = [v.position if v.position is not None else v.relation for v in verdicts]
    assert np.mean([x for x in located if x is not None]) >= 0.9
