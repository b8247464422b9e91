"""Wordings of real published plans that the owners, baseline/target and scorecard checks
learned to read: one short hand-written plan per kind, with the verdict and the lines that
decide it."""

from __future__ import annotations

import pytest

from assistant.critique import critique_plan

TITLE = "# Harbour tools team — team operating plan 2026\n\n"

# (check, expected status, plan body, a phrase of every evidence line; () for no evidence)
CASES: list[tuple[str, str, str, tuple[str, ...]]] = [
    # --- owners -------------------------------------------------------------------------------
    # each goal is a heading with its own owner field under it ('Lead: handle | Priority: ...');
    # a 'Lead: (blank)' leaves that goal without one
    (
        "owners",
        "partial",
        "## Outreach\n\n### Publish the packaging guide\n- Lead: jkowal | Priority: high\n"
        "- Work: draft and review the guide\n\n### Run the spring workshop\n- Lead: Mira Sato\n"
        "- Work: book the venue\n\n### Refresh the website\n- Lead: (blank) | Priority: low\n"
        "- Work: new landing page\n",
        ("Publish the packaging guide", "Run the spring workshop", "Refresh the website"),
    ),
    # the same with a point of contact ('POC: Name (Company)') under every goal heading
    (
        "owners",
        "pass",
        "## Goals\n\n### Faster cold starts\nCold starts take ten seconds.\n- POC: Greg Olsen "
        "(Acme)\n- Tracker: project 4\n\n### Sharded scheduler\nOne process holds all state.\n"
        "- POC: Dana Whit (Initech)\n- Tracker: project 9\n",
        ("Faster cold starts", "Sharded scheduler"),
    ),
    # a roster: each area of the work with the one person who does it
    (
        "owners",
        "pass",
        "## Crew\n- Release manager: Ines Carvalho\n- Windows builds: Tomas Berg\n"
        "- Documentation: Lea Novak\n\n## Calendar\n- Beta: 2026-04-07\n- Final: 2026-06-02\n",
        ("Release manager", "Windows builds", "Documentation"),
    ),
    # the group's chair is named, but no piece of work has an owner: one lead for the whole plan
    (
        "owners",
        "partial",
        "## Group\n- Chairs: Jonas Weber (Acme)\n- Meetings: twice a month\n\n## Deliverables\n"
        "- A reference server\n- A test suite\n",
        ("Chairs: Jonas Weber",),
    ),
    # a membership table whose Role column marks the chair
    (
        "owners",
        "partial",
        "## Membership\n| Name | Role |\n| --- | --- |\n| Rosa Lind | Chair |\n"
        "| Pavel Kus | Member |\n\n## Areas\n- Review API changes\n- Run the design calls\n",
        ("Rosa Lind | Chair",),
    ),
    # a named person followed by the lead role they hold ('Name (Team Lead)')
    (
        "owners",
        "partial",
        "## Intake\nRequests go to Maya Fern (Team Lead), who triages them weekly.\n\n## Work\n"
        "- Migrate the forms\n- Tidy the backlog\n",
        ("Maya Fern (Team Lead)",),
    ),
    # ownership stated as a rule, with no one named
    (
        "owners",
        "partial",
        "## Programmes\nEach programme is assigned to one specific division to implement.\n"
        "- Safer discharge\n- Shorter waits\n",
        ("assigned to one specific division",),
    ),
    # each key result labelled with the executive or team that owns it
    (
        "owners",
        "pass",
        "## Revenue push\n1. CRO: 250 new opportunities from free accounts.\n"
        "2. CMO: inbound leads up 15% on the quarter.\n"
        "3. Field Marketing: 5 target accounts per region.\n",
        ("CRO:", "CMO:", "Field Marketing:"),
    ),
    # an objective's code before its title is not a person ('O2. Celebrate Sustained Work')
    (
        "owners",
        "fail",
        "## Objectives\n### O1. Launch the Mentoring Scheme\n- KR 1.1: 40 mentors signed up\n\n"
        "### O2. Celebrate Sustained Contributions\n- KR 2.1: 10 published stories\n",
        ("O1. Launch the Mentoring Scheme", "O2. Celebrate Sustained Contributions"),
    ),
    # --- baseline_target ----------------------------------------------------------------------
    # key results set as floors ('at least', '≥') with no starting value: half there
    (
        "baseline_target",
        "partial",
        "## Objective: a healthy contributor base\nKey results:\n1. At least 10 active "
        "users each week\n2. At least 200 active publishers each month\n3. ≥80% of members aware of the "
        "programme\n",
        ("At least 10", "At least 200", "≥80%"),
    ),
    # a target due in a year, measured from a named base year, with progress so far in a column
    (
        "baseline_target",
        "pass",
        "## Goals\n| Goal | 2026 Progress |\n| --- | --- |\n| Reduce water intensity by 20% by "
        "2030 from a 2024 baseline | 6% reduction |\n| Renewable energy at 40% of electricity "
        "by 2030 | 22% |\n",
        ("Reduce water intensity", "Renewable energy"),
    ),
    # a trajectory written 'from X in YEAR to Y in YEAR' is dated
    (
        "baseline_target",
        "pass",
        "## Goal: reading\nPupils at grade level in reading, by skill.\n- Fluency rate: 51% in 2025 to 61% "
        "in 2029\n- Comprehension rate: 44% in 2025 to 54% in 2029\n",
        ("Fluency", "Comprehension"),
    ),
    # --- scorecard_size -----------------------------------------------------------------------
    # goals with no numbers on them: nothing near ten measures, so the scorecard is small
    (
        "scorecard_size",
        "pass",
        "## Key results in 2026\n\n### Import most legacy APIs\nTemplates excluded.\n\n"
        "### A worked safety design\nShared with the community.\n",
        ("Key results in 2026",),
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


def test_relative_targets_in_a_goals_document() -> None:
    """A document titled as goals states targets on every line: 'grow X by 20%' there is a
    relative target (partial), even under a heading that does not say 'goals'."""
    text = (
        "# Community strategic goals 2026\n\n## Steering committee\n### Grow the membership\n"
        "- Grow membership by 20%\n- Host 8 community calls\n"
    )
    result = critique_plan(text).check("baseline_target")
    assert result.status == "partial", result.finding
    assert [e.line for e in result.evidence] == [5]


def test_a_single_stray_target_is_still_no_criteria() -> None:
    """One number with no baseline is not a set of success criteria."""
    result = critique_plan(
        TITLE + "## Success criteria\n- Interoperability shown across 3 server platforms\n"
    ).check("baseline_target")
    assert result.status == "fail", result.finding


def test_plan_with_only_initiatives_has_no_scorecard() -> None:
    """No goals and no measures: the scorecard check does not apply."""
    result = critique_plan(
        TITLE + "## Initiatives\n- Checkout revamp — Owner: Ana Ruiz, by 1 Aug\n"
    ).check("scorecard_size")
    assert result.status == "n/a"
