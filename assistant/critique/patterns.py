"""Shared text patterns: dates, numbers, person names, teams, output verbs and metric words.

These are building blocks only: every check combines them with the plan's structure
(sections, list items, tables, OKR lines) rather than deciding on a keyword alone.
"""

from __future__ import annotations

import re

IC = re.IGNORECASE

# --- dates -------------------------------------------------------------------------------
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_SPECIFIC_DATES = [
    # 15 March, 20-21 Mar 2026, 1st Feb
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{{1,2}})?\s+{MONTH}\b\.?(?:\s+\d{{4}})?",
    # March 15, 2026
    rf"\b{MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!\d)(?:,?\s+\d{{4}})?",
    # Jan 2027, December '26, January, 2010, August of 2010
    rf"\b{MONTH}\.?(?:,|\s+of)?\s+(?:\d{{4}}|'\d{{2}})\b",
    # 1st quarter 2021, the second quarter of 2021, first half 2027
    r"\b(?:1st|2nd|3rd|4th|first|second|third|fourth)\s+(?:quarter|half)(?:\s+of)?\s+(?:19|20)\d{2}\b",
    # in April, by December, end of June, mid-March, from January to March
    rf"\b(?:in|by|from|until|till|to|through|end of|mid|mid-|early|late|before|after|during|"
    rf"since|of|on|for|and|or|starting|start of|beginning of)[\s-]+{MONTH}\b",
    # Q3, Q3 2026, H1, FY27 Q2
    r"\b[QH][1-4](?:[\s-]?(?:FY)?'?\d{2,4})?\b",
    # wk 46, week 4, W6
    r"\b(?:wk\.?|week|sprint)\s?\d{1,2}\b",
    r"\b\d{4}-\d{2}-\d{2}\b",
    # day.month.year written with two digits each ('07.03.24', '31.12.2025'), not a version
    r"(?<![\d.])(?:0[1-9]|[12]\d|3[01])\.(?:0[1-9]|1[0-2])\.(?:19|20)?\d{2}(?!\d|\.\d)",
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    r"\b(?:end|close) of (?:the )?(?:q[1-4]|quarter|half|year|month|sprint|fy)\b",
    r"\b(?:year|quarter|month)[- ]end\b",
]
SPECIFIC_DATE_RE = re.compile("|".join(f"(?:{p})" for p in _SPECIFIC_DATES), IC)
WEEK_CODE_RE = re.compile(r"\bW\d{1,2}\b")  # "W6" (case-sensitive, so "w6" in ids is not a date)
YEAR_RE = re.compile(r"\b(?:19|20)\d{2}\b|\bFY\s?'?\d{2,4}\b", IC)


def has_specific_date(text: str) -> bool:
    """True if the text names a day, month, quarter, half, week or ISO date (not a bare year)."""
    return bool(SPECIFIC_DATE_RE.search(text) or WEEK_CODE_RE.search(text))


def specific_dates(text: str) -> list[str]:
    """Every specific date expression in the text, in order."""
    found = [m.group(0) for m in SPECIFIC_DATE_RE.finditer(text)]
    return found + [m.group(0) for m in WEEK_CODE_RE.finditer(text)]


def has_any_date(text: str) -> bool:
    """True if the text names any date, a bare year included."""
    return has_specific_date(text) or bool(YEAR_RE.search(text))


# --- numbers -----------------------------------------------------------------------------
WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "twenty": 20,
}
COUNT_WORD = r"(?:\d{1,2}|" + "|".join(WORD_NUMBERS) + r")"


def count_value(token: str) -> int | None:
    """'3' or 'three' -> 3; anything else -> None."""
    token = token.lower().strip()
    if token.isdigit():
        return int(token)
    return WORD_NUMBERS.get(token)


def has_number(text: str) -> bool:
    """True if the text holds a quantity (a digit that is not only part of a date or a name)."""
    stripped = SPECIFIC_DATE_RE.sub(" ", _REFERENCE.sub(" ", text))
    stripped = YEAR_RE.sub(" ", stripped)
    stripped = re.sub(r"\b[A-Za-z]+\d+[A-Za-z\d]*\b", " ", stripped)  # Gen3, KR1, O2, 21700
    stripped = _POSITION.sub(" ", stripped)
    return bool(re.search(r"\d", stripped))


# a position in the plan, not a quantity: 'Goal 1.', 'Phase 2', 'Objective #3', and the
# numbers of an inline list ('1. Create ... 2. Publish ...')
_POSITION = re.compile(
    r"\b(?:goals?|objectives?|phases?|stages?|steps?|priority|pillars?|themes?|parts?|"
    r"sections?|items?|waves?|tiers?|levels?)\s?#?\d{1,2}(?:\.\d{1,2})*\b|"
    r"(?:^|(?<=[\s(]))\d{1,2}[.)](?=\s+[A-Za-z])",
    IC,
)


