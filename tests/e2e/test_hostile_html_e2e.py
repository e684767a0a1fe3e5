"""Hostile HTML through every rich-text surface, in Chromium: no dialog fires and no request leaves.

The corpus (tests/support/hostile_html.py) goes in through the real ways content arrives:
an admin uploading a question bank, and bank, assessment and course sources loaded like
`flask certify seed` does. Item stems, options, matching prompts and ordering steps, lesson
bodies and the `markdown` / `inline_markdown` filters are then shown to admins and candidates
and checked with tests/e2e/inert.py. The first tests prove the harness catches what fires on
a page that is not sanitised, and stays quiet on a clean one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from flask import Flask, render_template_string
from playwright.sync_api import Browser, Page, expect

from certify.security import access
from certify.security.sanitize import RENDERED_ATTRIBUTES, RENDERED_TAGS
from tests.e2e.test_accounts_e2e import sign_in
from tests.support.helpers import PASSWORD
from tests.support.hostile_html import CORPUS, chunks, corpus_document
from tests.support.inert import assert_inert, inspect, visit, watch

BANK_ID = "hostile"
PER_ITEM = 7  # vectors per item: each is an option (or a prompt) and part of the stem
ITEM_TYPES = ("single_choice", "multiple_response", "ordering", "matching")

UNSANITISED = """<!doctype html>
<html lang="en"><head><title>Unsanitised</title></head><body>
<h1>Unsanitised</h1>
<script>alert('inline script')</script>
<img src="http://attacker.invalid/unsanitised.png" alt="">
<img src="/hostile-probe/unsanitised.png" alt="">
<div onmouseover="confirm('hover')">hover</div>
<p tabindex="0" onfocus="prompt('focus')">focus</p>
<p onanimationstart="print()">animated</p>
<iframe srcdoc="<p>framed</p>" title="framed"></iframe>
</body></html>
"""

UNSANITISED_MOVING = """<!doctype html>
<html lang="en"><head><title>Moving</title>
<meta http-equiv="refresh" content="0; url=/hostile-probe/refreshed"></head>
<body><h1>Moving</h1><script>window.open('/hostile-probe/popup')</script></body></html>
"""


def _hostile_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for number, group in enumerate(chunks(PER_ITEM), start=1):
        kind = ITEM_TYPES[(number - 1) % len(ITEM_TYPES)]
        stem = "\n\n".join(f"Vector **{vector_id}**:\n\n{payload}" for vector_id, payload in group)
        item: dict[str, Any] = {
            "id": f"HX-{number:02d}",
            "type": kind,
            "bloom": "remember",
            "stem": stem,
            "rationale": "\n".join(payload for _, payload in group),
        }
        options = [{"id": f"o{i}", "text": payload, "rationale": payload} for i, (_, payload) in enumerate(group, 1)]
        if kind == "single_choice":
            item |= {"options": options, "key": "o1"}
        elif kind == "multiple_response":
            item |= {"options": options, "key": ["o1"]}
        elif kind == "ordering":
            item |= {"options": options}
        else:
            item["pairs"] = [
                {"id": f"p{i}", "left": payload, "right": f"{vector_id}: {payload}", "rationale": payload}
                for i, (vector_id, payload) in enumerate(group, 1)
            ]
        items.append(item)
    return items


def hostile_bank() -> str:
    document = {"bank": {"id": BANK_ID, "title": "Hostile bank", "competency": "RA"}, "items": _hostile_items()}
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=10_000)


def hostile_quiz() -> str:
    count = len(_hostile_items())
    return f"""\
assessment:
  slug: hostile-quiz
  title: Hostile quiz
  kind: practice
  time_limit_minutes: 60
  review_policy: full
  banks: [{BANK_ID}]
  blueprint:
    RA: {{remember: {count}}}
  cut_score: {{percent: 60, method: informed_judgement, rationale: test}}
  mastery: {{default: 50}}
"""


def hostile_module() -> str:
    items = _hostile_items()[:2]
    module = {
        "module": {
            "number": 1,
            "slug": "hostile-module",
            "title": "Hostile module",
            "summary": "Every vector in a lesson.",
            "competencies": ["RA"],
            "lessons": [{"slug": "corpus", "title": "The corpus", "minutes": 5, "body": corpus_document()}],
        },
        "knowledge_check": {"pass_mark": 0.5, "items": items},
    }
    return yaml.safe_dump(module, sort_keys=False, allow_unicode=True, width=10_000)


@pytest.fixture
def serve(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Callable[[], Any]], None]:
    """Add a public test-only page to the live server (before it serves its first request)."""

    def add(path: str, view: Callable[[], Any]) -> None:
        endpoint = "test-" + path.strip("/").replace("/", "-")
        app.add_url_rule(path, endpoint=endpoint, view_func=view)
        monkeypatch.setitem(access.rules(app), endpoint, access.PUBLIC)

    return add


def _foreign_markup(page: Page, selector: str) -> list[str]:
    """Elements and attributes under `selector`, as Chromium parsed them, outside the sanitiser's allow-list."""
    allowed = {tag: sorted(RENDERED_ATTRIBUTES.get(tag, [])) for tag in RENDERED_TAGS}
    return page.evaluate(
        """([selector, allowed]) => {
          const found = [];
          for (const root of document.querySelectorAll(selector)) {
            for (const el of root.querySelectorAll("*")) {
              const name = el.localName;
              if (!(name in allowed)) { found.push("<" + name + ">"); continue; }
              for (const attr of el.attributes) {
                if (!allowed[name].includes(attr.name)) found.push(name + "[" + attr.name + "]");
              }
            }
          }
          return found;
        }""",
        [selector, allowed],
    )


