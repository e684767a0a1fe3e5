"""What a load run records (latencies, errors, acknowledged saves), the answers simulated candidates give,
and one timed request: shared by the API candidates (tests/support/simulated_candidates.py) and the browser
candidates (tests/support/browser_candidates.py).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections import defaultdict
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


async def call(
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
