"""HTML and markdown views of a Diagnosis and of search hits (pure functions, no gradio).

Every piece of text that came from a person, a document or an LLM is escaped here: the views
are trusted HTML, their contents are not.
"""

from __future__ import annotations

from html import escape

from assistant.render import plan_verdict, plan_where, unsettled
from assistant.schema import CATEGORIES, Citation, Diagnosis, Step

CATEGORY_COLOURS = {
    "strategy": "#4f46e5",
    "execution": "#d97706",
    "culture": "#059669",
    "interpersonal": "#db2777",
}
CATEGORY_HINTS = {
    "strategy": "direction, choices and priorities",
    "execution": "getting agreed work through",
    "culture": "norms, incentives and habits",
    "interpersonal": "friction between specific people",
}
EMPTY_PANEL = (
    '<div class="oa-empty"><div class="oa-empty-title">No diagnosis yet</div>'
    "<p>Describe a problem in your organisation on the left: what happens, who is involved, "
    "since when, and what you have tried. The root cause, the steps to take and the sources "
    "behind them appear here.</p></div>"
)


def esc(text: object) -> str:
    """Escape any value for HTML text or attribute use."""
    return escape("" if text is None else str(text), quote=True)


def pct(value: float) -> str:
    """A probability as a whole percentage."""
    return f"{round(100 * float(value))}%"


def category_pill(category: str, label: str | None = None) -> str:
    """A coloured pill naming a category."""
    colour = CATEGORY_COLOURS.get(category, "#475569")
    return (f'<span class="oa-pill" style="background:{colour}">'
            f"{esc(label or category.capitalize())}</span>")


def score_bars(scores: dict[str, float], top: str | None = None) -> str:
    """A horizontal bar chart of the four category scores."""
    rows = []
    for cat in CATEGORIES:
        value = float(scores.get(cat, 0.0))
        colour = CATEGORY_COLOURS[cat]
        strong = " oa-bar-top" if cat == top else ""
        rows.append(
            f'<div class="oa-bar-row{strong}" data-category="{cat}">'
            f'<span class="oa-bar-label">{cat.capitalize()}</span>'
            f'<span class="oa-bar-track"><span class="oa-bar-fill" '
            f'style="width:{max(1.0, 100 * value):.1f}%;background:{colour}"></span></span>'
            f'<span class="oa-bar-value">{pct(value)}</span></div>'
        )
    return f'<div class="oa-bars" role="img" aria-label="scores per category">{"".join(rows)}</div>'


def citation_details(citation: Citation) -> str:
    """An expandable source: title and file in the summary, the retrieved passage inside."""
    source = esc(citation.source or "unknown source")
    title = esc(citation.title or citation.sop_id or "passage")
    snippet = esc(citation.snippet or "(no passage text)")
    kind = "team plan" if citation.kind == "plan" else "SOP"
    return (
        f'<details class="oa-cite"><summary>{kind}: {title} <code>{source}</code></summary>'
        f"<blockquote>{snippet}</blockquote></details>"
    )


def step_item(number: int, step: Step) -> str:
    """One recommended step as a checklist item with its SOP and citations."""
    cites = "".join(citation_details(c) for c in step.citations)
    plan_refs = "".join(f'<p class="oa-plan-ref"><b>In your plan:</b> <code>{esc(plan_where(e))}</code> '
                        f"&ldquo;{esc(e.quote)}&rdquo;</p>" for e in step.plan_evidence)
    return (
        f'<li class="oa-step"><label class="oa-step-head"><input type="checkbox"> '
        f'<span class="oa-step-n">{number}</span> <b>{esc(step.title)}</b></label>'
        f'<div class="oa-step-body"><p>{esc(step.action)}</p>'
        f'<p class="oa-why"><b>Why:</b> {esc(step.why)}</p>'
        f'<div class="oa-meta">{category_pill(step.category)} '
        f"<code>{esc(step.step_id)}</code></div>"
        f"{plan_refs}{cites}</div></li>"
    )


