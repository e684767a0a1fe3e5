"""`flask analysis items ASSESSMENT [--json]` (item and test statistics) and `flask analysis refresh` (stale ones).

Both join the `analysis` group in cli.py, beside its `raters` report.
"""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from certify.assessments import services as bank_service
from certify.assessments.models import Assessment
from certify.core.sample_size import sample_note
from certify.database import write_intent
from certify.extensions import db
from certify.reports.items import flag_codes, snapshot
from certify.reports.text_tables import format_table, number


@click.command("items")
@with_appcontext
@click.argument("assessment")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--refresh", is_flag=True, help="Recompute even if no attempt was scored since the last analysis.")
def items_command(assessment: str, as_json: bool, refresh: bool) -> None:
    """Item analysis and test reliability of ASSESSMENT (its slug), from every scored attempt."""
    with write_intent():
        found = bank_service.assessment_by_slug(assessment)
        if found is None:
            known = ", ".join(db.session.scalars(select(Assessment.slug).order_by(Assessment.slug)))
            raise click.ClickException(f"no assessment {assessment!r}; known: {known or 'none (run certify seed)'}")
        result = snapshot(found, refresh=refresh)
        db.session.commit()
        payload = dict(result.payload)
    if as_json:
        payload["test"] = {k: v for k, v in payload["test"].items() if k != "percents"}
        click.echo(json.dumps(payload, indent=2))
        return
    test = payload["test"]
    if not test["n"]:
        click.echo(f"{assessment}: no scored attempts yet")
        return
    reliability = (
        f"{test['reliability_method']} {number(test['kr20'])}, SEM {number(test['sem'])}, "
        f"decision consistency {number(test['decision_consistency'])}"
    )
    if not test["interpretable"]:
        reliability = f"reliability, SEM and decision consistency {sample_note(test['n'], test['min_n'])}"
    click.echo(
        f"{assessment}: {test['n']} attempts, {test['items']} scored slots; mean {number(test['mean'])}, "
        f"SD {number(test['sd'])}, pass rate {number(test['pass_rate'])}; {reliability}"
    )
    rows = [
        [
            f"{i['item_ref']} v{i['version']}",
            str(i["n"]),
            number(i["p"]),
            number(i["point_biserial"]),
            number(i["discrimination_27"]),
            sample_note(i["n"], i["min_n"]) or ", ".join(flag_codes(i)) or "-",
        ]
        for i in payload["items"]
    ]
    for line in format_table(["item", "n", "p", "r_pb", "D27", "flags"], rows, align="lrrrrl"):
        click.echo(line)


@click.command("refresh")
@with_appcontext
def refresh_command() -> None:
    """Recompute every analysis that attempts scored since have made stale (run it from cron, off the request path)."""
    from certify.reports.items import is_stale

    done = []
    with write_intent():
        for assessment in db.session.scalars(select(Assessment).order_by(Assessment.slug)):
            if is_stale(assessment):
                result = snapshot(assessment, refresh=True)
                done.append(f"{assessment.slug}: {result.scored_attempts} attempts in {result.seconds:.2f} s")
        db.session.commit()
    for line in done:
        click.echo(line)
    click.echo(f"{len(done)} analysis(es) refreshed")
