"""The Critique tab: paste or upload a plan, see it judged against the 14-check rubric.

Calls `assistant.pipeline.critique`; the previous version's text is kept in a gr.State so a
revised plan is compared with it (`against`), showing which findings were resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from assistant.config import get_settings
from assistant.critique import render_markdown
from assistant.critique.schema import PlanCritique
from assistant.errors import UnsupportedFileError
from assistant.pipeline import critique
from assistant.retrieval.readers import SUPPORTED, read_bytes
from assistant.ui.access import KeyLogin
from assistant.ui.common import PRIVATE, engine_arg, listen, resolve_workspace, scratch_dir
from assistant.ui.critique_view import EMPTY_CRITIQUE, critique_html


@dataclass
class CritiqueTab:
    """The components of the tab."""

    plan: gr.Textbox
    upload: gr.File
    stored: gr.Dropdown
    save: gr.Checkbox
    compare: gr.Checkbox
    run: gr.Button
    fresh: gr.Button
    result: gr.HTML
    download: gr.DownloadButton
    status: gr.Markdown


def read_upload(path: str | None) -> tuple[str, str]:
    """The text and file name of an uploaded plan (size limit, then the shared readers)."""
    if not path:
        return "", ""
    file = Path(path)
    limit = get_settings().max_file_bytes
    size = file.stat().st_size
    if size > limit:
        raise UnsupportedFileError(
            f"{file.name}: {size} bytes is over the {limit}-byte limit (ASSISTANT_MAX_FILE_BYTES)")
    from assistant.critique.engine import DEFAULT_MAX_CHARS

    return read_bytes(file.read_bytes(), file.name, DEFAULT_MAX_CHARS), file.name


def stored_choices(login: KeyLogin, request: gr.Request | None, workspace: str) -> list[tuple[str, str]]:
    """(label, doc id) of the plans stored in the caller's workspace, most recent first."""
    from assistant import db

    ws = resolve_workspace(login, request, workspace)
    return [(r["title"] or r["source"], r["doc_id"]) for r in db.plan_documents(ws, with_text=False)]


def load_stored(login: KeyLogin, request: gr.Request | None, workspace: str,
                doc_id: str | None) -> tuple[str, str]:
    """The text and source of a stored plan of the caller's workspace (nothing from another)."""
    from assistant import db

    if not doc_id:
        return "", ""
    ws = resolve_workspace(login, request, workspace)
    rows = [] if "\x00" in doc_id else db.plan_documents(ws, [doc_id])  # no id holds a NUL
    if not rows:
        raise gr.Error("that plan is not in this workspace")
    return rows[0]["text"], rows[0]["source"]


def write_download(result: PlanCritique) -> str:
    """Write the critique as markdown for download; returns the file path."""
    path = scratch_dir() / f"plan-critique-{result.critique_id[:8]}.md"
    path.write_text(render_markdown(result), encoding="utf-8")
    return str(path)


def run_critique(login: KeyLogin, request: gr.Request | None, text: str, previous: str | None,
                 compare: bool, save: bool, source: str | None, workspace: str,
                 engine: str | None) -> PlanCritique:
    """Critique a plan for the caller, against the previous version when asked."""
    ws = resolve_workspace(login, request, workspace)
    against = previous if compare and previous else None
    return critique(text, against=against, workspace=ws, save=bool(save),
                    source=source or None, engine=engine_arg(engine))


def _status(result: PlanCritique, saved: bool, workspace: str, compared: bool) -> str:
    bits = [f"Critique `{result.critique_id[:8]}` stored."]
    if compared:
        bits.append("Compared with your previous version.")
    if saved:
        bits.append(f"The plan was saved into workspace `{workspace}`; "
                    "diagnoses there can cite it.")
    return " ".join(bits)


def build(login: KeyLogin, workspace: gr.Dropdown, engine: gr.Radio, page: gr.Tab | None = None) -> CritiqueTab:
    """Lay out the tab and wire its events (all private to the Gradio API)."""
    previous = gr.State(None)
    source = gr.State("")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            plan = gr.Textbox(
                label="Your plan", lines=16, max_lines=28, elem_id="oa-plan",
                placeholder="Paste a strategy brief, operating plan or OKR set in markdown or "
                            "plain text. Line numbers in the critique refer to this text.",
            )
        with gr.Column(scale=1, min_width=260):
            upload = gr.File(label="…or upload a file", file_types=list(SUPPORTED),
                             type="filepath", elem_id="oa-plan-file")
            stored = gr.Dropdown(label="Stored plans", choices=[], value=None,
                                 elem_id="oa-stored-plans", info="Plans saved in this workspace.")
            save = gr.Checkbox(label="Save this plan into the workspace", value=False,
                               info="Diagnoses in the workspace can then cite it.")
            compare = gr.Checkbox(label="Compare with my previous version", value=False,
                                  visible=False, elem_id="oa-compare")
            run = gr.Button("Critique plan", variant="primary", elem_id="oa-critique-run")
            fresh = gr.Button("Start a new plan", size="sm", variant="secondary")
            download = gr.DownloadButton("Download critique (.md)", visible=False,
                                         elem_id="oa-download", size="sm")
    status = gr.Markdown(elem_id="oa-critique-status")
    result = gr.HTML(EMPTY_CRITIQUE, elem_id="oa-critique")
    tab = CritiqueTab(plan, upload, stored, save, compare, run, fresh, result, download, status)

    listen(upload.upload, read_upload, upload, [plan, source])

    def refresh(ws, request: gr.Request):
        return gr.update(choices=stored_choices(login, request, ws), value=None)

    def pick(ws, doc_id, request: gr.Request):
        return load_stored(login, request, ws, doc_id)

    listen(workspace.change, refresh, workspace, stored)
    if page is not None:  # and when the tab is opened
        listen(page.select, refresh, workspace, stored)
    listen(stored.input, pick, [workspace, stored], [plan, source])

    def on_run(text, prev, cmp, sv, src, ws, eng, request: gr.Request):
        result_ = run_critique(login, request, text, prev, cmp, sv, src, ws, eng)
        shown_ws = resolve_workspace(login, request, ws)
        return (critique_html(result_), gr.update(value=write_download(result_), visible=True),
                text, gr.update(visible=True, value=True),
                _status(result_, sv, shown_ws, result_.against is not None))

    listen(run.click, on_run, [plan, previous, compare, save, source, workspace, engine],
           [result, download, previous, compare, status], show_progress="full")

    def on_fresh():
        return ("", None, "", gr.update(visible=False, value=False), EMPTY_CRITIQUE,
                gr.update(visible=False), "", None)

    fresh.click(on_fresh, None, [plan, previous, source, compare, result, download, status,
                                 upload], **PRIVATE)
    return tab
