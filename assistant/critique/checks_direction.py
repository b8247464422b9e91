"""Direction checks: explicit choices, exclusions, and a short priority list."""

from __future__ import annotations

import re

from assistant.critique.base import (
    MD_LEVEL,
    Verdict,
    evidence,
    heading_level,
    in_topics,
    is_conditional,
    line_refs,
    plan_period,
    short,
    titled,
)
from assistant.critique.parse import Line, Plan
from assistant.critique.patterns import (
    COUNT_WORD,
    IC,
    MONTH,
    PERIOD_HEAD,
    TEAM_HEAD_RE,
    count_value,
    has_specific_date,
)

# --- choices ---------------------------------------------------------------------------------
CHOICE_RE = re.compile(
    r"\brather than\b|\binstead of\b|\binstead\b|\bin favou?r of\b|\bat the expense of\b|"
    r"\bin exchange for\b|\bversus\b|\bvs\.? (?=[a-z])|"
    r"\b(?:prioriti[sz]e|prioriti[sz]ed|prioriti[sz]ing|favou?r|favou?red|favou?ring|preferred|choose|choosing|chose|chosen|pick|picking|"
    r"bet(?:ting)? on|focus(?:ing)?(?: exclusively)? on|optimi[sz]e(?: for)?|put|invest in)\b"
    # 'A over B', not 'over the next two sprints' (a time span)
    r"[^.;]{0,80}?\bover\b(?!\s+(?:the\s+)?(?:next|coming|past|last|first|following|\d))|"
    r"\bwe (?:are |will |have )?(?:choose|choosing|chose|chosen|opt|opting|opted|pick|picked|"
    # 'our choice', not 'a choice-filled future'
    r"betting|bet)\b|\b(?:our|the|a|this) (?:strategic |key |big )?(?:choice|bet)\b(?!-)|"
    # one thing given for another: 'trades single-core speed for parallelism'; a pace cut on
    # purpose: 'deliberately slow down new features to fix the foundations'
    r"\b(?:trades|trading|traded|we trade)\b[^.;]{0,50}?\bfor\b|\bdeliberately\s+(?:slow\w*|reduc\w*|limit\w*|"
    r"pause\w*|cut\w*|narrow\w*|delay\w*)\b|"
    r"\bchoice:|\bmaking (?:" + COUNT_WORD + r") (?:strategic )?choices\b|\bexclusively\b|"
    r"\bconcentrate (?:on|our)\b[^.;]{0,60}\bonly\b|,\s*not (?:on|in|for|the|a|an|by)\b|"
    r"\band not (?:on|in|for)\b|\bwins? over\b|\bcomes? (?:before|ahead of)\b|"
    # 'A ahead of B', not 'ahead of summer' or 'ahead of the launch'
    rf"\bahead of\b(?!\s+(?:the\s+)?(?:summer|winter|spring|autumn|fall|schedule|time|launch|"
    rf"season|holidays?|deadline|release|q[1-4]\b|\d|{MONTH}\b|next\b|this\b))|"
    r"\bsay(?:s|ing)? no to\b|\brejected\b|\branks? (?:below|above|behind|ahead of)\b|"
    # work given up for other work: 'paused so the lead could help on X', 'delayed for Y'
    r"\b(?:dropped|de-?emphasi[sz]ed|deprioriti[sz]ed|delayed|paused|deferred|postponed|"
    r"descoped|shelved)\b[^.;]{0,25}?\b(?:so|for|because|in favou?r of|to make room)\b|"
    r"\bthe only\b[^.;]{0,60}\ballowed\b|\bweigh\w*\s+(?:the\s+)?costs? and benefits\b|"
    r"\btrade-?offs? (?:must|need to|will|have to) be (?:managed|weighed|made)\b",
    IC,
)
_STATED_CHOICE = re.compile(
    r"\brather than\b|\binstead of\b|\bin favou?r of\b|\bat the expense of\b|\bover\b|"
    r"\bversus\b|\bvs\b|\bwe (?:are |will |have )?(?:choose|choosing|chose|chosen|opt\w*|pick\w*|"
    r"bet\w*)\b|\b(?:choice|bet)\b(?!-)|\b(?:trades|trading|traded|we trade)\b[^.;]{0,50}?\bfor\b|"
    r"\bdeliberately\b",
    IC,
)
_OVER_TITLE = re.compile(
    r"^[A-Za-z][A-Za-z\s/&'’+,-]{1,60}?\bover\b(?!\s+(?:the\s+)?(?:next|coming|past|last|first|"
    r"following)\b)[A-Za-z\s/&'’+-]{2,60}?[.:]"
)
CONSEQUENCE_RE = re.compile(
    r"\b(?:trade-?offs?|consequences?|price|cost|costs|costing|downside|this means|that means|"
    r"which means|means|meaning|we accept|accepting|accept|at the cost of|even though|although|"
    r"lose|loses|losing|slip|slips|delay|delays|delayed|dropped|drops|forego(?:ne)?|foregone|"
    r"give up|giving up|sacrific\w*|limits?|limiting|at risk|in exchange for|attrition|heat|"
    r"complaints?|slower|lower|fewer|less|disappoint\w*|will not get|won't get|pause[sd]?|"
    r"wait|waits|stays?|remains?|live with|exit|exits|cut|cuts|stop|stops|no longer|"
    r"moves? to|pushed|deferred|postponed|fall back|impact|hit|penalt\w+|as a result|shrink\w*|"
    r"in return|result(?:s|ing)? in)\b",
    IC,
)


