"""`muralist bench generate`: what one person waits for on this machine.

Times a whole request (text encoding, every denoising step with classifier-free guidance, VAE
decode) of `n` images, after one warm-up run, and one upscale of the first image. Reports the
median and the spread of `repeats` runs; the model is loaded once, as a server would.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import torch
from PIL import Image

from muralist.engine.pipeline import generate
from muralist.finishing.upscale import SuperResolution, upscale
from muralist.models.loading import Model
from muralist.types import GenerationParams, Sampler


def bench_generate(model: Model, upscaler: SuperResolution | None, n: int = 4, steps: int = 30,
                   guidance: float = 5.0, sampler: Sampler = Sampler.DDIM,
                   repeats: int = 5) -> dict[str, Any]:  # fmt: skip
    size = model.default_size
    params = GenerationParams(prompt="two apples left of a rocket on a purple background", n=n, steps=steps,
                              sampler=sampler, guidance_scale=guidance, seed=0, model=model.name,
                              width=size, height=size)  # fmt: skip
    generate(model, params)  # warm-up: first calls allocate and pick kernels
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        results = generate(model, params)
        seconds.append(time.perf_counter() - started)
    first = results[0].pixels
    assert first is not None, results[0].error
    image = Image.fromarray(first)
    upscale(image, upscaler)
    upscale_seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        big = upscale(image, upscaler)
        upscale_seconds.append(time.perf_counter() - started)
    return {
        "model": model.name,
        "images": n,
        "steps": steps,
        "guidance": guidance,
        "sampler": sampler.value,
        "size": size,
        "threads": torch.get_num_threads(),
        "request_seconds_median": round(statistics.median(seconds), 3),
        "request_seconds_min": round(min(seconds), 3),
        "request_seconds_max": round(max(seconds), 3),
        "upscaler": "trained x4" if upscaler is not None else "lanczos",
        "upscaled_size": big.size[0],
        "upscale_seconds_median": round(statistics.median(upscale_seconds), 4),
    }
