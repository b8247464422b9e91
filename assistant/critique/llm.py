"""Plan critique through an LLM: the same fourteen-check rubric, verified against the plan.

`critique_with_llm(text)` runs the embedded checker first (its limits, injection screening and
not-a-plan errors apply unchanged), asks an OpenAI-compatible model for a structured verdict
with the embedded verdicts as a prior, and keeps only what it can check: rubric ids and valid
statuses (gaps filled from the embedded checker, with a warning); evidence quotes that are
exact substrings of a plan line (a wrong line number is corrected, an invented quote dropped
and warned); the embedded score formula and citations; and suggestions that pass their own
embedded check once applied to the plan (others are prefixed "[unverified] " and warned).

The plan is sent as numbered lines between <plan> tags, without the lines the embedded guard
flags as instructions, numbered 1..n over the kept lines, so the request (and the verdict) is
the same with or without an injected line. Person names become placeholders first
(ASSISTANT_REDACT_NAMES). Any failure (timeout, a 429/5xx storm, output that does not parse)
raises EngineError; the pipeline then falls back to the embedded checker.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from assistant import prompts
from assistant.config import Settings, get_settings
from assistant.critique.base import MAX_EVIDENCE, short
from assistant.critique.engine import CHECKS, compare, critique_plan, failure_mode, top_fixes_of
from assistant.critique.guard import screen
from assistant.critique.parse import parse_plan
from assistant.critique.patterns import NON_NAME_WORDS, ORG_WORDS, OUTPUT_START_RE
from assistant.critique.rewrite import apply_suggestion
from assistant.critique.rubric import RUBRIC, RUBRIC_BY_ID, RUBRIC_IDS
from assistant.critique.schema import CheckResult, Evidence, FailureMode, PlanCritique, score_of
from assistant.errors import ConfigError, EngineError
from assistant.llm_client import structured_call
from assistant.redact import restore

STATUSES = ("pass", "partial", "fail", "n/a")
CATEGORIES = ("strategy", "execution", "culture", "interpersonal")
UNVERIFIED = "[unverified] "
Method = Literal["json_schema", "function_calling"]
_NUMBER_PREFIX = re.compile(r"^\d{1,5}\|\s?")
_FENCE = re.compile(r"</?\s*plan\s*>", re.I)
_NOT_NAME = re.compile(  # words in "names" that make them a role, a thing or a place
    rf"^(?:{'|'.join(sorted(NON_NAME_WORDS | ORG_WORDS))}|director|manager|head|chief|officer|"
    r"president|coordinator|analyst|engineer|specialist|advisor|consultant|system|health|"
    r"volunteers?|way|united|markets?|north|south|east|west|midwest)$|(?:ment|tion|sion|ness|ity|"
    r"ism|ics)$",
    re.I,
)


# What the model must return. Every field is required (strict json_schema demands it). Ids,
# statuses and categories are enums in the schema sent but plain strings here, so one bad
# entry costs that entry (and is reported) instead of failing the whole answer.


class LLMEvidence(BaseModel):
    """A line the verdict rests on: its number as shown, and an exact quote from it."""

    line: int = Field(description="the number shown before '| ' on that line")
    quote: str = Field(description="copied character for character from that line")


class LLMCheck(BaseModel):
    """The verdict on one rubric check."""

    id: str = Field(json_schema_extra={"enum": list(RUBRIC_IDS)})
    status: str = Field(json_schema_extra={"enum": list(STATUSES)})
    evidence: list[LLMEvidence]
    finding: str
    suggestion: str = Field(description="partial or fail: plan lines that make it pass")


class LLMFailureMode(BaseModel):
    """The way the plan is most likely to fail."""

    category: str = Field(json_schema_extra={"enum": list(CATEGORIES)})
    why: str


class LLMCritique(BaseModel):
    """A plan judged against the rubric: one entry per rubric id."""

    checks: list[LLMCheck]
    strengths: list[str]
    top_fixes: list[str]
    likely_failure_mode: LLMFailureMode


@dataclass
class SentPlan:
    """The plan's kept lines as sent to the model, and the way back to the plan's lines."""

    raw: list[str]  # the original lines; line n is raw[n - 1]
    clean: dict[int, str]  # original number -> the line as screened (kept lines only)
    numbers: list[int]  # sent number k -> original number numbers[k - 1]
    mapping: dict[str, str]  # redaction placeholder -> name
    body: str  # the numbered lines for the prompt

    def original(self, sent: int) -> int | None:
        """The plan's line number for a number the model saw, or None if out of range."""
        return self.numbers[sent - 1] if 1 <= sent <= len(self.numbers) else None

    def holds(self, number: int, quote: str) -> bool:
        """True if the quote is an exact substring of that kept line (as sent and as written)."""
        line = self.clean.get(number)
        return line is not None and quote in line and quote in self.raw[number - 1]


