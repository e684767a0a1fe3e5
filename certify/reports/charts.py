"""Charts drawn on the server as accessible SVG.

Each chart has a <title> and <desc> that name it for screen readers (role="img" with
aria-labelledby), prints every number next to its mark so colour never carries meaning alone,
and is styled only by classes from site.css (the CSP forbids style attributes). Pages show each
chart beside a table of the same figures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
LABEL_CHARS = 26
_ID_UNSAFE = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None draws no bar
    text: str  # the figure printed beside the bar


@dataclass(frozen=True)
class HeatCell:
    value: float | None  # 0..1 picks the shade; None means no data
    text: str


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _svg(chart_id: str, title: str, desc: str, height: int, body: list[str], css: str) -> Markup:
    ident = _ID_UNSAFE.sub("-", chart_id.lower()).strip("-") or "chart"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}-title {ident}-desc"'
        f' viewBox="0 0 {WIDTH} {height}" width="100%" class="chart-svg {escape(css)}" focusable="false">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every piece of text above is escaped


def _text(x: float, y: float, text: str, css: str) -> str:
    return f'<text x="{x:g}" y="{y:g}" class="{css}">{escape(text)}</text>'


def _rect(x: float, y: float, width: float, height: float, css: str) -> str:
    return f'<rect x="{x:g}" y="{y:g}" width="{max(width, 0):.1f}" height="{height:g}" class="{css}"></rect>'


def bar_chart(chart_id: str, title: str, desc: str, bars: Sequence[Bar], maximum: float | None = None) -> Markup:
    """Horizontal bars from zero, one per row, with the figure printed after each bar."""
    label_w, track_w, row_h = 170, 330, 36
    top = max([b.value or 0.0 for b in bars] + [maximum or 0.0]) or 1.0
    body: list[str] = []
    for n, bar in enumerate(bars):
        y = 8 + n * row_h
        body.append(_text(0, y + 17, _short(bar.label), "chart-label"))
        body.append(_rect(label_w, y, track_w, 24, "chart-track"))
        if bar.value:
            body.append(_rect(label_w, y, track_w * min(bar.value, top) / top, 24, "chart-bar"))
        body.append(_text(label_w + track_w + 10, y + 17, bar.text, "chart-value"))
    return _svg(chart_id, title, desc, 16 + len(bars) * row_h, body, "bar-chart")


def gain_chart(
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    markers: Sequence[float | None] = (),
    legend: str = "",
) -> Markup:
    """Bars left (loss) or right (gain) of a zero line, on a scale from -1 to 1; longer values are cut at the edge.

    `markers` (one per bar, None for none) draws a second figure of the same row as a dark tick across
    the bar, e.g. the mean normalised change beside the gain of the means; `legend` is printed below.
    """
    label_w, half, row_h = 170, 150, 36
    zero = label_w + half
    body = [_text(label_w, 14, "\u22121", "chart-axis"), _text(zero, 14, "0", "chart-axis chart-middle")]
    body.append(_text(label_w + 2 * half, 14, "+1", "chart-axis chart-end"))
    for n, bar in enumerate(bars):
        y = 24 + n * row_h
        body.append(_text(0, y + 17, _short(bar.label), "chart-label"))
        body.append(_rect(label_w, y, 2 * half, 24, "chart-track"))
        if bar.value is not None:
            length = half * min(abs(bar.value), 1.0)
            x = zero if bar.value >= 0 else zero - length
            body.append(_rect(x, y, length, 24, "chart-gain-up" if bar.value >= 0 else "chart-gain-down"))
        mark = markers[n] if n < len(markers) else None
        if mark is not None:
            body.append(_rect(zero + half * max(-1.0, min(mark, 1.0)) - 2, y - 3, 4, 30, "chart-marker"))
        body.append(_text(label_w + 2 * half + 10, y + 17, bar.text, "chart-value"))
    height = 32 + len(bars) * row_h
    body.append(_rect(zero - 1, 18, 2, height - 22, "chart-zero"))
    if legend:
        body.append(_text(0, height + 14, legend, "chart-axis"))
        height += 22
    return _svg(chart_id, title, desc, height, body, "gain-chart")


def _shade(value: float | None) -> tuple[str, str]:
    if value is None:
        return "heat-none", "heat-text"
    band = min(int(value * 5), 4)  # 0-19 %, 20-39 %, ... 80-100 %
    return f"heat-{band}", "heat-text-light" if band >= 3 else "heat-text"


def heatmap_chart(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[HeatCell]],
) -> Markup:
    """A grid of rows by columns; each cell is shaded by its value and prints its figure."""
    label_w, head_h, cell_h = 170, 28, 32
    cell_w = (WIDTH - label_w) / max(len(columns), 1)
    body = [
        _text(label_w + (c + 0.5) * cell_w, 18, _short(name, 8), "chart-label chart-middle")
        for c, name in enumerate(columns)
    ]
    for r, (label, row) in enumerate(zip(rows, cells, strict=True)):
        y = head_h + r * cell_h
        body.append(_text(0, y + 21, _short(label), "chart-label"))
        for c, cell in enumerate(row):
            shade, ink = _shade(cell.value)
            x = label_w + c * cell_w
            body.append(_rect(x, y, cell_w, cell_h, f"heat-cell {shade}"))
            body.append(_text(x + cell_w / 2, y + 21, cell.text, f"heat-value chart-middle {ink}"))
    return _svg(chart_id, title, desc, head_h + len(rows) * cell_h + 4, body, "heatmap")