def _choice_lines(plan: Plan) -> list[Line]:
    found = []
    for ln in plan.body_lines():
        aside = is_conditional(ln) or in_topics(ln, "risks", "dependencies", "exclusions")
        if (aside and not in_topics(ln, "choices")) or ln.okr or ln.kind == "table":
            continue
        marked = CHOICE_RE.search(ln.plain) or _OVER_TITLE.match(ln.plain)
        if marked or (in_topics(ln, "choices") and CONSEQUENCE_RE.search(ln.plain)):
            found.append(ln)
    return found


def check_choices(plan: Plan) -> Verdict:
    """Pass: the direction is stated as explicit choices, each with a consequence."""
    choices = _choice_lines(plan)
    with_cost = [ln for ln in choices if CONSEQUENCE_RE.search(ln.plain)]
    without = [ln for ln in choices if ln not in with_cost]
    if not choices:
        return Verdict(
            "fail",
            finding="No explicit choices: the plan lists what it will do but never what it "
            "chooses over what, or what that costs.",
            suggestion="Add a 'Choices' section with 2-3 lines like: 'Choice: <A> over <B>. "
            "Trade-off: <what we give up, e.g. two enterprise deals slip to next quarter>.'",
        )
    enough = len(with_cost) >= min(2, len(choices)) and len(with_cost) * 3 >= len(choices) * 2
    # one choice passes only when stated as the plan's choice ('A over B', under 'Choices'),
    # not when it is a passing aside ('X was paused so ...', 'a tool, not the aim')
    stated = [ln for ln in with_cost if in_topics(ln, "choices") or _STATED_CHOICE.search(ln.plain)]
    enough = enough and (len(with_cost) >= 2 or bool(stated))
    # the direction set out as several choices, one of them with its cost stated: the others'
    # costs are read as implied (how careful readers judge real plans)
    enough = enough or (len(choices) >= 2 and bool(with_cost))
    if enough:
        return Verdict(
            "pass",
            evidence(with_cost),
            f"States {len(with_cost)} explicit choice(s) with their consequence or trade-off "
            f"({line_refs(with_cost)}).",
            "Keep each choice paired with its cost; check that teams can name what changed in "
            "their weekly plan because of it.",
        )
    first = without[0] if without else choices[0]
    if not without:
        return Verdict(
            "partial",
            evidence(choices),
            f"States one choice with its cost ({line_refs(choices)}), in passing; the direction "
            "itself is not set out as choices.",
            "Add the two or three choices the plan rests on, each as 'Choice: <A> over <B>. "
            "Trade-off: <what we give up>.'",
        )
    return Verdict(
        "partial",
        evidence(choices),
        f"Makes choices ({line_refs(choices)}) but {len(without)} of {len(choices)} give no "
        "consequence or trade-off.",
        f"Add the cost to '{short(first.plain, 60)}' (line {first.number}): "
        "'Trade-off: <what we give up or who is disappointed>.'",
    )


