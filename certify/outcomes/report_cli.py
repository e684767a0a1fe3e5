"""`flask outcomes report [--cohort NAME] [--from DATE --to DATE] [--json]`: the programme impact report."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from certify.database import utcnow
from certify.outcomes.report import FilterError, ImpactReport, impact_report, read_filter, report_json


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _summary(report: ImpactReport) -> list[str]:
    moved = report.moved
    lines = [
        f"Programme impact report ({report.filter.describe()}), {report.generated_at:%Y-%m-%d %H:%M} UTC",
        f"Holders with an outcome plan: {report.holders}",
        f"Followed up (a follow-up due): {report.followed_up}",
        f"Responded (holder or sponsor): {report.responded} - response rate {_percent(report.response_rate)}",
        f"Non-respondents: {report.non_respondents}",
        f"Latest sponsor response attested: {report.attested}; disputed: {report.disputed}",
    ]
    if moved.n:
        lines.append(
            f"Moved toward target: {moved.count} of {moved.n} attested outcomes, {_percent(moved.share)} "
            f"(95% Wilson interval {_percent(moved.low)} to {_percent(moved.high)})"
        )
    else:
        lines.append("Moved toward target: no attested outcome yet")
    median = report.median_attainment
    lines.append(f"Median attainment of target: {'n/a' if median is None else f'{median:.2f}'}")
    lines.append(f"Success cases proposed: {len(report.cases)}")
    for title, themes in (("Enablers", report.enablers), ("Barriers", report.barriers)):
        if themes:
            lines.append(f"{title}: " + "; ".join(f"{t.theme} ({t.cases})" for t in themes))
    return lines


@click.command("report")
@click.option("--cohort", default="", help="Only the holders in this cohort (by name).")
@click.option("--from", "issued_from", default="", metavar="DATE", help="Certificates issued on or after (YYYY-MM-DD).")
@click.option("--to", "issued_to", default="", metavar="DATE", help="Certificates issued on or before (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def report_command(cohort: str, issued_from: str, issued_to: str, as_json: bool) -> None:
    """Print the programme impact report: followed up, responded, attested, moved toward target."""
    try:
        chosen = read_filter(cohort, issued_from, issued_to)
    except FilterError as exc:
        raise click.UsageError(str(exc)) from exc
    report = impact_report(chosen, utcnow())
    if as_json:
        click.echo(json.dumps(report_json(report), indent=2, ensure_ascii=False))
        return
    for line in _summary(report):
        click.echo(line)
