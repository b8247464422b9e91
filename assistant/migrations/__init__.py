"""Schema migrations (Alembic): every process brings its database to the newest revision on open.

`upgrade(engine)` runs when `assistant.db` first opens a database. A database at the newest
revision (`HEAD`) costs one query and does not import Alembic (0.1 s of every CLI call).
Otherwise the migrations run under a lock, so that several workers
starting together migrate once: a transaction-scoped advisory lock on PostgreSQL, an exclusive
transaction on SQLite. A database made before migrations came in (the tables but no
alembic_version) is stamped at the baseline revision and then upgraded. A database at a
revision this version does not know (a newer release migrated it) is refused with a clear error.

New revisions: change the tables in `assistant/db.py`, then
`alembic -c assistant/migrations/alembic.ini revision --autogenerate -m "what changed"` and
review the file it writes in versions/ (tests/test_postgres.py fails until the two agree), and
set `HEAD` to its revision (tests/test_fast_cli.py fails until it names Alembic's head).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from assistant.errors import StoreError

HERE = Path(__file__).resolve().parent
HEAD = "0001"  # the newest revision in versions/ (what `head()` reads with Alembic)
BASELINE = "0001"  # the schema that `metadata.create_all` made before migrations
BASELINE_TABLES = ("diagnoses", "critiques", "feedback", "documents")
_PG_LOCK_KEY = 73_104_029_115  # the pg_advisory_xact_lock key: any constant, the same everywhere


def config(connection: Connection | None = None):
    """An Alembic Config for the shipped scripts (bound to `connection` when given)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision shipped with this version."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(config()).get_heads()
    if len(heads) != 1:  # two revisions with the same parent: merge them before shipping
        raise StoreError(f"the shipped migrations have {len(heads)} heads: {', '.join(heads)}")
    return heads[0]


def current(connection: Connection) -> tuple[str, ...]:
    """The revision(s) recorded in the database's alembic_version (empty: none)."""
    from alembic.migration import MigrationContext

    return tuple(MigrationContext.configure(connection).get_current_heads())


def recorded(connection: Connection) -> tuple[str, ...] | None:
    """The revision(s) in alembic_version, read with one plain query (no Alembic import);
    None when the table cannot be read (none yet)."""
    try:
        return tuple(row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:
        return None


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision (see the module docstring)."""
    with engine.connect() as conn:  # an unreachable database fails here, as before
        if recorded(conn) == (HEAD,):
            return
    from alembic.util import CommandError

    try:
        _upgrade(engine)
    except CommandError as exc:
        raise StoreError(f"{exc.__class__.__name__}: {exc}") from exc


def _upgrade(engine: Engine) -> None:
    newest = head()
    with engine.connect() as conn:
        if current(conn) == (newest,):
            return
    with engine.begin() as conn:
        lock(conn)
        found = current(conn)  # again: another process may have migrated while we waited
        if found == (newest,):
            return
        _check_known(found, newest)
        from alembic import command

        cfg = config(conn)
        if not found and _is_pre_migration(conn):
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, "head")


def lock(conn: Connection) -> None:
    """Hold the migration lock until this transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN EXCLUSIVE")  # waits for the other writers (busy timeout)


def _check_known(found: tuple[str, ...], newest: str) -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(config())
    known = {rev.revision for rev in scripts.walk_revisions()}
    unknown = [rev for rev in found if rev not in known]
    if unknown:
        raise StoreError(
            f"the database is at schema revision {', '.join(unknown)}, which this version of the "
            f"assistant does not know (its newest is {newest}): a newer release has migrated it; "
            "run that release (or restore a backup)")


def _is_pre_migration(conn: Connection) -> bool:
    """True for a database that `metadata.create_all` made before migrations existed."""
    present = [name for name in BASELINE_TABLES if inspect(conn).has_table(name)]
    if present and len(present) < len(BASELINE_TABLES):
        missing = sorted(set(BASELINE_TABLES) - set(present))
        raise StoreError(f"the database has the tables {', '.join(present)} but not "
                         f"{', '.join(missing)} and no alembic_version: it was not made by this "
                         "assistant, or was damaged; give the assistant a database of its own")
    return bool(present)

