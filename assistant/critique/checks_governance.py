"""Governance checks: review cadence, decision rights, and risks with triggers."""

from __future__ import annotations

import re

from assistant.critique.base import Verdict, evidence, in_topics, is_conditional, line_refs
from assistant.critique.checks_direction import PLACEHOLDER_RE
from assistant.critique.parse import Line, Plan
from assistant.critique.patterns import IC, has_number, person_names

# --- cadence ---------------------------------------------------------------------------------
_DAYS = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?"
FREQUENCY_RE = re.compile(
    rf"\b(?:daily|weekly|fortnightly|bi-?weekly|monthly|bi-?monthly|quarterly|"
    rf"every (?:other |second |)(?:day|week|fortnight|month|quarter|sprint|morning|{_DAYS})s?|"
    rf"each (?:week|month|quarter|sprint|{_DAYS})|(?:mon|tues|wednes|thurs|fri)days|"
    rf"every (?:two|2|three|3|four|4|six|6) (?:weeks|months)|twice a (?:week|month|quarter)|once a (?:week|month|quarter|fortnight)|"
    rf"first {_DAYS} of (?:the|each|every) month|(?:end|start) of (?:each|every) "
    rf"(?:sprint|week|month|quarter)|per (?:sprint|quarter)|wbr|mbr|qbr|biweekly|"
    rf"twice a year|(?:semi-?|bi-?)annual(?:ly)?|(?:every|each) (?:new )?(?:release|iteration|cycle))\b",
    IC,
)
_ANNUAL = re.compile(r"\b(?:annual(?:ly)?|yearly|once a year|every year|each year)\b", IC)
_REVIEW = re.compile(
    r"\b(?:reviews?|reviewed|reviewing|syncs?|stand-?ups?|meetings?|meet|meets|check-?ins?|"
    r"retros?|retrospectives?|steering|calls?|forums?|business review|reports?|reported|"
    r"reporting|updates?|pack|readouts?|huddles?|1:1s?|one-to-ones?|demos?|checkpoints?|"
    r"go/no-go|confidence|planning|catch-?ups?|sessions?|scorecard|dashboard|wbr|mbr|qbr|"
    r"posted|grading|mtg|progress|look at|looks at|go over|goes over|go through|discuss\w*|"
    r"walk ?through|inspect\w*|assess\w*|evaluat\w*|scor(?:ed|ing)|"
    r"revisit\w*)\b",
    IC,
)
# progress looked at on some rhythm that is not a set review: OKRs scored mid- and end-of-quarter,
# a document 'looked at again regularly'
_LOOSE_RHYTHM = re.compile(
    r"\b(?:(?:mid|end)[- ]of[- ](?:the[- ])?quarter|mid-?q(?:uarter)?|eoq|end-?q|"
    r"(?:revisit\w*|review\w*|track\w*|updat\w*|discuss\w*|scor\w*) regularly|regularly "
    r"(?:revisit\w*|review\w*|track\w*|updat\w*|discuss\w*|scor\w*)|periodic(?:ally)?|"
    r"next (?:review|update|refresh|revision)|"
    # meetings said to recur with no frequency: 'regular video meetings', 'regular check-ins'
    r"regular (?:\w+ )?(?:meetings?|calls?|reviews?|check-?ins?|syncs?|catch-?ups?))\b|"
    r"\((?:\w+[- ])?scored\)",
    IC,
)
# a frequency that names a measure, not a rhythm: 'monthly active users', 'weekly average'
_METRIC_FREQUENCY = re.compile(
    r"\b(?:daily|weekly|monthly|quarterly|annual|yearly)\s+(?:average|active|recurring|mean|"
    r"median|total|unique|revenue|users?|sessions?|visits?|orders?|sales|spend|volume|count|"
    r"rate|downloads?|installs?)\b",
    IC,
)
_MONITOR = re.compile(
    r"\b(?:track\w*|measur\w*|monitor\w*|report\w*|check\w*|scor\w*|dashboard\w*|metrics?|"
    r"kpis?|okrs?|progress|status|refresh\w*)\b",
    IC,
)
# the plan's own goals brought up to date on a schedule: 'OKRs are updated each quarter',
# 'goals are set and tracked quarterly', 'Tracked: every quarter' under an objective
_GOALS_TRACKED = re.compile(
    r"\b(?:track(?:ed|ing)?|updated|revised|refreshed|revisited|re-?scored|re-?assessed|"
    r"re-?set)\b",
    IC,
)
_GOAL_SET = re.compile(
    r"\b(?:okrs?|objectives?|goals?|key results?|plan|roadmap|progress|priorities)\b", IC
)
# a rare review of the plan itself ('the goals are revisited yearly', 'we review the policy
# each year'); not progress reported to someone once a year
_REVIEW_VERB = re.compile(
    r"\b(?:review\w*|revisit\w*|revis(?:e|ed|es|ing)|updat(?:e|ed|es|ing)|refresh\w*|"
    r"re-?assess\w*|evaluat\w*)\b",
    IC,
)
_SENTENCE = re.compile(r"(?<=[.;!?])\s+")
_AD_HOC = re.compile(
    r"\b(?:ad hoc|as (?:and when|required|needed|appropriate)|when (?:there's|there is|needed)|"
    r"from time to time|tbd|to be confirmed)\b",
    IC,
)


