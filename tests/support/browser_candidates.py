"""Simulated candidates in a browser, for `make bench`: the session cookie signing in leaves (see
tests/support/load.py browser_cookies), the instructions page, the Start form, then for each question its
page (GET /exams/attempts/<id>/q/<n>, the HTML the candidate reads), one or two autosaves as runner.js sends
them (PUT with the page's CSRF token), and "Save and next" (the form post, which saves the answer again and
redirects); at the end the review page, the Submit form and the result page.
"""

from __future__ import annotations

import asyncio
import html
import random
import re
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.support.load_stats import SESSION_COOKIE, Stats, answer_for

META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
INPUT = re.compile(r"<input\b[^>]*>")
SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S)
OPTION_VALUE = re.compile(r'<option value="([^"]+)"')
RUNNER = re.compile(r'<div class="runner" id="runner"([^>]*)>')
OF_TOTAL = re.compile(r"question (\d+) of (\d+)")
QUESTION_URL = re.compile(r"/exams/attempts/(\d+)/q/\d+$")


@dataclass
class QuestionPage:
    """What runner.js and the form read from a question page: enough to answer it as the browser would."""

    csrf: str
    save_url: str
    seq: int
    total: int
    item: dict[str, Any]  # shaped like an item of the API's attempt state, for answer_for


def _attributes(tag: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in ATTRIBUTE.findall(tag)}


def parse_question_page(page: str) -> QuestionPage:
    """The CSRF token, save URL, next seq, number of questions and answer controls of a question page."""
    csrf, runner, of_total = META_CSRF.search(page), RUNNER.search(page), OF_TOTAL.search(page)
    if not (csrf and runner and of_total):
        raise ValueError("not a question page")
    data = _attributes(runner.group(1))
    kind = data["data-type"]
    inputs = [_attributes(tag) for tag in INPUT.findall(page)]
    seq = next(int(i["value"]) for i in inputs if i.get("name") == "seq")
    choices = [i["value"] for i in inputs if i.get("name") == "answer" and i.get("type") in ("radio", "checkbox")]
    selects = [
        (_attributes(attrs)["name"][len("answer-") :], OPTION_VALUE.findall(body))
        for attrs, body in SELECT.findall(page)
        if 'name="answer-' in attrs
    ]
    item: dict[str, Any] = {"type": kind, "options": [{"id": c} for c in choices]}
    if kind == "matching":
        item["prompts"] = [{"id": prompt} for prompt, _ in selects]
        item["responses"] = [{"id": r} for r in (selects[0][1] if selects else [])]
    elif kind == "ordering":
        item["options"] = [{"id": step} for step, _ in selects]
    return QuestionPage(html.unescape(csrf.group(1)), data["data-save-url"], seq, int(of_total.group(2)), item)


def form_fields(kind: str, answer: Any) -> list[tuple[str, str]]:
    """An answer as the question page's form posts it (what answer_from_form reads)."""
    if kind == "multiple_response":
        return [("answer", a) for a in answer]
    if kind == "matching":
        return [(f"answer-{prompt}", response) for prompt, response in answer.items()]
    if kind == "ordering":
        return [(f"answer-{step}", str(n)) for n, step in enumerate(answer, start=1)]
    return [("answer", str(answer))]


class Browser:
    """One browser's session: its cookie (replaced whenever the server sends a new one) and user agent."""

    def __init__(self, session: aiohttp.ClientSession, stats: Stats, cookie: str, user_agent: str, retries: int):
        self.session, self.stats, self.cookie, self.user_agent, self.retries = (
            session,
            stats,
            cookie,
            user_agent,
            retries,
        )

    async def request(
        self, name: str, method: str, url: str, *, csrf: str | None = None, **kwargs: Any
    ) -> tuple[int, str, str]:
        """(status, body, Location) of one request, not following redirects; status 0 when it failed."""
        headers = {"Cookie": f"{SESSION_COOKIE}={self.cookie}", "User-Agent": self.user_agent}
        if csrf:
            headers["X-CSRFToken"] = csrf
        for attempt in range(self.retries + 1):
            start = time.perf_counter()
            try:
                async with self.session.request(
                    method, url, headers=headers, allow_redirects=False, **kwargs
                ) as response:
                    body = await response.text()
                    self.stats.record(name, time.perf_counter() - start)
                    morsel = response.cookies.get(SESSION_COOKIE)
                    if morsel is not None and morsel.value:
                        self.cookie = morsel.value
                    return response.status, body, response.headers.get("Location", "")
            except (TimeoutError, aiohttp.ClientError) as exc:
                if attempt == self.retries:
                    self.stats.error(name, f"{type(exc).__name__}: {str(exc) or 'no reply in time'}")
                    return 0, "", ""
                await asyncio.sleep(0.2 * (attempt + 1))
        return 0, "", ""

    def refused(self, name: str, status: int, body: str, expected: int) -> bool:
        if status == expected:
            return False
        if status:
            self.stats.error(name, f"HTTP {status}: {body[:120]!r}")
        return True


