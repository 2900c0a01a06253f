"""Generate images in one process: params in, pixels out (the CLI's path; no queue, no server).

    samples = prepare(model, params, init, mask)      # text embeddings, first states
    while any sample is running: runner.denoise_step   # all samples share each UNet call
    decode                                             # VAE, 8-bit pixels

Image i uses seed `params.seed + i` and its own CPU generator, so it is the same image whether it
was made alone or beside others, and `params.for_image(i)` regenerates it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from muralist.engine import samplers
from muralist.engine.request import Inpaint, Sample
from muralist.engine.runner import denoise_step
from muralist.errors import NonFiniteLatentsError, UserError
from muralist.finishing.decode import decode, encode
from muralist.models.loading import Model
from muralist.types import GenerationParams, Kind


@dataclass(frozen=True)
class Progress:
    step: int  # steps done by the slowest running sample
    total: int
    elapsed_s: float


@dataclass(frozen=True)
class Result:
    index: int
    params: GenerationParams  # regenerates this image alone
    pixels: np.ndarray | None  # uint8 [H, W, 3]; None when the sample failed
    error: str | None = None


def check_size(model: Model, width: int, height: int) -> None:
    factor = model.vae_scale_factor
    if width % factor or height % factor:
        raise UserError(
            f"width and height must be multiples of {factor} for this model (its VAE downsamples by {factor}); "
            f"got {width}x{height}"
        )


def prepare(
    model: Model,
    params: GenerationParams,
    init_image: Image.Image | None = None,
    mask: Image.Image | None = None,
) -> list[Sample]:
    """Encode the prompts and build each image's first sampler state."""
    check_size(model, params.width, params.height)
    if (init_image is None) != (params.kind == Kind.TXT2IMG):
        raise UserError(f"a {params.kind.value} request {'needs' if init_image is None else 'takes no'} init image")
    schedule = samplers.make_schedule(model.noise_schedule, params.sampler, params.steps, params.strength, params.eta)
    cond = model.text_encoder([params.prompt])
    # As diffusers: guidance at or below 1 means the unconditional pass is skipped entirely.
    uncond = model.text_encoder([params.negative_prompt]) if params.guidance_scale > 1 else None
    f = model.vae_scale_factor
    shape = (1, model.latent_channels, params.height // f, params.width // f)
    pixels = _to_model_pixels(init_image, params.width, params.height) if init_image is not None else None
    latent_mask = _latent_mask(mask, shape) if mask is not None else None

    samples = []
    for i in range(params.n):
        generator = torch.Generator().manual_seed(params.seed + i)
        x0 = encode(model, pixels, generator) if pixels is not None else None
        state, noise = samplers.start(schedule, generator, shape, x0, model.device)
        inpaint = None
        if latent_mask is not None and x0 is not None:
            inpaint = Inpaint(x0, noise, latent_mask.to(model.device))
        samples.append(Sample(f"image-{i}", schedule, state, cond, uncond, params.guidance_scale, inpaint))
    return samples


def generate(
    model: Model,
    params: GenerationParams,
    init_image: Image.Image | None = None,
    mask: Image.Image | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> list[Result]:
    """Run a whole request; a sample whose latents go non-finite fails alone, with the step named."""
    samples = denoise(model, prepare(model, params, init_image, mask), on_progress)

    finished = [k for k, s in enumerate(samples) if s.error is None]
    pixels = decode(model, torch.cat([samples[k].state.latents for k in finished])) if finished else None
    results = []
    for k, sample in enumerate(samples):
        image = pixels[finished.index(k)] if pixels is not None and k in finished else None
        results.append(Result(k, params.for_image(k), image, sample.error))
    return results


def denoise(model: Model, samples: list[Sample], on_progress: Callable[[Progress], None] | None = None) -> list[Sample]:
    """Step every sample to its end (or its failure), all running samples sharing each UNet call."""
    started = time.monotonic()
    while running := [s for s in samples if not s.done]:
        for sample, result in zip(running, denoise_step(model, running), strict=True):
            if isinstance(result, NonFiniteLatentsError):
                sample.error = str(result)
            else:
                sample.state = result
        if on_progress is not None:
            total = max(s.schedule.steps_to_run for s in samples)
            alive = [s.state.step - s.schedule.start for s in samples if s.error is None]
            done = min(alive, default=total)
            on_progress(Progress(done, total, time.monotonic() - started))
    return samples


def _to_model_pixels(image: Image.Image, width: int, height: int) -> torch.Tensor:
    """PIL → [1, 3, H, W] in [-1, 1], resized (Lanczos) only if the request names another size."""
    image = image.convert("RGB")
    if image.size != (width, height):
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    array = np.asarray(image).astype(np.float32) / 255.0
    return torch.from_numpy(array).permute(2, 0, 1)[None] * 2.0 - 1.0


def _latent_mask(mask: Image.Image, latent_shape: tuple[int, ...]) -> torch.Tensor:
    """A mask image (white = repaint) → a binary [1, 1, h, w] mask at latent resolution."""
    array = np.asarray(mask.convert("L")).astype(np.float32) / 255.0
    tensor = torch.from_numpy(array)[None, None]
    small = torch.nn.functional.interpolate(tensor, size=latent_shape[-2:], mode="nearest")
    return (small >= 0.5).to(torch.float32)
