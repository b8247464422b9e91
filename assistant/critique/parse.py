"""Parse a plan into numbered lines with structure: sections, list items, tables, OKR lines.

Line numbers are 1-based positions in ``text.split("\\n")``. Lines holding an embedded
instruction are left out before parsing (see guard.py), so the structure, and so every
verdict, is the one of the plan without them; each kept line still carries its original
number for evidence.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field

from assistant.critique.guard import Screened
from assistant.critique.patterns import IC, first_names, person_names

TOPIC_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, IC)
    for name, pattern in {
        "choices": r"choice|choosing|chose\b|betting|\bthe bets?\b|our bets?\b|trade-?offs?|"
        r"where we play|how we win|\bdirection\b|options considered|alternatives|rationale|"
        r"consequences|drawbacks",
        "exclusions": r"not doing|won'?t do|will not|out of scope|not in scope|outside (?:the )?scope|"
        r"cut list|say no|saying no|non-?goals|parked|not this|deprioriti|stop doing|"
        r"off the table|\bnot (?:for|in) |\bno-?go\b|\bnot now\b|\bwon'?t\b|leav(?:e|ing) "
        # 'Later' as a heading of its own, or 'Later / not doing'; not 'Later iterations'
        r"(?:\w+ )?alone|hold(?:ing)? off|exclu(?:ded|sions?)|^\W*later\W*$|\blater\s*/|"
        r"/\s*later\b|\blater\s*\)|\bnot yet\b|parking lot|"
        r"(?:^|\bexplicitly |\bwhat'?s |\bwhat is |\bkept |\bleft |\bstays? )out\b",
        "priorities": r"priorit|matters? most|focus|must-?wins?|\bp0|\btop (?:\d|two|three|four)\b|"
        r"big bets",
        "initiatives": r"initiative|workstream|work stream|deliverable|projects?\b|programmes?\b|"
        r"\bepics?\b|who owns|owners?\b|\broadmap|work ?plan|what we will (?:do|build|deliver)",
        "owners": r"owner|who owns|\broles?\b|raci|accountab|leadership|who does what|\bdri\b|\bteam\b",
        "milestones": r"milestone|\bdates?\b|timeline|timing|schedule|roadmap|phases?\b|"
        r"plan of record|calendar|time-?frame|time frame|deadlines?|\bdue\b",
        "dependencies": r"depend|\bdeps\b|needs from|cross-team|interlock|what we need",
        "metrics": r"success|targets?\b|measure|kpis?\b|metric|outcomes?\b|scorecard|objective|"
        r"goals?\b|key results?|\bokrs?\b|how we(?:'ll| will)? know|results\b|signals|"
        r"indicators|what good looks like|north star|dashboard|criteria|done when|"
        r"definition of done",
        "cadence": r"cadence|rhythm|review|check-?ins?|meetings?|rituals|reporting|governance|"
        r"stand-?ups?|\bsyncs?\b",
        "decisions": r"decision|decides|who decides|approv|governance|raci|escalat|lanes|"
        r"authority|sign-?offs?",
        # 'Time' as a heading or 'time split', not a metric's 'response time'
        "capacity": r"capacity|resourc|\bpeople\b|staffing|headcount|budget|allocation|\bteam\b|"
        r"^\W*time\b|\btime (?:split|allocation|budget)\b",
        # what led here, not what the plan commits to: dates and numbers here are history
        "context": r"\bcontext\b|\bbackground\b|\bhistory\b|where (?:are )?we (?:are )?today|"
        r"current (?:state|situation)|\bsituation\b|problem (?:statement|summary)|"
        r"statement of (?:the )?(?:issue|problem)|\bpurpose of\b|"
        # work already finished: its dates are history, not milestones
        r"^\W*(?:done|completed|shipped|delivered|finished|achieved)\W*$|"
        r"\b(?:accomplishments|achievements to date|what we (?:did|shipped|delivered))\b",
        "risks": r"risk|tripwire|watch-?outs?|pre-?mortem|what could go wrong|scenario|contingenc|"
        r"threat|mitigation|what might|failure modes",
    }.items()
}

_LIST_MARKER = re.compile(
    r"^\s*(?:(?P<bullet>[-*•·▪◦–—+>])|(?P<sub>\d+\.\d+(?:\.\d+)?\.?)|(?P<number>\d{1,2}[.)])|"
    r"(?P<paren>\(\d{1,2}\)|\([a-z]\))|(?P<letter>[a-z][.)]))\s+"
)
_ORDINAL = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"
# "O1 ...", "- KR2.1 ...", "- KR: ...", "- KR (leading): ...", "## Objective 1: ...", "| O1. ... |", "Objective one is that ..."
_OKR = re.compile(
    r"^\s*(?:[-*•]\s*|#{1,6}\s+|\|\s*)?\**(?:\([^)]{1,12}\)\s*)?"
    r"(?P<kind>O\d{1,2}|KR\s?\d{1,2}(?:\.\d{1,2})?|"
    r"KR(?=\s*(?:\([^)]{1,30}\)\s*)?:)|Objective(?=\s*:\s*\S)|"
    rf"Objective\s+#?{_ORDINAL}|Key result\s+#?{_ORDINAL}(?:\.\d{{1,2}})?)\b",
    IC,
)
# A table row whose first cell is only "O1" continues objective O1's rows: not a new objective.
_BARE_OKR_CELL = re.compile(r"^\s*\|\s*\**O\d{1,2}\**\s*\|", IC)
# "## Objectives", "Our objectives", "Team objectives for Q3": a heading over a list of objectives
_OBJECTIVES_HEAD = re.compile(
    r"^(?:our |team |the )?(?:\w+ )?(?:objectives|okrs)(?:\s*[(,-–—].*|\s+(?:for|in)\s.*|"
    r"\s+(?:[QH][1-4]|FY|20\d\d)\S*)?$",
    IC,
)
_MD_HEADER = re.compile(r"^\s*(#{1,6})\s+(.*?)\s*#*\s*$")
_WRAPPED = re.compile(r"^\s*(\*\*|__|\*|_)(.+?)\1\s*:?\s*$")
_LABEL = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:\*\*|\*|__)?(?P<label>[^:*|]{1,48}?)(?:\*\*|\*|__)?\s*:"
    r"(?:\*\*|\*|__)?(?:\s+|$)(?P<body>.*)$"
)
_EMPHASIS = re.compile(r"\*\*|__|`|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)")
_BOLD_LEAD = re.compile(r"^\s*(?:\*\*|__)([^*_]{2,60}?)[.:]?(?:\*\*|__)[.:]?\s+(\S.*)$")
_SENTENCE_BREAK = re.compile(r"[.;!?]\s|[;!?]$|\d:\d")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def topics_of(text: str) -> frozenset[str]:
    """The topics a heading or label is about (e.g. 'Risks and tripwires' -> {'risks'})."""
    return frozenset(name for name, pattern in TOPIC_PATTERNS.items() if pattern.search(text))


@dataclass(eq=False)
class Line:
    """One kept line of the plan with its structure."""

    number: int  # 1-based line number in the original text
    raw: str  # the original line
    text: str  # the line as analysed (removed comments blanked, same length as raw)
    plain: str = ""  # markdown emphasis, list marker and table pipes removed; stripped
    kind: str = "text"  # blank | title | header | item | table | text
    marker: str = ""  # bullet | number | sub | paren | letter | ""
    okr: str = ""  # "O" | "KR" | ""
    label: str = ""  # inline "Label:" (lower case), "" if none
    body: str = ""  # the text after the label, else plain
    topics: frozenset[str] = frozenset()
    section: int = 0
    cells: dict[str, str] = field(default_factory=dict)
    index: int = 0  # position in Plan.lines
    heads: bool = False  # an objective written as a heading: an item that also opens a section
    delim: str = ""  # "," or a tab: a row of a table pasted from a spreadsheet
    memo: dict[object, bool] = field(default_factory=dict)  # answers kept by base.per_line

    @property
    def is_blank(self) -> bool:
        """True for an empty line."""
        return self.kind == "blank"


@dataclass(eq=False)
class Section:
    """A heading and the lines under it (the preamble before any heading is section 0)."""

    index: int
    title: str
    topics: frozenset[str]
    header: Line | None
    lines: list[Line] = field(default_factory=list)


@dataclass
class Plan:
    """The parsed plan."""

    lines: list[Line]
    sections: list[Section]
    injected: list[int]
    people: list[str]
    known_first: frozenset[str]
    memo: dict[object, object] = field(default_factory=dict)  # results kept by base.per_plan

    def content(self) -> list[Line]:
        """Every non-blank line, headers included."""
        return [ln for ln in self.lines if not ln.is_blank]

    def title(self) -> Line | None:
        """The plan's title line, if it has one."""
        return next((ln for ln in self.lines if ln.kind == "title"), None)

    def body_lines(self) -> list[Line]:
        """Non-blank lines that are not headings or the title."""
        return [ln for ln in self.lines if ln.kind in ("item", "table", "text")]

    def with_topic(self, topic: str) -> list[Line]:
        """Body lines whose section or inline label is about `topic`."""
        return [ln for ln in self.body_lines() if topic in ln.topics]

    def headers(self, topic: str) -> list[Line]:
        """Headings (or label lines) about `topic`."""
        return [
            ln
            for ln in self.content()
            if (ln.kind in ("header", "title") or ln.label) and topic in topics_of(_head(ln))
        ]

    def next_content(self, line: Line, limit: int = 3) -> list[Line]:
        """Up to `limit` non-blank lines after `line`."""
        return [ln for ln in self.lines[line.index + 1 :] if not ln.is_blank][:limit]


