"""Dependencies check: does the plan say which teams, vendors or partners its work relies on?

A dependency is a line under a dependencies heading, or a clause that puts the plan's work in
another party's hands: a relation ('depends on', 'needs X from', 'blocked by', 'X must approve')
or involvement ('together with the data team', 'needs the maintainers of X to review', 'as
agreed with', 'work with <an organisation>'). The party must sit in that same clause: a passing
mention of a team elsewhere in the line is not a dependency. A party named only generically
('other teams', 'some partners') makes the dependency half named.
"""

from __future__ import annotations

import re

from assistant.critique.base import Verdict, evidence, in_topics, is_conditional, line_refs
from assistant.critique.checks_direction import PLACEHOLDER_RE
from assistant.critique.parse import Line, Plan
from assistant.critique.patterns import IC, NON_NAME_WORDS, TEAM_RE, person_names

_DELIVER_VERBS = (
    r"(?:deliver|ship|provide|approve|sign|complete|activate|co-sign|supply|give|build|open|"
    r"install|expose|add|support|agree|confirm|freeze|finish|review|release|merge|fund)"
)
_DEP_RELATION = re.compile(
    r"\b(?:depends? on|dependent on|dependency on|dependencies on|relies on|rely on|relying on|"
    r"reliant on|contingent on|blocked (?:by|on)|waiting (?:on|for)|needs? [^.;]{0,40}?\bfrom\b|"
    r"requires? [^.;]{0,50}?\bfrom\b|"
    r"handed (?:to|over to)|supplied by|provided by|co-sign\w*|"
    r"hand-?offs? (?:to|from)|hinges? on|counting on|count on|waits? (?:on|for)|"
    # another party's work needed before this: 'which needs the TPA server merge first'
    r"needs? (?:the |both |our )?[^.;]{0,50}?\bfirst)\b",
    IC,
)
# another party's obligation: 'Legal must approve', 'the vendor has to deliver' (the party is
# the subject, right before it; 'we need to ship' is no dependency)
_PARTY_MUST = re.compile(
    rf"\b(?:must|has to|have to|needs? to|will need to|is to|are to) {_DELIVER_VERBS}\w*\b", IC
)
_SUBJECT = re.compile(r"(?:\S+\s+){0,4}$")
_SELF = re.compile(r"\b(?:we|i|you|our|us|it|this|that|which|everyone|everything)\s*$", IC)
_NEEDS_PARTY = re.compile(
    r"\b(?:needs?|requires?|needing)\s+(?:the\s+|our\s+)?(?:[A-Z][\w&'’.-]*)(?:\s+[A-Z&][\w&'’.-]*)"
    r"{0,4}(?:\s+\([^)]*\))?(?:['’]s)?\s+(?:(?:team|group|squad|department|dept|function|org)"
    r"\s+)?(?:\([^)]*\)\s+)?(?:to\b|sign-?off|approval|input|by\b)"
)
# another party's involvement in the work: 'together with the data team', 'coordinating with
# the platform group', 'as agreed with the vendor', 'needs the maintainers of X to review'
_INVOLVES = re.compile(
    r"(?i:\b(?:together with|jointly with|in (?:partnership|collaboration|cooperation|"
    r"coordination|consultation) with|(?:coordinat(?:e|es|ed|ing)|cooperat(?:e|es|ing|ion)|"
    r"collaborat(?:e|es|ing|ion)|partner(?:s|ing)?|agree[ds]?|as agreed|"
    r"co-?(?:written|design\w*|develop\w*|host\w*|own\w*))"
    r"\s+(?:[\w./-]+\s+){0,5}?with|with the [\w.&'’-]+(?: [\w.&'’-]+){0,3} (?:team|hub|group|"
    r"maintainers|working group|committee|office|vendor|partners?|community))\b|"
    r"\b(?:needs?|requires?|asks?|ask)\s+(?:the\s+)?(?:[\w.-]+\s+){0,3}?(?:maintainers|owners|"
    r"reviewers|team|group|committee|vendor)\b|\bdelegat\w+\b[^.;]{0,60}?\bto\b|"
    # work shared with another party: 'cross-cut with X', 'a contract
    # with X', 'under contract by X', 'With the sponsor, set ...'
    r"\bcross-?cut\w*\s+with|\bwork(?:s|ing|ed)?\s+(?:closely\s+|together\s+|jointly\s+|directly\s+)?with\b|"
    r"\b(?:owned|run|led|delivered)\s+jointly\s+by\b|"
    r"\b(?:contract(?:ed|ing)?|contracts)\s+(?:[\w-]+\s+){0,2}?(?:with|to|by)\b|"
    r"\boutsourc\w+\s+to|^\W*with\b)|"
    r"\b(?i:ask|asks|asking)\s+(?:the\s+)?[A-Z][\w&.-]+"
)
# work done with a body that is plainly another party: 'deliver the review with the regional
# care board' (not 'build it with Rust' or 'integrate with the POS': a tool or system is no party)
_DONE_WITH = re.compile(
    r"\b(?:implement|build|deliver|develop|prepar|produc|agree|align|integrat|set up|define|"
    r"launch|iterat|consult|engag|continu|outreach)\w*\s+(?:[\w./'’-]+\s+){0,6}?with\s+(?:the\s+)?"
    r"(?P<party>[\w&'’ -]{0,40}?\b(?:team|group|board|committee|council|"
    r"office|unit|department|wg|working group|foundation|authority|trust|consortium|sponsor|"
    r"agenc(?:y|ies)|civil society|institutions?|nonprofits?|universit(?:y|ies)|ministr(?:y|ies)))\b",
    IC,
)
# an involvement weaker than a hand-over ('a pilot with partners', 'building on X's work'): at
# most half a dependency
_LOOSE_INVOLVEMENT = re.compile(
    r"\b(?:pilot\w*|partner\w*|prototyp\w*)\b[^.;]{0,30}\bwith\b|"
    r"\bbuild(?:s|ing)? on (?!(?:our|its|their|the) (?:own|existing|current|in-house)\b)",
    IC,
)
_GENERIC_PARTY = re.compile(
    r"\b(?:other|various|relevant|all|some|any|several|multiple|external|colleagues|a (?:small )?"
    r"(?:set|group|number) of|an? (?:external|outside))\s+(?:teams?|departments?|partners?|"
    r"groups?|functions?|vendors?|researchers?|organi[sz]ations?|providers?|across)\b",
    IC,
)
# external organisations named generically with a hand-over ('agree the API with other vendors')
_EXTERNAL_ORG = re.compile(r"\b(?:vendors?|suppliers?|providers?|regulators?|funders?)\b", IC)
# waiting on money the plan has not got: a dependency on an unnamed funder
_FUNDING_SOUGHT = re.compile(
    r"\bfunding (?:is )?(?:applied for|sought|being sought|requested|pending)\b|"
    r"\b(?:seek|seeking|apply(?:ing)? for|awaiting)\s+(?:external\s+)?(?:funding|grants?)\b",
    IC,
)
_SELF_RELIANCE = re.compile(
    r"\b(?:rel(?:y|ies|ying)|depend(?:s|ing)?|build(?:ing)?) on (?:our|its|their|the) "
    r"(?:own|existing|current|in-house)\b[^.;,]*",
    IC,
)
# a hedge before the relation: 'we might team up with ...', 'we may ask ...'
_HEDGE = re.compile(
    r"\b(?:explore|exploring|consider|considering|look(?:ing)? (?:for|into)|may|might|could|"
    r"possibly|perhaps|potential(?:ly)?)\b",
    IC,
)
_PARTY_WORD = re.compile(
    r"\b(?:teams?|partners?|vendors?|suppliers?|providers?|groups?|"
    r"departments?|functions?|maintainers|researchers?|organi[sz]ations?)\b",
    IC,
)
# a dependency column in a table ('Depends on', 'Needs from', 'Blocked by')
_DEP_COLUMN = re.compile(r"depend|needs? from|blocked|relies|\bdeps?\b|handoff|partners?\b|collaborators?", IC)
_CLAUSE = re.compile(r"(?<=[.;])\s+|\s+[—–]\s+")


