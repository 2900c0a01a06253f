"""LocalStore: atomic writes, verified reads, and no key that escapes the store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from muralist.storage.objects import CorruptObjectError, LocalStore


def test_put_get_list_delete(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "objects")
    store.put("checkpoints/job-1/000010", b"ten")
    store.put("checkpoints/job-1/000020", b"twenty")
    assert store.get("checkpoints/job-1/000020") == b"twenty"
    assert store.list("checkpoints/job-1") == ["checkpoints/job-1/000010", "checkpoints/job-1/000020"]
    store.delete("checkpoints/job-1/000010")
    assert not store.exists("checkpoints/job-1/000010")
    assert store.list("checkpoints/nothing") == []
    with pytest.raises(KeyError):
        store.get("checkpoints/job-1/000010")


@pytest.mark.parametrize("key", ["../escape", "/etc/passwd", "a/../../b", "a//b", "", ".hidden", "a/b c"])
def test_keys_cannot_escape_the_store(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="invalid object key"):
        LocalStore(tmp_path).put(key, b"x")


def test_content_addressed_objects_are_verified_on_read(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    data = b"\x89PNG pretend"
    key = f"images/{hashlib.sha256(data).hexdigest()}.png"
    store.put(key, data)
    assert store.get(key) == data
    (tmp_path / key).write_bytes(b"tampered")
    with pytest.raises(CorruptObjectError):
        store.get(key)