def _head(line: Line) -> str:
    return line.label if line.label and line.kind not in ("header", "title") else line.plain


def _plain(text: str) -> str:
    text = _EMPHASIS.sub("", text)
    text = _LIST_MARKER.sub("", text, count=1)
    return text.strip().strip("|").strip()


def _is_short_heading(line: Line, prev: Line | None, nxt: Line | None) -> bool:
    text = line.plain
    if not text or nxt is None or len(text) > 80 or text[-1] in ".!?,;":
        return False
    if line.marker in ("bullet", "sub", "paren", "letter") or line.kind == "table" or line.okr:
        return False
    if line.label and line.body != line.plain:
        return False
    if prev is not None and not prev.is_blank and prev.kind not in ("title", "header"):
        return False
    if line.marker == "number":
        # "1. Project objectives" heads a section only when the next line is not item 2.
        return not (nxt.marker == "number" and nxt.kind != "header")
    return len(text.split()) <= 12


def _split_cells(ln: Line) -> list[str]:
    if ln.delim:
        return [c.strip() for c in _fields(ln.text, ln.delim)]
    return [c.strip() for c in ln.text.strip().strip("|").split("|")]


def _fields(text: str, delim: str) -> list[str]:
    return next(csv.reader([text], delimiter=delim), [])


