"""The team's own plans as evidence for a diagnosis.

When a workspace holds plans and some of their chunks are retrieved for a description, the
plans those chunks belong to (most recent first) are read through the rubric checker, and each
finding becomes evidence about the root cause: a check that fails supports the category the
rubric gives it (no exclusions, too many priorities -> strategy; no owners, no dates -> execution;
no review rhythm, nobody who decides -> culture), a check that passes argues against it. Every
item quotes the plan's own line, with its line numbers.

The rubric judges a plan's shape, and its failures turn up under every root cause; what tells
causes apart is often the plan's content: per-person output targets with quality kept outside the
goals, two named leads reversing each other's items, goals still "TBD pending leadership". The
plan cause model (classifier/plan_cause.py) reads the plan's words into the four causes or
`none`; its leading cause, when the plan leans to one, is quoted from the lines whose words weigh
most (check id `wording`, the line typed by the cue model: "what is rewarded pushes the wrong
behaviour"), and its lean against a typical real plan moves the scores (`CONTENT_WEIGHT`).

How much a plan's rubric findings move the decision: real plans fail most checks (of 40 real plans in
evals/plans_real, dev split, only 3% allocate capacity and 4% name leading indicators), so a
failure says little and a pass says a lot. A category's shift is its checks' average distance
from what a typical real plan scores (`TYPICAL_POINTS`), times `PLAN_WEIGHT` (log-odds), chosen
on the dev half of evals/plan_pairs and measured on its holdout half (see `PLAN_WEIGHT`).

A plan pasted into the chat ("here is our plan: ...") is used the same way for that conversation
and is never stored.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from assistant.errors import AssistantError
from assistant.schema import CATEGORIES, PlanEvidence

PLAN_DOCS = 2  # plans read per diagnosis (the retrieved chunks' documents, most recent first)
# mean rubric points (pass 1, partial 0.5, fail 0) of the 40 real plans of evals/plans_real's dev
# split, from their agreed labels: what a typical real plan scores on each check
TYPICAL_POINTS = {
    "choices": 0.24, "exclusions": 0.18, "priorities": 0.37, "owners": 0.19, "milestones": 0.53,
    "dependencies": 0.42, "outcome_metrics": 0.28, "baseline_target": 0.15,
    "leading_indicators": 0.04, "scorecard_size": 0.43, "cadence": 0.31, "decision_rights": 0.11,
    "capacity": 0.03, "risks": 0.10,
}
POINTS = {"pass": 1.0, "partial": 0.5, "fail": 0.0}
# log-odds per unit of a category's average distance from a typical plan. Chosen on the dev half
# of evals/plan_pairs (50 pairs): 0.58 accuracy at 0 and 0.2, 0.56 at 0.5-2.0; the holdout half
# stays at 0.46 with or without. The rubric's findings hardly separate root causes there (a
# failed priority list or missing owners turn up under every label): what decides those pairs is
# content the rubric does not judge (two named people undoing each other's items in a status log,
# per-engineer output targets, goals still "TBD"): the plan cause model reads that (below).
PLAN_WEIGHT = 0.2
# log-odds per unit of the plan cause model's lean (PlanCauseModel.lean: its reading against a
# typical real plan's, clipped to +-1), used only when the plan leans to some cause by at least
# CONTENT_LEAN (then its lines are quoted too). Chosen on the dev half of evals/plan_pairs and on
# the 187 real dev descriptions each given a random real plan (the plan unrelated to the
# problem: it should move little), averaged over five draws: lean 0.4, weight 2 gave pairs dev
# 0.54 -> 0.64 and real dev 0.813 -> 0.797; weight 1.5: 0.62 / 0.804; lean 0.3, weight 2:
# 0.66 / 0.782; without centring, a real plan of any kind pulled real descriptions to 0.64.
CONTENT_WEIGHT = 2.0
CONTENT_LEAN = 0.4
WORDING = "wording"  # the check id of an item from the plan's words rather than a rubric check
MAX_ITEMS_PER_CHECK = 2
CACHE_SIZE = 256


@dataclass(frozen=True)
class PlanDoc:
    """A plan the diagnosis may read: a stored document or one pasted in the conversation."""

    document: str
    source: str | None
    text: str
    ingested_at: float = 0.0


@dataclass(frozen=True)
class Finding:
    """One rubric check's verdict on a plan with the (1-based) lines that decided it."""

    check_id: str
    status: str
    lines: tuple[int, ...]
    finding: str


