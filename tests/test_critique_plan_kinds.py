"""Kinds of real plan the checker must read as their authors meant (issue #16, third round).

Each case is a short plan written for this test in the shape of a kind seen in published plans
(a release calendar, a working-group charter, per-team OKRs, a tiered budget request, a metric
with its fields listed under it...), never text from an eval plan.
"""

from __future__ import annotations

import pytest

from assistant.critique import critique_plan
from assistant.errors import NotAPlanError


def status(text: str, check: str) -> str:
    return critique_plan(text).check(check).status


# a line that makes a short test text read as a plan, and bears on none of the checks tested
LEAD = "Prepared by Ana Ruiz; progress is reviewed monthly by the project lead."


# --- the guard: a plan in its own words ------------------------------------------------------

RELEASE_CALENDAR = """# Widget 4.0 release calendar

## People
- Release manager: Ines Carvalho
- Docs: Tomas Berg

## Calendar
- Alpha 1: 2027-02-03
- Beta 1: 2027-04-07 (feature freeze)
- Final: 2027-06-02
"""

WORKING_GROUP_CHARTER = """# Storage working group

## Membership
| Name | Role |
| --- | --- |
| Ana Ruiz | Chair |
| Ken Ito | Member |

## Areas of responsibility
* Set the rules for on-disk format changes.
* Start efforts to replace the cache layer.

## Meetings
* Every two weeks on the shared calendar.
"""


@pytest.mark.parametrize("text", [RELEASE_CALENDAR, WORKING_GROUP_CHARTER])
def test_a_plan_laid_out_in_sections_is_a_plan_whatever_its_words(text: str) -> None:
    assert len(critique_plan(text).checks) == 14


def test_headings_and_lists_alone_do_not_make_a_recipe_a_plan() -> None:
    recipe = (
        "# Lemon cake\n\n## Ingredients\n- 2 cups flour\n- 1 cup sugar\n- 3 eggs\n- butter\n\n"
        "## Method\n1. Preheat the oven.\n2. Whisk the eggs and sugar.\n3. Bake for 40 minutes."
    )
    with pytest.raises(NotAPlanError):
        critique_plan(recipe)


# --- priorities --------------------------------------------------------------------------------


def test_a_priorities_lead_in_over_headings_is_the_short_list() -> None:
    plan = (
        f"# Platform roadmap, spring\n\n{LEAD}\n\nThis season the priorities are:\n\n## Faster builds\n"
        "- Cache test results\n\n## Safer deploys\n- Canary every release\n\n## Fewer pages\n"
        "- Cut noisy alerts\n\n## Disclaimer\nPlans may change."
    )
    assert status(plan, "priorities") == "pass"


def test_a_top_tier_beside_lower_tiers_is_the_short_list() -> None:
    plan = (
        "# Budget request 2027\n\n| Activity | Tier |\n| --- | --- |\n| Security audits | Must have |\n"
        "| Maintainer stipends | Must have |\n| Travel | Want |\n| Swag | Optional |\n"
        "| Meetups | Negotiable |"
    )
    assert status(plan, "priorities") == "pass"


def test_a_severity_word_is_not_everything_made_a_priority() -> None:
    plan = (
        "# Response team charter\n\n## Goals\n* Answer every report of a critical flaw within a day.\n"
        "* Publish advisories for all high and critical issues.\n"
    )
    assert status(plan, "priorities") == "pass"


def test_a_long_list_said_to_be_in_priority_order_is_half_a_priority_list() -> None:
    items = "\n".join(f"- Item {i}: improve area {i}" for i in range(1, 10))
    plan = f"# Roadmap\n\n{LEAD}\n\nThe list below is in priority order.\n\n## Work\n{items}\n"
    assert status(plan, "priorities") == "partial"
    hedged = plan.replace("is in priority order", "is roughly in priority order, but may change")
    assert status(hedged, "priorities") == "fail"


def test_objectives_are_counted_per_team() -> None:
    teams = "\n\n".join(
        f"#### {team} WG\n- O1. Improve {team} reporting\n- O2. Shorten {team} turnaround time\n"
        f"- O3. Document {team} processes"
        for team in ("Finance", "Sales", "Support", "Facilities")
    )
    assert status(f"# Objectives for 2027 Q1\n\n{teams}", "priorities") == "pass"


# --- scorecard size --------------------------------------------------------------------------


