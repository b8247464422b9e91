"""Each rubric check on small hand-written plans: pass, partial and fail, in several wordings.

Every case is a short plan under a neutral title; only the named check is asserted, so a
case tests that check's rule, and the paraphrases make sure the rule follows the meaning
of the rubric rather than one plan's wording.
"""

from __future__ import annotations

import pytest

from assistant.critique import critique_plan

TITLE = "Atlas squad — Q3 2026 operating plan\n\n"

CASES: list[tuple[str, str, str]] = [
    # --- choices ----------------------------------------------------------------------------
    (
        "choices",
        "pass",
        "## Strategic choices\n"
        "- Clinics over hospitals. Trade-off: hospital RFPs get no custom work this year.\n"
        "- Build on Stripe instead of our own billing; this means we accept a 0.5% higher fee.\n",
    ),
    (
        "choices",
        "pass",
        "We are choosing depth over breadth: three markets only, which means two country "
        "launches wait until 2027.\n"
        "We pick reliability over new features, accepting that the mobile redesign slips a "
        "quarter.\n",
    ),
    (
        "choices",
        "partial",
        "## Choices\n- Focus on enterprise rather than SMB.\n"
        "- Partner with Acme instead of building our own connector.\n",
    ),
    ("choices", "fail", "## Goals\n- Grow revenue\n- Launch the new app\n- Hire five engineers\n"),
    (
        "choices",
        "fail",
        "Our vision is to be the leading platform for creators worldwide.\n"
        "We will delight users with a world-class product and grow the team.\n",
    ),
    # --- exclusions -------------------------------------------------------------------------
    (
        "exclusions",
        "pass",
        "Not doing this quarter: Android tablet app, SSO, new pricing.\n"
        "Owner of the plan: Ana Ruiz.\n",
    ),
    (
        "exclusions",
        "pass",
        "We will not build a marketplace in 2026, and we are saying no to custom integrations.\n"
        "Priorities are onboarding and billing.\n",
    ),
    ("exclusions", "pass", "## Non-goals\n- Enterprise SSO\n- Public API\n"),
    ("exclusions", "partial", "## Out of scope\n- TBD\n\n## Goals\n- Grow activation\n"),
    ("exclusions", "fail", "## Goals\n- Grow activation\n- Launch billing v2 by 1 Sep\n"),
    # --- priorities -------------------------------------------------------------------------
    ("priorities", "pass", "Top 3 priorities: 1) activation 2) retention 3) billing reliability\n"),
    (
        "priorities",
        "pass",
        "## What matters most this quarter\n1. Checkout conversion\n2. Payment reliability\n",
    ),
    (
        "priorities",
        "pass",
        "Our two must-wins are onboarding and expansion revenue.\n"
        "Everything else is best effort.\n",
    ),
    ("priorities", "pass", "P0: checkout conversion\nP0: payout reliability\nP1: new reports\n"),
    ("priorities", "partial", "Our single top priority is onboarding.\nTeam of 6 engineers.\n"),
    ("priorities", "fail", "All eight initiatives are P0 and must ship this quarter.\n"),
    (
        "priorities",
        "fail",
        "## Priorities\n1. SSO\n2. Mobile app\n3. Billing v2\n4. Reporting\n5. API\n6. Search\n",
    ),
    ("priorities", "fail", "## Roadmap\n- SSO\n- Mobile app\n\nEverything is a priority.\n"),
    ("priorities", "fail", "## Roadmap\n- SSO by 1 Aug\n- Mobile app by 1 Sep\n"),
    # --- owners -----------------------------------------------------------------------------
    (
        "owners",
        "pass",
        "## Initiatives\n- Checkout revamp — Owner: Ana Ruiz\n- Fraud rules — DRI: Tom Becker\n",
    ),
    (
        "owners",
        "pass",
        "## Initiatives\nAna Ruiz owns the checkout revamp.\nTom Becker leads the fraud rules work.\n",
    ),
    (
        "owners",
        "pass",
        "| Initiative | DRI | Due |\n|---|---|---|\n| Checkout | Ana Ruiz | 1 Aug |\n"
        "| Fraud rules | Tom Becker | 15 Sep |\n",
    ),
    ("owners", "pass", "## Workstreams\n- Checkout revamp (Priya)\n- Fraud rules (Tomasz)\n"),
    (
        "owners",
        "pass",
        "## Initiatives\n- Checkout revamp: Sam Ortiz (owner), design by 1 Aug\n"
        "- Fraud rules: Li Wei (owner)\n",
    ),
    (
        "owners",
        "partial",
        "## Workstreams\n- Checkout — Owner: Ana Ruiz\n- Fraud rules — Owner: Tom Becker\n"
        "- Reporting refresh\n",
    ),
    (
        "owners",
        "partial",
        "## Initiatives\n- Checkout — Owners: Ana Ruiz and Tom Becker\n"
        "- Fraud rules — Owner: Li Wei\n",
    ),
    (
        "owners",
        "fail",
        "## Initiatives\n- Checkout revamp\n- Fraud rules\n\nOwners: the platform team and the "
        "growth squad.\n",
    ),
    (
        "owners",
        "fail",
        "## Objectives\n- Launch checkout\n- Improve fraud rules\n\nDelivery will be shared "
        "collectively across the product team.\n",
    ),
    # owners given as a field of a delimited item, a table cell 'Name, Title', a handle
    (
        "owners",
        "pass",
        "## Delivery\n- Search rewrite — Hannah Kowal. Beta 3 Aug; GA 14 Sep\n"
        "- Price alerts — Oliver Grant. Live 20 Aug\n",
    ),
    (
        "owners",
        "pass",
        "Work / owner / date\n- Onboarding checklist / Ruth Adler (PM) / 4 Aug\n"
        "- Billing export / Kenji Mori (EM) / 1 Sep\n",
    ),
    (
        "owners",
        "partial",
        "Work / owner / date\n- Onboarding checklist / Ruth Adler / 4 Aug\n"
        "- Billing export — Kenji Mori / Ada Berg — 1 Sep\n",
    ),
    (
        "owners",
        "pass",
        "*who / what / when*\n- import wizard — @sara.holm — beta 10 Aug\n"
        "- bulk edit — @dev.patel — ship 2 Sep\n",
    ),
    (
        "owners",
        "pass",
        "## Workstreams\n| Workstream | Owner | Dates |\n|---|---|---|\n"
        "| Intake form | DeAndre Walker, Volunteer Manager | 1 Aug |\n"
        "| Food rescue | Ana Silva, Regional Manager | 1 Oct |\n",
    ),
    # a name with a prefix before a second capital (DeAndre, LaToya, McKay) is one name
    (
        "owners",
        "pass",
        "## Delivery\n- Intake form — DeAndre Walker. Live 1 Aug\n"
        "- Food rescue — LaToya McKay. Live 1 Oct\n",
    ),
    # a buffer row in an initiative table is reserved capacity, not an initiative
    (
        "owners",
        "pass",
        "## Plan\n| Initiative | DRI | People |\n|---|---|---|\n"
        "| Sensor recall fix | Petra Lind | 4 eng |\n| Pairing flow | Owen Hale | 3 eng |\n"
        "| Buffer / unplanned | — | 1 eng |\n",
    ),
    # a key result without its own owner falls to its objective's one owner; a leading
    # indicators item under the objective is not an initiative
    (
        "owners",
        "pass",
        "O1 — Riders trust the timetable. DRI: Carla Mendes\n"
        "- KR1.1 On-time departures 81% → 90% by 30 Sep. Owner: Felix Brandt\n"
        "- KR1.2 Complaints per 10k trips 12 → 6 by 30 Sep.\n"
        "- Leading indicators (weekly): late pull-outs; driver no-shows.\n"
        "O2 — Riders come back. DRI: Ivo Petrov\n"
        "- KR2.1 Monthly active riders 40k → 48k by 30 Sep. Owner: Ivo Petrov\n",
    ),
    # objectives are not siblings of their owned key results
    (
        "owners",
        "pass",
        "Objective 1: Harden the platform\n"
        "  KR 1.1 Move billing to the new queue by 31 Jan (Owner: Nora Quist)\n"
        "  KR 1.2 Retire the legacy cron host by 28 Feb (Owner: Bram Visser)\n"
        "Objective 2: Grow the community\n"
        "  KR 2.1 Run 3 meetups (Owner: Nora Quist)\n",
    ),
    # prose naming one owner per sentence is one owner per initiative
    (
        "owners",
        "pass",
        "We have three priorities this year: pricing, the partner channel and retention. "
        "Ingrid Sol owns pricing. Marek Novak, our channel lead, owns the partner channel. "
        "Dana Reyes owns retention.\n",
    ),
    # dependency items beside one with an owner are not initiatives
    (
        "owners",
        "pass",
        "## Workstreams\n- Checkout revamp (Priya Nair)\n- Fraud rules (Tomasz Wolny)\n"
        "## Cross-team dependencies\n- Warehouse must pre-pack kits by 1 Sep.\n"
        "- Finance to publish daily margin (owner: Greta Holm).\n",
    ),
    # --- milestones -------------------------------------------------------------------------
    ("milestones", "pass", "## Checkout revamp\nBeta on 12 March; GA by end of April.\n"),
    ("milestones", "pass", "## Timeline\n- Pilot: week 6\n- Launch: W10\n- Review: 2026-09-30\n"),
    ("milestones", "pass", "## Checkout revamp\n- Design done in sprint 3\n- Launch in sprint 6\n"),
    ("milestones", "partial", "## Initiatives\n- Checkout revamp, launch by 30 June\n"),
    (
        "milestones",
        "fail",
        "We will deliver the checkout revamp over the course of the year.\nOwner: Ana Ruiz.\n",
    ),
    ("milestones", "fail", "## Initiatives\n- Checkout revamp\n\nTimeline: 2027\n"),
    # --- dependencies -----------------------------------------------------------------------
    ("dependencies", "pass", "We depend on the Data Platform team for the events API by 1 May.\n"),
    ("dependencies", "pass", "## Initiatives\n- Checkout is blocked by Legal review of the DPA.\n"),
    ("dependencies", "pass", "Billing v2 needs Finance to approve the new price book by 3 Aug.\n"),
    ("dependencies", "partial", "We depend on other teams for parts of this plan.\n"),
    ("dependencies", "fail", "## Dependencies\n- TBD\n\n## Goals\n- Grow activation\n"),
    # --- outcome_metrics --------------------------------------------------------------------
    (
        "outcome_metrics",
        "pass",
        "## Key results\n- KR1: Raise weekly active teams from 1,200 to 1,800 by 30 Sep\n"
        "- KR2: Cut checkout abandonment from 68% to 55% by Q4\n",
    ),
    (
        "outcome_metrics",
        "pass",
        "Our goal is that more trial users become paying customers: trial-to-paid conversion "
        "goes from 8% to 11% by the end of the quarter.\n",
    ),
    (
        "outcome_metrics",
        "partial",
        "## Objectives\n- Launch the partner portal\n- Ship SSO\n- Migrate billing\n"
        "- Increase trial conversion from 8% to 11% by Q3\n",
    ),
    ("outcome_metrics", "fail", "## Objectives\n- Launch the partner portal\n- Ship SSO\n"),
    ("outcome_metrics", "fail", "## Success\nCustomers love us and revenue grows.\n"),
    # objectives that are things to ship are not offset by measured key results under others
    (
        "outcome_metrics",
        "partial",
        "O1 Members renew their plan (DRI: Lena Voss)\n"
        "- KR: annual renewal rate 61% -> 70% by Dec 31\n"
        "- KR: members on a yearly plan 2,400 -> 3,100 by Dec 31\n"
        "O2 Roll out the new booking widget (DRI: Amir Saleh)\n"
        "- KR: widget live for 100% of venues by Nov 1\n"
        "O3 Grow weekday class attendance (DRI: Tess Obi)\n"
        "- KR: weekday attendance per class 9 -> 12 by Dec 31\n"
        "- KR: classes over 80% full 35% -> 50% by Dec 31\n",
    ),
    (
        "outcome_metrics",
        "partial",
        "## Priorities\n"
        "1. Halve late deliveries to the hospital group. Owner: Ravi Shah.\n"
        "2. Commission the second packing line. Owner: Elin Dahl.\n"
        "3. Reduce returns on the kit range. Owner: Jo Ames.\n"
        "## Scorecard\n"
        "1. Late deliveries: 8% today, target 4% by 30 June.\n"
        "2. Return rate, kit range: 5.1%, target 3% by 30 June.\n"
        "3. Packing errors per 1,000 orders: 6, target 2 by 30 June.\n",
    ),
    # outcome aims mixed with outputs, with only a loose number, are partial, not fail
    (
        "outcome_metrics",
        "partial",
        "Three priorities for next year:\n- Grow paying members\n"
        "- Build a mobile app for bookings\n- Move the club onto one payments system\n\n"
        "Measures: paying members (aiming for 8,000), number of app features launched, "
        "payment failures.\n",
    ),
    # --- baseline_target --------------------------------------------------------------------
    ("baseline_target", "pass", "## Targets\n- Raise NPS from 31 to 45 by 30 June 2026.\n"),
    (
        "baseline_target",
        "pass",
        "## Success criteria\n| Metric | Baseline | Target | Date |\n|---|---|---|---|\n"
        "| Activation | 22% | 30% | 30 Sep |\n| Churn | 4.1% | 3.0% | 30 Sep |\n",
    ),
    ("baseline_target", "partial", "## Targets\n- Raise NPS from 31 to 45.\n"),
    ("baseline_target", "fail", "## Targets\n- Reach an NPS of 45 by June.\n"),
    ("baseline_target", "fail", "## Success\nHappier customers and a better product.\n"),
    # --- leading_indicators -----------------------------------------------------------------
    (
        "leading_indicators",
        "pass",
        "## Outcome\n90-day retention from 70% to 78% by Q4.\n"
        "Leading indicators: setup completion in week 1 and weekly active seats; they move within "
        "two weeks, well before retention does.\n",
    ),
    (
        "leading_indicators",
        "pass",
        "O1: Teams adopt reporting\nKR1: Weekly reporting users from 300 to 600 by 30 Sep\n"
        "Leading: reports created in the first 3 days\n",
    ),
    (
        "leading_indicators",
        "partial",
        "## Targets\n- Revenue from $2m to $3m by December\n\n## Also watched\n"
        "We track some leading indicators: demo requests and trial starts.\n",
    ),
    ("leading_indicators", "fail", "## Targets\n- Revenue from $2m to $3m by December\n"),
    # --- scorecard_size ---------------------------------------------------------------------
    ("scorecard_size", "pass", "KPIs: revenue, churn, NPS.\nOwner: Ana Ruiz.\n"),
    (
        "scorecard_size",
        "fail",
        "KPIs: revenue, churn, NPS, CSAT, ARR, MRR, CAC, LTV, activation, retention, uptime, "
        "tickets, downloads.\n",
    ),
    ("scorecard_size", "n/a", "## Initiatives\n- Checkout revamp — Owner: Ana Ruiz, by 1 Aug\n"),
    # --- cadence ----------------------------------------------------------------------------
    ("cadence", "pass", "Weekly review every Monday; monthly business review with the COO.\n"),
    ("cadence", "pass", "We meet fortnightly to review the plan and reset priorities.\n"),
    ("cadence", "pass", "## Rhythm\nQBR each quarter with the exec team.\n"),
    ("cadence", "pass", "The squad reviews the plan every two weeks at sprint demo.\n"),
    ("cadence", "partial", "Metrics are tracked weekly in Looker.\nOwner: Ana Ruiz.\n"),
    ("cadence", "fail", "Reviews: ad hoc, when needed.\nOwner: Ana Ruiz.\n"),
    ("cadence", "fail", "Progress is reported annually to the board.\nOwner: Ana Ruiz.\n"),
    # --- decision_rights --------------------------------------------------------------------
    ("decision_rights", "pass", "Maya Chen decides scope; the CFO approves spend over $50k.\n"),
    (
        "decision_rights",
        "pass",
        "## Approval lanes\n- Pricing changes: VP Sales signs off.\n"
        "- Everything else: the team decides.\n",
    ),
    (
        "decision_rights",
        "pass",
        "Scope decisions are made by Ana Ruiz; the COO breaks ties between teams.\n",
    ),
    (
        "decision_rights",
        "partial",
        "Disagreements escalate to the steering committee.\nOwner: Ana Ruiz.\n",
    ),
    ("decision_rights", "fail", "Governance: to be confirmed.\nOwner: Ana Ruiz.\n"),
    # --- capacity ---------------------------------------------------------------------------
    (
        "capacity",
        "pass",
        "## Capacity\n8 engineers: checkout 4, fraud 2, platform 1, and 1 (~12%) held as flex "
        "buffer.\n",
    ),
    ("capacity", "pass", "Allocation: 60% onboarding, 30% billing, 10% buffer.\n"),
    (
        "capacity",
        "pass",
        "Three engineers on checkout for the whole quarter; two engineers on "
        "fraud rules until August.\n",
    ),
    ("capacity", "partial", "We keep 10% of sprint capacity as a buffer for incidents.\n"),
    ("capacity", "fail", "We will deliver within existing resources.\nOwner: Ana Ruiz.\n"),
    ("capacity", "fail", "Team: 12 people.\nOwner: Ana Ruiz.\n"),
    # --- risks ------------------------------------------------------------------------------
    ("risks", "pass", "If churn tops 5% in any month, we pause the price rise.\n"),
    ("risks", "pass", "## Tripwires\n- Conversion below 2% by 1 May: revert to the old flow.\n"),
    (
        "risks",
        "pass",
        "Scenario: a recession cuts customer budgets by 20%; in that case we delay hiring.\n",
    ),
    (
        "risks",
        "partial",
        "## Risks\n- Vendor delays on the payment gateway\n- Hiring may be slow\n",
    ),
    ("risks", "fail", "Risks: none identified.\nOwner: Ana Ruiz.\n"),
    ("risks", "fail", "## Risks\nRisks will be managed through the project risk register.\n"),
]

