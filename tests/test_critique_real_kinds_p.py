"""Wordings of real published plans that the owners, baseline/target, scorecard and leading-
indicator checks learned to read: one short hand-written plan per kind, with the verdict and
the lines that decide it."""

from __future__ import annotations

from assistant.critique import critique_plan
from tests.conftest import KINDS_TITLE as TITLE
from tests.conftest import assert_check_kind, parametrize_kinds

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
    # an owner column of logins
    (
        "owners",
        "pass",
        "## Status\n| Repo | Owner | Done |\n| --- | --- | --- |\n| Parser | jkowal | 2 / 4 |\n"
        "| Runtime | mtan | 0 / 4 |\n",
        ("Parser", "Runtime"),
    ),
    # a leads column naming the bodies that do each piece of work: owned by organisations
    (
        "owners",
        "partial",
        "## Initiatives\n| Item | Initiative | Leads and partners |\n| --- | --- | --- |\n"
        "| 1.01 | Secure messaging between clinics | Health Agency; all health departments |\n"
        "| 1.02 | Electronic prescribing | Department of Health; vendors |\n",
        ("Secure messaging", "Electronic prescribing"),
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
    # a scorecard table (KPI, baseline and target columns) under a heading about people, not goals
    (
        "baseline_target",
        "pass",
        "## People management\n| Indicator | Baseline 2024 | Target 2026 |\n| --- | --- | --- |\n"
        "| Staff retention rate | 81% | 88% |\n| Grievances closed within 30 days | 40% | 75% |\n",
        ("Staff retention rate", "Grievances closed"),
    ),
    # of two baseline columns only the later one is filled: the row still has its baseline
    (
        "baseline_target",
        "pass",
        "## Outcomes\n| Measure | Baseline 2023 | Baseline 2024 | Target 2026 |\n"
        "| --- | --- | --- | --- |\n| Families reached | - | 1,200 | 2,000 |\n"
        "| Volunteer hours | 3,000 | 3,400 | 5,000 |\n",
        ("Families reached", "Volunteer hours"),
    ),
    # a column giving the level measured at a point in time is the baseline
    (
        "baseline_target",
        "pass",
        "## The targets\n| Target | Measure | Level at launch |\n| --- | --- | --- |\n"
        "| Quicker repairs | 90% of repairs done within 5 days by 2027 | 71% (Q2 2025) |\n"
        "| Fewer complaints | 95% of tenants satisfied by 2027 | 84% (Q2 2025) |\n",
        ("Quicker repairs", "Fewer complaints"),
    ),
    # targets with the year they are due but no starting value: two of the three parts
    (
        "baseline_target",
        "partial",
        "## Targets\n- Raise first-year retention to 90% by 2028\n"
        "- Lift six-year completion rate to 60% by 2028\n",
        ("first-year retention", "completion rate"),
    ),
    # an aim stated in prose with a number and a date, outside any list of success criteria
    (
        "baseline_target",
        "partial",
        "## Roadmap\nThe group formed in March. By the end of 2027, the aim is a shared format "
        "supported by at least 5 archive tools.\n",
        ("the aim is a shared format",),
    ),
    # an inline 'Target:' field on a piece of work
    (
        "baseline_target",
        "partial",
        "## Ventures\n- Advisory studio: write the offer and pricing; Target: $90K revenue for "
        "2027\n- Licensing: sign the first paying customer\n",
        ("Advisory studio",),
    ),
    # a cut by a share with its deadline, in a timeline table
    (
        "baseline_target",
        "partial",
        "## Timeline\n| Deadline | Headline |\n| --- | --- |\n| 1 March 2027 | Councils publish "
        "their data |\n| 1 December 2027 | Councils cut permit backlogs by 15% |\n",
        ("cut permit backlogs",),
    ),
    # baseline and targets as fields of one expected result, each target naming its year
    (
        "baseline_target",
        "pass",
        "## Expected results\n**Clinics refer electronically**\n- Baseline June 2025: 40% of "
        "clinics send referrals online\n- Target 2026: at least 60% of clinics\n"
        "- Target 2027: at least 75% of clinics\n",
        ("Target 2026", "Target 2027"),
    ),
    # prose that says the year is judged on the numbers that follow
    (
        "baseline_target",
        "pass",
        "## The year\nWe will judge the year on outcomes. Paying members: 1,200 today, 2,000 by "
        "31 December 2027.\n",
        ("We will judge the year",),
    ),
    # key results coded with their objective ('O1KR2') under a heading that is not about goals
    (
        "baseline_target",
        "partial",
        "## Team\n### O1 Onboard people\n- **O1KR1**: At least 4 team members each merge 2 pull "
        "requests by 30 June\n- **O1KR2**: Response time under 15 minutes for 80% of data "
        "requests by 30 June\n",
        ("O1KR1", "O1KR2"),
    ),
    # --- scorecard_size -----------------------------------------------------------------------
    # a targets column that lists several measures in one cell: each counts
    (
        "scorecard_size",
        "fail",
        "## Objectives\n| Objective | Targets |\n| --- | --- |\n| Grow the membership | New "
        "members; New partners; Renewals; Event sign-ups |\n| Grow awareness | Talks given; "
        "Articles published; Newsletter readers; Site visits |\n| Healthy community | Meeting "
        "attendance; Active projects; Contributors; Mentors |\n",
        ("Grow the membership", "Grow awareness", "Healthy community"),
    ),
    # the only measure is an aim stated in prose: one measure, not 'no scorecard'
    (
        "scorecard_size",
        "pass",
        "## Hospital services\n1. **Shorter waits.** Target: cut the wait for first "
        "appointments by 20% in the next financial year.\n2. **Better wards.** Refurbish two "
        "wards.\n",
        ("Shorter waits",),
    ),
    # a labelled list of what the team will look at, under a heading about something else
    (
        "scorecard_size",
        "pass",
        "## The team\nWhat we'll look at: fun in playtests, demo completion rate.\n",
        ("What we'll look at",),
    ),
    # goals under a goals heading with no number and no metric word are goals, not measures
    (
        "scorecard_size",
        "pass",
        "## Goals\n- Everyone can get help in their own language\n- Every town has a library\n"
        "- Staff feel proud of their work\n- Partners trust us\n- Archives are safe\n"
        "- Children love reading\n- Readers find what they need\n- Buildings are welcoming\n"
        "- Collections reflect the region\n- Research is open\n- Events are accessible\n",
        ("## Goals", "own language", "has a library", "feel proud", "Partners trust us"),
    ),
    # goals that read as measures, and a section reporting results so far: not more measures
    (
        "scorecard_size",
        "pass",
        "## Measures of success\n- 90% of repairs done within 5 days\n- 95% of tenants "
        "satisfied\n- 10% fewer complaints and appeals within 30 days\n\n## Results so far\n"
        "- Q1: repairs 72%, satisfaction 81%, complaints down 2%\n- Q2: repairs 75%, "
        "satisfaction 83%, complaints down 3%, appeals down 1%\n",
        ("90% of repairs", "95% of tenants", "10% fewer complaints"),
    ),
    # goals with no numbers on them: nothing near ten measures, so the scorecard is small
    (
        "scorecard_size",
        "pass",
        "## Key results in 2026\n\n### Import most legacy APIs\nTemplates excluded.\n\n"
        "### A worked safety design\nShared with the community.\n",
        ("Key results in 2026",),
    ),
]


