"""Kinds of wording real plans use for direction, exclusions, dependencies and a few other
checks (#16, fourth and fifth rounds), each on a short plan written for the test, with the
near misses that must not count."""

from __future__ import annotations

import pytest

from assistant.critique import critique_plan

# enough of an ordinary plan around each snippet for the guard and the other checks
HEAD = "# Platform team plan, Q3 2026\n\n"
TAIL = ("\n\n## Review\n- Weekly review on Mondays (owner: Dana Okafor)\n"
        "- Ship the export API by 30 Sep 2026 (owner: Lee Park)\n")


def status(check: str, snippet: str) -> tuple[str, list[str]]:
    result = critique_plan(HEAD + snippet + TAIL).check(check)
    return result.status, [e.quote for e in result.evidence]


@pytest.mark.parametrize(("check", "expected", "snippet"), [
    # priorities: goals numbered as headings, a counted lead-in, labelled paragraphs
    ("priorities", "pass", "## Goal 1: Faster imports\nImports finish in an hour.\n\n"
                           "## Goal 2: Cheaper storage\nStorage per tenant halves.\n\n"
                           "## Goal 3: Happier contributors\nReviews within two days."),
    ("priorities", "pass", "## Three areas of focus\n1. Imports\n2. Storage\n3. Contributor experience"),
    ("priorities", "pass", "## Themes and goals\n**Trust**: people feel safe using the service.\n"
                           "**Inclusion**: everyone can take part.\n**Growth**: a thriving ecosystem."),
    ("priorities", "fail", "## Guardrail 1: Budget\nNo overspend.\n\n## Guardrail 2: Hiring\nNo new roles.\n\n"
                           "## Work\n- Imports\n- Storage\n- Docs\n- CI\n- Billing\n- Search\n- Mobile"),
    # choices: 'prioritised over' is a choice, 'prioritised over the next sprints' a time span
    ("choices", "partial", "## Direction\n- Calling C++ from Carbon is prioritised over the reverse direction."),
    ("choices", "fail", "## Direction\n- Billing is prioritised over the next two sprints."),
    # two choices, one with its cost, are the direction set out as choices
    ("choices", "pass", "## Choices\n- We focus on enterprise over self-serve; two small-team deals slip.\n"
                        "- We buy the checkout instead of building it."),
    # exclusions: excluded in so many words, a heading over the excluded items
    ("exclusions", "pass", "## Scope\n- Templates are excluded, as are coroutines."),
    ("exclusions", "pass", "## Not part of this release (left for later)\n- Longer-lived circuits\n- Cover traffic"),
    ("exclusions", "fail", "## About us\nWe are a tax-exempt charity serving three counties."),
    ("exclusions", "partial", "## Status\n- Internal builds: not scheduled yet."),
    # dependencies: work done with a body, another party's work needed first, a partners column
    ("dependencies", "pass", "## Timeline\n- Aug 14 - Sep 22: iterate with agencies on the draft"),
    ("dependencies", "pass", "## Work\n- Move alerts to Prometheus, which needs the infra team's server merge first"),
    ("dependencies", "pass", "## Initiatives\n| Item | Initiative | Leads and partners |\n| --- | --- | --- |\n"
                             "| 1.1 | Secure messaging | Digital Health Agency; state health departments |"),
    ("dependencies", "fail", "## Work\n- Iterate on the draft until it reads well\n- Polish the docs"),
])
def test_real_plan_wording(check: str, expected: str, snippet: str) -> None:
    got, quotes = status(check, snippet)
    assert got == expected, (got, quotes)


def test_topic_labels_are_not_owners_but_executives_are():
    topics = ("## Priorities\n- Security: rotate keys by 30 Sep\n- Finance: close the books monthly\n"
              "- Marketing: launch the spring campaign\n- Timeline: all by end of Q3\n- Budget: 40k for tools\n")
    tools = "## Priorities\n- Cargo: rewrite the build cache\n- Cisco: replace the appliances\n- VPN: move staff\n"
    executives = ("## Priorities\n- CRO: grow revenue from higher tiers\n- CMO: recharge inbound marketing\n"
                  "- VPE: make the site profitable\n")
    plan = "# Plan\n\n{}\n## Review\nWeekly review on Mondays.\n"
    assert critique_plan(plan.format(topics)).check("owners").status == "fail"
    assert critique_plan(plan.format(tools)).check("owners").status == "fail"
    assert critique_plan(plan.format(executives)).check("owners").status == "pass"


def test_money_coming_in_or_measures_are_no_capacity():
    income = "## Budget\n| Source | Share |\n| --- | --- |\n| Grants | 60% |\n| Donations | 40% |"
    kpis = "## Resources\n| KPI | Target |\n| --- | --- |\n| Uptime | 99% |\n| NPS | 40% |"
    spend = "## Budget\n| Use | Monthly |\n| --- | --- |\n| Salaries | $82,384 |\n| Audits | $25,000 |"
    assert status("capacity", income)[0] == "fail"
    assert status("capacity", kpis)[0] == "fail"
    assert status("capacity", spend)[0] == "pass"


def test_a_schedule_of_something_else_is_no_review_and_a_task_is_no_decider():
    changelog = "# Plan\n## Priorities\n1. Billing\n2. Churn\n- The changelog is updated monthly\n" \
                "## Goals\n- Ship the export API by 30 Sep 2026 (owner: Lee Park)\n- Cut churn to 3% by Q4\n"
    assert critique_plan(changelog).check("cadence").status == "fail"
    tasks = "## Work\n- Run the pilot with two teams and then decide\n- Collect feedback, then decide next steps"
    assert status("decision_rights", tasks)[0] == "fail"
