"""Outcomes check: are the plan's objectives outcomes (a change in what customers do, or in a
business metric) or outputs (things to ship)?

Objectives are the OKR objectives, the items of a priority list and, in a set of OKRs, the
headings its key results sit under. A goal measured as a change ('Retention 71% -> 76%') is a
measured outcome; one phrased as an outcome but never measured ('Users trust the product',
'Grow the user base') is half way; 'Launch X' is an output.
"""

from __future__ import annotations

import re

from assistant.critique.base import Verdict, evidence, in_topics, line_refs, short, titled
from assistant.critique.parse import Line, Plan
from assistant.critique.patterns import IC, OKR_TITLE
from assistant.critique.targets import goal_lines, is_output, is_target_line, quantified_outcome

# an objective phrased as a change in a quantity ('Grow paying subscribers', 'Cut scrap')
_CHANGE_AIM = re.compile(
    r"^(?:[A-Z]{1,3}\d+(?:\.\d+)*\W*\s*)?(?:grow|increase|raise|reduce|cut|lower|decrease|"
    r"double|halve|recover|retain|win back)\b",
    IC,
)
# an objective that is a thing to ship ('Launch the app', 'O3 Open the new depot')
_SHIP_AIM = re.compile(
    r"^(?:[A-Z]{1,3}\d+(?:\.\d+)*\W*\s*)?(?:launch|ship|build|release|deliver|implement|"
    r"deploy|roll(?:-| )?out|open|migrate|move|commission|install|redesign|rebuild|introduce|"
    r"create|develop|set up|stand up|go live|publish|replace|upgrade|finalis|finaliz)\w*\b",
    IC,
)
_WHO = (
    r"(?:users?|customers?|members?|community|communities|students?|residents?|families|"
    r"developers?|contributors?|maintainers?|citizens?|patients?|people|partners?|clients?|"
    r"subscribers?|readers?|visitors?|buyers?|shoppers?|teachers?|learners?|operators?|"
    r"adopters?|leaders?|donors?|volunteers?|employees?|staff)"
)
# an outcome in words, unmeasured: a change aim with a people or metric object, a perception,
# or people doing something ('Users adopt X', 'Find our first customers', 'seen as the go-to')
_PHRASED_OUTCOME = re.compile(
    rf"^\W*(?:\w+\s+and\s+)?(?:grow|increase|raise|reduce|cut|lower|decrease|double|halve|improve|shrink|boost|"
    rf"expand|widen|deepen|strengthen|retain|keep|win|empower|engage)\b[^.;]{{0,40}}\b(?:{_WHO}|rates?|"
    r"retention|satisfaction|adoption|usage|engagement|attrition|churn|gaps?|trust|"
    r"reach|participation|completion|conversion|revenue|costs?)\b|"
    r"\b(?:is|are|be|being)\s+(?:widely\s+)?(?:seen|known|recogni[sz]ed|trusted|regarded|"
    r"perceived|chosen|preferred)\s+as\b|\bthe go-?to\b|"
    rf"\bfind\s+(?:our\s+)?(?:first\s+)?{_WHO}|\b(?:successful|happy|satisfied|engaged|"
    rf"loyal|returning|active)\s+{_WHO}|"
    rf"\b{_WHO}\s+(?:can\s+|will\s+|who\s+)?(?:adopt|use|choose|return|stay|trust|value|"
    r"succeed|engage|rely|recommend|prefer|complete|renew)\w*\b|"
    r"\b(?:better|improved)\s+outcomes\s+for\b|\bunique value\b|"
    # a time the people served wait, made shorter: 'shorten our lead-to-proposal time'
    r"^\W*(?:shorten|speed up)\b[^.;]{0,40}\b(?:time|times|cycle|wait\w*)\b",
    IC,
)
# an update or note on progress, not a goal ('Fall update: ...', 'Status: ...')
_PROGRESS_LABEL = re.compile(r"\b(?:update|updates|progress|status|notes?|result so far)$", IC)
# headings that name an objective ('Growth Objective — Find users', 'Objective: X', 'OKR: X')
_OBJECTIVE_HEAD = re.compile(r"\b(?:objective|okr)\b\s*(?:[:—–-]|\d+\s*[:—–-])\s*(?P<aim>.+)$", IC)
# headings that are not an objective in a set of OKRs: periods, method and meta sections
_NOT_OBJECTIVE = re.compile(
    r"^\W*(?:(?:q[1-4]|h[12]|fy\s?\d{2,4})\b|(?:19|20)\d\d\b)|\b(?:what (?:is|are)|process|"
    r"guidelines?|ids?|transparency|tracking|glossary|definitions?|format|vision|mission|"
    r"overview|details|notes?|previous|archive\w*|current)\b",
    IC,
)


