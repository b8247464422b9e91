"""The database layer on SQLite and on a real PostgreSQL server (tests/pg.py): migrations (the
shipped revisions equal the models; a database made before migrations is stamped and upgraded;
workers opening one database together migrate it once) and what PostgreSQL refuses or does
differently (NUL characters, concurrent writers, a purge racing a feedback write, encodings)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, inspect, select, text

from assistant import db, migrations
from assistant.errors import NotFoundError, StoreError
from tests.conftest import DATABASES, ROOT, _reset

pytestmark = pytest.mark.usefixtures("database")
ON_BOTH = pytest.mark.parametrize("database", DATABASES, indirect=True)
ON_POSTGRES = pytest.mark.parametrize("database", DATABASES[1:], indirect=True)


def _raw_engine():
    """An engine on the test's database that neither migrates nor is cached by assistant.db."""
    from assistant.config import get_settings

    get_settings().data_dir.mkdir(parents=True, exist_ok=True)  # where SQLite's file goes
    return db.new_engine(db.database_url())


def _migrated_version(url: str) -> list[str]:
    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    finally:
        eng.dispose()


@ON_BOTH
def test_migrations_create_exactly_the_models():
    """A model change without a revision (or a revision without the model change) fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    eng = db.engine()  # a fresh database: every revision runs
    with eng.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                       db.metadata)
        tables = set(inspect(conn).get_table_names())
    assert differences == [], differences
    assert tables == set(db.metadata.tables) | {"alembic_version"}
    assert _migrated_version(db.database_url()) == [migrations.head()]


@ON_BOTH
def test_database_from_before_migrations_is_stamped_and_upgraded():
    url = db.database_url()
    old = _raw_engine()  # what the code before Alembic left: the tables, no alembic_version
    try:
        with old.begin() as conn:
            from alembic import command

            command.upgrade(migrations.config(conn), migrations.BASELINE)
            conn.execute(text("DROP TABLE alembic_version"))
            conn.execute(db.diagnoses.insert().values(
                id="11111111-2222-3333-4444-555555555555", workspace="team-a", created_at=1.5e9,
                text="an old diagnosis", category="culture", engine="local",
                result=json.dumps({"diagnosis_id": "11111111-2222-3333-4444-555555555555",
                                   "category": "culture"})))
        assert "alembic_version" not in inspect(old).get_table_names()
    finally:
        old.dispose()
    _reset()
    assert db.get_diagnosis("11111111-2222-3333-4444-555555555555", {"team-a"})["category"] == "culture"
    assert _migrated_version(url) == [migrations.head()]
    assert db.record_feedback(diagnosis_id="11111111-2222-3333-4444-555555555555", rating=1) > 0


@ON_BOTH
def test_a_newer_or_foreign_schema_is_refused_clearly():
    eng = _raw_engine()
    try:
        with eng.begin() as conn:
            conn.execute(text("CREATE TABLE documents (doc_id VARCHAR(64) PRIMARY KEY)"))
        with pytest.raises(StoreError, match="not made by this assistant"):
            db.engine()
        with eng.begin() as conn:
            conn.execute(text("DROP TABLE documents"))
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
            conn.execute(text("INSERT INTO alembic_version VALUES ('9999_from_the_future')"))
        _reset()
        with pytest.raises(StoreError, match="does not know.*newer release"):
            db.engine()
    finally:
        eng.dispose()


@ON_BOTH
def test_workers_opening_a_new_database_together_migrate_it_once():
    code = "from assistant import db; db.engine(); print('opened')"
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outcomes = [p.communicate(timeout=120) for p in procs]
    assert all(out.strip() == "opened" for out, _err in outcomes), [err[-600:] for _o, err in outcomes]
    assert _migrated_version(db.database_url()) == [migrations.head()]


@ON_BOTH
def test_text_postgresql_cannot_hold_is_still_stored():
    """NUL characters: PostgreSQL refuses them in text, and an id holding one matches nothing."""
    db.save_document("d" * 32, "team-a", "pl\x00an.md", "Q3\x00 plan", "plan", "Ship\x00 it")
    (doc,) = db.stored_documents()
    assert (doc["source"], doc["title"], doc["text"]) == ("plan.md", "Q3 plan", "Ship it")
    with pytest.raises(NotFoundError, match="no diagnosis with id"):
        db.get_diagnosis("\x00' OR 1=1 --")
    with pytest.raises(NotFoundError):
        db.get_critique("x" * 500)  # longer than the column: no match, not an error
    db.delete_document_row("d" * 32 + "\x00")
    assert len(db.stored_documents()) == 1


@ON_BOTH
def test_concurrent_writers_do_not_collide():
    """Re-ingesting the same document from many threads replaces it; feedback is never lost."""
    from assistant.schema import Diagnosis

    diagnosis = Diagnosis.model_validate(_minimal_diagnosis())
    db.save_diagnosis(diagnosis, "two leads refuse to talk")

    def work(n: int) -> None:
        for k in range(10):
            db.save_document("e" * 32, "team-a", "same.md", "same", "plan", f"version {n}-{k}")
            db.record_feedback(diagnosis_id=diagnosis.diagnosis_id, rating=1, comment=f"{n}-{k}")

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(work, range(6)))
    assert len(db.stored_documents()) == 1
    assert len(db.list_feedback("team-a")) == 60


@ON_POSTGRES
def test_feedback_racing_a_purge_leaves_nothing_behind():
    """A purge that has deleted a diagnosis but not yet committed: feedback on it waits, then is
    refused; no feedback row outlives the purge (the orphan would keep a comment of a purged
    workspace). On SQLite the purge holds the only write lock, so the race cannot start."""
    from assistant.schema import Diagnosis

    diagnosis = Diagnosis.model_validate(_minimal_diagnosis())
    db.save_diagnosis(diagnosis, "two leads refuse to talk")
    other = _raw_engine()
    outcome: list[object] = []
    try:
        with other.begin() as purge:
            purge.execute(db.diagnoses.delete().where(db.diagnoses.c.workspace == "team-a"))

            def feedback() -> None:
                try:
                    outcome.append(db.record_feedback(diagnosis_id=diagnosis.diagnosis_id, rating=-1,
                                                      comment="Ana said it"))
                except NotFoundError as exc:
                    outcome.append(exc)

            writer = threading.Thread(target=feedback)
            writer.start()
            time.sleep(0.5)  # the writer has seen the row and waits for the purge's lock
            assert writer.is_alive() and outcome == []
            purge.execute(db.feedback.delete().where(db.feedback.c.workspace == "team-a"))
        writer.join(10)
    finally:
        other.dispose()
    assert len(outcome) == 1 and isinstance(outcome[0], NotFoundError), outcome
    assert db.list_feedback() == []


def test_database_url_names_the_installed_driver():
    assert db.database_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    for given in ("postgresql://u@h:5/d", "postgres://u@h:5/d", "postgresql+psycopg://u@h:5/d"):
        assert db.database_url(given) == "postgresql+psycopg://u@h:5/d"


@ON_POSTGRES
def test_a_sql_ascii_database_keeps_unicode(pg_server):
    """A database created as SQL_ASCII (initdb under the C locale without -E) and a plain
    postgresql:// URL: psycopg would hand back bytes, and SQLAlchemy failed on connect."""
    name = f"ascii_{uuid.uuid4().hex[:8]}"
    pg_server.execute(f"CREATE DATABASE {name} ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' "
                      "TEMPLATE template0")
    plain = pg_server.url(name).replace("postgresql+psycopg://", "postgresql://")
    eng = db.new_engine(db.database_url(plain))
    try:
        migrations.upgrade(eng)
        with eng.begin() as conn:
            conn.execute(db.documents.insert().values(doc_id="f" * 32, workspace="w", source="Zoë.md",
                                                      title="Café — plan ✓", kind="plan", text="ü",
                                                      ingested_at=time.time()))
            assert conn.execute(select(db.documents.c.title)).scalar_one() == "Café — plan ✓"
    finally:
        eng.dispose()


def _minimal_diagnosis() -> dict:
    return {"category": "interpersonal", "confidence": 0.6, "workspace": "team-a",
            "scores": {"strategy": 0.1, "execution": 0.1, "culture": 0.2, "interpersonal": 0.6},
            "surface_symptom": "releases stall", "root_cause": "two leads fell out",
            "rationale": "they refuse to talk"}
