"""A sample in flight: one image's fixed inputs and its sampler state.

A request for n images becomes n samples (seeds S..S+n-1) that move through the engine together;
each can fail alone (a NaN in one never spoils its batch-mates).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from muralist.engine.samplers import SamplerState, Schedule


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
