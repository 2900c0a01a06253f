"""Cheap previews: latents → RGB by a linear projection, no VAE decode.

The projection (3×C weights and a bias) is fitted once per model by least squares: smooth random
colour fields go through the VAE encoder, and each latent cell is regressed onto the mean colour
of the pixels it covers. It works for any VAE, with no per-model constants to maintain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from muralist.models.loading import Model


@dataclass(frozen=True)
class Projection:
    weight: torch.Tensor  # [3, C]
    bias: torch.Tensor  # [3]

    def __call__(self, latents: torch.Tensor) -> np.ndarray:
        """[1, C, h, w] (or [C, h, w]) latents → uint8 [h, w, 3]."""
        z = latents.reshape(-1, *latents.shape[-3:])[0].to("cpu", torch.float32)
        rgb = torch.einsum("oc,chw->hwo", self.weight, z) + self.bias
        return ((rgb.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()


@torch.no_grad()
def fit_projection(model: Model, n: int = 16, size: int = 64, seed: int = 0) -> Projection:
    f = model.vae_scale_factor
    size = max(size, 8 * f)
    generator = torch.Generator().manual_seed(seed)
    # Smooth colour fields: a few random colours blended across the image.
    coarse = torch.rand((n, 3, 4, 4), generator=generator) * 2 - 1
    images = torch.nn.functional.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)
    latents = model.vae.encode(images.to(model.device, model.dtype)).latent_dist.mean
    latents = ((latents - model.shift_factor) * model.scaling_factor).float().cpu()
    colours = torch.nn.functional.avg_pool2d(images, f)  # the pixels each latent cell covers
    x = latents.permute(0, 2, 3, 1).reshape(-1, latents.shape[1])
    y = colours.permute(0, 2, 3, 1).reshape(-1, 3)
    design = torch.cat([x, torch.ones(len(x), 1)], dim=1)
    solution = torch.linalg.lstsq(design, y).solution  # [C + 1, 3]
    return Projection(solution[:-1].T.contiguous(), solution[-1].contiguous())
