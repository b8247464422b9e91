"""Wordings of real published plans that the cadence, decision-rights, risks, capacity and
milestones checks learned to read: one short hand-written plan per kind, with the verdict and
the lines that decide it."""

from __future__ import annotations

from assistant.critique import critique_plan
from tests.conftest import KINDS_TITLE as TITLE
from tests.conftest import assert_check_kind, parametrize_kinds

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


# --- second pass: more kinds of wording ------------------------------------------------------
CASES += [
    # cadence: a living roadmap refreshed once a year: a rare review
    (
        "cadence",
        "partial",
        "## Roadmap\nA three-year living roadmap with an annual refresh, so the work follows what "
        "users need.\n",
        ("annual refresh",),
    ),
    # cadence: audits on no set rhythm
    (
        "cadence",
        "partial",
        "## Controls\nThe accounts get regular project audits by the treasurer.\n",
        ("regular project audits",),
    ),
    # cadence: progress reported 'regularly'
    (
        "cadence",
        "partial",
        "## Goals\n- Faster builds\n- Fewer flaky tests\n\nThe team reports on these regularly "
        "to the board.\n",
        ("reports on these regularly",),
    ),
    # cadence: a yearly account under a follow-up heading is the plan's own (rare) review
    (
        "cadence",
        "partial",
        "## Goals\n- Faster builds\n\n## Phasing and follow-up\n- Annual build-time accounts cover "
        "every repository.\n",
        ("Annual build-time accounts",),
    ),
    # cadence: software put out on a schedule is no meeting
    (
        "cadence",
        "fail",
        "## Support\nBugfix updates roughly every 2 months for two years, then security fixes "
        "only.\n",
        (),
    ),
    # cadence: an objective named 'Review ...' does not make its monthly figures a review
    (
        "cadence",
        "partial",
        "## Tools team\n**Objective 1: Review build machines** — monthly usage statistics checked "
        "before each lease renewal.\n**Objective 2: Faster builds** — cache hits up.\n",
        ("monthly usage statistics",),
    ),
    # cadence: a weekly sync held to handle one risk
    (
        "cadence",
        "partial",
        "## Risks\n| Risk | Mitigation |\n|---|---|\n| Partner API not ready | weekly sync with the "
        "partner team |\n",
        ("weekly sync",),
    ),
    # cadence: the plan as one of a series ('monthly update') with no review set
    (
        "cadence",
        "partial",
        "## Tools team monthly update\n- Faster builds\n- Fewer flaky tests\n",
        ("monthly update",),
    ),
    # cadence: another body's calls that the team attends
    (
        "cadence",
        "partial",
        "## Links\nA member of the team should attend the quarterly steering calls of the wider "
        "community.\n",
        ("attend the quarterly steering calls",),
    ),
    # cadence: one meeting on a calendar, named after its series
    (
        "cadence",
        "partial",
        "## Dates\n- Sep 6: Interagency Quarterly Meeting\n- Oct 2: plan published\n",
        ("Quarterly Meeting",),
    ),
    # decision_rights: a body placed over the work, with chairs
    (
        "decision_rights",
        "pass",
        "## Governance\nThe group is overseen by a steering committee, elected by the members, with "
        "two co-chairs.\n",
        ("overseen by a steering committee",),
    ),
    # decision_rights: a decision scheduled, with no rule for who takes it
    (
        "decision_rights",
        "partial",
        "## Actions\n| Action | Steps |\n|---|---|\n| New depot | Decision on the site by summer; "
        "build after |\n",
        ("Decision on the site",),
    ),
    # decision_rights: a column naming the forum that watches each goal
    (
        "decision_rights",
        "partial",
        "## Goals\n| # | Goal | Governance forum |\n|---|---|---|\n| 1 | Faster builds | Quality "
        "group |\n",
        ("Faster builds",),
    ),
    # decision_rights: what the team may do, under a mandate heading
    (
        "decision_rights",
        "partial",
        "## Mandate (the team's authority)\n- Recommend courses of action to the platform group\n",
        ("Recommend courses of action",),
    ),
    # decision_rights: a body that picks the work
    (
        "decision_rights",
        "partial",
        "## Partners\nWe rely on the foundation, whose technical committee selects the projects "
        "to fund.\n",
        ("selects the projects",),
    ),
    # risks: a risk told as a hedge in prose
    (
        "risks",
        "partial",
        "## Outlook\nShipping the new cache this year may not happen; results depend on who "
        "chooses to contribute.\n",
        ("may not happen",),
    ),
    # risks: a lead-in naming the key risks, then the list
    (
        "risks",
        "partial",
        "## Notes\nAn assessment identified the following key risks, in priority order:\n"
        "1. Partner co-operation\n2. Staff turnover\n",
        ("Partner co-operation", "Staff turnover"),
    ),
    # risks: a hurdle named as 'the major challenge'
    (
        "risks",
        "partial",
        "## Goals\n- Builds under 5 minutes. A major challenge is moving every team off the old "
        "scripts.\n",
        ("A major challenge is",),
    ),
    # capacity: a capacity column that gives each row its share of people
    (
        "capacity",
        "pass",
        "## Milestones\n| Milestone | Capacity |\n|---|---|\n| Remote cache | 1.5 |\n"
        "| Flaky-test quarantine | 0.5 |\n",
        ("Remote cache", "Flaky-test quarantine"),
    ),
    # capacity: effort sizes per item estimate, not allocate
    (
        "capacity",
        "partial",
        "## Roadmap\n| Task | Size | Owner |\n|---|---|---|\n| Remote cache | Large | Ana |\n"
        "| Quarantine | Small | Ben |\n",
        ("Remote cache", "Quarantine"),
    ),
    # capacity: versions, beneficiaries in a long figure and OKR grades are no head counts
    (
        "capacity",
        "fail",
        "## Notes\n- Python 2.4 or 2.5 on build hosts is no longer supported.\n- The programme "
        "reached 1,23,708 people in 73 villages.\n- **Team velocity**: 0.3\n",
        ("Team velocity",),  # shown as the capacity-labelled line, allocating nothing
    ),
    # capacity: the chat tool and unplanned work in a metric are no buffer
    (
        "capacity",
        "fail",
        "## Measures\n| # | Measure | Note |\n|---|---|---|\n| 5 | Quality work | share of "
        "unplanned work per developer |\n\nFeedback comes in through Slack, 3 channels.\n",
        (),
    ),
    # capacity: a share of capacity told as history allocates none of the plan's work
    (
        "capacity",
        "partial",
        "## Done\n- Backlog drive (completed Q4): up to 50% of engineering capacity went to "
        "triage, afterwards 20% of capacity.\n",
        ("50% of engineering capacity",),
    ),
    # milestones: quarters under a year heading
    (
        "milestones",
        "pass",
        "## Milestones\n### 2027\n#### Early Q1 (January)\n- Remote cache beta\n"
        "#### End of Q1 (March)\n- Remote cache on for all teams\n",
        ("Early Q1", "End of Q1"),
    ),
    # milestones: a set of goals given only a year by a body heading
    (
        "milestones",
        "partial",
        "## Objectives for 2027\n- Faster builds\n- Fewer flaky tests\n",
        ("Objectives for 2027",),
    ),
    # milestones: a schedule table whose when-column is 'Month'
    (
        "milestones",
        "pass",
        "## Next steps\n| Month | Milestone |\n|---|---|\n| January 2027 | Proposal out |\n"
        "| March 2027 | Approval by the board |\n",
        ("January 2027", "March 2027"),
    ),
    # milestones: a heading giving a quarter to a set of goals, its year the plan's own
    (
        "milestones",
        "pass",
        "## Our Q2 goals\n- Remote cache for every team\n- Quarantine for flaky tests\n",
        ("Our Q2 goals",),
    ),
]


@parametrize_kinds(CASES)
def test_kind(check_id: str, expected: str, body: str, phrases: tuple[str, ...]) -> None:
    assert_check_kind(TITLE + body, check_id, expected, phrases)


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
