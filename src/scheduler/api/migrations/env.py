"""Alembic environment: run by ``scheduler.api.db.migrate`` at start-up, or by the alembic CLI.

At start-up the server hands over its own connection (``config.attributes["connection"]``);
from the command line the URL comes from the settings (``SCHEDULER_DATABASE_URL`` /
``SCHEDULER_DB_PATH``), so there is one source for it.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from scheduler.api.db import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only ALTER tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from scheduler.api.db import make_engine
    from scheduler.api.settings import Settings

    engine = make_engine(Settings().sqlalchemy_url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run them online")
run_migrations_online()