# Plan formats added later: each case below failed before its rule existed.
_HEADING_OKRS = (
    "## Objective 1: Riders book a second trip within a month\n"
    "Owner: Tomas Berg\n- KR1: repeat bookings 22% -> 30% by 30 Sep\n\n"
    "## Objective 2: Drivers stay on the platform\n"
    "Owner: Lucia Ferrer\n- KR1: 90-day driver retention 58% -> 66% by 30 Sep\n"
)
FORMAT_CASES: list[tuple[str, str, str]] = [
    # objectives written as markdown headings count as the priority list
    ("priorities", "pass", _HEADING_OKRS),
    # the 'Owner:' line under an objective is that objective's owner
    (
        "owners",
        "pass",
        "O1 Riders book a second trip within a month\nOwner: Tomas Berg\n"
        "- KR1: repeat bookings 22% -> 30% by 30 Sep\n"
        "O2 Drivers stay on the platform\nOwner: Lucia Ferrer\n"
        "- KR1: 90-day driver retention 58% -> 66% by 30 Sep\n",
    ),
    # objectives as table rows whose first cell is 'O1. ...' (a bare 'O1' row continues it)
    (
        "priorities",
        "pass",
        "| Objective | Key result | Baseline | Target |\n|---|---|---|---|\n"
        "| O1. Shoppers return each week | Weekly returning shoppers | 31% | 40% |\n"
        "| O1 | Basket size | 3.1 | 3.6 |\n"
        "| O2. Stores run out less often | Out-of-stock rate | 6% | 3% |\n",
    ),
    # objectives in prose: 'Objective one is that ...'
    (
        "priorities",
        "pass",
        "Objective one is that tenants get repairs done on the first visit.\n"
        "Objective two is that empty flats are let again quickly.\n",
    ),
    # a numbered list under an 'Objectives' heading is a set of objectives
    (
        "priorities",
        "pass",
        "## Objectives\n1. Make onboarding painless\n2. Keep paying teams longer\n"
        "3. Reduce support load\n",
    ),
    # 5-6 objectives and no separate priority list: partial
    (
        "priorities",
        "partial",
        "O1 Grow the newsletter audience\nO2 Cut churn\nO3 Open two podcasts\n"
        "O4 Redo the website\nO5 Win a grant\n",
    ),
    # a numbered outline section: '3. Priorities' then '3.1', '3.2', '3.3'
    (
        "priorities",
        "pass",
        "3. Priorities for the half\n"
        "  3.1 Bring the new press line up to rate.\n"
        "  3.2 Halve rework on line 2.\n"
        "  3.3 Fill the two vacant shift lead roles.\n",
    ),
    # a table with a 'Priority' column lists one priority per row
    (
        "priorities",
        "pass",
        "| Priority | Lead | First milestone |\n|---|---|---|\n"
        "| 1. Faster triage | Ana Ruiz | Pilot by 1 Aug |\n"
        "| 2. Shorter stays | Li Wei | Pathway by 1 Sep |\n",
    ),
    # a 'Priority' column of levels (all High) is not a short list (guards the table rule)
    (
        "priorities",
        "fail",
        "| Initiative | Owner | Priority |\n|---|---|---|\n"
        "| New app | Ana Ruiz | High |\n| Loyalty | Li Wei | High |\n| Refit | Jo Park | High |\n",
    ),
    # 'Equally important is what we ...' is a connective, not 'everything is a priority'
    (
        "priorities",
        "pass",
        "Equally important is what we will leave alone this year.\n"
        "Our two priorities are the clinic network, led by Ana Ruiz, and the booking app, "
        "led by Li Wei.\n",
    ),
    # a labelled list ends with its sentence: 'Top priorities: A and B. C and D wait.'
    (
        "priorities",
        "pass",
        "Top priorities: quotes and orders. Onboarding, data, pricing and hiring wait until Q4.\n",
    ),
    # 'KR:' without a number is a key result (a plan of output KRs has measures: 12 > 10)
    (
        "scorecard_size",
        "fail",
        "O1: Modernise the build system. Owner: Platform team\n"
        + "".join(f"- KR: Move service {i} to the new pipeline\n" for i in range(12)),
    ),
    # a version upgrade 'Upgrade Postgres 12 to 15' is an output, not a measured change
    (
        "outcome_metrics",
        "fail",
        "O1: Keep the databases current. Owner: Ana Ruiz\n- KR1: Upgrade Postgres 12 to 15\n",
    ),
    # a numbered item in capitals ('1. NPS 41') is a list item, not a heading
    (
        "scorecard_size",
        "fail",
        "## Key results\n"
        + "".join(
            f"{i}. NPS {40 + i}\n" if i in (1, 8) else f"{i}. Reopen rate under {i}%\n"
            for i in range(1, 13)
        ),
    ),
    # measures named in prose: 'We will measure success by A, B and C'
    (
        "scorecard_size",
        "pass",
        "We will measure success by weekly active households, the repeat purchase rate and "
        "the number of complaints.\n",
    ),
    # 'We will know it is working when X rises from A to B by <date>' frames a target
    (
        "baseline_target",
        "pass",
        "We will know it is working when same-week delivery rises from 81% to 95% by "
        "30 November.\n",
    ),
    # a target line's dates and numbers are not a list of measures
    (
        "scorecard_size",
        "pass",
        "## How we will measure\n"
        + "".join(f"- Metric {i}: 8{i}% (2025) to 9{i}% by Dec 31, 2026.\n" for i in range(6)),
    ),
]
CASES += FORMAT_CASES

