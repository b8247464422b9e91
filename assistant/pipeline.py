"""diagnose(): check input -> retrieve -> engine -> verify citations -> Diagnosis.

The CLI, the API, the UI and the MCP server all call this one function.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from assistant.config import DEFAULT_WORKSPACE, get_settings
from assistant.engines.base import DiagnoseRequest, get_engine
from assistant.errors import (
    AssistantError,
    ConfigError,
    EmptyTextError,
    EngineError,
    TextTooLongError,
    UserError,
)
from assistant.language import UNSCREENED_LANGUAGE, language_of
from assistant.retrieval.ingest import ensure_framework_indexed
from assistant.retrieval.search import SearchHit, hits_from_result, workspace_filter
from assistant.retrieval.store import get_store
from assistant.schema import Diagnosis, HistoryMessage, SafetyCheck, Scores
from assistant.workspaces import check_workspace

STEP_HITS = 30
PLAN_HITS = 3
PLAN_MIN_SCORE = 0.3  # a plan chunk this close to the text is cited
PLAN_READ_SCORE = 0.2  # a plan with a chunk this close is read for evidence (plan_evidence.py)


MAX_HISTORY_MESSAGES = 100


def check_text(text: str | None, what: str = "text") -> str:
    """Refuse empty, invalid and oversized text with a clear error (never truncate silently).

    Empty means nothing but white space, zero-width or other invisible format characters. A lone
    UTF-16 surrogate (possible in JSON, not in real text) is refused rather than failing later.
    """
    if text is None or not isinstance(text, str) or not visible_text(text):
        raise EmptyTextError(f"the {what} is empty: describe the problem in a sentence or more")
    check_characters(text, what)
    limit = get_settings().max_text_chars
    if len(text) > limit:
        advice = ": paste the part that says what happens, who is involved and what was tried" if what == "text" else ""
        raise TextTooLongError(
            f"the {what} has {len(text)} characters; the limit is {limit} (ASSISTANT_MAX_TEXT_CHARS){advice}"
        )
    return text.replace("\x00", "")


def check_title(title: str | None) -> str | None:
    """A document title: at most MAX_TITLE_CHARS characters (it is stored and embedded with
    every chunk of the document), no invalid characters; None or blank stays None."""
    from assistant.limits import check_title_length

    if title is None or not title.strip():
        return None
    check_characters(title, "title")
    check_title_length(title)
    return title


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_characters(text: str, what: str = "text") -> None:
    """Refuse a lone UTF-16 surrogate (possible in JSON, never in real text) with a clear error."""
    if _SURROGATE.search(text):
        raise UserError(f"the {what} holds an invalid character (a lone UTF-16 surrogate)")


def visible_text(text: str) -> str:
    """`text` without white space and invisible format characters (zero-width, bidi marks)."""
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) not in ("Cf", "Cc"))


def _history(history: Sequence[HistoryMessage | dict] | None, text: str) -> list[HistoryMessage]:
    """The conversation so far, within the same character budget as one text."""
    if not history:
        return []
    if len(history) > MAX_HISTORY_MESSAGES:
        raise TextTooLongError(f"the history has {len(history)} messages; the limit is "
                               f"{MAX_HISTORY_MESSAGES}: start a new conversation")
    try:
        turns = [m if isinstance(m, HistoryMessage) else HistoryMessage.model_validate(m)
                 for m in history]
    except Exception as exc:
        raise UserError(
            'history must be a list of {"role": "user" | "assistant", "content": "..."}'
        ) from exc
    total = len(text) + sum(len(t.content) for t in turns)
    limit = get_settings().max_text_chars
    if total > limit:
        raise TextTooLongError(f"the conversation has {total} characters; the limit is {limit} "
                               "(ASSISTANT_MAX_TEXT_CHARS) for the text and its history together")
    for turn in turns:
        check_characters(turn.content, "history")
    return turns


def retrieve(text: str, workspace: str, plan_min: float = PLAN_MIN_SCORE) -> tuple[list[SearchHit], list[SearchHit]]:
    """SOP step chunks and the workspace's plan chunks nearest to the text (at least `plan_min`)."""
    store = get_store()
    ensure_framework_indexed(store)
    vector = store.embedder.embed([text])[0]
    ws = workspace_filter(workspace)
    with store.one_listing():
        steps = hits_from_result(
            store.query(vector, STEP_HITS, {"$and": [ws, {"kind": "framework"}, {"step_id": {"$ne": ""}}]})
        )
        plans = [
            h for h in hits_from_result(
                store.query(vector, PLAN_HITS, {"$and": [{"workspace": workspace}, {"kind": "plan"}]})
            ) if h.score >= plan_min
        ]
    return steps, plans


