"""The held-out split: fixed, never sampled for training, and the prompt suite drawn from it."""

import json

import numpy as np

from muralist.train import atlas, captions, scenes, splits
from muralist.train.scenes import Scene, SceneObject


def test_split_is_fixed_and_sized():
    held_bg = splits.heldout_backgrounds()
    assert len(held_bg) == splits.HELDOUT_BACKGROUNDS_PER_EMOJI * len(atlas.emoji_names())
    per_emoji = {}
    for emoji, bg in held_bg:
        per_emoji.setdefault(emoji, set()).add(bg)
    assert all(len(v) == splits.HELDOUT_BACKGROUNDS_PER_EMOJI for v in per_emoji.values())
    # Every background is held out for some emoji, so background accuracy is tested on all of them.
    assert {bg for _, bg in held_bg} == set(scenes.BACKGROUNDS)
    held_rel = splits.heldout_relations()
    assert 400 < len(held_rel) < 1500
    assert {rel for _, rel in held_rel} == set(scenes.RELATIONS)
    # Decided by hashes of names: a known member stays a member across runs and machines.
    assert splits._unit_hash("background", "cat", "red") == splits._unit_hash("background", "cat", "red")


def test_training_sampler_never_yields_a_heldout_composition():
    rng = np.random.default_rng(21)
    held_bg, held_rel = splits.heldout_backgrounds(), splits.heldout_relations()
    for _ in range(4000):
        scene = scenes.sample_scene(rng, split="train")
        assert not splits.is_heldout(scene)
        for o in scene.objects:
            assert (o.emoji, scene.background) not in held_bg
        if scene.relation is not None:
            pair = splits.pair_key(scene.objects[0].emoji, scene.objects[1].emoji)
            assert (pair, scene.relation) not in held_rel


def test_is_heldout_sees_both_orders_and_every_role():
    (a, b), rel = sorted(splits.heldout_relations())[0]
    for first, second in ((a, b), (b, a)):
        objects = (SceneObject(first), SceneObject(second))
        background = next(
            bg
            for bg in scenes.BACKGROUNDS
            if (first, bg) not in splits.heldout_backgrounds() and (second, bg) not in splits.heldout_backgrounds()
        )
        assert splits.is_heldout(Scene(background, objects, rel))
        assert not splits.is_heldout(Scene(background, objects, None))
    emoji, bg = sorted(splits.heldout_backgrounds())[0]
    other = next(n for n in atlas.emoji_names() if n != emoji)
    assert splits.is_heldout(Scene(bg, (SceneObject(other), SceneObject(emoji))))


def test_heldout_sampler_always_yields_a_heldout_composition():
    rng = np.random.default_rng(22)
    for _ in range(500):
        assert splits.is_heldout(scenes.sample_scene(rng, split="heldout"))


def test_suite_is_deterministic_heldout_and_parseable(tmp_path):
    suite = splits.heldout_suite()
    assert len(suite) == 500
    assert [i.to_dict() for i in suite] == [i.to_dict() for i in splits.heldout_suite()]
    kinds = [i.kind for i in suite]
    assert kinds.count("single") == 200 and kinds.count("count") == 100 and kinds.count("relation") == 200
    for item in suite:
        assert splits.is_heldout(item.spec)
        assert item.scene.spec() == item.spec
        assert captions.parse_prompt(item.prompt) == item.spec
        assert captions.parse_prompt(item.paraphrase) == item.spec
        assert not captions.uses_paraphrase(item.prompt)
        if item.kind == "single":
            assert item.spec.objects[0].count == 1 and len(item.spec.objects) == 1
        elif item.kind == "count":
            assert item.spec.objects[0].count in (2, 3)
        else:
            assert item.spec.relation in ("above", "left of")
    assert len({i.prompt for i in suite}) > 480  # varied, not one prompt repeated
    assert np.mean([captions.uses_paraphrase(i.paraphrase) for i in suite]) > 0.95

    path = tmp_path / "suite.jsonl"
    splits.write_suite(path, n=20)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(lines) == 20
    assert Scene.from_dict(lines[0]["scene"]) == splits.heldout_suite(20)[0].scene
