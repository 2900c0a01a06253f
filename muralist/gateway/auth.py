"""API key → the tenant behind it. Keys are bearer tokens: `Authorization: Bearer mur_…`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Engine, select

from muralist.queue.tables import ApiKey, Tenant
from muralist.types import Tier


@dataclass(frozen=True)
class Principal:
    """Who is asking: a tenant, its tier, and whether it may moderate."""

    tenant_id: str
    name: str
    tier: Tier
    admin: bool


def bearer_key(authorization: str | None) -> str | None:
    """The key in an `Authorization: Bearer <key>` header, or None."""
    if not authorization:
        return None
    scheme, _, key = authorization.partition(" ")
    key = key.strip()
    return key if scheme.lower() == "bearer" and key else None


def principal_for_key(engine: Engine, key: str) -> Principal | None:
    """The tenant a live key belongs to; None for an unknown or revoked key."""
    digest = hashlib.sha256(key.encode()).hexdigest()  # only hashes are stored (queue/tenants.py)
    query = (
        select(Tenant.id, Tenant.name, Tenant.tier, Tenant.admin)
        .join(ApiKey, ApiKey.tenant_id == Tenant.id)
        .where(ApiKey.key_hash == digest, ApiKey.revoked_at.is_(None))
    )
    with engine.connect() as c:
        row = c.execute(query).first()
    return None if row is None else Principal(row.id, row.name, Tier(row.tier), bool(row.admin))
