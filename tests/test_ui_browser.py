"""The web UI in a real browser: `python app.py` driven by Playwright with Debian chromium.

Each test works the UI as a person would and then checks the effect where it lands (the
database, the index). The tests also write docs/screenshots/<tab>.png.
"""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select

from tests.conftest import _reset, free_port
from tests.test_plan_evidence import PLAN
from tests.test_threads import FOUNDERS, WAREHOUSE
from tests.ui_helpers import browser_page, ensure_chromium, open_tab, running_app, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.server]

AMBIGUOUS = "Things are not going well on the team and deadlines slip."
ANSWER = "Yes: it is always Dana and Lee. When Lee is on leave the work flows fine."
PLAN_V1 = """# Q3 plan: checkout revamp

## Goals
- Improve checkout conversion
- Launch the new payment page
- Reduce support tickets

## Initiatives
- New payment page, team Payments, by end of August
- Support macro cleanup, whoever has time
"""
PLAN_V2 = PLAN_V1.replace(
    "- New payment page, team Payments, by end of August",
    "- New payment page: owner Ana Silva; beta to 10% of traffic by 15 Jul, GA by 29 Aug",
).replace(
    "- Improve checkout conversion",
    "- Checkout conversion from 61% to 68% by 30 Sep (baseline June 2026)",
) + "\n## Not doing this quarter\n- Loyalty points\n- Apple Pay for the mobile app\n"
TEAM_PLAN = """# Project Bluefin: partner onboarding plan

Owner: Rosa Marquez. Partner onboarding time drops from 21 days to 7 days by 30 November.
The Bluefin squad ships the self-serve partner portal in October; weekly review on Mondays.
"""


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian chromium (installed with apt-get on a fresh machine; a clear failure if not)."""
    return ensure_chromium()


@pytest.fixture(scope="module")
def playwright_session():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def app(shared_data_dir, tmp_path_factory):
    """The app on a copy of an already indexed data dir (no keys: open, loopback only)."""
    data = tmp_path_factory.mktemp("ui-app") / "data"
    shutil.copytree(shared_data_dir, data)
    with running_app(free_port(), data) as running:
        yield running


@pytest.fixture
def page(app, playwright_session, chromium):
    with browser_page(playwright_session, chromium) as page:
        page.goto(app.url)
        page.wait_for_selector("#oa-box textarea")
        yield page
        assert page.external_requests == [], "the page fetched from the internet"


@pytest.fixture
def app_db(app, monkeypatch):
    """This process's assistant.db pointed at the app's data dir."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(app.data_dir))
    _reset()
    from assistant import db

    yield db
    _reset()


def _card_id(page) -> str | None:
    card = page.locator("#oa-panel .oa-card[data-diagnosis-id]")
    return card.get_attribute("data-diagnosis-id") if card.count() else None


def _wait_new_card(page, previous: str | None) -> str:
    page.wait_for_function(
        "old => { const c = document.querySelector('#oa-panel .oa-card[data-diagnosis-id]');"
        " return c && c.dataset.diagnosisId !== old; }", arg=previous or "")
    return _card_id(page)


def _send(page, text: str) -> str:
    """Type into the chat box, press Enter, wait for the new answer; its diagnosis id."""
    previous = _card_id(page)
    page.fill("#oa-box textarea", text)
    page.press("#oa-box textarea", "Enter")
    return _wait_new_card(page, previous)


def _sources(db) -> list[str]:
    return [d["source"] for d in db.stored_documents() if d["workspace"] == "default"]


def _toast(page) -> str:
    page.wait_for_selector(".toast-body")
    return page.inner_text(".toast-body")