# The harness works ------------------------------------------------------------------------------


def test_the_harness_catches_what_fires_on_an_unsanitised_page(serve, live_server: str, page: Page) -> None:
    serve("/test/unsanitised", lambda: UNSANITISED)
    recorder = watch(page, live_server)
    visit(page, recorder, "/test/unsanitised")

    dialogs = " ".join(f.detail for f in recorder.of_kind("dialog"))
    assert "alert('inline script')" in dialogs  # ran on load
    assert "confirm('hover')" in dialogs  # only fires when provoked: mouseover
    assert "prompt('focus')" in dialogs  # only fires when provoked: focus
    assert [f.detail for f in recorder.of_kind("script call")] == ["print() was called"]  # animationstart
    requests = " ".join(f.detail for f in recorder.of_kind("request"))
    assert "http://attacker.invalid/unsanitised.png" in requests
    assert "/hostile-probe/unsanitised.png" in requests
    assert recorder.blocked == ["http://attacker.invalid/unsanitised.png"]  # aborted, never sent
    assert recorder.of_kind("frame")
    markup = " ".join(f.detail for f in recorder.of_kind("markup"))
    for expected in ("script", "event handler onmouseover", "event handler onfocus", "<iframe>", "srcdoc"):
        assert expected in markup
    with pytest.raises(AssertionError, match=r"fired or leaked(.|\n)*attacker\.invalid"):
        assert_inert(recorder)


def test_the_harness_catches_navigation_and_popups(serve, live_server: str, page: Page) -> None:
    serve("/test/moving", lambda: UNSANITISED_MOVING)
    recorder = watch(page, live_server)
    visit(page, recorder, "/test/moving", status=None)
    kinds = {f.kind for f in recorder.findings}
    assert {"navigation", "popup", "request"} <= kinds, recorder.findings
    assert any("/hostile-probe/refreshed" in f.detail for f in recorder.of_kind("navigation"))
    assert any("/hostile-probe/popup" in f.detail for f in recorder.of_kind("request"))
    with pytest.raises(AssertionError):
        assert_inert(recorder)


def test_with_csp_enforced_scripts_are_blocked_and_reported(serve, live_server: str, browser: Browser) -> None:
    """The site's CSP is the second line of defence; the harness reports what it blocks."""
    serve("/test/unsanitised", lambda: UNSANITISED)
    context = browser.new_context(base_url=live_server)  # unlike the `page` fixture, CSP applies
    try:
        page = context.new_page()
        recorder = watch(page, live_server)
        visit(page, recorder, "/test/unsanitised")
        assert recorder.of_kind("dialog") == []
        assert recorder.of_kind("script call") == []
        blocked = " ".join(f.detail for f in recorder.of_kind("csp"))
        assert "script-src-elem blocked inline" in blocked  # the <script>
        assert "script-src-attr blocked inline" in blocked  # the handlers, when provoked
        assert "img-src blocked http://attacker.invalid/unsanitised.png" in blocked
    finally:
        context.close()


def test_the_harness_catches_a_page_set_directly(live_server: str, page: Page) -> None:
    recorder = watch(page, live_server)
    page.set_content('<img src="http://attacker.invalid/x"><script>alert(1)</script>')
    inspect(page, recorder)
    assert [f.detail for f in recorder.of_kind("dialog")] == ["alert('1')"]
    assert "http://attacker.invalid/x" in recorder.blocked
    with pytest.raises(AssertionError):
        assert_inert(recorder)


