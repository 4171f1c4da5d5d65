"""Browser tests of the studio: a real uvicorn process on a free port with a fresh SQLite
database holding the demo tenant, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).parents[3]
SCREENSHOTS = ROOT / "var" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium (scripts/ensure-chromium.sh installs it from `make test`)."""
    if not CHROMIUM.exists():
        subprocess.run([str(ROOT / "scripts" / "ensure-chromium.sh")], check=False)
    assert CHROMIUM.exists(), "run scripts/ensure-chromium.sh (apt-get install chromium)"
    return CHROMIUM


@pytest.fixture(scope="session")
def studio_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A studio server with the demo tenant on a fresh database; stopped afterwards."""
    db = tmp_path_factory.mktemp("studio") / "studio.db"
    env = {**os.environ, "JXCFLOW_DATABASE_URL": f"sqlite:///{db}",
           "JXCFLOW_SECRET_KEY": "e2e-secret-key", "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-c", "from studio.cli import main; main()"]
    subprocess.run([*cli, "demo"], env=env, check=True, capture_output=True, cwd=ROOT)
    port = _free_port()
    log = open(db.with_suffix(".log"), "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen([*cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, db.with_suffix(".log").read_text()
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)  # waiting for a process to listen, not hiding a race
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    """Headless Chromium."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium_path), headless=True,
                              args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking"])
        yield b
        b.close()


class ConsoleErrors(list[str]):
    """Console errors and uncaught exceptions of every page of a context."""

    def watch(self, page: Any) -> Any:
        page.on("console", lambda m: self.append(f"console: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.append(f"pageerror: {e}"))
        return page


def login(browser: Any, url: str, username: str, errors: ConsoleErrors) -> Any:
    """A new browser context signed in as ``username`` of the demo tenant."""
    context = browser.new_context(base_url=url, viewport={"width": 1500, "height": 950})
    context.set_default_timeout(15_000)
    page = errors.watch(context.new_page())
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    return page


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot under var/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