def verify_citations(diagnosis: Diagnosis, offered: set[str]) -> Diagnosis:
    """Drop citations of chunks that were not retrieved for this case; say so in warnings."""
    dropped = [c.chunk_id for c in diagnosis.citations if c.chunk_id not in offered]
    diagnosis.citations = [c for c in diagnosis.citations if c.chunk_id in offered]
    for step in diagnosis.steps:
        dropped += [c.chunk_id for c in step.citations if c.chunk_id not in offered]
        step.citations = [c for c in step.citations if c.chunk_id in offered]
    if dropped:
        diagnosis.warnings.append(f"dropped {len(set(dropped))} citation(s) of chunks not retrieved")
    return diagnosis


def diagnose(
    text: str,
    *,
    history: Sequence[HistoryMessage | dict] | None = None,
    workspace: str = DEFAULT_WORKSPACE,
    engine: str | None = None,
    store: bool = True,
) -> Diagnosis:
    """Diagnose the root cause of a described problem (with the history: the current thread of
    the exchange, see `current_thread` and threads.py).

    The result is stored (fetch it again by `diagnosis_id`) unless `store` is False.
    """
    from assistant.answers import quoted_question
    from assistant.injection import strip_instructions
    from assistant.plan_evidence import PLAN_DOCS, documents_for, split_pasted_plan
    from assistant.threads import SAME_OR_NEW, current_thread

    focus, text = quoted_question(text)  # "> the question\nyes": the UI's answer to a clicked question
    text, removed = strip_instructions(check_text(text))
    if not text:
        raise EmptyTextError("the text holds only instructions to the assistant, no problem to diagnose")
    turns = current_thread(_history(history, text), text)
    cleaned = []  # per turn: (instructions removed, a plan pasted into it: read, never stored)
    for turn in turns:
        dropped, plan = 0, None
        if turn.role == "user":
            turn.content, dropped = strip_instructions(turn.content)
            turn.content, plan = split_pasted_plan(turn.content)
        cleaned.append((dropped, plan))
    text, plan = split_pasted_plan(text)
    thread, start = _thread(turns, text)  # a new problem is diagnosed on its own (threads.py)
    turns, cleaned = turns[start:], cleaned[start:]
    removed += sum(dropped for dropped, _ in cleaned)
    pasted = [p for _, p in cleaned if p] + ([plan] if plan else [])
    workspace = check_workspace(workspace)
    request = DiagnoseRequest(text=text, history=turns, workspace=workspace)
    request.language = language_of(request.user_text)  # every engine; the screen reads English only
    if turns and SAME_OR_NEW not in (turns[-1].content if turns[-1].role == "assistant" else ""):
        # "yes", "the second one": read against the questions just asked (answers.py)
        from assistant.answers import pending_questions, read_reply

        request.answers = read_reply(text, pending_questions([(m.role, m.content) for m in turns]), focus)
    name = engine or get_settings().resolved_engine
    request.step_hits, plan_hits = retrieve(request.user_text, workspace, PLAN_READ_SCORE)
    request.plan_hits = [h for h in plan_hits if h.score >= PLAN_MIN_SCORE]  # the ones cited
    request.plans = (pasted[::-1] + documents_for(plan_hits, workspace))[:PLAN_DOCS]
    chosen = get_engine(name)  # a misconfigured engine is the caller's error, not a fallback
    try:
        result = chosen.diagnose(request)
    except AssistantError as exc:
        if name == "local":
            raise
        result = get_engine("local").diagnose(request)
        result.engine = "local-fallback"
        result.warnings.append(f"the {name} engine failed ({exc}); this is the embedded engine's answer")
    result.workspace = workspace
    # what may be cited: the chunks retrieved for this case, and SOP steps the engine fetched by id
    offered = {h.chunk_id for h in request.step_hits + request.plan_hits}
    if removed:
        result.warnings.append(
            f"{removed} embedded instruction(s) in the text were ignored (descriptions are data, not instructions)"
        )
    result = verify_citations(result, offered)
    asked = "\n".join(t.content for t in turns if t.role == "assistant")
    result.follow_up_questions = [q for q in result.follow_up_questions if q not in asked]  # never twice
    if thread in ("new", "from_last"):
        result.new_thread = True
        result.warnings.append(NEW_THREAD_NOTE if thread == "new" else FROM_PREVIOUS_NOTE)
    elif thread == "ask" and SAME_OR_NEW not in asked and result.in_scope and result.escalation is None:
        result.follow_up_questions.insert(0, SAME_OR_NEW)
    attach_plan_evidence(result, request)
    if request.language:  # an LLM may read it; the safety screen still read English only
        result.language = request.language
        if result.escalation is None and result.safety_check is None:
            result.safety_check = SafetyCheck(kind="other_safety", message=UNSCREENED_LANGUAGE)
    result = settle_special_cases(result)
    if store:
        from assistant import db

        db.save_diagnosis(result, request.user_text)
    return result


