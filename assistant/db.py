"""Stored diagnoses, critiques, feedback and documents (SQLAlchemy; SQLite by default,
PostgreSQL when scaled out via ASSISTANT_DATABASE_URL, driven by psycopg 3).

Every diagnosis and critique can be fetched again by id; feedback becomes eval cases
(`export_feedback`): rated-up cases carry the diagnosed label, rated-down ones are exported
with `label: null` and `needs_label: true` for a person to label.

The schema is migrated with Alembic (assistant/migrations/): opening a database brings it to the
newest revision. Timestamps are epoch seconds (no time zone to get wrong); results are JSON text.
Several processes may share one PostgreSQL database: writes that must not interleave (a
document replaced, feedback on an item being purged, a purge) each run in one transaction.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    insert,
    select,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from assistant.config import get_settings
from assistant.errors import NotFoundError, StoreError, UserError

metadata = MetaData()

diagnoses = Table(
    "diagnoses", metadata,
    Column("id", String(36), primary_key=True),
    Column("workspace", String(64), index=True, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("text", Text, nullable=False),
    Column("category", String(16)),
    Column("engine", String(16)),
    Column("result", Text, nullable=False),
)
critiques = Table(
    "critiques", metadata,
    Column("id", String(36), primary_key=True),
    Column("workspace", String(64), index=True, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("text", Text, nullable=False),
    Column("score", Integer),
    Column("result", Text, nullable=False),
)
feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target_type", String(16), nullable=False),
    Column("target_id", String(36), index=True, nullable=False),
    Column("workspace", String(64), index=True, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("comment", Text),
    Column("created_at", Float, nullable=False),
)
documents = Table(
    "documents", metadata,
    Column("doc_id", String(64), primary_key=True),
    Column("workspace", String(64), index=True, nullable=False),
    Column("source", Text, nullable=False),
    Column("title", Text),
    Column("kind", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("ingested_at", Float, nullable=False),
)

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def database_url(url: str | None = None) -> str:
    """The SQLAlchemy URL to use (the configured one by default), with its driver made explicit.

    `postgresql://` and `postgres://` (as many hosting services write it) both mean psycopg 3,
    the driver this package installs.
    """
    url = url or get_settings().effective_database_url()
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def new_engine(url: str) -> Engine:
    """A new SQLAlchemy engine for `url` (no schema work)."""
    if url.startswith("sqlite"):
        connect_args: dict[str, Any] = {"timeout": 30}
    elif url.startswith("postgresql+psycopg"):
        # utf8 whatever the database's encoding (with SQL_ASCII psycopg would return bytes), and
        # a bounded wait for an unreachable server instead of the TCP timeout
        connect_args = {"client_encoding": "utf8", "connect_timeout": 10,
                        "application_name": "org-assistant"}
    else:
        connect_args = {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def engine() -> Engine:
    """The database engine for the configured URL (migrated to the newest schema on first use)."""
    settings = get_settings()
    url = database_url()
    with _LOCK:
        if url not in _ENGINES:
            if url.startswith("sqlite:///"):
                settings.data_dir.mkdir(parents=True, exist_ok=True)
            from assistant import migrations

            eng = new_engine(url)
            try:
                migrations.upgrade(eng)
            except (SQLAlchemyError, StoreError) as exc:
                eng.dispose()
                detail = exc if isinstance(exc, StoreError) else f"{exc.__class__.__name__}: {exc}"
                raise StoreError(f"cannot open the database {url.split('@')[-1]}: {detail}") from exc
            _ENGINES[url] = eng
        return _ENGINES[url]


def forget_engines() -> None:
    """Drop cached database engines (tests)."""
    with _LOCK:
        for eng in _ENGINES.values():
            eng.dispose()
        _ENGINES.clear()


@contextmanager
def _transaction() -> Iterator[Connection]:
    """One transaction (committed at the end, rolled back on error); database errors become a
    StoreError that names only the error's class."""
    try:
        with engine().begin() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise StoreError(f"database error: {exc.__class__.__name__}") from exc