def _unlabelled(line: Line, sentence: str) -> str:
    """The sentence without the line's leading label ('KPIs: monthly newsletter' -> 'monthly
    newsletter'): a label names what the line is about, not what is done on the schedule."""
    if line.label and sentence.lower().startswith(line.label):
        return sentence[len(line.label) :].lstrip(" :")
    return sentence


def check_cadence(plan: Plan) -> Verdict:
    """Pass: a recurring review rhythm (weekly, monthly or quarterly)."""
    rhythm, loose, annual, rare = [], [], [], []
    for ln in plan.body_lines():
        if is_conditional(ln) or in_topics(ln, "risks") or ln.okr == "KR":
            continue
        heading = plan.sections[ln.section].title
        if FREQUENCY_RE.search(_METRIC_FREQUENCY.sub(" ", ln.plain)):
            # the sentences that hold the frequency: a word elsewhere in a long line is not
            # about it; a label ('KPIs: monthly newsletter') names the topic, not a tracking
            timed = [
                sent
                for sent in _SENTENCE.split(ln.plain)
                if FREQUENCY_RE.search(_METRIC_FREQUENCY.sub(" ", sent))
            ]
            if _REVIEW.search(ln.plain) or in_topics(ln, "cadence"):
                rhythm.append(ln)
            elif any(
                _GOALS_TRACKED.search(sent)
                and (_GOAL_SET.search(sent) or _GOAL_SET.search(heading))
                for sent in timed
            ):
                rhythm.append(ln)  # the plan's own goals tracked or updated on a schedule
            elif ln.kind != "table" and any(_MONITOR.search(_unlabelled(ln, s)) for s in timed):
                loose.append(ln)  # something watched on a schedule, not an activity's rhythm
        elif _ANNUAL.search(ln.plain) and _REVIEW.search(ln.plain):
            reviewed = any(
                _ANNUAL.search(sent) and _REVIEW_VERB.search(sent)
                for sent in _SENTENCE.split(ln.plain)
            )
            (rare if reviewed else annual).append(ln)
    for ln in plan.content():
        if not (rhythm or loose) and _LOOSE_RHYTHM.search(ln.plain) and not in_topics(ln, "risks"):
            loose.append(ln)
            break
    if rhythm:
        return Verdict(
            "pass",
            evidence(rhythm, FREQUENCY_RE),
            f"Sets a review rhythm ({line_refs(rhythm)}).",
            "Start every review with the scorecard: what is off track, what changes by next "
            "week, which decisions are needed.",
        )
    if rare and not loose:
        return Verdict(
            "partial",
            evidence(rare, _ANNUAL),
            f"Reviews the plan only once a year ({line_refs(rare)}): too rare to steer it "
            "during the year.",
            "Add a monthly or quarterly review between the annual ones: 'Quarterly review of "
            "progress against the goals; the yearly review resets them.'",
        )
    if loose:
        return Verdict(
            "partial",
            evidence(loose, FREQUENCY_RE),
            "Tracks some things on a schedule but sets no recurring review where the plan is "
            "discussed and changed.",
            "Add: 'Weekly team review (Mon, 30 min, scorecard first); monthly cross-functional "
            "business review; quarterly reset that decides what to stop.'",
        )
    vague = [
        ln
        for ln in plan.body_lines()
        if _AD_HOC.search(ln.plain) and _REVIEW.search(ln.plain + " " + " ".join(sorted(ln.topics)))
    ] + annual
    return Verdict(
        "fail",
        evidence(vague),
        "No weekly, monthly or quarterly review is set"
        + (
            f"; reviews are {'annual' if annual else 'ad hoc'} ({line_refs(vague)})."
            if vague
            else "."
        ),
        "Add: 'Weekly team review every Monday (scorecard first); monthly business review with "
        "<exec>; quarterly strategy reset.'",
    )


