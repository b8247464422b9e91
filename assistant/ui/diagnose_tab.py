"""The Diagnose tab: a multi-turn chat whose every answer is a full diagnosis.

The whole exchange goes to `assistant.pipeline.diagnose` (history + the new text); the chat
shows a short answer with the follow-up questions as clickable options (a click puts the
question, quoted, in the box for the answer), the panel beside it
the full diagnosis (scores, steps with their sources, band-aids, escalation, warnings) and
thumbs up / down with an optional comment, stored with `assistant.db.record_feedback`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant import db
from assistant.errors import UserError
from assistant.pipeline import check_text, diagnose
from assistant.schema import Diagnosis
from assistant.ui.access import KeyLogin
from assistant.ui.common import PRIVATE, engine_arg, listen, resolve_workspace, warn
from assistant.ui.html import EMPTY_PANEL, chat_summary, diagnosis_card

EXAMPLES = [
    ("Two teams miss their OKRs; it works when one lead is away",
     "Two teams keep missing their OKRs and every sync turns into an argument. "
     "When Priya is on holiday everything ships."),
    ("Fourteen top priorities, nothing important ships",
     "We have fourteen 'top priorities' this quarter. Every team is busy, but nothing important "
     "ships and nobody can say what we are not doing."),
    ("People stopped raising problems after an all-hands",
     "Engineers stopped raising problems in retros after a director mocked a question in an "
     "all-hands. Bad news now reaches me weeks late."),
    ("Releases slip: approvals, one shared QA, no owner",
     "Releases slip every sprint: work waits days for approvals, three teams share one QA "
     "person and nobody owns the release checklist."),
]
WORKING = (
    '<div class="oa-card oa-working"><div class="oa-spinner"></div><div><b>Diagnosing…</b>'
    '<div class="oa-sub">Retrieving SOP steps and your team\'s plans, scoring the four root '
    "causes, checking citations.</div></div></div>"
)


@dataclass
class DiagnoseTab:
    """The components of the tab (tests and the page layout reach them by name)."""

    chatbot: gr.Chatbot
    box: gr.Textbox
    send: gr.Button
    clear: gr.Button
    panel: gr.HTML
    feedback_row: gr.Row
    thumbs_up: gr.Button
    thumbs_down: gr.Button
    comment: gr.Textbox
    feedback_status: gr.Markdown


def answer_text(text: str) -> str:
    """The person's own words: a leading quoted follow-up question (`> ...`) is dropped."""
    lines = (text or "").splitlines()
    while lines and lines[0].lstrip().startswith(">"):
        lines.pop(0)
    return "\n".join(lines).strip()


def follow_up_prompt(question: str) -> str:
    """What a clicked follow-up question puts in the box: the question quoted, then the answer."""
    return f"> {question.strip()}\n"


def run_turn(text: str, history: list[dict], workspace: str, engine: str | None) -> Diagnosis:
    """One turn through the shared pipeline (the whole exchange so far plus the new text)."""
    # the quoted question, if any, stays: the pipeline reads a short answer against it
    return diagnose(text, history=history, workspace=workspace, engine=engine)


def respond(login: KeyLogin, text, chat, history, answers, workspace, engine,
            request: gr.Request | None):
    """Event handler: show progress, diagnose, then show the answer (a generator)."""
    chat, history, answers = list(chat or []), list(history or []), dict(answers or {})
    skip = [gr.skip()] * 3
    try:
        check_text(answer_text(text))
        ws = resolve_workspace(login, request, workspace)
        name = engine_arg(engine)
    except Exception as exc:  # before any change: a toast, the page stays as it was
        warn(exc)
        yield [gr.skip()] * 5 + skip
        return
    pending = chat + [{"role": "user", "content": text},
                      {"role": "assistant", "content": "Working on it…",
                       "metadata": {"title": "Diagnosing", "status": "pending"}}]
    yield [pending, "", gr.skip(), gr.skip(), WORKING, *skip]
    try:
        result = run_turn(text, history, ws, name)
    except Exception as exc:  # restore the chat and the box, say what went wrong
        warn(exc)
        yield [chat, text, gr.skip(), gr.skip(), last_card(answers), *skip]
        return
    summary = chat_summary(result)
    message: dict[str, Any] = {"role": "assistant", "content": summary}
    if result.follow_up_questions:
        message["options"] = [{"label": q, "value": q} for q in result.follow_up_questions]
    chat = pending[:-1] + [message]
    answers[str(len(chat) - 1)] = result.model_dump(mode="json")
    history = history + [{"role": "user", "content": answer_text(text)},
                         {"role": "assistant", "content": summary}]
    if result.engine == "local-fallback":
        gr.Warning("The LLM engine failed, so the embedded engine answered (see the note).",
                   title="LLM unavailable")
    yield [chat, "", history, answers, diagnosis_card(result), result.diagnosis_id,
           gr.update(visible=True), ""]


def last_card(answers: dict) -> str:
    """The panel view of the latest answer (or the empty panel)."""
    if not answers:
        return EMPTY_PANEL
    return show_answer(answers, max(answers, key=int))[0]


def save_feedback(login: KeyLogin, request: gr.Request | None, diagnosis_id: str | None,
                  rating: int, comment: str | None, answer: int | None = None) -> str:
    """Store a rating of a diagnosis the caller may see; returns the confirmation line."""
    if not diagnosis_id:
        raise UserError("ask something first; there is no answer to rate yet")
    principal = login.principal(request)
    text = (comment or "").strip() or None
    db.record_feedback(diagnosis_id=diagnosis_id, rating=rating, comment=text,
                       workspaces=principal.visible())
    mark = "Thumbs up" if rating == 1 else "Thumbs down"
    which = f" for answer {answer}" if answer else ""
    extra = " with your comment" if text else ""
    return f"**{mark}** saved{which}{extra}. Thank you: ratings become eval cases."