async def browser_candidate(
    base: str,
    cookie: str,
    stats: Stats,
    *,
    exam: str,
    think: tuple[float, float],
    seed: int,
    user_agent: str,
    retries: int = 0,
    items: int | None = None,
) -> None:
    """A candidate in a browser: instructions, Start, each question's page with its autosaves and "Save and
    next", the review page, Submit, the result page (see the module's docstring)."""
    rng = random.Random(seed)
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(force_close=True)  # sync workers close every connection
    async with aiohttp.ClientSession(
        timeout=timeout, connector=connector, cookie_jar=aiohttp.DummyCookieJar()
    ) as session:
        browser = Browser(session, stats, cookie, user_agent, retries)
        status, page, _ = await browser.request("instructions", "GET", f"{base}/exams/{exam}/start")
        if browser.refused("instructions", status, page, 200):
            return
        csrf = META_CSRF.search(page)
        status, body, location = await browser.request(
            "start",
            "POST",
            f"{base}/exams/{exam}/start",
            data={"csrf_token": html.unescape(csrf.group(1) if csrf else "")},
        )
        started = QUESTION_URL.search(location)
        if status == 302 and not started:
            stats.error("start", f"refused: redirected to {location}")
            return
        if browser.refused("start", status, body, 302) or started is None:
            return
        attempt = int(started.group(1))
        position, last = 1, items or 10**6
        while not stats.past_time_limit():
            url = f"{base}/exams/attempts/{attempt}/q/{position}"
            status, page, _ = await browser.request("page", "GET", url)
            if browser.refused("page", status, page, 200):
                return
            try:
                shown = parse_question_page(page)
            except (ValueError, KeyError, StopIteration) as exc:
                stats.error("page", f"{url}: {exc}")
                return
            seq, answer = shown.seq, None
            for _ in range(2 if rng.random() < 0.3 else 1):
                await asyncio.sleep(rng.uniform(*think))
                answer = answer_for(shown.item, rng)
                status, body, _ = await browser.request(
                    "autosave", "PUT", f"{base}{shown.save_url}", csrf=shown.csrf, json={"answer": answer, "seq": seq}
                )
                if status == 200:
                    stats.acknowledged.append((attempt, position, seq, answer))
                elif status:
                    stats.error("autosave", f"HTTP {status}: {body[:120]!r}")
                seq += 1
            final = position >= min(shown.total, last)
            fields = [("csrf_token", shown.csrf), ("seq", str(seq)), ("go", "submit" if final else "next")]
            status, body, _ = await browser.request(
                "save+next", "POST", url, data=[*fields, *form_fields(shown.item["type"], answer)]
            )
            if browser.refused("save+next", status, body, 302):
                return
            stats.acknowledged.append((attempt, position, seq, answer))
            if final:
                break
            position += 1
        submit_url = f"{base}/exams/attempts/{attempt}/submit"
        status, page, _ = await browser.request("review", "GET", submit_url)
        if browser.refused("review", status, page, 200):
            return
        csrf = META_CSRF.search(page)
        status, body, _ = await browser.request(
            "submit", "POST", submit_url, data={"csrf_token": html.unescape(csrf.group(1) if csrf else "")}
        )
        if browser.refused("submit", status, body, 302):
            return
        status, page, _ = await browser.request("result", "GET", f"{base}/exams/attempts/{attempt}/result")
        browser.refused("result", status, page, 200)
