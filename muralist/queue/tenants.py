"""Tenants, their API keys and the usage ledger.

A tenant has a name and a tier (free / paid / pro), which sets its lane, step budget and quota.
Only the SHA-256 of an API key is stored: the key is shown once, when it is made. The ledger counts
delivered images and device-seconds per tenant per UTC day; completion adds to it in the same
transaction that records the images (queue/store.py).
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from muralist.errors import UserError
from muralist.queue.tables import ApiKey, Tenant, Usage, db_now
from muralist.types import Tier


def create_tenant(engine: Engine, name: str, tier: Tier, admin: bool = False) -> str:
    tenant_id = uuid.uuid4().hex
    with engine.begin() as c:
        if c.scalar(select(Tenant.id).where(Tenant.name == name)) is not None:
            raise UserError(f"a tenant named {name!r} already exists; pick another name")
        c.execute(
            insert(Tenant).values(
                id=tenant_id,
                name=name,
                tier=Tier(tier).value,
                admin=admin,
                created_at=select(db_now()).scalar_subquery(),
            )
        )
    return tenant_id


@dataclass(frozen=True)
class TenantRow:
    id: str
    name: str
    tier: Tier
    admin: bool
    created_at: float
    active_keys: int


def list_tenants(engine: Engine) -> list[TenantRow]:
    keys = (
        select(func.count())
        .where(ApiKey.tenant_id == Tenant.id, ApiKey.revoked_at.is_(None))
        .correlate(Tenant)
        .scalar_subquery()
    )
    query = select(Tenant.id, Tenant.name, Tenant.tier, Tenant.admin, Tenant.created_at, keys.label("keys"))
    with engine.connect() as c:
        rows = c.execute(query.order_by(Tenant.created_at, Tenant.name)).all()
    return [TenantRow(r.id, r.name, Tier(r.tier), bool(r.admin), r.created_at, int(r.keys)) for r in rows]


def tenant_id_by_name(engine: Engine, name: str) -> str:
    with engine.connect() as c:
        tenant_id = c.scalar(select(Tenant.id).where(Tenant.name == name))
    if tenant_id is None:
        raise UserError(f"no tenant named {name!r}; `muralist tenants list` shows them")
    return str(tenant_id)


def set_tier(engine: Engine, tenant_id: str, tier: Tier) -> None:
    with engine.begin() as c:
        c.execute(update(Tenant).where(Tenant.id == tenant_id).values(tier=Tier(tier).value))


def revoke_keys(engine: Engine, tenant_id: str) -> int:
    """Revoke every live key of the tenant; how many were revoked."""
    with engine.begin() as c:
        return int(
            c.execute(
                update(ApiKey)
                .where(ApiKey.tenant_id == tenant_id, ApiKey.revoked_at.is_(None))
                .values(revoked_at=select(db_now()).scalar_subquery())
            ).rowcount
        )


def add_api_key(engine: Engine, tenant_id: str) -> str:
    """A new key for the tenant; only its hash is kept, so this is the one time it is seen."""
    key = "mur_" + secrets.token_urlsafe(32)
    with engine.begin() as c:
        c.execute(
            insert(ApiKey).values(
                id=uuid.uuid4().hex,
                tenant_id=tenant_id,
                key_hash=_hash(key),
                created_at=select(db_now()).scalar_subquery(),
            )
        )
    return key


def tenant_for_key(engine: Engine, key: str) -> tuple[str, Tier] | None:
    """The tenant a key belongs to, or None for an unknown or revoked key."""
    query = (
        select(Tenant.id, Tenant.tier)
        .join(ApiKey, ApiKey.tenant_id == Tenant.id)
        .where(ApiKey.key_hash == _hash(key), ApiKey.revoked_at.is_(None))
    )
    with engine.connect() as c:
        row = c.execute(query).first()
    return None if row is None else (row.id, Tier(row.tier))


def add_usage(c: Connection, tenant_id: str, now: float, images: int, device_seconds: float) -> None:
    """Add to the tenant's ledger row for the UTC day of `now`, inside the caller's transaction."""
    day = time.strftime("%Y-%m-%d", time.gmtime(now))
    upsert = pg_insert(Usage) if c.dialect.name == "postgresql" else sqlite_insert(Usage)
    c.execute(
        upsert.values(tenant_id=tenant_id, day=day, images=images, device_seconds=device_seconds).on_conflict_do_update(
            index_elements=[Usage.tenant_id, Usage.day],
            set_={"images": Usage.images + images, "device_seconds": Usage.device_seconds + device_seconds},
        )
    )


def revoke_key(engine: Engine, key: str) -> bool:
    """Revoke one key, given the key itself; False if it is unknown or already revoked."""
    with engine.begin() as c:
        return (
            c.execute(
                update(ApiKey)
                .where(ApiKey.key_hash == _hash(key), ApiKey.revoked_at.is_(None))
                .values(revoked_at=select(db_now()).scalar_subquery())
            ).rowcount
            == 1
        )


def usage(engine: Engine, tenant_id: str) -> list[tuple[str, int, float]]:
    """(day, images, device-seconds) per UTC day, oldest first."""
    query = select(Usage.day, Usage.images, Usage.device_seconds).where(Usage.tenant_id == tenant_id)
    with engine.connect() as c:
        return [(r.day, r.images, r.device_seconds) for r in c.execute(query.order_by(Usage.day))]


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
