"""The ×4 upscaler: trains resumably, exports, loads, and upscales 64 px images to 256 px."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from muralist.finishing.upscale import load_upscaler, upscale
from muralist.train.upscaler import evaluate, export_upscaler, train_upscaler


def test_train_export_load_upscale(tmp_path: Path) -> None:
    train_upscaler(tmp_path / "run", steps=2, batch=2, scenes_per_step=1)
    train_upscaler(tmp_path / "run", steps=3, batch=2, scenes_per_step=1)  # resumes at step 2
    export_upscaler(tmp_path / "run", tmp_path / "export")
    model = load_upscaler(tmp_path / "export")
    image = Image.fromarray(np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8))
    big = upscale(image, model)
    assert big.size == (256, 256) and big.mode == "RGB"
    report = evaluate(model, n=2)
    assert report["n"] == 2 and report["bicubic_psnr_db"] > 10


def test_models_without_an_upscaler_get_lanczos() -> None:
    image = Image.new("RGB", (64, 48), (10, 20, 30))
    big = upscale(image, None)
    assert big.size == (256, 192) and big.getpixel((100, 100)) == (10, 20, 30)