def _header_row(fields: list[str]) -> bool:
    """Column names: three or more, each short, none empty, no sentence."""
    return (len(fields) >= 3 and all(f.strip() and len(f) <= 40 and len(f.split()) <= 4 for f in fields)
            and not fields[-1].rstrip().endswith("."))


def _mark_pasted_tables(lines: list[Line]) -> None:
    """A table pasted from a spreadsheet (comma- or tab-separated, a header row, then two or more
    rows with as many fields, figures or dates among them) is a table, like a markdown one."""
    i = 0
    while i < len(lines):
        for delim in ("\t", ","):
            header = _fields(lines[i].text, delim)
            if not _header_row(header):
                continue
            j = i + 1
            while j < len(lines) and len(_fields(lines[j].text, delim)) == len(header):
                j += 1
            if j - i >= 3 and any(re.search(r"\d", ln.text) for ln in lines[i + 1 : j]):
                for ln in lines[i:j]:
                    ln.delim = delim
                i = j - 1
                break
        i += 1


def _classify(lines: list[Line]) -> None:
    for ln in lines:
        if not ln.text.strip():
            ln.kind = "blank"
            continue
        marker = _LIST_MARKER.match(ln.text)
        if marker:
            ln.marker = next(k for k, v in marker.groupdict().items() if v)
        okr = _OKR.match(ln.text)
        if okr and not _BARE_OKR_CELL.match(ln.text):
            ln.okr = "KR" if okr.group("kind").lower().startswith(("kr", "key")) else "O"
        ln.plain = _plain(ln.text)
        if ln.text.count("|") >= 2 or ln.delim:
            ln.kind = "table"
        elif _MD_HEADER.match(ln.text) or _WRAPPED.match(ln.text):
            ln.kind = "header"
            ln.plain = _plain(re.sub(r"^\s*#+\s*", "", ln.text)).rstrip(":").strip()
            if ln.okr == "O":
                ln.kind, ln.heads = "item", True  # "## Objective 1: ..." is an objective
        else:
            ln.kind = "item" if ln.marker or ln.okr else "text"
        lead_in = _BOLD_LEAD.match(_LIST_MARKER.sub("", ln.text, count=1))
        unmarked = _LIST_MARKER.sub("", _EMPHASIS.sub("", ln.text), count=1)
        label = None if ln.kind == "table" else _LABEL.match(unmarked)
        if lead_in and ln.kind != "header":
            ln.label = lead_in.group(1).strip().lower()
            ln.body = _plain(lead_in.group(2))
            continue
        if (
            label
            and len(label.group("label").split()) <= 7
            and not _SENTENCE_BREAK.search(label.group("label"))
        ):
            ln.label = label.group("label").strip().lower()
            ln.body = label.group("body").strip()
            if not ln.body and ln.kind != "header":
                ln.kind = "header"
                ln.plain = ln.plain.rstrip(":").strip()
        if not ln.body:
            ln.body = ln.plain