def plan_panel(d: Diagnosis) -> str:
    """"From your plans": the plan lines that bear on the root cause, quoted, each with what the
    rubric check found and which way it points; how to critique the whole plan."""
    if not d.plan_evidence:
        return ""
    items = "".join(
        f'<li class="oa-plan-item" data-direction="{e.direction}"><div class="oa-plan-where">'
        f"<code>{esc(plan_where(e))}</code> {category_pill(e.category)} "
        f'<span class="oa-plan-dir">{plan_verdict(e)}</span></div>'
        f'<blockquote class="oa-plan-quote">{esc(e.quote)}</blockquote>'
        f'<p class="oa-plan-finding">{esc(e.finding)}</p></li>'
        for e in d.plan_evidence)
    docs = sorted({e.document for e in d.plan_evidence})
    names = ", ".join(f"<code>{esc(n)}</code>" for n in docs)
    return (f'<div class="oa-plans" id="oa-plans"><h4>From your plans</h4><ul class="oa-plan-list">{items}</ul>'
            f'<p class="oa-muted">To see every check on {names}, open the <b>Critique a plan</b> tab, '
            f"pick it under <i>Stored plans</i> and run the critique.</p></div>")


def escalation_banner(diagnosis: Diagnosis) -> str:
    """The red banner shown when a safety matter must go to HR, legal or support."""
    if diagnosis.escalation is None:
        return ""
    kind = esc(diagnosis.escalation.kind.replace("_", " "))
    return (
        f'<div class="oa-escalation" role="alert"><div class="oa-escalation-title">'
        f"Safety matter ({kind}): do not coach this, escalate it</div>"
        f"<p>{esc(diagnosis.escalation.message)}</p></div>"
    )


def safety_check_note(diagnosis: Diagnosis) -> str:
    """The amber note shown when the text may hold a safety matter (the diagnosis stays)."""
    if diagnosis.safety_check is None:
        return ""
    return (f'<div class="oa-safety-check" role="status"><b>Check first:</b> '
            f"{esc(diagnosis.safety_check.message)}</div>")


def warnings_box(warnings: list[str]) -> str:
    """A yellow box listing warnings (e.g. the LLM failed and the embedded engine answered)."""
    if not warnings:
        return ""
    items = "".join(f"<li>{esc(w)}</li>" for w in warnings)
    return f'<div class="oa-warning" role="status"><b>Note</b><ul>{items}</ul></div>'


def _header(d: Diagnosis) -> str:
    if d.escalation is not None or not d.in_scope:
        what = ("Safety matter" if d.escalation is not None else "English only" if d.language
                else "Not an organisational problem")  # (only when out of scope, see above)
        return (f'<div class="oa-head"><div><div class="oa-kicker">Root cause</div>'
                f'<div class="oa-category" data-category="none"><b>{what}</b></div></div></div>'
                f'<div class="oa-sub">engine <code>{esc(d.engine)}</code> · workspace '
                f"<code>{esc(d.workspace)}</code></div>")
    second = (f' <span class="oa-muted">runner-up {category_pill(d.secondary)}</span>'
              if d.secondary else "")
    hint = esc(CATEGORY_HINTS.get(d.category, ""))
    return (
        f'<div class="oa-head"><div><div class="oa-kicker">Root cause</div>'
        f'<div class="oa-category" data-category="{d.category}">'
        f"{category_pill(d.category)} <span class=\"oa-hint\">{hint}</span></div></div>"
        f'<div class="oa-confidence"><div class="oa-kicker">Confidence</div>'
        f'<div class="oa-big">{pct(d.confidence)}</div></div></div>'
        f'<div class="oa-sub">engine <code>{esc(d.engine)}</code> · workspace '
        f"<code>{esc(d.workspace)}</code>{second}</div>"
    )


