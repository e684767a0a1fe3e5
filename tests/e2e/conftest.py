"""End-to-end fixtures: a live server, headless Chromium and an axe accessibility check.

Every test in this folder is marked `e2e`. The browser is the system Chromium
(/usr/bin/chromium); Playwright never downloads one. Without it the tests are
skipped locally, but fail when CI is set: in CI a missing browser is a broken
setup, not a reason to skip.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

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
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


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


@cache
def _axe_source() -> str:
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def _describe(violation: dict[str, Any]) -> str:
    targets = [
        " ".join(str(part) if isinstance(part, str) else json.dumps(part) for part in node.get("target", []))
        for node in violation.get("nodes", [])
    ]
    lines = [f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation.get('helpUrl', '')})"]
    lines += [f"    at {target}" for target in targets]
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Run axe (WCAG 2.0/2.1 A and AA rules) on the page; fail on any serious or critical violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=_axe_source())
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    assert results["passes"], f"axe checked nothing on {page.url}: was it injected?"
    blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        report = "\n".join(_describe(v) for v in blocking)
        pytest.fail(f"{len(blocking)} serious or critical accessibility violation(s) on {page.url}:\n{report}")
