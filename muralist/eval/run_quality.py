"""`muralist eval quality`: generate images for a prompt suite with a model, judge them with the oracle.

Prompts come from a file (one per line, in the caption language of docs/caption-language.md) or,
by default, from the 500-prompt held-out suite (`--paraphrase` uses its paraphrased twins). Every
prompt is generated once (seed = base seed + its index) through the engine, many at a time, and
the report holds the oracle's GenEval-style accuracies and the FOD against real renders.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from muralist.engine.engine import Engine, Event
from muralist.eval.quality import PromptSet, evaluate_images, parse_prompts, read_prompt_file, reference_images
from muralist.models.loading import Model
from muralist.train.splits import heldout_suite
from muralist.types import GenerationParams, Sampler


def suite_prompts(paraphrase: bool = False) -> PromptSet:
    return parse_prompts([item.paraphrase if paraphrase else item.prompt for item in heldout_suite()])


def generate_for(model: Model, prompts: list[str], steps: int, guidance: float, sampler: Sampler, seed: int,
                 max_batch: int = 16, on_done: Callable[[int], None] | None = None,
                 seed_offsets: list[int] | None = None) -> np.ndarray:  # fmt: skip
    """One image per prompt at the model's native size, all through one engine: uint8 [N, H, W, 3].

    Prompt i uses seed + i, or seed + seed_offsets[i] when given."""
    images: dict[int, np.ndarray] = {}
    failures: dict[int, str] = {}

    def listen(event: Event) -> None:
        index = int(event.request_id)
        if event.kind == "finished" and event.results and event.results[0].pixels is not None:
            images[index] = event.results[0].pixels
            if on_done is not None:
                on_done(len(images))
        elif event.kind in ("finished", "failed"):
            failures[index] = event.error or (event.results[0].error if event.results else None) or "failed"

    engine = Engine({model.name: model}, max_batch=max_batch, preview_every=0, on_event=listen)
    size = model.default_size
    for index, prompt in enumerate(prompts):
        offset = seed_offsets[index] if seed_offsets is not None else index
        params = GenerationParams(prompt=prompt, model=model.name, seed=seed + offset, width=size, height=size,
                                  steps=steps, sampler=sampler, guidance_scale=guidance)  # fmt: skip
        engine.submit(str(index), params, priority=(index,))
    engine.run_until_idle()
    if failures:
        raise RuntimeError(f"{len(failures)} generations failed, e.g. {next(iter(failures.items()))}")
    return np.stack([images[i] for i in range(len(prompts))])


def run_quality(model: Model, prompts_file: Path | None = None, steps: int = 30, guidance: float = 5.0,
                sampler: Sampler = Sampler.DDIM, seed: int = 0, paraphrase: bool = False,
                oracle_path: Path | None = None, limit: int | None = None,
                save_images: Path | None = None) -> dict[str, Any]:  # fmt: skip
    """`limit` keeps that many prompts evenly spaced over the list (the suite is ordered by kind, so the
    subset keeps its mix); each keeps the seed it has in the whole list, so it draws the same image."""
    from muralist.eval.oracle import load_oracle

    prompts = read_prompt_file(prompts_file) if prompts_file else suite_prompts(paraphrase)
    offsets = list(range(len(prompts.items)))
    if limit is not None and limit < len(prompts.items):
        offsets = sorted({int(i) for i in np.linspace(0, len(prompts.items) - 1, limit).round()})
        prompts = PromptSet([prompts.items[i] for i in offsets], prompts.unparsed)
    oracle = load_oracle(oracle_path)
    started = time.monotonic()
    images = generate_for(model, [item.prompt for item in prompts.items], steps, guidance, sampler, seed,
                          seed_offsets=offsets)  # fmt: skip
    elapsed = time.monotonic() - started
    report = evaluate_images(oracle, prompts.items, images, reference_images(prompts.items), prompts.unparsed)
    report.update(model=model.name, steps=steps, guidance=guidance, sampler=sampler.value, seed=seed,
                  prompts=str(prompts_file) if prompts_file else ("suite-paraphrase" if paraphrase else "suite"),
                  generation_seconds=round(elapsed, 1), limit=limit)  # fmt: skip
    if save_images is not None:
        save_images.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(save_images, images=images, prompts=np.array([item.prompt for item in prompts.items]),
                            seeds=np.array([seed + offset for offset in offsets]))  # fmt: skip
    return report