class _Lru:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._items: OrderedDict = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            if len(self._items) > self._size:
                self._items.popitem(last=False)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


_FINDINGS = _Lru()  # text hash -> findings (None: not a plan)
_CONTENT = _Lru()  # text hash -> the plan cause model's log-odds per cause
_EVIDENCE = _Lru()  # (text hash, document, source) -> evidence items
_TEXTS = _Lru()  # (doc id, ingested at) -> the stored plan's text
_NOT_CACHED = object()


def findings(text: str) -> tuple[Finding, ...] | None:
    """The rubric findings of a plan, cached by the text's hash; None when it is not a plan."""
    key = _digest(text)
    cached = _FINDINGS.get(key, _NOT_CACHED)
    if cached is not _NOT_CACHED:
        return cached
    from assistant.critique.engine import DEFAULT_MAX_CHARS, _analyse

    try:
        # findings only (no drawn fixes: nothing here shows them); a longer plan than the
        # critique accepts is read no further than twice its limit, so the cost stays bounded
        checks, _ = _analyse(_head(text), 2 * DEFAULT_MAX_CHARS, "the plan", fixes=False)
        result: tuple[Finding, ...] | None = tuple(
            Finding(c.id, c.status, tuple(sorted({e.line for e in c.evidence})), c.finding) for c in checks
        )
    except AssistantError:  # not a plan (a note, a recipe): nothing to read
        result = None
    _FINDINGS.put(key, result)
    return result


def content(text: str) -> np.ndarray:
    """How the plan's words lean per cause (CATEGORIES order), zeros unless it leans to some
    cause by CONTENT_LEAN or more; cached by the text's hash."""
    key = _digest(text)
    cached = _CONTENT.get(key)
    if cached is None:
        from assistant.classifier.plan_cause import plan_cause_model

        lean = plan_cause_model().lean(_head(text))
        cached = lean if lean.max() >= CONTENT_LEAN else np.zeros_like(lean)
        _CONTENT.put(key, cached)
    return cached


def _head(text: str) -> str:
    """The plan up to twice the critique's limit, in whole lines (what is read of a long plan)."""
    from assistant.critique.engine import DEFAULT_MAX_CHARS

    limit = 2 * DEFAULT_MAX_CHARS
    return text if len(text) <= limit else text[:limit].rsplit("\n", 1)[0]


def _category(check_id: str) -> str:
    from assistant.critique.rubric import RUBRIC_BY_ID

    return RUBRIC_BY_ID[check_id].category


def shift(docs: list[PlanDoc]) -> np.ndarray:
    """Log-odds to add to each category (CATEGORIES order) from what the plans show: their
    rubric findings and their words (a plan the rubric cannot read moves nothing)."""
    distance: dict[str, list[float]] = {c: [] for c in CATEGORIES}
    words = []
    for doc in docs:
        found = findings(doc.text)
        for f in found or ():
            if f.status in POINTS:
                distance[_category(f.check_id)].append(TYPICAL_POINTS[f.check_id] - POINTS[f.status])
        if found is not None:
            words.append(content(doc.text))
    rubric = np.array([PLAN_WEIGHT * float(np.mean(distance[c])) if distance[c] else 0.0 for c in CATEGORIES])
    return rubric + (CONTENT_WEIGHT * np.mean(words, axis=0) if words else 0.0)


def _runs(lines: tuple[int, ...]) -> list[tuple[int, int]]:
    """Consecutive line numbers grouped into [first, last] runs."""
    runs: list[tuple[int, int]] = []
    for n in lines:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def evidence(docs: list[PlanDoc]) -> list[PlanEvidence]:
    """Every finding that has lines to quote: failures for their category, passes against it
    (worked out once per plan text and name, then copied)."""
    items: list[PlanEvidence] = []
    for doc in docs:
        key = (_digest(doc.text), doc.document, doc.source)
        cached = _EVIDENCE.get(key)
        if cached is None:
            cached = _evidence_of(doc)
            _EVIDENCE.put(key, cached)
        items += [item.model_copy() for item in cached]
    return items


def _evidence_of(doc: PlanDoc) -> list[PlanEvidence]:
    """The findings of one plan that have lines to quote: the lines its words lean on, then the
    rubric's."""
    found = findings(doc.text)
    if found is None:
        return []
    plan_lines = doc.text.split("\n")
    items = _wording(doc, plan_lines)
    for f in found:
        if f.status not in POINTS:  # n/a: nothing to quote
            continue
        direction = "against" if f.status == "pass" else "for"
        runs = [r for r in _runs(f.lines) if plan_lines[r[0] - 1].strip()][:MAX_ITEMS_PER_CHECK]
        for first, last in runs:
            items.append(PlanEvidence(
                document=doc.document, source=doc.source, lines=[first, last],
                quote=plan_lines[first - 1].strip(), check_id=f.check_id,
                category=_category(f.check_id), direction=direction, finding=f.finding,
            ))
    return items


