"""The last stage before storage: pixels → the bytes a user downloads.

    finish(image, ...) = C2PA-sign( PNG( watermark(image), metadata ) )

In that order because each step must cover the one before: the watermark changes pixels, the PNG
text chunk describes the watermarked image, and the C2PA signature hashes the finished file, so any
later change to pixels or metadata breaks it. Images under 256 px (live previews, small sizes) carry
no watermark and their metadata says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from muralist.finishing import c2pa, watermark
from muralist.finishing.metadata import png_bytes

if TYPE_CHECKING:
    from muralist.config import Settings

NO_WATERMARK = f"none: smaller than {watermark.MIN_SIDE} px (a preview); only delivered images are watermarked"


def finish(
    image: Image.Image | np.ndarray,
    *,
    metadata: dict[str, Any],
    image_id: str,
    job_id: str,
    model_id: str,
    policy_version: str,
    identity: c2pa.SigningIdentity,
    include_prompt: bool = True,
) -> bytes:
    """Watermark (≥ 256 px) → PNG with metadata → signed C2PA manifest → bytes to store."""
    pixels = np.asarray(image.convert("RGB")) if isinstance(image, Image.Image) else image
    h, w = pixels.shape[:2]
    wm_id: str | None = None
    if min(h, w) >= watermark.MIN_SIDE:
        wm_id = watermark.watermark_id(image_id)
        pixels = watermark.embed(pixels, wm_id)
        mark: dict[str, Any] = {"scheme": watermark.SCHEME, "id": wm_id}
    else:
        mark = {"scheme": None, "note": NO_WATERMARK}
    record = {**metadata, "image_id": image_id, "job_id": job_id, "watermark": mark}
    png = png_bytes(pixels, record, include_prompt=include_prompt)
    provenance = c2pa.Provenance(model_id, policy_version, job_id, wm_id)
    return c2pa.sign_png(png, provenance, identity, title=f"{image_id}.png")


def identity_from_settings(settings: Settings) -> c2pa.SigningIdentity:
    """The configured C2PA signing identity, or the local CA's (created on first use)."""
    return c2pa.load_identity(settings.c2pa_cert, settings.c2pa_key, settings.data_dir, settings.c2pa_tsa_url)
