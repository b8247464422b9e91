"""Helpers for the UI tests: Debian chromium, the real `python app.py` process, a browser."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "docs" / "screenshots"
_SCRATCH = Path(tempfile.gettempdir()) / "org-assistant-screenshots"
BROWSER_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def ensure_chromium() -> str:
    """Debian's chromium, installed with apt-get when missing (CI is a fresh machine)."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    apt = shutil.which("apt-get")
    if apt is None:
        pytest.fail(f"{CHROMIUM} is missing and apt-get is not available to install chromium")
    for args in ([apt, "update"], [apt, "install", "-y", "chromium"]):
        done = subprocess.run(args, capture_output=True, text=True, timeout=900,
                              env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        if done.returncode != 0:
            pytest.fail(f"could not install chromium ({' '.join(args[1:])} exited "
                        f"{done.returncode}): {done.stderr.strip()[-800:]}")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"apt-get installed chromium but {CHROMIUM} is still missing")
    return CHROMIUM


def _get(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class AppProcess:
    """`python app.py` in a subprocess on 127.0.0.1:port with its own data dir."""

    def __init__(self, port: int, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        self.data_dir = data_dir
        self.log = Path(tempfile.mkstemp(prefix="app-", suffix=".log")[1])
        self.env = {
            **os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "GRADIO_SERVER_NAME": "127.0.0.1",
            "GRADIO_SERVER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False",
            "PYTHONUNBUFFERED": "1", **(env or {}),
        }
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> AppProcess:
        """Start the app and wait until it answers (fail with its log if it dies)."""
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=self.env,
                                         stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"app.py exited {self.proc.returncode}:\n{self.output()}")
            with contextlib.suppress(OSError):
                if _get(self.url) in (200, 401):
                    return self
            time.sleep(0.3)
        self.stop()
        pytest.fail(f"app.py did not answer within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        """What the app printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]

    def stop(self) -> None:
        """Stop the process this helper started (by its pid)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@contextlib.contextmanager
def running_app(port: int, data_dir: Path, env: dict[str, str] | None = None
                ) -> Iterator[AppProcess]:
    """A started app, stopped afterwards."""
    app = AppProcess(port, data_dir, env).start()
    try:
        yield app
    finally:
        app.stop()


@contextlib.contextmanager
def browser_page(playwright, executable: str, width: int = 1360, height: int = 1000):
    """A fresh headless chromium (new empty profile) and one page; external requests noted."""
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=executable, args=BROWSER_ARGS, headless=True,
        viewport={"width": width, "height": height}, accept_downloads=True,
    )
    page = context.pages[0] if context.pages else context.new_page()
    page.external_requests = []  # type: ignore[attr-defined]

    def note(request) -> None:
        host = request.url.split("/")[2] if "://" in request.url else ""
        if request.url.startswith(("http://", "https://", "ws://", "wss://")) and \
                not host.startswith(("127.0.0.1", "localhost")):
            page.external_requests.append(request.url)  # type: ignore[attr-defined]

    page.on("request", note)
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(page, name: str, full_page: bool = False) -> Path:
    """Take a screenshot: into docs/screenshots/ when ASSISTANT_REFRESH_SCREENSHOTS=1 (the
    README's pictures), else into a temporary folder, so a test run leaves the tree clean."""
    folder = SCREENSHOTS if os.environ.get("ASSISTANT_REFRESH_SCREENSHOTS") == "1" else _SCRATCH
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.wait_for_timeout(400)  # let transitions settle
    page.screenshot(path=str(path), full_page=full_page)
    return path


def open_tab(page, name: str) -> None:
    """Click a top-level tab by its label."""
    page.get_by_role("tab", name=name).click()