def _run(statement, fetch: str | None = None) -> Any:
    with _transaction() as conn:
        result = conn.execute(statement)
        if fetch == "one":
            return result.mappings().first()
        if fetch == "all":
            return result.mappings().all()
        return result.rowcount


def _storable(**values: Any) -> dict[str, Any]:
    """The values without NUL characters: PostgreSQL text cannot hold them (SQLite can), and
    they carry nothing a reader needs (check_text drops them from texts the same way)."""
    return {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in values.items()}


def save_diagnosis(result, text: str) -> None:
    """Store a Diagnosis with the text it diagnosed."""
    _run(insert(diagnoses).values(**_storable(
        id=result.diagnosis_id, workspace=result.workspace, created_at=time.time(), text=text,
        category=result.category, engine=result.engine, result=result.model_dump_json())))


def save_critique(result, text: str, workspace: str) -> None:
    """Store a PlanCritique with the plan text."""
    _run(insert(critiques).values(**_storable(
        id=result.critique_id, workspace=workspace, created_at=time.time(), text=text,
        score=result.score, result=result.model_dump_json())))


_NAMES = {"diagnoses": "diagnosis", "critiques": "critique"}


def _visible(table: Table, row: Any, item_id: str, workspaces: set[str] | None) -> dict:
    if row is None or (workspaces is not None and row["workspace"] not in workspaces):
        raise NotFoundError(f"no {_NAMES[table.name]} with id {item_id}")
    return dict(row)


def _fetch(table: Table, item_id: str, workspaces: set[str] | None) -> dict:
    if "\x00" in item_id:  # no stored id holds one (and PostgreSQL refuses to compare it)
        return _visible(table, None, item_id.replace("\x00", ""), workspaces)
    return _visible(table, _run(select(table).where(table.c.id == item_id), fetch="one"), item_id,
                    workspaces)


def get_diagnosis(item_id: str, workspaces: set[str] | None = None) -> dict:
    """A stored Diagnosis (as a dict) visible to the given workspaces (None: all)."""
    return json.loads(_fetch(diagnoses, item_id, workspaces)["result"])


def get_critique(item_id: str, workspaces: set[str] | None = None) -> dict:
    """A stored PlanCritique (as a dict) visible to the given workspaces (None: all)."""
    return json.loads(_fetch(critiques, item_id, workspaces)["result"])


def record_feedback(*, diagnosis_id: str | None = None, critique_id: str | None = None,
                    rating: int, comment: str | None = None,
                    workspaces: set[str] | None = None) -> int:
    """Store a thumbs up (1) or down (-1) on a stored diagnosis or critique; returns its id."""
    diagnosis_id, critique_id = diagnosis_id or None, critique_id or None  # "" names nothing
    if (diagnosis_id is None) == (critique_id is None):
        raise UserError("give exactly one of diagnosis_id or critique_id")
    if rating not in (1, -1):
        raise UserError("rating must be 1 or -1")
    if comment is not None and len(comment) > 5000:
        raise UserError("comment is longer than 5000 characters")
    table, target = (diagnoses, diagnosis_id) if diagnosis_id else (critiques, critique_id)
    assert target is not None  # exactly one of the two is set (checked above)
    _fetch(table, target, workspaces)  # a clear 404 (also for ids PostgreSQL cannot compare)
    with _transaction() as conn:
        # the target row stays locked until the feedback is in, so a purge running at the
        # same time either takes both or neither (PostgreSQL; SQLite has one writer anyway)
        found = conn.execute(select(table.c.workspace).where(table.c.id == target)
                             .with_for_update(read=True)).mappings().first()
        row = _visible(table, found, target, workspaces)
        result = conn.execute(insert(feedback).values(**_storable(
            target_type="diagnosis" if diagnosis_id else "critique", target_id=target,
            workspace=row["workspace"], rating=rating, comment=comment, created_at=time.time())))
        key = result.inserted_primary_key
        if key is None:  # cannot happen: an INSERT always reports its primary key
            raise StoreError("database did not return the new feedback id")
        return int(key[0])


