"""Every request has a bounded cost, whoever holds a key (red-team review, session 17): uploads
are parsed off the event loop and within caps, titles, queries, chat fields and eval files are
bounded, a logout ends only its own session, no proxy header is trusted by default, and the UI
keeps its scratch files private."""

from __future__ import annotations

import io
import json
import os
import random
import threading
import time
import zipfile
import zlib

import httpx
import pytest

from tests.conftest import start_keyed_serve, stop

KEY = "bounded-cost-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}


def shared_stream_pdf(pages: int, reps: int) -> bytes:
    """A PDF whose `pages` pages all draw one compressed content stream of `reps` text operators
    (small on disk, costly to extract page by page)."""
    stream = zlib.compress(b"BT /F1 12 Tf 72 712 Td (word word word) Tj ET\n" * reps, 9)
    kids = b" ".join(f"{5 + i} 0 R".encode() for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(pages).encode() + b" >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n" + stream
               + b"\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
                b" /Contents 4 0 R >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@pytest.fixture(scope="module")
def server(tmp_path_factory, shared_data_dir):
    proc, url = start_keyed_serve(tmp_path_factory.mktemp("bounded"), shared_data_dir,
                                  {KEY: ["default", "team-a"]}, "--no-ui", ASSISTANT_RATE_LIMIT="100000")
    yield proc, url
    stop(proc)


# --- uploads -------------------------------------------------------------------------------------

@pytest.mark.server
def test_a_slow_upload_parse_does_not_stop_other_requests(server):
    """Finding 1: PDF/DOCX uploads were parsed on the event loop, freezing every face."""
    _, url = server
    pdf = shared_stream_pdf(1, 20_000)  # one page, about 0.9 MB of operators: a second or more to read
    done: dict = {}

    def upload() -> None:
        response = httpx.post(f"{url}/v1/critique", headers=AUTH, timeout=120,
                              files={"file": ("plan.pdf", pdf, "application/pdf")})
        done["status"], done["at"] = response.status_code, time.monotonic()

    worker = threading.Thread(target=upload)
    worker.start()
    time.sleep(0.3)
    asked = time.monotonic()
    health = httpx.get(f"{url}/healthz", timeout=120)
    answered = time.monotonic()
    worker.join(120)
    assert health.status_code == 200
    assert done["status"] == 413  # the page's text is far over the critique limit: a clear refusal
    # /healthz was answered while the parse still ran, and quickly
    assert answered < done["at"], "the upload finished before /healthz was answered: no overlap to judge"
    assert answered - asked < 0.5


def test_pdf_bombs_are_refused_in_seconds():
    """Finding 2: one 484 KB PDF (3,000 pages sharing one stream) cost hours to extract."""
    from assistant.errors import UnsupportedFileError
    from assistant.retrieval.readers import read_bytes

    started = time.monotonic()
    with pytest.raises(UnsupportedFileError, match="page limit"):
        read_bytes(shared_stream_pdf(3000, 90_000), "bomb.pdf")
    with pytest.raises(UnsupportedFileError, match="too large to read"):
        read_bytes(shared_stream_pdf(400, 30_000), "bomb.pdf")  # each page over the per-page cap
    with pytest.raises(UnsupportedFileError, match="too large to read"):
        read_bytes(shared_stream_pdf(60, 12_000), "drawing.pdf")  # pages under the cap, the total over it
    assert time.monotonic() - started < 30
    # reading stops at the page where the text passes the caller's limit
    text = read_bytes(shared_stream_pdf(40, 500), "long.pdf", max_chars=20_000)
    assert 20_000 < len(text) < 40 * 500 * 15


def test_a_docx_whose_text_part_is_huge_is_refused_before_parsing():
    from assistant.errors import UnsupportedFileError
    from assistant.retrieval.readers import read_bytes

    rng = random.Random(0)
    words = ["plan", "goal", "team", "owner", "quarter", "metric", "risk", "launch"]
    body = "".join(f"<w:p><w:r><w:t>{' '.join(rng.choice(words) for _ in range(40))} {i}</w:t></w:r></w:p>"
                   for i in range(14_000))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document><w:body>{body}</w:body></w:document>")
    started = time.monotonic()
    with pytest.raises(UnsupportedFileError, match="text part"):
        read_bytes(buffer.getvalue(), "report.docx")
    assert time.monotonic() - started < 2


# --- titles, queries, chat fields ----------------------------------------------------------------

@pytest.mark.server
def test_titles_and_queries_are_bounded_on_every_face(server):
    """Finding 3 (a 1 MB title copied into 188 chunks: 87 s, 7.7 GB) and finding 5 (MCP queries)."""
    _, url = server
    plan = "# Plan\n\n- Goal: cut churn to 3% by Q3 (owner: Dana)\n"
    long_title = "t" * 201
    multipart = httpx.post(f"{url}/v1/documents", headers=AUTH, timeout=60,
                           files={"file": ("plan.md", plan.encode())},
                           data={"workspace": "team-a", "title": long_title})
    assert multipart.status_code == 413 and "title" in multipart.json()["error"]["message"]
    as_json = httpx.post(f"{url}/v1/documents", headers=AUTH, timeout=60,
                         json={"text": plan, "title": long_title, "workspace": "team-a"})
    assert as_json.status_code == 413
    fine = httpx.post(f"{url}/v1/documents", headers=AUTH, timeout=60,
                      json={"text": plan, "title": "t" * 200, "workspace": "team-a"})
    assert fine.status_code in (200, 201), fine.text
    query = httpx.get(f"{url}/v1/search", headers=AUTH, params={"q": "q " * 1001, "workspace": "team-a"})
    assert query.status_code == 422


def test_the_shared_functions_bound_titles_and_queries(indexed):
    """The same bounds below the faces (MCP's add_plan and search_knowledge call these)."""
    from assistant.errors import TextTooLongError, UserError
    from assistant.mcp_tools import run_add_plan, run_search

    with pytest.raises(TextTooLongError):
        run_add_plan("# Plan\n- Goal: ship the beta", "x" * 201, "team-a")
    with pytest.raises(UserError, match="limit"):
        run_search("word " * 500, "team-a", 3)
    assert run_search("ownership of the key results", "team-a", 3).hits


@pytest.mark.server
def test_chat_counts_only_the_turns_it_reads_and_bounds_its_echoed_fields(server):
    """Findings 4 and 8: a 3.9 M-character system message cost 14 s and a GB to count; a long
    `model` was echoed into every streamed chunk."""
    _, url = server
    user = "Two teams keep missing their OKRs and every sync turns into an argument."
    system = "中" * 1_000_000
    started = time.monotonic()
    reply = httpx.post(f"{url}/v1/chat/completions", headers=AUTH, timeout=120,
                       json={"messages": [{"role": "system", "content": system},
                                          {"role": "user", "content": user}]})
    assert reply.status_code == 200
    assert time.monotonic() - started < 10
    from assistant.retrieval.embeddings import get_embedder

    assert reply.json()["usage"]["prompt_tokens"] == get_embedder().count_tokens(user)
    for field, value in (("model", "m" * 101), ("user", "u" * 257)):
        refused = httpx.post(f"{url}/v1/chat/completions", headers=AUTH, timeout=60,
                             json={field: value, "stream": True, "messages": [{"role": "user", "content": user}]})
        assert refused.status_code == 422, (field, refused.status_code)


def test_tokens_of_text_without_spaces_are_counted_in_bounded_slices():
    from assistant.retrieval.embeddings import get_embedder

    embedder = get_embedder()
    started = time.monotonic()
    assert embedder.count_tokens("中" * 200_000) == 200_000  # one token per character, none dropped
    assert time.monotonic() - started < 5
    assert embedder.count_tokens("word " * 1000) == 1000


# --- eval files, workspaces ----------------------------------------------------------------------

def test_an_uploaded_eval_file_holds_at_most_the_case_limit(tmp_path):
    """Finding 6: a 20,000-case file ran for ten minutes in one event."""
    from assistant.errors import UserError
    from assistant.evaluation import suites
    from assistant.limits import MAX_EVAL_CASES

    def write(n: int, **fields):
        path = tmp_path / f"cases-{n}-{len(fields)}.jsonl"
        path.write_text("".join(json.dumps({"id": f"c{i}", "text": "Deadlines slip every sprint.",
                                            "label": "execution", **fields}) + "\n" for i in range(n)))
        return path

    assert len(suites.diagnosis_cases("test", write(MAX_EVAL_CASES))) == MAX_EVAL_CASES
    with pytest.raises(UserError, match="at most"):
        suites.diagnosis_cases("test", write(MAX_EVAL_CASES + 1))
    with pytest.raises(UserError, match="at most"):
        suites.safety_cases("test", write(MAX_EVAL_CASES + 1, escalation=False))


def test_a_workspace_name_with_a_trailing_newline_is_refused():
    from assistant.errors import UserError
    from assistant.workspaces import check_workspace

    assert check_workspace("beta") == "beta"
    with pytest.raises(UserError):
        check_workspace("beta\n")


# --- logins, proxies, scratch files, the UI's config -----------------------------------------------

def test_a_logout_ends_only_the_callers_own_session():
    """Finding 9: logging in under another key's user name, then out, ended that key's sessions."""
    import asyncio

    from assistant.ui.access import KeyLogin, LoginBinder

    other = "bounded-cost-other-key-0123"
    login = KeyLogin({KEY: ["default"], other: ["team-b"]})
    login.bind_session("token-victim", other)
    login.bind_session("token-attacker", KEY)
    seen: dict = {}

    async def gradio(scope, receive, send):
        seen["query"] = scope["query_string"]

    scope = {"type": "http", "method": "GET", "path": "/logout", "query_string": b"all_session=true",
             "headers": [(b"cookie", b"access-token-abc=token-attacker")]}
    asyncio.run(LoginBinder(gradio, login)(scope, None, None))
    assert seen["query"] == b"all_session=false"  # Gradio deletes the caller's token only
    assert login.key_for("access-token-abc=token-attacker") is None
    assert login.key_for("access-token-abc=token-victim") == other
    # over plain HTTP Gradio keeps the logged-out token: it reaches Gradio no more
    later = {"type": "http", "method": "GET", "path": "/config", "query_string": b"",
             "headers": [(b"cookie", b"access-token-unsecure-abc=token-attacker; theme=dark")]}

    async def gradio_get(scope, receive, send):
        seen["cookie"] = dict(scope["headers"]).get(b"cookie")

    asyncio.run(LoginBinder(gradio_get, login)(later, None, None))
    assert seen["cookie"] == b"theme=dark"


@pytest.mark.server
def test_a_forwarded_for_header_does_not_buy_a_fresh_rate_limit_bucket(tmp_path, shared_data_dir, monkeypatch):
    """Finding 10: uvicorn trusted X-Forwarded-For from 127.0.0.1, so the per-client limits on
    failed keys could be dodged by naming a new address each time."""
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    proc, url = start_keyed_serve(tmp_path / "served", shared_data_dir, {KEY: ["default"]}, "--no-ui",
                                  ASSISTANT_RATE_LIMIT="20")
    try:
        codes = [httpx.get(f"{url}/v1/info", timeout=30,
                           headers={"Authorization": f"Bearer wrong-key-{i:04d}-xxxxxxxx",
                                    "X-Forwarded-For": f"10.1.{i // 250}.{i % 250}"}).status_code
                 for i in range(60)]
    finally:
        stop(proc)
    assert 429 in codes, codes


def test_scratch_files_are_private_and_do_not_pile_up(monkeypatch):
    """Finding 12: critique downloads and plot copies stayed for ever in a world-readable folder."""
    from assistant.ui import common

    folder = common.scratch_dir()
    assert folder.stat().st_mode & 0o777 == 0o700
    old = folder / "plan-critique-old.md"
    old.write_text("an old critique")
    stale = time.time() - common.SCRATCH_MAX_AGE - 60
    os.utime(old, (stale, stale))
    fresh = folder / "plan-critique-new.md"
    fresh.write_text("a new critique")
    assert common.scratch_dir("evals/run-1").is_dir()
    assert not old.exists() and fresh.exists()
    fresh.unlink()


def test_the_ui_config_names_no_eval_run_before_a_login(data_dir):
    """Finding 11: the past-runs picker was built with every run, so /config named other keys'
    private runs."""
    run = data_dir / "eval-runs" / "20260101-000000-diagnosis-local-test"
    run.mkdir(parents=True)
    (run / "results.json").write_text(json.dumps({"owner": "someone-else", "suites": {}}))
    from assistant.ui import build_ui
    from assistant.ui.access import KeyLogin

    blocks = build_ui(KeyLogin({KEY: ["default"]}))
    picker = next(c for c in blocks.blocks.values() if getattr(c, "elem_id", None) == "oa-ev-runs")
    assert picker.choices == []
    assert blocks.delete_cache is not None  # Gradio's uploads and cached outputs are deleted in time


def test_a_pasted_plan_with_one_enormous_line_is_read_in_bounded_time(indexed):
    """The plan's words are quoted line by line: a line of 19,000 letters without spaces (a
    pasted blob) once took minutes in a backtracking pattern; it must cost like any line."""
    from assistant.pipeline import diagnose

    plan = ("# Q3 plan\n## Goals\n- Ship the billing rework by 30 Sep (owner: Ann)\n"
            "- Cut churn from 5% to 3% by Q4\n## Not doing\n- The mobile app\n"
            "Notes:TBD/pending/leadership/decision/" + "x" * 19_000)
    started = time.monotonic()
    result = diagnose("Why do we keep missing our goals? Here is our plan:\n" + plan, store=False)
    assert time.monotonic() - started < 10
    assert all(len(e.quote) < 1_000 for e in result.plan_evidence)
