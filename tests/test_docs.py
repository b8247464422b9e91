"""Every setting and every command is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.cli import COMMANDS
from assistant.config import Settings
from tests.conftest import run_cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
CI = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()


def test_every_setting_is_documented():
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        env = alias.choices[0] if hasattr(alias, "choices") else str(alias)
        assert f"`{env}`" in README or env in README, f"{env} is not in the README"


def test_every_command_is_documented():
    for name in COMMANDS:
        assert f"assistant {name}" in README, f"`assistant {name}` is not in the README"


def test_ci_runs_the_readme_test_command():
    blocks = re.findall(r"```\n(.*?)\n```", README, re.S)
    test_command = next(b for b in blocks if "pytest" in b).strip()
    assert test_command in CI


def test_config_masks_secrets_and_version(monkeypatch):
    out = run_cli("config", env={"OPENAI_API_KEY": "sk-secret-value-123456"})
    assert out.returncode == 0
    assert "sk-secret-value-123456" not in out.stdout and "OPENAI_API_KEY" in out.stdout
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("assistant ")
