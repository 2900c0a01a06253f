"""finish(): the bytes a user downloads carry the watermark, the metadata and a valid manifest."""

from __future__ import annotations

import hashlib
import io

import numpy as np
from PIL import Image

from muralist.finishing import c2pa, watermark
from muralist.finishing.finish import NO_WATERMARK, finish
from muralist.finishing.metadata import PNG_KEY, png_bytes

PROMPT = "two red apples left of a rocket on a purple background"
METADATA = {"params": {"prompt": PROMPT, "negative_prompt": "blurry", "seed": 7, "steps": 30}, "index": 0}


def _finish(pixels: np.ndarray, identity: c2pa.SigningIdentity, **options: bool) -> bytes:
    return finish(pixels, metadata=METADATA, image_id="job-42/0", job_id="job-42", model_id="builtin",
                  policy_version="safety-2026.1", identity=identity, **options)  # fmt: skip


def _open(data: bytes) -> tuple[np.ndarray, dict]:
    import json

    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("RGB")), json.loads(image.text[PNG_KEY])  # type: ignore[attr-defined]


def test_a_delivered_image_carries_watermark_metadata_and_manifest(
    scenes: list[np.ndarray], identity: c2pa.SigningIdentity
) -> None:
    data = _finish(scenes[2], identity)
    pixels, metadata = _open(data)
    expected = watermark.watermark_id("job-42/0")
    assert watermark.detect(pixels).watermark_id == expected  # type: ignore[union-attr]
    assert metadata["watermark"] == {"scheme": watermark.SCHEME, "id": expected}
    assert metadata["params"]["prompt"] == PROMPT and metadata["job_id"] == "job-42"
    found = c2pa.verify(data)
    assert found.state == "Valid"
    assert found.generation is not None and found.generation["watermark_id"] == expected


def test_the_prompt_can_be_kept_out_of_the_file(scenes: list[np.ndarray], identity: c2pa.SigningIdentity) -> None:
    data = _finish(scenes[2], identity, include_prompt=False)
    assert PROMPT.encode() not in data and b"blurry" not in data
    _, metadata = _open(data)
    assert metadata["params"]["prompt_sha256"] == hashlib.sha256(PROMPT.encode()).hexdigest()
    assert metadata["params"]["seed"] == 7  # everything else is still there
    assert c2pa.verify(data).state == "Valid"


def test_a_preview_under_256_px_says_it_carries_no_watermark(identity: c2pa.SigningIdentity) -> None:
    preview = np.asarray(Image.new("RGB", (64, 64), (200, 40, 90)))
    data = _finish(preview, identity)
    pixels, metadata = _open(data)
    assert (pixels == preview).all()
    assert metadata["watermark"] == {"scheme": None, "note": NO_WATERMARK}
    assert c2pa.verify(data).generation == {"model": "builtin", "policy_version": "safety-2026.1", "job_id": "job-42"}


def test_plain_png_bytes_keep_their_old_behaviour(scenes: list[np.ndarray]) -> None:
    assert png_bytes(scenes[0], METADATA) == png_bytes(scenes[0], METADATA, include_prompt=True)
    assert PROMPT.encode() in png_bytes(scenes[0], METADATA)
    assert PROMPT.encode() not in png_bytes(scenes[0], METADATA, include_prompt=False)