# a party named by its role to the plan ('our fiscal sponsor', 'the funder'), or another
# numbered part of the plan ('depends on 2.1')
_PARTY_ROLE = re.compile(
    r"\b(?:sponsors?|funders?|contractors?|consultants?|foundation|consortium|authority|"
    r"working groups?|wg)\b|^\W*(?:(?:on|upon|from|by)\s+)?\d{1,2}(?:\.\d{1,2})+\b",
    IC,
)


def _names_party(text: str, plan: Plan) -> bool:
    """A team, vendor, person or named organisation in the text (generic parties left out)."""
    text = _GENERIC_PARTY.sub(" ", text)
    if TEAM_RE.search(text) or _PARTY_ROLE.search(text) or person_names(text, plan.known_first):
        return True
    words = re.findall(r"(?<=[\s(])[A-Z][\w&'’-]+", text)
    return any(w.lower() not in NON_NAME_WORDS for w in words)


def _relation(text: str) -> re.Match[str] | None:
    text = _SELF_RELIANCE.sub(" ", text)
    return (
        _DEP_RELATION.search(text)
        or _NEEDS_PARTY.search(text)
        or _INVOLVES.search(text)
        or _DONE_WITH.search(text)
    )


def _dependency(line: Line, plan: Plan) -> str:
    """'named', 'generic' (a party only named generically) or '' for a line."""
    if in_topics(line, "dependencies"):
        return "named" if _names_party(line.plain, plan) else "generic"
    cells = [c for name, c in line.cells.items() if _DEP_COLUMN.search(name)]
    if cells:
        filled = [c for c in cells if c.strip(" -–—") and not PLACEHOLDER_RE.match(c)]
        if not filled:
            return ""
        return "named" if any(_names_party(" " + c, plan) for c in filled) else "generic"
    found = ""
    for clause in _CLAUSE.split(line.plain):
        must = _PARTY_MUST.search(clause)
        if must is not None:
            subject = _SUBJECT.search(clause[: must.start()])
            words = subject.group(0) if subject else ""
            if words.strip() and not _SELF.search(words):
                if _names_party(" " + words, plan):
                    return "named"
                found = "generic"
        match = _relation(clause)
        loose = _LOOSE_INVOLVEMENT.search(clause)
        first = match or loose
        if first is not None and _HEDGE.search(clause[: first.start()]):
            continue
        if match is None:
            if loose or _FUNDING_SOUGHT.search(clause):
                found = found or "generic"
            continue
        if match.re is _DONE_WITH:  # work done with a body named as one: a party by its kind
            return "named"
        # the party follows the relation word: 'depends on X', 'partner with the data team'
        party = re.sub(r"^\W*[\w-]+", "", clause[match.start() :])
        generic = _GENERIC_PARTY.search(party)
        if _names_party(party, plan) or (generic and _EXTERNAL_ORG.search(generic.group(0))):
            return "named"
        if generic or _PARTY_WORD.search(party):
            found = "generic"  # a party, named only by its kind
    return found


