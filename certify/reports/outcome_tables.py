"""The outcome report as plain tables: the page, the CSV and the XLSX all read these, so they agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from certify.reports.outcomes import ALL_CANDIDATES, EXPIRING_DAYS, OutcomeReport

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    key: str  # used in URLs (?section=) and as the sheet's identity
    title: str
    headers: list[str]
    rows: list[list[Cell]]


def percent(fraction: float | None) -> float | None:
    """A fraction as a percentage with one decimal, as every report shows it."""
    return None if fraction is None else round(100.0 * fraction, 1)


def one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def three_decimals(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def filters_table(report: OutcomeReport) -> Table:
    f = report.filters
    return Table(
        "filters",
        "Filters",
        ["Filter", "Value"],
        [
            ["Cohort", f.cohort_name or ALL_CANDIDATES],
            ["Registered from", _day(f.registered_from)],
            ["Registered to", _day(f.registered_to)],
            ["Candidates", report.candidates],
            ["Generated at (UTC)", report.generated_at.strftime("%Y-%m-%d %H:%M")],
        ],
    )


def funnel_table(report: OutcomeReport) -> Table:
    return Table(
        "funnel",
        "Certification funnel",
        ["Step", "Candidates", "% of registered", "Median days from previous step"],
        [[s.label, s.count, percent(s.share_of_registered), one_decimal(s.median_days)] for s in report.funnel],
    )


def mastery_table(report: OutcomeReport) -> Table:
    heatmap = report.heatmap
    rows: list[list[Cell]] = []
    for row in heatmap.rows:
        for (code, _title), cell in zip(heatmap.competencies, row.cells, strict=True):
            rows.append([row.label, code, cell.n, cell.met, percent(cell.share_met), one_decimal(cell.mean_percent)])
    group = "Candidate" if heatmap.by == "candidate" else "Group"
    return Table(
        "mastery",
        "Competency mastery (latest certification attempt)",
        [group, "Competency", "Candidates with a result", "Met mastery", "% met mastery", "Mean score %"],
        rows,
    )


GAIN_TO_READ = "Gain of the means"  # the headline figure; the chart draws it


def gain_table(report: OutcomeReport) -> Table:
    """Per competency and for the whole exam: first pre-test to first certification attempt."""
    rows: list[list[Cell]] = []
    for row in report.gain.rows:
        c, legacy = row.change, row.legacy
        rows.append(
            [
                row.code,
                c.n,
                one_decimal(c.mean_pre),
                one_decimal(c.mean_post),
                three_decimals(c.gain_of_means),
                three_decimals(c.mean_change),
                c.counted,
                c.dropped_ceiling,
                c.dropped_floor,
                three_decimals(c.pretest_reliability),
                report.gain.reliability.n or None,
                three_decimals(legacy.mean_gain),
                legacy.skipped,
            ]
        )
    return Table(
        "gain",
        "Learning gain (first pre-test to first certification attempt)",
        [
            "Competency",
            "Candidates paired (n)",
            "Mean pre-test %",
            "Mean exam %",
            f"{GAIN_TO_READ} (read this)",
            "Mean normalised change c (Marx-Cummings)",
            "Candidates in c",
            "Left out of c: 100% on both",
            "Left out of c: 0% on both",
            "Pre-test alpha",
            "Pre-test alpha rests on (attempts)",
            "Legacy: Hake mean g (skips pre-test 100%)",
            "Legacy: skipped by Hake g",
        ],
        rows,
    )


def retake_table(report: OutcomeReport) -> Table:
    return Table(
        "retakes",
        "Retakes (first to latest certification attempt)",
        [
            "Competency",
            "Candidates who retook (n)",
            "Mean first attempt %",
            "Mean latest attempt %",
            "Mean change (points)",
        ],
        [
            [
                row.code,
                row.summary.n,
                one_decimal(row.summary.mean_first),
                one_decimal(row.summary.mean_latest),
                one_decimal(row.summary.mean_change),
            ]
            for row in report.gain.retakes
        ],
    )


def first_attempt_table(report: OutcomeReport) -> Table:
    first = report.first_attempts
    return Table(
        "first_attempt",
        "First-attempt pass rate (certification exam)",
        ["Measure", "Value"],
        [
            ["Candidates with a scored first attempt", first.n],
            ["Passed at the first attempt", first.passed],
            ["First-attempt pass rate %", percent(first.rate)],
        ],
    )


def certificates_table(report: OutcomeReport) -> Table:
    c = report.certificates
    return Table(
        "certificates",
        "Certificates",
        ["Status", "Certificates"],
        [
            ["Issued (all time)", c.issued],
            ["Active", c.active],
            [f"Active, expiring within {EXPIRING_DAYS} days", c.expiring],
            ["Renewed (replaced by a successor)", c.renewed],
            ["Suspended", c.suspended],
            ["Revoked", c.revoked],
            ["Expired", c.expired],
        ],
    )


def report_tables(report: OutcomeReport) -> list[Table]:
    """Every section of the report, filters first."""
    return [
        filters_table(report),
        funnel_table(report),
        mastery_table(report),
        gain_table(report),
        retake_table(report),
        first_attempt_table(report),
        certificates_table(report),
    ]


def long_rows(tables: list[Table]) -> list[list[Cell]]:
    """All sections in one long table: section, row, measure, value (for a single CSV)."""
    rows: list[list[Cell]] = []
    for table in tables:
        for row in table.rows:
            label = " / ".join(str(v) for v in row[:2]) if table.key == "mastery" else str(row[0])
            first_value = 2 if table.key == "mastery" else 1
            for header, value in zip(table.headers[first_value:], row[first_value:], strict=True):
                rows.append([table.title, label, header, value])
    return rows


LONG_HEADERS = ["Section", "Row", "Measure", "Value"]
