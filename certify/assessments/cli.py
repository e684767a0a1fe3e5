"""`flask banks validate|lint|import|export`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from certify.assessments.sources import load_catalog
from certify.core.lint import lint_banks

banks_cli = AppGroup("banks", help="Question banks: validate, lint, import and export.")


@banks_cli.command("validate")
@click.argument("paths", nargs=-1, required=True)
def validate_command(paths: tuple[str, ...]) -> None:
    """Check bank, course, assessment and rubric files; print every problem as file:line: message."""
    catalog = load_catalog(paths)
    for problem in catalog.problems:
        click.echo(str(problem))
    errors = [p for p in catalog.problems if p.severity == "error"]
    items = sum(len(b.items) for b in catalog.all_banks())
    if errors:
        click.echo(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found", err=True)
        raise SystemExit(1)
    click.echo(
        f"ok: {len(catalog.banks)} banks, {len(catalog.modules)} modules, {len(catalog.assessments)} assessments, "
        f"{len(catalog.rubrics)} rubrics, {items} items"
    )


@banks_cli.command("lint")
@click.argument("paths", nargs=-1, required=True)
def lint_command(paths: tuple[str, ...]) -> None:
    """Check the item-writing guidelines; exit 1 if any item breaks one."""
    catalog = load_catalog(paths)
    if catalog.problems:
        for problem in catalog.problems:
            click.echo(str(problem))
        click.echo("fix these validation problems first", err=True)
        raise SystemExit(1)
    problems = lint_banks(catalog.all_banks())
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} guideline problem{'s' if len(problems) != 1 else ''}", err=True)
        raise SystemExit(1)
    click.echo(f"ok: {sum(len(b.items) for b in catalog.all_banks())} items follow the guidelines")