# --- decision_rights -------------------------------------------------------------------------
DECIDE_RE = re.compile(
    r"\b(?:decides?|decided by|decision[- ]owner|decision[- ]maker|decision rights|final "
    r"(?:call|say|decision|approval)|makes? the call|has the call|approves?|approved by|approval "
    r"(?:from|by)|for approval|sign(?:s|ed)? off|sign-?off|signs-off|veto(?:es)?|go/no-go|raci|"
    r"escalat\w+ (?:to|goes to)|escalation (?:goes |path )?(?:to|is)|owns? the (?:decision|call)|"
    r"call on|has (?:the )?authority|authority to (?:approve|decide|sign|veto|make|change|accept|"
    r"reject|spend|hire|commit|merge|release|set|cut|stop|pause|cancel|allocate)|approval lanes?|(?:are|is) made by|arbitrat\w+|"
    r"tie-?break\w*|breaks? ties|authori[sz]es?|green-?lights?|"
    # a decision process: consensus, votes, a quorum, ratification
    r"decisions? (?:are |is )?(?:\w+ )?(?:by|through|via) (?:consensus|(?:a )?(?:majority )?vote|voting)|"
    r"(?:calls?|hold|holds) a vote|votes?(?: \([^)]{1,20}\))? (?:on|to (?:accept|approve|reject))|(?:call for|lazy) consensus|"
    r"quorum|ratif(?:y|ied|ies)|"
    # whose call it is: 'at the maintainers' sole discretion', 'at its own discretion'
    r"at (?:the )?(?:\w+(?:['’]s?)? )?(?:own |sole |full )?discretion|"
    # a lane by level: 'agreed at cross-government level', 'approved at board level'
    r"(?:agreed|approved|signed off|decided|cleared) (?:at|by) (?:the )?[\w-]+ level|"
    # how decisions are made, with no one named: 'roadmap decisions weigh: ...'
    r"decisions? (?:criteria|weigh|are (?:based on|guided by|informed by)))\b",
    IC,
)
_ESCALATION_ONLY = re.compile(r"\bescalat\w+", IC)
_DECIDER_ROLE = re.compile(
    r"\b(?:ceo|cfo|coo|cto|cio|ciso|cpo|cmo|chro|cro|vp|svp|evp|head of [\w&]+|director|"
    r"chief [\w ]{2,30}? officer|general manager|managers?|president|founders?|chair|sponsor|"
    r"controller|producer|product lead|tech lead|team lead|owners?|leads?|chairs?|committers?|i)\b",
    IC,
)
_BODY = re.compile(
    r"\b(?:committee|board|council|steering|exco|leadership team|forum|panel|group|"
    r"(?:core|steering|web|leadership|technical) team|(?-i:[A-Z]{2,5}))\b",
    IC,
)
# a body named as the one that decides, not one consulted: 'the board has the final say',
# 'only the committee can approve', 'changes need the council's approval'
_FINAL_SAY = re.compile(
    r"\bfinal (?:say|call|decision|arbiter|authority)\b|\bonly (?:the )?[\w\s]{2,40}? can "
    r"(?:approve|decide|change|amend)\b|\bneeds? (?:the )?[\w\s]{2,30}?(?:['’]s )?approval\b|"
    r"\b(?:decides|approves)\b|\bstays with\b|\bvot(?:e|es|ing)\b|\bquorum\b|\bconsensus\b|\bratifi",
    IC,
)


