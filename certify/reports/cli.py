"""`flask analysis …`: measurement reports; `raters` (assessor agreement) here, `items` and `refresh` in item_cli.py,
`dif` in dif_cli.py."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click
from flask.cli import AppGroup

from certify.core.psychometrics import AgreementSummary
from certify.reports.dif_cli import dif_command
from certify.reports.item_cli import calibrate_command, items_command, refresh_command
from certify.reports.rater_model import RaterModel, rater_model
from certify.reports.text_tables import format_table, number, percent
from certify.review.agreement import AgreementReport, rater_report

analysis_cli = AppGroup("analysis", help="Measurement quality: item statistics and assessor agreement.")
analysis_cli.add_command(items_command)
analysis_cli.add_command(refresh_command)
analysis_cli.add_command(dif_command)
analysis_cli.add_command(calibrate_command)

NO_DATA = "no double-marked portfolios yet"
ERRATIC = 1.3  # infit mean square above this reads as inconsistent marking
SEVERITY_NOTE = (
    "Severity: mean of (assessor's level - final level) over criteria; negative = severe, positive = lenient.\n"
    "Drift: change in that deviation, in levels per 30 days (least squares; needs 3 resolved reviews)."
)


def _agreement_cells(summary: AgreementSummary) -> list[str]:
    band = summary.band + (", few pairs" if summary.n and summary.tentative else "")
    return [str(summary.n), percent(summary.exact), percent(summary.adjacent), number(summary.qwk), band]


AGREEMENT_HEADERS = ["Pairs", "Exact", "Adjacent", "QWK", "Band"]


def _echo_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> None:
    click.echo(f"\n{title}")
    for text in format_table(headers, rows, align):
        click.echo(text)


def _echo_report(report: AgreementReport) -> None:
    if report.double_marked == 0:
        click.echo(NO_DATA)
    else:
        overall = report.overall
        click.echo(
            f"Assessor agreement over {report.double_marked} double-marked portfolio version"
            f"{'s' if report.double_marked != 1 else ''}: {overall.n} pairs of levels, "
            f"exact {percent(overall.exact)}, adjacent {percent(overall.adjacent)}, "
            f"QWK {number(overall.qwk)} ({overall.band})"
        )
        _echo_table(
            "By criterion",
            ["Code", "Criterion", *AGREEMENT_HEADERS],
            [[c.code, c.title, *_agreement_cells(c.agreement)] for c in report.criteria],
            "llrrrrl",
        )
        _echo_table(
            "By assessor pair",
            ["Assessor", "Assessor", "Versions", *AGREEMENT_HEADERS],
            [[p.first_name, p.second_name, str(p.versions), *_agreement_cells(p.agreement)] for p in report.pairs],
            "llrrrrrl",
        )
    if not report.assessors:
        return
    _echo_table(
        "Assessors",
        [
            "Assessor",
            "Id",
            "Reviews",
            "Severity",
            "Drift/30d",
            "Calibrated",
            "Last share",
            "Last calibration",
            "Tries",
            "Open",
        ],
        [
            [
                a.name,
                str(a.id),
                str(a.reviews),
                number(a.severity, signed=True),
                number(a.drift_per_30_days, signed=True),
                "yes" if a.calibrated else "no",
                percent(a.latest_calibration_share),
                a.latest_calibration_at.strftime("%Y-%m-%d") if a.latest_calibration_at else "never",
                str(a.calibration_attempts),
                str(a.open_allocations),
            ]
            for a in report.assessors
        ],
        "lrrrrlrlrr",
    )
    click.echo(f"\n{SEVERITY_NOTE}")


@analysis_cli.command("raters")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def raters_command(as_json: bool) -> None:
    """Agreement between assessors (exact, adjacent, quadratic weighted kappa), severity, drift and load."""
    report = rater_report()
    model = rater_model({a.id: a.name for a in report.assessors})
    if as_json:
        payload = report.as_dict()
        payload["raters"] = model.raters  # the many-facet Rasch measures: severity with its SE, infit, outfit
        payload["rater_model"] = {"status": model.status, "message": model.message, "criteria": model.criteria}
        payload["decision_agreement"] = model.decisions
        click.echo(json.dumps(payload, indent=2))
    else:
        _echo_report(report)
        _echo_model(model)


def _echo_model(model: RaterModel) -> None:
    decisions = model.decisions
    if decisions.get("portfolios"):
        click.echo(
            f"\nPass/fail agreement over {decisions['portfolios']} double-marked portfolio version(s): "
            f"{percent(decisions['agreement'])}, kappa {number(decisions['kappa'])}"
            + (" (tentative: few portfolios)" if decisions["tentative"] else "")
        )
    if model.status != "ok":
        click.echo(f"\nRater model: {model.message}")
        return
    _echo_table(
        "Rater model (many-facet Rasch; severity in logits, positive = severe)",
        ["Assessor", "Severity", "SE", "Infit", "Outfit", "Drift/30 d", "Portfolios", "Note"],
        [
            [
                r["name"],
                number(r["severity"], signed=True),
                number(r["severity_se"]),
                number(r["infit"]),
                number(r["outfit"]),
                number(r["drift_per_30_days"], signed=True),
                str(r["portfolios"]),
                "tentative" if r["tentative"] else ("erratic" if (r["infit"] or 0) > ERRATIC else ""),
            ]
            for r in model.raters
        ],
        "lrrrrrrl",
    )
    if model.message:
        click.echo(model.message)