# --- exclusions ------------------------------------------------------------------------------
EXCLUSION_RE = re.compile(
    r"\bnot doing\b|\bwon'?t (?:do|build|pursue|launch|offer|support|ship|enter|fund|chase|"
    r"take on|be doing|invest|expand|add|work on|start)\b|\b(?:we|i|the team) (?:will|shall) not\b|"
    r"\bwe won'?t\b|\bwe are not (?:doing|building|pursuing|launching|going to|investing|expanding|"
    r"entering|offering|taking on|starting|working on)\b|\bout of scope\b|\bnot in scope\b|"
    r"\boutside (?:the |our )?scope\b|\bnon-?goals?\b|\bcut list\b|\bsay(?:ing)? no to\b|"
    r"\bde-?prioriti[sz]\w*|\bparked\b|\bpark(?:ing)? (?:the|it|them|until)\b|\bshelved?\b|"
    r"\bon hold\b|\bnot (?:this|next) (?:quarter|half|year|sprint|release|cycle)\b|"
    r"\bnot in (?:this|the|v\d|1\.0|h[12]|q[1-4]|fy\S*|20\d\d)\b|"
    r"\bstop(?:ping)? (?:doing|enrolling|offering|supporting|building|selling|running|work on|"
    r"investing|funding)\b|\bno new\b|\b(?:is|are|will be|gets?) (?:dropped|descoped|de-scoped|"
    r"deferred|postponed|sunset)\b|\bnot part of\b|\bpermanent no\b|\boff the table\b|"
    r"\bnot (?:going|planning) to\b|\bleav(?:e|ing) (?:\w+ )?alone\b|\bhold(?:ing)? off\b|"
    r"\bwon'?t touch\b|\bnot (?:pursue|pursuing|prioriti[sz]e|fund|funding|invest|investing)\b|"
    r"\bwe (?:are|will be|'re) (?:dropping|pausing|killing|sunsetting|stopping|shelving)\b|"
    r"\bsunset(?:ting)?\b|\bexplicitly (?:not|excluded?)\b|\bexclusions?\b|"
    r"\bno longer (?:support|offer|ship|do|fund|build|maintain|accept|run|provide|sell|invest|"
    r"pursue|work on|develop)\w*\b|\bno [\w\s/-]{0,30}?(?:work|effort|investment|features?|"
    r"development) (?:is|are|will be) (?:planned|scheduled|funded)\b|"
    r"\bdefer(?:red|ring)? (?:to|until)\b|\bparking lot\b|\bnot now\b|"
    # a decision against some work, or work put aside: 'we have decided against that',
    # 'ideas set aside', 'parked on the back burner'
    r"\b(?:decided|decides|chose|choose) (?:against|not to)\b|\bset aside\b|\bback burner\b|"
    # work excluded, exempted or removed from the plan in so many words
    r"\b(?:is|are|will be|remain|remains) (?:\w+ )?(?:excluded|exempted)\b|\bexempted from\b|"
    r"\b(?:deprecated and )?removed (?:from (?:the |this )?(?:roadmap|plan|scope)|items)\b|"
    r"\bwill be deprecated\b",
    IC,
)
PLACEHOLDER_RE = re.compile(
    r"^\W*(?:tbd|tbc|n/?a|none(?: yet| so far| identified)?(?: at this stage| yet)?|"
    r"to be (?:confirmed|decided|defined|agreed|determined)|nothing|later|-+|\?+)\W*$",
    IC,
)


# an exclusion negated or hedged away: 'nothing is out of scope', 'we will stay flexible',
# 'no exclusions', 'we rule nothing out'
NEGATED_EXCLUSION_RE = re.compile(
    r"\bnothing (?:is |will be |here is )?(?:out of scope|off the table|excluded|ruled out|"
    r"parked|deprioriti[sz]ed)|\bno (?:exclusions|non-?goals|(?:hard )?limits)\b|"
    r"\b(?:stay|remain|keep|staying|remaining|keeping) (?:\w+ )?(?:flexible|open to|agile)\b|"
    r"\brul(?:e|es|ing) (?:nothing|none of (?:this|these|them)) out\b|\bnot rul(?:e|ing) out\b|"
    r"\beverything (?:is |stays |remains )?(?:in scope|on the table)\b",
    IC,
)
# a boundary drawn loosely: 'within the current scope', 'X is not covered', 'leaving some
# goals out' (half an exclusion: it does not say what is left out, or only of the document)
_LOOSE_EXCLUSION = re.compile(
    r"\bwithin (?:the |our )?(?:current|existing|present) scope\b|(?<!and )\b(?:is|are) not "
    r"(?:covered|included)\b|\bonly\b[^.;]{0,60}\b(?:are|is) (?:covered|included)\b|\bleav(?:e|es|ing) (?:\w+ ){0,3}out\b|\bnot (?:be )?(?:covered|included) "
    r"(?:here|in this)\b|"
    # work left unscheduled, or some of it to be trimmed, without saying which
    r"\bnot (?:yet )?scheduled\b|\bno plans (?:\w+ ){0,2}(?:time|now|yet)\b|"
    r"\bdrop (?:some|a few|the) (?:[\w-]+ ){0,3}(?:issues|items|tasks|features|work)\b",
    IC,
)
# a tally by status ('| Paused | 4.1 |'): how much work sits in each state, not a decision
_STATUS_TALLY = re.compile(r"^[\w\s/-]{2,24}\|\s*[\d.,%\s|]+$")


