"""The SVG charts and the CSV/XLSX writers behind the report downloads, without the app."""

from __future__ import annotations

from xml.etree import ElementTree

from certify.reports.charts import Bar, HeatCell, bar_chart, gain_chart, heatmap_chart
from certify.reports.export import column_letter, csv_cell, sheet_names, xlsx_bytes
from tests.support.outcomes import sheet_rows


def test_charts_are_labelled_escaped_and_free_of_inline_style():
    svg = str(
        heatmap_chart(
            "heat",
            "Mastery <b>",
            'desc "quoted"',
            ["<script>alert(1)</script>"],
            ["RA", "PA"],
            [[HeatCell(0.75, "75%"), HeatCell(None, "-")]],
        )
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="heat-title heat-desc"')
    assert '<title id="heat-title">Mastery &lt;b&gt;</title>' in svg
    assert '<desc id="heat-desc">desc &#34;quoted&#34;</desc>' in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'class="heat-cell heat-3"' in svg and 'class="heat-cell heat-none"' in svg
    assert ">75%</text>" in svg
    for chart in (
        svg,
        str(bar_chart("bars", "T", "D", [Bar("Registered", 5, "5 (100%)"), Bar("None", None, "0")])),
        str(gain_chart("gain", "T", "D", [Bar("RA", 0.5, "+0.50"), Bar("PA", -3.0, "-3.00"), Bar("EV", None, "-")])),
    ):
        assert "style=" not in chart and "<title" in chart and "<desc" in chart and 'role="img"' in chart
        ElementTree.fromstring(chart)  # noqa: S314 - well-formed XML


def test_the_gain_chart_draws_a_tick_per_marker_clipped_to_the_scale():
    bars = [Bar("RA", 0.5, "+0.50"), Bar("PA", -0.2, "-0.20"), Bar("EV", None, "no data")]
    svg = str(gain_chart("gain", "T", "D", bars, [0.25, -3.0, None], legend="Bar: <g>. Tick: c."))
    ElementTree.fromstring(svg)  # noqa: S314 - well-formed XML
    # zero at x = 320, 150 px per unit: c = 0.25 at 357.5 and -3 cut at -1 (x = 170), each tick 4 px wide
    assert '<rect x="355.5" y="21" width="4.0" height="30" class="chart-marker">' in svg
    assert '<rect x="168" y="57" width="4.0" height="30" class="chart-marker">' in svg
    assert svg.count("chart-marker") == 2
    assert ">Bar: &lt;g&gt;. Tick: c.</text>" in svg
    assert "chart-marker" not in str(gain_chart("gain", "T", "D", bars))


def test_csv_cells_that_look_like_formulas_are_defused():
    assert [csv_cell(v) for v in ("=1+1", "+1", "-x", "@SUM(A1)", "\tx", "plain", -0.5, 3, None)] == [
        "'=1+1",
        "'+1",
        "'-x",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        -0.5,
        3,
        "",
    ]


def test_xlsx_writer_keeps_types_and_escapes_text():
    data = xlsx_bytes(
        [
            ("Data: [1/2]?", ["Name", "Value"], [['<&> "q" \x01', 1.5], ["=cmd", 2], ["ok", None], ["flag", True]]),
            ("Data: [1/2]?", ["x"], []),
        ]
    )
    sheets = sheet_rows(data)
    assert list(sheets) == ["Data   1 2", "Data   1 2 (2)"]
    rows = sheets["Data   1 2"]
    assert rows[1] == ['<&> "q" ', 1.5]
    assert rows[2] == ["=cmd", 2.0]  # an inline string is never evaluated
    assert rows[3] == ["ok"]
    assert rows[4] == ["flag", 1.0]


def test_sheet_names_and_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert sheet_names(["", "a" * 40, "A" * 40]) == ["Sheet1", "a" * 31, "A" * 27 + " (2)"]
