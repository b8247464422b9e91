"""The MCP tools' bodies: access checks, pipeline calls and readable summaries.

`assistant.mcp_server` registers these with the MCP SDK; everything here is plain Python
(no MCP imports), so each tool is the same pipeline call the CLI and the API make. Each
`run_*` function is synchronous and CPU-bound: the server runs it on a worker thread.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

from pydantic import BaseModel, Field

from assistant.auth import Principal
from assistant.critique.schema import PlanCritique
from assistant.errors import UserError
from assistant.retrieval.search import SearchHit
from assistant.schema import Diagnosis, HistoryMessage

# One pipeline call at a time: the embedded store and the model caches are shared state.
_PIPELINE_LOCK = threading.Lock()


class SearchResults(BaseModel):
    """Ranked chunks for a query, best first."""

    query: str
    workspace: str
    hits: list[SearchHit] = Field(description="Chunks from the SOPs and the workspace's plans.")


class AddPlanResult(BaseModel):
    """What adding a plan did."""

    doc_id: str = Field(description="Document id (same title in the same workspace = same id).")
    chunks: int = Field(ge=0, description="Number of chunks the plan was indexed as.")
    workspace: str
    title: str
    source: str


def resolve_workspace(principal: Principal, requested: str | None, *, required: bool) -> str:
    """The workspace a tool call may use.

    Args:
        principal: Who is calling (every workspace over stdio or without keys).
        requested: The workspace the caller asked for, or None.
        required: True for tools that read or write a workspace's plans: with keys
            configured the caller must name the workspace rather than get a default.

    Returns:
        A valid workspace name the principal may use.

    Raises:
        UserError: The name is invalid, or missing where it is required.
        ForbiddenError: The key may not use that workspace.
    """
    if requested is not None and not requested.strip():
        requested = None
    if required and requested is None and principal.workspaces is not None:
        allowed = ", ".join(sorted(principal.workspaces))
        raise UserError(f"workspace is required with API keys; this key may use: {allowed}")
    return principal.workspace(requested)


def plan_source(title: str) -> str:
    """The source name a plan added by title is stored under (re-adding replaces it)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80].strip("-")
    return f"{slug or 'plan'}.md"


def run_diagnose(text: str, history: Sequence[HistoryMessage] | None, workspace: str) -> Diagnosis:
    """Diagnose through the pipeline (the result is stored, fetchable by id)."""
    from assistant.pipeline import diagnose

    with _PIPELINE_LOCK:
        return diagnose(text, history=list(history or []), workspace=workspace)


def run_critique(text: str, against: str | None, workspace: str) -> PlanCritique:
    """Critique a plan through the pipeline; `against` is the earlier version's text."""
    from assistant.pipeline import critique

    against = against if against and against.strip() else None
    with _PIPELINE_LOCK:
        return critique(text, against=against, workspace=workspace)


def run_search(query: str, workspace: str, k: int) -> SearchResults:
    """Search the workspace's plans and the global SOPs."""
    from assistant.retrieval.ingest import ensure_framework_indexed
    from assistant.retrieval.search import search

    with _PIPELINE_LOCK:
        ensure_framework_indexed()
        hits = search(query, workspace, k)
    return SearchResults(query=query, workspace=workspace, hits=hits)


def run_add_plan(text: str, title: str, workspace: str) -> AddPlanResult:
    """Index a plan's text into a workspace under its title."""
    from assistant.retrieval.ingest import ingest_text

    title = " ".join((title or "").split())
    if not title:
        raise UserError("the plan needs a title")
    if not text or not text.strip():
        raise UserError("the plan text is empty")
    source = plan_source(title)
    with _PIPELINE_LOCK:
        report = ingest_text(text, source=source, title=title, workspace=workspace, kind="plan")
    doc = report.documents[0]
    return AddPlanResult(
        doc_id=doc["doc_id"], chunks=doc["chunks"], workspace=workspace, title=title, source=source
    )


def summarize_diagnosis(d: Diagnosis) -> str:
    """A short readable summary of a Diagnosis (the structured result has everything)."""
    from assistant.render import headline, plan_where, unsettled

    lines = []
    if d.escalation is not None:
        lines.append(f"ESCALATE ({d.escalation.kind}): {d.escalation.message}")
    elif d.safety_check is not None:
        lines.append(f"CHECK FIRST ({d.safety_check.kind}): {d.safety_check.message}")
    second = f"; secondary: {d.secondary}" if d.secondary and d.in_scope and not d.escalation else ""
    lines.append(f"{headline(d)}{second}.")
    lines.append(unsettled(d) or "")
    lines.append(d.root_cause)
    for i, step in enumerate(d.steps[:3], 1):
        lines.append(f"{i}. {step.title}: {step.action} [sop://{step.step_id}]")
    lines += [f"From your plan, {plan_where(e)} ({e.direction} {e.category}): \"{e.quote}\""
              for e in d.plan_evidence[:3]]
    if d.follow_up_questions:
        lines.append("Ask next: " + " ".join(d.follow_up_questions[:2]))
    lines += [f"Warning: {w}" for w in d.warnings]
    lines.append(f"diagnosis_id: {d.diagnosis_id}")
    return "\n".join(line for line in lines if line)


def summarize_critique(c: PlanCritique) -> str:
    """A short readable summary of a PlanCritique."""
    counts = {s: sum(1 for ch in c.checks if ch.status == s) for s in ("pass", "partial", "fail")}
    lines = [
        f"Plan score {c.score}/100: {counts['pass']} pass, {counts['partial']} partial, "
        f"{counts['fail']} fail.",
        f"Likely failure mode: {c.likely_failure_mode.category}. {c.likely_failure_mode.why}",
    ]
    lines += [f"Fix {i}: {fix}" for i, fix in enumerate(c.top_fixes[:3], 1)]
    if c.against is not None:
        lines.append(
            f"Against the earlier version: {len(c.against.resolved)} resolved, "
            f"{len(c.against.remaining)} remaining, {len(c.against.new)} new."
        )
    lines += [f"Warning: {w}" for w in c.warnings]
    lines.append(f"critique_id: {c.critique_id}")
    return "\n".join(lines)


def summarize_search(r: SearchResults) -> str:
    """One line per hit: score, title and section, where it came from."""
    if not r.hits:
        return f"No chunks found for {r.query!r} in workspace '{r.workspace}'."
    lines = [f"{len(r.hits)} chunks for {r.query!r} in workspace '{r.workspace}':"]
    for i, hit in enumerate(r.hits, 1):
        parts = [hit.title] + [p for p in (hit.section or "").split(" > ") if p != hit.title]
        where = " > ".join(p for p in parts if p) or hit.source or hit.chunk_id
        ref = f" [sop://{hit.step_id}]" if hit.step_id else f" ({hit.kind}: {hit.source})"
        lines.append(f"{i}. [{hit.score:.2f}] {where}{ref}")
    return "\n".join(lines)


def summarize_add_plan(r: AddPlanResult) -> str:
    """One line saying what was indexed where."""
    return f"Added '{r.title}' to workspace '{r.workspace}' as {r.doc_id} ({r.chunks} chunks)."