def test_diagnose_over_two_turns_then_rate_it(page, app_db):
    first = _send(page, AMBIGUOUS)
    category = page.get_attribute("#oa-panel .oa-category", "data-category")
    assert category in ("strategy", "execution", "culture", "interpersonal")
    assert page.locator("#oa-panel .oa-bar-row").count() == 4
    assert page.locator("#oa-panel .oa-step").count() >= 1
    page.locator("#oa-panel details.oa-cite summary").first.click()
    assert page.locator("#oa-panel details.oa-cite[open] blockquote").first.is_visible()
    options = page.locator("#oa-chat .options button.option")
    assert options.count() >= 1, "follow-up questions should be clickable in the chat"
    question = options.first.inner_text()
    options.first.click()
    page.wait_for_function("q => document.querySelector('#oa-box textarea').value.includes(q)",
                           arg=question)
    page.press("#oa-box textarea", "End")
    page.type("#oa-box textarea", ANSWER)
    page.press("#oa-box textarea", "Enter")
    second = _wait_new_card(page, first)
    assert page.locator("#oa-chat [data-testid=user]").count() == 2
    assert page.locator("#oa-chat [data-testid=bot]").count() == 2
    # the whole exchange reached the pipeline: the stored text has both turns
    row = app_db._run(select(app_db.diagnoses.c.text).where(app_db.diagnoses.c.id == second),
                      fetch="one")
    assert AMBIGUOUS in row["text"] and "Dana and Lee" in row["text"]
    assert question not in row["text"], "the quoted question is not the person's words"

    page.fill("#oa-comment textarea, #oa-comment input", "spot on about Dana and Lee")
    page.click("#oa-up")
    page.wait_for_function(
        "() => document.querySelector('#oa-feedback-status').innerText.includes('saved')")
    stored = [f for f in app_db.list_feedback() if f["target_id"] == second]
    assert [(f["rating"], f["comment"]) for f in stored] == [(1, "spot on about Dana and Lee")]
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "diagnose")
    # the chat's own thumbs rate the answer they sit under (here the first one)
    page.locator("#oa-chat button[aria-label='Dislike']").first.click()
    page.wait_for_function("() => document.querySelector('#oa-feedback-status').innerText"
                           ".includes('Thumbs down saved for answer 1')")
    stored = [f for f in app_db.list_feedback() if f["target_id"] == first]
    assert [(f["rating"], f["comment"]) for f in stored] == [(-1, None)]


def test_a_new_unrelated_problem_starts_a_new_thread(page, app_db):
    """A second, unrelated problem typed into the same chat was merged with the first; now it is
    diagnosed on its own, says so, and the next reply stays with the new problem."""
    _send(page, WAREHOUSE)
    second = _send(page, FOUNDERS)
    assert "new problem" in page.locator("#oa-chat [data-testid=bot]").last.inner_text()
    third = _send(page, "Yes, and the CEO and the CTO still have not sat down together about it.")
    texts = {i: app_db._run(select(app_db.diagnoses.c.text).where(app_db.diagnoses.c.id == i),
                            fetch="one")["text"] for i in (second, third)}
    assert "warehouse" not in texts[second] and "warehouse" not in texts[third]
    assert FOUNDERS in texts[third] and "sat down together" in texts[third]


def test_example_prompt_and_empty_text_message(page):
    page.press("#oa-box textarea", "Enter")
    assert "empty" in _toast(page)
    assert page.locator("#oa-chat [data-testid=user]").count() == 0
    page.locator("#oa-chat .example").first.click()
    page.wait_for_selector("#oa-panel .oa-card[data-diagnosis-id]")
    assert page.locator("#oa-chat [data-testid=user]").count() == 1


def test_escalation_banner(page):
    text = ("Our sprint slips because two devs can't work together. She told me that last week "
            "he cornered her after standup and made comments about her body.")
    _send(page, text)
    banner = page.locator("#oa-panel .oa-escalation")
    assert banner.is_visible()
    assert "HR" in banner.inner_text()


