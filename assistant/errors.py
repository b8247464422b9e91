"""One exception hierarchy for the whole assistant.

User and configuration errors (bad input, missing files, bad settings) are `UserError`;
failures while running (a store that cannot be opened, an engine that breaks) are
`RunError`. The CLI turns any `AssistantError` into one readable line and exit code 2;
the API turns them into JSON errors with the status code each class carries.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class of every error the assistant raises on purpose."""

    status_code = 500
    code = "internal_error"


class UserError(AssistantError):
    """The caller asked for something that cannot be done as asked."""

    status_code = 400
    code = "bad_request"


class EmptyTextError(UserError):
    """The text to diagnose or critique is empty or only whitespace."""

    status_code = 422
    code = "empty_text"


class TextTooLongError(UserError):
    """The text is longer than the configured limit (never truncated silently)."""

    status_code = 413
    code = "text_too_long"


class NotAPlanError(UserError):
    """The text given to critique is not a plan."""

    status_code = 422
    code = "not_a_plan"


class UnsupportedFileError(UserError):
    """A file cannot be read: wrong type, binary, empty, unreadable or too large."""

    status_code = 415
    code = "unsupported_file"


class AuthError(AssistantError):
    """Missing or unknown API key."""

    status_code = 401
    code = "unauthorized"


class ForbiddenError(AssistantError):
    """The key may not use that workspace."""

    status_code = 403
    code = "forbidden"


class RateLimited(AssistantError):
    """Too many requests from one key or client; `retry_after` is the seconds to wait."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UnsupportedMedia(UserError):
    """The request body's content type is not accepted."""

    status_code = 415
    code = "unsupported_media_type"


class ConfigError(UserError):
    """A setting is missing or invalid."""

    code = "config_error"


class NotFoundError(UserError):
    """An id, document or workspace does not exist (or is not visible to the caller)."""

    status_code = 404
    code = "not_found"


class ValidationFailed(UserError):
    """Input data (an SOP file, a cases file) does not match its schema."""

    status_code = 422
    code = "validation_error"


class RunError(AssistantError):
    """Something failed while running: the store, an engine, a model."""

    code = "run_error"


class StoreError(RunError):
    """The vector store cannot be opened, is locked by another writer or is inconsistent."""

    status_code = 503
    code = "store_unavailable"


class EngineError(RunError):
    """An engine failed to produce a valid answer."""

    status_code = 503
    code = "engine_error"