def check_dependencies(plan: Plan) -> Verdict:
    """Pass: names at least one dependency on another team, vendor or partner."""
    kinds = {
        ln.number: _dependency(ln, plan)
        for ln in plan.body_lines()
        if not PLACEHOLDER_RE.match(ln.body)
        # a risk is not a dependency, but under a "Dependencies and risks" heading it may be one
        and (in_topics(ln, "dependencies") or not in_topics(ln, "risks"))
        and not is_conditional(ln)
    }
    named = [ln for ln in plan.body_lines() if kinds.get(ln.number) == "named"]
    candidates = [ln for ln in plan.body_lines() if kinds.get(ln.number)]
    if named:
        return Verdict(
            "pass",
            evidence(named),
            f"Names {len(named)} cross-team dependencies ({line_refs(named)}).",
            "Give each dependency a date and a giving and receiving owner, and check it monthly.",
        )
    if candidates:
        return Verdict(
            "partial",
            evidence(candidates),
            "Mentions dependencies but never says which team, vendor or partner they are on.",
            "Name the party and the date: '<our initiative> needs <team> to <deliver X> by "
            "<date>'.",
        )
    placeholders = [ln for ln in plan.with_topic("dependencies") if PLACEHOLDER_RE.match(ln.body)]
    return Verdict(
        "fail",
        evidence(placeholders),
        "No cross-team dependencies are named"
        + (" (the dependency list is empty or to be decided)." if placeholders else "."),
        "Add a 'Dependencies' list: '<initiative> needs <team> (<contact>) to <deliver X> by "
        "<date>'.",
    )