def test_critique_a_plan_then_its_revision(page, tmp_path):
    open_tab(page, "Critique a plan")
    page.fill("#oa-plan textarea", PLAN_V1)
    page.click("#oa-critique-run")
    page.wait_for_selector("#oa-critique .oa-rubric")
    rows = page.locator("#oa-critique .oa-rubric tbody tr")
    assert rows.count() == 14
    assert page.locator("#oa-critique tr.oa-row-fail").count() >= 1
    assert page.locator("#oa-critique .oa-line").count() >= 1, "evidence carries line numbers"
    first_id = page.get_attribute("#oa-critique [data-critique-id]", "data-critique-id")
    assert page.locator("#oa-critique .oa-fixes li").count() == 3

    page.fill("#oa-plan textarea", PLAN_V2)
    assert page.is_checked("#oa-compare input")
    page.click("#oa-critique-run")
    page.wait_for_function(
        "id => { const c = document.querySelector('#oa-critique [data-critique-id]');"
        " return c && c.dataset.critiqueId !== id; }", arg=first_id)
    versus = page.locator("#oa-critique .oa-versus")
    assert versus.is_visible()
    assert "Resolved 3" in versus.inner_text()
    with page.expect_download() as download:
        page.click("#oa-download")
    saved = tmp_path / "critique.md"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("# Plan critique") and "Against the earlier version" in text
    screenshot(page, "critique", full_page=True)


def test_unreadable_upload_is_a_readable_message(page, tmp_path):
    open_tab(page, "Critique a plan")
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"\x00\x01binary\x00" * 50)
    page.set_input_files("#oa-plan-file input[type=file]", str(bad))
    message = _toast(page)
    assert "binary" in message and "Traceback" not in message


def test_knowledge_upload_list_search_delete(page, tmp_path, app_db):
    open_tab(page, "Knowledge")
    plan = tmp_path / "bluefin-onboarding.md"
    plan.write_text(TEAM_PLAN, encoding="utf-8")
    page.set_input_files("#oa-kb-files input[type=file]", str(plan))
    page.wait_for_timeout(500)
    page.click("#oa-kb-add")
    page.wait_for_function(
        "() => document.querySelector('#oa-kb-report').innerText.includes('Indexed')")
    page.wait_for_function(
        "() => document.querySelector('#oa-kb-table').innerText.includes('bluefin-onboarding.md')")
    page.fill("#oa-kb-query textarea, #oa-kb-query input", "Bluefin partner onboarding portal")
    page.click("#oa-kb-search")
    page.wait_for_selector("#oa-kb-hits .oa-hit")
    assert "bluefin-onboarding.md" in page.locator("#oa-kb-hits .oa-hit").first.inner_text()
    screenshot(page, "knowledge")
    assert "bluefin-onboarding.md" in _sources(app_db)

    page.click("#oa-kb-doc input")
    page.get_by_role("option", name="bluefin-onboarding.md (1 chunks)").click()
    page.click("#oa-kb-delete")
    page.wait_for_function(
        "() => document.querySelector('#oa-kb-report').innerText.includes('Deleted')")
    assert "bluefin-onboarding.md" not in _sources(app_db)


def test_evals_run_shows_metrics_plots_and_comparison(page, tmp_path):
    from assistant.cases import load_scenarios

    dev = load_scenarios("dev")
    open_tab(page, "Evals")
    page.get_by_label("diagnosis", exact=True).check()
    for run, size in enumerate((6, 12), 1):
        cases = tmp_path / f"cases-{size}.jsonl"
        cases.write_text("\n".join(json.dumps(c.model_dump()) for c in dev[:size]),
                         encoding="utf-8")
        if run > 1:
            page.click("#oa-ev-cases button[aria-label='Clear']")
            page.wait_for_timeout(1100)  # run folders are named by the second
        page.set_input_files("#oa-ev-cases input[type=file]", str(cases))
        page.wait_for_timeout(500)
        page.click("#oa-ev-run")
        page.wait_for_function(
            "n => document.querySelector('#oa-ev-summary').innerText.includes(n + ' cases')",
            arg=str(size), timeout=120_000)
    summary = page.inner_text("#oa-ev-summary").lower()
    assert "accuracy" in summary and "95% ci" in summary
    assert page.locator("#oa-ev-confusion img").is_visible()
    assert page.locator("#oa-ev-reliability img").is_visible()
    compared = page.inner_text("#oa-ev-compare")
    assert "A = " in compared and "diagnosis.accuracy" in compared
    page.get_by_label("Past runs").click()
    assert page.get_by_role("option").count() >= 2
    page.keyboard.press("Escape")
    screenshot(page, "evals", full_page=True)