# the last word on something: final approval, a veto, the decision owner
_LAST_WORD = re.compile(
    r"\b(?:final (?:say|call|decision|approval|sign-?off)|decision[- ](?:owner|maker)|"
    r"has the (?:last|final) word|veto(?:es)?)\b",
    IC,
)
# one person of a group named as the one who decides: 'a single member', 'the assigned reviewer'
_ONE_OF = re.compile(
    r"\b(?:a single|one|the assigned|the responsible) (?:member|maintainer|reviewer|person|"
    r"committer)\b",
    IC,
)


# 'decide' as a task to do ('Decide on X', 'then decide how', 'decide whether'):
# a decision to take, not who takes it
_TASK_DECIDE = re.compile(
    r"(?:^|[;:,.(]\s*|\bthen\s+|\band\s+|\bto\s+)(?:\W*\[?p\d\]?\s*)?decide\b|"
    r"\bdecide (?:whether|what|which|between|how|if|next)\b",
    IC,
)


# a group that decides for itself: 'contributors decide how much time they give', 'members in
# each country decide what to map' (not 'helps us decide what', a task)
_GROUP_DECIDES = re.compile(
    r"\b(?:[a-z]+[^su\W]s|people|everyone|members?)\b(?:\s+(?!us\b|them\b|to\b|helps?\b)"
    r"[\w-]+){0,4}?\s+decide\b",
    IC,
)


def _decides(text: str) -> bool:
    if _GROUP_DECIDES.search(text):
        return True
    return bool(DECIDE_RE.search(_TASK_DECIDE.sub(" ", text)))


def _decider(line: Line, plan: Plan) -> str:
    """'person' (a named person or role), 'body' (a committee), or '' (nobody named)."""
    text = DECIDE_RE.sub(" ", line.plain)
    text = re.sub(r"\bdecision[- ]owner\b", " ", text, flags=IC)
    if person_names(text, plan.known_first) or _DECIDER_ROLE.search(text) or _ONE_OF.search(text):
        return "person"
    if line.cells and len(line.cells) >= 3:
        return "person"
    if _BODY.search(text):
        return "body"
    return ""


def check_decision_rights(plan: Plan) -> Verdict:
    """Pass: says who decides what (a named decision owner or approval lanes)."""
    lines = []
    for ln in plan.body_lines():
        # a conditional is a risk's response, unless it is part of the decision rules themselves
        if ln.okr == "KR" or (is_conditional(ln) and not in_topics(ln, "decisions")):
            continue
        if in_topics(ln, "dependencies", "risks", "milestones", "initiatives") and not (
            in_topics(ln, "decisions")
            # a work protocol that names who has the last word ('the assignee gives final
            # approval') is a decision right wherever it sits
            or (in_topics(ln, "initiatives") and _LAST_WORD.search(ln.plain))
        ):
            continue
        if _decides(ln.plain) or (ln.kind == "table" and in_topics(ln, "decisions")):
            lines.append(ln)
    kinds = {ln.number: _decider(ln, plan) for ln in lines}
    real = [
        ln
        for ln in lines
        if kinds[ln.number] == "person"
        or (kinds[ln.number] == "body" and _FINAL_SAY.search(ln.plain))
    ]
    deciding = [
        ln
        for ln in real
        if not (
            _ESCALATION_ONLY.search(ln.plain)
            and not re.search(r"\b(?:decid|approv|sign|call|veto|owner|raci)", ln.plain, IC)
        )
    ]
    if deciding:
        return Verdict(
            "pass",
            evidence(deciding, DECIDE_RE),
            f"Says who decides what ({line_refs(deciding)}).",
            "Publish the lanes: what needs executive approval, what the team decides alone.",
        )
    if lines:
        return Verdict(
            "partial",
            evidence(lines, DECIDE_RE),
            "Mentions decisions or escalation but names no person who decides what "
            f"({line_refs(lines)}).",
            "Add: '<Name> is the decision owner for scope and dates; changes to <customer "
            "promise> need <exec>'s sign-off; the team decides everything else.'",
        )
    return Verdict(
        "fail",
        finding="Never says who decides: scope changes, trade-offs and approvals have no owner.",
        suggestion="Add a 'Decision rights' section: '<Name> decides scope and sequencing; "
        "<exec> approves budget over <amount>; the team decides everything else.'",
    )


