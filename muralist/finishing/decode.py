"""VAE decode: latents → 8-bit RGB pixels, exactly as diffusers' image processor rounds them."""

from __future__ import annotations

import numpy as np
import torch

from muralist.models.loading import Model


@torch.no_grad()
def decode(model: Model, latents: torch.Tensor) -> np.ndarray:
    """[B, C, h, w] latents → uint8 array [B, H, W, 3]."""
    z = latents.to(model.device, model.dtype) / model.scaling_factor + model.shift_factor
    image = model.vae.decode(z, return_dict=False)[0]
    image = (image / 2 + 0.5).clamp(0, 1)  # the VAE works in [-1, 1]
    array = image.cpu().permute(0, 2, 3, 1).float().numpy()
    return (array * 255).round().astype(np.uint8)


@torch.no_grad()
def encode(model: Model, pixels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """[1, 3, H, W] pixels in [-1, 1] → latents, sampling the VAE posterior with `generator`.

    Sampling (not the mean) and drawing from the sample's generator first is what diffusers'
    img2img pipeline does, so the same seed gives the same image.
    """
    dist = model.vae.encode(pixels.to(model.device, model.dtype)).latent_dist
    eps = torch.randn(dist.mean.shape, generator=generator, dtype=torch.float32).to(model.device, model.dtype)
    latents = dist.mean + dist.std * eps
    return ((latents - model.shift_factor) * model.scaling_factor).to(torch.float32)
