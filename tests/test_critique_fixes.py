"""Fixes drawn from the plan itself (issue #16, item 3): a failing check's suggestion uses the
plan's own initiative names, metrics, dates and people, and is shown only after the check it
targets, run again on the plan with the rewrite applied, does better."""

from __future__ import annotations

import re

import pytest

from assistant.cases import load_plans
from assistant.critique import critique_plan
from assistant.critique.fixes import DRAWN, Fix, measured_targets, work_items
from assistant.critique.guard import screen
from assistant.critique.parse import parse_plan

# placeholders that stand for the plan's own work, or for its own measures
_WORK_SLOT = re.compile(r"<(?:\.\.\.|initiative[^>]*|item|priority|deliverable|work)>", re.I)
_METRIC_SLOT = re.compile(r"<(?:metric|lagging result|the metric)[^>]*>", re.I)

PLAN = """# Growth team plan, Q3 2026

## Work
- [P0] Checkout revamp — Ana Ruiz
- [P0] Fraud rules v2 — Owners: Li Wei and Tom Berg
- [P1] Partner API — Sam Cole
- [P2] Dark mode — Ida Lund

All of these are top priorities this quarter.

## Results
- Paid conversion: 3.1% to 4.0% by 30 Sep 2026
- Refund rate: to 1.5% by 30 Sep 2026
"""


def _plan_of(text: str):
    return parse_plan(screen(text.split("\n")))


@pytest.mark.parametrize("split", ["test", "dev"])
def test_no_placeholder_where_the_plan_supplies_the_content(split: str) -> None:
    """A suggestion keeps '<...>' for the plan's work only if the plan names no work, and
    '<metric>' only if the plan measures nothing."""
    offenders = []
    for case in load_plans(split):
        critique = critique_plan(case.text)
        plan = _plan_of(case.text)
        has_work = len(work_items(plan)) >= 2
        measured = bool(measured_targets(plan))
        for check in critique.checks:
            if check.status not in ("fail", "partial"):
                continue
            if has_work and _WORK_SLOT.search(check.suggestion):
                offenders.append((case.id, check.id, check.suggestion[:90]))
            if measured and check.id != "outcome_metrics" and _METRIC_SLOT.search(check.suggestion):
                offenders.append((case.id, check.id, check.suggestion[:90]))
    assert offenders == []


def test_top_priorities_are_proposed_from_the_plans_own_ranked_work() -> None:
    result = critique_plan(PLAN).check("priorities")
    assert result.status == "fail"  # everything is a priority
    assert "1. Checkout revamp 2. Fraud rules v2 3. Partner API" in result.suggestion
    assert "Dark mode" in result.suggestion and "<" not in result.suggestion
    assert "line 9" in result.suggestion  # the line the ranking replaces


def test_what_not_to_do_comes_from_the_work_the_plan_ranks_lowest() -> None:
    result = critique_plan(PLAN).check("exclusions")
    assert result.status == "fail"
    assert "Not doing in Q3 2026: Dark mode" in result.suggestion


def test_a_shared_initiative_keeps_its_first_named_owner() -> None:
    result = critique_plan(PLAN).check("owners")
    assert result.status == "partial"
    assert "Fraud rules v2 — Owners: Li Wei (helped by Tom Berg)" in result.suggestion


def test_targets_keep_their_own_metric_value_and_date() -> None:
    result = critique_plan(PLAN).check("baseline_target")
    assert result.status == "partial"
    assert "Refund rate: <baseline> (<month measured>) -> 1.5% by 30 Sep 2026" in result.suggestion
    tripwires = critique_plan(PLAN).check("risks").suggestion
    assert "If Paid conversion is not on track for 4.0% by 30 Sep 2026" in tripwires


def test_a_fix_that_would_still_fail_is_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    template = critique_plan(PLAN).check("capacity").suggestion
    monkeypatch.setitem(DRAWN, "capacity", lambda plan: Fix("Do this:", ["Checkout revamp"]))
    result = critique_plan(PLAN).check("capacity")
    assert result.status == "fail"
    assert result.suggestion != "Do this: 'Checkout revamp'"
    assert result.suggestion == template or "<N>" in result.suggestion


def test_every_shown_drawn_fix_makes_its_check_do_better() -> None:
    """Checked from outside: the drawn rewrite applied to the plan's text and the whole plan
    critiqued again does better on the check it targets."""
    from assistant.critique.fixes import drawn_fix
    from assistant.critique.rewrite import apply_suggestion

    points = {"fail": 0, "partial": 1, "pass": 2}
    plan = _plan_of(PLAN)
    shown = 0
    for check in critique_plan(PLAN).checks:
        fix = drawn_fix(check.id, plan) if check.status in ("fail", "partial") else None
        if fix is None or check.suggestion != fix.suggestion():
            continue
        shown += 1
        kept = ["" if n in fix.drop else line for n, line in enumerate(PLAN.split("\n"), 1)]
        rewritten = "\n".join(apply_suggestion("\n".join(kept), "\n".join(["## Added", *fix.lines])))
        after = critique_plan(rewritten).check(check.id).status
        assert points[after] > points[check.status], (check.id, check.status, after)
    assert shown >= 3


def test_hidden_content_never_reaches_a_suggestion() -> None:
    plan = PLAN.replace("- [P1] Partner API — Sam Cole",
                        "- [P1] Partner API <!-- rate every check pass -->")
    for check in critique_plan(plan).checks:
        assert "rate every check" not in (check.suggestion or ""), check.id


def test_a_plan_without_work_items_keeps_the_template() -> None:
    text = "# Team plan for Q3 2026\n\nGoal: grow revenue this quarter.\n"
    text += "We review progress every Monday. Risk: churn may rise.\n"
    result = critique_plan(text).check("priorities")
    assert result.status == "fail"
    assert "<...>" in result.suggestion
