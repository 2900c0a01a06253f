"""Object storage: put / get / exists / delete / list over keys like `images/<sha256>.png`.

`LocalStore` keeps objects in a directory. Writes go to a temporary file that is renamed into place,
so a reader never sees half an object. `S3Store` keeps them in a bucket of any S3-compatible
service, where a PUT is atomic by the protocol. Both check keys before using them: a key is
lower-level path segments of `[A-Za-z0-9._-]`, never `..`, never absolute, so no key can name a file
outside the store. Objects stored under a SHA-256 name (`images/<sha256>.png`) are verified on read.
URLs for delivering objects are signed by the service itself (delivery.py), not by the store.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from muralist.errors import UserError

if TYPE_CHECKING:
    from muralist.config import Settings

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


def content_key(data: bytes, suffix: str = ".png", folder: str = "images") -> str:
    """The content-addressed key of `data`: `images/<sha256>.png`."""
    return check_key(f"{folder}/{hashlib.sha256(data).hexdigest()}{suffix}")


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
        return _verified(key, data)

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


class S3Store:
    """Objects in an S3 bucket (AWS, MinIO, Ceph, R2, ...), under an optional key prefix.

    Objects over 8 MiB go up in parts (boto3's managed transfer); S3 makes either the whole object
    visible or none of it, so writes are atomic as in LocalStore.
    """

    def __init__(self, bucket: str, prefix: str = "", client: Any = None, **client_options: Any):
        import boto3

        if not bucket:
            raise ValueError("S3Store needs a bucket name (setting s3_bucket)")
        self.bucket = bucket
        self.prefix = check_key(prefix.strip("/")) + "/" if prefix.strip("/") else ""
        self.client = client if client is not None else boto3.client("s3", **client_options)

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes) -> None:
        self.client.upload_fileobj(io.BytesIO(data), self.bucket, self._name(key))

    def get(self, key: str) -> bytes:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        except self.client.exceptions.NoSuchKey:
            raise KeyError(key) from None
        with body:
            return _verified(key, body.read())

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))  # no error if absent

    def list(self, prefix: str) -> list[str]:
        """Keys under `prefix` (a folder-like key), sorted."""
        folder = self._name(prefix.rstrip("/")) + "/"
        keys: list[str] = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=folder):
            keys.extend(item["Key"][len(self.prefix) :] for item in page.get("Contents", []))
        return sorted(keys)


def open_store(settings: Settings) -> ObjectStore:
    """The object store the settings name: data_dir/objects, or an S3 bucket."""
    if settings.object_store == "s3":
        if not settings.s3_bucket:
            raise UserError("object_store is 's3' but s3_bucket is not set (MURALIST_S3_BUCKET=name)")
        options = {"endpoint_url": settings.s3_endpoint_url, "region_name": settings.s3_region}
        return S3Store(settings.s3_bucket, settings.s3_prefix, **{k: v for k, v in options.items() if v})
    return LocalStore(settings.data_dir / "objects")


def _verified(key: str, data: bytes) -> bytes:
    named = _SHA256_NAME.match(key.rsplit("/", 1)[-1])
    if named and hashlib.sha256(data).hexdigest() != named.group(1):
        raise CorruptObjectError(f"object {key} does not match its SHA-256 name")
    return data