def test_evals_tab_shows_no_empty_comparison_and_one_progress_bar(page, tmp_path):
    """Before a run is shown there is no empty comparison box; while a run goes, its progress
    is drawn once, where the results will appear (it was drawn on four outputs at once)."""
    from assistant.cases import load_scenarios

    open_tab(page, "Evals")
    page.wait_for_selector("#oa-ev-run", state="visible")
    assert not page.locator("#oa-ev-compare").is_visible()
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps(c.model_dump()) for c in load_scenarios("dev")[:20]),
                     encoding="utf-8")
    page.set_input_files("#oa-ev-cases input[type=file]", str(cases))
    page.wait_for_timeout(500)
    page.click("#oa-ev-run")
    drawn = """() => {  // the tab's status trackers that show (other tabs' load events aside)
        const tab = document.querySelector('#oa-ev-run').closest('[role=tabpanel]');
        return [...tab.querySelectorAll('[data-testid=status-tracker]')].filter(e => {
            const r = e.getBoundingClientRect();
            return !e.classList.contains('hide') && r.width > 0 && r.height > 0;
        }).map(e => (e.closest('[id]') || {}).id);
    }"""
    page.wait_for_function(f"() => ({drawn})().length > 0")
    assert page.evaluate(drawn) == ["oa-ev-summary"]
    page.wait_for_function(
        "() => document.querySelector('#oa-ev-summary').innerText.includes('20 cases')", timeout=120_000)
    page.wait_for_selector("#oa-ev-compare", state="visible")  # shown with the run
    assert page.evaluate(drawn) == []
    assert page.inner_text("#oa-ev-compare").strip() not in ("", "Compared with the previous run")


def test_documented_endpoints_with_gradio_client(app):
    from gradio_client import Client

    client = Client(app.url, verbose=False)
    named = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert named == {"/diagnose", "/critique", "/search"}
    result = client.predict(text=AMBIGUOUS, api_name="/diagnose")
    assert result["category"] in ("strategy", "execution", "culture", "interpersonal")
    follow = client.predict(text=ANSWER, history=[{"role": "user", "content": AMBIGUOUS}],
                            api_name="/diagnose")
    assert follow["diagnosis_id"] != result["diagnosis_id"]
    critique = client.predict(text=PLAN_V1, api_name="/critique")
    assert len(critique["checks"]) == 14
    with pytest.raises(Exception, match="empty"):
        client.predict(text="   ", api_name="/diagnose")


def test_login_with_keys(playwright_session, chromium, tmp_path, shared_data_dir):
    from gradio_client import Client

    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"key-team-a-0123456": ["team-a"],
                                "key-team-b-0456789": ["team-b", "shared"]}), encoding="utf-8")
    data = tmp_path / "data"
    shutil.copytree(shared_data_dir, data)
    with running_app(free_port(), data, {"ASSISTANT_API_KEYS_FILE": str(keys)}) as app, \
            browser_page(playwright_session, chromium) as page:
        page.goto(app.url)
        page.wait_for_selector("input[type=password]")
        screenshot(page, "login")
        page.fill("input[type=text]", "sam")
        page.fill("input[type=password]", "not-a-key-000")
        page.get_by_role("button", name="Login").click()
        page.wait_for_selector(":text('Incorrect')")
        assert page.locator("#oa-box").count() == 0
        page.fill("input[type=text]", "sam")
        page.fill("input[type=password]", "key-team-b-0456789")
        page.get_by_role("button", name="Login").click()
        page.wait_for_selector("#oa-box textarea")
        page.wait_for_function(
            "() => document.querySelector('#oa-who').innerText.includes('team-b')")
        page.click("#oa-workspace input")
        offered = sorted(o.replace("✓", "").strip()
                         for o in page.get_by_role("option").all_inner_texts())
        assert offered == ["shared", "team-b"]
        assert page.external_requests == []

        with pytest.raises(Exception):  # noqa: B017 - the client fails at login or at connect
            Client(app.url, verbose=False)
        client = Client(app.url, auth=("robot", "key-team-a-0123456"), verbose=False)
        assert client.predict(text=AMBIGUOUS, workspace="team-a", api_name="/diagnose")["category"]
        with pytest.raises(Exception, match="may not use workspace"):
            client.predict(text=AMBIGUOUS, workspace="team-b", api_name="/diagnose")




