"""The web UI launcher: `python app.py` serves the Gradio UI (assistant.ui).

GRADIO_SERVER_NAME (default 127.0.0.1) and GRADIO_SERVER_PORT (default 7860) choose where it
listens. Binding anything but loopback needs API keys (ASSISTANT_API_KEYS_FILE); with keys the
UI asks for a login whose password is a key.
"""

from __future__ import annotations

import os
import sys
import threading

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def _warm_up() -> None:
    """Index the shipped SOPs and load the models, so the first question is answered quickly."""
    try:
        from assistant.retrieval.ingest import ensure_framework_indexed
        from assistant.retrieval.store import get_store

        ensure_framework_indexed()
        get_store().embedder.embed(["warm up"])
    except Exception as exc:  # the first request will report the problem properly
        print(f"warm-up skipped: {exc}", file=sys.stderr)


def main() -> int:
    """Check the bind address against the keys, then serve the UI until interrupted."""
    from assistant.auth import check_bind, load_keys
    from assistant.errors import AssistantError

    host = os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    try:
        port = int(os.environ.get("GRADIO_SERVER_PORT") or 7860)
        check_bind(host, load_keys())
    except ValueError:
        print("error: GRADIO_SERVER_PORT must be a number", file=sys.stderr)
        return 2
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from starlette.middleware import Middleware

    from assistant.config import get_settings
    from assistant.limits import RateLimiter, RequestGuard
    from assistant.ui import auth_callable, build_ui, launch_kwargs
    from assistant.ui.access import LoginBinder
    from assistant.ui.uploads import UploadGuard

    blocks = build_ui()
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
    blocks.queue(default_concurrency_limit=2)
    print(f"Serving the UI on http://{host}:{port}", file=sys.stderr, flush=True)
    # the same guards as `assistant serve`: request cost and rate limits (limits.py), a login
    # session tied to its key, and events that name only this session's uploads (ui/uploads.py)
    settings = get_settings()
    limiter = RateLimiter(settings.rate_limit)
    guards = [Middleware(RequestGuard, keys=load_keys(), limiter=limiter,
                         max_bytes=settings.max_request_bytes),
              Middleware(LoginBinder, login=blocks.key_login, limiter=limiter),
              Middleware(UploadGuard)]
    # uvicorn would trust X-Forwarded-For from 127.0.0.1: nobody is trusted unless the admin
    # names proxies in FORWARDED_ALLOW_IPS (the per-client limits read the peer's address)
    os.environ.setdefault("FORWARDED_ALLOW_IPS", "")
    blocks.launch(server_name=host, server_port=port, auth=auth_callable(blocks),
                  app_kwargs={"middleware": guards}, **launch_kwargs())
    return 0


if __name__ == "__main__":
    sys.exit(main())
