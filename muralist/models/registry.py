"""Model names → directories.

A name is looked up in the settings (`models`), then `builtin` (the model shipped in the package),
then taken as a directory path. The same name always means the same directory on one deployment,
which is what lets a recorded `model` parameter regenerate an image.
"""

from __future__ import annotations

from pathlib import Path

from muralist.config import Settings
from muralist.errors import ModelError
from muralist.models.loading import Model, load_model

BUILTIN_NAME = "builtin"
BUILTIN_DIR = Path(__file__).parent / "builtin"


def resolve_model(name_or_dir: str, settings: Settings) -> Path:
    """The directory of a model given by registered name, `builtin`, or path."""
    if name_or_dir in settings.models:
        return Path(settings.models[name_or_dir]).expanduser()
    if name_or_dir == BUILTIN_NAME:
        if not (BUILTIN_DIR / "model_index.json").is_file():
            raise ModelError(
                "the built-in model is not in this checkout yet (it is trained by `muralist train`); "
                "pass --model with a diffusers-format Stable Diffusion directory"
            )
        return BUILTIN_DIR
    path = Path(name_or_dir).expanduser()
    if path.exists() or "/" in name_or_dir or name_or_dir.startswith("."):
        return path
    known = sorted([*settings.models, BUILTIN_NAME])
    raise ModelError(
        f"unknown model {name_or_dir!r}: it is neither a registered name ({', '.join(known)}) nor an existing directory"
    )


def load_configured(name: str, settings: Settings) -> Model:
    """Load a model by name on the configured device, dtype and UNet mode."""
    freeze = settings.freeze_unet and settings.device == "cpu"
    return load_model(resolve_model(name, settings), name, settings.device, settings.dtype, freeze)
