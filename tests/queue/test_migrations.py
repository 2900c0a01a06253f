"""`alembic upgrade head` on an empty database gives exactly the schema of the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from muralist.queue.db import connect, migrate
from muralist.queue.tables import Base

TABLES = {"tenants", "api_keys", "jobs", "images", "usage", "review_items", "alembic_version"}


def test_migrations_give_the_models_schema(db_url: str) -> None:
    engine = connect(db_url)
    migrate(engine)
    assert set(inspect(engine).get_table_names()) == TABLES
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    migrate(engine)  # a second upgrade is a no-op, not an error
    engine.dispose()


def test_a_model_change_without_a_migration_is_caught(db_url: str) -> None:
    """The comparison above can fail: a column the migrations lack shows up as a difference."""
    from sqlalchemy import Column, Integer, MetaData

    engine = connect(db_url)
    migrate(engine)
    changed = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["jobs"].append_column(Column("priority", Integer, nullable=True))
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), changed)
    assert [(d[0], d[3].name) for d in diff] == [("add_column", "priority")]
    engine.dispose()


def test_workers_starting_together_migrate_an_empty_database_once(db_url: str) -> None:
    import threading

    outcomes: list[str] = []

    def start() -> None:
        try:
            migrate(connect(db_url))
            outcomes.append("ok")
        except Exception as exc:  # reported by the assertion below
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["ok"] * 4
