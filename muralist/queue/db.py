"""Opening the job database: SQLite (WAL) by default, PostgreSQL for several machines; migrations.

    engine = connect(database_url(settings))
    migrate(engine)            # alembic upgrade head, no alembic.ini needed

SQLite is opened in WAL mode (readers never block the writer) with a busy timeout, and every
transaction starts with `BEGIN IMMEDIATE`: it takes the write lock up front, so a read-then-write
transaction (a claim) is atomic across processes and never fails half-way with "database is locked".
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError

from muralist.errors import UserError

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def database_url(url: str | None, data_dir: Path) -> str:
    """The configured URL, or the embedded default: SQLite at data_dir/muralist.db."""
    if url:
        return url
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(data_dir / 'muralist.db').resolve()}"


def connect(url: str) -> Engine:
    """An engine for `url`; errors name the URL schemes that work."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserError(
            f"cannot parse the database URL {url!r}; expected sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3 is the driver we ship
        return create_engine(parsed, pool_pre_ping=True)
    raise UserError(f"unsupported database {backend!r} in {url!r}: use sqlite:///PATH or postgresql+psycopg://…")


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below), not pysqlite
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")  # an accepted job survives a power cut, not only a crash
    cursor.close()


def _sqlite_begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


_MIGRATING = threading.Lock()  # Alembic's `context` is one global per process
_MIGRATION_LOCK_ID = 0x6D7572616C  # PostgreSQL advisory lock: "mural"


def migrate(engine: Engine, revision: str = "head") -> None:
    """`alembic upgrade <revision>` on this database; safe when several workers start at once."""
    from alembic import command

    with _MIGRATING, engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # SQLite: BEGIN IMMEDIATE already serialises
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})")
        command.upgrade(alembic_config(connection), revision)
