"""Load a diffusers-format Stable Diffusion directory into one `Model`.

Supported: SD 1.x, SD 2.x (epsilon or v-prediction) and SD-Turbo layouts, i.e. a directory with
`model_index.json`, `unet/`, `vae/`, `text_encoder/`, `tokenizer/` and `scheduler/`. The pipeline's
scheduler class does not matter: Muralist samples with its own samplers and reads only the training
noise schedule from `scheduler/scheduler_config.json`. Every failure is a `ModelError` that names
the directory, the component and what was wrong.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from muralist.engine.samplers import NoiseSchedule
from muralist.errors import ModelError
from muralist.models.frozen import FrozenUNet
from muralist.models.text_encoders import TextEncoder, load_text_encoder

# Never reach for a hub: every model is a local directory.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SUPPORTED_PIPELINES = {"StableDiffusionPipeline", "StableDiffusionImg2ImgPipeline"}
COMPONENTS = ("unet", "vae", "text_encoder", "tokenizer", "scheduler")
DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}

log = logging.getLogger(__name__)


@dataclass
class Model:
    """A loaded model: everything the engine needs, and nothing about how it was stored."""

    name: str
    directory: Path
    text_encoder: TextEncoder
    unet: Any  # diffusers.UNet2DConditionModel
    vae: Any  # diffusers.AutoencoderKL
    noise_schedule: NoiseSchedule
    vae_scale_factor: int  # pixels per latent cell along each side
    latent_channels: int
    scaling_factor: float  # latents = scaling_factor * (vae latents - shift_factor)
    shift_factor: float
    device: torch.device
    dtype: torch.dtype

    @property
    def prediction_type(self) -> str:
        return self.noise_schedule.prediction_type

    @property
    def default_size(self) -> int:
        """The image side the UNet was trained at (e.g. 512 for SD 1.5)."""
        return int(self.unet.config.sample_size) * self.vae_scale_factor


def read_model_index(directory: Path) -> dict[str, Any]:
    """Check the directory's shape and return its model_index.json, or say exactly what is wrong."""
    if not directory.exists():
        raise ModelError(f"model directory {directory} does not exist")
    if not directory.is_dir():
        raise ModelError(f"model path {directory} is not a directory")
    index_file = directory / "model_index.json"
    if not index_file.is_file():
        raise ModelError(f"{directory} is not a diffusers model directory: model_index.json is missing")
    index = _read_json(index_file)
    pipeline = index.get("_class_name", "")
    if "XL" in pipeline or "text_encoder_2" in index:
        raise ModelError(
            f"{directory} is an SDXL model ({pipeline}); SDXL is not supported yet. "
            "Use an SD 1.x, SD 2.x or SD-Turbo model."
        )
    if pipeline not in SUPPORTED_PIPELINES:
        raise ModelError(
            f"{directory} holds a {pipeline or 'pipeline without _class_name'}; "
            f"supported: {sorted(SUPPORTED_PIPELINES)}"
        )
    for name in COMPONENTS:
        entry = index.get(name)
        if not (isinstance(entry, list) and len(entry) == 2 and entry[1]):
            raise ModelError(f"{index_file} does not name a {name} component (expected [library, class])")
        if not (directory / name).is_dir():
            raise ModelError(f"model directory {directory} is missing the {name}/ component")
    return index


def load_model(directory: Path, name: str | None = None, device: str = "cpu", dtype: str = "float32",
               freeze: bool = False) -> Model:  # fmt: skip
    """Load every component of a diffusers-format SD directory onto `device` in `dtype`.

    `freeze`: run the UNet as a TorchScript graph traced on first use (models/frozen.py).
    """
    from diffusers import AutoencoderKL, UNet2DConditionModel

    _quiet_libraries()
    if dtype not in DTYPES:
        raise ModelError(f"dtype must be one of {sorted(DTYPES)}, got {dtype!r}")
    torch_dtype, torch_device = DTYPES[dtype], torch.device(device)
    directory = Path(directory)
    index = read_model_index(directory)
    for component, cls in (("unet", "UNet2DConditionModel"), ("vae", "AutoencoderKL")):
        if index[component][1] != cls:
            raise ModelError(f"{directory}: {component} is a {index[component][1]}; expected {cls}")

    noise = NoiseSchedule.from_config(_read_json(directory / "scheduler" / "scheduler_config.json"))
    unet = _load(UNet2DConditionModel, directory, "unet", torch_dtype)
    vae = _load(AutoencoderKL, directory, "vae", torch_dtype)
    text_encoder = load_text_encoder(
        directory / "text_encoder",
        directory / "tokenizer",
        index["text_encoder"][1],
        index["tokenizer"][1],
        torch_device,
        torch_dtype,
    )

    latent_channels = int(vae.config.latent_channels)
    if unet.config.in_channels != latent_channels:
        raise ModelError(
            f"{directory}: the UNet takes {unet.config.in_channels} input channels but the VAE makes "
            f"{latent_channels}; inpainting UNets (9 channels) are not supported yet"
        )
    if unet.config.cross_attention_dim != text_encoder.hidden_size:
        raise ModelError(
            f"{directory}: the UNet attends to {unet.config.cross_attention_dim}-dim text embeddings but the "
            f"text encoder makes {text_encoder.hidden_size}"
        )
    unet.requires_grad_(False).eval().to(torch_device)
    vae.requires_grad_(False).eval().to(torch_device)
    return Model(
        name=name or str(directory),
        directory=directory,
        text_encoder=text_encoder,
        unet=FrozenUNet(unet) if freeze else unet,
        vae=vae,
        noise_schedule=noise,
        vae_scale_factor=2 ** (len(vae.config.block_out_channels) - 1),
        latent_channels=latent_channels,
        scaling_factor=float(vae.config.scaling_factor),
        shift_factor=float(getattr(vae.config, "shift_factor", None) or 0.0),
        device=torch_device,
        dtype=torch_dtype,
    )


def _quiet_libraries() -> None:
    """Loading is ours to report: silence the libraries' progress bars and advice."""
    import diffusers.utils.logging as diffusers_logging
    import transformers.utils.logging as transformers_logging

    for lib in (diffusers_logging, transformers_logging):
        lib.set_verbosity_error()
        lib.disable_progress_bar()


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ModelError(f"{path} is missing")
    try:
        data = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path} must hold a JSON object, got {type(data).__name__}")
    return data


def _load(cls: Any, directory: Path, component: str, dtype: torch.dtype) -> Any:
    try:
        return cls.from_pretrained(directory / component, torch_dtype=dtype, local_files_only=True)
    except (OSError, ValueError, RuntimeError) as exc:
        raise ModelError(f"cannot load {component}/ from {directory}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
