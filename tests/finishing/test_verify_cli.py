"""`muralist verify FILE` and `muralist bench watermark` as a user runs them."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from muralist.cli import main
from muralist.finishing import c2pa, watermark
from muralist.finishing.finish import finish


@pytest.fixture
def delivered(scenes: list[np.ndarray], identity: c2pa.SigningIdentity, tmp_path: Path) -> Path:
    data = finish(scenes[3], metadata={"params": {"prompt": "a cat"}}, image_id="job-7/1", job_id="job-7",
                  model_id="builtin", policy_version="safety-2026.1", identity=identity)  # fmt: skip
    path = tmp_path / "delivered.png"
    path.write_bytes(data)
    return path


def test_verify_reports_watermark_and_a_valid_manifest(delivered: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["verify", str(delivered)]) == 0
    out = capsys.readouterr().out
    assert f"watermark: found, id {watermark.watermark_id('job-7/1')}" in out
    assert "c2pa: Valid (no trust anchors configured" in out
    assert "digital source type: trainedAlgorithmicMedia" in out
    assert "job_id job-7" in out and "model builtin" in out and "a cat" not in out


def test_verify_says_trusted_with_the_local_root(
    delivered: Path, ca_dir: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["verify", str(delivered), "--trust", str(c2pa.local_root(ca_dir))]) == 0
    assert "c2pa: Trusted\n" in capsys.readouterr().out
    monkeypatch.setenv("MURALIST_C2PA_TRUST_ANCHORS", str(c2pa.local_root(ca_dir)))  # the same, from settings
    assert main(["verify", str(delivered), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["c2pa"]["state"] == "Trusted" and report["watermark"]["found"]


def test_verify_reports_a_flipped_pixel_byte_as_a_hash_mismatch(
    delivered: Path, capsys: pytest.CaptureFixture, flip_pixel_byte: Callable[..., bytes]
) -> None:
    delivered.write_bytes(flip_pixel_byte(delivered.read_bytes(), offset=5000))
    assert main(["verify", str(delivered)]) == 1
    out = capsys.readouterr().out
    assert "c2pa: Invalid" in out
    assert "assertion.dataHash.mismatch: hash mismatch: the image bytes changed after signing" in out


def test_verify_after_a_jpeg_reencode_still_finds_the_watermark(
    delivered: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    with Image.open(delivered) as image:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="JPEG", quality=80)
    copy = tmp_path / "screenshot.jpg"
    copy.write_bytes(buffer.getvalue())
    assert main(["verify", str(copy)]) == 1  # the manifest did not survive; the watermark did
    out = capsys.readouterr().out
    assert f"watermark: found, id {watermark.watermark_id('job-7/1')}" in out
    assert "c2pa: no manifest" in out


def test_verify_explains_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "notes.txt").write_text("not an image")
    assert main(["verify", str(tmp_path / "notes.txt")]) == 2
    assert "is not an image this tool can read" in capsys.readouterr().err
    assert main(["verify", str(tmp_path / "missing.png")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_bench_watermark_prints_its_figures(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["bench", "watermark", "--samples", "2", "--json", str(tmp_path / "wm.json")]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures == json.loads((tmp_path / "wm.json").read_text())
    assert figures["images"] == 2 and figures["size"] == "256x256"
    assert figures["exact_after_png"] == 1.0 and figures["false_positives_unmarked"] == 0
    assert figures["psnr_db"]["mean"] > 38
