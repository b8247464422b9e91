"""Settings, declared once: environment variables (and an optional .env file).

Every setting has a default and help text; `assistant config` prints them with secrets
masked, and a test checks each one is documented in the README.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal, cast

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

WORKSPACE_PATTERN = r"^[a-z0-9_-]{1,64}$"
DEFAULT_WORKSPACE = "default"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "org-assistant"


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "org-assistant"


class Settings(BaseSettings):
    """All settings of the assistant. Environment names are given in each field's alias."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        validation_alias="ASSISTANT_DATA_DIR",
        description="All local state: embedded Chroma in chroma/, the database, eval runs.",
    )
    cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        validation_alias="ASSISTANT_CACHE_DIR",
        description="Files rebuilt when missing (the encoder's ONNX graph, built once per model; "
        "the vectors of the engine's prototype sentences).",
    )
    chroma_host: str | None = Field(
        default=None,
        validation_alias="ASSISTANT_CHROMA_HOST",
        description="Use a Chroma server at this host instead of the embedded store.",
    )
    chroma_port: int = Field(
        default=8000,
        validation_alias="ASSISTANT_CHROMA_PORT",
        description="Port of the Chroma server (used only with ASSISTANT_CHROMA_HOST).",
    )
    engine: Literal["auto", "local", "llm"] = Field(
        default="auto",
        validation_alias="ASSISTANT_ENGINE",
        description="auto = llm when an LLM is configured, else local.",
    )
    embedding_model: str = Field(
        default="all-MiniLM-L6-v2",
        validation_alias="ASSISTANT_EMBEDDING_MODEL",
        description="Embedding model; the packaged all-MiniLM-L6-v2 runs offline (ONNX graph built from its weights).",
    )
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias="OPENAI_API_KEY",
        description="Key for the LLM endpoint.",
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias="OPENAI_BASE_URL",
        description="OpenAI-compatible base URL (vLLM, Ollama, llama.cpp); enough alone.",
    )
    llm_model: str = Field(
        default="gpt-4o-mini",
        validation_alias="ASSISTANT_LLM_MODEL",
        description="Model name sent to the LLM endpoint.",
    )
    llm_method: Literal["json_schema", "function_calling"] = Field(
        default="json_schema",
        validation_alias="ASSISTANT_LLM_METHOD",
        description="Structured-output method for the LLM engine.",
    )
    llm_timeout: float = Field(
        default=30.0,
        validation_alias="ASSISTANT_LLM_TIMEOUT",
        description="Seconds per LLM call.",
    )
    max_text_chars: int = Field(
        default=20000,
        validation_alias="ASSISTANT_MAX_TEXT_CHARS",
        description="Longest accepted text; longer is rejected, never truncated silently.",
    )
    max_file_bytes: int = Field(
        default=10_000_000,
        validation_alias="ASSISTANT_MAX_FILE_BYTES",
        description="Largest file accepted for ingest or critique.",
    )
    rate_limit: int = Field(
        default=120,
        validation_alias="ASSISTANT_RATE_LIMIT",
        description="Requests per minute allowed per API key (or per client without keys).",
    )
    max_request_bytes: int = Field(
        default=12_000_000,
        validation_alias="ASSISTANT_MAX_REQUEST_BYTES",
        description="Largest HTTP request body the API accepts.",
    )
    api_keys_file: Path | None = Field(
        default=None,
        validation_alias="ASSISTANT_API_KEYS_FILE",
        description="JSON file: API key -> list of workspaces it may use.",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias="ASSISTANT_DATABASE_URL",
        description="SQLAlchemy URL for diagnoses, critiques and feedback (SQLite by default).",
    )
    redact_names: bool = Field(
        default=True,
        validation_alias="ASSISTANT_REDACT_NAMES",
        description="Replace person names with placeholders before text goes to an external LLM.",
    )
    knowledge_dir: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("ASSISTANT_KNOWLEDGE_DIR"),
        description="Folder of SOP markdown files (default: the shipped knowledge/).",
    )

    @field_validator("chroma_host", "openai_base_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def chroma_dir(self) -> Path:
        """Folder of the embedded Chroma store."""
        return self.data_dir / "chroma"

    @property
    def llm_configured(self) -> bool:
        """True when an LLM endpoint is configured (a key or a base URL)."""
        return bool(self.openai_api_key or self.openai_base_url)

    @property
    def resolved_engine(self) -> str:
        """The engine `auto` resolves to."""
        if self.engine == "auto":
            return "llm" if self.llm_configured else "local"
        return self.engine

    def effective_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'assistant.db'}"

    def describe(self) -> list[tuple[str, str, str]]:
        """(environment name, effective value with secrets masked, help) for every setting."""
        rows = []
        for name, field in type(self).model_fields.items():
            alias = field.validation_alias
            # every AliasChoices here holds plain environment names, never an AliasPath
            env = cast(str, alias.choices[0]) if isinstance(alias, AliasChoices) else str(alias)
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                secret = value.get_secret_value()
                shown = (secret[:3] + "…" + "*" * 4) if len(secret) > 6 else "****"
            else:
                shown = "" if value is None else str(value)
            rows.append((env, shown, field.description or ""))
        return rows


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear the cache with `reset_settings`)."""
    return Settings()


def reset_settings() -> None:
    """Forget cached settings so the next call re-reads the environment."""
    get_settings.cache_clear()