# Second round: measure tags, scorecard Type columns, loose timing and delivery key results.
ROUND2_CASES: list[tuple[str, str, str]] = [
    (
        "leading_indicators",
        "pass",
        "O1 Shoppers come back every month (Owner: Mira Holt)\n"
        "- KR1 (lagging) repeat-purchase rate 21% -> 30% by 30 Sep\n"
        "- KR2 (leading) wishlists saved per week 900 -> 1,500 by 31 Aug\n",
    ),
    (
        "leading_indicators",
        "pass",
        "## Scorecard\n"
        "| Metric | Type | Now | Goal | Date |\n|---|---|---|---|---|\n"
        "| Paid renewals | lagging | 71% | 80% | 30 Sep |\n"
        "| Seats activated in week one | leading | 40% | 60% | 31 Jul |\n",
    ),
    (
        "baseline_target",
        "pass",
        "## Plant measures\n"
        "- Late orders (lagging): 9%, target 4% by 30 November 2026.\n"
        "- Rework hours per week: 120, target 60 by 31 October 2026.\n",
    ),
    (
        "baseline_target",
        "pass",
        "## Key results for Q3 2026\n"
        "Our first aim is that members stay with us.\n"
        "Key results: 64% of members renew within a year, up from 55% today.\n"
        "Our second aim is that members visit more.\n"
        "Key results: 3.1 visits per member each week, up from 2.4.\n",
    ),
    (
        "baseline_target",
        "pass",
        "## Results\n"
        "- Renewal rate: 70% to 78% by 30 Sep 2026.\n"
        "- Average basket: $41 to $47 by 30 Sep 2026.\n"
        "- App logins per member, target 4 a month (early signal for renewals)\n"
        "- Coupon redemption rate, target 30% (early signal for basket size)\n",
    ),
    (
        "milestones",
        "pass",
        "| Workstream | Lead | Milestone |\n|---|---|---|\n"
        "| New warehouse | Ola Berg | Racking in place by 12 Aug |\n"
        "| Returns portal | Tim Roe | All stores using it by 3 Sep |\n",
    ),
    (
        "milestones",
        "partial",
        "The new clinic should open to patients in the spring, and the mobile unit will "
        "start visits later in the year.\n",
    ),
    (
        "milestones",
        "pass",
        "O1 Modernise the stack (Owner: Kai Lund)\n"
        "- KR1 Migrate billing to the new ledger by 14 Aug\n"
        "- KR2 Release the partner API by 25 Sep\n",
    ),
]
CASES += ROUND2_CASES


