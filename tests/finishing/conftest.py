"""Real images for the finishing tests: emoji scenes upscaled to 256×256 by the shipped upscaler,
and a local C2PA signing identity made once per session."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from muralist.finishing import c2pa


@pytest.fixture(scope="session")
def scenes() -> list[np.ndarray]:
    """Four 256×256 RGB uint8 images of the kind the built-in model delivers."""
    from muralist.finishing.bench_watermark import source_images

    return source_images(4, seed=7)


@pytest.fixture(scope="session")
def ca_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose local CA exists (created as on a service's first run)."""
    data_dir = tmp_path_factory.mktemp("c2pa-data")
    c2pa.ensure_local_ca(data_dir)
    return data_dir


@pytest.fixture(scope="session")
def identity(ca_dir: Path) -> c2pa.SigningIdentity:
    return c2pa.load_identity(None, None, ca_dir)


@pytest.fixture(scope="session")
def flip_pixel_byte() -> Callable[..., bytes]:
    return _flip_pixel_byte


def _flip_pixel_byte(png: bytes, offset: int = 100) -> bytes:
    """Flip one bit of the compressed pixel data and fix the chunk CRC: a well-formed PNG whose
    pixels differ from what was signed."""
    data = bytearray(png)
    at = data.find(b"IDAT")
    length = struct.unpack(">I", data[at - 4 : at])[0]
    data[at + 4 + offset] ^= 0x01
    data[at + 4 + length : at + 8 + length] = struct.pack(">I", zlib.crc32(data[at : at + 4 + length]))
    return bytes(data)
