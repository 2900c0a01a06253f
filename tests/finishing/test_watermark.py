"""The invisible watermark on real delivered-size images: what goes in comes out, at little cost."""

from __future__ import annotations

import numpy as np
import pytest

from muralist.finishing import ecc, watermark
from muralist.finishing.bench_watermark import psnr, reencode, resized

WM_ID = "a1b2c3d4e5"


def test_the_id_survives_png_jpeg_and_a_resize(scenes: list[np.ndarray]) -> None:
    for i, pixels in enumerate(scenes):
        marked = watermark.embed(pixels, WM_ID)
        assert marked.shape == pixels.shape and marked.dtype == np.uint8
        for name, received in {
            "png": reencode(marked, "PNG"),
            "jpeg q80": reencode(marked, "JPEG", quality=80),
            "0.75x resize": resized(marked, 0.75),
        }.items():
            found = watermark.detect(received)
            assert found is not None and found.watermark_id == WM_ID, (i, name)
        assert watermark.detect(reencode(marked, "PNG")).decoded_at == (256, 256)  # type: ignore[union-attr]


def test_visual_cost_is_small(scenes: list[np.ndarray]) -> None:
    values = [psnr(p, watermark.embed(p, WM_ID)) for p in scenes]
    assert min(values) > 38, values  # the bench measures 200 images; these four are typical


def test_only_the_low_band_of_u_changes(scenes: list[np.ndarray]) -> None:
    """The package's own inverse DWT swaps two detail bands and blurs edges; ours must not."""
    import cv2
    import pywt

    pixels = scenes[0]
    marked = watermark.embed(pixels, WM_ID)
    yuv = [cv2.cvtColor(np.ascontiguousarray(a[:, :, ::-1], np.float32), cv2.COLOR_BGR2YUV) for a in (pixels, marked)]
    assert np.abs(yuv[1][:, :, 0] - yuv[0][:, :, 0]).mean() < 0.5  # luma: rounding only
    _, details_before = pywt.dwt2(yuv[0][:, :, 1], "haar")
    _, details_after = pywt.dwt2(yuv[1][:, :, 1], "haar")
    for before, after in zip(details_before, details_after, strict=True):
        assert np.abs(after - before).mean() < 0.5  # rounding to uint8 only


def test_unmarked_images_carry_no_watermark(scenes: list[np.ndarray]) -> None:
    assert all(watermark.detect(p) is None for p in scenes)
    noise = np.random.default_rng(0).integers(0, 256, (300, 400, 3), dtype=np.uint8)
    assert watermark.detect(noise) is None


def test_payload_round_trip_and_crc() -> None:
    coded = watermark.encode_payload(WM_ID)
    assert coded.size == watermark.CODED_BITS == 120
    assert watermark.decode_payload(coded.astype(float)) == (WM_ID, 0)
    noisy = coded.copy()
    noisy[[0, 30, 31, 50, 80, 119]] ^= 1  # up to 3 per 24-bit word
    assert watermark.decode_payload(noisy.astype(float)) == (WM_ID, 6)
    # A valid codeword whose id bits were changed: the Golay decoder accepts it, the CRC does not.
    bits, _ = ecc.decode(coded)
    bits[10] ^= 1
    assert watermark.decode_payload(ecc.encode(bits).astype(float)) is None


def test_watermark_ids_are_stable_and_validated() -> None:
    assert watermark.watermark_id("job-1/0") == watermark.watermark_id("job-1/0") != watermark.watermark_id("job-1/1")
    assert len(watermark.watermark_id("job-1/0")) == 10
    with pytest.raises(ValueError, match="10 lowercase hex digits"):
        watermark.encode_payload("XYZ")


def test_previews_under_256_px_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="at least 256×256 px, got 64×64.*previews"):
        watermark.embed(np.zeros((64, 64, 3), np.uint8), WM_ID)
