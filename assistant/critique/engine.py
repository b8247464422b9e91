"""The embedded critique engine: deterministic, offline, no LLM.

`critique_plan(text)` screens the text (limits, embedded instructions, not-a-plan), parses
its structure, runs the fourteen rubric checks, and assembles a `PlanCritique`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from assistant.critique.base import Verdict
from assistant.critique.checks_capacity import check_capacity
from assistant.critique.checks_dependencies import check_dependencies
from assistant.critique.checks_direction import check_choices, check_exclusions, check_priorities
from assistant.critique.checks_governance import check_cadence, check_decision_rights, check_risks
from assistant.critique.checks_measures import (
    check_baseline_target,
    check_leading_indicators,
    check_scorecard_size,
)
from assistant.critique.checks_milestones import check_milestones
from assistant.critique.checks_outcomes import check_outcome_metrics
from assistant.critique.checks_owners import check_owners
from assistant.critique.fixes import drawn_fix
from assistant.critique.guard import Screened, check_length, ensure_plan, screen
from assistant.critique.parse import Plan, parse_plan
from assistant.critique.rewrite import apply_suggestion
from assistant.critique.rubric import IMPORTANCE, RUBRIC, RUBRIC_BY_ID, RUBRIC_IDS
from assistant.critique.schema import (
    STATUS_POINTS,
    CheckResult,
    Citation,
    Comparison,
    Evidence,
    FailureMode,
    PlanCritique,
    score_of,
)

DEFAULT_MAX_CHARS = 20000

CHECKS: dict[str, Callable[[Plan], Verdict]] = {
    "choices": check_choices,
    "exclusions": check_exclusions,
    "priorities": check_priorities,
    "owners": check_owners,
    "milestones": check_milestones,
    "dependencies": check_dependencies,
    "outcome_metrics": check_outcome_metrics,
    "baseline_target": check_baseline_target,
    "leading_indicators": check_leading_indicators,
    "scorecard_size": check_scorecard_size,
    "cadence": check_cadence,
    "decision_rights": check_decision_rights,
    "capacity": check_capacity,
    "risks": check_risks,
}

_CATEGORY_WHY = {
    "strategy": "the direction is not yet a set of choices: {gaps}, so teams will fill the "
    "gaps with their own priorities and effort will spread thin",
    "execution": "the plan does not yet turn into who does what by when: {gaps}, so work will "
    "stall on unowned tasks, late dependencies and missing capacity",
    "culture": "the plan has no habits to keep it alive: {gaps}, so it will drift after launch "
    "with nobody reviewing, deciding or learning from early signals",
}


def citations_for(check_id: str) -> list[Citation]:
    """Framework citations (SOP steps) for a check; chunk ids are resolved later."""
    from assistant.knowledge import all_steps, library

    steps = all_steps()
    sources = {sop.id: sop for sop in library()}
    out = []
    for step_id in RUBRIC_BY_ID[check_id].steps:
        step = steps.get(step_id)
        if step is None:
            continue
        sop = sources.get(step.sop_id)
        out.append(
            Citation(
                chunk_id=None,
                source=f"knowledge/{step.sop_id}.md",
                title=f"{sop.title if sop else step.sop_id}: {step.title}",
                snippet=step.action,
                kind="framework",
                sop_id=step.sop_id,
                step_id=step.step_id,
            )
        )
    return out


def checked_fix(check_id: str, plan: Plan, source: list[str], status: str) -> str | None:
    """A rewrite drawn from the plan for a failing check, shown only if the check, run again
    on the plan (its screened lines, `source`) with the rewrite applied, then does better;
    None otherwise."""
    fix = drawn_fix(check_id, plan)
    if fix is None:
        return None
    kept = ["" if number in fix.drop else text for number, text in enumerate(source, 1)]
    # added lines go under a heading of their own, as an author would add them, so they are
    # not read as part of the plan's last section
    heading = f"## {RUBRIC_BY_ID[check_id].title}"
    rewritten = apply_suggestion("\n".join(kept), "\n".join([heading, *fix.lines]))
    # `source` is already screened, and the fix is made of its lines: no second screening
    after = CHECKS[check_id](parse_plan(Screened(list(rewritten), rewritten))).status
    return fix.suggestion() if STATUS_POINTS[after] > STATUS_POINTS[status] else None


def run_checks(plan: Plan, source: list[str] | None = None) -> list[CheckResult]:
    """Every rubric check on the parsed plan, in rubric order. Given the plan's text lines
    (`source`), a failing check's suggestion is drawn from the plan when a re-check shows the
    rewrite works; otherwise it is the check's own template."""
    results = []
    for check_id in RUBRIC_IDS:
        verdict = CHECKS[check_id](plan)
        suggestion = verdict.suggestion
        if source is not None and verdict.status in ("fail", "partial"):
            suggestion = checked_fix(check_id, plan, source, verdict.status) or suggestion
        results.append(
            CheckResult(
                id=check_id,  # type: ignore[arg-type]
                status=verdict.status,  # type: ignore[arg-type]
                evidence=[Evidence(line=ln.number, quote=q) for ln, q in verdict.evidence],
                finding=verdict.finding,
                suggestion=suggestion,
                citations=citations_for(check_id),
            )
        )
    return results


