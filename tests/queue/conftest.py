"""Databases for the queue tests: a fresh SQLite file, and a fresh schema in PostgreSQL.

PostgreSQL is found at MURALIST_TEST_POSTGRES (default postgresql+psycopg://postgres@127.0.0.1:5432/test);
when it cannot be reached the PostgreSQL tests skip (and fail under MURALIST_REQUIRE_ALL=1). Each test
gets its own schema, named in the URL's search_path, so worker processes given the URL use it too.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

POSTGRES = os.environ.get("MURALIST_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reason() -> str | None:
    try:
        import psycopg

        from muralist.queue.events import psycopg_conninfo

        with psycopg.connect(psycopg_conninfo(POSTGRES), connect_timeout=3):
            return None
    except Exception as exc:  # any failure to connect means: no PostgreSQL here
        return f"PostgreSQL at {POSTGRES} is not reachable: {exc}".splitlines()[0]


_REASON: list[str | None] = []


def postgres_url() -> Iterator[str]:
    """A URL whose connections see only a new, empty schema (dropped afterwards)."""
    if not _REASON:
        _REASON.append(_postgres_reason())
    if _REASON[0] is not None:
        pytest.skip(_REASON[0])
    import psycopg

    from muralist.queue.events import psycopg_conninfo

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(psycopg_conninfo(POSTGRES), autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in POSTGRES else "?"
    try:
        yield f"{POSTGRES}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(psycopg_conninfo(POSTGRES), autocommit=True) as c:
            c.execute(f"DROP SCHEMA {schema} CASCADE")


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'jobs.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
    else:
        yield from postgres_url()


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from postgres_url()
