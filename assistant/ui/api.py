"""The Gradio API endpoints the UI documents: /diagnose, /critique and /search.

Every other UI event is private (`api_visibility="private"`): not listed, not callable by
the Gradio clients. These three return the same JSON as the HTTP API and go through the same
login and workspace checks as the UI. (No `from __future__ import annotations` here: Gradio
reads the type hints to describe the endpoints.)
"""

import gradio as gr

from assistant.pipeline import critique, diagnose
from assistant.retrieval.search import search
from assistant.ui.access import KeyLogin
from assistant.ui.common import engine_arg, friendly, resolve_workspace

ENDPOINTS = ("/diagnose", "/critique", "/search")


def register(login: KeyLogin) -> None:
    """Add the documented endpoints to the Blocks being built."""

    @friendly
    def diagnose_endpoint(text: str, workspace: str = "default", engine: str = "auto",
                          history: list | None = None, request: gr.Request | None = None) -> dict:
        """Diagnose the root cause of a described problem; returns the Diagnosis as JSON.

        Args:
            text: the description (or the newest answer in a conversation).
            workspace: the workspace whose plans and SOPs are used.
            engine: auto, local or llm.
            history: earlier turns, a list of {"role": "user" | "assistant", "content": str}.
        """
        ws = resolve_workspace(login, request, workspace)
        result = diagnose(text, history=history or None, workspace=ws, engine=engine_arg(engine))
        return result.model_dump(mode="json")

    @friendly
    def critique_endpoint(text: str, against: str = "", workspace: str = "default",
                          save: bool = False, request: gr.Request | None = None) -> dict:
        """Critique a plan against the 14-check rubric; returns the PlanCritique as JSON.

        Args:
            text: the plan.
            against: the text of an earlier version, to see which findings were resolved.
            workspace: the workspace to save the plan into (with save).
            save: index the plan into the workspace.
        """
        ws = resolve_workspace(login, request, workspace)
        result = critique(text, against=against or None, workspace=ws, save=save)
        return result.model_dump(mode="json")

    @friendly
    def search_endpoint(query: str, workspace: str = "default", k: int = 5,
                        request: gr.Request | None = None) -> list:
        """Ranked chunks from the workspace's plans and the global SOPs.

        Args:
            query: what to look for.
            workspace: the workspace to search (its plans plus the SOPs).
            k: how many results (1-100).
        """
        ws = resolve_workspace(login, request, workspace)
        return [hit.model_dump(mode="json") for hit in search(query, ws, int(k))]

    gr.api(diagnose_endpoint, api_name="diagnose")
    gr.api(critique_endpoint, api_name="critique")
    gr.api(search_endpoint, api_name="search")