def show_answer(answers: dict, index: Any) -> tuple[str, str | None]:
    """The panel view and id of the answer at a chat index (or the empty panel)."""
    key = str(index[0] if isinstance(index, list | tuple) else index)
    data = (answers or {}).get(key)
    if data is None:
        return EMPTY_PANEL, None
    result = Diagnosis.model_validate(data)
    return diagnosis_card(result), result.diagnosis_id


def build(login: KeyLogin, workspace: gr.Dropdown, engine: gr.Radio) -> DiagnoseTab:
    """Lay out the tab and wire its events (all private to the Gradio API)."""
    history = gr.State([])
    answers = gr.State({})
    current = gr.State(None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=300):
            # no floating label: it sat over the messages once they scrolled
            chatbot = gr.Chatbot(
                elem_id="oa-chat", label="Conversation", show_label=False, height=520, layout="bubble",
                placeholder="**Describe a problem in your organisation.** What happens, who is "
                            "involved, since when, and what you have tried.",
                examples=[{"display_text": short, "text": full} for short, full in EXAMPLES],
                buttons=["copy"], feedback_options=("Like", "Dislike"),
            )
            with gr.Row(equal_height=True, elem_id="oa-box-row"):
                box = gr.Textbox(
                    elem_id="oa-box", show_label=False, lines=1, max_lines=10, scale=5,
                    placeholder="e.g. Two teams keep missing their OKRs and every sync turns "
                                "into an argument… (Enter to send, Shift+Enter for a new line)",
                )
                send = gr.Button("Diagnose", variant="primary", scale=1, elem_id="oa-send", min_width=100)
            clear = gr.Button("New conversation", size="sm", variant="secondary")
        with gr.Column(scale=6, min_width=300):
            panel = gr.HTML(EMPTY_PANEL, elem_id="oa-panel")
            # the rating sits under the answer it rates
            with gr.Row(visible=False, elem_id="oa-feedback", equal_height=True) as feedback_row:
                comment = gr.Textbox(show_label=False, scale=4, elem_id="oa-comment", min_width=160,
                                     placeholder="Was this useful? Optional comment: what was "
                                                 "right or wrong?")
                thumbs_up = gr.Button("Useful", scale=1, elem_id="oa-up", min_width=110)
                thumbs_down = gr.Button("Not useful", scale=1, elem_id="oa-down", min_width=130)
            feedback_status = gr.Markdown(elem_id="oa-feedback-status")
    tab = DiagnoseTab(chatbot, box, send, clear, panel, feedback_row, thumbs_up, thumbs_down,
                      comment, feedback_status)
    _wire(tab, login, workspace, engine, history, answers, current)
    return tab


def _wire(tab: DiagnoseTab, login: KeyLogin, workspace, engine, history, answers, current) -> None:
    def turn(text, chat, hist, ans, ws, eng, request: gr.Request):
        yield from respond(login, text, chat, hist, ans, ws, eng, request)

    outputs = [tab.chatbot, tab.box, history, answers, tab.panel, current, tab.feedback_row,
               tab.feedback_status]
    inputs = [tab.box, tab.chatbot, history, answers, workspace, engine]
    for trigger in (tab.box.submit, tab.send.click):
        trigger(turn, inputs, outputs, show_progress="minimal", **PRIVATE)

    def example(evt: gr.SelectData):
        value = evt.value if isinstance(evt.value, dict) else {"text": str(evt.value)}
        return value.get("text", "")

    tab.chatbot.example_select(example, None, tab.box, **PRIVATE).then(
        turn, inputs, outputs, show_progress="minimal", **PRIVATE)

    def option(evt: gr.SelectData):
        return follow_up_prompt(str(evt.value))

    tab.chatbot.option_select(option, None, tab.box, **PRIVATE)

    def rate_up(diagnosis_id, comment, request: gr.Request):
        return save_feedback(login, request, diagnosis_id, 1, comment), ""

    def rate_down(diagnosis_id, comment, request: gr.Request):
        return save_feedback(login, request, diagnosis_id, -1, comment), ""

    rated = [tab.feedback_status, tab.comment]
    listen(tab.thumbs_up.click, rate_up, [current, tab.comment], rated)
    listen(tab.thumbs_down.click, rate_down, [current, tab.comment], rated)

    def liked(ans, comment, data: gr.LikeData, request: gr.Request):
        if data.liked not in (True, False):
            return gr.skip(), gr.skip()
        _, diagnosis_id = show_answer(ans, data.index)
        if diagnosis_id is None:
            return gr.skip(), gr.skip()
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        answer = (int(index) + 1) // 2  # messages alternate user, assistant
        rating = 1 if data.liked else -1
        return save_feedback(login, request, diagnosis_id, rating, comment, answer), ""

    listen(tab.chatbot.like, liked, [answers, tab.comment], rated)

    def pick(ans, evt: gr.SelectData):
        card, diagnosis_id = show_answer(ans, evt.index)
        if diagnosis_id is None:
            return gr.skip(), gr.skip()
        return card, diagnosis_id

    tab.chatbot.select(pick, [answers], [tab.panel, current], **PRIVATE)

    def reset():
        return [], "", [], {}, EMPTY_PANEL, None, gr.update(visible=False), ""

    tab.clear.click(reset, None, outputs, **PRIVATE)
