"""Per-tenant rate limit: a token bucket kept in the tenant's row, so every API process agrees.

`refill` is the pure rule (Turner's token bucket: `rate` tokens a second up to `burst`, one per
request); `take` applies it to the database row in one transaction, by the database clock.
"""

from __future__ import annotations

from sqlalchemy import Engine, select, update

from muralist.queue.tables import Tenant, db_now


def refill(tokens: float | None, updated_at: float | None, now: float, rate_s: float, burst: int) -> float:
    """The tokens in the bucket at `now`; a bucket never used is full."""
    if tokens is None or updated_at is None:
        return float(burst)
    return min(float(burst), tokens + max(0.0, now - updated_at) * rate_s)


def wait_s(tokens: float, rate_s: float) -> float:
    """Seconds until the bucket holds one whole token again."""
    return 0.0 if tokens >= 1.0 else (1.0 - tokens) / rate_s


def take(engine: Engine, tenant_id: str, rate_per_minute: float, burst: int) -> float:
    """Take one token: 0.0 if the request may go ahead, else the seconds to wait (nothing taken)."""
    rate_s = rate_per_minute / 60.0
    with engine.begin() as c:
        query = select(Tenant.rate_tokens, Tenant.rate_updated_at, db_now().label("now")).where(Tenant.id == tenant_id)
        if c.dialect.name == "postgresql":  # SQLite: BEGIN IMMEDIATE already holds the write lock
            query = query.with_for_update(of=Tenant)
        row = c.execute(query).one()
        tokens = refill(row.rate_tokens, row.rate_updated_at, row.now, rate_s, burst)
        wait = wait_s(tokens, rate_s)
        if wait == 0.0:
            tokens -= 1.0
        c.execute(update(Tenant).where(Tenant.id == tenant_id).values(rate_tokens=tokens, rate_updated_at=row.now))
    return wait
