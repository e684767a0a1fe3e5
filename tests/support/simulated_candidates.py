"""Simulated candidates for `make bench` and the fault test: start, answer with autosaves, submit.

Two kinds of candidate, both with think time between answers:
- through the JSON API with a bearer token (`candidate`): start, one or two autosaves per item, submit,
  read the result;
- in a browser (`browser_candidate`), with the session cookie signing in leaves (see
  tests/support/load.py browser_cookies): the instructions page, the Start form, then for each question
  its page (GET /exams/attempts/<id>/q/<n>, the HTML the candidate reads), one or two autosaves as
  runner.js sends them (PUT with the page's CSRF token), and "Save and next" (the form post, which saves
  the answer again and redirects); at the end the review page, the Submit form and the result page.
`synchronised_start` is a cohort pressing Start within one second.
"""

from __future__ import annotations

import asyncio
import html
import random
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

SESSION_COOKIE = "certify_session"


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    acknowledged: list[tuple[int, int, int, Any]] = field(default_factory=list)  # attempt, position, seq, answer
    started: float = 0.0
    finished: float = 0.0
    stop_at: float | None = None  # perf_counter(): candidates answer no further question after it, and submit
    cut_short: int = 0  # candidates who stopped answering at stop_at

    def past_time_limit(self) -> bool:
        if self.stop_at is None or time.perf_counter() < self.stop_at:
            return False
        self.cut_short += 1
        return True

    def record(self, name: str, seconds: float) -> None:
        self.latencies[name].append(seconds)

    def error(self, name: str, detail: str) -> None:
        self.errors[name] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{name}: {detail}")

    def report(self) -> list[str]:
        lines = []
        duration = max(self.finished - self.started, 1e-9)
        total = sum(len(v) for v in self.latencies.values())
        lines.append(
            f"  {total} requests in {duration:.1f} s: {total / duration:.0f} req/s; errors: {sum(self.errors.values())}"
        )
        for name, values in sorted(self.latencies.items()):
            cuts = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
            lines.append(
                f"  {name:<12} n={len(values):<6} {len(values) / duration:7.1f}/s  p50 {cuts[49] * 1000:6.1f} ms"
                f"  p95 {cuts[94] * 1000:6.1f} ms  p99 {cuts[98] * 1000:6.1f} ms"
                + (f"  errors {self.errors[name]}" if self.errors.get(name) else "")
            )
        if self.cut_short:
            lines.append(
                f"  {self.cut_short} candidates stopped answering at the run's time limit "
                f"({self.stop_at - self.started if self.stop_at else 0:.0f} s) and submitted"
            )
        lines.extend(f"  e.g. {sample}" for sample in self.error_samples[:5])
        return lines

    def percentile(self, name: str, q: int) -> float:
        values = self.latencies.get(name, [])
        if len(values) < 2:
            return values[0] if values else 0.0
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def answer_for(item: dict[str, Any], rng: random.Random) -> Any:
    """A random well-formed answer to a question as the attempt state shows it (in its shown ids)."""
    options = [o["id"] for o in item.get("options", [])]
    kind = item["type"]
    if kind in ("single_choice", "true_false"):
        return rng.choice(options)
    if kind == "multiple_response":
        return rng.sample(options, k=max(1, len(options) // 2))
    if kind == "ordering":
        return rng.sample(options, k=len(options))
    if kind == "matching":
        responses = [r["id"] for r in item["responses"]]
        return {p["id"]: rng.choice(responses) for p in item["prompts"]}
    if kind == "numeric":
        return rng.randint(1, 200)
    return rng.choice(["baseline", "front-end analysis", "KPM", "nine"])


async def _call(
    session: aiohttp.ClientSession, stats: Stats, name: str, method: str, url: str, json: Any = None, retries: int = 0
) -> tuple[int, Any]:
    for attempt in range(retries + 1):
        start = time.perf_counter()
        try:
            async with session.request(method, url, json=json) as response:
                body = await response.json(content_type=None)
                stats.record(name, time.perf_counter() - start)
                return response.status, body
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            if attempt == retries:
                stats.error(name, f"{type(exc).__name__}: {str(exc) or 'no reply in time'}")
                return 0, None
            await asyncio.sleep(0.2 * (attempt + 1))
    return 0, None


async def candidate(
    base: str,
    token: str,
    stats: Stats,
    *,
    exam: str,
    think: tuple[float, float],
    seed: int,
    retries: int = 0,
    items: int | None = None,
) -> None:
    """One candidate: start, answer every item (an autosave, sometimes a second one), submit, read the result.

    With `items`, only the first `items` questions are answered before the submit."""
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    timeout = aiohttp.ClientTimeout(total=60)
    # gunicorn's sync workers close every connection; never reuse one.
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(headers=headers, timeout=timeout, connector=connector) as session:
        status, state = await _call(
            session, stats, "start", "POST", f"{base}/api/v1/assessments/{exam}/attempts", retries=retries
        )
        if status != 200:
            if status:
                stats.error("start", f"HTTP {status}: {state}")
            return
        attempt = state["attempt_id"]
        for item in state["items"][:items]:
            if stats.past_time_limit():
                break
            saves = 2 if rng.random() < 0.3 else 1
            for seq in range(1, saves + 1):
                await asyncio.sleep(rng.uniform(*think))
                answer = answer_for(item, rng)
                url = f"{base}/api/v1/attempts/{attempt}/responses/{item['position']}"
                status, body = await _call(
                    session, stats, "autosave", "PUT", url, {"answer": answer, "seq": seq}, retries=retries
                )
                if status == 200:
                    stats.acknowledged.append((attempt, item["position"], seq, answer))
                elif status == 409 and body and body.get("error") == "stale" and body.get("seq", 0) >= seq:
                    pass  # a retry of a save that had landed: the server already holds it
                elif status:
                    stats.error("autosave", f"HTTP {status}: {body}")
        status, body = await _call(
            session, stats, "submit", "POST", f"{base}/api/v1/attempts/{attempt}/submit", retries=retries
        )
        if status not in (200, 0):
            stats.error("submit", f"HTTP {status}: {body}")
        status, body = await _call(
            session, stats, "result", "GET", f"{base}/api/v1/attempts/{attempt}/result", retries=retries
        )
        if status not in (200, 0):
            stats.error("result", f"HTTP {status}: {body}")


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


async def run_candidates(
    base: str,
    tokens: list[str],
    *,
    exam: str = "practice",
    think: tuple[float, float] = (2, 6),
    ramp_seconds: float = 10.0,
    retries: int = 0,
    exams: Sequence[str] = (),
    cookies: Sequence[str | None] = (),
    user_agent: str = "",
    items: int | None = None,
    seconds: float | None = None,
) -> Stats:
    """Candidates arriving evenly over `ramp_seconds`, each sitting an exam.

    Candidate n sits `exams[n % len(exams)]` (or `exam`); with `cookies`, candidate n is a browser when
    `cookies[n]` is set (and an API client with `tokens[n]` otherwise). `items` caps the questions answered;
    after `seconds`, candidates answer no further question and submit (the requests under way finish).
    """
    started = time.perf_counter()
    stats = Stats(started=started, stop_at=None if seconds is None else started + seconds)

    async def delayed(n: int, token: str) -> None:
        await asyncio.sleep(ramp_seconds * n / max(1, len(tokens)))
        sitting = exams[n % len(exams)] if exams else exam
        cookie = cookies[n] if n < len(cookies) else None
        if cookie:
            await browser_candidate(
                base,
                cookie,
                stats,
                exam=sitting,
                think=think,
                seed=n,
                user_agent=user_agent,
                retries=retries,
                items=items,
            )
        else:
            await candidate(base, token, stats, exam=sitting, think=think, seed=n, retries=retries, items=items)

    await asyncio.gather(*(delayed(n, token) for n, token in enumerate(tokens)))
    stats.finished = time.perf_counter()
    return stats


async def synchronised_start(
    base: str, tokens: list[str], *, exam: str, window: float = 1.0, wait: float = 120.0
) -> Stats:
    """Every token's owner presses Start (POST /api/v1/assessments/<exam>/attempts) within `window` seconds,
    spread evenly; `started` is the first press and `finished` the last reply. A press unanswered after
    `wait` seconds is given up (an error)."""
    stats = Stats()
    timeout = aiohttp.ClientTimeout(total=wait)

    async def press(n: int, token: str) -> None:
        await asyncio.sleep(window * n / max(1, len(tokens)))
        connector = aiohttp.TCPConnector(force_close=True)
        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession(headers=headers, timeout=timeout, connector=connector) as session:
            status, body = await _call(session, stats, "start", "POST", f"{base}/api/v1/assessments/{exam}/attempts")
            if status != 200 and status:
                stats.error("start", f"HTTP {status}: {str(body)[:120]}")
            elif status == 200 and not (body or {}).get("items"):
                stats.error("start", "an attempt without items")

    stats.started = time.perf_counter()
    await asyncio.gather(*(press(n, token) for n, token in enumerate(tokens)))
    stats.finished = time.perf_counter()
    return stats


async def closed_loop(
    base: str, tokens: list[str], method: str, path_for: Any, body_for: Any, *, seconds: float
) -> tuple[float, int]:
    """Requests per second with one client per token sending back to back for `seconds`; returns (rps, errors)."""
    done = errors = 0
    stop = time.perf_counter() + seconds

    async def worker(n: int, token: str) -> None:
        nonlocal done, errors
        connector = aiohttp.TCPConnector(force_close=True)
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}, connector=connector) as session:
            i = 0
            while time.perf_counter() < stop:
                i += 1
                try:
                    async with session.request(method, f"{base}{path_for(n, i)}", json=body_for(n, i)) as response:
                        await response.read()
                        ok = response.status == 200
                except aiohttp.ClientError:
                    ok = False
                if ok:
                    done += 1
                else:
                    errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(n, token) for n, token in enumerate(tokens)))
    return done / (time.perf_counter() - started), errors


def run_isolated(make_coroutine: Any) -> Any:
    """Run a coroutine on a fresh event loop in its own thread.

    Playwright's sync API keeps an event loop running in the main thread for the
    whole test session, and asyncio.run refuses to start inside one.
    """
    import threading

    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(make_coroutine())
        except BaseException as exc:  # handed back to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="load")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
