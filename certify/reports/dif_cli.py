"""`flask analysis dif ASSESSMENT --group GROUPING [--json] [--all-attempts]`: differential item functioning.

It joins the `analysis` group in cli.py. Exit 1 for an unknown assessment, 2 (click's usage error) for a
grouping that cannot be read or names no cohort.
"""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from certify.assessments import services as bank_service
from certify.assessments.models import Assessment
from certify.extensions import db
from certify.reports.dif import GroupingError, dif_report, grouping_syntax, parse_grouping
from certify.reports.text_tables import format_table, number

CLASS_NOTE = (
    "A: negligible DIF (|D| < 1 or not significant); B: moderate; C: large (|D| >= 1.5, significantly beyond 1).\n"
    "Negative D favours the reference group. A C item goes to the committee for review with content experts;\n"
    "it is not removed automatically."
)


@click.command("dif")
@with_appcontext
@click.argument("assessment")
@click.option("--group", "group", required=True, help=f"The focal group: {grouping_syntax()}.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--all-attempts", is_flag=True, help="Include retakes (default: each candidate's first scored attempt).")
def dif_command(assessment: str, group: str, as_json: bool, all_attempts: bool) -> None:
    """Mantel-Haenszel DIF of every item of ASSESSMENT (its slug) between a focal group and everyone else."""
    found = bank_service.assessment_by_slug(assessment)
    if found is None:
        known = ", ".join(db.session.scalars(select(Assessment.slug).order_by(Assessment.slug)))
        raise click.ClickException(f"no assessment {assessment!r}; known: {known or 'none (run certify seed)'}")
    try:
        grouping = parse_grouping(group)
    except GroupingError as exc:
        raise click.BadParameter(str(exc), param_hint="'--group'") from None
    report = dif_report(found, grouping, all_attempts=all_attempts)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    click.echo(
        f"{assessment}: DIF by {grouping.label}; focal: {grouping.focal_label} (n={report.focal_n}), "
        f"reference: {grouping.reference_label} (n={report.reference_n})"
    )
    payload = report.as_dict()
    click.echo(
        f"{'All scored attempts' if all_attempts else 'First scored attempt of each candidate'}; matched on the "
        f"{payload['matching']}; at least {report.min_group} per group for a class"
    )
    if report.purified:
        click.echo(
            f"Second pass: {', '.join(report.purified)} (C in the first pass) left out of the other items' matching"
        )
    if not report.items:
        click.echo("no scored attempts yet")
        return
    rows = [
        [
            f"{i['item_ref']} v{i['version']}",
            str(i["n_focal"]),
            str(i["n_reference"]),
            number(i["mh_d_dif"], signed=True),
            number(i["se"]),
            number(i["p"]),
            i["class"] or i["status"].replace("_", " "),
        ]
        for i in report.items
    ]
    for line in format_table(["item", "n focal", "n ref", "MH D-DIF", "SE", "p", "class"], rows, "lrrrrrl"):
        click.echo(line)
    click.echo(f"C: {report.count('C')}, B: {report.count('B')}, A: {report.count('A')}")
    click.echo(CLASS_NOTE)