def _wording(doc: PlanDoc, plan_lines: list[str]) -> list[PlanEvidence]:
    """The lines whose words weigh most for the cause the plan leans to, if it leans to one,
    each typed by the cue model's words ("what is rewarded pushes the wrong behaviour")."""
    from assistant.classifier.cue_types import CUE_PHRASES
    from assistant.classifier.plan_cause import plan_cause_model

    lean = content(doc.text)
    top = int(np.argmax(lean))
    if lean[top] < CONTENT_LEAN:
        return []
    category = CATEGORIES[top]
    scored = [(n, score) for n, score in plan_cause_model().line_scores(_head(doc.text), category)
              if _quotable(plan_lines, n)][:MAX_ITEMS_PER_CHECK]
    items = []
    for n, _ in sorted(scored):
        line = plan_lines[n - 1].strip()
        cue = wording_cue(line, category)
        phrase = CUE_PHRASES[cue] if cue else ""
        items.append(PlanEvidence(
            document=doc.document, source=doc.source, lines=[n, n], quote=line, check_id=WORDING,
            category=category, direction="for",
            finding=f"The plan's own words lean to {category}" + (f": {phrase}" if phrase else "")
            + " (this line weighs most)."))
    return items


_TITLE_LIKE = re.compile(r"\s*#{1,6}\s+(?:\S+\s+){0,3}\S+\s*$")
_RULE_ROW = re.compile(r"\s*\|?[\s:|-]*$")
_WORD3 = re.compile(r"[A-Za-z]{3}")


def _quotable(lines: list[str], n: int) -> bool:
    """Whether line n (1-based) is worth quoting for what its words say: two words of three
    letters or more, and not a short heading such as '# Product Roadmap 2025', a table's rule,
    or a table's header row (a rule follows it). Linear in the line's length (a backtracking
    pattern here took minutes on one long run of letters)."""
    line = lines[n - 1]
    if _TITLE_LIKE.match(line) or _RULE_ROW.match(line):
        return False
    if n < len(lines) and "|" in lines[n] and _RULE_ROW.match(lines[n]):
        return False
    return sum(1 for token in line.split() if _WORD3.search(token)) >= 2


@functools.lru_cache(maxsize=1024)
def wording_cue(line: str, category: str) -> str | None:
    """The cue type of `category` a plan line's words read as (by the cue model's word member),
    or None without one."""
    from assistant.classifier.cue_types import CUE_TYPES, TYPES, cue_type_model

    words = cue_type_model().words
    if words is None:
        return None
    kinds = [i for i, t in enumerate(TYPES) if CUE_TYPES[t] == category]
    return TYPES[kinds[int(np.argmax(words.log_probs(line)[kinds]))]]


def steps_for(item: PlanEvidence) -> tuple[str, ...]:
    """The SOP steps that would change an item's plan lines: its rubric check's steps, or for
    a line read by its words, the steps of the cue type it reads as."""
    from assistant.classifier.cue_types import STEPS_FOR_CUE
    from assistant.critique.rubric import RUBRIC_BY_ID

    if item.check_id in RUBRIC_BY_ID:
        return tuple(RUBRIC_BY_ID[item.check_id].steps)
    cue = wording_cue(item.quote, item.category)
    return STEPS_FOR_CUE.get(cue, ()) if cue else ()


def bearing(items: list[PlanEvidence], candidates: list[str], limit: int = 6) -> list[PlanEvidence]:
    """The items about the candidate root causes, in candidate order, failures first (the
    plan's words before its rubric findings)."""
    from assistant.critique.rubric import IMPORTANCE

    chosen = [i for i in items if i.category in candidates]
    chosen.sort(key=lambda i: (candidates.index(i.category), i.direction != "for",
                               -1 if i.check_id == WORDING
                               else IMPORTANCE.index(i.check_id) if i.check_id in IMPORTANCE else 99))
    return chosen[:limit]