@pytest.mark.parametrize(
    ("check_id", "expected", "snippet"),
    CASES,
    ids=[f"{c}-{e}-{i}" for i, (c, e, _) in enumerate(CASES)],
)
def test_check_status(check_id: str, expected: str, snippet: str) -> None:
    critique = critique_plan(TITLE + snippet)
    result = critique.check(check_id)
    assert result.status == expected, (result.finding, [e.quote for e in result.evidence])
    assert result.finding and result.suggestion


def test_every_check_has_pass_and_fail_cases() -> None:
    from assistant.critique import RUBRIC_IDS

    for check_id in RUBRIC_IDS:
        statuses = {e for c, e, _ in CASES if c == check_id}
        assert "pass" in statuses and ({"fail", "n/a"} & statuses), check_id


def test_passing_evidence_points_at_the_deciding_line() -> None:
    plan = TITLE + "## Initiatives\n- Checkout revamp — Owner: Ana Ruiz\n- Fraud — Owner: Li Wei\n"
    owners = critique_plan(plan).check("owners")
    assert owners.status == "pass"
    assert [e.line for e in owners.evidence] == [4, 5]
    assert owners.evidence[0].quote == "- Checkout revamp — Owner: Ana Ruiz"


# Forms found in real published plans (evals/plans_real/): whole documents, each a kind of case.
REAL_FORM_CASES: list[tuple[str, str, str]] = [
    # key results counted per period: two quarters of 6 each is not a scorecard of 12
    (
        "scorecard_size",
        "pass",
        "# Platform team OKRs\n\n## Q2 2026\n### Faster builds\n"
        + "".join(f"- Build step {i} under 2 minutes\n" for i in range(6))
        + "\n## Q1 2026\n### Faster builds\n"
        + "".join(f"- Test shard {i} under 5 minutes\n" for i in range(6)),
    ),
    # untagged key results under objective headings inside one quarter are measures
    (
        "scorecard_size",
        "fail",
        "# Quarterly Objectives and Key Results\n\n## 2026 Q2\n### Reliability\n"
        + "".join(f"- Service {i} meets its error budget\n" for i in range(7))
        + "### Performance\n"
        + "".join(f"- Endpoint {i} p95 under 300 ms\n" for i in range(6)),
    ),
    # objectives written as headings, two to four of them, are a short priority list
    (
        "priorities",
        "pass",
        "# Team OKRs\n\n## Q3 2026 OKRs\n#### Growth Objective — Find our first users\n"
        "- Sign 3 partners\n#### Tech Objective — Ship the MVP\n- Deploy to testnet\n"
        "#### Community Objective — Grow the community\n- 10 active members\n",
    ),
    (
        "priorities",
        "pass",
        "# Roadmap\n\n## Goals\n### Ship the 2.0 release\nText.\n### Better docs\nText.\n"
        "### Grow the community\nText.\n\n## Schedule\nBeta in March 2026.\n",
    ),
    # a quarter heading over a set of key results dates them
    (
        "milestones",
        "pass",
        "# Quarterly OKRs\n\n## 2026 Q1\n### Connectivity\n- Relay protocol implemented\n"
        "- Dial backoff in the connection manager\n",
    ),
    # involvement of another party is a dependency
    (
        "dependencies",
        "pass",
        "# Plan\n\n## Work\n- Rebuild the churn model together with the data team before June.\n"
        "- Owner: Ana Ruiz. Review weekly.\n",
    ),
    # negated or hedged exclusions are no exclusions
    (
        "exclusions",
        "fail",
        "# Plan\n\n## Out of scope\n- Nothing is out of scope; we will stay flexible.\n"
        "## Goals\n- Grow revenue 10% by Sep 2026 (owner: Ana)\n",
    ),
    # a section of leading indicators, its items untagged, beside the lagging results
    (
        "leading_indicators",
        "pass",
        "# Growth plan Q3 2026\n\n## Outcomes\n"
        "- Paid conversion from 3.1% to 4.0% by 30 Sep 2026 (owner: Ana)\n"
        "- Net revenue retention from 98% to 104% by 30 Sep 2026 (owner: Ben)\n"
        "## Leading indicators (weekly)\n- Trials reaching the aha moment in 3 days\n"
        "- Activated seats per new account\n",
    ),
    # OKRs scored at mid- and end-of-quarter: progress is looked at, but no review is set
    (
        "cadence",
        "partial",
        "# Layout team OKRs 2026 Q2 (scored)\n\n## Overview\n- Ship containment — Lee — 0.6\n"
        "- Flexbox matches the spec — Kim — 0.8\n",
    ),
    # dates that record the document or tell its history are not milestones
    (
        "milestones",
        "fail",
        "# Harbour works plan — team operating plan 2026\n\nDate: 2026-02-10 — Status: approved\n\n## Background\n"
        "The board adopted the plan on 3 March 2025.\n\n## Work\n- Rebuild the north quay\n"
        "- Replace the crane rails\n",
    ),
    # phases each given a deadline, dated by release names and one calendar date
    (
        "milestones",
        "pass",
        "# Migration plan — team operating plan 2026\n\n## Schedule\n- Phase 1: clients move (deadline R-8)\n"
        "- Phase 2: servers move by 14 May 2026\n- Phase 3: old API removed (deadline R-2)\n",
    ),
    # goals due only by the end of a year are placed loosely in time
    (
        "milestones",
        "partial",
        "# Library plan — team operating plan 2026\n\nBy the end of 2027:\n- a new catalogue search\n"
        "- late opening on two evenings\n- a repair café each month\n",
    ),
    # owners written as a field of each item, names or handles, one per item
    (
        "owners",
        "pass",
        "# Platform OKRs — team operating plan 2026\n\n## Key results\n- Cache layer in production — jdoe — 0.7\n"
        "- Remove the legacy queue — mtan — 1.0\n- Faster cold start — rvega — 0.4\n",
    ),
    # the plan's one champion owns its single goal; two co-champions share it
    (
        "owners",
        "pass",
        "# Retire the old build system — team operating plan 2026\n\n## Champion\nMarta Silva leads this goal.\n\n"
        "## Exceptions\n- Docs site: keeps the old system until June\n",
    ),
    (
        "owners",
        "partial",
        "# Retire the old build system — team operating plan 2026\n\n## Champions\nMarta Silva; Jonas Berg.\n\n"
        "## Steps\nEvery repository switches to the new runner by 30 June 2026.\n",
    ),
    # owners that are teams or roles, not people, are half an answer
    (
        "owners",
        "partial",
        "# Service desk plan — team operating plan 2026\n\n## Initiatives\n1. New intake form. Owner: Service Ops\n"
        "2. Self-service articles. Owner: Knowledge team\n",
    ),
    # a rule of procedure is no risk; an 'if' naming something going wrong, with a response, is
    (
        "risks",
        "fail",
        "# Working group charter — team operating plan 2026\n\n## Voting\n- If a member objects, the group votes.\n"
        "- If consensus fails, the chair decides.\n",
    ),
    (
        "risks",
        "pass",
        "# Release plan — team operating plan 2026\n\n## Steps\n- Freeze on 3 May. If the signing service slips past "
        "10 May, we ship unsigned nightlies only and move the release a week.\n",
    ),
    # 'decide whether X' is a task, not a decision right; a body with the final say is one
    (
        "decision_rights",
        "fail",
        "# Research roadmap — team operating plan 2026\n\n## Next\n- Decide whether to port the solver to GPUs\n"
        "- Then decide next steps for the plotting module\n",
    ),
    (
        "decision_rights",
        "pass",
        "# Docs team charter — team operating plan 2026\n\n## Governance\nThe steering committee has the final say on the "
        "style guide; only the committee can approve changes to this charter.\n",
    ),
    # a frequency that names a measure is no review rhythm
    (
        "cadence",
        "fail",
        "# Growth OKRs — team operating plan 2026\n\n## Key results\n- Monthly active users from 40k to 55k by June\n"
        "- Weekly average basket from 18 to 21 euros by June\n",
    ),
    # relative targets have no stated baseline; placeholder numbers are half a criterion
    (
        "baseline_target",
        "partial",
        "# Pipeline OKRs — team operating plan 2026\n\n## Key results\n- Fetch throughput +40%\n- Timeouts -25%\n"
        "- Cut failed jobs by 30%\n",
    ),
    (
        "baseline_target",
        "partial",
        "# Support OKRs — team operating plan 2026\n\n**O: Raise satisfaction from X% to Y%**\n- KR: New help centre live\n"
        "- KR: Chat launched\n",
    ),
    # objectives phrased as outcomes but never measured are half way
    (
        "outcome_metrics",
        "partial",
        "# Community OKRs — team operating plan 2026\n\n### Objective: Grow the contributor community\n- Run two sprints\n"
        "### Objective: Users trust the release process\n- Publish a release calendar\n",
    ),
    # a loose boundary ('within the current scope') is half an exclusion
    (
        "exclusions",
        "partial",
        "# Toolkit roadmap — team operating plan 2026\n\n## Aims\n- Keep the core tools solid within the current scope\n"
        "- Better plotting\n- Faster import\n",
    ),
    # one choice made in passing is not a direction stated as choices
    (
        "choices",
        "partial",
        "# Layout OKRs 2026 Q1 — team operating plan 2026\n\n## Notes\n- Grid study: paused so the owner could help on the "
        "text engine; slips to Q2.\n- Text engine: on track.\n",
    ),
    # 'Objective:' and 'Scope:' fields are not measures
    (
        "scorecard_size",
        "pass",
        "# Company OKRs — team operating plan 2026\n\n"
        + "".join(
            f"### OKR: Goal {i}\n- Scope: company-wide. Objective: improve area {i}.\n"
            f"- Timeframe: by 2026-07-31\n- Key results: increase usage of tool {i}\n"
            for i in range(1, 5)
        ),
    ),
]


@pytest.mark.parametrize(
    ("check_id", "expected", "text"),
    REAL_FORM_CASES,
    ids=[f"{c}-{e}-{i}" for i, (c, e, _) in enumerate(REAL_FORM_CASES)],
)
def test_real_plan_forms(check_id: str, expected: str, text: str) -> None:
    result = critique_plan(text).check(check_id)
    assert result.status == expected, (result.finding, [e.quote for e in result.evidence])
