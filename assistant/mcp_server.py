"""The assistant as an MCP server: tools and SOP resources for AI assistants and editors.

Run it as ``assistant mcp`` (stdio, for a local client) or ``assistant mcp --http 8765``
(streamable HTTP on 127.0.0.1, at ``/mcp``); ``python -m assistant.mcp_server`` is the same.

Tools: ``diagnose``, ``critique_plan``, ``search_knowledge``, ``add_plan``; each result carries
the schema as structured content plus a short readable summary. Resources: every SOP as
``sop://<sop-id>`` (its markdown) and every step as ``sop://<sop-id>/<n>``.

Access: over stdio the server is the local user's own process and may use every workspace.
Over HTTP, when ``ASSISTANT_API_KEYS_FILE`` is set, every request needs
``Authorization: Bearer KEY`` (401 otherwise) and a call can only reach that key's workspaces;
binding anything but loopback without keys is refused. In stdio mode stdout carries protocol
messages only; logs go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, TypeVar

import anyio
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.mcpserver.resources import FunctionResource
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import AnyHttpUrl, Field

from assistant import mcp_tools as t
from assistant.auth import OPEN, Principal, authenticate
from assistant.critique.schema import PlanCritique
from assistant.errors import AssistantError
from assistant.limits import MAX_QUERY_CHARS, MAX_TITLE_CHARS
from assistant.schema import Diagnosis, HistoryMessage

log = logging.getLogger("assistant.mcp")
T = TypeVar("T")
Keys = dict[str, frozenset[str]] | None

SERVER_NAME = "org-assistant"
INSTRUCTIONS = (
    "Diagnoses the root cause of organisational problems (strategy, execution, culture, "
    "interpersonal) and critiques plans against a 14-check rubric. Call diagnose with the "
    "user's description; read sop://<step_id> for a recommended step's full text; call "
    "critique_plan with a pasted plan; search_knowledge finds SOP passages and the team's plans."
)

Workspace = Annotated[
    str | None,
    Field(description="Workspace (a-z, 0-9, '_' or '-'); its plans are used. Default: 'default'."),
]


class KeyVerifier:
    """The SDK's bearer-token hook, backed by the assistant's API keys file."""

    def __init__(self, keys: dict[str, frozenset[str]]) -> None:
        self.keys = keys

    async def verify_token(self, token: str) -> AccessToken | None:
        """An AccessToken for a known key, else None (the SDK answers 401)."""
        try:
            principal = authenticate(token, self.keys)
        except AssistantError:
            return None
        return AccessToken(token=token, client_id=principal.key_id or "key", scopes=[])


def _principal(keys: Keys) -> Principal:
    """Who is calling this tool: everyone over stdio or without keys, else the bearer key."""
    if keys is None:
        return OPEN
    token = get_access_token()
    if token is None:
        raise ToolError("unauthorized: send Authorization: Bearer <key>")
    try:
        return authenticate(token.token, keys)
    except AssistantError as exc:
        raise ToolError(f"{exc.code}: {exc}") from exc


async def _call(tool: str, fn: Callable[[], T], summarize: Callable[[T], str]) -> CallToolResult:
    """Run one pipeline call on a worker thread; map AssistantError to a tool error."""
    started = time.perf_counter()
    try:
        result: Any = await anyio.to_thread.run_sync(fn)
    except AssistantError as exc:
        log.info("tool %s refused: %s (%s)", tool, exc.code, exc)
        raise ToolError(f"{exc.code}: {exc}") from exc
    log.info("tool %s answered in %.2f s", tool, time.perf_counter() - started)
    return CallToolResult(
        content=[TextContent(type="text", text=summarize(result))],
        structured_content=result.model_dump(mode="json"),
    )


def _workspace(keys: Keys, requested: str | None, *, required: bool) -> str:
    principal = _principal(keys)
    try:
        return t.resolve_workspace(principal, requested, required=required)
    except AssistantError as exc:
        raise ToolError(f"{exc.code}: {exc}") from exc


def _register_tools(server: MCPServer, keys: Keys) -> None:
    @server.tool(
        description="Diagnose the root cause (strategy, execution, culture or interpersonal) of "
        "an organisational problem described in plain words: calibrated scores, SOP steps with "
        "citations, follow-up questions, and an escalation for safety matters.",
        annotations=ToolAnnotations(title="Diagnose a problem", open_world_hint=False),
    )
    async def diagnose(
        text: Annotated[str, Field(description="The problem, in the user's words.")],
        history: Annotated[
            list[HistoryMessage] | None,
            Field(description="Earlier turns of the conversation, oldest first."),
        ] = None,
        workspace: Workspace = None,
    ) -> Annotated[CallToolResult, Diagnosis]:
        ws = _workspace(keys, workspace, required=False)
        return await _call(
            "diagnose", partial(t.run_diagnose, text, history, ws), t.summarize_diagnosis
        )

    @server.tool(
        description="Critique a pasted plan (strategy brief, operating plan, OKRs) against the "
        "14-check rubric with quoted evidence and fixes; give `against` (the earlier version's "
        "text) to see what was resolved.",
        annotations=ToolAnnotations(title="Critique a plan", open_world_hint=False),
    )
    async def critique_plan(
        text: Annotated[str, Field(description="The plan's full text (markdown or plain).")],
        workspace: Workspace = None,
        against: Annotated[
            str | None, Field(description="The TEXT of an earlier version of the same plan.")
        ] = None,
    ) -> Annotated[CallToolResult, PlanCritique]:
        ws = _workspace(keys, workspace, required=False)
        return await _call(
            "critique_plan", partial(t.run_critique, text, against, ws), t.summarize_critique
        )

    @server.tool(
        description="Search the SOP library and the workspace's own plans; returns ranked chunks "
        "(score in [0, 1], source, section, step id, snippet), best first.",
        annotations=ToolAnnotations(
            title="Search knowledge", read_only_hint=True, open_world_hint=False
        ),
    )
    async def search_knowledge(
        query: Annotated[str, Field(max_length=MAX_QUERY_CHARS, description="What to look for, in plain words.")],
        workspace: Annotated[
            str | None,
            Field(
                description="Workspace whose plans are searched with the SOPs (required "
                "when the server uses API keys). Default: 'default'."
            ),
        ] = None,
        k: Annotated[int, Field(ge=1, le=100, description="How many chunks to return.")] = 5,
    ) -> Annotated[CallToolResult, t.SearchResults]:
        ws = _workspace(keys, workspace, required=True)
        return await _call(
            "search_knowledge", partial(t.run_search, query, ws, k), t.summarize_search
        )

    @server.tool(
        description="Add a plan to a workspace's index so later diagnoses and searches there use "
        "it; adding the same title again replaces it. Returns its doc_id and chunk count.",
        annotations=ToolAnnotations(
            title="Add a plan", idempotent_hint=True, destructive_hint=False, open_world_hint=False
        ),
    )
    async def add_plan(
        text: Annotated[str, Field(description="The plan's full text (markdown or plain).")],
        title: Annotated[str, Field(max_length=MAX_TITLE_CHARS, description="A title; it also names the document.")],
        workspace: Annotated[str, Field(description="The workspace to add the plan to.")],
    ) -> Annotated[CallToolResult, t.AddPlanResult]:
        ws = _workspace(keys, workspace, required=True)
        return await _call(
            "add_plan", partial(t.run_add_plan, text, title, ws), t.summarize_add_plan
        )


def _sop_reader(path: str) -> Callable[[], str]:
    def read() -> str:
        with open(path, encoding="utf-8") as handle:
            return handle.read()

    return read


def _register_resources(server: MCPServer) -> None:
    """One resource per SOP (its markdown file) and a template for single steps."""
    from assistant.knowledge import all_steps, library

    for sop in library():
        server.add_resource(
            FunctionResource.from_function(
                fn=_sop_reader(sop.path),
                uri=f"sop://{sop.id}",
                name=sop.id,
                title=sop.title,
                description=f"SOP ({', '.join(sop.categories)}): {sop.title}. "
                f"Steps: sop://{sop.id}/1 to sop://{sop.id}/{len(sop.steps)}.",
                mime_type="text/markdown",
            )
        )

    @server.resource(
        "sop://{sop_id}/{number}",
        name="sop-step",
        title="One SOP step",
        description="A single SOP step by its step_id, e.g. sop://exec-over-strategy/1.",
        mime_type="text/markdown",
    )
    def sop_step(sop_id: str, number: str) -> str:
        step = all_steps().get(f"{sop_id}/{number}")
        if step is None:
            raise ResourceError(f"no SOP step {sop_id}/{number}")
        return (
            f"### {step.number}. {step.title}\n\n- step_id: {step.step_id}\n"
            f"- category: {step.category}\n- action: {step.action}\n- why: {step.why}\n\n"
            f"{step.detail}\n"
        ).rstrip() + "\n"


def build_server(keys: Keys = None, issuer_url: str | None = None) -> MCPServer:
    """The MCP server with the assistant's tools and SOP resources.

    Args:
        keys: API keys and their workspaces (HTTP with ASSISTANT_API_KEYS_FILE); None means
            every workspace is open (stdio, or HTTP on loopback without keys).
        issuer_url: This server's own URL, named in the SDK's auth settings when keys are set.

    Returns:
        An `mcp.server.mcpserver.MCPServer`.
    """
    from assistant import __version__ as version

    auth_kwargs: dict[str, Any] = {}
    if keys is not None:
        auth_kwargs = {
            "token_verifier": KeyVerifier(keys),
            "auth": AuthSettings(
                issuer_url=AnyHttpUrl(issuer_url or "http://127.0.0.1"), resource_server_url=None
            ),
        }
    server = MCPServer(
        SERVER_NAME,
        title="Org diagnosis assistant",
        instructions=INSTRUCTIONS,
        version=version,
        log_level="INFO",
        **auth_kwargs,
    )
    _register_tools(server, keys)
    _register_resources(server)
    return server


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant mcp",
        description="Serve the assistant over MCP: stdio by default, streamable HTTP with --http.",
    )
    parser.add_argument("--http", type=int, metavar="PORT", help="serve streamable HTTP at /mcp")
    parser.add_argument("--host", default=None, help="interface for --http (default 127.0.0.1)")
    return parser


def _serve_http(host: str, port: int) -> None:
    import uvicorn

    from assistant.auth import check_bind, load_keys
    from assistant.config import get_settings
    from assistant.limits import RateLimiter, RequestGuard

    keys = load_keys()
    check_bind(host, keys)
    url_host = f"[{host}]" if ":" in host else host
    server = build_server(keys, issuer_url=f"http://{url_host}:{port}")
    settings = get_settings()
    # keys checked before the body, bodies counted as they stream, calls rate-limited per key
    app = RequestGuard(server.streamable_http_app(host=host), keys, RateLimiter(settings.rate_limit),
                       settings.max_request_bytes, protected=("/mcp",))
    access = "API keys required" if keys is not None else "no API keys: every workspace open"
    print(f"MCP over HTTP at http://{url_host}:{port}/mcp ({access})", file=sys.stderr)
    # the client is the peer, unless FORWARDED_ALLOW_IPS names proxies to trust (see cmd_serve)
    uvicorn.run(app, host=host, port=port, log_level="warning",
                proxy_headers=bool(os.environ.get("FORWARDED_ALLOW_IPS")))


def main(argv: list[str] | None = None) -> int:
    """Run the MCP server; `argv` as given to `assistant mcp` (without the word "mcp").

    Returns:
        The exit code: 0 after a clean stop, 2 for usage or configuration errors.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["mcp"]:
        args = args[1:]
    parser = _parser()
    try:
        opts = parser.parse_args(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    if opts.host is not None and opts.http is None:
        print("assistant mcp: --host needs --http PORT", file=sys.stderr)
        return 2
    if opts.http is not None and not 0 < opts.http < 65536:
        print("assistant mcp: --http needs a port between 1 and 65535", file=sys.stderr)
        return 2
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(name)s: %(message)s")
    logging.getLogger("mcp").setLevel(logging.WARNING)  # keeps session ids out of the logs
    try:
        if opts.http is not None:
            _serve_http(opts.host or "127.0.0.1", opts.http)
        else:
            # stdio: the local user's own process, every workspace. The SDK points fd 1 at
            # stderr while serving; until then Python-level prints go to stderr too.
            with contextlib.redirect_stdout(sys.stderr):
                server = build_server(None)
            server.run("stdio")
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