def failure_mode(checks: list[CheckResult]) -> FailureMode:
    """The category whose checks fail most (share of its checks), with a one-sentence why."""
    weight = {"fail": 1.0, "partial": 0.5}
    by_category: dict[str, list[CheckResult]] = {"strategy": [], "execution": [], "culture": []}
    for result in checks:
        by_category[RUBRIC_BY_ID[result.id].category].append(result)
    shares = {
        cat: sum(weight.get(r.status, 0.0) for r in rs) / max(1, len(rs))
        for cat, rs in by_category.items()
    }
    category = max(shares, key=lambda c: (shares[c], -list(shares).index(c)))
    if shares[category] == 0:
        return FailureMode(
            category="execution",
            why="Every rubric check passes; the remaining risk is execution drift, so keep the "
            "reviews, owners and tripwires running as written.",
        )
    gaps = [
        RUBRIC_BY_ID[r.id].title.lower()
        for r in by_category[category]
        if r.status in ("fail", "partial")
    ]
    listed = ", ".join(gaps[:-1]) + (" and " if len(gaps) > 1 else "") + gaps[-1]
    why = _CATEGORY_WHY[category].format(gaps=f"missing or weak {listed}")
    return FailureMode(category=category, why=why[0].upper() + why[1:] + ".")  # type: ignore[arg-type]


def strengths_of(checks: list[CheckResult]) -> list[str]:
    """One line per passing check."""
    return [f"{RUBRIC_BY_ID[c.id].title}: {c.finding}" for c in checks if c.status == "pass"]


def top_fixes_of(checks: list[CheckResult]) -> list[str]:
    """The three changes that matter most: fails before partials, then by importance."""
    by_id: dict[str, CheckResult] = {c.id: c for c in checks}
    order = [cid for cid in IMPORTANCE if by_id[cid].status == "fail"]
    order += [cid for cid in IMPORTANCE if by_id[cid].status == "partial"]
    return [f"{RUBRIC_BY_ID[cid].title}: {by_id[cid].suggestion}" for cid in order[:3]]


def _analyse(
    text: str, max_chars: int, what: str, *, fixes: bool = True
) -> tuple[list[CheckResult], list[str]]:
    check_length(text, max_chars, what)
    screened = screen(text.split("\n"))
    ensure_plan([ln for ln in screened.lines if ln is not None], what)
    plan = parse_plan(screened)
    source = ["" if line is None else line for line in screened.lines]
    return run_checks(plan, source if fixes else None), screened.warnings()


def compare(before: list[CheckResult], after: list[CheckResult]) -> Comparison:
    """Resolved (not passing before, pass now), remaining (still not passing), new (regressed)."""
    old: dict[str, str] = {c.id: c.status for c in before}
    now: dict[str, str] = {c.id: c.status for c in after}
    result = Comparison()
    for cid in RUBRIC_IDS:
        if now[cid] == "pass" and old[cid] in ("fail", "partial"):
            result.resolved.append(cid)
        elif now[cid] in ("fail", "partial") and old[cid] == "pass":
            result.new.append(cid)
        elif now[cid] in ("fail", "partial"):
            result.remaining.append(cid)
    return result


def critique_plan(
    text: str, *, against: str | None = None, max_chars: int = DEFAULT_MAX_CHARS
) -> PlanCritique:
    """Judge a plan against the fixed rubric, offline and deterministically.

    Args:
        text: the plan (strategy brief, operating plan or OKR set) as plain text or markdown.
        against: the text of an earlier version; fills `against` with what was resolved,
            what remains and what regressed.
        max_chars: the longest text accepted; longer text raises TextTooLongError.

    Returns:
        A PlanCritique with one CheckResult per rubric id, in rubric order.

    Raises:
        EmptyTextError: the text is empty or only whitespace.
        TextTooLongError: the text is longer than `max_chars`.
        NotAPlanError: the text is not a plan (a recipe, a poem, code, one sentence...).
    """
    checks, warnings = _analyse(text, max_chars, "the plan")
    comparison = None
    if against is not None:
        earlier, earlier_warnings = _analyse(against, max_chars, "the earlier version", fixes=False)
        comparison = compare(earlier, checks)
        warnings += [f"earlier version: {w}" for w in earlier_warnings]
    return PlanCritique(
        critique_id=str(uuid.uuid4()),
        checks=checks,
        score=score_of([c.status for c in checks]),
        strengths=strengths_of(checks),
        top_fixes=top_fixes_of(checks),
        likely_failure_mode=failure_mode(checks),
        engine="local",
        warnings=warnings,
        against=comparison,
    )


__all__ = ["CHECKS", "DEFAULT_MAX_CHARS", "RUBRIC", "STATUS_POINTS", "critique_plan"]