def _is_placeholder(text: str) -> bool:
    return bool(PLACEHOLDER_RE.match(text.strip()))


def check_exclusions(plan: Plan) -> Verdict:
    """Pass: the plan says what will not be done."""
    found = _exclusion_lines(plan)
    if found:
        return Verdict(
            "pass",
            evidence(found, EXCLUSION_RE),
            f"Says what will not be done ({line_refs(found)}).",
            "Keep the not-doing list visible next to the priorities and say when each item "
            "will be reconsidered.",
        )
    return _no_exclusions(plan)


def _exclusion_lines(plan: Plan) -> list[Line]:
    """The lines that say what will not be done (stated so, or listed under a not-doing
    heading), without negated or hedged ones."""
    stated = [
        ln
        for ln in plan.body_lines()
        if EXCLUSION_RE.search(ln.plain)
        and not is_conditional(ln)
        and not NEGATED_EXCLUSION_RE.search(ln.plain)
        and not (ln.kind == "table" and _STATUS_TALLY.match(ln.plain))
    ]
    listed = [
        ln
        for ln in plan.with_topic("exclusions")
        if not _is_placeholder(ln.body)
        and not is_conditional(ln)
        and not NEGATED_EXCLUSION_RE.search(ln.plain)
        and not (ln.kind == "table" and not ln.cells)  # a table's header row
        # a dated line under 'Later' is scheduled, not excluded
        and (EXCLUSION_RE.search(ln.plain) or not has_specific_date(ln.plain))
    ]
    # a heading that says what is excluded ('Not part of this milestone:', 'Removed items') over
    # the items it excludes, whatever topic its other words give it
    headed: list[Line] = []
    for head in plan.content():
        if _is_heading(head) and EXCLUSION_RE.search(head.plain) and not NEGATED_EXCLUSION_RE.search(head.plain):
            items = [ln for ln in _items_after(plan, head)
                     if not _is_placeholder(ln.body) and not NEGATED_EXCLUSION_RE.search(ln.plain)]
            headed += [head, *items] if items else []
    return sorted(set(stated) | set(listed) | set(headed), key=lambda ln: ln.number)


def _no_exclusions(plan: Plan) -> Verdict:
    """The verdict of a plan that says nothing is excluded in so many words."""
    empty_sections = [ln for ln in plan.with_topic("exclusions") if _is_placeholder(ln.body)]
    period = plan_period(plan)
    loose = [
        ln
        for ln in plan.body_lines()
        if _LOOSE_EXCLUSION.search(ln.plain) and not NEGATED_EXCLUSION_RE.search(ln.plain)
    ]
    if loose:
        return Verdict(
            "partial",
            evidence(loose, _LOOSE_EXCLUSION),
            f"Draws a boundary ({line_refs(loose)}) but does not say which work is left out.",
            f"Name it: 'Not doing in {period}: <initiative>, <request> (parked until <date>).'",
        )
    if empty_sections:
        return Verdict(
            "partial",
            evidence(empty_sections),
            "Has a place for what will not be done, but it is empty or to be decided.",
            f"Fill it: 'Not doing in {period}: <item>, <item> (parked until <date>).'",
        )
    return Verdict(
        "fail",
        finding="Never says what will not be done, so every request still competes for the "
        "same people.",
        suggestion=f"Add a line: 'Not doing in {period}: <initiative>, <request> (parked "
        "until <date>), <segment we will say no to>.'",
    )


