"""A key holder cannot make the UI read a server file it did not upload, on any face.

Every event of the page is offered a payload naming a server file (a secret planted for the
test) in each of its inputs, in the shapes Gradio reads files from (a file, a list of files,
a chat message carrying a file). The secret must never come back by any route, and no copy
may land in Gradio's cache. A file the session did upload still works, for that session only.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

import pytest

from assistant.ui.uploads import UploadRegistry, file_refs, session_of
from tests.conftest import free_port, start_serve, stop
from tests.gradio_raw import call, dependencies, file_data, login, upload
from tests.ui_helpers import running_app

KEYS = {"attacker-key-0123456789": ["team-a"], "victim-key-0123456789ab": ["team-b"]}
SECRET = "TOP-SECRET-7c1f9e"


def _shapes(path: str) -> list:
    payload = file_data(path, "x.md")
    return [payload, [payload], [{"role": "user", "content": [{"type": "file", "file": payload}]}],
            [{"role": "user", "content": {"file": payload}}], {"files": [payload], "text": "hi"}]


@contextlib.contextmanager
def _face(kind: str, tmp_path: Path, shared_data_dir: Path):
    data = tmp_path / "data"
    shutil.copytree(shared_data_dir, data)
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps(KEYS))
    cache = tmp_path / "gradio-cache"
    env = {"ASSISTANT_DATA_DIR": str(data), "ASSISTANT_API_KEYS_FILE": str(keys),
           "GRADIO_TEMP_DIR": str(cache), "ASSISTANT_RATE_LIMIT": "100000"}
    if kind == "serve":
        proc, url = start_serve(env)
        try:
            yield url, cache
        finally:
            stop(proc)
    else:
        with running_app(free_port(), data, env) as app:
            yield app.url.rstrip("/"), cache


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.parametrize("face", ["serve", "app"])
def test_no_ui_event_reads_a_file_the_caller_did_not_upload(face, tmp_path, shared_data_dir):
    secret = tmp_path / "secret.md"
    secret.write_text(f"# Plan\n{SECRET}\n")
    with _face(face, tmp_path, shared_data_dir) as (url, cache):
        attacker = login(url, "mallory", "attacker-key-0123456789")
        events = dependencies(attacker)
        assert len(events) > 10
        tried = 0
        for fn_index, _dep, inputs in events:
            for slot in range(len(inputs)):
                for shape in _shapes(str(secret)):
                    data = [None] * len(inputs)
                    data[slot] = shape
                    status, text = call(attacker, fn_index, data)
                    tried += 1
                    assert SECRET not in text, (fn_index, slot, shape)
        assert tried > 50
        for route in (f"/gradio_api/file={secret}", f"/file={secret}",
                      f"/gradio_api/file={secret.resolve()}"):
            response = attacker.get(route)
            assert SECRET not in response.text and response.status_code >= 400
        copies = [p for p in cache.rglob("*") if p.is_file() and SECRET in p.read_text(errors="ignore")]
        assert copies == []

        # a real upload works for the session that made it, and for no other
        uploaded = upload(attacker, "plan.md", b"# Plan\n- Goal: grow revenue 10% by Q3\n")
        plan_upload = next(i for i, dep, ins in events if [c["props"].get("elem_id") for c in ins]
                           == ["oa-plan-file"] and dep["targets"][0][1] == "upload")
        status, text = call(attacker, plan_upload, [file_data(uploaded)])
        assert status == 200 and "grow revenue 10% by Q3" in text
        victim = login(url, "victor", "victim-key-0123456789ab")
        status, text = call(victim, plan_upload, [file_data(uploaded)])
        assert status == 403 and "grow revenue" not in text


def test_registry_knows_only_what_each_session_uploaded(tmp_path):
    registry = UploadRegistry(max_files=2)
    a, b, c = (str(tmp_path / n) for n in ("a.md", "b.md", "c.md"))
    registry.add("s1", [a, b])
    assert registry.owns("s1", a) and not registry.owns("s2", a)
    assert registry.owns("s1", str(tmp_path / "x" / ".." / "a.md"))  # the same file, spelt otherwise
    registry.add("s1", [c])  # the oldest drops out past max_files
    assert not registry.owns("s1", a) and registry.owns("s1", c)


def test_file_references_are_found_at_any_depth_and_in_any_shape():
    payload = {"data": [None, "text", [{"role": "user", "content": [{"file": {"path": "/etc/passwd"}}]}],
                        {"path": 42}]}
    assert list(file_refs(payload)) == ["/etc/passwd", "42"]
    deep: dict = {"path": "/x"}
    for _ in range(100):
        deep = {"a": deep}
    assert "<too deep>" in list(file_refs(deep))


def test_the_session_is_the_login_cookie():
    scope = {"headers": [(b"cookie", b"other=1; access-token-abc=T1; access-token-unsecure-abc=T1")]}
    assert session_of(scope) == "access-token-abc=T1|access-token-unsecure-abc=T1"
    assert session_of({"headers": []}) == ""


@pytest.mark.server
def test_a_user_name_cannot_be_squatted_by_another_key(tmp_path, shared_data_dir):
    """Finding 7: a UI user name was tied to the first key that logged in with it."""
    with _face("serve", tmp_path, shared_data_dir) as (url, _cache):
        squatter = login(url, "lead", "attacker-key-0123456789")
        owner = login(url, "lead", "victim-key-0123456789ab")
        load = next(i for i, dep, _ in dependencies(owner)
                    if any(t[1] == "load" for t in dep["targets"]))
        _, mine = call(owner, load, [])
        _, theirs = call(squatter, load, [])
        assert "team-b" in mine and "team-a" not in mine
        assert "team-a" in theirs and "team-b" not in theirs


@pytest.mark.server
def test_the_routes_the_red_team_found_are_closed(tmp_path, shared_data_dir):
    """/gradio_api/stream/{event} swapped a queued event's data with no login; /call/v2 took
    file references beside 'data'."""
    import httpx

    with _face("serve", tmp_path, shared_data_dir) as (url, _cache):
        victim = login(url, "victor", "victim-key-0123456789ab")
        theirs = upload(victim, "plan.md", b"# Plan\nVICTIM-SECRET\n")
        attacker = login(url, "mallory", "attacker-key-0123456789")
        swap = {"data": [file_data(theirs)], "fn_index": 10, "session_hash": "s"}
        assert httpx.post(f"{url}/gradio_api/stream/some-event", json=swap).status_code == 401
        assert attacker.post("/gradio_api/stream/some-event", json=swap).status_code == 403
        v2 = attacker.post("/gradio_api/call/v2/diagnose",
                           json={"text": "teams slip", "workspace": file_data(theirs)})
        assert v2.status_code == 403
        for route in ("/gradio_api/reset", "/gradio_api/cancel"):
            assert httpx.post(f"{url}{route}", content=b"{" + b"[]," * 1000 + b"[]}").status_code == 401
