"""Readable markdown of a Diagnosis (chat completions, the UI, MCP text content)."""

from __future__ import annotations

from assistant.schema import Diagnosis, PlanEvidence


def headline(d: Diagnosis) -> str:
    """What every face says first: the safety matter, that the text is not about an
    organisation, or the root cause with its confidence."""
    if d.escalation is not None:
        return f"Safety matter ({d.escalation.kind.replace('_', ' ')}): escalate, do not coach"
    if d.language and not d.in_scope:
        return f"Not read: written in {d.language}; this assistant reads English only"
    if not d.in_scope:
        return "Not an organisational problem: no root cause is named"
    return f"Root cause: {d.category} ({d.confidence:.0%} confidence)"


def unsettled(d: Diagnosis) -> str | None:
    """The line every face shows when the calibrated set holds several causes."""
    if len(d.prediction_set) < 2 or d.escalation is not None or not d.in_scope:
        return None
    return (f"Not settled yet: one of {', '.join(d.prediction_set)} (a set that holds the right cause "
            "nine times in ten on real descriptions).")


def plan_where(e: PlanEvidence) -> str:
    """"q3-plan.md, lines 4-8" (or "line 3")."""
    a, b = e.lines
    return f"{e.document}, line {a}" if a == b else f"{e.document}, lines {a}-{b}"


def plan_verdict(e: PlanEvidence) -> str:
    """"supports" or "argues against" (the finding's root cause)."""
    return "supports" if e.direction == "for" else "argues against"


def plan_evidence_lines(d: Diagnosis) -> list[str]:
    """One readable line per plan finding: where, which way it points, the quote, the finding."""
    return [f"{plan_where(e)} ({e.direction} {e.category}, {e.check_id}): \"{e.quote}\": {e.finding}"
            for e in d.plan_evidence]


def diagnosis_markdown(d: Diagnosis) -> str:
    """A short markdown answer: category and scores, root cause, steps, band-aids, questions."""
    lines = [f"**{headline(d)}**", ""]
    if d.escalation:
        lines += [f"> {d.escalation.message}", ""]
    elif d.safety_check:
        lines += [f"> **Check first:** {d.safety_check.message}", ""]
    if d.in_scope and d.escalation is None:
        lines.append(" · ".join(f"{c} {p:.0%}" for c, p in d.scores.ranked()))
        if note := unsettled(d):
            lines += ["", f"_{note}_"]
        lines += ["", f"- **Surface symptom:** {d.surface_symptom}"]
    lines += [f"- **Root cause:** {d.root_cause}", f"- **Why:** {d.rationale}"]
    if d.steps:
        lines += ["", "**Recommended steps**", ""]
        for i, s in enumerate(d.steps, 1):
            lines.append(f"{i}. **{s.title}** (`{s.step_id}`): {s.action} _Why:_ {s.why}")
            lines += [f"   - _In your plan:_ {plan_where(e)}: \"{e.quote}\"" for e in s.plan_evidence]
    if d.plan_evidence:
        lines += ["", "**From your plans**", ""] + [f"- {line}" for line in plan_evidence_lines(d)]
    if d.anti_patterns:
        lines += ["", "**Band-aids to avoid:** " + "; ".join(d.anti_patterns)]
    if d.follow_up_questions:
        lines += ["", "**To tell the likeliest causes apart:**"] + [f"- {q}" for q in d.follow_up_questions]
    if d.would_change_if:
        lines += ["", f"_{d.would_change_if}_"]
    if d.warnings:
        lines += [""] + [f"_Note: {w}_" for w in d.warnings]
    return "\n".join(lines)
