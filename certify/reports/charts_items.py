"""The score distribution of an assessment as an accessible SVG histogram (with the cut marked) and its table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 240, 48, 36, 16
BINS = 10


@dataclass(frozen=True)
class Histogram:
    svg: Markup
    rows: list[tuple[str, int]]  # band label, attempts
    cut_percent: float | None


def score_histogram(test: dict[str, Any]) -> Histogram | None:
    percents: list[float] = list(test.get("percents") or [])
    if not percents:
        return None
    counts = [0] * BINS
    for value in percents:
        counts[min(BINS - 1, int(max(0.0, value) // (100 / BINS)))] += 1
    labels = [f"{b * 10} to {b * 10 + 10 if b < BINS - 1 else 100} %" for b in range(BINS)]
    tallest = max(counts) or 1
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    bar_w = plot_w / BINS
    cut = test.get("cut_percent")
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="hist-title hist-desc" '
        'class="chart-svg">',
        '<title id="hist-title">Distribution of scores</title>',
        f'<desc id="hist-desc">{len(percents)} scored attempts in ten bands of ten percentage points'
        + (f"; the cut score is {float(cut):g} %" if cut is not None else "")
        + ". The same figures are in the table below.</desc>",
    ]
    for index, count in enumerate(counts):
        height = plot_h * count / tallest
        x, y = LEFT + index * bar_w, TOP + plot_h - height
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar_w - 4:.1f}" height="{height:.1f}" class="chart-bar-met"/>'
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" class="chart-value" text-anchor="middle">{count}</text>'
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" class="chart-label" text-anchor="middle">'
            f"{index * 10}</text>"
        )
    if cut is not None:
        x = LEFT + plot_w * float(cut) / 100
        parts.append(f'<rect x="{x - 1.5:.1f}" y="{TOP - 6}" width="3" height="{plot_h + 6}" class="chart-threshold"/>')
        parts.append(
            f'<text x="{x + 4:.1f}" y="{TOP + 4}" class="chart-label">cut {escape(f"{float(cut):g}")} %</text>'
        )
    parts.append("</svg>")
    svg = Markup("".join(parts))  # noqa: S704 - built from numbers and escaped text only
    return Histogram(svg, list(zip(labels, counts, strict=True)), cut)