def name_mapping(people: list[str], text: str) -> dict[str, str]:
    """Placeholder -> name word for the people the plan names (found as the checker finds them).

    First names become PersonA, PersonB..., other name words SurnameA...; a "name" that starts
    with a verb ("Ship Android") or a word that also occurs in lower case in the plan is kept.
    """
    mapping: dict[str, str] = {}
    seen: set[str] = set()
    counts = {"Person": 0, "Surname": 0}
    for name in people:
        if OUTPUT_START_RE.match(name) or any(_NOT_NAME.search(w) for w in name.split()):
            continue
        for i, word in enumerate(name.split()):
            if word in seen or re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", text):
                continue
            seen.add(word)
            kind = "Person" if i == 0 else "Surname"
            n = counts[kind]
            counts[kind] += 1
            mapping[f"{kind}{chr(ord('A') + n % 26)}{n // 26 or ''}"] = word
    return mapping


def prepare(text: str, *, redact_names: bool) -> SentPlan:
    """Screen the plan, leave out embedded instructions, number the kept lines, redact names."""
    raw = text.split("\n")
    screened = screen(raw)
    kept = [(i + 1, ln) for i, ln in enumerate(screened.lines) if ln is not None]
    lines = [ln.rstrip() for _, ln in kept]
    mapping: dict[str, str] = {}
    if redact_names:
        mapping = name_mapping(parse_plan(screened).people, "\n".join(lines))
    if mapping:
        placeholder = {word: key for key, word in mapping.items()}
        words = sorted(placeholder, key=len, reverse=True)
        pattern = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})(?!\w)")
        lines = [pattern.sub(lambda m: placeholder[m.group(0)], ln) for ln in lines]
    body = "\n".join(f"{k}| {_FENCE.sub('', ln)}" for k, ln in enumerate(lines, 1))
    return SentPlan(raw, dict(kept), [n for n, _ in kept], mapping, body)


def messages(plan: SentPlan, prior: list[CheckResult]) -> list[tuple[str, str]]:
    """The system and user messages: rubric, the embedded verdicts as a prior, the fenced plan."""
    rubric = "\n".join(f"{c.id} | {c.title} | {c.passes_when}" for c in RUBRIC)
    sent = {orig: k for k, orig in enumerate(plan.numbers, 1)}
    rows = []
    for check in prior:
        lines = sorted({sent[e.line] for e in check.evidence if e.line in sent})
        shown = f"lines {', '.join(map(str, lines))}" if lines else "no lines"
        rows.append(f"{check.id}: {check.status} ({shown})")
    user = prompts.render(
        "critique.user.md", prior="\n".join(rows), plan=plan.body, line_count=len(plan.numbers)
    )
    return [("system", prompts.render("critique.system.md", rubric=rubric)), ("human", user)]


def call_llm(msgs: list[tuple[str, str]], settings: Settings) -> LLMCritique:
    """Ask the model for the critique (retries and errors: `assistant.llm_client`)."""
    return structured_call(LLMCritique, msgs, settings, "critique")


@dataclass
class Judged:
    """The verified verdict on one version of a plan."""

    checks: list[CheckResult]
    strengths: list[str]
    top_fixes: list[str]
    failure: FailureMode
    warnings: list[str] = field(default_factory=list)


def locate(quote: str, claimed: int | None, plan: SentPlan) -> int | None:
    """The line holding the quote: the claimed one if it does, else the nearest that does."""
    if claimed is not None and plan.holds(claimed, quote):
        return claimed
    hits = [n for n in plan.clean if plan.holds(n, quote)]
    if not hits:
        return None
    return min(hits, key=lambda n: (abs(n - (claimed or 0)), n))


def verify_evidence(
    check_id: str, items: list[LLMEvidence], plan: SentPlan, warnings: list[str]
) -> list[Evidence]:
    """Keep quotes that are exact substrings of a plan line (fixing the line number if needed)."""
    out: dict[tuple[int, str], Evidence] = {}
    for item in items:
        quote = restore(item.quote, plan.mapping).strip()
        if not quote:
            continue
        claimed = plan.original(item.line)
        number = locate(quote, claimed, plan)
        if number is None and _NUMBER_PREFIX.match(quote):  # the model copied the "N| " prefix
            quote = _NUMBER_PREFIX.sub("", quote).strip()
            number = locate(quote, claimed, plan) if quote else None
        if number is None:
            shown = short(quote, 60)
            warnings.append(
                f'dropped evidence for {check_id}: the quote "{shown}" is not in the plan'
            )
            continue
        out.setdefault((number, quote), Evidence(line=number, quote=quote))
    return sorted(out.values(), key=lambda e: e.line)[:MAX_EVIDENCE]


def passes_with(text: str, check_id: str, suggestion: str) -> bool:
    """True if the plan with the suggestion applied passes the embedded check for that id."""
    return CHECKS[check_id](parse_plan(screen(apply_suggestion(text, suggestion)))).status == "pass"


