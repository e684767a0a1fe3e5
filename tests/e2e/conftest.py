"""End-to-end fixtures: a live server and headless Chromium (the axe check is tests/support/axe.py).

Every test in this folder is marked `e2e`. The browser is the system Chromium
(/usr/bin/chromium); Playwright never downloads one. Without it the tests are
skipped locally, but fail when CI is set: in CI a missing browser is a broken
setup, not a reason to skip.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of this folder (and only those) `e2e`, and `committing`: the server thread connects on its own."""
    for item in items:
        if item.path.resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.committing)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve `app` on a free local port for the length of one test; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url  # absolute links follow the address served, as under `make run PORT=…`
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM}; the end-to-end tests need it."
        if os.environ.get("CI"):
            pytest.fail(f"{message} In CI this is a failure, not a skip: install the chromium package.")
        pytest.skip(message)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A fresh browser context per test (no shared cookies), with relative URLs on the live server.

    `bypass_csp` lets `assert_accessible` inject axe despite the site's `script-src 'self'`.
    """
    context = browser.new_context(bypass_csp=True, base_url=live_server)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
