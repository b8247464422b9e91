"""Governance checks: review cadence, decision rights, and risks with triggers."""

from __future__ import annotations

import re

from assistant.critique.base import Verdict, evidence, in_topics, is_conditional, line_refs
from assistant.critique.checks_direction import PLACEHOLDER_RE
from assistant.critique.parse import Line, Plan
from assistant.critique.patterns import IC, SPECIFIC_DATE_RE, has_number, person_names

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
    r"revisit\w*|refresh(?:es|ed)?|audits?)\b",
    IC,
)
# progress looked at on some rhythm that is not a set review: OKRs scored mid- and end-of-quarter,
# a document 'looked at again regularly'
_LOOSE_RHYTHM = re.compile(
    r"\b(?:(?:mid|end)[- ]of[- ](?:the[- ])?quarter|mid-?q(?:uarter)?|eoq|end-?q|"
    r"(?:revisit\w*|review\w*|track\w*|updat\w*|discuss\w*|scor\w*|report\w*)(?: on [\w ]{1,30}?)? "
    r"regularly|regularly (?:revisit\w*|review\w*|track\w*|updat\w*|discuss\w*|scor\w*|report\w*)|"
    r"periodic(?:ally)?|"
    r"next (?:review|update|refresh|revision)|"
    # meetings said to recur with no frequency: 'regular video meetings', 'regular check-ins'
    r"regular (?:\w+ )?(?:meetings?|calls?|reviews?|check-?ins?|syncs?|catch-?ups?|audits?))\b|"
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
# software put out on a schedule, not a meeting: 'bugfix updates every 2 months', 'security
# releases monthly'
_RELEASES = re.compile(
    r"\b(?:bug-?fix|security|maintenance|point|patch|minor|major|feature|software|firmware|"
    r"binary|source-only) (?:updates?|releases?)\b",
    IC,
)
# a meeting that is not the team's own review of its plan: another body's call it attends, an
# open community meeting where anyone raises ideas
_NOT_OWN_MEETING = re.compile(
    r"\b(?:attend\w*|participat\w*|community (?:meetings?|calls?)|public (?:meetings?|calls?)|"
    r"office hours)\b",
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
# a schedule said of the section's goals themselves, without a subject of its own ('Tracked:
# every quarter', 'they are updated monthly'); 'The changelog is updated monthly' is about the changelog
_SUBJECTLESS = re.compile(
    r"^\W*(?:[\w ]{1,30}:\s*)?(?:(?:they|it|these|this|which|all)\s+(?:are\s+|is\s+|gets?\s+|will be\s+)?)?"
    r"(?:track|updat|revis|refresh|revisit|re-?scor|re-?assess|re-?set)", IC
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
# a section on how the plan is followed up ('Reporting', 'Phasing and follow-up', 'Monitoring
# and evaluation'): a yearly account given there is the plan's own (rare) review
_FOLLOW_UP_HEAD = re.compile(
    r"\b(?:follow-?up|monitoring|reporting|evaluation|tracking|progress review)\b", IC
)
# the plan as one of a series, in its title or a heading: 'founder's monthly post', 'Q1 Budget
# Recap', 'Month 5 update'; a rhythm of reporting, with no review set
_SERIES = re.compile(
    r"\b(?:weekly|monthly|quarterly|(?:week|month) \d{1,2}|q[1-4](?:\s+(?:19|20)\d\d)?|h[12])\s+"
    r"(?:[\w&-]+\s+){0,2}?(?:posts?|updates?|recaps?|reports?|newsletters?|letters?|"
    r"retro(?:spective)?s?)\b",
    IC,
)
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


def _timed_kind(ln: Line, heading: str) -> str:
    """What a line that names a frequency sets: 'rhythm' (a review), 'loose' (something done
    or watched on a schedule that is not the plan's review) or ''."""
    # the sentences that hold the frequency: a word elsewhere in a long line is not about
    # it; a label ('KPIs: monthly newsletter') names the topic, not a tracking
    timed = [
        sent
        for sent in _SENTENCE.split(ln.plain)
        if FREQUENCY_RE.search(_METRIC_FREQUENCY.sub(" ", sent))
    ]
    # the review word is the line's own, not an objective's name ('Objective 1: Review
    # resources — monthly statistics checked') nor software updates
    said = ln.body if ln.okr == "O" and ln.label else ln.plain
    # one meeting on a calendar ('Sep 6: Interagency Quarterly Meeting') is an event of
    # someone's series, not a rhythm the plan sets
    dated = bool(SPECIFIC_DATE_RE.match(ln.plain)) and ln.kind == "item"
    if dated or any(_NOT_OWN_MEETING.search(sent) for sent in timed):
        return "loose"
    if _REVIEW.search(_RELEASES.sub(" ", said)) or in_topics(ln, "cadence"):
        return "rhythm"
    if any(
        _GOALS_TRACKED.search(sent)
        and (_GOAL_SET.search(sent) or (_GOAL_SET.search(heading) and _SUBJECTLESS.match(sent)))
        for sent in timed
    ):
        return "rhythm"  # the plan's own goals tracked or updated on a schedule
    if ln.kind != "table" and any(_MONITOR.search(_unlabelled(ln, s)) for s in timed):
        return "loose"  # something watched on a schedule, not an activity's rhythm
    return ""


def _cadence_kind(ln: Line, plan: Plan) -> str:
    """'rhythm', 'loose', 'rare' (the plan reviewed once a year), 'annual' (something else
    yearly) or '' for one line."""
    if is_conditional(ln) or ln.okr == "KR":
        return ""
    if in_topics(ln, "risks"):
        # a meeting held to manage one risk ('weekly sync with the partner team'): a rhythm,
        # but not a review of the plan
        if FREQUENCY_RE.search(ln.plain) and _REVIEW.search(_RELEASES.sub(" ", ln.plain)):
            return "loose"
        return ""
    heading = plan.sections[ln.section].title
    if FREQUENCY_RE.search(_METRIC_FREQUENCY.sub(" ", ln.plain)):
        return _timed_kind(ln, heading)
    follow_up = bool(_FOLLOW_UP_HEAD.search(heading))
    if _ANNUAL.search(ln.plain) and (_REVIEW.search(ln.plain) or follow_up):
        reviewed = follow_up or any(
            _ANNUAL.search(sent) and _REVIEW_VERB.search(sent) for sent in _SENTENCE.split(ln.plain)
        )
        return "rare" if reviewed else "annual"
    return ""


def check_cadence(plan: Plan) -> Verdict:
    """Pass: a recurring review rhythm (weekly, monthly or quarterly)."""
    found: dict[str, list[Line]] = {"rhythm": [], "loose": [], "annual": [], "rare": []}
    for ln in plan.body_lines():
        kind = _cadence_kind(ln, plan)
        if kind:
            found[kind].append(ln)
    rhythm, loose, annual, rare = (found[k] for k in ("rhythm", "loose", "annual", "rare"))
    for ln in plan.content():
        if rhythm or loose:
            break
        if ln.kind in ("title", "header") and _SERIES.search(ln.plain):
            loose.append(ln)
            break
        if _LOOSE_RHYTHM.search(ln.plain) and not in_topics(ln, "risks"):
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
    # a body placed over the work: 'overseen by a Steering Committee', 'governed by the board'
    r"(?:overseen|governed) by|"
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
    r"\b(?:decides|approves)\b|\bstays with\b|\bvot(?:e|es|ing)\b|\bquorum\b|\bconsensus\b|\bratifi|"
    r"\b(?:overseen|governed) by\b",
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
    r"\b(?:[a-z]+[^su\W]s|people|everyone|members?)\b(?:\s+(?!us\b|them\b|to\b|helps?\b|then\b|and\b|or\b|we\b)"
    r"[\w-]+){0,4}?\s+decide\b",
    IC,
)


# a decision mentioned without a rule for who takes it: one taken or scheduled ('a decision on
# the depot by summer', 'the council decided to start two studies', 'the committee votes to
# recommend approval'), a body that picks the work, a decision-making framework to be written
_WEAK_DECISION = re.compile(
    r"\bdecisions? (?:on|about|by|whether)\b|\bdecided (?:to|on)\b|\bvot(?:es|ed) (?:to|on)\b|"
    r"\bdecision-?making (?:framework|process|model|rules)\b|\bselection criteria\b|"
    r"\b(?:picks|selects|chooses|oversees)\b",
    IC,
)
# a heading over what a team may do: 'Mandate (the team's authority)', 'Remit'
_MANDATE_HEAD = re.compile(r"\b(?:authority|mandate|remit|terms of reference)\b", IC)
# a table column naming the forum that watches each item: 'Governance forum', 'Oversight'
_FORUM_COLUMN = re.compile(r"\b(?:governance|forum|oversight|assurance)\b", IC)


def _weak_decision(line: Line, plan: Plan) -> bool:
    """A decision mentioned with no one named to take it, or a body named over the work."""
    if line.okr == "KR":
        return False
    if any(_FORUM_COLUMN.search(name) and cell.strip() for name, cell in line.cells.items()):
        return True
    if _MANDATE_HEAD.search(plan.sections[line.section].title):
        return True
    match = _WEAK_DECISION.search(line.plain)
    if match is None:
        return False
    # a body or a role must take the pick ('the committee selects'), not anyone
    if match.group(0).lower() in ("picks", "selects", "chooses", "oversees"):
        return bool(_BODY.search(line.plain) or _DECIDER_ROLE.search(line.plain))
    return True


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
    lines += [ln for ln in plan.body_lines() if ln not in lines and _weak_decision(ln, plan)]
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
    r"could|will|means)\b|"
    # risks assessed or ranked: 'a risk assessment identified', 'the key risks'
    r"\brisk assessments?\b|\b(?:key|main|major|top|principal|biggest) risks\b|"
    # a hurdle named as such: 'a major challenge is a much faster shift to ...'
    r"\b(?:a|the|our) (?:major |main |key |big |biggest |greatest )?challenge (?:is|will be|remains)\b",
    IC,
)
# a risk told in prose, hedged: what the work depends on, what may not happen, what is
# uncertain ('results depend on who chooses to contribute', 'shipping in 2026 may not happen',
# 'longer-range goals are uncertain', 'X is the backup if a keyholder is compromised')
_HEDGE = re.compile(
    r"\bdepends? on (?:whether|who|how (?:many|much|fast|quickly|well)|(?:the )?[\w-]+ being)\b|"
    r"\b(?:may|might) not (?:happen|land|ship|succeed|be (?:ready|possible|enough|done|met))\b|"
    r"\b(?:is|are|remains?) (?:uncertain|unclear|unknown)\b|\buncertaint(?:y|ies)\b|"
    r"\bcould (?:slip|delay|fail|stall)\b|\b(?:a|the) known (?:problem|issue|risk)\b|"
    r"\bhard to (?:know|predict)\b|\bis (?:the )?backup if\b",
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


def _listed_risks(plan: Plan) -> list[Line]:
    """The list after a lead-in that names risks ('... identified the following key risks,
    in priority order:'): each item is a named risk."""
    out: list[Line] = []
    for ln in plan.body_lines():
        if (
            ln.kind != "text"
            or not ln.plain.endswith(":")
            or not re.search(r"\brisks\b", ln.plain, IC)
        ):
            continue
        for nxt in plan.lines[ln.index + 1 :]:
            if nxt.is_blank and not out:
                continue
            if nxt.kind != "item":
                break
            out.append(nxt)
    return out


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
        elif (risky or _RISKS_INCLUDE.search(ln.plain) or _HEDGE.search(ln.plain)) and _named_risk(
            ln
        ):
            named.append(ln)
    named += [ln for ln in _listed_risks(plan) if ln not in named and ln not in triggers]
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