def _structure(lines: list[Line]) -> list[Section]:
    content = [ln for ln in lines if not ln.is_blank]
    if content and content[0].kind in ("text", "header") and len(content[0].plain) <= 160:
        content[0].kind = "title"
    for i, ln in enumerate(lines):
        if ln.kind not in ("text", "item"):
            continue
        prev = lines[i - 1] if i > 0 else None
        nxt = next((n for n in lines[i + 1 :] if not n.is_blank), None)
        capitals = ln.plain.isupper() and len(ln.plain) > 3 and not ln.marker  # not "1. CSAT 92%"
        if ln.label == "" and capitals and nxt is not None:
            ln.kind = "header"
        elif _is_short_heading(ln, prev, nxt):
            ln.kind = "title" if prev is not None and prev.kind == "title" else "header"
    sections = [Section(0, "", frozenset(), None)]
    table_header: list[str] | None = None
    for ln in lines:
        if ln.kind == "header" or ln.heads:
            topics = topics_of(ln.plain)
            sections.append(Section(len(sections), ln.plain, topics, ln))
            if ln.kind == "header" and _OBJECTIVES_HEAD.match(ln.plain):
                _mark_objectives(lines, ln)
        current = sections[-1]
        ln.section = current.index
        # a short label names a topic ('Decisions:', 'Risks and mitigations:'); a longer one
        # or one with a number is the start of a sentence ('Hire 10 more people: ...')
        topical = ln.label and len(ln.label.split()) <= 6 and not re.search(r"\d", ln.label)
        label_topics = topics_of(ln.label) if topical else frozenset()
        if ln.kind == "item" and current.topics:
            label_topics = frozenset()  # "Firmware team: ..." under Dependencies is a party
        if ln.kind == "header" or ln.heads:
            ln.topics = current.topics
        elif label_topics and ln.kind == "text":
            ln.topics = label_topics  # "Decisions: ..." after a list is about decisions
        else:
            ln.topics = current.topics | label_topics
        if ln.kind != "header":
            current.lines.append(ln)
        table_header = _table_cells(ln, table_header)
    _promote_outline_items(sections)
    return sections


def _mark_objectives(lines: list[Line], header: Line) -> None:
    """Top-level list items right under an 'Objectives' heading are objectives."""
    items: list[Line] = []
    for ln in lines[header.index + 1 :]:
        if ln.kind in ("header", "title") or ln.heads:
            break
        if ln.okr:
            return  # already written as O1 / KR1 lines
        if ln.kind == "item" and ln.marker in ("number", "bullet"):
            if not items or ln.marker == items[0].marker:
                items.append(ln)
        elif not ln.is_blank and ln.kind != "item":
            break
    if len(items) >= 2:
        for ln in items:
            ln.okr = "O"


def _promote_outline_items(sections: list[Section]) -> None:
    """In a numbered outline ('4. Priorities' then '4.1 ...', '4.2 ...') the N.M items are the
    section's own list, not sub-items."""
    for section in sections:
        number = re.match(r"^\s*(\d{1,2})[.)]\s", section.header.text) if section.header else None
        if number is None:
            continue
        prefix = re.compile(rf"^\s*{number.group(1)}\.\d{{1,2}}\.?\s")
        for ln in section.lines:
            if ln.marker == "sub" and prefix.match(ln.text):
                ln.marker = "number"


def _table_cells(ln: Line, header: list[str] | None) -> list[str] | None:
    """Fill a table row's cells by column name; return the header in force after the line."""
    if ln.kind != "table":
        return None
    cells = _split_cells(ln)
    if header is None:
        return [c.lower() for c in cells]
    if not _TABLE_SEPARATOR.match(ln.text):
        ln.cells = {header[i] if i < len(header) else f"col{i}": c for i, c in enumerate(cells)}
    return header


def parse_plan(screened: Screened) -> Plan:
    """Build the Plan from screened lines (None = an embedded instruction, left out)."""
    lines: list[Line] = []
    for number, text in enumerate(screened.lines, start=1):
        if text is None:
            continue
        raw = screened.original[number - 1].rstrip("\r")
        lines.append(Line(number=number, raw=raw, text=text.rstrip("\r")))
    for i, ln in enumerate(lines):
        ln.index = i
    _mark_pasted_tables(lines)
    _classify(lines)
    sections = _structure(lines)
    people: list[str] = []
    for ln in lines:
        people.extend(person_names(ln.text))
    known = first_names(people)
    return Plan(lines, sections, list(screened.injected), people, known)