# a title that names a set of objectives and key results
OKR_TITLE = re.compile(r"\bokrs?\b|\bobjectives\b|\bkey results\b", IC)
# a heading that names a period ('2026 Q1', 'Q4 2027', 'FY24', 'H2'): objectives sit under it
PERIOD_HEAD = re.compile(r"^\W*(?:(?:q[1-4]|h[12]|fy\s?\d{2,4})\b|(?:19|20)\d\d\b)[\w\s/,.-]{0,24}$", IC)
# the same with a bracketed note ('FY23-Q3 OKRs (draft)'): each period has its own scorecard
PERIOD_HEAD_NOTED = re.compile(PERIOD_HEAD.pattern.replace(",.-]", ",.()-]"), IC)


# a reference, not a quantity: 'issue 51', '#812', 'gh-4410', 'PR 41', 'RFC 700', 'v3.2.1', and
# enhancement proposals of any project ('PEP 8', 'KEP-1287'); never a count or a target
# ('bugs 40%', 'tickets 30 per week', 'bug 12 -> 4')
_NOT_QUANTITY = r"(?!\s?(?:%|/|per\b|to\b|->|x\b))"
_REFERENCE = re.compile(
    r"(?-i:\b[A-Z]{1,6}-\d{1,3}\b)(?!\s?%)|"  # a name with a number: 'K-12', 'COVID-19'
    r"(?-i:\b(?:[A-Z]{1,4}(?:EP|PE)|RFC|ADR|PR|GH)[\s#-]?\d{1,5}\b)|"
    rf"(?:\b(?:issue|pr|pull request|ticket|bug|gh|jira)[\s#-]*|#)\d+\b{_NOT_QUANTITY}|\bv?\d+\.\d+\.\d+\b",
    IC,
)


# --- people and teams --------------------------------------------------------------------


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zà-öø-ÿ"
# a capitalised word, also with a name prefix before a second capital (McKay, DeShawn, LaToya)
NAME_TOKEN = rf"(?:(?:Mc|Mac|De|Di|Da|La|Le)[{_UP}]|[{_UP}])[{_LOW}'’]+(?:-[{_UP}]?[{_LOW}'’]+)?\b"
PERSON_RE = re.compile(
    rf"(?:Dr\.?\s+)?{NAME_TOKEN}(?:\s+(?:{NAME_TOKEN}|(?:van|von|de|da|del|der|la|le|bin|al)\b)){{0,2}}"
)
ORG_WORDS = _wordset(
    """team teams squad squads department departments dept division divisions office group
    committee board council leadership engineering design product products marketing finance
    legal security data sales support operations ops platform platforms systems services
    infrastructure compliance procurement facilities partner partners vendor vendors agency
    ministry government district unit centre center programme program project projects steering
    exco executive executives management network analytics studio studios inc ltd llc corp
    company bank union hospital city customer customers retail digital growth care contact
    trust fraud risk revenue revops nursing education laboratory lab clinical informatics works
    parks communications public app store stores cloud api desk service everyone all nobody
    family teacher member members relations planning merchandise inventory fulfilment
    fulfillment channels banking core enterprise mobile web frontend backend infra research
    regional region org organisation organization function functions staff crew crews chapter
    tribe guild pod pods cell cells office' department's people hub lifecycle billing payments
    platform's eng engg devs infra mktg biz bizops cx pmo sre ml ai bi ops' ux ui"""
)
NON_NAME_WORDS = _wordset(
    """the this that these those our we all each every new top key next owner owners lead
    leads sponsor milestones milestone target targets beta ga pilot live launch risks risk
    dependencies dependency capacity cadence review weekly monthly quarterly daily priorities
    priority initiative initiatives workstream workstreams objective objectives outcome
    outcomes goal goals success measures metrics kpis plan plans strategy context summary
    decision decisions decides approves rhythm notes note author reviewed updated draft
    prepared timing timeline dates status if when by from to for with and or not no yes tbd
    none q1 q2 q3 q4 h1 h2 okr okrs kr dri raci fte it hr qa cs ai ml ui ux mvp sso api
    monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec who what where why how"""
)
ROLE_RE = re.compile(
    r"\b(?:ceo|cfo|coo|cto|cio|ciso|cpo|cmo|chro|cro|vp|svp|evp|head of [\w&]+|director|"
    r"chief [\w ]{2,30}? officer|general manager|gm|managers?|president|founders?|chair|sponsor|"
    r"controller|producer|pm|em|tech lead|team lead|product lead|programme lead|program lead|"
    r"project lead|lead designer|principal|owner)\b",
    IC,
)


