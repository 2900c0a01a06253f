"""The ObjectStore contract, run against LocalStore and against S3Store over real S3 HTTP (moto)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from muralist.config import Settings
from muralist.errors import UserError
from muralist.storage.objects import (
    CorruptObjectError,
    LocalStore,
    ObjectStore,
    S3Store,
    content_key,
    open_store,
)


def _overwrite_behind_the_stores_back(store: ObjectStore, key: str, data: bytes) -> None:
    """What a failing disk or a careless operator does: change an object's bytes in place."""
    if isinstance(store, LocalStore):
        (store.root / key).write_bytes(data)
    else:
        assert isinstance(store, S3Store)
        store.client.put_object(Bucket=store.bucket, Key=store.prefix + key, Body=data)


def test_round_trip_list_and_delete(store: ObjectStore) -> None:
    store.put("checkpoints/job-1/000010", b"ten")
    store.put("checkpoints/job-1/000020", b"twenty")
    store.put("checkpoints/job-10/000010", b"another job")  # a prefix of job-1's name must not leak in
    assert store.get("checkpoints/job-1/000020") == b"twenty"
    assert store.exists("checkpoints/job-1/000010")
    assert store.list("checkpoints/job-1") == ["checkpoints/job-1/000010", "checkpoints/job-1/000020"]
    assert store.list("checkpoints/job-1/") == store.list("checkpoints/job-1")
    store.delete("checkpoints/job-1/000010")
    assert not store.exists("checkpoints/job-1/000010")
    assert store.list("checkpoints/job-1") == ["checkpoints/job-1/000020"]
    assert store.list("checkpoints/nothing") == []


def test_missing_keys(store: ObjectStore) -> None:
    with pytest.raises(KeyError, match="images/missing.png"):
        store.get("images/missing.png")
    assert not store.exists("images/missing.png")
    store.delete("images/missing.png")  # deleting what is not there is not an error


def test_overwrite_replaces_the_whole_object(store: ObjectStore) -> None:
    store.put("checkpoints/job-2/latest", b"a much longer first version")
    store.put("checkpoints/job-2/latest", b"short")
    assert store.get("checkpoints/job-2/latest") == b"short"


def test_large_object_round_trips_byte_for_byte(store: ObjectStore) -> None:
    data = os.urandom(20 * 1024 * 1024 + 123)  # over boto3's 8 MiB threshold: a multipart upload on S3
    key = content_key(data, ".bin", folder="checkpoints/job-3")
    store.put(key, data)
    assert hashlib.sha256(store.get(key)).digest() == hashlib.sha256(data).digest()


def test_content_addressed_objects_are_verified_on_read(store: ObjectStore) -> None:
    data = b"\x89PNG not really, but bytes all the same"
    key = content_key(data)
    assert key == f"images/{hashlib.sha256(data).hexdigest()}.png"
    store.put(key, data)
    assert store.get(key) == data
    _overwrite_behind_the_stores_back(store, key, b"tampered")
    with pytest.raises(CorruptObjectError, match="does not match its SHA-256 name"):
        store.get(key)


@pytest.mark.parametrize("key", ["../escape", "/etc/passwd", "a/../../b", "a//b", "", ".hidden", "a/b c", "a/%2e%2e"])
def test_no_key_escapes_the_store(store: ObjectStore, key: str) -> None:
    for operation in (lambda: store.put(key, b"x"), lambda: store.get(key), lambda: store.exists(key)):
        with pytest.raises(ValueError, match="invalid object key"):
            operation()


def test_s3_objects_live_under_the_configured_prefix(s3_store: S3Store) -> None:
    s3_store.put("images/a.png", b"a")
    listed = s3_store.client.list_objects_v2(Bucket=s3_store.bucket)["Contents"]
    assert [item["Key"] for item in listed] == ["tenant-data/images/a.png"]


def test_settings_open_an_s3_store(s3_store: S3Store, s3_endpoint: str, tmp_path: Path) -> None:
    settings = Settings(object_store="s3", s3_bucket=s3_store.bucket, s3_endpoint_url=s3_endpoint,
                        s3_region="us-east-1", s3_prefix="tenant-data", data_dir=tmp_path)  # fmt: skip
    s3_store.put("images/b.png", b"written by one process")
    assert open_store(settings).get("images/b.png") == b"written by one process"
    assert isinstance(open_store(Settings(data_dir=tmp_path)), LocalStore)
    with pytest.raises(UserError, match="s3_bucket is not set"):
        open_store(Settings(object_store="s3"))
