"""Ranked chunks for a query in a workspace (its plans plus the global SOPs)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.config import DEFAULT_WORKSPACE
from assistant.errors import UserError
from assistant.limits import MAX_QUERY_CHARS
from assistant.retrieval.store import GLOBAL_WORKSPACE, Store, get_store
from assistant.workspaces import check_workspace


class SearchHit(BaseModel):
    """One retrieved chunk. Absent metadata is null, never missing."""

    chunk_id: str
    doc_id: str | None = None
    source: str | None = None
    title: str | None = None
    section: str | None = None
    kind: Literal["framework", "plan"] | None = None
    workspace: str | None = None
    sop_id: str | None = None
    step_id: str | None = None
    categories: list[str] = Field(default_factory=list)
    score: float = Field(ge=0.0, le=1.0, description="cosine similarity clipped to [0, 1]")
    snippet: str
    text: str = Field(default="", exclude=True)


def workspace_filter(workspace: str, include_global: bool = True) -> dict:
    """The Chroma `where` filter that keeps a query inside its workspace."""
    if include_global:
        return {"workspace": {"$in": [workspace, GLOBAL_WORKSPACE]}}
    return {"workspace": workspace}


def _none(value: object) -> Any:
    return None if value in ("", None) else value


def _snippet(text: str, limit: int = 300) -> str:
    body = text.split("\n", 1)[1] if "\n" in text else text
    body = " ".join(body.split())
    return body if len(body) <= limit else body[: limit - 1].rsplit(" ", 1)[0] + "…"


def _section(section: object, title: object) -> str | None:
    """The section path without the document's own title at its head ("Q3 Plan > Goals" in
    "Q3 Plan" reads "Goals"), so a title is never shown twice."""
    path = _none(section)
    name = str(title or "").strip()
    if path and name:
        parts = path.split(" > ")
        if parts and parts[0].strip().lower() == name.lower():
            parts = parts[1:]
        path = " > ".join(parts) or None
    return path


def hits_from_result(result: dict) -> list[SearchHit]:
    """Turn a Chroma query result into `SearchHit`s."""
    hits = []
    for cid, text, meta, dist in zip(
        result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0],
        strict=True,
    ):
        meta = meta or {}
        hits.append(
            SearchHit(
                chunk_id=cid,
                doc_id=_none(meta.get("doc_id")),
                source=_none(meta.get("source")),
                title=_none(meta.get("title")),
                section=_section(meta.get("section"), meta.get("title")),
                kind=_none(meta.get("kind")),
                workspace=_none(meta.get("workspace")),
                sop_id=_none(meta.get("sop_id")),
                step_id=_none(meta.get("step_id")),
                categories=[c for c in str(meta.get("categories") or "").split(",") if c],
                score=round(min(1.0, max(0.0, 1.0 - float(dist))), 4),
                snippet=_snippet(text or ""),
                text=text or "",
            )
        )
    return hits


def search(
    query: str,
    workspace: str = DEFAULT_WORKSPACE,
    k: int = 5,
    *,
    kind: str | None = None,
    store: Store | None = None,
    vector=None,
) -> list[SearchHit]:
    """Search the workspace's plans and the global SOPs; best first."""
    workspace = check_workspace(workspace)
    if not query or not query.strip():
        raise UserError("the search query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise UserError(f"the search query has {len(query)} characters; the limit is {MAX_QUERY_CHARS}")
    if not 1 <= k <= 100:
        raise UserError("k must be between 1 and 100")
    store = store or get_store()
    where = workspace_filter(workspace)
    if kind:
        where = {"$and": [where, {"kind": kind}]}
    if vector is None:
        vector = store.embedder.embed([query])[0]
    return hits_from_result(store.query(vector, k, where))


def step_chunks(step_ids: list[str]) -> dict[str, tuple[str, dict, str]]:
    """step id -> (chunk id, metadata, text) of the SOP chunk that holds the step. The SOP
    chunks are read once per store (one query for all of them) and kept on it until the store
    writes anything (ingest drops the copy)."""
    from assistant.retrieval.ingest import ensure_framework_indexed
    from assistant.retrieval.store import get_store

    if not step_ids:
        return {}
    store = get_store()
    index = store.step_chunks  # kept on the store; a write or a new store reads them again
    if index is None or any(sid not in index for sid in step_ids):
        ensure_framework_indexed(store)
        got = store.get(where={"$and": [{"workspace": "__global__"}, {"step_id": {"$ne": ""}}]},
                        include=["metadatas", "documents"])
        index = {}
        for cid, meta, doc in zip(got["ids"], got["metadatas"], got["documents"], strict=True):
            index.setdefault(meta["step_id"], (cid, meta, doc))
        store.step_chunks = index
    return {sid: index[sid] for sid in step_ids if sid in index}


def fetched_step_hits(step_ids: list[str]) -> dict[str, SearchHit]:
    """step id -> the SOP chunk holding it, as a hit fetched by id (score 0: not retrieved by
    similarity, but a real chunk of the index that may be cited)."""
    found = step_chunks(step_ids)
    ids = list(found)
    result = {"ids": [[found[i][0] for i in ids]], "documents": [[found[i][2] for i in ids]],
              "metadatas": [[found[i][1] for i in ids]], "distances": [[1.0] * len(ids)]}
    return dict(zip(ids, hits_from_result(result), strict=True))
