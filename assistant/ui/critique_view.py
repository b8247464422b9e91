"""HTML views of a PlanCritique: score card, top fixes, comparison and the rubric table.

Pure functions (no gradio); all plan text is escaped.
"""

from __future__ import annotations

from assistant.critique.rubric import RUBRIC_BY_ID
from assistant.critique.schema import CheckResult, PlanCritique
from assistant.ui.html import category_pill, esc, warnings_box

STATUS_LABELS = {"pass": "Pass", "partial": "Partial", "fail": "Fail", "n/a": "N/A"}
EMPTY_CRITIQUE = (
    '<div class="oa-empty"><div class="oa-empty-title">No critique yet</div>'
    "<p>Paste a strategy brief, operating plan or OKR set (or upload .md, .txt, .pdf or .docx) "
    "and press <b>Critique plan</b>. Each of the 14 rubric checks is judged with the lines "
    "that decided it and a concrete fix.</p></div>"
)


def score_band(score: int) -> str:
    """good / fair / weak, for colouring a score."""
    return "good" if score >= 75 else "fair" if score >= 50 else "weak"


def status_pill(status: str) -> str:
    """A coloured pill for a check status."""
    css = status.replace("/", "")
    return f'<span class="oa-status oa-status-{css}">{STATUS_LABELS.get(status, status)}</span>'


def summary_card(c: PlanCritique) -> str:
    """Score, counts per status and the likely failure mode."""
    counts = {s: sum(1 for ch in c.checks if ch.status == s) for s in STATUS_LABELS}
    chips = " ".join(f"{status_pill(s)} {n}" for s, n in counts.items() if n)
    mode = c.likely_failure_mode
    return (
        f'<div class="oa-card oa-critique-head" data-critique-id="{esc(c.critique_id)}">'
        f'<div class="oa-score oa-score-{score_band(c.score)}"><span class="oa-score-n">'
        f'{c.score}</span><span class="oa-score-of">/100</span></div>'
        f'<div class="oa-critique-side"><div class="oa-counts">{chips}</div>'
        f'<p><b>Most likely to fail on</b> {category_pill(mode.category)} {esc(mode.why)}</p>'
        f'<div class="oa-sub">engine <code>{esc(c.engine)}</code> · critique id '
        f"<code>{esc(c.critique_id[:8])}</code></div></div></div>"
        f"{warnings_box(c.warnings)}"
    )


def top_fixes(c: PlanCritique) -> str:
    """The three fixes that would raise the score most."""
    if not c.top_fixes:
        strengths = "".join(f"<li>{esc(s)}</li>" for s in c.strengths[:3])
        more = f"<ul>{strengths}</ul>" if strengths else ""
        return ('<div class="oa-fixes oa-fixes-none"><h4>Top fixes</h4>'
                f"<p>Nothing to fix: every applicable check passes.</p>{more}</div>")
    items = "".join(f"<li>{esc(f)}</li>" for f in c.top_fixes[:3])
    return f'<div class="oa-fixes"><h4>Top three fixes</h4><ol>{items}</ol></div>'


def comparison(c: PlanCritique) -> str:
    """Resolved, remaining and new findings against the earlier version."""
    if c.against is None:
        return ""

    def names(ids: list[str]) -> str:
        if not ids:
            return '<span class="oa-muted">none</span>'
        return " ".join(f'<span class="oa-tag">{esc(RUBRIC_BY_ID[i].title)}</span>' for i in ids)

    cmp = c.against
    return (
        '<div class="oa-card oa-versus"><h4>Against your previous version</h4>'
        f'<div class="oa-versus-row"><span class="oa-status oa-status-pass">Resolved '
        f"{len(cmp.resolved)}</span> {names(cmp.resolved)}</div>"
        f'<div class="oa-versus-row"><span class="oa-status oa-status-partial">Remaining '
        f"{len(cmp.remaining)}</span> {names(cmp.remaining)}</div>"
        f'<div class="oa-versus-row"><span class="oa-status oa-status-fail">New gaps '
        f"{len(cmp.new)}</span> {names(cmp.new)}</div></div>"
    )


def _evidence(check: CheckResult) -> str:
    if not check.evidence:
        return '<span class="oa-muted">no line states it</span>'
    quotes = "".join(
        f'<div class="oa-quote"><span class="oa-line">L{e.line}</span> {esc(_clip(e.quote))}</div>'
        for e in check.evidence[:3]
    )
    more = len(check.evidence) - 3
    return quotes + (f'<div class="oa-muted">+{more} more line(s)</div>' if more > 0 else "")


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def rubric_table(c: PlanCritique) -> str:
    """The 14 checks as a colour-coded table: status, finding, quoted evidence, fix."""
    rows = []
    for check in c.checks:
        rubric = RUBRIC_BY_ID[check.id]
        fix = esc(check.suggestion) if check.status != "pass" else (
            f'<span class="oa-muted">{esc(check.suggestion)}</span>')
        rows.append(
            f'<tr class="oa-row-{check.status.replace("/", "")}" data-check="{check.id}">'
            f"<td>{status_pill(check.status)}</td>"
            f'<td><b>{esc(rubric.title)}</b><div class="oa-finding">{esc(check.finding)}</div></td>'
            f"<td>{_evidence(check)}</td><td>{fix}</td></tr>"
        )
    return (
        '<table class="oa-rubric"><thead><tr><th>Status</th><th>Check</th>'
        '<th>Evidence (plan lines)</th><th>Suggested fix</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>'
    )


def critique_html(c: PlanCritique) -> str:
    """Everything the Critique tab shows for one result, in reading order."""
    return (f'<div class="oa-critique">{summary_card(c)}'
            f'<div class="oa-critique-grid">{top_fixes(c)}{comparison(c)}</div>'
            f"{rubric_table(c)}</div>")
