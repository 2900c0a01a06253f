"""Object stores under test: a LocalStore in a temporary folder and an S3Store talking real S3 over
HTTP to moto's server on loopback. Without moto the S3 cases skip (and fail under
MURALIST_REQUIRE_ALL=1, as CI wants)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from muralist.storage.objects import LocalStore, ObjectStore, S3Store


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """http://127.0.0.1:<port> of an S3 service (moto's server mode) for this test session."""
    server_module = pytest.importorskip(
        "moto.server", reason="moto[server] is not installed (pip install -e .[dev])", exc_type=ImportError
    )
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_store(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> S3Store:
    """A store over a fresh bucket, under a key prefix, as an operator would configure it."""
    import boto3

    # Only the test's own credentials, never the machine's.
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "x"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    bucket = f"muralist-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    return S3Store(bucket, prefix="tenant-data", client=client)


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    """Each contract test runs against both stores."""
    if request.param == "local":
        return LocalStore(tmp_path / "objects")
    return request.getfixturevalue("s3_store")