def test_a_saved_plan_is_quoted_in_the_diagnosis(playwright_session, chromium, shared_data_dir, tmp_path):
    """Save a plan from the Critique tab, then ask about the team: the answer quotes the plan's
    lines under "From your plans", and the Critique tab can open the stored plan again."""
    data = tmp_path / "data"
    shutil.copytree(shared_data_dir, data)
    lines = [line.strip() for line in PLAN.split("\n")]
    with running_app(free_port(), data) as app, browser_page(playwright_session, chromium) as page:
        page.goto(app.url)
        page.wait_for_selector("#oa-box textarea")
        open_tab(page, "Critique a plan")
        page.fill("#oa-plan textarea", PLAN)
        page.get_by_label("Save this plan into the workspace").check()
        page.click("#oa-critique-run")
        page.wait_for_function("() => document.querySelector('#oa-critique-status').innerText.includes('saved')")

        open_tab(page, "Diagnose")
        page.fill("#oa-box textarea", "Why do we keep missing our quarterly goals? Every team is busy "
                                      "and nothing lands.")
        page.press("#oa-box textarea", "Enter")
        page.wait_for_selector("#oa-panel #oa-plans")
        quotes = page.locator("#oa-panel #oa-plans .oa-plan-quote").all_inner_texts()
        assert quotes and all(q.strip() in lines for q in quotes)
        assert "From your plans" in page.inner_text("#oa-chat")
        page.locator("#oa-plans").scroll_into_view_if_needed()
        screenshot(page, "plans")

        open_tab(page, "Critique a plan")
        page.click("#oa-stored-plans input")
        page.get_by_role("option").first.click()
        page.wait_for_function("() => document.querySelector('#oa-plan textarea').value.includes('Rebuild billing')")
        assert page.external_requests == []


def test_phone_width_keeps_every_control_on_screen(app, playwright_session, chromium):
    """At 400 px no control sticks out of the screen (the Diagnose and rating buttons were cut off),
    the rating sits under the answer it rates, and the chat has no label floating over it."""
    with browser_page(playwright_session, chromium, width=400, height=900) as page:
        page.goto(app.url)
        page.wait_for_selector("#oa-box textarea")
        page.fill("#oa-box textarea", "Two of my leads have not spoken since the reorg and every "
                                      "release between their teams stalls.")
        page.press("#oa-box textarea", "Enter")
        page.wait_for_selector("#oa-panel .oa-card[data-diagnosis-id]")
        page.wait_for_selector("#oa-up", state="visible")
        cut_off = page.evaluate(
            "() => [...document.querySelectorAll('button, input, textarea, a')].filter(e => {"
            " const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0"
            " && (r.left < -1 || r.right > window.innerWidth + 1); }).map(e => e.id || e.innerText)")
        assert cut_off == []
        for button in ("#oa-send", "#oa-up", "#oa-down"):
            box = page.locator(button).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 400, button
        assert page.locator("#oa-panel").bounding_box()["y"] < page.locator("#oa-feedback").bounding_box()["y"]
        assert page.locator("#oa-chat [data-testid=block-label]").count() == 0
        assert page.external_requests == []