def _usable(out: LLMCritique, warnings: list[str]) -> dict[str, LLMCheck]:
    """The model's checks with a rubric id and a valid status, first one per id."""
    given: dict[str, LLMCheck] = {}
    rejected: set[str] = set()
    for check in out.checks:
        if check.id not in RUBRIC_BY_ID:
            warnings.append(f"dropped the model's check '{short(check.id, 40)}': not a rubric id")
        elif check.id in given or check.id in rejected:
            warnings.append(f"dropped a second verdict for {check.id}")
        elif check.status not in STATUSES:
            rejected.add(check.id)
            warnings.append(
                f"rejected the model's verdict on {check.id}: status '{short(check.status, 20)}' "
                "is not pass, partial, fail or n/a; the embedded checker's verdict is used"
            )
        else:
            given[check.id] = check
    if not given:
        raise EngineError("the model's critique held no usable rubric check")
    missing = [cid for cid in RUBRIC_IDS if cid not in given and cid not in rejected]
    if missing:
        warnings.append(
            f"the model gave no verdict on {', '.join(missing)}; the embedded checker's "
            "verdict is used"
        )
    return given


def _check(
    given: LLMCheck,
    embedded: CheckResult,
    text: str,
    plan: SentPlan,
    rescore: bool,
    warnings: list[str],
) -> CheckResult:
    suggestion = restore(given.suggestion, plan.mapping).strip()
    failing = given.status in ("fail", "partial")
    if rescore and failing and suggestion and not passes_with(text, given.id, suggestion):
        suggestion = UNVERIFIED + suggestion
        warnings.append(
            f"the suggestion for {given.id} would not pass its own check when added to the "
            "plan; it is marked [unverified]"
        )
    return CheckResult(
        id=given.id,  # type: ignore[arg-type]
        status=given.status,  # type: ignore[arg-type]
        evidence=verify_evidence(given.id, given.evidence, plan, warnings),
        finding=restore(given.finding, plan.mapping).strip() or embedded.finding,
        suggestion=suggestion,
        citations=[c.model_copy() for c in embedded.citations],
    )


def verify(
    out: LLMCritique, embedded: list[CheckResult], text: str, plan: SentPlan, *, rescore: bool
) -> Judged:
    """Turn the model's answer into checked results, filling gaps from the embedded checker."""
    warnings: list[str] = []
    given = _usable(out, warnings)
    by_id: dict[str, CheckResult] = {c.id: c for c in embedded}
    checks = [
        _check(given[cid], by_id[cid], text, plan, rescore, warnings)
        if cid in given
        else by_id[cid].model_copy(deep=True)
        for cid in RUBRIC_IDS
    ]
    mode = out.likely_failure_mode
    why = restore(mode.why, plan.mapping).strip()
    if mode.category in CATEGORIES and why:
        failure = FailureMode(category=mode.category, why=why)  # type: ignore[arg-type]
    else:
        failure = failure_mode(checks)
        warnings.append("the model's likely failure mode was not usable; the embedded one is used")
    fixes = [restore(f, plan.mapping).strip() for f in out.top_fixes if f.strip()][:3]
    if not fixes:
        fixes = top_fixes_of(checks)
    strengths = [restore(s, plan.mapping).strip() for s in out.strengths if s.strip()][:5]
    return Judged(checks, strengths, fixes, failure, warnings)


def judge(text: str, embedded: list[CheckResult], settings: Settings, *, rescore: bool) -> Judged:
    """One LLM verdict on one version of the plan, verified."""
    plan = prepare(text, redact_names=settings.redact_names)
    out = call_llm(messages(plan, embedded), settings)
    return verify(out, embedded, text, plan, rescore=rescore)


def critique_with_llm(text: str, *, against: str | None = None) -> PlanCritique:
    """Judge a plan against the fixed rubric with the configured LLM, verified as above.

    Args:
        text: the plan as plain text or markdown.
        against: the text of an earlier version. It is judged by the LLM too (a second call),
            so resolved / remaining / new compare two verdicts of the same judge.

    Returns:
        A PlanCritique with `engine="llm"`, one CheckResult per rubric id in rubric order,
        the embedded guard's warnings plus the verification's.

    Raises:
        ConfigError: no LLM is configured (OPENAI_API_KEY or OPENAI_BASE_URL).
        EmptyTextError, TextTooLongError, NotAPlanError: as the embedded checker.
        EngineError: the LLM failed (timeout, 429/5xx storm, invalid or unusable output).
    """
    settings = get_settings()
    if not settings.llm_configured:
        raise ConfigError("the llm critique needs OPENAI_API_KEY or OPENAI_BASE_URL")
    limit = settings.max_text_chars
    local = critique_plan(text, max_chars=limit)
    earlier_local = critique_plan(against, max_chars=limit) if against is not None else None
    now = judge(text, local.checks, settings, rescore=True)
    warnings = [*local.warnings, *now.warnings]
    comparison = None
    if against is not None and earlier_local is not None:
        earlier = judge(against, earlier_local.checks, settings, rescore=False)
        comparison = compare(earlier.checks, now.checks)
        warnings += [f"earlier version: {w}" for w in [*earlier_local.warnings, *earlier.warnings]]
    return PlanCritique(
        critique_id=str(uuid.uuid4()),
        checks=now.checks,
        score=score_of([c.status for c in now.checks]),
        strengths=now.strengths,
        top_fixes=now.top_fixes,
        likely_failure_mode=now.failure,
        engine="llm",
        warnings=warnings,
        against=comparison,
    )


__all__ = ["LLMCritique", "critique_with_llm"]