# goals enumerated inline: 'Our three goals: (1) ship X; (2) grow Y ...'
_GOALS_LEAD = re.compile(r"\b(?:goals?|objectives?|priorities|aims)\b", IC)
_ENUMERATOR = re.compile(r"\(\d{1,2}\)\s*|(?:^|[;:]\s*)\d{1,2}[.)]\s+")
# the plan says its goals are measured, without giving the measures
_MEASURES_SAID = re.compile(
    r"\bperformance[- ]measures?\b|\b(?:kpis?|measures|metrics|targets)\b[^.;]{0,60}?\b(?:adopt|"
    r"set|track|report|develop|associat|reflect)\w*|\b(?:adopt|set|track|report|develop)\w*\b"
    r"[^.;]{0,40}?\b(?:measures|kpis|metrics|targets|actuals)\b",
    IC,
)


# a goal stated as a change in a quantity by a share: 'Grow membership by 20%', 'Reduce bug
# count by 15%', 'participation grows 3% a year', 'engagement up 50% on last year'
_SHARE_CHANGE = re.compile(
    r"\b(?:grow|increase|raise|reduce|cut|lower|decrease|lift|boost)\w*\b[^.;:]{0,50}?\bby\s+"
    r"(?:at least\s+|about\s+)?\d+(?:\.\d+)?\s?%|"
    r"\b\w+\s+(?:grows?|rises?|up|down|falls?)\s+(?:by\s+)?\d+(?:\.\d+)?\s?%\s+(?:a|per|each|"
    r"in each|on|over)\b",
    IC,
)


def _share_changes(plan: Plan) -> list[Line]:
    """Goal lines, key results or list items that set a change by a share, not a history."""
    return [
        ln
        for ln in plan.body_lines()
        if ln.kind in ("item", "table", "text")
        and not in_topics(ln, "risks", "context")
        and (ln.kind != "text" or ln.okr or in_topics(ln, "metrics", "priorities"))
        and _SHARE_CHANGE.search(ln.plain)
    ]


def _inline_aims(plan: Plan) -> list[tuple[Line, str]]:
    """Goals enumerated inside one line of prose, each with the line it sits on."""
    out: list[tuple[Line, str]] = []
    for ln in plan.body_lines():
        if ln.kind != "text" or not _GOALS_LEAD.search(ln.plain):
            continue
        parts = _ENUMERATOR.split(ln.plain)
        if len(parts) >= 3:
            last = re.split(r"(?<=[a-z)])\.\s", parts[-1])[0]
            out += [(ln, p.strip(" ;,.")) for p in [*parts[1:-1], last] if p.strip(" ;,.")]
    return out


def _objectives(goals: list[Line]) -> list[Line]:
    """The objective-level goals: OKR objectives and items of a priorities list."""
    return [
        ln
        for ln in goals
        if ln.okr == "O"
        or (
            ln.kind == "item"
            and not ln.okr
            and in_topics(ln, "priorities")
            and not in_topics(ln, "metrics")
        )
    ]


def _aim(line: Line) -> str:
    """What an objective heading aims at: the text after 'Objective —' when it has one."""
    named = _OBJECTIVE_HEAD.search(line.plain)
    return named.group("aim").strip() if named else line.plain


def _objective_headings(plan: Plan) -> list[Line]:
    """Headings that are objectives: named so ('Objective: ...'), or in a set of OKRs the
    headings its key results sit under."""
    okr_set = titled(plan, OKR_TITLE)
    out = []
    for section in plan.sections[1:]:
        head = section.header
        if head is None or head.kind != "header" or in_topics(head, "risks", "context"):
            continue
        items = [ln for ln in section.lines if ln.kind in ("item", "table")]
        if _OBJECTIVE_HEAD.search(head.plain) or (
            okr_set and items and not _NOT_OBJECTIVE.search(head.plain)
        ):
            out.append(head)
    return out


def _result_rows(plan: Plan) -> list[Line]:
    """Rows of a results table that name a deliverable ('| Deploy the app | ... |')."""
    return [
        ln
        for ln in plan.body_lines()
        if ln.kind == "table"
        and ln.cells
        and in_topics(ln, "metrics")
        and is_output(next(iter(ln.cells.values())))
        and not is_target_line(ln)
    ]


def _goals(plan: Plan) -> list[Line]:
    goals = [ln for ln in goal_lines(plan) if not _PROGRESS_LABEL.search(ln.label)]
    return goals + [ln for ln in _result_rows(plan) if ln not in goals]