def test_the_fields_of_a_measure_are_one_measure() -> None:
    metrics = "\n\n".join(
        f"**Metric: {name}.**\n- Current: {i}0%\n- Target: {i}5%\n- Plan to measure: monthly export"
        for i, name in enumerate(
            ["Time to first reply", "Review turnaround", "Docs coverage", "Test pass rate"], 1
        )
    )
    assert (
        critique_plan(f"# Health goals\n\n## Goals and metrics\n\n{metrics}")
        .check("scorecard_size")
        .finding.startswith("Keeps to 4 measures")
    )


def test_a_team_inside_a_period_keeps_its_own_scorecard() -> None:
    krs = "\n".join(f"- Raise metric {i} from {i}0% to {i}5%" for i in range(1, 12))
    plan = (
        "# OKRs\n\n## 2027 OKRs\n\n### Build the team and its culture\n- Hire 2 engineers\n\n"
        f"### Grow revenue\n{krs}\n"
    )
    assert status(plan, "scorecard_size") == "fail"


def test_rows_of_an_indicator_table_are_measures() -> None:
    rows = "\n".join(f"| {i} | Raise indicator {i} | Chief Nurse |" for i in range(1, 4))
    plan = f"# Annual goals\n\n## Safer care\n| # | Indicator | Lead |\n| --- | --- | --- |\n{rows}"
    assert status(plan, "scorecard_size") == "pass"


# --- dependencies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- O2. Settle the expense policy (cross-cut with Finance WG)", "pass"),
        ("- Sign the migration contract with Lumen Data by June", "pass"),
        ("- 3.1 Tooling: depends on 2.1, which fixes the scope", "pass"),
        ("- Work with third parties where it helps", "fail"),
        ("- KR3: Integrate with the POS", "fail"),
    ],
)
def test_dependencies_in_their_wordings(line: str, expected: str) -> None:
    plan = f"# Plan for 2027\n\n{LEAD}\n\n## Work\n{line}\n- Publish the guide\n"
    assert status(plan, "dependencies") == expected


# --- milestones --------------------------------------------------------------------------------


def test_ordinal_quarters_and_month_forms_are_dates() -> None:
    plan = (
        "# Roadmap\n\n| Task | Owner | Expected completion |\n| --- | --- | --- |\n"
        "| Docs site | Ana Ruiz | 1st quarter 2027 |\n| New CLI | Ken Ito | 2nd quarter 2027 |\n"
    )
    assert status(plan, "milestones") == "pass"
    prose = (
        "# Library plan\n\n## Actions\n- Cost review — complete by January, 2027.\n"
        "- Room audit — list delivered by August of 2027."
    )
    assert status(prose, "milestones") == "pass"


def test_dates_of_work_already_done_are_history() -> None:
    plan = (
        "# Roadmap\n\n## In the works\n- Faster sync (no target)\n- Offline mode (no target)\n\n"
        "## Done\n| Item | Completed |\n| --- | --- |\n| Alpha sync | Q4/2026 |\n"
        "| Login revamp | Q1/2027 |\n"
    )
    assert status(plan, "milestones") == "fail"


# --- owners, choices, exclusions ---------------------------------------------------------------


def test_goals_under_each_team_heading_are_owned_by_that_team() -> None:
    plan = (
        "# Library teams: autumn update\n\n## Collections Team\n**Objective 1: Review "
        "subscriptions** — renewals checked monthly.\n\n## Discovery Team\n**Objective 1: Clean up "
        "search facets** — two removed."
    )
    assert status(plan, "owners") == "pass"


def test_one_thing_traded_for_another_is_a_choice_and_a_hyphenated_word_is_not() -> None:
    traded = (
        f"# Compiler goals\n\n{LEAD}\n\n## Aspirations\n- Parallel compilation trades "
        "single-core speed for throughput, so no release is expected this year."
    )
    assert status(traded, "choices") != "fail"
    named = f"# District plan\n\n{LEAD}\n\n## Pillar\nA choice-filled future starts early.\n- Open two classes"
    assert status(named, "choices") == "fail"


def test_a_decision_against_some_work_is_an_exclusion() -> None:
    plan = (
        "# Q4 goals\n\n## Direction\nLast quarter we grew by hiring; this quarter we have decided "
        "against it and will consolidate.\n\n## Goals\n- Close 4 deals"
    )
    assert status(plan, "exclusions") == "pass"