def is_org_phrase(words: list[str]) -> bool:
    """True if a capitalised phrase names a team or organisation rather than a person."""
    for word in words:
        clean = word.strip(".,;:()'’").lower()
        if clean in ORG_WORDS or (word.isupper() and len(word) > 1):
            return True
    return False


def person_names(text: str, known_first_names: frozenset[str] = frozenset()) -> list[str]:
    """Person names in the text: two to four capitalised words that are not a team, or a
    single first name already seen as part of a full name in the same plan."""
    names: list[str] = []
    for match in PERSON_RE.finditer(text):
        words = re.sub(r"['’]s$", "", match.group(0)).split()
        if words[0].rstrip(".") == "Dr":
            words = words[1:]
        while words and words[0].lower() in NON_NAME_WORDS:
            words = words[1:]
        if not words or is_org_phrase(words):
            continue
        if any(w.lower() in NON_NAME_WORDS for w in words):
            continue
        if len(words) >= 2 or words[0] in known_first_names:
            names.append(" ".join(words))
    return names


def first_names(names: list[str]) -> frozenset[str]:
    """The first names of full (two-word or longer) names."""
    return frozenset(n.split()[0] for n in names if len(n.split()) >= 2)


TEAM_RE = re.compile(
    r"\b(?:team|teams|squad|squads|department|dept|division|office|group|committee|board|council|"
    r"leadership|vendor|partner|agency|ministry|regulator|processor|supplier|contractor|"
    r"provider|carrier|publisher|legal|finance|security|infosec|compliance|procurement|"
    # 'IT', 'HR' and 'QA' as departments, in capitals: not the pronoun 'it'
    r"facilities|marketing|sales|engineering|design|data|platform|(?-i:IT|HR|QA)|ops|operations|"
    r"support|revops|nursing|laboratory|works|parks|communications|district|government|union)\b",
    IC,
)

# a heading that names one team (or working group, circle, unit): its goals and measures are
# that team's own ('Finance WG', 'Goals of the Platform Circle', 'Collections Team'), not a
# heading that only mentions a team ('Build the team and culture')
TEAM_HEAD_RE = re.compile(
    r"^\W*(?:(?:goals?|objectives?|okrs?|metrics|kpis|priorities|plan)\s+(?:of|for)\s+)?"
    r"(?:the\s+)?[\w&/,'’. -]{0,48}?\b(?:team|squad|tribe|department|dept|guild|chapter|wg|"
    r"working group|circle|unit|office|division|committee|council|lab|group)s?"
    r"(?:\s*[(:—–-].{0,40})?\W*$",
    IC,
)

# --- output vs outcome language -----------------------------------------------------------
OUTPUT_VERBS = (
    "launch|ship|build|release|deliver|implement|migrate|roll out|rollout|deploy|complete|run|"
    "create|develop|redesign|rebuild|upgrade|replace|retire|refresh|stand up|integrate|add|"
    "introduce|rewrite|relaunch|set up|install|hire|train|publish|finish|go live|modernise|"
    "modernize|digitise|digitize|embed|strengthen|improve|achieve|establish|introduce|move|"
    "open|onboard|automate|consolidate|extend|expand|enable|support|provide|offer|host|hold"
)
OUTPUT_START_RE = re.compile(rf"^(?:{OUTPUT_VERBS})\b", IC)
OUTPUT_DONE_RE = re.compile(
    r"\b(?:launched|shipped|delivered|implemented|completed|released|built|deployed|rolled out|"
    r"went live|go-live|on time|on budget|on schedule|number of (?:features|releases|projects)|"
    r"features delivered|projects? (?:on|delivered))\b",
    IC,
)
METRIC_WORDS_RE = re.compile(
    r"\b(?:rate|rates|retention|churn|activation|adoption|conversion|satisfaction|nps|tnps|csat|"
    r"revenue|arr|mrr|nrr|grr|gmv|aov|margin|cost|costs|time|cycle|days|hours|share|users|"
    r"customers|members|accounts|usage|engagement|active|sessions|completion|rating|score|"
    r"deposits?|balances?|bookings|sales|orders|tickets|contacts|downtime|availability|uptime|"
    r"incidents|errors|defects|latency|resolution|throughput|mau|dau|wau|renewals?|"
    r"continuation|reviews|wishlist|crash|crash-free|loss|losses|volume|per|median|average|"
    r"net|gross|growth|count|percentage|proportion|ratio|frequency|speed|accuracy|yield|"
    r"households|students|teachers|schools|patients|players|visits|installs|downloads|"
    r"signups|sign-ups|leads|pipeline|spend|savings|profit|ebitda|income|occupancy|utilisation|"
    r"utilization|readiness|attrition|engaged|paying|returning|repeat|lifetime|ltv|cac|roas|"
    r"seconds|load|p50|p95|p99|response|wait|backlog|nps|defect|failures?|success)\b",
    IC,
)
