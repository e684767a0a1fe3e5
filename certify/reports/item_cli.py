"""`flask analysis items ASSESSMENT [--json] [--all-attempts]` (item and test statistics),
`flask analysis calibrate ASSESSMENT [--rasch] [--all-attempts]` (IRT, stored) and `flask analysis refresh`.

They join the `analysis` group in cli.py, beside its `raters` report.
"""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from certify.assessments import services as bank_service
from certify.assessments.equating import EquatingOutcome
from certify.assessments.models import Assessment
from certify.core.sample_size import sample_note
from certify.database import write_intent
from certify.extensions import db
from certify.reports.calibration import CalibrationError, latest, run
from certify.reports.items import compute, flag_codes, snapshot, state
from certify.reports.text_tables import format_table, number


@click.command("items")
@with_appcontext
@click.argument("assessment")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--refresh", is_flag=True, help="Recompute even if no attempt was scored since the last analysis.")
@click.option("--all-attempts", is_flag=True, help="Include retakes (default: each candidate's first attempt).")
def items_command(assessment: str, as_json: bool, refresh: bool, all_attempts: bool) -> None:
    """Item analysis and test reliability of ASSESSMENT (its slug), from each candidate's first scored attempt."""
    with write_intent():
        found = _assessment(assessment)
        # With retakes it is not the cached analysis: computed for this run only.
        payload = compute(found, all_attempts=True) if all_attempts else dict(snapshot(found, refresh=refresh).payload)
        db.session.commit()
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


def _assessment(slug: str) -> Assessment:
    found = bank_service.assessment_by_slug(slug)
    if found is None:
        known = ", ".join(db.session.scalars(select(Assessment.slug).order_by(Assessment.slug)))
        raise click.ClickException(f"no assessment {slug!r}; known: {known or 'none (run certify seed)'}")
    return found


@click.command("calibrate")
@with_appcontext
@click.argument("assessment")
@click.option("--rasch", is_flag=True, help="Rasch/PCM (common slope) instead of 2PL/GPCM.")
@click.option("--all-attempts", is_flag=True, help="Calibrate from every attempt (default: each candidate's first).")
def calibrate_command(assessment: str, rasch: bool, all_attempts: bool) -> None:
    """Calibrate ASSESSMENT's items (IRT) and store the result; the item report then shows it."""
    with write_intent():
        found = _assessment(assessment)
        try:
            stored, equated = run(found, model="rasch" if rasch else "2pl", all_attempts=all_attempts)
        except CalibrationError as exc:
            raise click.ClickException(str(exc)) from None
        snapshot(found, refresh=True)  # the analysis reads the new calibration
        db.session.commit()
        items = stored.payload["items"]
        flagged = sum(1 for i in items if i["flags"])
        click.echo(
            f"{assessment}: {stored.model} calibration of {len(items)} item versions from {stored.attempts_used} "
            f"{'attempts' if all_attempts else 'first attempts'}; "
            f"{'converged' if stored.converged else 'did NOT converge'}; {flagged} item(s) with cautions"
        )
        click.echo(_equating_line(equated))


def _equating_line(equated: EquatingOutcome) -> str:
    placed = ", ".join(
        f"cut version {rule.cut_score.version} at ability {rule.theta_cut:+.3f}" for rule in equated.rules
    )
    if not equated.rules:
        return f"forms not equated (new results are decided on the raw cut): {equated.reason}"
    return f"forms equated: {placed}" + (f" (not placed: {equated.reason})" if equated.reason else "")


def _needs_calibration(assessment: Assessment) -> bool:
    count, scored_at = state(assessment)
    stored = latest(assessment)
    return count > 0 and (stored is None or (scored_at is not None and stored.computed_at < scored_at))


@click.command("refresh")
@with_appcontext
def refresh_command() -> None:
    """Recalibrate and recompute what attempts scored since have made stale (cron: off the request path)."""
    from certify.reports.items import is_stale

    done = []
    with write_intent():
        for assessment in db.session.scalars(select(Assessment).order_by(Assessment.slug)):
            if _needs_calibration(assessment):
                stored, equated = run(assessment, model=(latest(assessment) or _Default).model)
                done.append(
                    f"{assessment.slug}: calibrated ({stored.model}) from {stored.attempts_used} attempts; "
                    + _equating_line(equated)
                )
            if is_stale(assessment):
                result = snapshot(assessment, refresh=True)
                done.append(f"{assessment.slug}: {result.scored_attempts} attempts in {result.seconds:.2f} s")
        db.session.commit()
    for line in done:
        click.echo(line)
    click.echo(f"{sum(1 for line in done if 'calibrated' not in line)} analysis(es) refreshed")


class _Default:
    model = "2pl"