# --- priorities ------------------------------------------------------------------------------
EVERYTHING_RE = re.compile(
    r"\b(?:all|every|both)\b(?!\s+(?:else|other|others|remaining|the rest|non))[^.;:\n]{0,50}?"
    # 'all P0s' of a plan, not 'all P0/P1 bugs' (a bug's severity is no plan priority)
    r"\b(?:p0s?(?![/\w]|\s+(?:bugs?|issues?|incidents?|tickets?|fixed|defects?))|"
    # 'critical' as a verdict ('all of these are critical'), not a severity ('critical bugs')
    r"top[- ]priorit\w*|priorit\w*|critical(?!\s+[a-z])|must[- ]haves?|equally (?:important|"
    r"weighted|urgent))\b|"
    # predicate use only ("these are equally important"), not "Equally important is what ..."
    r"\b(?:is|are|be|being|remain|remains|treated as|seen as)\s+(?:all\s+|both\s+)?"
    r"equally (?:important|weighted|urgent|critical)\b|"
    r"\beverything (?:is|here is) (?:a )?(?:top )?priorit|\bno (?:requirement|item|feature|"
    r"project|initiative)s? (?:can|will|may) be (?:deferred|cut|dropped|descoped|deprioriti[sz]ed)",
    IC,
)
_COUNTED = re.compile(
    r"\b(?:top[\s-]+)?(" + COUNT_WORD + r")\s+(?:top\s+|key\s+|main\s+|big\s+|strategic\s+)?"
    r"(?:priorities|things that matter(?: most)?|bets|must-?wins|focus areas|p0s|goals|"
    r"objectives|themes|pillars|okrs|areas of focus|categories of action|strands|workstreams|"
    r"parts(?=\s*[:.]))\b",
    IC,
)
# a heading (or a 'Goals for this phase:' lead-in) over a short set of goals, objectives or themes
_GOAL_HEAD = re.compile(
    r"\b(?:goals|objectives|themes|pillars|(?:focus|key|priority) areas|areas of (?:focus|"
    r"responsibility|work)|okrs|objectives and key results)\b",
    IC,
)
# a lead-in naming the priorities themselves ('This quarter the priorities are:'): what follows
# is the list, as headings or items
_PRIORITIES_LEAD = re.compile(r"\bpriorities\b[^.;]{0,30}:\s*$", IC)
_SINGLE = re.compile(
    r"\b(?:our|the|my|one)\s+(?:single\s+|one\s+|only\s+|top\s+|number[- ]one\s+|#1\s+|main\s+)+"
    r"(?:priority|focus|goal)\b(?:\s+\w+){0,3}?\s+(?:is|will be)\b",
    IC,
)
_ENUMERATED = re.compile(r"\(\d{1,2}\)|(?:^|\s)\d{1,2}\)\s|(?:^|[\s:;,])#?\d{1,2}\.\s")
_RANK_LABEL = re.compile(r"^\W*(?:\(?p0\)?|priority\s*(?:1|one|#1))\s*[:\-–—)]", IC)
_TOP_MARK = re.compile(r"\btop[- ]priority\b|\(p0\)|\bp0\b|\bpriority (?:1|one)\b", IC)


_FIRST_SENTENCE = re.compile(r"(?<=[\w)])\.\s+(?=[A-Z0-9])")
_PRIORITY_COLUMN = re.compile(r"^(?:top )?priorit(?:y|ies)\b", IC)
# a 'Priority' column holding levels (High / P1 / Must) rates each row; it is not a list
_PRIORITY_LEVEL = re.compile(
    r"^\W*(?:high|medium|med|low|critical|urgent|p\d|must|should|could|won'?t|top)\b", IC
)


def _items_after(plan: Plan, header: Line) -> list[Line]:
    items: list[Line] = []
    for ln in plan.lines[header.index + 1 :]:
        if ln.kind in ("header", "title"):
            break
        if ln.is_blank:
            if items:
                break
            continue
        enumerated = len(_ENUMERATED.findall(ln.plain if ln.marker != "paren" else ln.text))
        if not items and enumerated >= 2:
            return [ln] * enumerated
        # list items, table rows, or paragraphs that each open with a short bold label
        # ('**Trust**: people feel safe online'): one goal each
        labelled = ln.kind == "text" and bool(ln.label) and len(ln.label.split()) <= 6
        if (ln.kind == "item" and ln.okr != "KR" and ln.marker != "sub") or (
            ln.kind == "table" and ln.cells
        ) or labelled:
            items.append(ln)
        elif items:
            break
    return items


def _is_heading(line: Line) -> bool:
    return line.kind in ("header", "title") or line.heads


# parts of the document rather than of the plan: disclaimers, appendices, how to contribute
_DOCUMENT_PART = re.compile(
    r"^\W*(?:disclosures?|disclaimers?|legal|appendi(?:x|ces)|references|sources|glossary|faq|"
    r"frequently asked|about this|how to (?:contribute|get involved)|contributing|contact|"
    r"changelog|revision history|licen[cs]e|acknowledg\w*|further reading|see also)\b",
    IC,
)


def _is_lead_in(line: Line) -> bool:
    """A short line ending in ':' that introduces what follows, even when read as a heading."""
    return not MD_LEVEL.match(line.text) and line.text.rstrip(" *_").endswith(":")