def list_feedback(workspace: str | None = None) -> list[dict]:
    """Stored feedback, newest first."""
    query = select(feedback).order_by(feedback.c.id.desc())
    if workspace:
        query = query.where(feedback.c.workspace == workspace)
    return [dict(r) for r in _run(query, fetch="all")]


def export_feedback(workspace: str | None = None) -> list[dict]:
    """Rated diagnoses as eval cases (`assistant eval --cases` reads them)."""
    rows = []
    query = (select(feedback.c.id, feedback.c.rating, feedback.c.comment, diagnoses.c.id.label("did"),
                    diagnoses.c.text, diagnoses.c.category, diagnoses.c.workspace)
             .join(diagnoses, diagnoses.c.id == feedback.c.target_id)
             .where(feedback.c.target_type == "diagnosis").order_by(feedback.c.id))
    if workspace:
        query = query.where(diagnoses.c.workspace == workspace)
    for r in _run(query, fetch="all"):
        up = r["rating"] == 1
        rows.append({"id": f"feedback-{r['id']}", "text": r["text"], "label": r["category"] if up else None,
                     "needs_label": not up, "diagnosis_id": r["did"], "diagnosed": r["category"],
                     "rating": r["rating"], "comment": r["comment"], "workspace": r["workspace"]})
    return rows


def save_document(doc_id: str, workspace: str, source: str, title: str, kind: str, text: str) -> None:
    """Keep a document's text so `assistant reindex` can rebuild the index from it (a document
    with the same id is replaced in the same statement, so two workers saving it at once cannot
    collide on the key)."""
    values = _storable(doc_id=doc_id, workspace=workspace, source=source, title=title, kind=kind,
                       text=text, ingested_at=time.time())
    dialect = engine().dialect.name
    if dialect in ("postgresql", "sqlite"):
        from sqlalchemy.dialects import postgresql, sqlite

        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        upsert = make(documents).values(**values)
        _run(upsert.on_conflict_do_update(
            index_elements=[documents.c.doc_id],
            set_={name: upsert.excluded[name] for name in values if name != "doc_id"}))
        return
    with _transaction() as conn:
        conn.execute(delete(documents).where(documents.c.doc_id == doc_id))
        conn.execute(insert(documents).values(**values))


def plan_documents(workspace: str, doc_ids: list[str] | None = None, with_text: bool = True) -> list[dict]:
    """The plans stored in `workspace` (only those of `doc_ids` when given), most recent first:
    doc_id, title, source, ingested_at and, unless `with_text` is False, the text."""
    c = documents.c
    columns = [c.doc_id, c.title, c.source, c.ingested_at, *([c.text] if with_text else [])]
    query = select(*columns).where(c.workspace == workspace, c.kind == "plan")
    if doc_ids is not None:
        query = query.where(c.doc_id.in_(doc_ids))
    return [dict(r) for r in _run(query.order_by(c.ingested_at.desc(), c.doc_id), fetch="all")]


def delete_document_row(doc_id: str) -> None:
    """Forget a stored document's text."""
    if "\x00" not in doc_id:  # none has such an id
        _run(delete(documents).where(documents.c.doc_id == doc_id))


def stored_documents() -> list[dict]:
    """Every stored document (for reindex), oldest first."""
    query = select(documents).order_by(documents.c.ingested_at, documents.c.doc_id)
    return [dict(r) for r in _run(query, fetch="all")]


def purge_workspace(workspace: str) -> dict[str, int]:
    """Delete a workspace's stored diagnoses, critiques, feedback and documents, all or nothing.

    Diagnoses and critiques go first: feedback being recorded on one of them holds its row, so
    the purge waits for it and then deletes that feedback too.
    """
    order = (("diagnoses", diagnoses), ("critiques", critiques), ("feedback", feedback),
             ("documents", documents))
    with _transaction() as conn:
        counts = {name: conn.execute(delete(table).where(table.c.workspace == workspace)).rowcount
                  for name, table in order}
    return {name: counts[name] for name in ("feedback", "diagnoses", "critiques", "documents")}
