"""The HTTP API (FastAPI): the same pipeline as the CLI, JSON in and out, keys and workspaces.

`assistant serve` runs it under uvicorn and mounts the Gradio UI at `/`. Every error is
`{"error": {"code", "message"}}` with the right status, never a stack trace.
"""


import json
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant import __version__
from assistant.auth import Principal, authenticate, load_keys
from assistant.config import get_settings
from assistant.errors import (
    AssistantError,
    RateLimited,
    UnsupportedFileError,
    UnsupportedMedia,
    UserError,
    ValidationFailed,
)
from assistant.limits import MAX_QUERY_CHARS, RateLimiter, RequestGuard
from assistant.schema import Diagnosis, HistoryMessage

log = logging.getLogger("assistant.api")


def error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


# ---- request bodies -------------------------------------------------------------------------
class DiagnoseBody(BaseModel):
    text: str
    history: list[HistoryMessage] | None = None
    workspace: str | None = None
    engine: Literal["local", "llm"] | None = None


class CritiqueBody(BaseModel):
    text: str
    workspace: str | None = None
    save: bool = False
    engine: Literal["local", "llm"] | None = None
    against: str | None = Field(default=None, description="the text of the earlier version")


class DocumentBody(BaseModel):
    text: str
    title: str | None = None
    workspace: str | None = None


class FeedbackBody(BaseModel):
    diagnosis_id: str | None = None
    critique_id: str | None = None
    rating: Literal[1, -1]
    comment: str | None = Field(default=None, max_length=5000)


class ChatMessage(BaseModel):
    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatBody(BaseModel):
    # echoed into every streamed chunk: a long one would multiply the response
    model: str = Field(default="assistant", max_length=100)
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    workspace: str | None = None
    user: str | None = Field(default=None, max_length=256)


def _text_of(content: str | list[dict[str, Any]] | None) -> str:
    if isinstance(content, list):
        return "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return content or ""


