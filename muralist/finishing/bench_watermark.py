"""`muralist bench watermark`: how well the watermark survives what happens to images, at what cost.

Images: emoji scenes rendered at 64×64 (muralist/train/scenes.py, the built-in model's domain) and
upscaled to 256×256 by the shipped ×4 upscaler, i.e. what the full-resolution download is made of.
Each gets a random 40-bit id. Then:
    PNG round trip          → read at its own size, id exact?
    JPEG quality 80         → read at its own size, id exact?
    0.75× resize (bicubic)  → 192×192, below the 256 px the method needs; the verifier scales it
                              back to a delivered size (watermark.detect), id exact?
    visual cost             → PSNR of the watermarked against the unwatermarked image
    false positives         → ids read from the unwatermarked images (should be none)
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from muralist.finishing import watermark

BUILTIN_UPSCALER = Path(__file__).parents[1] / "models" / "builtin" / "upscaler"


def source_images(count: int, seed: int = 0) -> list[np.ndarray]:
    """`count` 256×256 RGB images: rendered 64×64 scenes through the shipped upscaler."""
    from muralist.finishing.upscale import load_upscaler, upscale
    from muralist.train.scenes import render, sample_scene

    model = load_upscaler(BUILTIN_UPSCALER)
    rng = np.random.default_rng(seed)
    return [np.asarray(upscale(render(sample_scene(rng, "all"), 64), model)) for _ in range(count)]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def reencode(pixels: np.ndarray, fmt: str, **options: Any) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buffer, format=fmt, **options)
    with Image.open(io.BytesIO(buffer.getvalue())) as image:
        return np.asarray(image.convert("RGB"))


def resized(pixels: np.ndarray, factor: float) -> np.ndarray:
    h, w = pixels.shape[:2]
    size = (round(w * factor), round(h * factor))
    return np.asarray(Image.fromarray(pixels, "RGB").resize(size, Image.Resampling.BICUBIC))


def run_watermark_bench(count: int = 200, seed: int = 0, jpeg_quality: int = 80, factor: float = 0.75) -> dict:
    images = source_images(count, seed)
    rng = np.random.default_rng(seed + 1)
    hits = {"png": 0, "jpeg": 0, "resize": 0}
    psnrs, embed_s, detect_s = [], 0.0, 0.0
    for pixels in images:
        wm_id = f"{int(rng.integers(0, 2**watermark.ID_BITS)):010x}"
        t0 = time.perf_counter()
        marked = watermark.embed(pixels, wm_id)
        embed_s += time.perf_counter() - t0
        psnrs.append(psnr(pixels, marked))
        t0 = time.perf_counter()
        found = watermark.detect_exact(reencode(marked, "PNG"))
        detect_s += time.perf_counter() - t0
        hits["png"] += found is not None and found.watermark_id == wm_id
        found = watermark.detect_exact(reencode(marked, "JPEG", quality=jpeg_quality))
        hits["jpeg"] += found is not None and found.watermark_id == wm_id
        found = watermark.detect(resized(marked, factor))
        hits["resize"] += found is not None and found.watermark_id == wm_id
    false_positives = sum(watermark.detect(pixels) is not None for pixels in images)
    p = np.array(psnrs)
    return {
        "images": count,
        "size": f"{images[0].shape[1]}x{images[0].shape[0]}",
        "source": "emoji scenes 64x64 -> shipped x4 upscaler",
        "scheme": watermark.SCHEME,
        "strength": watermark.STRENGTH,
        "payload_bits": watermark.ID_BITS,
        "exact_after_png": hits["png"] / count,
        f"exact_after_jpeg_q{jpeg_quality}": hits["jpeg"] / count,
        f"exact_after_resize_{factor}x_then_back": hits["resize"] / count,
        "psnr_db": {
            "mean": round(float(p.mean()), 2),
            "median": round(float(np.median(p)), 2),
            "min": round(float(p.min()), 2),
            "share_at_least_38": float(np.mean(p >= 38)),
        },
        "false_positives_unmarked": false_positives,
        "embed_ms": round(1000 * embed_s / count, 1),
        "detect_ms": round(1000 * detect_s / count, 1),
    }