def _sub_headings(plan: Plan, head: Line) -> list[Line]:
    """The headings one level below `head` (a lead-in line: the headings right after it)."""
    if _is_heading(head) and not _is_lead_in(head):
        top = heading_level(head)
    else:  # a lead-in: the headings must sit inside the section it opens on
        above = [ln for ln in plan.lines[: head.index] if _is_heading(ln)]
        top = heading_level(above[-1]) if above else 0
    children: list[Line] = []
    level = None
    lead_in = not _is_heading(head) or _is_lead_in(head)
    for ln in plan.lines[head.index + 1 :]:
        if not _is_heading(ln):
            if level is None and ln.kind in ("item", "table") and lead_in:
                return []  # a lead-in followed by a list: that list is the set, not headings
            continue
        if lead_in and _is_lead_in(ln):
            break  # the next lead-in starts a set of its own
        if _DOCUMENT_PART.match(ln.plain):
            continue  # the document's own apparatus, not one of the set
        here = heading_level(ln)
        if level is None:
            if here <= top:
                return []
            level = here
        if here < level or here <= top:
            break
        if here == level:
            children.append(ln)
    return children


def _goal_sets(plan: Plan) -> list[tuple[int, list[Line]]]:
    """Short sets of goals written as headings or a lead-in list: 'Goals' over three subheadings,
    'Goals for this phase:' over three items, objectives as headings under a quarter."""
    okr_doc = titled(plan, _GOAL_HEAD)
    out: list[tuple[int, list[Line]]] = []
    for ln in plan.content():
        lead_in = (ln.kind == "text" and ln.plain.endswith(":") and len(ln.plain) <= 160) or (
            _is_heading(ln) and _is_lead_in(ln)
        )
        if not (_is_heading(ln) or ln.label or lead_in) or (ln.kind == "item" and ln.body):
            continue  # a labelled item with its own text is one of a list, not over one
        named = ln.kind != "title" and (
            _GOAL_HEAD.search(ln.label or ln.plain) is not None
            or (lead_in and _PRIORITIES_LEAD.search(ln.text.rstrip(" *_")) is not None)
        )
        period = _is_heading(ln) and okr_doc and PERIOD_HEAD.match(ln.plain) is not None
        if not (named or period):
            continue
        children = [c for c in _sub_headings(plan, ln) if not PERIOD_HEAD.match(c.plain)]
        items = [] if children else _items_after(plan, ln) if named else []
        for found in (children, list(dict.fromkeys(items))):
            if 2 <= len(found) <= 4:
                out.append((len(found), [ln, *found]))
    return out


# the work set out as a few numbered phases or stages ('Phase 2: ...'): a short ordered list
_PHASE_LABEL = re.compile(r"^\W*(?:phase|stage|wave)\s*(\d{1,2}|one|two|three|four|five|six)\b", IC)
# goals picked out by number from a longer set: 'we will concentrate on Goals 1, 2 and 6'
_FOCUS_REFS = re.compile(
    r"\b(?:concentrat\w*|focus\w*|prioriti[sz]\w*)\s+(?:\w+\s+){0,2}?on\s+(?:the\s+)?"
    r"(?:goals?|priorities|objectives|themes|pillars|areas?)\s+"
    r"(\d{1,2}(?:\s*(?:,|and|&)\s*\d{1,2})+)\b",
    IC,
)
# a table whose rows are the goals themselves ('| Goal | ... |')
_GOAL_COLUMN = re.compile(r"^\W*(?:goals?|objectives?|themes?|pillars?|focus areas?)\W*$", IC)
# a top tier beside lower tiers: 'Major: ... / Minor: ...', '| Must Have |' beside '| Want |'
_TOP_TIER = re.compile(
    r"^\W*(?:major|primary|must(?:[- ]haves?)?|need(?:ed)?|high|tier (?:1|one)|core)\b", IC
)
_LOW_TIER = re.compile(
    r"^\W*(?:minor|secondary|should|could|nice[- ]to[- ]haves?|wants?|negotiable|optional|"
    r"low|medium|tier (?:[23]|two|three)|stretch)\b",
    IC,
)


def _phases(plan: Plan) -> list[Line]:
    seen: dict[str, Line] = {}
    for ln in plan.body_lines():
        match = _PHASE_LABEL.match(ln.plain)
        if match and ln.marker != "sub":
            seen.setdefault(match.group(1).lower(), ln)
    return list(seen.values())


def _tiered(plan: Plan) -> list[Line]:
    """The top tier of work sorted into tiers, when lower tiers sit beside it: labelled items
    ('Major: ...'), a column of tiers ('Must Have', 'Want'), or 'Primary goals' headings (the
    largest set under one such heading)."""
    top: list[Line] = []
    low = 0
    for ln in plan.body_lines():
        tiers = [ln.label] if ln.label else []
        tiers += [c for c in ln.cells.values() if len(c) <= 30]
        if any(_TOP_TIER.match(t) for t in tiers):
            top.append(ln)
        elif any(_LOW_TIER.match(t) for t in tiers):
            low += 1
    if top and low:
        return top
    heads = [sec for sec in plan.sections if sec.header is not None]
    if any(_LOW_TIER.match(sec.title) for sec in heads):
        sets = [
            [ln for ln in sec.lines if ln.kind == "item" and ln.marker != "sub"]
            for sec in heads
            if _TOP_TIER.match(sec.title)
        ]
        return max(sets, key=len, default=[])
    return []