NEW_THREAD_NOTE = ("this reads as a new problem, unrelated to the earlier messages, so it is diagnosed on "
                   "its own; if it belongs with them, describe both together in one message")
FROM_PREVIOUS_NOTE = ("your previous message is a separate problem, so it is diagnosed on its own, without "
                      "the messages before it")


def _thread(turns: list[HistoryMessage], text: str) -> tuple[str, int]:
    """threads.thread_of with the embedded engine's encoder and centroid of real descriptions
    (the engine is not loaded for a conversation without earlier user turns)."""
    from assistant.threads import thread_of

    if not any(t.role == "user" and t.content.strip() for t in turns):
        return "same", 0
    engine = get_engine("local")
    return thread_of(turns, text, engine.builder.embedder.embed, engine.classifier.real_centroid)


def attach_plan_evidence(result: Diagnosis, request: DiagnoseRequest) -> None:
    """Quote what the plans show about the leading root causes: in `plan_evidence`, on the steps
    that would change those lines (such a step, when retrieved, leads the list), and in one
    sentence of the rationale."""
    if not request.plans:
        return
    from assistant.engines.local import step_from
    from assistant.knowledge import all_steps
    from assistant.plan_evidence import bearing, evidence, steps_for
    from assistant.render import plan_verdict, plan_where
    from assistant.retrieval.search import fetched_step_hits

    # the causes still in play: the calibrated set, else the two leading ones
    ranked = (list(result.prediction_set)
              or [c for c, p in result.scores.ranked() if p >= 0.15][:2] or [result.category])
    items = bearing(evidence(request.plans), ranked)
    result.plan_evidence = items
    failing = [i for i in items if i.direction == "for" and i.category == result.category]
    if failing and result.steps:  # the step that would change the plan's weakest lines comes first
        known = all_steps()
        wanted = [sid for sid in steps_for(failing[0])
                  if sid in known and known[sid].category == result.category][:1]
        for step_id, hit in fetched_step_hits(wanted).items():
            lead_step, count = step_from(known[step_id], hit), len(result.steps)
            result.steps = [lead_step, *(s for s in result.steps if s.step_id != step_id)][:count]
            if all(c.chunk_id != hit.chunk_id for c in result.citations):
                result.citations.insert(0, lead_step.citations[0])
    for step in result.steps:
        step.plan_evidence = [i for i in items if i.direction == "for" and step.step_id in steps_for(i)][:2]
    # the finding on the leading cause, else one on the runner-up
    runner = result.scores.ranked()[1][0]
    lead = next((i for i in items if i.category == result.category),
                next((i for i in items if i.category == runner), None))
    if lead is not None:
        result.rationale = (f"Your plan ({plan_where(lead)}): {lead.finding.rstrip('.')}. That "
                            f"{plan_verdict(lead)} {lead.category}. {result.rationale}").strip()


ENGLISH_ONLY = ("Not read: the description seems to be in {language}, and this assistant reads English "
                "only. Please describe the problem in English (a few plain sentences are enough).")
NOT_ORGANISATIONAL = ("Not an organisational problem: this text does not describe a problem in a "
                      "team or an organisation, so no root cause is named.")