# --- risks -----------------------------------------------------------------------------------
_TRIGGER_WORD = re.compile(
    r"\b(?:trigger(?:s|ed)?|tripwires?|pre-?mortem|scenario|contingency plan|fallback|"
    r"fall back|plan b|kill criteria)\b",
    IC,
)
_WEAK_TRIGGER = re.compile(r"\b(?:in that case|if so)\b", IC)
_THRESHOLD = re.compile(
    r"\b(?:exceeds?|above|below|under|over|more than|less than|drops?|falls?|slips?|misses?|"
    r"fails?|late|delayed|stuck|spikes?|breach\w*)\b[^.]{0,80}?(?::|;|—|–|\bthen\b|\bwe\b)",
    IC,
)
_RESPONSE = re.compile(
    r"(?:,|\bthen\b|:|—|–)\s*(?:\w+\s){0,6}?(?:we|the|it|this|they|[a-z]+s)\b|\bwe (?:will|'ll)\b|"
    r"\b(?:pause|stop|move|freeze|cut|escalate|delay|fall back|switch|roll back|launch|ship|"
    r"restrict|review|run|revert|suspend|postpone|shift)\w*\b",
    IC,
)
_GENERIC_RISK = re.compile(
    r"risk register|will be managed|to be (?:confirmed|identified|assessed)|none identified|"
    r"no (?:major |known |key )?risks|^\W*tbd\W*$|managed (?:through|via|by)|"
    r"\bnothing (?:major|significant|serious)\b|"
    r"\b(?:do not|don't|did not|cannot|can't) (?:see|foresee|expect) (?:any |major |significant )?risks",
    IC,
)


_RISKS_INCLUDE = re.compile(
    r"\b(?:key |main |known )?risks? (?:include|are|is)\b|\bat risk\b|\brisks? (?:of|that)\b|"
    # delivery risk rated: 'future risk to delivery', 'a RAG rating for each action'
    r"\brisks? to (?:the )?(?:delivery|plan|programme|program|project|schedule|timeline|launch)\b|"
    r"(?-i:\bRAG\b)\s+(?:ratings?|status)|"
    # a scenario weighed: 'Missing the date would cost us ...', 'Losing X would ...'
    r"(?:^|[.;]\s+)\W*(?:missing|slipping|losing|failing|delaying|dropping)\b[^.;]{0,80}\b(?:is|would|"
    r"could|will|means)\b",
    IC,
)
# the condition of a contingency names something going wrong ('if the API slips', 'if X
# breaks', 'if we miss'), not any 'if' ('if useful', 'if so')
_ADVERSE = re.compile(
    r"\b(?:slip\w*|fail\w*|miss\w*|break\w*|broke|drop\w*|fall\w*|fell|exceed\w*|delay\w*|"
    r"late|below|above|under|over|breach\w*|block\w*|stall\w*|unavailable|unsuitable|"
    r"insufficient|not|no longer|lose|loses|lost|spike\w*|overrun\w*|cannot|worse|declin\w*|"
    r"shortfall|regress\w*|outage|incident|stuck|behind|short|leave\w*|quit\w*|tops?|hits?|"
    r"reach\w*|pass(?:es)?|cross\w*|rises?|jumps?|stops?|stopped|emergenc\w*|compromised)\b|"
    r"n't\b",
    IC,
)
# a rule of procedure, not a risk: 'if someone objects, we vote'
_PROCEDURE_IF = re.compile(
    r"\b(?:disagree\w*|objects?|objection|consensus|vote\w*|quorum|appeal\w*|tie)\b", IC
)
_IF_CLAUSE = re.compile(
    r"\b(?:if|unless|should|in case|in the event)\b(?:[^.,;]|\.(?=\w)){3,120}", IC
)


