"""The MCP server end to end: the SDK's own client over stdio and over streamable HTTP with keys.

Every server is a real subprocess (`python -m assistant.mcp_server`) on a copy of the session's
indexed data dir, so nothing here re-indexes the SOPs.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import anyio
import httpx
import httpx2
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from assistant.critique.schema import PlanCritique
from assistant.knowledge import all_steps, library
from assistant.mcp_server import main
from assistant.mcp_tools import AddPlanResult, SearchResults, plan_source, resolve_workspace
from assistant.retrieval.search import SearchHit
from assistant.schema import CATEGORIES, Diagnosis
from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.server

KEY_A, KEY_B = "key-a-mcp-0123456789", "key-b-mcp-0123456789"
PAIR = (
    "Since Ana and Rob fell out they refuse to talk, and every release between their teams stalls."
)
PLAN_V1 = """# Q3 plan
## Top priorities (in order)
1. Merchant activation from 22% to 30% by 30 September (owner: Priya Nair)
2. Cut checkout errors from 3% to 1% by 31 August (owner: Tom Berg)
"""
PLAN_V2 = (
    PLAN_V1
    + """## Not doing
- The consumer app redesign
## Cadence
- Weekly review of the scorecard on Mondays; Priya decides on scope trade-offs.
## Risks
- The payments team may not deliver the new API by July; mitigation: keep the old flow.
"""
)
ZEPHYR = """# Zephyr rollout plan
## Priorities
1. Launch the zephyr quantum ledger to pilot merchants by 15 March (owner: Ana Lind)
2. Migrate the zephyr ledger reconciliation jobs by 30 April (owner: Rob Stahl)
"""
ENV_BASE = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_OFFLINE": "1",
    "PYTHONPATH": str(ROOT),
}


@pytest.fixture
def mcp_data(tmp_path, shared_data_dir) -> Path:
    """A private copy of the indexed data dir (the server writes plans into it)."""
    data = tmp_path / "mcp-data"
    shutil.copytree(shared_data_dir, data)
    return data


def _keys_file(folder: Path) -> Path:
    path = folder / "keys.json"
    path.write_text(json.dumps({KEY_A: ["team-a"], KEY_B: ["team-b", "shared"]}))
    return path


def _run(fn, *args, timeout: float = 120):
    """Run an async scenario to completion, failing it after `timeout` seconds."""

    async def bounded():
        with anyio.fail_after(timeout):
            return await fn(*args)

    return anyio.run(bounded)


def _text(result) -> str:
    return "\n".join(block.text for block in result.content if block.type == "text")


def _error(result, *phrases: str) -> str:
    message = _text(result)
    assert result.is_error, message
    assert result.structured_content is None
    for phrase in phrases:
        assert phrase in message, message
    assert "Traceback" not in message
    return message


async def _check_listing(session: ClientSession) -> None:
    tools = {tool.name: tool for tool in (await session.list_tools()).tools}
    assert set(tools) == {"diagnose", "critique_plan", "search_knowledge", "add_plan"}
    required = {
        "diagnose": ["text"],
        "critique_plan": ["text"],
        "search_knowledge": ["query"],
        "add_plan": ["text", "title", "workspace"],
    }
    for name, tool in tools.items():
        assert tool.description and "\n" not in tool.description and len(tool.description) < 260
        assert sorted(tool.input_schema.get("required", [])) == sorted(required[name])
        assert tool.output_schema and tool.output_schema["type"] == "object"
    assert set(tools["diagnose"].input_schema["properties"]) == {"text", "history", "workspace"}
    assert set(tools["critique_plan"].input_schema["properties"]) == {
        "text",
        "workspace",
        "against",
    }
    assert tools["search_knowledge"].input_schema["properties"]["k"]["maximum"] == 100
    assert set(Diagnosis.model_fields) <= set(tools["diagnose"].output_schema["properties"])
    assert "checks" in tools["critique_plan"].output_schema["properties"]
    assert "hits" in tools["search_knowledge"].output_schema["properties"]
    assert {"doc_id", "chunks"} <= set(tools["add_plan"].output_schema["properties"])

    sops = {f"sop://{sop.id}": sop for sop in library()}
    resources = (await session.list_resources()).resources
    assert {str(r.uri) for r in resources} == set(sops)
    for resource in resources:
        sop = sops[str(resource.uri)]
        assert resource.name == sop.id and resource.title == sop.title
        assert resource.mime_type == "text/markdown"
    first = sorted(sops)[0]
    read = await session.read_resource(first)
    assert read.contents[0].text == Path(sops[first].path).read_text(encoding="utf-8")
    step = next(iter(all_steps().values()))
    read = await session.read_resource(f"sop://{step.step_id}")
    assert step.action in read.contents[0].text and step.why in read.contents[0].text


async def _check_tools(session: ClientSession) -> None:
    out = await session.call_tool("diagnose", {"text": PAIR})
    diagnosis = Diagnosis.model_validate(out.structured_content)
    assert (
        not out.is_error and diagnosis.category in CATEGORIES and diagnosis.workspace == "default"
    )
    assert diagnosis.category in _text(out) and diagnosis.diagnosis_id in _text(out)
    assert diagnosis.steps and all(s.step_id in all_steps() for s in diagnosis.steps)
    history = [
        {"role": "user", "content": "Our two leads stopped talking."},
        {"role": "assistant", "content": "Since when, and what changed?"},
    ]
    out = await session.call_tool("diagnose", {"text": PAIR, "history": history})
    assert Diagnosis.model_validate(out.structured_content).diagnosis_id != diagnosis.diagnosis_id

    out = await session.call_tool("critique_plan", {"text": PLAN_V2, "against": PLAN_V1})
    critique = PlanCritique.model_validate(out.structured_content)
    assert len(critique.checks) == 14 and critique.against is not None
    assert critique.against.resolved, "the second version adds exclusions, cadence and risks"
    assert f"{critique.score}/100" in _text(out)

    out = await session.call_tool("search_knowledge", {"query": "two leads refuse to talk", "k": 4})
    found = SearchResults.model_validate(out.structured_content)
    assert len(found.hits) == 4 and all(isinstance(h, SearchHit) for h in found.hits)
    assert [h.score for h in found.hits] == sorted((h.score for h in found.hits), reverse=True)

    # stdio is the local user's own process: every workspace, keys file or not
    out = await session.call_tool(
        "add_plan", {"text": ZEPHYR, "title": "Zephyr", "workspace": "team-x"}
    )
    added = AddPlanResult.model_validate(out.structured_content)
    assert added.chunks >= 1 and added.workspace == "team-x" and added.doc_id in _text(out)
    query = {"query": "zephyr quantum ledger pilot merchants", "k": 10}
    out = await session.call_tool("search_knowledge", {**query, "workspace": "team-x"})
    assert added.doc_id in {
        h.doc_id for h in SearchResults.model_validate(out.structured_content).hits
    }
    out = await session.call_tool("search_knowledge", query)
    assert added.doc_id not in {h["doc_id"] for h in out.structured_content["hits"]}


async def _check_errors(session: ClientSession) -> None:
    _error(await session.call_tool("diagnose", {"text": "   "}), "empty_text")
    # the server survived: the next call answers
    out = await session.call_tool("search_knowledge", {"query": "missed deadlines"})
    assert not out.is_error and out.structured_content["hits"]
    _error(await session.call_tool("diagnose", {"text": "x" * 20001}), "text_too_long", "20000")
    _error(
        await session.call_tool("diagnose", {"text": PAIR, "workspace": "Team A!"}),
        "invalid workspace name",
    )
    _error(
        await session.call_tool("critique_plan", {"text": "I like turtles. They are slow."}),
        "not_a_plan",
    )
    _error(await session.call_tool("add_plan", {"text": ZEPHYR, "title": "Zephyr"}), "workspace")
    _error(
        await session.call_tool("search_knowledge", {"query": "x", "k": 0}),
        "greater than or equal to 1",
    )
    out = await session.call_tool("diagnose", {"text": PAIR})
    assert not out.is_error and Diagnosis.model_validate(out.structured_content)


def test_stdio_tools_resources_and_errors(mcp_data, tmp_path):
    env = {
        **ENV_BASE,
        "ASSISTANT_DATA_DIR": str(mcp_data),
        "ASSISTANT_API_KEYS_FILE": str(_keys_file(tmp_path)),
    }
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "assistant.mcp_server"], env=env, cwd=ROOT
    )

    async def scenario() -> None:
        with (tmp_path / "server-stderr.txt").open("w") as errlog:
            async with (
                stdio_client(params, errlog=errlog) as (read, write),
                ClientSession(read, write) as session,
            ):
                init = await session.initialize()
                assert init.server_info.name == "org-assistant"
                await _check_listing(session)
                await _check_tools(session)
                await _check_errors(session)

    _run(scenario)
    logs = (tmp_path / "server-stderr.txt").read_text()
    assert "tool diagnose answered" in logs and "tool diagnose refused: empty_text" in logs
    assert PAIR not in logs, "logs must not carry the user's text"


def _reader(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def test_stdio_stdout_carries_only_protocol_messages(mcp_data):
    """A raw client: every stdout line is JSON-RPC, even while the models load."""
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(mcp_data)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.mcp_server"],
        env=env,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "raw", "version": "0"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {"name": "diagnose", "arguments": {"text": PAIR}},
        },
    ]
    try:
        for message in messages:
            proc.stdin.write(json.dumps(message) + "\n")
            proc.stdin.flush()
        received, deadline = [], time.time() + 90
        while not any(m.get("id") == 2 for m in received):
            line = lines.get(timeout=max(0.1, deadline - time.time()))
            assert line is not None, "the server closed stdout"
            received.append(json.loads(line))  # anything but JSON here fails the test
        assert all(m["jsonrpc"] == "2.0" for m in received)
        answer = next(m for m in received if m.get("id") == 2)["result"]
        assert answer["isError"] is False
        Diagnosis.model_validate(answer["structuredContent"])
    finally:
        proc.stdin.close()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert "tool diagnose answered" in proc.stderr.read()


async def _http_session(url: str, key: str, scenario):
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=120)) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        return await scenario(session)


async def _as_team_a(session: ClientSession) -> str:
    out = await session.call_tool(
        "add_plan", {"text": ZEPHYR, "title": "Zephyr", "workspace": "team-a"}
    )
    added = AddPlanResult.model_validate(out.structured_content)
    out = await session.call_tool(
        "search_knowledge", {"query": "zephyr quantum ledger", "workspace": "team-a", "k": 5}
    )
    assert added.doc_id in {h["doc_id"] for h in out.structured_content["hits"]}
    out = await session.call_tool("diagnose", {"text": PAIR, "workspace": "team-a"})
    assert Diagnosis.model_validate(out.structured_content).workspace == "team-a"
    return added.doc_id


async def _as_team_b(session: ClientSession, doc_id: str) -> None:
    for ws in ("team-b", "shared"):
        out = await session.call_tool(
            "search_knowledge",
            {
                "query": "zephyr quantum ledger pilot merchants reconciliation",
                "workspace": ws,
                "k": 100,
            },
        )
        hits = SearchResults.model_validate(out.structured_content).hits
        assert hits and doc_id not in {h.doc_id for h in hits}
        assert {h.workspace for h in hits} <= {ws, "__global__"}
        assert "zephyr" not in json.dumps(out.structured_content["hits"]).lower()
    for tool, args in (
        ("search_knowledge", {"query": "zephyr"}),
        ("add_plan", {"text": ZEPHYR, "title": "Zephyr"}),
        ("diagnose", {"text": PAIR}),
        ("critique_plan", {"text": PLAN_V2}),
    ):
        _error(
            await session.call_tool(tool, {**args, "workspace": "team-a"}), "forbidden", "team-a"
        )
    _error(
        await session.call_tool("search_knowledge", {"query": "zephyr"}), "workspace is required"
    )
    out = await session.call_tool("diagnose", {"text": PAIR})
    assert Diagnosis.model_validate(out.structured_content).workspace in {"team-b", "shared"}


def test_http_requires_keys_and_keeps_workspaces_apart(mcp_data, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(mcp_data),
        "ASSISTANT_API_KEYS_FILE": str(_keys_file(tmp_path)),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.mcp_server", "--http", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "0"},
        },
    }
    accept = {"Accept": "application/json, text/event-stream"}
    try:
        deadline = time.time() + 60
        while True:
            try:
                response = httpx.post(url, json=init, headers=accept, timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.time() < deadline, "the server did not start"
                time.sleep(0.2)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        wrong = httpx.post(
            url, json=init, headers={**accept, "Authorization": "Bearer nope-nope-1"}
        )
        assert wrong.status_code == 401

        # a session belongs to the key that opened it
        opened = httpx.post(url, json=init, headers={**accept, "Authorization": f"Bearer {KEY_A}"})
        assert opened.status_code == 200
        session_id = opened.headers["mcp-session-id"]
        hijack = httpx.post(
            url,
            headers={**accept, "Authorization": f"Bearer {KEY_B}", "Mcp-Session-Id": session_id},
            json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        )
        assert hijack.status_code in (401, 403, 404), hijack.text

        doc_id = _run(_http_session, url, KEY_A, _as_team_a)
        _run(_http_session, url, KEY_B, lambda s: _as_team_b(s, doc_id))
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
    output = proc.stdout.read()
    assert "API keys required" in output and KEY_A not in output


def test_http_refuses_open_non_loopback_bind(tmp_path):
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data")}
    env.pop("ASSISTANT_API_KEYS_FILE", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.mcp_server",
            "--http",
            str(free_port()),
            "--host",
            "0.0.0.0",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "refusing to listen on 0.0.0.0" in done.stderr
    assert done.stdout == ""


def test_main_usage_errors(capsys, tmp_path, monkeypatch):
    assert main(["--host", "127.0.0.1"]) == 2
    assert "--host needs --http" in capsys.readouterr().err
    assert main(["mcp", "--http", "0"]) == 2
    assert main(["--http", "not-a-port"]) == 2
    bad = tmp_path / "keys.json"
    bad.write_text("{not json")
    monkeypatch.setenv("ASSISTANT_API_KEYS_FILE", str(bad))
    assert main(["--http", str(free_port())]) == 2
    assert "ASSISTANT_API_KEYS_FILE" in capsys.readouterr().err


def test_workspace_rules_and_plan_names():
    from assistant.auth import OPEN, ForbiddenError, Principal
    from assistant.errors import UserError

    keyed = Principal("key-1", frozenset({"team-b", "shared"}))
    assert resolve_workspace(OPEN, None, required=True) == "default"
    assert resolve_workspace(OPEN, "team-a", required=True) == "team-a"
    assert resolve_workspace(keyed, None, required=False) == "shared"
    assert resolve_workspace(keyed, "team-b", required=True) == "team-b"
    with pytest.raises(UserError, match="workspace is required"):
        resolve_workspace(keyed, " ", required=True)
    with pytest.raises(ForbiddenError):
        resolve_workspace(keyed, "team-a", required=False)
    assert plan_source("Q3 Plan: Growth & Activation!") == "q3-plan-growth-activation.md"
    assert plan_source("!!!") == "plan.md"
