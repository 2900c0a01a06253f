"""C2PA manifests signed by the local CA: Valid, Trusted with its root, Invalid once pixels change."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from muralist.errors import UserError
from muralist.finishing import c2pa

PROVENANCE = c2pa.Provenance("builtin", "safety-2026.1", "job-42", "a1b2c3d4e5")


def _png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def signed(scenes: list[np.ndarray], identity: c2pa.SigningIdentity) -> bytes:
    return c2pa.sign_png(_png(scenes[0]), PROVENANCE, identity, title="img.png")


def test_a_signed_image_is_valid_and_says_how_it_was_made(signed: bytes, scenes: list[np.ndarray]) -> None:
    with Image.open(io.BytesIO(signed)) as image:
        assert (np.asarray(image.convert("RGB")) == scenes[0]).all()  # signing leaves the pixels alone
    found = c2pa.verify(signed)
    assert found.state == "Valid" and found.failures == []
    assert found.signer == "Muralist local signer"
    [action] = found.actions
    assert action["action"] == "c2pa.created"
    assert action["digitalSourceType"] == c2pa.DIGITAL_SOURCE_TYPE
    assert action["digitalSourceType"].endswith("/trainedAlgorithmicMedia")
    assert found.generation == {
        "model": "builtin",
        "policy_version": "safety-2026.1",
        "job_id": "job-42",
        "watermark_id": "a1b2c3d4e5",
    }
    assert len(signed) - len(_png(scenes[0])) < 32_000  # a manifest, not a second copy of the image


def test_trusted_with_the_local_root_as_anchor(signed: bytes, ca_dir: Path) -> None:
    assert c2pa.verify(signed, c2pa.local_root(ca_dir).read_bytes()).state == "Trusted"


def test_another_root_does_not_make_it_trusted(signed: bytes, tmp_path: Path) -> None:
    other = c2pa.ensure_local_ca(tmp_path / "other")
    found = c2pa.verify(signed, (other / "root.pem").read_bytes())
    assert found.state != "Trusted"
    assert any("untrusted" in str(f.get("code")) for f in found.failures)


def test_one_flipped_pixel_byte_is_a_hash_mismatch(signed: bytes, flip_pixel_byte) -> None:  # noqa: ANN001
    found = c2pa.verify(flip_pixel_byte(signed))
    assert found.state == "Invalid"
    assert [f["code"] for f in found.failures] == ["assertion.dataHash.mismatch"]


def test_an_unsigned_image_has_no_manifest(scenes: list[np.ndarray]) -> None:
    assert c2pa.verify(_png(scenes[0])).state == "None"


def test_the_manifest_has_no_field_for_a_prompt() -> None:
    definition = json.dumps(c2pa.manifest_definition(PROVENANCE, "img.png"))
    assert "prompt" not in definition.lower()


def test_local_ca_is_made_once_with_private_keys(ca_dir: Path) -> None:
    folder = ca_dir / c2pa.LOCAL_DIR
    before = (folder / "signer-chain.pem").read_bytes()
    c2pa.ensure_local_ca(ca_dir)
    assert (folder / "signer-chain.pem").read_bytes() == before
    for name in ("signer.key", "root.key"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600


def test_configured_certificates_are_used(scenes: list[np.ndarray], tmp_path: Path) -> None:
    real = c2pa.ensure_local_ca(tmp_path / "issuer")  # stands in for certificates from a real CA
    identity = c2pa.load_identity(real / "signer-chain.pem", real / "signer.key", tmp_path / "data")
    signed = c2pa.sign_png(_png(scenes[1]), PROVENANCE, identity)
    assert c2pa.verify(signed, (real / "root.pem").read_bytes()).state == "Trusted"
    assert not (tmp_path / "data" / c2pa.LOCAL_DIR).exists()  # no local CA made when certs are configured
    with pytest.raises(UserError, match="go together"):
        c2pa.load_identity(real / "signer-chain.pem", None, tmp_path)
    with pytest.raises(UserError, match="not a file"):
        c2pa.load_identity(tmp_path / "missing.pem", real / "signer.key", tmp_path)