def diagnosis_card(d: Diagnosis) -> str:
    """The full view of one answer: banner, scores, symptom vs cause, steps, band-aids, notes."""
    parts = [f'<div class="oa-card" data-diagnosis-id="{esc(d.diagnosis_id)}">',
             escalation_banner(d), safety_check_note(d)]
    if d.language and not d.in_scope and d.escalation is None:
        parts.append(f'<div class="oa-warning"><b>English only.</b> This seems to be written in '
                     f"{esc(d.language)}; the assistant reads English only, so no root cause is named."
                     "</div>")
    elif not d.in_scope and d.escalation is None:
        parts.append('<div class="oa-warning"><b>Out of scope.</b> This does not read like a '
                     "problem in an organisation, so no root cause is named.</div>")
    parts.append(_header(d))
    if d.in_scope and d.escalation is None:
        parts.append(score_bars(d.scores.model_dump(), d.category))
        if note := unsettled(d):
            parts.append(f'<p class="oa-unsettled"><i>{esc(note)}</i></p>')
        parts.append(
            '<div class="oa-compare">'
            f'<div class="oa-symptom"><div class="oa-kicker">Surface symptom</div>'
            f"<p>{esc(d.surface_symptom)}</p></div>"
            f'<div class="oa-root"><div class="oa-kicker">Root cause</div>'
            f"<p>{esc(d.root_cause)}</p></div></div>")
    else:
        parts.append(f'<div class="oa-root"><p>{esc(d.root_cause)}</p></div>')
    parts.append(f'<p class="oa-rationale">{esc(d.rationale)}</p>')
    parts.append(plan_panel(d))
    if d.steps:
        items = "".join(step_item(i, s) for i, s in enumerate(d.steps, 1))
        parts.append(f'<h4>Recommended steps</h4><ol class="oa-steps">{items}</ol>')
    if d.anti_patterns:
        items = "".join(f"<li>{esc(a)}</li>" for a in d.anti_patterns)
        parts.append(f'<h4>Band-aids to avoid</h4><ul class="oa-bandaids">{items}</ul>')
    if d.would_change_if:
        parts.append(f'<p class="oa-change"><b>What would change this:</b> '
                     f"{esc(d.would_change_if)}</p>")
    shown = {c.chunk_id for s in d.steps for c in s.citations}
    extra = [c for c in d.citations if c.chunk_id not in shown]
    if extra:
        parts.append("<h4>Also drawn on</h4>" + "".join(citation_details(c) for c in extra))
    parts.append(warnings_box(d.warnings))
    parts.append("</div>")
    return "".join(parts)


def chat_summary(d: Diagnosis) -> str:
    """The short markdown answer shown in the conversation (also sent back as history)."""
    lines = []
    if d.escalation is not None:
        lines += [f"**Safety matter: escalate, do not coach.** {d.escalation.message}", ""]
    elif d.safety_check is not None:
        lines += [f"**Check first:** {d.safety_check.message}", ""]
    if d.escalation is None and d.in_scope:
        runner = f"; runner-up {d.secondary}" if d.secondary else ""
        lines.append(f"**Root cause: {d.category}** ({pct(d.confidence)} confident{runner}).")
        lines += [f"*{note}*"] if (note := unsettled(d)) else []
    elif d.escalation is None and d.language and not d.in_scope:
        lines.append(f"**Not read:** this seems to be in {d.language}; the assistant reads English only.")
    elif d.escalation is None:
        lines.append("**Not an organisational problem:** no root cause is named.")
    lines += ["", d.root_cause]
    if d.plan_evidence:
        e = d.plan_evidence[0]
        lines += ["", f"**From your plans:** {plan_where(e)}: \"{e.quote}\" ({e.finding})"]
    if d.steps:
        first = d.steps[0]
        lines += ["", f"**First step:** {first.title}. {first.action}"]
        if len(d.steps) > 1:
            lines.append(f"*{len(d.steps) - 1} more step(s) with sources in the panel.*")
    if d.follow_up_questions:
        lines += ["", "**To sharpen this, tell me:**"]
        lines += [f"- {q}" for q in d.follow_up_questions]
    if d.warnings:
        lines += ["", *[f"> Note: {w}" for w in d.warnings]]
    return "\n".join(lines)


def search_results(hits: list) -> str:
    """Search hits as cards: score bar, source, section and snippet."""
    if not hits:
        return '<div class="oa-empty">Nothing found in this workspace or the SOPs.</div>'
    cards = []
    for rank, hit in enumerate(hits, 1):
        kind = "team plan" if hit.kind == "plan" else "SOP"
        section = f' · {esc(hit.section)}' if hit.section else ""
        cards.append(
            f'<div class="oa-hit"><div class="oa-hit-head"><span class="oa-step-n">{rank}</span> '
            f"<b>{esc(hit.title or hit.source)}</b> <span class=\"oa-tag\">{kind}</span>"
            f'<span class="oa-hit-score">{hit.score:.2f}</span></div>'
            f'<div class="oa-sub"><code>{esc(hit.source)}</code>{section}</div>'
            f"<p>{esc(hit.snippet)}</p></div>"
        )
    return f'<div class="oa-hits">{"".join(cards)}</div>'


def table(headers: list[str], rows: list[list], empty: str, css: str = "") -> str:
    """A simple styled table (every cell escaped)."""
    if not rows:
        return f'<div class="oa-empty oa-empty-small">{esc(empty)}</div>'
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (f'<div class="oa-table-wrap"><table class="oa-table {css}"><thead><tr>{head}</tr>'
            f"</thead><tbody>{body}</tbody></table></div>")