def check_outcome_metrics(plan: Plan) -> Verdict:
    """Pass: objectives are phrased as measured outcomes, not as things to ship."""
    goals = _goals(plan)
    headed = _objective_headings(plan)
    outcomes = [ln for ln in goals if quantified_outcome(ln)]
    outputs = [ln for ln in goals if is_output(ln.plain) and ln not in outcomes]
    objectives = _objectives(goals) + headed
    shipped = [ln for ln in objectives if ln not in outcomes and _SHIP_AIM.match(_aim(ln))]
    # measured results elsewhere do not make up for objectives that are things to ship
    mixed = bool(shipped) and len(shipped) * 3 >= len(objectives)
    if mixed:
        outputs = list(dict.fromkeys(shipped + outputs))
    aims = [ln for ln in objectives if _CHANGE_AIM.match(_aim(ln)) and ln not in outputs]
    if not outcomes and shipped and aims and any(is_target_line(ln) for ln in goals):
        outcomes = aims  # a mix of outcome aims and outputs among the objectives
    # each aim: (its line, its words); an enumerated line gives one aim per item
    inline = _inline_aims(plan)
    aims_of = [(ln, _aim(ln)) for ln in objectives] + inline
    phrased_aims = [ln for ln, aim in aims_of if ln not in outputs and _PHRASED_OUTCOME.search(aim)]
    rivals = [ln for ln in objectives if ln in outputs or ln in shipped]
    rivals += [ln for ln, aim in inline if _SHIP_AIM.match(aim)]
    # key results phrased as a change in a named metric, one per clause ('increase X; grow Y')
    clauses = {
        ln.number: sum(1 for c in re.split(r";\s*", _aim(ln)) if _PHRASED_OUTCOME.search(c.strip()))
        for ln in goals
        if ln not in outputs and ln not in objectives
    }
    phrased = [
        ln
        for ln in goals
        if clauses.get(ln.number) or (ln not in outputs and _PHRASED_OUTCOME.search(ln.plain))
    ]
    if not aims_of:
        rivals = outputs
    # unmeasured outcome phrasing is half way only where it is not outnumbered by outputs
    enough = len(phrased_aims) + sum(clauses.values()) >= len(rivals)
    phrased = list(dict.fromkeys(phrased_aims + phrased))
    said = [ln for ln in plan.body_lines() if _MEASURES_SAID.search(ln.plain)]
    listed = objectives or [ln for ln in goals if ln.kind == "item" and not ln.okr]
    if not outcomes and not phrased and said and listed and not mixed:
        return Verdict(
            "partial",
            evidence(said[:2] + listed[:2]),
            f"The plan says its goals are measured ({line_refs(said)}) but shows none of the "
            "measures; the goals read as aims.",
            f"Show the measure under each goal, starting with '{short(_aim(listed[0]), 40)}' "
            f"(line {listed[0].number}): 'Raise <metric> from <baseline> to <target> by <date>'.",
        )
    shares = [] if outcomes or phrased else _share_changes(plan)
    if shares:
        return Verdict(
            "partial",
            evidence(shares),
            f"Some goals are a change by a share ({line_refs(shares)}), but none says where the "
            "metric stands, so the outcome cannot be checked.",
            f"State the starting value of '{short(shares[0].plain, 50)}' (line "
            f"{shares[0].number}): 'Raise <metric> from <baseline> to <target> by <date>'.",
        )
    if not outcomes and phrased and enough:
        first = phrased[0]
        return Verdict(
            "partial",
            evidence(phrased[:3] + outputs[:2]),
            f"Some objectives are phrased as outcomes ({line_refs(phrased)}) but none is "
            "measured"
            + (
                f", and {len(outputs)} goals are outputs ({line_refs(outputs)})."
                if outputs
                else "."
            ),
            f"Measure '{short(_aim(first), 50)}' (line {first.number}): 'Raise <the metric that "
            "shows it> from <baseline> to <target> by <date>'.",
        )
    if not outcomes:
        shown = outputs or goals
        example = shown[0].plain if shown else "<deliverable>"
        return Verdict(
            "fail",
            evidence(shown),
            "Objectives are outputs or vague aims"
            + (f" ({line_refs(outputs)})" if outputs else "")
            + "; none is a measurable change in customer behaviour or a business metric.",
            f"Rewrite '{short(example, 50)}' as an outcome: 'Raise <customer behaviour or "
            "metric> from <baseline> to <target> by <date>' and keep the deliverable as the "
            "initiative beneath it.",
        )
    if len(outputs) * 2 > len(outcomes) or mixed:
        first = outputs[0]
        return Verdict(
            "partial",
            evidence(outcomes[:2] + outputs[:3]),
            f"{len(outcomes)} goal(s) are outcomes but {len(outputs)} are outputs "
            f"({line_refs(outputs)})"
            + (f", {len(shipped)} of {len(objectives)} objectives among them." if mixed else "."),
            f"Rewrite '{short(first.plain, 50)}' (line {first.number}) as the change it should "
            "cause: 'Raise <metric> from <baseline> to <target> by <date>'.",
        )
    return Verdict(
        "pass",
        evidence(outcomes),
        f"Objectives are stated as measured outcomes ({line_refs(outcomes)}).",
        "Keep deliverables as initiatives beneath these outcomes, not as goals.",
    )
