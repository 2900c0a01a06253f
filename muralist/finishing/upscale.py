"""Upscaling for the full-resolution download.

The built-in model ships a small super-resolution network (×4, 64 → 256): residual blocks over the
low-resolution image, a pixel shuffle (Shi et al. 2016) to full resolution, added to the bicubic
upscale, so the network only learns what bicubic gets wrong (sprite edges, texture). Other models
get a plain Lanczos resample, and the API says which one was used.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn


@dataclass(frozen=True)
class UpscalerConfig:
    scale: int = 4
    channels: int = 48
    blocks: int = 6


class _Block(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(channels, channels, 3, padding=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class SuperResolution(nn.Module):
    """[N, 3, h, w] in [-1, 1] → [N, 3, scale·h, scale·w] in [-1, 1]."""

    def __init__(self, config: UpscalerConfig):
        super().__init__()
        self.config = config
        c = config.channels
        self.head = nn.Conv2d(3, c, 3, padding=1)
        self.body = nn.Sequential(*[_Block(c) for _ in range(config.blocks)], nn.Conv2d(c, c, 3, padding=1))
        self.tail = nn.Sequential(nn.Conv2d(c, 3 * config.scale**2, 3, padding=1), nn.PixelShuffle(config.scale))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        base = F.interpolate(x, scale_factor=self.config.scale, mode="bicubic", align_corners=False)
        features = self.head(x)
        return base + self.tail(features + self.body(features))


def save_upscaler(model: SuperResolution, folder: Path) -> None:
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, folder / "model.safetensors")
    (folder / "config.json").write_text(json.dumps(asdict(model.config), indent=2) + "\n")


def load_upscaler(folder: Path) -> SuperResolution:
    from safetensors.torch import load_file

    model = SuperResolution(UpscalerConfig(**json.loads((folder / "config.json").read_text())))
    model.load_state_dict(load_file(folder / "model.safetensors"))
    return model.eval()


@torch.no_grad()
def upscale(image: Image.Image, model: SuperResolution | None, scale: int = 4) -> Image.Image:
    """Upscale with the network, or with Lanczos when the model ships none."""
    if model is None:
        return image.resize((image.width * scale, image.height * scale), Image.Resampling.LANCZOS)
    x = torch.from_numpy(np.asarray(image.convert("RGB"), dtype=np.float32) / 127.5 - 1).permute(2, 0, 1)[None]
    y = model(x)[0].clamp(-1, 1)
    return Image.fromarray(((y + 1) * 127.5).round().to(torch.uint8).permute(1, 2, 0).numpy(), "RGB")
