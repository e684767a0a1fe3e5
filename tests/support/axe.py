"""The axe accessibility check for the browser tests: WCAG 2.0/2.1 A and AA, failing on any finding of any impact."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import pytest
from playwright.sync_api import Page

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


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
    """Run axe (WCAG 2.0/2.1 A and AA rules) on the page; fail on any violation (minor and moderate included)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=_axe_source())
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    assert results["passes"], f"axe checked nothing on {page.url}: was it injected?"
    blocking = results["violations"]
    if blocking:
        report = "\n".join(_describe(v) for v in blocking)
        pytest.fail(f"{len(blocking)} accessibility violation(s) on {page.url}:\n{report}")
