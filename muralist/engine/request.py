"""A sample in flight: one image's fixed inputs and its sampler state.

`prepare` turns a request into its samples: text embeddings, each image's generator and first
sampler state. A request for n images becomes n samples (seeds S..S+n-1) that move through the engine together;
each can fail alone (a NaN in one never spoils its batch-mates).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from muralist.engine import samplers
from muralist.engine.samplers import SamplerState, Schedule
from muralist.errors import UserError
from muralist.finishing.decode import encode
from muralist.models.loading import Model
from muralist.types import GenerationParams, Kind


@dataclass(frozen=True)
class Inpaint:
    """Mask blending (diffusers' legacy inpainting): the kept region follows the init image."""

    image_latents: torch.Tensor  # clean latents of the init image [1, C, h, w]
    noise: torch.Tensor  # the fixed noise that re-noises them to each step's level
    mask: torch.Tensor  # [1, 1, h, w]: 1 = repaint, 0 = keep


@dataclass
class Sample:
    id: str
    schedule: Schedule
    state: SamplerState
    cond: torch.Tensor  # prompt embeddings [1, L, D]
    uncond: torch.Tensor | None  # negative-prompt embeddings; None when guidance_scale <= 1
    guidance_scale: float
    inpaint: Inpaint | None = None
    error: str | None = None

    @property
    def done(self) -> bool:
        return self.error is not None or self.state.step >= self.schedule.steps

    @property
    def uses_guidance(self) -> bool:
        return self.uncond is not None


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
