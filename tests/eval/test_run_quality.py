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
