"""Uploaded images: size and format limits, a decompression-bomb guard, stored by content hash.

An upload is read at most MAX_UPLOAD_BYTES + 1 bytes, its header is read before its pixels (a 2 KB
PNG can claim 100 000 x 100 000 pixels), and only then decoded. Accepted images are re-encoded as
PNG and stored under inputs/<sha256>.png; the job records `sha256:<hex>` (DESIGN.md §4).
"""

from __future__ import annotations

import io
import warnings

from fastapi import UploadFile
from PIL import Image, UnidentifiedImageError

from muralist.api.problems import ProblemError
from muralist.storage.objects import ObjectStore, content_key

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 4096 * 4096
FORMATS = {"PNG", "JPEG", "WEBP"}


async def read_upload(upload: UploadFile, field: str) -> Image.Image:
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ProblemError(413, f"{field}: uploads are limited to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB", field=field)
    return decode(data, field)


def decode(data: bytes, field: str) -> Image.Image:
    """Bytes → a loaded PIL image, or a problem naming what was wrong."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise ProblemError(
                    415, f"{field}: expected a PNG, JPEG or WebP image, got {image.format or 'unknown'}", field=field
                )
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ProblemError(
                    413,
                    f"{field}: {width}x{height} is {width * height} pixels; at most {MAX_PIXELS} are accepted "
                    "(decompression-bomb guard)",
                    field=field,
                )
            image.load()
    except ProblemError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ProblemError(415, f"{field}: not a readable PNG, JPEG or WebP image ({exc})", field=field) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ProblemError(415, f"{field}: the image is damaged or truncated ({exc})", field=field) from None
    return image


def store_input(objects: ObjectStore, image: Image.Image) -> str:
    """Store `image` as PNG under inputs/; returns the reference a job records: `sha256:<hex>`."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data = buffer.getvalue()
    key = content_key(data, folder="inputs")
    if not objects.exists(key):
        objects.put(key, data)
    return "sha256:" + key.removeprefix("inputs/").removesuffix(".png")
