"""The scene renderer: determinism, 64/256 agreement, and things drawn where the scene says."""

import numpy as np
import pytest
from PIL import Image

from muralist.train import scenes
from muralist.train.scenes import NATIVE, Scene, SceneObject


def _sampled(n, seed=0, split="all"):
    rng = np.random.default_rng(seed)
    return [scenes.sample_scene(rng, split=split) for _ in range(n)]


def test_same_scene_same_bytes():
    for scene in _sampled(12, seed=1):
        a = scenes.render(scene, 64).tobytes()
        again = Scene.from_dict(scene.to_dict())  # a scene rebuilt from JSON is the same scene
        assert again == scene
        assert scenes.render(again, 64).tobytes() == a
        assert scenes.render(scene, 256).tobytes() == scenes.render(scene, 256).tobytes()


def test_seed_changes_only_what_is_unsaid():
    obj = (SceneObject("cat", 2, "small", "left"),)
    a, b = Scene("grass", obj, seed=1), Scene("grass", obj, seed=2)
    assert a.spec() == b.spec()
    assert scenes.render(a).tobytes() != scenes.render(b).tobytes()


def test_64_is_the_exact_box_downsample_of_256():
    for scene in _sampled(6, seed=2):
        low, high = scenes.render_pair(scene)
        assert low.size == (64, 64) and high.size == (256, 256)
        assert low.tobytes() == scenes.render(scene, 64).tobytes()
        block_mean = np.asarray(high, np.float64).reshape(64, 4, 64, 4, 3).mean(axis=(1, 3))
        assert np.abs(np.asarray(low, np.float64) - block_mean).max() <= 0.5
        # PIL's own box filter agrees to rounding.
        pil_box = np.asarray(high.resize((64, 64), Image.Resampling.BOX), np.int16)
        assert np.abs(np.asarray(low, np.int16) - pil_box).max() <= 1


def _drawn_mask(scene):
    """Pixels (native) where sprites changed the background."""
    bg = scenes.background_array(scene.background, scene.seed)
    return np.any(scenes.render_native(scene) != bg, axis=2)


REGIONS = {  # where each position's pixels must fall, on the native canvas
    "left": (slice(None), slice(0, NATIVE // 2)),
    "right": (slice(None), slice(NATIVE // 2, None)),
    "top": (slice(0, NATIVE // 2), slice(None)),
    "bottom": (slice(NATIVE // 2, None), slice(None)),
}


@pytest.mark.parametrize("position", scenes.POSITIONS)
def test_a_positioned_group_is_drawn_in_its_place(position):
    rng = np.random.default_rng(3)
    for emoji in ("cat", "rocket", "bicycle", "exclamation mark"):
        for count in (1, 2, 3):
            size = scenes.SAMPLE_SIZES_FOR_COUNT[count][-1]
            scene = Scene("white", (SceneObject(emoji, count, size, position),), seed=int(rng.integers(1000)))
            mask = _drawn_mask(scene)
            assert mask.sum() > 100, (emoji, count)
            if position == "centre":
                ys, xs = np.nonzero(mask)
                assert abs(xs.mean() - NATIVE / 2) < 0.1 * NATIVE and abs(ys.mean() - NATIVE / 2) < 0.1 * NATIVE
            else:
                inside = np.zeros_like(mask)
                inside[REGIONS[position]] = True
                assert not (mask & ~inside).any(), (emoji, count, position)
            assert len(scenes.layout(scene)) == count


@pytest.mark.parametrize(("relation", "first", "second"), [("above", "top", "bottom"), ("left of", "left", "right")])
def test_relations_put_groups_in_opposite_halves(relation, first, second):
    for seed in range(8):
        objects = (SceneObject("dog", 1 + seed % 2, "medium"), SceneObject("sun", 1, "large"))
        scene = Scene("blue", objects, relation, seed)
        boxes = np.zeros((NATIVE, NATIVE), bool)
        for group, region in ((0, first), (1, second)):
            mask = np.zeros((NATIVE, NATIVE), bool)
            for p in scenes.layout(scene):
                if p.group == group:
                    mask[p.y : p.y + p.px, p.x : p.x + p.px] = True
            inside = np.zeros_like(mask)
            inside[REGIONS[region]] = True
            assert mask.any() and not (mask & ~inside).any()
            boxes |= mask
        drawn = _drawn_mask(scene)  # and the pixels really are inside those boxes
        assert drawn.sum() > 1000 and not (drawn & ~boxes).any()


def test_layouts_stay_on_canvas_and_copies_do_not_overlap():
    for scene in _sampled(300, seed=4):
        placements = scenes.layout(scene)
        assert len(placements) == sum(o.count for o in scene.objects)
        occupied = np.zeros((NATIVE, NATIVE), np.int32)
        for p in placements:
            assert p.x >= 0 and p.y >= 0 and p.x + p.px <= NATIVE and p.y + p.px <= NATIVE
            assert p.px >= 0.2 * NATIVE  # no sprite below ~13 px at 64 px
            occupied[p.y : p.y + p.px, p.x : p.x + p.px] += 1
        assert occupied.max() == 1, scene


def test_backgrounds_are_distinct_and_textures_vary_with_seed():
    means = {}
    for name in scenes.BACKGROUNDS:
        arr = scenes.background_array(name, 7)
        assert arr.shape == (NATIVE, NATIVE, 3) and arr.dtype == np.uint8
        means[name] = arr.reshape(-1, 3).mean(axis=0)
        if name in scenes.COLOURS:
            assert np.abs(means[name] - scenes.COLOURS[name]).max() <= 6
        else:
            assert arr.reshape(-1, 3).std(axis=0).max() > 5  # textured, not flat
            assert not np.array_equal(arr, scenes.background_array(name, 8))
    names = list(means)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert np.abs(means[a] - means[b]).max() > 12 or a in scenes.TEXTURES or b in scenes.TEXTURES, (a, b)


@pytest.mark.parametrize(
    "bad",
    [
        dict(background="plaid", objects=(SceneObject("cat"),)),
        dict(background="red", objects=(SceneObject("unicat"),)),
        dict(background="red", objects=(SceneObject("cat", 4),)),
        dict(background="red", objects=(SceneObject("cat", 1, "enormous"),)),
        dict(background="red", objects=(SceneObject("cat"), SceneObject("cat"))),
        dict(background="red", objects=(SceneObject("cat", position="left"), SceneObject("dog"))),
        dict(background="red", objects=(SceneObject("cat"),), relation="above"),
        dict(background="red", objects=(SceneObject("cat"), SceneObject("dog")), relation="below"),
        dict(background="red", objects=()),
    ],
)
def test_invalid_scenes_are_refused(bad):
    with pytest.raises((ValueError, KeyError)):
        Scene(**bad)


def test_render_sizes():
    scene = _sampled(1, seed=5)[0]
    assert scenes.render(scene, 128).size == (128, 128)
    with pytest.raises(ValueError):
        scenes.render(scene, 100)
