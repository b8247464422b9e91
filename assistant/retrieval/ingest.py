"""Ingest SOPs and plans into the index: split, id, embed, upsert; report bad files by name.

Chunk id = hash(workspace, source, ordinal, content); document id = hash(workspace, source).
Re-ingesting an unchanged source adds nothing; a changed source replaces its old chunks.
Framework SOPs shipped in knowledge/ go to the global workspace, visible to every workspace.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from assistant.config import DEFAULT_WORKSPACE, get_settings
from assistant.errors import AssistantError, UnsupportedFileError, UserError
from assistant.limits import check_title_length
from assistant.retrieval.readers import SUPPORTED, read_file
from assistant.retrieval.store import GLOBAL_WORKSPACE, Store, get_store
from assistant.workspaces import check_workspace

CHUNK_CHARS = 1200
CHUNK_OVERLAP = 150


def _hash(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:32]


def document_id(workspace: str, source: str) -> str:
    """Stable id of a document: workspace + source name."""
    return _hash("doc", workspace, source)


def chunk_id(workspace: str, source: str, ordinal: int, content: str) -> str:
    """Stable id of a chunk: workspace + source + ordinal + content."""
    return _hash("chunk", workspace, source, str(ordinal), content)


@dataclass
class Chunk:
    """One piece of a document ready for the index."""

    id: str
    text: str
    metadata: dict


class IngestReport(BaseModel):
    """What an ingest did: per-document chunk counts and per-file errors."""

    added: int = 0
    removed: int = 0
    unchanged: int = 0
    documents: list[dict] = []
    errors: list[dict] = []


def _sop_meta_for(section: str, sop) -> dict:
    """Find the step a markdown section belongs to (by its heading)."""
    import re

    match = re.search(r"(?:^|> )(\d+)\.\s", section.split(" > ")[-1] + " ")
    if match and sop is not None:
        step = sop.step(f"{sop.id}/{match.group(1)}")
        if step is not None:
            return {"step_id": step.step_id, "categories": step.category}
    return {}


def split_text(text: str, markdown: bool) -> list[tuple[str, str]]:
    """Split text into (section path, content) pieces with LangChain splitters."""
    from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

    chars = RecursiveCharacterTextSplitter(chunk_size=CHUNK_CHARS, chunk_overlap=CHUNK_OVERLAP)
    pieces: list[tuple[str, str]] = []
    if markdown:
        headers = [("#", "h1"), ("##", "h2"), ("###", "h3")]
        sections = MarkdownHeaderTextSplitter(headers, strip_headers=False).split_text(text)
        for doc in sections:
            path = " > ".join(doc.metadata[k] for k in ("h1", "h2", "h3") if k in doc.metadata)
            for part in chars.split_text(doc.page_content):
                pieces.append((path, part))
    else:
        for part in chars.split_text(text):
            pieces.append(("", part))
    return [(s, p) for s, p in pieces if p.strip()]


def build_chunks(
    text: str,
    *,
    source: str,
    title: str,
    kind: str,
    workspace: str,
    markdown: bool,
    sop=None,
) -> list[Chunk]:
    """Split a document and give every piece its id and metadata."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    doc_id = document_id(workspace, source)
    chunks = []
    for ordinal, (section, content) in enumerate(split_text(text, markdown)):
        meta = {
            "doc_id": doc_id,
            "source": source,
            "title": title,
            "section": section,
            "kind": kind,
            "workspace": workspace,
            "sop_id": sop.id if sop is not None else "",
            "step_id": "",
            "categories": ",".join(sop.categories) if sop is not None else "",
            "ordinal": ordinal,
            "ingested_at": now,
        }
        meta.update(_sop_meta_for(section, sop))
        # the title and section travel with the text, so a chunk is findable by its context
        embedded_text = f"{title} | {section}\n{content}" if section else f"{title}\n{content}"
        chunks.append(Chunk(chunk_id(workspace, source, ordinal, content), embedded_text, meta))
    return chunks


SLAB = 256  # chunks embedded and written together: big batches, bounded memory, crash-safe steps


