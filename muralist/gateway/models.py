"""What the gateway knows about a model without loading it: base size, VAE factor, upscaler.

Read from the model directory's config files (no weights), so a request with a bad size is refused
before it queues, in an API process that never loads a model.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from muralist.config import Settings
from muralist.engine.worker import upscaler_name
from muralist.errors import ModelError, UserError
from muralist.models.registry import resolve_model


class FieldError(UserError):
    """A UserError about one field of the request (the API names it)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ModelInfo:
    name: str
    directory: Path
    base_size: int  # the side the UNet was trained at
    factor: int  # pixels per latent cell: sides must be multiples of it
    upscaler: str  # "network-x4" or "lanczos-x4"

    def check_size(self, width: int, height: int, largest: int) -> None:
        """Raise UserError naming the sizes this model takes."""
        for field, side in (("width", width), ("height", height)):
            if side % self.factor or not self.factor <= side <= largest:
                raise FieldError(
                    f"{field} must be a multiple of {self.factor} from {self.factor} to {largest} for model "
                    f"{self.name!r} (base size {self.base_size}); got {width}x{height}",
                    field,
                )


class Catalog:
    def __init__(self, settings: Settings):
        self.settings = settings

    def get(self, name: str | None) -> ModelInfo:
        name = name or self.settings.default_model
        try:
            return _read(name, resolve_model(name, self.settings))
        except ModelError as exc:
            raise FieldError(f"model: {exc}", "model") from None


@functools.cache
def _read(name: str, directory: Path) -> ModelInfo:
    try:
        unet = json.loads((directory / "unet" / "config.json").read_text())
        vae = json.loads((directory / "vae" / "config.json").read_text())
    except (OSError, ValueError) as exc:
        raise ModelError(f"{directory} is not a usable model directory: {exc}") from None
    factor = 2 ** (len(vae["block_out_channels"]) - 1)
    return ModelInfo(name, directory, int(unet["sample_size"]) * factor, factor, upscaler_name(directory))
