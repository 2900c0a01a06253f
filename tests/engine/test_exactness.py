"""`muralist generate` against diffusers, the reference implementation.

For tiny random-weight SD pipelines, the PNG written by the CLI must match diffusers'
StableDiffusionPipeline / StableDiffusionImg2ImgPipeline with the matching scheduler, the same seed,
steps and guidance: at most 1 level of 255 in any pixel.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
import torch
from diffusers import (
    DDIMScheduler,
    DPMSolverMultistepScheduler,
    EulerAncestralDiscreteScheduler,
    EulerDiscreteScheduler,
    StableDiffusionImg2ImgPipeline,
    StableDiffusionPipeline,
)
from PIL import Image

from muralist.cli import main

REFERENCE = {
    "ddim": (DDIMScheduler, {}),
    "euler": (EulerDiscreteScheduler, {}),
    "euler_a": (EulerAncestralDiscreteScheduler, {}),
    "dpmpp_2m": (DPMSolverMultistepScheduler, {}),
    "dpmpp_2m_karras": (DPMSolverMultistepScheduler, {"use_karras_sigmas": True}),
}
PROMPT = "a cat on the red mat"
SIZE, STEPS, SEED, GUIDANCE = 32, 12, 1234, 7.5


@cache
def _pipeline(model_dir: Path, img2img: bool):  # noqa: ANN202
    cls = StableDiffusionImg2ImgPipeline if img2img else StableDiffusionPipeline
    pipe = cls.from_pretrained(model_dir, safety_checker=None, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def reference(
    model_dir: Path,
    sampler: str,
    negative: str | None,
    init: Image.Image | None = None,
    strength: float | None = None,
    steps: int = STEPS,
) -> np.ndarray:
    pipe = _pipeline(model_dir, init is not None)
    cls, extra = REFERENCE[sampler]
    pipe.scheduler = cls.from_config(pipe.scheduler.config, **extra)
    kwargs = {"image": init, "strength": strength} if init is not None else {"height": SIZE, "width": SIZE}
    out = pipe(
        PROMPT,
        negative_prompt=negative,
        num_inference_steps=steps,
        guidance_scale=GUIDANCE,
        generator=torch.Generator().manual_seed(SEED),
        output_type="np",
        **kwargs,
    )
    return (out.images[0] * 255).round().astype(np.uint8)


def muralist(
    model_dir: Path, out: Path, sampler: str, negative: str | None, *extra: str, steps: int = STEPS
) -> np.ndarray:
    args = [
        "generate",
        PROMPT,
        "--model",
        str(model_dir),
        "--sampler",
        sampler,
        "--seed",
        str(SEED),
        "--steps",
        str(steps),
        "--guidance",
        str(GUIDANCE),
        "--out",
        str(out),
        *extra,
    ]
    if "--init" not in extra:
        args += ["--width", str(SIZE), "--height", str(SIZE)]
    if negative is not None:
        args += ["--negative", negative]
    assert main(args) == 0
    (png,) = out.glob("*.png")
    return np.asarray(Image.open(png).convert("RGB"))


def assert_close(ours: np.ndarray, ref: np.ndarray) -> None:
    assert ours.shape == ref.shape
    worst = int(np.abs(ours.astype(int) - ref.astype(int)).max())
    assert worst <= 1, f"a pixel differs from diffusers by {worst} levels of 255"


@pytest.mark.parametrize("negative", [None, "blurry, low quality"])
@pytest.mark.parametrize("sampler", list(REFERENCE))
def test_txt2img_matches_diffusers(tiny_sd: Path, tmp_path: Path, sampler: str, negative: str | None) -> None:
    assert_close(muralist(tiny_sd, tmp_path, sampler, negative), reference(tiny_sd, sampler, negative))


@pytest.mark.parametrize("sampler", ["ddim", "euler", "euler_a", "dpmpp_2m"])
def test_v_prediction_trailing_matches_diffusers(tiny_sd_v: Path, tmp_path: Path, sampler: str) -> None:
    """SD 2.x / SD-Turbo style configs: v-prediction, trailing timestep spacing."""
    assert_close(muralist(tiny_sd_v, tmp_path, sampler, "ugly"), reference(tiny_sd_v, sampler, "ugly"))


@pytest.fixture(scope="module")
def init_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    pixels = np.stack([x * 8 % 256, y * 8 % 256, (x + y) * 4 % 256], axis=-1).astype(np.uint8)
    path = tmp_path_factory.mktemp("init") / "init.png"
    Image.fromarray(pixels).save(path)
    return path


@pytest.mark.parametrize("negative", [None, "blurry"])
@pytest.mark.parametrize("sampler", list(REFERENCE))
def test_img2img_matches_diffusers(
    tiny_sd: Path, tmp_path: Path, init_image: Path, sampler: str, negative: str | None
) -> None:
    ours = muralist(tiny_sd, tmp_path, sampler, negative, "--init", str(init_image), "--strength", "0.6")
    ref = reference(tiny_sd, sampler, negative, Image.open(init_image).convert("RGB"), 0.6)
    assert_close(ours, ref)


def test_the_comparison_can_fail(tiny_sd: Path, tmp_path: Path) -> None:
    """Samplers, negative prompts and seeds really change the pixels, so a match means something."""
    base = reference(tiny_sd, "ddim", None)
    others = {sampler: reference(tiny_sd, sampler, None) for sampler in REFERENCE if sampler != "ddim"} | {
        "negative": reference(tiny_sd, "ddim", "blurry, low quality"),
        "steps": reference(tiny_sd, "ddim", None, steps=10),
    }
    for name, other in others.items():
        assert np.abs(base.astype(int) - other.astype(int)).max() > 8, f"ddim and {name} give the same image"
    assert base.std() > 10, "the tiny model makes flat images; the comparison would be too easy"
