"""Object storage: put / get / exists / delete / list / url over keys like `images/<sha256>.png`.

`LocalStore` keeps objects in a directory. Writes go to a temporary file that is renamed into place,
so a reader never sees half an object. Keys are checked before they touch the filesystem: a key is
lower-level path segments of `[A-Za-z0-9._-]`, never `..`, never absolute, so no key can name a file
outside the store. Objects stored under a SHA-256 name (`images/<sha256>.png`) are verified on read.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Protocol

_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SHA256_NAME = re.compile(r"^([0-9a-f]{64})(\.[a-z0-9]+)?$")


class ObjectStore(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def list(self, prefix: str) -> list[str]: ...


class CorruptObjectError(Exception):
    """An object whose bytes no longer match the digest it was stored under."""


def check_key(key: str) -> str:
    """Return `key` if it is a safe relative key; raise ValueError saying why not otherwise."""
    segments = key.split("/")
    if not key or any(not _SEGMENT.match(s) or s in (".", "..") for s in segments):
        raise ValueError(f"invalid object key {key!r}: expected segments of [A-Za-z0-9._-] separated by '/'")
    return key


class LocalStore:
    """Objects as files under `root`."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None
        named = _SHA256_NAME.match(path.name)
        if named and hashlib.sha256(data).hexdigest() != named.group(1):
            raise CorruptObjectError(f"object {key} does not match its SHA-256 name")
        return data

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str) -> list[str]:
        """Keys under `prefix` (a folder-like key), sorted."""
        folder = self._path(prefix.rstrip("/"))
        if not folder.is_dir():
            return []
        keys = (p.relative_to(self.root).as_posix() for p in folder.rglob("*") if p.is_file())
        return sorted(k for k in keys if not k.rsplit("/", 1)[-1].startswith("."))