def settle_special_cases(result: Diagnosis) -> Diagnosis:
    """Make an escalated or out-of-scope answer coherent, whichever engine wrote it.

    A safety matter is the root cause of an escalated case: no coaching, delivery or mediation
    step, no band-aid list and no questions about team dynamics beside it. A text that is not
    about an organisation claims no root cause: uniform scores, low confidence, no steps. The
    `category` field stays (the schema requires it); every face says why it does not apply.
    """
    if result.escalation is not None:
        from assistant.safety_taxonomy import taxonomy

        try:
            title = taxonomy().kind(result.escalation.kind).title.lower()
        except AssistantError:
            title = result.escalation.kind.replace("_", " ")
        result.steps, result.anti_patterns, result.follow_up_questions = [], [], []
        result.plan_evidence, result.cue_evidence, result.prediction_set = [], [], []
        result.cues = []
        result.root_cause = (f"A safety matter ({title}), not an organisational problem to coach: "
                             "it needs the people named in the escalation, now.")
        result.rationale = (f"The description holds what looks like {title}. That outranks any "
                            "question of how the team works, so nothing here coaches it.")
        result.would_change_if = ""
    elif not result.in_scope:
        result.scores = Scores(strategy=0.25, execution=0.25, culture=0.25, interpersonal=0.25)
        result.confidence = min(result.confidence, 0.25)
        result.secondary = None
        result.steps, result.anti_patterns, result.follow_up_questions = [], [], []
        if result.language:
            result.root_cause = ENGLISH_ONLY.format(language=result.language)
            result.rationale = ("The embedded engine learnt from English descriptions only; read in "
                                f"{result.language}, any cause it named would be a guess.")
        else:
            result.root_cause = NOT_ORGANISATIONAL
            result.rationale = ("Nothing in the text is about how a team or an organisation works: "
                                "describe what happens at work, who is involved and what was tried.")
        result.would_change_if = ""
        result.cues = []
        result.plan_evidence, result.cue_evidence, result.prediction_set = [], [], []
    return result


def _resolve_step_chunks(critique) -> None:
    """Fill each citation's chunk id (and snippet) from the index, by its step id."""
    from assistant.retrieval.search import _snippet, step_chunks

    by_step = step_chunks(sorted({c.step_id for check in critique.checks for c in check.citations
                                  if c.step_id}))

    for check in critique.checks:
        for citation in check.citations:
            found = by_step.get(citation.step_id or "")
            if found:
                citation.chunk_id, citation.source = found[0], found[1].get("source")
                citation.snippet = _snippet(found[2])


def critique(
    text: str,
    *,
    against: str | None = None,
    workspace: str = DEFAULT_WORKSPACE,
    save: bool = False,
    source: str | None = None,
    engine: str | None = None,
    store: bool = True,
):
    """Critique a plan against the rubric; optionally save it into the workspace's index.

    The critique is stored (fetch it again by `critique_id`) unless `store` is False.
    """
    from assistant.critique import critique_plan

    text = check_text(text, "plan")
    workspace = check_workspace(workspace)
    limit = get_settings().max_text_chars
    name = engine or get_settings().resolved_engine
    if name == "local":
        result = critique_plan(text, against=against, max_chars=limit)
    elif name == "llm":
        from assistant.critique.llm import critique_with_llm

        try:  # a missing LLM configuration (ConfigError) is the caller's error, not a fallback
            result = critique_with_llm(text, against=against)
        except EngineError as exc:
            result = critique_plan(text, against=against, max_chars=limit)
            result.engine = "local-fallback"
            result.warnings.append(
                f"the llm critique engine failed ({exc}); this is the embedded checker's answer"
            )
    else:
        raise ConfigError(f"unknown engine '{name}': use local or llm")
    _resolve_step_chunks(result)
    if save:
        from assistant.retrieval.ingest import ingest_text

        heading = next((ln.lstrip("#").strip() for ln in text.split("\n") if ln.startswith("#")
                        and ln.lstrip("#").strip()), None)  # a saved plan is named by its title
        ingest_text(text, source=source or f"plan-{result.critique_id[:8]}.md", workspace=workspace,
                    kind="plan", title=None if source else heading)
    if store:
        from assistant import db

        db.save_critique(result, text, workspace)
    return result
