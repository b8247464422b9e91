"""Render a PlanCritique as markdown, for download and CLI output."""

from __future__ import annotations

from assistant.critique.rubric import RUBRIC_BY_ID
from assistant.critique.schema import PlanCritique

_ICON = {"pass": "PASS", "partial": "PARTIAL", "fail": "FAIL", "n/a": "N/A"}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_markdown(critique: PlanCritique) -> str:
    """The critique as a markdown document: score, fixes, a table of checks, then details."""
    out = [
        "# Plan critique",
        "",
        f"**Score: {critique.score}/100** · engine: {critique.engine} · "
        f"critique id: `{critique.critique_id}`",
        "",
        f"**Likely failure mode: {critique.likely_failure_mode.category}.** "
        f"{critique.likely_failure_mode.why}",
        "",
    ]
    if critique.warnings:
        out += ["## Warnings", "", *[f"- {w}" for w in critique.warnings], ""]
    if critique.top_fixes:
        out += ["## Top fixes", "", *[f"{i}. {f}" for i, f in enumerate(critique.top_fixes, 1)], ""]
    if critique.against is not None:
        cmp = critique.against
        out += ["## Against the earlier version", ""]
        for name, ids in (
            ("Resolved", cmp.resolved),
            ("Remaining", cmp.remaining),
            ("New gaps", cmp.new),
        ):
            shown = ", ".join(RUBRIC_BY_ID[i].title for i in ids) or "none"
            out.append(f"- **{name}:** {shown}")
        out.append("")
    out += ["## Checks", "", "| Check | Status | Finding |", "| --- | --- | --- |"]
    for check in critique.checks:
        title = RUBRIC_BY_ID[check.id].title
        out.append(f"| {title} (`{check.id}`) | {_ICON[check.status]} | {_cell(check.finding)} |")
    out.append("")
    for check in critique.checks:
        out += [f"### {RUBRIC_BY_ID[check.id].title}: {_ICON[check.status]}", "", check.finding, ""]
        if check.evidence:
            out += [f'> line {e.line}: "{_cell(e.quote)}"' for e in check.evidence] + [""]
        out += [f"**Suggestion:** {check.suggestion}", ""]
        if check.citations:
            refs = "; ".join(f"{c.title} ({c.step_id})" for c in check.citations)
            out += [f"*Framework:* {refs}", ""]
    if critique.strengths:
        out += ["## Strengths", "", *[f"- {s}" for s in critique.strengths], ""]
    return "\n".join(out).rstrip() + "\n"
