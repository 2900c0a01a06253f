"""Delivery: signed image URLs and the route that serves them, cacheable forever.

A URL names one content-addressed object and says who it was issued to and until when:

    /files/images/<sha256>.png?tenant=acme&expires=1767225600&sig=<hex HMAC-SHA256>

The signature covers the key, the tenant and the expiry, so changing any of them (another tenant's
name, a later expiry) gives 403, as does an expired URL. When the gateway can tell who is asking
(it overrides the `requesting_tenant` dependency), a URL issued to another tenant is also 403.

Objects never change under their name, so responses carry `ETag: "<sha256>"` and
`Cache-Control: public, max-age=31536000, immutable`, and a conditional GET with a matching
`If-None-Match` gets 304 without touching the store. Only `images/<sha256>.<ext>` keys are served;
anything else, `../` and its percent-encodings included, is 404 before any store access, and the
store itself rejects keys that leave it (objects.check_key).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import PlainTextResponse

from muralist.errors import UserError
from muralist.storage.objects import CorruptObjectError, ObjectStore

PREFIX = "/files"
CACHE_FOREVER = "public, max-age=31536000, immutable"
MIN_KEY_BYTES = 32
CONTENT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
_DELIVERABLE = re.compile(r"^images/([0-9a-f]{64})(\.(?:png|jpg|jpeg|webp))$")
_SIGNATURE = re.compile(r"^[0-9a-f]{64}$")


class Forbidden(Exception):
    """A URL that does not authorise this request; the message says why (expired, tampered, ...)."""


@dataclass(frozen=True)
class Grant:
    """What a valid signed URL allows: one key, for one tenant, until `expires` (Unix seconds)."""

    key: str
    tenant: str
    expires: int


def signature(key: str, tenant: str, expires: int, secret: bytes) -> str:
    """HMAC-SHA256 over key, tenant and expiry (newline-separated: none of them can hold one)."""
    message = f"muralist-url-v1\n{key}\n{tenant}\n{expires}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signed_url(key: str, tenant: str, expires: int, secret: bytes, prefix: str = PREFIX) -> str:
    """The path-and-query that delivers `key` to `tenant` until `expires`."""
    if not _DELIVERABLE.match(key):
        raise ValueError(f"only content-addressed images are delivered (images/<sha256>.png), got {key!r}")
    if not tenant or "\n" in tenant:
        raise ValueError(f"a tenant id is a non-empty single line, got {tenant!r}")
    query = urlencode({"tenant": tenant, "expires": expires, "sig": signature(key, tenant, expires, secret)})
    return f"{prefix}/{key}?{query}"


def check_grant(key: str, tenant: str | None, expires: str | None, sig: str | None, secret: bytes, now: float) -> Grant:
    """The grant a URL's query carries; Forbidden saying why if it carries none."""
    if not tenant or not expires or not sig:
        raise Forbidden("this URL is not signed: it needs tenant, expires and sig query parameters")
    if not expires.isdigit() or not _SIGNATURE.match(sig):
        raise Forbidden("this URL's signature is malformed")
    if not hmac.compare_digest(sig, signature(key, tenant, int(expires), secret)):
        raise Forbidden("this URL's signature does not match: it was altered or signed with another key")
    if int(expires) <= now:
        raise Forbidden(f"this URL expired at {int(expires)} (Unix time); ask for a new one")
    return Grant(key, tenant, int(expires))


def etag_of(key: str) -> str:
    """The strong ETag of a content-addressed key: its SHA-256, quoted."""
    named = _DELIVERABLE.match(key)
    if named is None:
        raise ValueError(f"not a content-addressed image key: {key!r}")
    return f'"{named.group(1)}"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (RFC 9110 §13.1.2: weak comparison, `*`)."""
    if not if_none_match:
        return False
    tags = [t.strip() for t in if_none_match.split(",")]
    return any(t == "*" or t.removeprefix("W/") == etag for t in tags)


def requesting_tenant(request: Request) -> str | None:
    """Who is asking, if known. The gateway overrides this dependency; by default a signed URL is a
    bearer token and the signature alone decides."""
    return None


def delivery_router(store: ObjectStore, secret: bytes, clock: Callable[[], float] = time.time) -> APIRouter:
    """GET/HEAD {PREFIX}/images/<sha256>.<ext> for signed URLs, served from `store`."""
    router = APIRouter()

    # HEAD shares the handler but not the OpenAPI operation (one operation id per method).
    @router.head(PREFIX + "/{key:path}", include_in_schema=False)
    @router.get(PREFIX + "/{key:path}")
    def deliver(
        key: str,
        request: Request,
        asker: Annotated[str | None, Depends(requesting_tenant)],
    ) -> Response:
        named = _DELIVERABLE.match(key)
        if named is None:
            return PlainTextResponse("no such image", status_code=404)
        query = request.query_params
        try:
            grant = check_grant(key, query.get("tenant"), query.get("expires"), query.get("sig"), secret, clock())
            if asker is not None and asker != grant.tenant:
                raise Forbidden("this URL was issued to another tenant")
        except Forbidden as exc:
            return PlainTextResponse(str(exc), status_code=403)
        headers = {"ETag": etag_of(key), "Cache-Control": CACHE_FOREVER}
        if matches(request.headers.get("if-none-match"), headers["ETag"]):
            return Response(status_code=304, headers=headers)
        try:
            data = store.get(key)
        except KeyError:
            return PlainTextResponse("no such image", status_code=404)
        except CorruptObjectError:
            return PlainTextResponse("the stored image is damaged; an operator has to restore it", status_code=500)
        headers["X-Content-Type-Options"] = "nosniff"
        media_type = CONTENT_TYPES[named.group(2)]
        if request.method == "HEAD":
            headers["Content-Length"] = str(len(data))
            return Response(status_code=200, headers=headers, media_type=media_type)
        return Response(data, headers=headers, media_type=media_type)

    return router


def signing_key(configured: str | None, data_dir: Path) -> bytes:
    """The URL-signing secret: the configured one, or one created once in data_dir/secrets."""
    if configured is not None:
        if len(configured.encode()) < MIN_KEY_BYTES:
            raise UserError(
                f"url_signing_key must be at least {MIN_KEY_BYTES} bytes, got {len(configured.encode())}; "
                "for example: python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return configured.encode()
    path = data_dir / "secrets" / "url-signing.key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)  # first writer wins: two processes starting at once agree on one key
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip().encode()
