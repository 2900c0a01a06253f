"""Signed image URLs served through a real FastAPI app over httpx's ASGI transport."""

from __future__ import annotations

import asyncio
import hashlib
import io
import stat
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi import FastAPI, Request
from PIL import Image

from muralist.errors import UserError
from muralist.storage.delivery import (
    CACHE_FOREVER,
    delivery_router,
    requesting_tenant,
    signature,
    signed_url,
    signing_key,
)
from muralist.storage.objects import LocalStore, content_key

SECRET = b"k" * 32
NOW = 1_800_000_000


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.full((8, 8, 3), 200, np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def served(tmp_path: Path) -> tuple[FastAPI, LocalStore, str, bytes, Clock]:
    store = LocalStore(tmp_path / "objects")
    data = _png()
    key = content_key(data)
    store.put(key, data)
    (tmp_path / "secret.txt").write_text("operator's secret")  # what a traversal would be after
    clock = Clock(NOW)
    app = FastAPI()
    app.include_router(delivery_router(store, SECRET, clock))
    return app, store, key, data, clock


def _get(app: FastAPI, url: str, method: str = "GET", **headers: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://muralist.test") as client:
            return await client.request(method, url, headers=headers)

    return asyncio.run(go())


def test_signed_url_delivers_the_image_cacheable_forever(served) -> None:  # noqa: ANN001
    app, _, key, data, _ = served
    response = _get(app, signed_url(key, "acme", NOW + 60, SECRET))
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "image/png"
    assert response.headers["etag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert response.headers["cache-control"] == CACHE_FOREVER == "public, max-age=31536000, immutable"
    head = _get(app, signed_url(key, "acme", NOW + 60, SECRET), method="HEAD")
    assert (head.status_code, head.content, head.headers["content-length"]) == (200, b"", str(len(data)))


def test_conditional_get_is_304_without_a_body(served) -> None:  # noqa: ANN001
    app, _, key, _, _ = served
    url = signed_url(key, "acme", NOW + 60, SECRET)
    etag = _get(app, url).headers["etag"]
    for header in (etag, f"W/{etag}", f'"something-else", {etag}', "*"):
        response = _get(app, url, **{"If-None-Match": header})
        assert (response.status_code, response.content) == (304, b""), header
        assert response.headers["etag"] == etag
        assert response.headers["cache-control"] == CACHE_FOREVER
    assert _get(app, url, **{"If-None-Match": '"an-older-version"'}).status_code == 200


def test_expired_tampered_and_unsigned_urls_are_403(served) -> None:  # noqa: ANN001
    app, _, key, data, clock = served
    url = signed_url(key, "acme", NOW + 60, SECRET)
    assert _get(app, url).status_code == 200
    cases = {
        "expired": (signed_url(key, "acme", NOW - 1, SECRET), "expired"),
        "later expiry": (url.replace(f"expires={NOW + 60}", f"expires={NOW + 10**6}"), "does not match"),
        "another tenant's name": (url.replace("tenant=acme", "tenant=globex"), "does not match"),
        "flipped signature": (url[:-1] + ("0" if url[-1] != "0" else "1"), "does not match"),
        "another server's key": (signed_url(key, "acme", NOW + 60, b"z" * 32), "does not match"),
        "no signature": (url.split("&sig=")[0], "not signed"),
        "garbage signature": (url.split("&sig=")[0] + "&sig=xyz", "malformed"),
    }
    for name, (bad, reason) in cases.items():
        response = _get(app, bad)
        assert response.status_code == 403, name
        assert reason in response.text, name
        assert data not in response.content
    clock.now = NOW + 61  # the good URL expires too
    assert _get(app, url).status_code == 403


def test_a_url_of_another_tenant_is_403_when_the_gateway_knows_who_asks(served) -> None:  # noqa: ANN001
    app, _, key, data, _ = served

    def tenant_from_api_key(request: Request) -> str | None:  # stands in for the gateway's lookup
        return {"key-acme": "acme", "key-globex": "globex"}.get(request.headers.get("authorization", ""))

    app.dependency_overrides[requesting_tenant] = tenant_from_api_key
    url = signed_url(key, "acme", NOW + 60, SECRET)
    assert _get(app, url, Authorization="key-acme").content == data
    response = _get(app, url, Authorization="key-globex")
    assert response.status_code == 403
    assert "another tenant" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/files/../secret.txt",
        "/files/images/../../secret.txt",
        "/files/images/..%2f..%2fsecret.txt",
        "/files/%2e%2e/%2e%2e/secret.txt",
        "/files/images%2f..%2f..%2fsecret.txt",
        "/files/%252e%252e/secret.txt",
        "/files/images/%2e%2e%5c%2e%2e%5csecret.txt",
        "/files//etc/passwd",
        "/files/checkpoints/job-1/000010",
    ],
)
def test_traversal_and_non_image_keys_are_404(served, path: str) -> None:  # noqa: ANN001
    app, store, _, _, _ = served
    store.put("checkpoints/job-1/000010", b"sampler state")
    # Signed for exactly the path the attacker sends, so only the key check can stop it.
    key = httpx.URL("http://x" + path).path.removeprefix("/files/")
    response = _get(app, f"{path}?tenant=acme&expires={NOW + 60}&sig={signature(key, 'acme', NOW + 60, SECRET)}")
    assert response.status_code == 404
    assert b"secret" not in response.content and b"sampler state" not in response.content


def test_a_signed_url_for_an_image_not_in_the_store_is_404(served) -> None:  # noqa: ANN001
    app, _, _, _, _ = served
    missing = content_key(b"never stored")
    assert _get(app, signed_url(missing, "acme", NOW + 60, SECRET)).status_code == 404


def test_a_damaged_object_is_a_500_that_says_so(served, tmp_path: Path) -> None:  # noqa: ANN001
    app, store, key, _, _ = served
    (store.root / key).write_bytes(b"bit rot")
    response = _get(app, signed_url(key, "acme", NOW + 60, SECRET))
    assert response.status_code == 500
    assert "damaged" in response.text


def test_only_images_can_be_signed() -> None:
    with pytest.raises(ValueError, match="content-addressed"):
        signed_url("checkpoints/job-1/000010", "acme", NOW, SECRET)


def test_signing_key_is_created_once_and_private(tmp_path: Path) -> None:
    first = signing_key(None, tmp_path)
    assert len(first) == 64
    assert signing_key(None, tmp_path) == first
    path = tmp_path / "secrets" / "url-signing.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert signing_key("x" * 40, tmp_path) == b"x" * 40
    with pytest.raises(UserError, match="at least 32 bytes"):
        signing_key("short", tmp_path)
