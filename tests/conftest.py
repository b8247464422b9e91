"""Shared fixtures: a temporary data dir per test, no network beyond loopback, one shared
index of the shipped SOPs per session (ingesting them takes a few seconds)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ASSISTANT_ENGINE", "ASSISTANT_CHROMA_HOST"):
    os.environ.pop(var, None)

_real_connect = socket.socket.connect


def _guarded_connect(self, address):  # noqa: ANN001
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1", "0.0.0.0") and not host.startswith("/"):
        raise ConnectionRefusedError(f"tests may not reach the network ({host})")
    return _real_connect(self, address)


socket.socket.connect = _guarded_connect


def _reset() -> None:
    from assistant.config import reset_settings
    from assistant.db import forget_engines
    from assistant.engines.base import reset_engines
    from assistant.retrieval.store import forget_stores

    reset_settings()
    forget_stores()
    reset_engines()
    forget_engines()


@pytest.fixture(scope="session")
def shared_data_dir(tmp_path_factory) -> Path:
    """A data dir whose index already holds the shipped SOPs (built once per session)."""
    path = tmp_path_factory.mktemp("shared-data")
    os.environ["ASSISTANT_DATA_DIR"] = str(path)
    _reset()
    from assistant.retrieval.ingest import ensure_framework_indexed

    ensure_framework_indexed()
    _reset()
    return path


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    """Every test gets its own empty data directory unless it asks for `indexed`."""
    path = tmp_path / "data"
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(path))
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ASSISTANT_ENGINE", "ASSISTANT_CHROMA_HOST",
                "ASSISTANT_API_KEYS_FILE", "ASSISTANT_MAX_TEXT_CHARS"):
        monkeypatch.delenv(var, raising=False)
    _reset()
    yield path
    _reset()


@pytest.fixture
def indexed(shared_data_dir, monkeypatch) -> Path:
    """Use the session's shared, already indexed data dir (read-mostly tests)."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(shared_data_dir))
    _reset()
    return shared_data_dir


def run_cli(*args: str, stdin: str | None = None, env: dict | None = None,
            timeout: float = 180) -> subprocess.CompletedProcess:
    """Run the real `assistant` command in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, text=True,
        env=full_env, timeout=timeout, cwd=ROOT,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chroma_binary() -> str | None:
    """The `chroma` CLI of this Python environment (it ships with chromadb)."""
    local = Path(sys.executable).parent / "chroma"
    return str(local) if local.exists() else shutil.which("chroma")


def wait_for(url: str, seconds: float = 90) -> None:
    """Poll a URL until it answers 200 (a server coming up)."""
    import time

    import httpx

    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def start_serve(env: dict, *extra: str) -> tuple[subprocess.Popen, str]:
    """Start `assistant serve` on a free loopback port; return (process, base URL)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port), *extra],
                            env={**os.environ, **env}, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/healthz")
    except AssertionError:
        stop(proc)
        raise
    return proc, url


def start_keyed_serve(data: Path, shared: Path, keys: dict, *extra: str,
                      **env: str) -> tuple[subprocess.Popen, str]:
    """`assistant serve` over a copy of the shared indexed data dir in `data`, with these API keys
    (key -> workspaces) and environment; (process, base URL)."""
    shutil.copytree(shared, data, dirs_exist_ok=True)
    keys_file = data / "keys.json"
    keys_file.write_text(json.dumps(keys))
    return start_serve({"ASSISTANT_DATA_DIR": str(data), "ASSISTANT_API_KEYS_FILE": str(keys_file), **env},
                       *extra)


def stop(proc: subprocess.Popen | None) -> None:
    """Terminate a server process, killing it if it does not stop in 10 s."""
    if proc is None:
        return
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


# --- PostgreSQL: a real server per session, a fresh database per test (tests/pg.py) ---

os.environ.pop("ASSISTANT_DATABASE_URL", None)  # SQLite in the temp data dir unless a test asks
DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: runs on a real PostgreSQL server (tests/pg.py)")


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server on 127.0.0.1 for the whole session, removed at the end."""
    from tests.pg import PostgresServer

    server = PostgresServer.start()
    yield server
    server.stop()


def database_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """Environment for the parametrised `database` ("sqlite" or "postgres") of a fixture or test:
    nothing for SQLite (the data dir's file), ASSISTANT_DATABASE_URL of a new database otherwise."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        return {}
    assert kind == "postgres", kind
    return {"ASSISTANT_DATABASE_URL": request.getfixturevalue("pg_server").create_database()}


@pytest.fixture
def database(request, monkeypatch) -> str:
    """The database this test runs on: parametrise with `DATABASES` (indirect); default SQLite."""
    for name, value in database_env(request).items():
        monkeypatch.setenv(name, value)
    _reset()
    return getattr(request, "param", "sqlite")


# the plan every kinds test's body is written under (tests/test_critique_real_kinds_*.py)
KINDS_TITLE = "# Harbour tools team — team operating plan 2026\n\n"


def parametrize_kinds(cases: list[tuple[str, str, str, tuple[str, ...]]]):
    """pytest.mark.parametrize over (check, expected status, plan body, evidence phrases)."""
    return pytest.mark.parametrize(("check_id", "expected", "body", "phrases"), cases,
                                   ids=[f"{c}-{e}-{i}" for i, (c, e, _, _) in enumerate(cases)])


def assert_check_kind(text: str, check_id: str, expected: str, phrases: tuple[str, ...]) -> None:
    """A plan's verdict on one check, and the evidence lines quoting exactly these phrases."""
    from assistant.critique import critique_plan

    result = critique_plan(text).check(check_id)
    quotes = [e.quote for e in result.evidence]
    assert result.status == expected, (result.finding, quotes)
    assert len(quotes) == len(phrases), quotes
    for phrase in phrases:
        assert any(phrase in q for q in quotes), (phrase, quotes)
