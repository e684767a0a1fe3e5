"""The impact report as tables (the page, CSV and XLSX show the same figures) and as SVG charts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from certify.core.outcome_evidence import ThemeCount
from certify.outcomes.report import ImpactReport, PlanOutcome
from certify.reports.charts import Bar, bar_chart
from certify.reports.export import Cell

STATUSES = ("attested", "disputed", "awaiting sponsor", "no response", "not yet due")
STATUS_LABELS = {
    "attested": "Latest sponsor response attests",
    "disputed": "Latest sponsor response disputes",
    "awaiting sponsor": "Holder reported, sponsor silent",
    "no response": "No response (non-respondents)",
    "not yet due": "No follow-up due yet",
}


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: Sequence[str]
    rows: list[list[Cell]]


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _round(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(value, places)


def status_counts(report: ImpactReport) -> list[tuple[str, int]]:
    return [(status, sum(1 for p in report.plans if p.status == status)) for status in STATUSES]


def _themes(kind: str, themes: list[ThemeCount]) -> list[list[Cell]]:
    return [[kind, t.theme, t.cases] for t in themes]


def _plan_row(p: PlanOutcome) -> list[Cell]:
    value, months = p.attested_value, p.attested_months
    return [p.plan_id, p.metric, p.unit, p.baseline, p.target, p.status, months, value, _round(p.attainment)]


def report_tables(report: ImpactReport) -> list[Table]:
    moved = report.moved
    summary: list[list[Cell]] = [
        ["Holders with an outcome plan (certificates: the denominator)", report.holders],
        ["Followed up (a follow-up due)", report.followed_up],
        ["Responded (holder or sponsor)", report.responded],
        ["Non-respondents (followed up, no answer)", report.non_respondents],
        ["Response rate %", _pct(report.response_rate)],
        ["Latest sponsor response attests", report.attested],
        ["Latest sponsor response disputes", report.disputed],
        ["Plans with an attested outcome", moved.n],
        ["Moved toward target", moved.count],
        ["Moved toward target %", _pct(moved.share)],
        ["95% Wilson interval, low %", _pct(moved.low)],
        ["95% Wilson interval, high %", _pct(moved.high)],
        ["Median attainment of target", _round(report.median_attainment)],
        ["Success cases proposed", len(report.cases)],
    ]
    plans = [_plan_row(p) for p in report.plans]
    cases: list[list[Cell]] = [
        [
            row.case.plan_id,
            "success" if row.case.kind == "success" else "non-success",
            row.outcome.metric if row.outcome else "",
            _round(row.outcome.attainment) if row.outcome else None,
            row.case.interviewed_at.date() if row.case.interviewed_at else None,
            "; ".join(row.case.enablers or []),
            "; ".join(row.case.barriers or []),
        ]
        for row in report.cases
    ]
    return [
        Table("summary", "Summary", ["Measure", "Value"], summary),
        Table(
            "status",
            "Plans by follow-up status",
            ["Status", "Plans"],
            [[STATUS_LABELS[s], n] for s, n in status_counts(report)],
        ),
        Table(
            "ratings",
            "Level-3 ratings per objective",
            ["Objective", "Mean rating (1-5)", "Ratings"],
            [[r.objective, round(r.mean, 2), r.n] for r in report.ratings],
        ),
        Table(
            "themes",
            "Enablers and barriers",
            ["Kind", "Theme", "Cases"],
            _themes("enabler", report.enablers) + _themes("barrier", report.barriers),
        ),
        Table(
            "cases",
            "Success cases",
            ["Plan", "Kind", "Metric", "Attainment", "Interviewed", "Enablers", "Barriers"],
            cases,
        ),
        Table(
            "plans",
            "Plans",
            [
                "Plan",
                "Metric",
                "Unit",
                "Baseline",
                "Target",
                "Status",
                "Attested at month",
                "Attested value",
                "Attainment",
            ],
            plans,
        ),
    ]


def long_rows(tables: Sequence[Table]) -> list[list[Cell]]:
    """Every table in one: section, then the row's cells."""
    return [[t.title, *row] for t in tables for row in t.rows]


def report_charts(report: ImpactReport) -> dict[str, Markup]:
    statuses = status_counts(report)
    charts = {
        "status": bar_chart(
            "status-chart",
            "Plans by follow-up status",
            "One bar per status, the number of outcome plans in it; every plan counts once. Non-respondents "
            "were followed up and neither the holder nor the sponsor has answered.",
            [Bar(STATUS_LABELS[s], float(n), str(n)) for s, n in statuses],
        ),
        "ratings": bar_chart(
            "ratings-chart",
            "Level-3 ratings per objective",
            "One bar per objective: the mean of the sponsors' ratings of observed job behaviour, on a scale "
            "of 1 to 5, from attested responses, with the number of ratings.",
            [Bar(r.objective, r.mean, f"{r.mean:.2f} (n={r.n})") for r in report.ratings],
            maximum=5.0,
        ),
    }
    for key, title, themes in (("enablers", "Enablers", report.enablers), ("barriers", "Barriers", report.barriers)):
        charts[key] = bar_chart(
            f"{key}-chart",
            f"{title} from the success case interviews",
            "One bar per theme: the number of interviewed cases that named it, most frequent first.",
            [Bar(t.theme, float(t.cases), str(t.cases)) for t in themes],
        )
    return charts
