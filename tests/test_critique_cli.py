"""`assistant critique` end to end: files, stdin, --against, --save, errors."""

from __future__ import annotations

import json

from tests.conftest import run_cli
from tests.files import write_docx

PLAN_V1 = """# Q3 plan
We will grow revenue. Everything is a priority this quarter.
- Ship the new dashboard
- Launch the partner API
"""
PLAN_V2 = """# Q3 plan
## Top priorities (in order)
1. Merchant activation from 22% to 30% by 30 September (owner: Priya Nair)
2. Cut checkout errors from 3% to 1% by 31 August (owner: Tom Berg)

## Not doing this quarter
- The consumer app redesign

## Review rhythm
Weekly business review every Monday; monthly ops review with the CEO.
"""


def test_critique_file_json_and_against(indexed, tmp_path):
    v1, v2 = tmp_path / "v1.md", tmp_path / "v2.md"
    v1.write_text(PLAN_V1)
    v2.write_text(PLAN_V2)
    out = run_cli("critique", str(v2), "--against", str(v1), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    checks = {c["id"]: c for c in data["checks"]}
    assert len(checks) == 14 and checks["exclusions"]["status"] == "pass"
    assert "exclusions" in data["against"]["resolved"]
    lines = PLAN_V2.split("\n")
    for check in data["checks"]:
        for ev in check["evidence"]:
            assert ev["quote"] in lines[ev["line"] - 1]
        for c in check["citations"]:
            assert c["chunk_id"] and c["step_id"]


def test_critique_docx_stdin_save_and_errors(indexed, tmp_path):
    docx = write_docx(tmp_path / "plan.docx", "Q3 plan", PLAN_V2.split("\n")[1:])
    assert run_cli("critique", str(docx)).returncode == 0
    saved = run_cli("critique", "-", "--save", "--workspace", "cli-save", stdin=PLAN_V2)
    assert saved.returncode == 0 and "Score" in saved.stdout
    listed = run_cli("documents", "list", "--workspace", "cli-save", "--json")
    assert len(json.loads(listed.stdout)) == 1
    recipe = run_cli("critique", "-", stdin="Mix flour and sugar. Bake for 40 minutes at 180C. Serve warm.")
    assert recipe.returncode == 2 and "plan" in recipe.stderr.lower()
    assert run_cli("critique", "-", stdin="   ").returncode == 2
    binary = tmp_path / "x.md"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    assert run_cli("critique", str(binary)).returncode == 2
