"""Alembic environment: run by `muralist.queue.db.migrate`, which passes an open connection."""

from __future__ import annotations

from alembic import context

from muralist.queue.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through muralist.queue.db.migrate(engine), which passes the connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
