"""The Knowledge tab: add team plans to a workspace, see and delete what is indexed, search.

Uses the same functions as `assistant ingest`, `assistant documents` and `assistant search`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.errors import UserError
from assistant.retrieval.ingest import (
    SUPPORTED,
    IngestReport,
    delete_document,
    ingest_paths,
    list_documents,
)
from assistant.retrieval.search import search
from assistant.ui.access import KeyLogin
from assistant.ui.common import guarded, listen, resolve_workspace
from assistant.ui.html import search_results, table

COLUMNS = ["Source", "Title", "Kind", "Chunks", "Added (UTC)"]
NO_DOCUMENTS = "Nothing indexed in this workspace yet: add plans on the left."


@dataclass
class KnowledgeTab:
    """The components of the tab."""

    files: gr.File
    kind: gr.Radio
    add: gr.Button
    report: gr.Markdown
    table: gr.HTML
    doc: gr.Dropdown
    delete: gr.Button
    query: gr.Textbox
    k: gr.Slider
    find: gr.Button
    hits: gr.HTML
    refresh: Callable[..., Any] | None = None


def document_rows(workspace: str) -> list[list]:
    """The workspace's documents as table rows."""
    rows = []
    for doc in list_documents(workspace):
        added = (doc.get("ingested_at") or "").replace("T", " ").rstrip("Z")[:16]
        rows.append([doc["source"], doc["title"], doc["kind"], doc["chunks"], added, doc["doc_id"]])
    return rows


def table_html(rows: list[list]) -> str:
    """The documents table (the id column is left out; the delete picker carries it)."""
    return table(COLUMNS, [r[:5] for r in rows], NO_DOCUMENTS)


def document_choices(rows: list[list]) -> list[tuple[str, str]]:
    """(label, document id) pairs for the delete picker."""
    return [(f"{r[0]} ({r[3]} chunks)", r[5]) for r in rows]


def ingest_files(paths: list[str], workspace: str, kind: str, progress=None) -> IngestReport:
    """Ingest uploaded files one by one (so progress can be shown); bad files are reported."""
    total = IngestReport()
    items = list(paths or [])
    for i, path in enumerate(items):
        if progress is not None:
            progress((i, len(items)), desc=f"Indexing {Path(path).name}", unit="file")
        report = ingest_paths([Path(path)], workspace=workspace, kind=kind)
        total.added += report.added
        total.removed += report.removed
        total.unchanged += report.unchanged
        total.documents += report.documents
        total.errors += [{**e, "file": Path(e["file"]).name} for e in report.errors]
    return total


def report_markdown(report: IngestReport, workspace: str) -> str:
    """What an upload did, in a few lines."""
    lines = []
    if report.documents:
        names = ", ".join(f"`{d['source']}` ({d['chunks']} chunks)" for d in report.documents)
        lines.append(f"Indexed into `{workspace}`: {names}. "
                     f"{report.added} chunk(s) added, {report.removed} replaced.")
    lines += [f"- **{e['file']}** skipped: {e['error']}" for e in report.errors]
    return "\n".join(lines) or "Nothing was uploaded."


def build(login: KeyLogin, workspace: gr.Dropdown) -> KnowledgeTab:
    """Lay out the tab and wire its events (all private to the Gradio API)."""
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=320):
            gr.Markdown("#### Add team plans\nStrategy briefs, operating plans, OKRs, "
                        "retros (.md .txt .pdf .docx). Diagnoses in this workspace cite them.")
            files = gr.File(label="Files", file_count="multiple", file_types=list(SUPPORTED),
                            type="filepath", elem_id="oa-kb-files", height=150)
            kind = gr.Radio(["plan", "framework"], value="plan", label="Kind",
                            info="framework: your own SOPs (markdown with front matter)")
            add = gr.Button("Add to workspace", variant="primary", elem_id="oa-kb-add")
            report = gr.Markdown(elem_id="oa-kb-report")
        with gr.Column(scale=3, min_width=420):
            gr.Markdown("#### Indexed in this workspace")
            table = gr.HTML(table_html([]), elem_id="oa-kb-table")
            with gr.Row(equal_height=True):
                doc = gr.Dropdown(label="Document", choices=[], scale=4, elem_id="oa-kb-doc")
                delete = gr.Button("Delete", variant="stop", scale=1, elem_id="oa-kb-delete")
    gr.Markdown("#### Try a search\nRanked passages from this workspace's plans and the SOPs.")
    with gr.Row(equal_height=True):
        query = gr.Textbox(show_label=False, scale=5, elem_id="oa-kb-query",
                           placeholder="e.g. who owns the onboarding milestone?")
        k = gr.Slider(1, 10, value=5, step=1, label="Results", scale=1)
        find = gr.Button("Search", scale=1, elem_id="oa-kb-search")
    hits = gr.HTML(elem_id="oa-kb-hits")
    tab = KnowledgeTab(files, kind, add, report, table, doc, delete, query, k, find, hits)

    def refresh(ws, request: gr.Request):
        rows = document_rows(resolve_workspace(login, request, ws))
        return table_html(rows), gr.update(choices=document_choices(rows), value=None)

    def on_add(paths, ws, kind_, request: gr.Request, progress=gr.Progress()):  # noqa: B008
        name = resolve_workspace(login, request, ws)
        if not paths:
            raise UserError("choose one or more files first")
        report_ = ingest_files(paths, name, kind_, progress)
        rows = document_rows(name)
        return (report_markdown(report_, name), table_html(rows),
                gr.update(choices=document_choices(rows), value=None), None)

    def on_delete(doc_id, ws, request: gr.Request):
        name = resolve_workspace(login, request, ws)
        if not doc_id:
            raise UserError("pick a document to delete first")
        removed = delete_document(doc_id, name)
        rows = document_rows(name)
        return (f"Deleted the document ({removed} chunks).", table_html(rows),
                gr.update(choices=document_choices(rows), value=None))

    def on_search(text, k_, ws, request: gr.Request):
        return search_results(search(text, resolve_workspace(login, request, ws), int(k_)))

    listen(add.click, on_add, [files, workspace, kind], [report, table, doc, files],
           show_progress="full")
    listen(delete.click, on_delete, [doc, workspace], [report, table, doc])
    for trigger in (query.submit, find.click):
        listen(trigger, on_search, [query, k, workspace], hits)
    listen(workspace.change, refresh, workspace, [table, doc])
    tab.refresh = guarded(refresh, 2)
    return tab
