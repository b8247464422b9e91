"""Wordings of real published plans that the cadence, decision-rights, risks, capacity and
milestones checks learned to read: one short hand-written plan per kind, with the verdict and
the lines that decide it."""

from __future__ import annotations

import pytest

from assistant.critique import critique_plan

TITLE = "# Harbour tools team — team operating plan 2026\n\n"

# (check, expected status, plan body, a phrase of every evidence line; () for no evidence)
CASES: list[tuple[str, str, str, tuple[str, ...]]] = [
    # --- cadence ----------------------------------------------------------------------------
    # the plan's own goals brought up to date on a schedule
    (
        "cadence",
        "pass",
        "## How we plan\nThe team sets its goals as OKRs; they are updated each quarter in the "
        "shared sheet.\n\n## Goals\n- Faster builds\n- Fewer flaky tests\n",
        ("updated each quarter",),
    ),
    # a review of the plan that happens only once a year: rare, so half a rhythm
    (
        "cadence",
        "partial",
        "## Goals\n- Faster builds\n- Fewer flaky tests\n\n## Upkeep\nThe goals are revisited "
        "and updated yearly by the maintainers.\n",
        ("revisited and updated yearly",),
    ),
    # a frequency that belongs to a target ('KPIs: monthly newsletter') tracks nothing
    (
        "cadence",
        "fail",
        "## Community\n- Work: write the docs and answer questions\n- KPIs: monthly newsletter; "
        "two workshops\n",
        (),
    ),
    # meetings said to recur, with no frequency
    (
        "cadence",
        "partial",
        "## Coordination\n- Issues are triaged in regular video meetings.\n",
        ("regular video meetings",),
    ),
    # --- decision_rights ----------------------------------------------------------------------
    # a vote whose majority is given in brackets
    (
        "decision_rights",
        "pass",
        "## Membership\nAnyone may apply; the group votes (two thirds) to accept new members and "
        "elects its chair.\n",
        ("votes (two thirds) to accept",),
    ),
    # a work protocol under a project heading that names who has the final approval
    (
        "decision_rights",
        "pass",
        "## Project board\n- **Assigned.** A single member owns each pull request and gives "
        "final approval.\n",
        ("gives final approval",),
    ),
    # whose call it is, with no one who decides named
    (
        "decision_rights",
        "partial",
        "## Goals\n- Faster builds\n- Fewer flaky tests\n\n## Notes\nThese plans may be changed "
        "at the company's sole discretion.\n",
        ("sole discretion",),
    ),
    # a lane given by level: agreed at board level
    (
        "decision_rights",
        "partial",
        "## Exceptions\nWaivers only in rare cases, agreed at board level.\n",
        ("agreed at board level",),
    ),
    # 'authority' in a technical sense decides nothing
    (
        "decision_rights",
        "fail",
        "## Roadmap\n- Vault usable as an upstream authority to the mesh\n- Faster builds\n",
        (),
    ),
    # --- risks --------------------------------------------------------------------------------
    # a section of challenges: risks named in other words, without triggers
    (
        "risks",
        "partial",
        "## Goals\n- Faster builds\n\n## Challenges\n- Old build scripts are hard to change "
        "safely.\n- Test machines age faster than we can replace them.\n",
        ("Old build scripts", "Test machines age"),
    ),
    # 'reduce, if not remove' and 'unless stated otherwise' set no condition
    (
        "risks",
        "fail",
        "## Rules\n- Deprecated options are removed two releases later unless stated otherwise "
        "(deprecated in 3.1, gone in 3.3).\n",
        (),
    ),
    # a reserve kept for a named emergency, with what it pays for
    (
        "risks",
        "pass",
        "## Budget\n- Continuity: money to keep the team running for 3 months if funding stops "
        "in an emergency, or to meet the contracts we signed.\n",
        ("if funding stops",),
    ),
    # a delivery-risk rating for every action
    (
        "risks",
        "partial",
        "## Tracking\nEach action gets a RAG rating for its risk to delivery, reported to the "
        "board.\n",
        ("RAG rating",),
    ),
    # --- capacity -----------------------------------------------------------------------------
    # a budget table: each use of the money is an allocation, the total row is not
    (
        "capacity",
        "pass",
        "## Budget\n| Use | Monthly |\n|---|---|\n| Salaries (engineering) | $40,000 |\n"
        "| Security audit | $9,000 |\n| Total | $49,000 |\n",
        ("Salaries (engineering)", "Security audit"),
    ),
    # one piece of work and a buffer that share the money out between them
    (
        "capacity",
        "pass",
        "## Budget\n- Spend ~85% of income on a full-time maintainer.\n- Put the remaining ~15% "
        "into buffer funds.\n",
        ("~85% of income", "~15%"),
    ),
    # a share of the team's time in words: said, not allocated across the work
    (
        "capacity",
        "partial",
        "## Upkeep\nA small part of the team's time goes to reviewing pull requests.\n",
        ("small part of the team's time",),
    ),
    # years, clock times and a modal 'to' are no head counts
    (
        "capacity",
        "fail",
        "## Notes\n- The 2024 staff report sets out the work.\n- We meet at 4pm to demo.\n"
        "- Two contractors had to be paid late.\n",
        (),
    ),
    # --- milestones ---------------------------------------------------------------------------
    # milestones written as bold lines of their own at the top
    (
        "milestones",
        "pass",
        "**Feature freeze: 15 August 2026**\n**Release candidate: 29 August 2026**\n\n"
        "## Work\n- Faster builds\n",
        ("Feature freeze", "Release candidate"),
    ),
]


@pytest.mark.parametrize(
    ("check_id", "expected", "body", "phrases"),
    CASES,
    ids=[f"{c}-{e}-{i}" for i, (c, e, _, _) in enumerate(CASES)],
)
def test_kind(check_id: str, expected: str, body: str, phrases: tuple[str, ...]) -> None:
    result = critique_plan(TITLE + body).check(check_id)
    quotes = [e.quote for e in result.evidence]
    assert result.status == expected, (result.finding, quotes)
    assert len(quotes) == len(phrases), quotes
    for phrase in phrases:
        assert any(phrase in q for q in quotes), (phrase, quotes)


def test_annual_reporting_is_still_no_review() -> None:
    """Progress reported once a year is not a review of the plan: the rare-review partial is
    for the plan itself being revisited."""
    result = critique_plan(
        TITLE + "## Goals\n- Faster builds\n\nProgress is reported annually to the board.\n"
    ).check("cadence")
    assert result.status == "fail"


def test_metrics_tracked_on_a_schedule_stay_partial() -> None:
    """Tracking a metric weekly is not bringing the plan's goals up to date."""
    result = critique_plan(TITLE + "## Data\nMetrics are tracked weekly in Looker.\n").check(
        "cadence"
    )
    assert result.status == "partial"
