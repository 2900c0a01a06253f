"""A contact sheet of the built-in model: one row per prompt, four seeds, and the first one upscaled.

    muralist eval sheet --out docs/images/builtin-contact-sheet.png

Native 64×64 images are shown at 2× with nearest-neighbour pixels (what the model really drew); the
last column is the first image through the model's upscaler (the full-resolution download).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from muralist.engine.pipeline import generate
from muralist.finishing.upscale import SuperResolution, upscale
from muralist.models.loading import Model
from muralist.types import GenerationParams, Sampler

# Training-vocabulary prompts of held-out compositions, then paraphrases the model never saw.
SHEET_PROMPTS = (
    "a cat on a red background",
    "a rocket on a blue background",
    "a large sunflower on green",
    "a small pizza at the top on a purple background",
    "two apples on yellow",
    "three stars on a black background",
    "a dog above a car on orange",
    "a tree left of a house on sky",
    "a fish on grass",
    "a kitty on crimson",
    "a spaceship in front of a cobalt backdrop",
)
CELL = 128
LABEL_WIDTH = 360


def contact_sheet(model: Model, prompts: tuple[str, ...] = SHEET_PROMPTS, seed: int = 0, steps: int = 30,
                  guidance: float = 5.0, upscaler: SuperResolution | None = None) -> Image.Image:  # fmt: skip
    sheet = Image.new("RGB", (LABEL_WIDTH + 5 * CELL, CELL * len(prompts)), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=15)
    small = ImageFont.load_default(size=12)
    for row, prompt in enumerate(prompts):
        params = GenerationParams(prompt=prompt, n=4, seed=seed, steps=steps, sampler=Sampler.DDIM,
                                  guidance_scale=guidance, model=model.name, width=model.default_size,
                                  height=model.default_size)  # fmt: skip
        results = generate(model, params)
        y = row * CELL
        draw.text((8, y + CELL // 2 - 14), prompt, fill="black", font=font)
        settings = f"seeds {seed}..{seed + 3}, DDIM {steps}, cfg {guidance:g}"
        draw.text((8, y + CELL // 2 + 2), settings, fill="gray", font=small)
        images = []
        for col, result in enumerate(results):
            assert result.pixels is not None, f"{prompt!r}: {result.error}"
            images.append(Image.fromarray(result.pixels))
            sheet.paste(images[-1].resize((CELL, CELL), Image.Resampling.NEAREST), (LABEL_WIDTH + col * CELL, y))
        big = upscale(images[0], upscaler)
        sheet.paste(big.resize((CELL, CELL), Image.Resampling.LANCZOS), (LABEL_WIDTH + 4 * CELL, y))
    return sheet


def write_sheet(model: Model, out: Path, upscaler: SuperResolution | None = None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    contact_sheet(model, upscaler=upscaler).save(out)
    return out
