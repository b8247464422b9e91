"""Alembic environment: the assistant's tables (assistant.db.metadata) on the configured database.

`assistant.migrations.upgrade` passes its own connection (already in a transaction and holding
the migration lock); the `alembic` command line (alembic.ini beside this file) connects to the
configured database itself, or writes SQL with `--sql`.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from assistant.db import database_url, metadata

config = context.config


def _configure(**kwargs) -> None:
    context.configure(target_metadata=metadata, compare_type=True, **kwargs)


def run_offline() -> None:
    """Write the SQL instead of running it (`alembic ... upgrade head --sql`)."""
    _configure(url=database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_on(connection: Connection) -> None:
    """Run the migrations on an open connection (SQLite alters tables in batch mode)."""
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on the given connection, or on a new one to the configured database."""
    given = config.attributes.get("connection")
    if given is not None:
        run_on(given)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    from assistant.db import new_engine
    from assistant.migrations import lock

    engine = new_engine(database_url())
    try:
        with engine.begin() as connection:
            lock(connection)  # as when the assistant migrates on open: one migrator at a time
            run_on(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