def _goal_rows(plan: Plan) -> list[Line]:
    """Rows of a table whose first column holds the goals."""
    return [
        ln
        for ln in plan.body_lines()
        if ln.cells
        and _GOAL_COLUMN.match(next(iter(ln.cells)))
        and next(iter(ln.cells.values())).strip(" *-")
    ]


def _set_out_lists(plan: Plan) -> list[tuple[int, list[Line]]]:
    """Priority sets written other than as a list under a heading: numbered phases, a top
    tier, a table of goals, goals picked out by number, goals numbered as headings."""
    lists = [
        (len(found), found) for found in (_phases(plan), _tiered(plan), _goal_rows(plan)) if found
    ]
    for ln in plan.body_lines():
        refs = _FOCUS_REFS.search(ln.plain)
        if refs:
            lists.append((len(re.findall(r"\d{1,2}", refs.group(1))), [ln]))
    return lists + _numbered_goals(plan)


# a heading that numbers a goal of a set: 'Goal 1: Early literacy', 'Priority 2 - Safety',
# 'Strategic theme 3'; the set is the headings numbered so, at one level
_NUMBERED_GOAL = re.compile(
    r"^\W*(?:strategic\s+|key\s+|top\s+)?(?:goal|priority|theme|pillar|focus area|outcome|bet)\s*"
    r"(?:#|no\.?\s*)?(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b",
    IC,
)


def _numbered_goals(plan: Plan) -> list[tuple[int, list[Line]]]:
    """Headings that number the goals of a set ('## Goal 1: ...' to '## Goal 4: ...'), per
    heading level and word: one list each."""
    groups: dict[tuple[str, str], list[Line]] = {}
    for ln in plan.content():
        found = _NUMBERED_GOAL.match(ln.plain) if _is_heading(ln) else None
        if found:
            level = re.match(r"\s*(#*)", ln.text).group(1)
            word = found.group(0).split()[0].lower().strip("*#_ ")
            groups.setdefault((level, word), []).append(ln)
    return [(len(lines), lines) for lines in groups.values() if len(lines) >= 2]


def _priority_lists(plan: Plan) -> list[tuple[int, list[Line]]]:
    lists: list[tuple[int, list[Line]]] = _goal_sets(plan) + _set_out_lists(plan)
    for head in plan.headers("priorities"):
        counted = _COUNTED.search(head.plain)
        if head.label and head.body and head.kind != "header":
            enumerated = len(_ENUMERATED.findall(head.body))
            listed = _FIRST_SENTENCE.split(head.body)[0]  # the list ends with its sentence
            parts = [p for p in re.split(r"[;,]|\band\b", listed) if p.strip()]
            if not enumerated and any(len(p.split()) > 6 for p in parts):
                continue  # a sentence about the focus areas, not a list of them
            lists.append((enumerated or len(parts), [head]))
            continue
        items = _items_after(plan, head)
        if items:
            lists.append((len(items), [head, *dict.fromkeys(items)]))
        elif counted:
            lists.append((count_value(counted.group(1)) or 0, [head]))
    for ln in [*plan.body_lines(), *(h for h in plan.content() if _is_heading(h))]:
        counted = _COUNTED.search(ln.plain)
        if counted and not is_conditional(ln):
            lists.append((count_value(counted.group(1)) or 0, [ln]))
    for ln in plan.body_lines():
        if _SINGLE.search(ln.plain) and not _COUNTED.search(ln.plain):
            lists.append((1, [ln]))
    ranked = [
        ln
        for ln in plan.body_lines()
        if _RANK_LABEL.match(ln.plain) and not EVERYTHING_RE.search(ln.plain)
    ]
    if ranked:
        lists.append((len(ranked), ranked))
    objectives = [ln for ln in plan.body_lines() if ln.okr == "O"]
    marked = [ln for ln in objectives if _TOP_MARK.search(ln.plain)]
    if (marked and 2 <= len(objectives) <= 4) or 2 <= len(marked) <= 4:
        lists.append((len(objectives) if len(marked) == 1 else len(marked), marked))
    rows = [
        ln
        for ln in plan.body_lines()
        for name, cell in ln.cells.items()
        if _PRIORITY_COLUMN.search(name) and cell.strip() and not _PRIORITY_LEVEL.match(cell)
    ]
    if rows:
        lists.append((len(rows), rows))  # a table with a 'Priority' column: one row each
    return lists