def _write_documents(store: Store, docs: list[tuple[str, list[Chunk]]], report: IngestReport,
                     progress: bool = False) -> None:
    """Write documents' chunks: skip unchanged ones, embed new ones in large batches, delete stale.

    Ids are deterministic, so a run killed half-way is completed by running it again.
    """
    store.step_chunks = None  # SOP chunks may change: search.step_chunks reads them again
    doc_ids = [doc_id for doc_id, _ in docs]
    existing: set[str] = set()
    for start in range(0, len(doc_ids), 500):
        existing.update(store.get(where={"doc_id": {"$in": doc_ids[start : start + 500]}}, include=[])["ids"])
    wanted = {c.id for _, chunks in docs for c in chunks}
    fresh = [c for _, chunks in docs for c in chunks if c.id not in existing]
    bar = _progress(len(fresh), progress, unit="chunk")
    for start in range(0, len(fresh), SLAB):
        slab = fresh[start : start + SLAB]
        vectors = store.embedder.embed([c.text for c in slab], cache=False)
        store.add([c.id for c in slab], [c.text for c in slab], [c.metadata for c in slab], vectors)
        bar.update(len(slab))
    bar.close()
    stale = sorted(existing - wanted)
    for workspace in {c.metadata["workspace"] for _, chunks in docs for c in chunks} or {None}:
        store.delete(stale, workspace)
    report.added += len(fresh)
    report.removed += len(stale)
    report.unchanged += len(wanted) - len(fresh)


def _write_document(store: Store, chunks: list[Chunk], doc_id: str, report: IngestReport) -> None:
    _write_documents(store, [(doc_id, chunks)], report)


def ingest_text(
    text: str,
    *,
    source: str,
    title: str | None = None,
    workspace: str = DEFAULT_WORKSPACE,
    kind: str = "plan",
    store: Store | None = None,
) -> IngestReport:
    """Ingest one text (a pasted plan, an uploaded file's content) into a workspace."""
    workspace = check_workspace(workspace)
    if kind not in ("plan", "framework"):
        raise UserError(f"kind must be 'plan' or 'framework', not '{kind}'")
    if not text.strip():
        raise UnsupportedFileError(f"{source}: the text is empty")
    limit = get_settings().max_text_chars * 10
    if len(text) > limit:
        raise UnsupportedFileError(f"{source}: {len(text)} characters is over the {limit} limit")
    check_title_length(title)
    store = store or get_store()
    report = IngestReport()
    chunks = build_chunks(
        text,
        source=source,
        title=title or Path(source).stem,
        kind=kind,
        workspace=workspace,
        markdown=True,
    )
    with store.writer():
        _write_document(store, chunks, document_id(workspace, source), report)
    _remember(document_id(workspace, source), workspace, source, title or Path(source).stem, kind, text)
    report.documents.append(
        {"doc_id": document_id(workspace, source), "source": source, "chunks": len(chunks)}
    )
    return report


