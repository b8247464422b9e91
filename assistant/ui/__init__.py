"""The Gradio web UI: Diagnose (chat), Critique a plan, Knowledge and Evals.

Run it with `python app.py`, or mount it in a FastAPI app::

    from assistant.ui import auth_callable, build_ui, launch_kwargs
    blocks = build_ui()
    gr.mount_gradio_app(app, blocks, path="/", auth=auth_callable(blocks),
                        **launch_kwargs(mounted=True))

With API keys configured (ASSISTANT_API_KEYS_FILE) the page and Gradio's own API routes need
a login whose password is a key; the UI then offers only that key's workspaces, and every
call is checked again on the server. Only /diagnose, /critique and /search are exposed in
the Gradio API. Importing this package imports gradio (about 6 s): keep it out of the CLI.
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from assistant.config import get_settings  # noqa: E402
from assistant.ui import api, critique_tab, diagnose_tab, evals_tab, knowledge_tab  # noqa: E402
from assistant.ui.access import KeyLogin, who, workspace_choices  # noqa: E402
from assistant.ui.common import ENGINE_CHOICES, PRIVATE, guarded, theme  # noqa: E402
from assistant.ui.style import CSS  # noqa: E402

TITLE = "Org diagnosis assistant"
AUTH_MESSAGE = "Log in with any user name and your API key as the password."
__all__ = ["AUTH_MESSAGE", "KeyLogin", "auth_callable", "build_ui", "launch_kwargs"]


def build_ui(login: KeyLogin | None = None) -> gr.Blocks:
    """Build the whole UI.

    Args:
        login: who may use it; by default the keys in ASSISTANT_API_KEYS_FILE (none: open).

    Returns:
        The Blocks, with `blocks.key_login` set to the login (see `auth_callable`).
    """
    login = login or KeyLogin.from_settings()
    # uploads and cached outputs older than two hours are deleted every hour (nothing else caps them)
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 7200)) as blocks:
        with gr.Row(elem_id="oa-header", equal_height=True):
            with gr.Column(scale=4, min_width=320):
                gr.HTML(f'<div id="oa-title"><h1>{TITLE}</h1><p>Find the root cause of an '
                        "organisational problem, get SOP steps with their sources, and "
                        "critique plans.</p></div>")
                who_line = gr.Markdown(elem_id="oa-who")
            workspace = gr.Dropdown(["default"], value="default", label="Workspace", scale=1,
                                    allow_custom_value=not login.required, min_width=190,
                                    elem_id="oa-workspace")
            # the llm engine is offered only when an LLM endpoint is configured
            choices = ENGINE_CHOICES if get_settings().llm_configured else ["auto", "local"]
            engine = gr.Radio(choices, value="auto", label="Engine", scale=1,
                              min_width=290, elem_id="oa-engine")
        with gr.Tabs(elem_id="oa-tabs"):
            with gr.Tab("Diagnose", id="diagnose", elem_id="oa-tab-diagnose"):
                diagnose_tab.build(login, workspace, engine)
            with gr.Tab("Critique a plan", id="critique", elem_id="oa-tab-critique") as critique_page:
                critique_tab.build(login, workspace, engine, critique_page)
            with gr.Tab("Knowledge", id="knowledge", elem_id="oa-tab-knowledge"):
                knowledge = knowledge_tab.build(login, workspace)
            with gr.Tab("Evals", id="evals", elem_id="oa-tab-evals"):
                evals = evals_tab.build(login, engine)
        api.register(login)

        def on_load(request: gr.Request):
            principal = login.principal(request)
            choices, value, custom = workspace_choices(principal)
            logout = " [Log out](logout)" if login.required else ""
            return (gr.update(choices=choices, value=value, allow_custom_value=custom),
                    who(principal) + logout,
                    gr.update(choices=evals_tab.run_choices(principal)))

        blocks.load(guarded(on_load, 3), None, [workspace, who_line, evals.runs], **PRIVATE).then(
            knowledge.refresh, workspace, [knowledge.table, knowledge.doc], **PRIVATE)
    blocks.key_login = login  # type: ignore[attr-defined]
    return blocks


def auth_callable(blocks: gr.Blocks) -> KeyLogin | None:
    """The `auth` argument for launch / mount_gradio_app: the login, or None without keys."""
    login: KeyLogin = blocks.key_login  # type: ignore[attr-defined]
    return login if login.required else None


def launch_kwargs(mounted: bool = False) -> dict[str, Any]:
    """Keyword arguments for `Blocks.launch` (or `gr.mount_gradio_app` when `mounted`)."""
    kwargs: dict[str, Any] = {
        "theme": theme(), "css": CSS, "auth_message": AUTH_MESSAGE, "footer_links": ["api"],
        "run_history": False, "max_file_size": get_settings().max_file_bytes,
    }
    if not mounted:
        kwargs.update(show_error=True, quiet=True)
    return kwargs
