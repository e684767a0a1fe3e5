"""`flask certify seed [--demo]`: load the competency framework, course, banks, assessments and
rubric from `question_banks/`, and with `--demo` the demo data of `certify.demo`. Idempotent."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from certify.assessments import services as bank_service
from certify.assessments.importer import ImportRefused, import_bank
from certify.assessments.loading import load_assessment, load_competencies
from certify.assessments.models import Assessment
from certify.assessments.sources import QUESTION_BANKS, load_catalog
from certify.core.assessment_spec import pool_shortfalls
from certify.core.catalog import Catalog
from certify.course.services import load_module
from certify.database import write_intent
from certify.demo import MAX_CANDIDATES, seed_demo
from certify.extensions import db
from certify.review.services import load_anchor, load_rubric

certify_cli = AppGroup("certify", help="Set up and maintain this Certify installation.")


def load_content(catalog: Catalog) -> list[str]:
    """Store a validated catalog; returns lines describing what changed."""
    report = [f"competencies: {load_competencies(catalog.competencies)} changed of {len(catalog.competencies)}"]
    for bank in catalog.banks:
        report.append(f"bank {bank.id}: {import_bank(bank, source=bank.file, strict=True).summary()}")
    for module in sorted(catalog.modules, key=lambda m: m.number):
        result = load_module(module)
        report.append(
            f"module {module.number} ({len(module.lessons)} lessons), {module.knowledge_check.id}: {result.summary()}"
        )
    for spec in catalog.assessments:
        outcome = load_assessment(spec)
        row = db.session.query(Assessment).filter_by(slug=spec.slug).one()
        shortfalls = pool_shortfalls(spec, bank_service.pool_counts(row))
        report.append(
            f"assessment {spec.slug}: {outcome}" + (f"; POOL TOO SMALL: {'; '.join(shortfalls)}" if shortfalls else "")
        )
    for rubric in catalog.rubrics:
        load_rubric(rubric)
        report.append(f"rubric {rubric.slug}: {len(rubric.criteria)} criteria")
    for anchor in catalog.anchors:
        load_anchor(anchor)
        report.append(f"anchor portfolio {anchor.slug}: reference levels {anchor.reference_levels}")
    return report


@certify_cli.command("seed")
@click.option("--demo", is_flag=True, help="Also create demo accounts (development and testing only).")
@click.option(
    "--simulate",
    type=click.IntRange(1, MAX_CANDIDATES),
    metavar="N",
    help=f"With --demo: also generate N simulated candidates (1-{MAX_CANDIDATES}) with exams, portfolios "
    "and certificates, for the reports. Added once.",
)
def seed_command(demo: bool, simulate: int | None) -> None:
    """Load reference data from the repository; idempotent."""
    if (demo or simulate) and current_app.config["CERTIFY_ENV"] == "production":
        raise click.ClickException(
            "refusing to create demo accounts with published passwords in production "
            "(set CERTIFY_ENV=development for a demo)"
        )
    if simulate and not demo:
        raise click.ClickException("--simulate adds to the demo data: use it together with --demo")
    catalog = load_catalog([QUESTION_BANKS])
    errors = [p for p in catalog.problems if p.severity == "error"]
    if errors:
        for problem in errors:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(errors)} problems in {QUESTION_BANKS}; nothing was loaded")
    with write_intent():
        try:
            report = load_content(catalog)
        except ImportRefused as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        created = []
        if demo:
            created, demo_report = seed_demo(simulate)
            report.extend(demo_report)
        db.session.commit()
    for line in report:
        click.echo(line)
    if demo and created:
        click.echo("Demo accounts (shown once; sign in at /auth/login):")
        for account in created:
            click.echo(f"  {', '.join(sorted(account.roles)):<21} {account.email:<24} password: {account.password}")
    elif demo:
        click.echo("Demo accounts already exist (their passwords are in README.md).")
    click.echo("Seed complete.")