def _expand(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        else:
            files.append(path)
    return files


def ingest_paths(
    paths: Iterable[Path],
    *,
    workspace: str = DEFAULT_WORKSPACE,
    kind: str = "plan",
    progress: bool = False,
    store: Store | None = None,
) -> IngestReport:
    """Ingest files and folders; bad files are reported by name and skipped."""
    from assistant.knowledge import knowledge_dir, parse_sop

    workspace = check_workspace(workspace)
    settings = get_settings()
    store = store or get_store()
    report = IngestReport()
    files = _expand(paths)
    shipped = knowledge_dir().resolve()
    prepared: list[tuple[str, list[Chunk], tuple[str, str, str, str, str, str] | None]] = []
    keep: tuple[str, str, str, str, str, str] | None  # (doc_id, workspace, source, title, kind, text)
    for path in files:
        try:
            if not path.exists():
                raise UnsupportedFileError(f"{path}: no such file")
            text = read_file(path, settings.max_file_bytes, settings.max_text_chars * 10)
            is_md = path.suffix.lower() in (".md", ".markdown")
            sop = None
            doc_kind, doc_ws, source = kind, workspace, path.name
            if path.resolve().parent == shipped and is_md:
                sop = parse_sop(path)
                doc_kind, doc_ws, source = "framework", GLOBAL_WORKSPACE, f"knowledge/{path.name}"
            elif kind == "framework" and is_md and text.startswith("---"):
                sop = parse_sop(path)
            if sop is not None:
                text = sop_index_text(sop)
            title = sop.title if sop else _title_of(text, path)
            chunks = build_chunks(
                text, source=source, title=title, kind=doc_kind, workspace=doc_ws,
                markdown=is_md or path.suffix.lower() == ".docx", sop=sop,
            )
            keep = (document_id(doc_ws, source), doc_ws, source, title, doc_kind, text)
            prepared.append((keep[0], chunks, keep if doc_ws != GLOBAL_WORKSPACE else None))
        except AssistantError as exc:
            report.errors.append({"file": str(path), "error": str(exc)})
    with store.writer():
        _write_documents(store, [(doc_id, chunks) for doc_id, chunks, _ in prepared], report, progress)
        for doc_id, chunks, keep in prepared:
            if keep is not None:
                _remember(*keep)
            meta = chunks[0].metadata if chunks else {}
            report.documents.append(
                {"doc_id": doc_id, "source": meta.get("source"), "chunks": len(chunks)}
            )
    return report


def sop_index_text(sop) -> str:
    """The text of an SOP as indexed: its body plus its trigger phrases, no front matter."""
    symptoms = "\n".join(f"- {t}" for t in sop.triggers)
    return f"{sop.body.strip()}\n\n## Symptoms it addresses\n\n{symptoms}\n"


def _remember(doc_id: str, workspace: str, source: str, title: str, kind: str, text: str) -> None:
    """Keep the document's text in the database, so `assistant reindex` can rebuild the index."""
    from assistant import db

    db.save_document(doc_id, workspace, source, title, kind, text)


def reindex(store: Store | None = None) -> IngestReport:
    """Rebuild the index: the shipped SOPs plus every stored document, chunked afresh."""
    from assistant import db
    from assistant.knowledge import knowledge_dir

    store = store or get_store()
    with store.writer():
        store.drop_all()
    from assistant.retrieval.store import forget_stores

    forget_stores()
    store = get_store()
    report = ingest_paths([knowledge_dir()], store=store)
    for doc in db.stored_documents():
        chunks = build_chunks(doc["text"], source=doc["source"], title=doc["title"] or doc["source"],
                              kind=doc["kind"], workspace=doc["workspace"], markdown=True)
        with store.writer():
            _write_document(store, chunks, doc["doc_id"], report)
        report.documents.append({"doc_id": doc["doc_id"], "source": doc["source"], "chunks": len(chunks)})
    return report


def purge_workspace(workspace: str, store: Store | None = None) -> dict[str, int]:
    """Delete a workspace's documents from the index and its stored records."""
    from assistant import db

    workspace = check_workspace(workspace)
    store = store or get_store()
    ids = store.get(where={"workspace": workspace}, include=[])["ids"]
    with store.writer():
        store.drop_workspace(workspace)
    return {"chunks": len(ids), **db.purge_workspace(workspace)}


def _title_of(text: str, path: Path) -> str:
    for line in text.splitlines()[:20]:
        stripped = line.strip().lstrip("#").strip()
        if stripped and not stripped.startswith("---"):
            return stripped[:120]
    return path.stem


def _progress(total: int, enabled: bool, unit: str = "doc"):
    from tqdm import tqdm

    return tqdm(total=total, desc="ingest", unit=unit, disable=not enabled or total < 2)


def ensure_framework_indexed(store: Store | None = None) -> None:
    """Index the shipped SOPs once if the store has none (the first diagnosis needs them)."""
    from assistant.knowledge import knowledge_dir

    store = store or get_store()
    if store.framework_ready:  # checked once per store handle, not on every diagnosis
        return
    if not store.get(where={"workspace": GLOBAL_WORKSPACE}, limit=1, include=[])["ids"]:
        report = ingest_paths([knowledge_dir()], store=store)
        if report.errors:
            raise UserError("; ".join(e["error"] for e in report.errors))
    store.framework_ready = True


def list_documents(workspace: str, store: Store | None = None) -> list[dict]:
    """The documents of a workspace (not the global SOPs): id, source, title, chunks, date."""
    workspace = check_workspace(workspace)
    store = store or get_store()
    got = store.get(where={"workspace": workspace}, include=["metadatas"])
    docs: dict[str, dict] = {}
    for meta in got["metadatas"]:
        doc = docs.setdefault(
            meta["doc_id"],
            {"doc_id": meta["doc_id"], "source": meta["source"], "title": meta["title"],
             "kind": meta["kind"], "workspace": workspace, "chunks": 0,
             "ingested_at": meta.get("ingested_at")},
        )
        doc["chunks"] += 1
    return sorted(docs.values(), key=lambda d: d["source"])


def delete_document(doc_id: str, workspace: str, store: Store | None = None) -> int:
    """Delete a workspace's document; returns the number of chunks removed."""
    from assistant.errors import NotFoundError

    workspace = check_workspace(workspace)
    store = store or get_store()
    ids = store.get(where={"$and": [{"doc_id": doc_id}, {"workspace": workspace}]}, include=[])["ids"]
    if not ids:
        raise NotFoundError(f"no document {doc_id} in workspace '{workspace}'")
    with store.writer():
        store.delete(list(ids), workspace)
    from assistant import db

    db.delete_document_row(doc_id)
    return len(ids)


__all__ = [
    "IngestReport", "SUPPORTED", "build_chunks", "chunk_id", "delete_document", "document_id",
    "ensure_framework_indexed", "ingest_paths", "ingest_text", "list_documents",
]