def documents_for(hits, workspace: str, limit: int = PLAN_DOCS) -> list[PlanDoc]:
    """The stored plans behind the retrieved plan chunks of `workspace`, most recent first."""
    ids = list(dict.fromkeys(h.doc_id for h in hits if h.doc_id and h.workspace == workspace))
    if not ids:
        return []
    rows = _stored(ids, workspace)
    return [PlanDoc(document=r["title"] or r["source"], source=r["source"], text=r["text"],
                    ingested_at=float(r["ingested_at"] or 0.0)) for r in rows[:limit]]


def _stored(doc_ids: list[str], workspace: str) -> list[dict]:
    """The stored plans among these documents, of this workspace only, most recent first. Their
    texts are kept by (doc id, ingestion time): a diagnosis reads only the small columns unless
    a plan is new."""
    from assistant import db

    rows = db.plan_documents(workspace, doc_ids, with_text=False)
    missing = [r["doc_id"] for r in rows if _TEXTS.get((r["doc_id"], r["ingested_at"])) is None]
    if missing:
        for r in db.plan_documents(workspace, missing):
            _TEXTS.put((r["doc_id"], r["ingested_at"]), r["text"])
    out = []
    for r in rows:
        text = _TEXTS.get((r["doc_id"], r["ingested_at"]))
        if text is not None:
            out.append({**r, "text": text})
    return out


_STRUCTURED = re.compile(r"^\s*(#{1,6}\s|[-*•+]\s|\d{1,2}[.)]\s|\|.*\||[A-Z][\w /&-]{1,40}:\s*$|"
                         r"(objective|kr|key result|okr|initiative|owner|milestone|goal)\b)", re.I)
_LEAD_IN = re.compile(r"\b(here('s| is| are)|below is|pasting|pasted|attached is|this is)\b[^.\n]{0,40}\b"
                      r"(plan|okrs?|roadmap|strategy|brief|priorities|goals)\b[^\n]*:?\s*$", re.I)
_HEADING = re.compile(r"^\s*(#{1,6}\s|\|.*\|)")
MIN_PLAN_LINES = 6


def split_pasted_plan(text: str) -> tuple[str, PlanDoc | None]:
    """(the description without it, the plan) when a message carries a pasted plan.

    The plan runs from the line after a lead-in ("here is our plan:") or, without one, from the
    first to the last structured line (headings, bullets, numbered or table rows, "Owner:"
    fields) of a message that is mostly structure, with headings or a table: at least six such
    lines and two in five of its lines. After a lead-in, what comes before and after (the
    question) is the description; without one the whole message stays the description (the
    structure may be the person's own notes). The rubric checker must accept the block as a plan.
    """
    lines = text.split("\n")
    leads = [i for i, ln in enumerate(lines) if _LEAD_IN.search(ln)]
    structured = [i for i, ln in enumerate(lines) if ln.strip() and _STRUCTURED.search(ln) and i not in leads]
    if len(structured) < MIN_PLAN_LINES:
        return text, None
    lead = max((i for i in leads if i < structured[0]), default=None)
    led_in = lead is not None
    if led_in:
        first = lead + 1
    else:  # no lead-in: only a message that is mostly a document with headings or a table
        filled = [ln for ln in lines if ln.strip()]
        if len(structured) < 0.4 * len(filled) or not any(_HEADING.match(lines[i]) for i in structured):
            return text, None
        first = structured[0]
    last = structured[-1]
    if led_in:  # to the end, but a closing paragraph that asks something is the person's again
        last = max(i for i, ln in enumerate(lines) if ln.strip())
        blank = max((i for i in range(first, last) if not lines[i].strip()), default=None)
        if blank is not None and blank > structured[-1] and "?" in " ".join(lines[blank:last + 1]):
            last = blank
    else:
        while last + 1 < len(lines) and lines[last + 1].strip() and _continues(lines[last + 1]):
            last += 1
    plan_text = "\n".join(lines[first:last + 1]).strip("\n")
    if findings(plan_text) is None:
        return text, None
    rest = "\n".join(lines[:lead if led_in else first] + lines[last + 1:]).strip()
    # without a lead-in the structure may be the person's own notes: the description keeps them
    return (rest if led_in and _has_words(rest) else text), PlanDoc(
        document="the plan pasted in this conversation", source=None, text=plan_text)


def _has_words(text: str) -> bool:
    """True when `text` holds a few words of its own (not just a lead-in line)."""
    return len(re.findall(r"\w+", text)) >= 3


def _continues(line: str) -> bool:
    """An indented or short line right after a plan block (a wrapped bullet, a table separator)."""
    return line.startswith(("  ", "\t")) or len(line.split()) <= 6
