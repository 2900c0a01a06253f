"""The durable record: tenants, API keys, jobs, images, the usage ledger, review items (SQLAlchemy 2).

These are database tables, not wire schemas: the API keeps its own. The schema is created and
changed only by the Alembic migrations in `queue/migrations/` (a test checks that migrating an
empty database gives exactly these models, on SQLite and PostgreSQL).

Times are seconds since the Unix epoch as read from the *database* clock (`db_now()`), as floats:
every machine compares leases against one clock, and SQLite and PostgreSQL store them alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

# Named constraints, so that migrations can name what they change on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, float: Double}


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    tier: Mapped[str] = mapped_column(String(16))  # types.Tier
    created_at: Mapped[float]
    admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # may moderate
    # The gateway's rate-limit token bucket, kept here so that every API process agrees (gateway/ratelimit.py).
    rate_tokens: Mapped[float | None]
    rate_updated_at: Mapped[float | None]


class ApiKey(Base):
    """Only the SHA-256 of a key is stored; the key itself is shown once, when it is made."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[float]
    revoked_at: Mapped[float | None]


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_state_lane_enqueued_at", "state", "lane", "enqueued_at"),
        Index("ix_jobs_tenant_id_idempotency_key", "tenant_id", "idempotency_key", unique=True),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    params: Mapped[dict[str, Any]]  # GenerationParams.to_dict()
    images: Mapped[int]  # params.n, kept apart for the quota sum
    tier: Mapped[str] = mapped_column(String(16))
    lane: Mapped[str] = mapped_column(String(16))  # where it waits; "paid" after a free job's promotion
    step_budget: Mapped[int]  # written by the gateway; the engine never runs more steps
    state: Mapped[str] = mapped_column(String(16))  # types.JobStatus
    created_at: Mapped[float]
    enqueued_at: Mapped[float]  # first accepted, or put back by a rescue: the lane's FIFO order
    started_at: Mapped[float | None]  # first claimed
    finished_at: Mapped[float | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(200))  # the worker; after the end: who finished it
    lease_expires_at: Mapped[float | None]
    # The fencing token: +1 on every claim. A write carries the token it was claimed with and
    # changes nothing unless the token is still the job's and its lease has not expired.
    fence: Mapped[int] = mapped_column(BigInteger, default=0)
    checkpoint_ref: Mapped[str | None] = mapped_column(String(300))  # newest step checkpoint's object key
    progress_step: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    device_seconds: Mapped[float] = mapped_column(default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    # Written by the gateway at intake (migration 0002).
    prompt_verdict: Mapped[dict[str, Any] | None]  # the safety pre-filter's Verdict (allow or review)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))  # the client's Idempotency-Key header
    request_hash: Mapped[str | None] = mapped_column(String(64))  # a replay must carry the same request
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    webhook_state: Mapped[str | None] = mapped_column(String(16))  # None | sending | delivered | failed


class Image(Base):
    """A delivered (or held) image. One row per (job, index): a job has exactly one set of images."""

    __tablename__ = "images"
    __table_args__ = (UniqueConstraint("job_id", "index"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), index=True)
    index: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64), index=True)  # SHA-256 of the PNG bytes
    object_key: Mapped[str] = mapped_column(String(300))  # images/<sha256>.png
    params: Mapped[dict[str, Any]]  # the GenerationParams that regenerate this image alone
    verdict: Mapped[dict[str, Any] | None]  # the safety post-filter's Verdict, when it has run
    parent_image_id: Mapped[str | None] = mapped_column(ForeignKey("images.id"))  # upscales, variations
    created_at: Mapped[float]


class Usage(Base):
    """The ledger a quota and a bill are read from: per tenant, per UTC day."""

    __tablename__ = "usage"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD, UTC
    images: Mapped[int] = mapped_column(Integer, default=0)
    device_seconds: Mapped[float] = mapped_column(default=0.0)


class ReviewItem(Base):
    """An image held for a moderator (a `review` verdict)."""

    __tablename__ = "review_items"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    image_id: Mapped[str] = mapped_column(ForeignKey("images.id"), unique=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), index=True)
    verdict: Mapped[dict[str, Any]]
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | approved | rejected
    created_at: Mapped[float]
    decided_at: Mapped[float | None]
    moderator: Mapped[str | None] = mapped_column(String(200))


class db_now(FunctionElement[float]):  # noqa: N801 - reads as the SQL function it stands for
    """Seconds since the epoch by the database's clock, with sub-second precision."""

    type = Double()
    inherit_cache = True


@compiles(db_now, "sqlite")
def _now_sqlite(element: db_now, compiler: SQLCompiler, **kw: Any) -> str:
    return "((julianday('now') - 2440587.5) * 86400.0)"


@compiles(db_now, "postgresql")
def _now_postgresql(element: db_now, compiler: SQLCompiler, **kw: Any) -> str:
    # clock_timestamp(), not now(): now() is frozen at the start of the transaction.
    return "extract(epoch from clock_timestamp())::double precision"
