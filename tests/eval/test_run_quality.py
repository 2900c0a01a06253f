"""`muralist eval quality` plumbing: prompts through the engine, one image each, in prompt order."""

from __future__ import annotations

import numpy as np

from muralist.eval.run_quality import generate_for, suite_prompts
from muralist.types import Sampler


def test_the_default_suite_parses_whole() -> None:
    prompts = suite_prompts()
    assert len(prompts.items) == 500 and prompts.unparsed == []
    paraphrased = suite_prompts(paraphrase=True)
    assert len(paraphrased.items) == 500 and paraphrased.unparsed == []
    assert {i.spec for i in prompts.items} == {i.spec for i in paraphrased.items}


def test_one_image_per_prompt_in_order(tiny_model) -> None:  # noqa: ANN001
    done: list[int] = []
    images = generate_for(tiny_model, ["a cat", "a dog", "a cat"], steps=3, guidance=5.0, sampler=Sampler.DDIM,
                          seed=7, max_batch=2, on_done=done.append)  # fmt: skip
    assert images.shape == (3, 32, 32, 3) and done == [1, 2, 3]
    assert not np.array_equal(images[0], images[2])  # seeds 7 and 9


def test_a_subset_keeps_each_prompts_seed_and_the_mix_of_kinds(tiny_model, tmp_path) -> None:  # noqa: ANN001
    from muralist.eval.run_quality import run_quality

    prompts = tmp_path / "prompts.txt"
    prompts.write_text("a cat on red\na dog on blue\ntwo cats on green\na cat above a dog on sky\na fish on sand\n")
    lines = prompts.read_text().splitlines()
    whole = generate_for(tiny_model, lines, steps=2, guidance=5.0, sampler=Sampler.DDIM, seed=0)
    report = run_quality(tiny_model, prompts, steps=2, limit=3, save_images=tmp_path / "kept.npz")
    kept = np.load(tmp_path / "kept.npz")
    assert list(kept["prompts"]) == ["a cat on red", "two cats on green", "a fish on sand"]  # first, middle, last
    assert list(kept["seeds"]) == [0, 2, 4]
    assert np.array_equal(kept["images"], whole[[0, 2, 4]]), "a subset must draw the images the whole run draws"
    assert report["n_prompts"] == 3 and report["limit"] == 3
