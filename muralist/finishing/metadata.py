"""PNG files that carry their generation parameters in a text chunk.

The chunk `muralist` holds JSON: `params` (the GenerationParams that regenerate this image alone),
plus where it came from (request seed, index). Encoding is deterministic: the same pixels and
parameters give the same bytes.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, PngImagePlugin

PNG_KEY = "muralist"


def png_bytes(pixels: np.ndarray, metadata: dict[str, Any]) -> bytes:
    """An RGB uint8 array [H, W, 3] and its metadata → PNG bytes."""
    info = PngImagePlugin.PngInfo()
    info.add_text(PNG_KEY, json.dumps(metadata, sort_keys=True, separators=(",", ":")))
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode="RGB").save(buffer, format="PNG", pnginfo=info, compress_level=6)
    return buffer.getvalue()


def read_metadata(path: Path | str) -> dict[str, Any]:
    """The metadata a Muralist PNG carries; KeyError if it carries none."""
    with Image.open(path) as image:
        text = image.text.get(PNG_KEY)  # type: ignore[attr-defined]
    if text is None:
        raise KeyError(f"{path} carries no {PNG_KEY!r} text chunk")
    return json.loads(text)