# --- outcome_metrics ------------------------------------------------------------------------
CASES += [
    # goals set as a change by a share, with no starting value: outcomes, half measured
    (
        "outcome_metrics",
        "partial",
        "### Grow the membership base\n- Grow paying membership by 20%\n- Host 6 community "
        "calls\n\n### Reading\n- Run the summer reading club, with participation up 3% each "
        "year\n",
        ("Grow paying membership", "participation up 3%"),
    ),
]

# --- leading_indicators -------------------------------------------------------------------
CASES += [
    # a name that starts with 'Leading' in a table is not a Type cell
    (
        "leading_indicators",
        "fail",
        "## Pillars\n| Pillar | Intended result |\n| --- | --- |\n| Leading research "
        "university | Recognised for research |\n| Community | Trusted by the region |\n",
        (),
    ),
    # each result followed by its indicator: '... — leading: <indicator>'
    (
        "leading_indicators",
        "pass",
        "## How we'll know\n- Repeat bookings: 34% -> 45% by 30 Jun 2027 — leading: invoices "
        "paid on time\n- Dispute rate: 3.8% -> 1.5% by 30 Jun 2027 — leading: rentals with "
        "photo check-in\n",
        ("Repeat bookings", "Dispute rate"),
    ),
    # indicators tied to the results by what their not moving would mean
    (
        "leading_indicators",
        "pass",
        "## Outcomes\n| Measure | Baseline | Target |\n| --- | --- | --- |\n"
        "| Digital take-up | 35% | 70% |\n\n**Leading indicators** (fortnightly): form step "
        "completion, auto-verified share. If these don't move by March, the June outcomes won't "
        "either.\n",
        ("Leading indicators",),
    ),
]


@parametrize_kinds(CASES)
def test_kind(check_id: str, expected: str, body: str, phrases: tuple[str, ...]) -> None:
    assert_check_kind(TITLE + body, check_id, expected, phrases)


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