# ---- access -----------------------------------------------------------------------------------
def principal(request: Request) -> Principal:
    """Authenticate the bearer key and apply the per-caller rate limit."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    who = authenticate(token, request.app.state.keys)
    caller = who.key_id or (request.client.host if request.client else "local")
    wait = request.app.state.limiter.check(caller)
    if wait:
        raise RateLimited(f"rate limit exceeded: retry in {wait} s", retry_after=wait)
    return who


Caller = Annotated[Principal, Depends(principal)]
router = APIRouter()


# ---- routes -----------------------------------------------------------------------------------
@router.get("/healthz", tags=["meta"])
def healthz():
    """Liveness that means it: the store answers (503 with the reason when it does not)."""
    from assistant.retrieval.store import get_store

    try:
        store = get_store()
        store.client.heartbeat()
    except Exception as exc:  # any store failure is "unavailable"; details go to the log only
        log.warning("health check: the store does not answer: %s", exc)
        return JSONResponse({"status": "unavailable", "store": "not answering"}, status_code=503)
    return {"status": "ok", "store": "server" if store.settings.chroma_host else "embedded"}

@router.get("/v1/info", tags=["meta"])
def info(who: Caller) -> dict:
    from assistant.retrieval.store import get_store

    s = get_settings()
    return {"version": __version__, "engine": s.resolved_engine,
            "llm_model": s.llm_model if s.llm_configured else None,
            "index_chunks": get_store().count(), "store": "server" if s.chroma_host else "embedded",
            "workspaces": sorted(who.workspaces) if who.workspaces is not None else None}

@router.post("/v1/diagnose", response_model=Diagnosis, tags=["diagnosis"])
def post_diagnose(body: DiagnoseBody, who: Caller) -> Diagnosis:
    from assistant.pipeline import diagnose

    return diagnose(body.text, history=body.history, workspace=who.workspace(body.workspace),
                    engine=body.engine)

@router.get("/v1/diagnoses/{diagnosis_id}", tags=["diagnosis"])
def get_diagnosis(diagnosis_id: str, who: Caller) -> dict:
    from assistant import db

    return db.get_diagnosis(diagnosis_id, who.visible())

@router.post("/v1/critique", tags=["critique"],
          openapi_extra={"requestBody": {"content": {
              "application/json": {"schema": CritiqueBody.model_json_schema()},
              "multipart/form-data": {"schema": {"type": "object", "properties": {
                  "file": {"type": "string", "format": "binary"}, "workspace": {"type": "string"},
                  "save": {"type": "boolean"}, "against": {"type": "string"}}}}}}})
async def post_critique(request: Request, who: Caller) -> dict:
    from starlette.concurrency import run_in_threadpool

    from assistant.pipeline import critique

    body, source = await _critique_body(request)
    result = await run_in_threadpool(
        critique, body.text, against=body.against, workspace=who.workspace(body.workspace),
        save=body.save, source=source, engine=body.engine)
    return result.model_dump(mode="json")

@router.get("/v1/critiques/{critique_id}", tags=["critique"])
def get_critique(critique_id: str, who: Caller) -> dict:
    from assistant import db

    return db.get_critique(critique_id, who.visible())

@router.post("/v1/documents", tags=["documents"], status_code=201,
          openapi_extra={"requestBody": {"content": {
              "application/json": {"schema": DocumentBody.model_json_schema()},
              "multipart/form-data": {"schema": {"type": "object", "properties": {
                  "file": {"type": "string", "format": "binary"}, "workspace": {"type": "string"}}}}}}})
async def post_document(request: Request, who: Caller) -> dict:
    from starlette.concurrency import run_in_threadpool

    from assistant.retrieval.ingest import ingest_text

    text, title, workspace, source = await _document_body(request)
    ws = who.workspace(workspace)
    report = await run_in_threadpool(ingest_text, text, source=source, title=title, workspace=ws)
    doc = report.documents[0]
    return {"doc_id": doc["doc_id"], "source": doc["source"], "chunks": doc["chunks"],
            "workspace": ws, "added": report.added}

@router.get("/v1/documents", tags=["documents"])
def get_documents(who: Caller, workspace: str | None = None) -> list[dict]:
    from assistant.retrieval.ingest import list_documents

    return list_documents(who.workspace(workspace))

@router.delete("/v1/documents/{doc_id}", tags=["documents"])
def delete_document(doc_id: str, who: Caller, workspace: str | None = None) -> dict:
    from assistant.retrieval.ingest import delete_document as delete

    return {"doc_id": doc_id, "deleted_chunks": delete(doc_id, who.workspace(workspace))}

@router.delete("/v1/workspaces/{workspace}", tags=["documents"])
def purge(workspace: str, who: Caller) -> dict:
    from assistant.retrieval.ingest import purge_workspace

    return {"workspace": workspace, "deleted": purge_workspace(who.workspace(workspace))}

@router.get("/v1/search", tags=["search"])
def get_search(who: Caller, q: str = Query(min_length=1, max_length=MAX_QUERY_CHARS),
               workspace: str | None = None, k: int = Query(5, ge=1, le=50)) -> list[dict]:
    from assistant.retrieval.search import search

    return [h.model_dump() for h in search(q, who.workspace(workspace), k)]

@router.post("/v1/feedback", tags=["feedback"], status_code=201)
def post_feedback(body: FeedbackBody, who: Caller) -> dict:
    from assistant import db

    feedback_id = db.record_feedback(diagnosis_id=body.diagnosis_id, critique_id=body.critique_id,
                                     rating=body.rating, comment=body.comment,
                                     workspaces=who.visible())
    return {"feedback_id": feedback_id}

@router.get("/v1/models", tags=["openai"])
def models(who: Caller) -> dict:
    return {"object": "list", "data": [{"id": "assistant", "object": "model", "owned_by": "org-assistant"}]}

@router.post("/v1/chat/completions", tags=["openai"])
def chat(body: ChatBody, who: Caller):
    from assistant.pipeline import diagnose
    from assistant.render import diagnosis_markdown

    turns = [m for m in body.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user":
        raise UserError("the last message must be a user message")
    # roles are filtered to user / assistant above
    history = [HistoryMessage(role=cast(Literal["user", "assistant"], m.role), content=_text_of(m.content))
               for m in turns[:-1]]
    result = diagnose(_text_of(turns[-1].content), history=history,
                      workspace=who.workspace(body.workspace))
    content = diagnosis_markdown(result)
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    created = int(time.time())
    diagnosis = result.model_dump(mode="json")
    if body.stream:
        return StreamingResponse(_stream(completion_id, created, body.model, content, diagnosis),
                                 media_type="text/event-stream")
    return {
        "id": completion_id, "object": "chat.completion", "created": created, "model": body.model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": "stop"}],
        "usage": _usage(turns, content),
        "diagnosis": diagnosis,
    }



# ---- the app ----------------------------------------------------------------------------------
def _install_handlers(app: FastAPI) -> None:
    @app.middleware("http")
    async def no_trace(request: Request, call_next):
        try:
            return await call_next(request)
        except Exception:  # never a stack trace to the caller
            log.exception("unhandled error on %s", request.url.path)
            return error(500, "internal_error", "internal error; the server log has details")

    @app.exception_handler(AssistantError)
    async def assistant_error(_: Request, exc: AssistantError):
        response = error(exc.status_code, exc.code, str(exc))
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", []) if p != "body")
        return error(422, "validation_error", f"{where}: {first.get('msg')}" if where else str(first.get("msg")))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException):
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}
        return error(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))


def create_app(mount_ui: bool = False) -> FastAPI:
    """Build the FastAPI app (optionally with the Gradio UI mounted at `/`)."""
    settings = get_settings()
    # /docs and /redoc would load Swagger and ReDoc from a CDN: nothing is fetched from outside,
    # so they are off; the spec itself is served at /openapi.json
    app = FastAPI(title="Org diagnosis assistant", version=__version__, docs_url=None,
                  redoc_url=None,
                  description="Diagnose organisational root causes and critique plans.")
    app.state.keys = load_keys()
    app.state.limiter = RateLimiter(settings.rate_limit)
    _install_handlers(app)
    app.include_router(router)
    if mount_ui:
        _mount_ui(app)
    # outermost: keys before bodies, bodies counted as they stream, every route rate-limited
    app.add_middleware(RequestGuard, keys=app.state.keys, limiter=app.state.limiter,
                       max_bytes=settings.max_request_bytes)
    return app


def _usage(messages: list[ChatMessage], content: str) -> dict:
    """Token counts by the model's own tokenizer (the embedded engine generates no tokens, so
    the reply is counted as the text it returns). `messages`: the user and assistant turns the
    diagnosis read (within the text and history limits); other roles are neither read nor counted."""
    from assistant.retrieval.embeddings import get_embedder

    embedder = get_embedder()
    prompt = sum(embedder.count_tokens(_text_of(m.content)) for m in messages)
    completion = embedder.count_tokens(content)
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion}


def _stream(cid: str, created: int, model: str, content: str, diagnosis: dict) -> Iterator[str]:
    def chunk(delta: dict, finish: str | None = None, extra: dict | None = None) -> str:
        data = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **(extra or {})}
        return f"data: {json.dumps(data)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for start in range(0, len(content), 200):
        yield chunk({"content": content[start : start + 200]})
    yield chunk({}, "stop", {"diagnosis": diagnosis})
    yield "data: [DONE]\n\n"


async def _form_or_json(request: Request) -> tuple[dict, tuple[bytes, str] | None]:
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        if upload is None or isinstance(upload, str):
            raise UserError("multipart requests need a 'file' field")
        data = await upload.read()
        if len(data) > get_settings().max_file_bytes:
            raise UnsupportedFileError(f"{upload.filename}: over the {get_settings().max_file_bytes}-byte limit")
        return fields, (data, upload.filename or "upload.txt")
    if ctype.startswith("application/json") or not ctype:
        try:
            payload = json.loads(await request.body() or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UserError(f"the body is not valid JSON ({exc})") from exc
        except RecursionError as exc:
            raise UserError("the body is nested too deeply to be a request") from exc
        if not isinstance(payload, dict):
            raise UserError("the JSON body must be an object")
        return payload, None
    raise UnsupportedMedia(f"unsupported content type '{ctype}': use application/json or multipart/form-data")


def _validated(model: type[BaseModel], data: dict) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ValidationFailed(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}") from exc


async def _read_upload(upload: tuple[bytes, str], max_chars: int) -> str:
    """A file's text, parsed on a worker thread: a PDF or DOCX parse takes seconds, and on the
    event loop it would stop every request of every key for that long."""
    from starlette.concurrency import run_in_threadpool

    from assistant.retrieval.readers import read_bytes

    return await run_in_threadpool(read_bytes, upload[0], upload[1], max_chars)


async def _critique_body(request: Request) -> tuple[CritiqueBody, str | None]:
    from assistant.critique.engine import DEFAULT_MAX_CHARS

    fields, upload = await _form_or_json(request)
    if upload is not None:
        text = await _read_upload(upload, DEFAULT_MAX_CHARS)
        fields = {**fields, "text": text, "save": fields.get("save", "false").lower() in ("1", "true", "on")}
        return _validated(CritiqueBody, fields), upload[1]
    return _validated(CritiqueBody, fields), None


async def _document_body(request: Request) -> tuple[str, str | None, str | None, str]:
    from assistant.pipeline import check_title

    fields, upload = await _form_or_json(request)
    if upload is not None:
        title = check_title(fields.get("title"))
        text = await _read_upload(upload, get_settings().max_text_chars * 10)
        check_document_text(text, upload[1])
        return text, title, fields.get("workspace"), upload[1]
    body = _validated(DocumentBody, fields)
    check_title(body.title)
    check_document_text(body.text, body.title or "the document")
    source = (body.title or f"pasted-{uuid.uuid4().hex[:8]}").strip()[:200] + ".md"
    return body.text, body.title, body.workspace, source


def check_document_text(text: str, name: str) -> None:
    """A document must hold visible text and no lone surrogates (its size is the file limit's)."""
    from assistant.errors import EmptyTextError
    from assistant.pipeline import check_characters, visible_text

    if not visible_text(text):
        raise EmptyTextError(f"{name}: the document has no text")
    check_characters(text, f"document {name}")


def _mount_ui(app: FastAPI) -> None:
    """Mount the Gradio UI at `/` when the UI package is present."""
    import gradio as gr  # imported only when the UI is served (about 6 s)

    from assistant.ui import auth_callable, build_ui, launch_kwargs
    from assistant.ui.access import LoginBinder
    from assistant.ui.uploads import UploadGuard

    blocks = build_ui()  # reads ASSISTANT_API_KEYS_FILE: the key is the login password
    blocks.queue(default_concurrency_limit=2)
    # mounted last: the /v1 routes are registered first, so `/` catches only the UI
    gr.mount_gradio_app(app, blocks, path="/", auth=auth_callable(blocks), **launch_kwargs(mounted=True))
    # Gradio checks that an event's files were uploaded only once the Blocks "launched";
    # mounted, they never do. Turn its check on, and put our own in front of it.
    blocks.has_launched = True
    app.add_middleware(UploadGuard)
    # a login session is tied to its key; Gradio's routes need one, limited per key
    app.add_middleware(LoginBinder, login=blocks.key_login, limiter=app.state.limiter)


def serve_app() -> FastAPI:
    """The app `assistant serve` runs (uvicorn factory; the UI unless ASSISTANT_SERVE_UI=0)."""
    import os

    return create_app(mount_ui=os.environ.get("ASSISTANT_SERVE_UI", "1") != "0")
