"""Stored diagnoses, critiques, feedback and documents (SQLAlchemy; SQLite by default,
PostgreSQL when scaled out via ASSISTANT_DATABASE_URL).

Every diagnosis and critique can be fetched again by id; feedback becomes eval cases
(`export_feedback`): rated-up cases carry the diagnosed label, rated-down ones are exported
with `label: null` and `needs_label: true` for a person to label.
"""

from __future__ import annotations

import json
import threading
import time
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
from sqlalchemy.engine import Engine
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


def engine() -> Engine:
    """The database engine for the configured URL (tables created on first use)."""
    settings = get_settings()
    url = settings.effective_database_url()
    with _LOCK:
        if url not in _ENGINES:
            if url.startswith("sqlite:///"):
                settings.data_dir.mkdir(parents=True, exist_ok=True)
            try:
                eng = create_engine(url, pool_pre_ping=True,
                                    connect_args={"timeout": 30} if url.startswith("sqlite") else {})
                metadata.create_all(eng)
            except SQLAlchemyError as exc:
                raise StoreError(f"cannot open the database {url.split('@')[-1]}: {exc}") from exc
            _ENGINES[url] = eng
        return _ENGINES[url]


def forget_engines() -> None:
    """Drop cached database engines (tests)."""
    with _LOCK:
        for eng in _ENGINES.values():
            eng.dispose()
        _ENGINES.clear()


def _run(statement, fetch: str | None = None) -> Any:
    try:
        with engine().begin() as conn:
            result = conn.execute(statement)
            if fetch == "one":
                return result.mappings().first()
            if fetch == "all":
                return result.mappings().all()
            return result.rowcount
    except SQLAlchemyError as exc:
        raise StoreError(f"database error: {exc.__class__.__name__}") from exc


def save_diagnosis(result, text: str) -> None:
    """Store a Diagnosis with the text it diagnosed."""
    _run(insert(diagnoses).values(
        id=result.diagnosis_id, workspace=result.workspace, created_at=time.time(), text=text,
        category=result.category, engine=result.engine, result=result.model_dump_json()))


def save_critique(result, text: str, workspace: str) -> None:
    """Store a PlanCritique with the plan text."""
    _run(insert(critiques).values(
        id=result.critique_id, workspace=workspace, created_at=time.time(), text=text,
        score=result.score, result=result.model_dump_json()))


def _fetch(table: Table, item_id: str, workspaces: set[str] | None) -> dict:
    row = _run(select(table).where(table.c.id == item_id), fetch="one")
    if row is None or (workspaces is not None and row["workspace"] not in workspaces):
        raise NotFoundError(f"no {table.name[:-1]} with id {item_id}")
    return dict(row)


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
    row = _fetch(table, target, workspaces)
    try:
        with engine().begin() as conn:
            result = conn.execute(insert(feedback).values(
                target_type="diagnosis" if diagnosis_id else "critique", target_id=target,
                workspace=row["workspace"], rating=rating, comment=comment, created_at=time.time()))
            key = result.inserted_primary_key
            if key is None:  # cannot happen: an INSERT always reports its primary key
                raise StoreError("database did not return the new feedback id")
            return int(key[0])
    except SQLAlchemyError as exc:
        raise StoreError(f"database error: {exc.__class__.__name__}") from exc


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
    """Keep a document's text so `assistant reindex` can rebuild the index from it."""
    _run(delete(documents).where(documents.c.doc_id == doc_id))
    _run(insert(documents).values(doc_id=doc_id, workspace=workspace, source=source, title=title,
                                  kind=kind, text=text, ingested_at=time.time()))


def delete_document_row(doc_id: str) -> None:
    _run(delete(documents).where(documents.c.doc_id == doc_id))


def stored_documents() -> list[dict]:
    """Every stored document (for reindex)."""
    return [dict(r) for r in _run(select(documents), fetch="all")]


def purge_workspace(workspace: str) -> dict[str, int]:
    """Delete a workspace's stored diagnoses, critiques, feedback and documents."""
    return {
        "feedback": _run(delete(feedback).where(feedback.c.workspace == workspace)),
        "diagnoses": _run(delete(diagnoses).where(diagnoses.c.workspace == workspace)),
        "critiques": _run(delete(critiques).where(critiques.c.workspace == workspace)),
        "documents": _run(delete(documents).where(documents.c.workspace == workspace)),
    }
