"""Quality metrics: prompt files, the Frechet distance, and accuracies with stub oracles."""

import numpy as np
import pytest
import scipy.linalg

from muralist.eval.oracle import IMAGE, Detection, Reading
from muralist.eval.quality import (
    PromptItem,
    evaluate_images,
    frechet_distance,
    parse_prompts,
    read_prompt_file,
    reference_images,
    reference_scene,
)
from muralist.train import atlas, scenes, splits

NAMES = atlas.emoji_names()


def test_prompt_file_reports_unparsed_lines(tmp_path):
    path = tmp_path / "prompts.txt"
    path.write_text(
        "# a comment\n"
        "a cat on a red background\n"
        "\n"
        "two kitties above a rocket on crimson\n"  # paraphrase words parse
        "a photo of a cat\n"  # outside the language: reported, not guessed
        "   # an indented comment\n"
        "two cat on blue\n",  # count and noun disagree
        encoding="utf-8",
    )
    got = read_prompt_file(path)
    assert [i.prompt for i in got.items] == ["a cat on a red background", "two kitties above a rocket on crimson"]
    assert got.items[0].spec.background == "red" and got.items[1].spec.relation == "above"
    assert [(u.line, u.prompt) for u in got.unparsed] == [(5, "a photo of a cat"), (7, "two cat on blue")]
    assert all(u.reason for u in got.unparsed)
    assert parse_prompts([]).items == []


def _scipy_frechet(a, b):
    """FID's reference formula (pytorch-fid), for comparison on well-conditioned data."""
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = scipy.linalg.sqrtm(s1 @ s2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def test_frechet_distance():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(400, 8))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)
    # A pure mean shift adds |shift|^2; the distance grows with the shift.
    shifts = [frechet_distance(a, a + d) for d in (0.1, 0.5, 1.0, 2.0)]
    assert shifts == pytest.approx([8 * d**2 for d in (0.1, 0.5, 1.0, 2.0)], rel=1e-6)
    b = rng.normal(size=(300, 8)) * 1.5 + 0.2
    assert frechet_distance(a, b) == pytest.approx(_scipy_frechet(a, b), rel=1e-6)
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-9)


def test_frechet_distance_small_samples():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(5, 32)), rng.normal(size=(7, 32))  # N < D: singular covariances
    d = frechet_distance(a, b)
    assert np.isfinite(d) and d > 0
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)
    with pytest.raises(ValueError, match="at least 2"):
        frechet_distance(a[:1], b)


class StubOracle:
    """Reads an image by looking up the scene it was rendered from: `truth` (a perfect oracle) or
    a systematic mistake. Features: the 8 x 8 mean-pooled image."""

    def __init__(self, by_bytes, mistake=None):
        self.by_bytes = by_bytes
        self.mistake = mistake

    def read(self, images):
        out = []
        for im in images:
            scene = self.by_bytes[np.asarray(im).tobytes()]
            dets = []
            for p in scenes.layout(scene):
                x0, y0, x1, y1 = p.box(IMAGE)
                x, y = (x0 + x1) / 2, (y0 + y1) / 2
                if self.mistake == "mirror":  # everything flipped left-right and top-bottom
                    x, y = IMAGE - x, IMAGE - y
                emoji = NAMES[(NAMES.index(p.emoji) + 1) % len(NAMES)] if self.mistake == "emoji" else p.emoji
                dets.append(Detection(emoji, x, y, x1 - x0, 1.0, 1.0))
            if self.mistake == "extra":  # one more copy of every emoji, far away
                dets += [Detection(d.emoji, 1.0, 1.0, 4.0, 1.0, 1.0) for d in dets[:1]]
            background = scene.background
            if self.mistake == "emoji":  # the next emoji and the next background: always wrong
                background = scenes.BACKGROUNDS[(scenes.BACKGROUNDS.index(background) + 1) % len(scenes.BACKGROUNDS)]
            out.append(Reading(background, 1.0, tuple(dets)))
        return out

    def features(self, images):
        x = np.asarray(images, np.float64).reshape(len(images), 8, 8, 8, 8, 3).mean(axis=(2, 4))
        return x.reshape(len(images), -1)[:, ::12]  # 16 dims


@pytest.fixture(scope="module")
def suite():
    items = splits.heldout_suite(n=30)
    prompts = [PromptItem(it.prompt, it.spec) for it in items]
    images = np.stack([np.asarray(scenes.render(it.scene, 64)) for it in items])
    by_bytes = {im.tobytes(): it.scene for im, it in zip(images, items, strict=True)}
    return prompts, images, by_bytes


def test_perfect_oracle_scores_everything(suite):
    prompts, images, by_bytes = suite
    report = evaluate_images(StubOracle(by_bytes), prompts, images, images)
    for key in ("object_accuracy", "background_accuracy", "relation_accuracy", "count_accuracy"):
        assert report[key] == 1.0, key
    # The suite's kinds: 40 % one emoji, 20 % counts, 40 % relations; positions ride on the first two.
    assert (report["n_object"], report["n_count"], report["n_relation"]) == (12, 6, 12)
    assert report["n_position"] > 0 and report["n_background"] == 30
    assert report["n_prompts"] == 30 and report["unparsed"] == []
    assert report["fod"] == pytest.approx(0.0, abs=1e-6)
    assert len(report["per_prompt"]) == 30


def test_mistakes_are_caught(suite):
    prompts, images, by_bytes = suite
    wrong = evaluate_images(StubOracle(by_bytes, "emoji"), prompts, images, images)
    assert wrong["object_accuracy"] == 0.0 and wrong["count_accuracy"] == 0.0
    assert wrong["relation_accuracy"] == 0.0 and wrong["background_accuracy"] == 0.0
    mirror = evaluate_images(StubOracle(by_bytes, "mirror"), prompts, images, images)
    assert mirror["relation_accuracy"] == 0.0 and mirror["object_accuracy"] == 1.0
    extra = evaluate_images(StubOracle(by_bytes, "extra"), prompts, images, images)
    assert extra["count_accuracy"] == 0.0 and extra["object_accuracy"] == 1.0


def test_fod_grows_as_images_drift(suite):
    prompts, images, by_bytes = suite
    refs = reference_images(prompts, seed=1)
    assert refs.shape == (30, 64, 64, 3)
    darker = (images * 0.8).astype(np.uint8)
    darkest = (images * 0.4).astype(np.uint8)
    oracle = StubOracle(
        {
            **by_bytes,
            **{d.tobytes(): by_bytes[i.tobytes()] for d, i in zip(darker, images, strict=True)},
            **{d.tobytes(): by_bytes[i.tobytes()] for d, i in zip(darkest, images, strict=True)},
        }
    )
    fods = [evaluate_images(oracle, prompts, x, refs)["fod"] for x in (images, darker, darkest)]
    assert fods[0] < fods[1] < fods[2]


def test_reference_scene_states_the_spec():
    item = splits.heldout_suite(n=3)[2]
    scene = reference_scene(item.spec, seed=4)
    assert scene.spec() == item.spec and reference_scene(item.spec, seed=4) == scene
    no_background = type(item.spec)(item.spec.objects, None, item.spec.relation)
    assert reference_scene(no_background, seed=4).background in scenes.BACKGROUNDS


def test_length_mismatch_is_refused(suite):
    prompts, images, by_bytes = suite
    with pytest.raises(ValueError, match="prompts but"):
        evaluate_images(StubOracle(by_bytes), prompts, images[:3], images)
