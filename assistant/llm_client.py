"""One way to ask an OpenAI-compatible endpoint for structured output, shared by the LLM
diagnosis engine and the LLM plan critique: the client, retries and output checks.

429, 5xx and refused connections are retried with exponential backoff within twice the
timeout; a timeout is not retried. Anything that fails ends as `EngineError`, so callers
can fall back to the embedded engine.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from assistant.config import Settings
from assistant.errors import EngineError

RETRIES = 3
BACKOFF = 0.5
M = TypeVar("M", bound=BaseModel)


@lru_cache(maxsize=8)
def _chain(schema: type[BaseModel], model: str, base_url: str | None, key: str, timeout: float,
           method: Literal["json_schema", "function_calling"]) -> Any:
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    chat = ChatOpenAI(model=model, base_url=base_url, api_key=SecretStr(key), timeout=timeout,
                      max_retries=0, temperature=0)
    return chat.with_structured_output(schema, method=method, include_raw=True)


def _retryable(exc: Exception) -> bool:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return False
    if isinstance(exc, openai.RateLimitError | openai.APIConnectionError):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code >= 500


def structured_call(schema: type[M], messages: list, settings: Settings, what: str = "output") -> M:
    """Ask the configured endpoint for `schema`; raise `EngineError` when it cannot be had."""
    key = settings.openai_api_key
    chain = _chain(schema, settings.llm_model, settings.openai_base_url,
                   key.get_secret_value() if key else "placeholder-key", settings.llm_timeout,
                   settings.llm_method)
    deadline = time.monotonic() + settings.llm_timeout * 2
    last: Exception | None = None
    for attempt in range(RETRIES):
        try:
            result = chain.invoke(messages)
        except ValueError as exc:  # json_schema raises pydantic ValidationError / JSON errors
            raise EngineError(f"the model's {what} did not match the schema: {exc}") from exc
        except Exception as exc:  # openai / httpx errors: retry the transient ones
            last = exc
            wait = BACKOFF * 2**attempt
            if attempt + 1 == RETRIES or not _retryable(exc) or time.monotonic() + wait > deadline:
                break
            time.sleep(wait)
            continue
        parsed = result.get("parsed") if isinstance(result, dict) else result
        if not isinstance(parsed, schema):
            error = result.get("parsing_error") if isinstance(result, dict) else None
            raise EngineError(f"the model's {what} could not be parsed ({error})")
        return parsed
    raise EngineError(f"the LLM endpoint failed: {type(last).__name__}: {last}")