def _objective_set(plan: Plan) -> list[Line]:
    """The objectives of an OKR set (two or more): in effect the plan's priority list. Where
    each team sets its own objectives (under a heading naming the team), the list is per team:
    the largest team's."""
    objectives = [ln for ln in plan.body_lines() if ln.okr == "O"]
    by_team: dict[int, list[Line]] = {}
    for ln in objectives:
        header = plan.sections[ln.section].header
        team = header is not None and TEAM_HEAD_RE.match(header.plain) is not None
        by_team.setdefault(ln.section if team else -1, []).append(ln)
    if len(by_team) >= 2 and -1 not in by_team:
        objectives = max(by_team.values(), key=len)
    return objectives if len(objectives) >= 2 else []


_NEAR_SHORT = 6  # 5-6 objectives (and no priority list) is partial; 7 or more is a fail
# the whole list said to be in priority order: ranked, though not short
_RANKED = re.compile(
    r"\b(?:(?:ordered|sorted|ranked|listed|in order)\s+(?:by|of|in order of)\s+(?:priority|importance)|"
    r"in priority order|priority order)\b",
    IC,
)
# ... unless the order is only rough or does not hold ('roughly by priority, but ...')
_HEDGED = re.compile(r"\b(?:roughly|loosely|more or less|approximately|not (?:strictly|in))\b", IC)


def everything_lines(plan: Plan) -> list[Line]:
    """The lines that make everything a priority ('All of these are top priorities')."""
    return [ln for ln in plan.content() if EVERYTHING_RE.search(ln.plain)]


def check_priorities(plan: Plan) -> Verdict:
    """Pass: a short (2-4) top-priority list, and no 'everything is a priority'."""
    everything = everything_lines(plan)
    lists = _priority_lists(plan)
    objectives = _objective_set(plan)
    if objectives:
        lists.append((len(objectives), objectives))
    if everything:
        return Verdict(
            "fail",
            evidence(everything, EVERYTHING_RE),
            f"Makes everything a priority ({line_refs(everything)}), so nothing is.",
            "Replace it with a ranked list of 2-4: 'Top priorities (in order): 1. <...> "
            "2. <...> 3. <...>' and move the rest to 'Not doing / later'.",
        )
    short_lists = [(n, lines) for n, lines in lists if 2 <= n <= 4]
    if short_lists:
        n, lines = short_lists[0]
        return Verdict(
            "pass",
            evidence(lines),
            f"Names a short priority list of {n} ({line_refs(lines[:1])}).",
            "Keep it to this list; check leaders can recite it without the document.",
        )
    ranked = [
        ln for ln in plan.content() if _RANKED.search(ln.plain) and not _HEDGED.search(ln.plain)
    ]
    long_lists = [(n, lines) for n, lines in lists if n > 4 and lines is not objectives]
    if ranked:
        return Verdict(
            "partial",
            evidence(ranked),
            f"Ranks its work in one long list ({line_refs(ranked)}) rather than naming a short "
            "top-priority list.",
            f"Name the top 2-3 of the ranked list ({line_refs(ranked[:1])}) as the priorities "
            "and mark the rest as best effort.",
        )
    if not long_lists and objectives and len(objectives) <= _NEAR_SHORT:
        n = len(objectives)
        return Verdict(
            "partial",
            evidence(objectives),
            f"Sets {n} objectives ({line_refs(objectives)}): no separate priority list, and "
            "more objectives than a short list of 2-4.",
            f"Rank the objectives and name the top 2-3 as the priorities; move the other "
            f"{n - 3} to 'Later / not doing'.",
        )
    long_lists += [(n, lines) for n, lines in lists if n > 4 and lines is objectives]
    if long_lists:
        n, lines = long_lists[0]
        return Verdict(
            "fail",
            evidence(lines),
            f"Lists {n} priorities ({line_refs(lines[:1])}); more than four means none are.",
            f"Cut the list on {line_refs(lines[:1])} to the top 3 and move the other {n - 3} "
            "to 'Later / not doing'.",
        )
    single = [(n, lines) for n, lines in lists if n == 1]
    if single:
        return Verdict(
            "partial",
            evidence(single[0][1]),
            "Names a single priority; the rubric asks for a short ranked list of 2-4.",
            "Add the next one to three priorities in order, or say explicitly that everything "
            "else is best effort.",
        )
    return Verdict(
        "fail",
        finding="Names no top priorities: nothing tells a team what wins when two items compete.",
        suggestion="Add: 'Top priorities (in order): 1. <...> 2. <...> 3. <...>'.",
    )