def test_the_harness_is_quiet_on_clean_pages(live_server: str, page: Page, make_user) -> None:
    admin = make_user(roles=("admin",), name="Dana Okafor")
    recorder = watch(page, live_server)
    visit(page, recorder, "/auth/login")
    sign_in(page, admin.email, PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Welcome, Dana Okafor")).to_be_visible()
    inspect(page, recorder)
    visit(page, recorder, "/admin/banks")
    assert_inert(recorder)


# The corpus is inert everywhere ------------------------------------------------------------------


def test_the_markdown_filters_render_the_corpus_inert(serve, live_server: str, page: Page) -> None:
    page_source = """{% extends "base.html" %}{% block title %}Corpus{% endblock %}{% block content %}
      <h1>Corpus</h1>
      <div class="hostile">{{ document | markdown }}</div>
      {% for vector_id, payload in corpus %}
        <div class="hostile">{{ payload | markdown }}</div>
        <p class="hostile">{{ payload | inline_markdown }}</p>
      {% endfor %}{% endblock %}"""
    serve("/test/corpus", lambda: render_template_string(page_source, document=corpus_document(), corpus=CORPUS))
    recorder = watch(page, live_server)
    visit(page, recorder, "/test/corpus")
    assert_inert(recorder)
    assert _foreign_markup(page, ".hostile") == []  # Chromium's parse of the output: still allow-listed
    expect(page.locator(".hostile").first).to_contain_text("Vector script-plain:")  # the document got through
    expect(page.locator(".hostile")).to_have_count(1 + 2 * len(CORPUS))


def test_an_uploaded_hostile_bank_is_inert_on_admin_pages(
    live_server: str, page: Page, make_user, load_catalog, tmp_path
) -> None:
    load_catalog()  # the competencies only: the bank arrives by upload
    admin = make_user(roles=("admin",), name="Dana Okafor")
    recorder = watch(page, live_server)
    sign_in(page, admin.email, PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Welcome, Dana Okafor")).to_be_visible()
    upload = tmp_path / "hostile.yaml"
    upload.write_text(hostile_bank(), encoding="utf-8")
    page.goto("/admin/banks")
    page.get_by_label("Bank file").set_input_files(str(upload))
    page.get_by_role("button", name="Preview the import").click()
    page.get_by_role("button", name=re.compile(r"^Import \d+ items")).click()
    items = _hostile_items()
    expect(page.get_by_text(re.compile(rf"{len(items)} added"))).to_be_visible()
    inspect(page, recorder)  # the import result page
    visit(page, recorder, f"/admin/items?bank={BANK_ID}")
    for item in items:
        visit(page, recorder, f"/admin/items/{item['id']}")
        assert _foreign_markup(page, ".item-stem") == []
    expect(page.locator(".item-stem")).to_contain_text("Vector md-percent-encoded-scheme:")  # the content is shown
    assert_inert(recorder)


def test_a_candidate_sees_hostile_items_inert_in_the_exam_runner_and_feedback(
    live_server: str, page: Page, make_user, load_catalog
) -> None:
    load_catalog(("hostile.yaml", hostile_bank()), ("hostile-quiz.yaml", hostile_quiz()))
    candidate = make_user(name="Ana Lima")
    count = len(_hostile_items())
    recorder = watch(page, live_server)
    sign_in(page, candidate.email, PASSWORD)
    page.goto("/exams/")
    inspect(page, recorder)
    page.get_by_role("link", name="Start the exam").click()
    inspect(page, recorder)  # the instructions, with the hostile exam's title and blueprint
    page.get_by_role("button", name="Start the exam now").click()
    expect(page.get_by_text(f"Hostile quiz: question 1 of {count}")).to_be_visible()
    attempt = re.search(r"/exams/attempts/\d+", page.url)
    assert attempt is not None
    for position in range(1, count + 1):
        visit(page, recorder, f"{attempt.group(0)}/q/{position}")
        assert _foreign_markup(page, ".item-stem, .choice-list label, .match-list label") == []
    visit(page, recorder, f"{attempt.group(0)}/overview")
    page.get_by_role("link", name="Review and submit").click()
    inspect(page, recorder)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Your answers, with the reasons")).to_be_visible()
    inspect(page, recorder)  # the feedback: every stem and option again, with rationales
    assert _foreign_markup(page, ".item-stem, .option-text") == []
    expect(page.locator(".item-stem").first).to_contain_text("Vector")
    assert_inert(recorder)


def test_a_hostile_lesson_and_knowledge_check_are_inert(live_server: str, page: Page, make_user, load_catalog) -> None:
    load_catalog(("hostile-module.yaml", hostile_module()))
    candidate = make_user(name="Ana Lima")
    recorder = watch(page, live_server)
    sign_in(page, candidate.email, PASSWORD)
    visit(page, recorder, "/course/hostile-module/")
    visit(page, recorder, "/course/hostile-module/corpus")
    expect(page.locator(".prose")).to_contain_text("Vector script-plain:")
    assert _foreign_markup(page, ".prose") == []
    visit(page, recorder, "/course/hostile-module/knowledge-check")
    assert _foreign_markup(page, ".item-stem, .choice-list label, .match-list label") == []
    assert_inert(recorder)