# words that look like a condition but set none: 'reduce, if not remove, the risks' (an
# 'even'), 'removed after four releases unless stated otherwise' (a default rule)
_NO_CONDITION = re.compile(
    r"[,(]\s*if not\b[^,;.)]{1,40}[,)]|\bunless (?:otherwise )?(?:stated|noted|specified|"
    r"agreed|indicated|announced)(?: otherwise)?\b",
    IC,
)
_CONDITION_WORD = re.compile(r"\b(?:if|unless|should|in case|in the event|when|whenever)\b", IC)
# a section of the hurdles the plan faces: risks in other words, named but without triggers
_CHALLENGES_HEAD = re.compile(
    r"\b(?:challenges|obstacles|headwinds|open questions|open issues|known issues|caveats|"
    r"uncertaint(?:y|ies)|concerns|hurdles)\b",
    IC,
)


def _conditional(line: Line) -> bool:
    """A conditional line, not counting an 'if not' or 'unless stated otherwise' idiom."""
    if not is_conditional(line):
        return False
    if not _NO_CONDITION.search(line.plain):
        return True
    return bool(_CONDITION_WORD.search(_NO_CONDITION.sub(" ", line.plain)))


def _contingency(line: Line) -> bool:
    """A plan's contingency: an 'if' naming something going wrong, and what is then done."""
    if not (_conditional(line) and _RESPONSE.search(line.plain)):
        return False
    conditions = [m.group(0) for m in _IF_CLAUSE.finditer(_NO_CONDITION.sub(" ", line.plain))]
    return any(
        (_ADVERSE.search(c) or has_number(c)) and not _PROCEDURE_IF.search(c) for c in conditions
    )


def _named_risk(line: Line) -> bool:
    sentences = [s for s in re.split(r"(?<=[.;])\s+", line.body) if s.strip()]
    real = [s for s in sentences if not _GENERIC_RISK.search(s) and not PLACEHOLDER_RE.match(s)]
    return bool(real) and len(" ".join(real).split()) >= 2


def check_risks(plan: Plan) -> Verdict:
    """Pass: risks named with trigger points or scenarios; partial: risks without triggers."""
    triggers, named = [], []
    for ln in plan.body_lines():
        risky = in_topics(ln, "risks") or bool(
            _CHALLENGES_HEAD.search(plan.sections[ln.section].title)
        )
        conditional = _conditional(ln) and _RESPONSE.search(ln.plain) if risky else _contingency(ln)
        thresholded = risky and (_THRESHOLD.search(ln.plain) and has_number(ln.plain))
        if (
            conditional
            or thresholded
            or (_TRIGGER_WORD.search(ln.plain) and (risky or _conditional(ln)))
            or (risky and _WEAK_TRIGGER.search(ln.plain))
        ):
            triggers.append(ln)
        elif (risky or _RISKS_INCLUDE.search(ln.plain)) and _named_risk(ln):
            named.append(ln)
    if triggers:
        return Verdict(
            "pass",
            evidence(triggers),
            f"Names risks with trigger points or scenarios ({line_refs(triggers)}).",
            "Agree now who acts when each trigger fires, and check them at the monthly review.",
        )
    if named:
        return Verdict(
            "partial",
            evidence(named),
            f"Names risks ({line_refs(named)}) but gives no trigger point or scenario for "
            "acting on them.",
            "Turn each into a tripwire: 'If <measure> passes <threshold> by <date>, we "
            "<pre-agreed action>.'",
        )
    placeholders = [ln for ln in plan.with_topic("risks") if not _named_risk(ln)]
    return Verdict(
        "fail",
        evidence(placeholders),
        "Names no risks" + (" (the risk section is empty or generic)." if placeholders else "."),
        "Add 2-3 tripwires: 'If <metric> is below <threshold> on <date>, we <action>'; e.g. "
        "'If the vendor API slips past 15 Mar, we launch without it and move X to Q3.'",
    )
