"""`flask banks validate|lint|import|export` and `flask attempts finalize-overdue`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from certify.assessments import services as bank_service
from certify.assessments.formats import EXPORT_FORMATS, export_bank
from certify.assessments.import_files import FileImport, import_file_report, preview_file
from certify.assessments.sources import load_catalog
from certify.core.bank_refs import crowded_cells
from certify.core.lint import lint_banks
from certify.core.pools import pool_problems
from certify.core.similarity import NEAR_TWIN
from certify.database import write_intent
from certify.extensions import db

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
        f"{len(catalog.rubrics)} rubrics, {len(catalog.anchors)} anchor portfolios, {items} items"
    )


@banks_cli.command("lint")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--twin-threshold",
    type=click.FloatRange(0, 1, min_open=True),
    default=NEAR_TWIN,
    show_default=True,
    help="Stem similarity at which two items count as near-twins.",
)
def lint_command(paths: tuple[str, ...], twin_threshold: float) -> None:
    """Check the item-writing guidelines and the pools' separation; exit 1 if anything breaks one."""
    catalog = load_catalog(paths)
    if catalog.problems:
        for problem in catalog.problems:
            click.echo(str(problem))
        click.echo("fix these validation problems first", err=True)
        raise SystemExit(1)
    banks = catalog.all_banks()
    problems = [
        *lint_banks(banks),
        *crowded_cells(banks, catalog.assessments),
        *pool_problems(banks, catalog.assessments, threshold=twin_threshold),
    ]
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} guideline problem{'s' if len(problems) != 1 else ''}", err=True)
        raise SystemExit(1)
    click.echo(f"ok: {sum(len(b.items) for b in catalog.all_banks())} items follow the guidelines")


@banks_cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--bank", "bank_id", default="", help="Bank id for files that do not name one (default: file name).")
@click.option("--title", default="", help="Bank title for files that do not name one.")
@click.option("--competency", default="", help="Competency code for items whose category names none.")
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="CATEGORY=CODE",
    help="The competency for the items of a category (repeatable); CATEGORY empty for items without one.",
)
@click.option("--dry-run", is_flag=True, help="Print what the import would do, item by item, and store nothing.")
def import_command(
    paths: tuple[str, ...], bank_id: str, title: str, competency: str, mappings: tuple[str, ...], dry_run: bool
) -> None:
    """Import bank files (GIFT, Aiken, Moodle XML, QTI 1.2/2.x/3.0, YAML; the format is read from the content).

    Each file imports every item it can, and the report says what happened to each (added, changed,
    unchanged, retired, skipped and why). Exit status 1 when a file could not be imported at all.
    """
    category_map = _mappings(mappings)
    failed = 0
    with write_intent():
        for path in paths:
            options = {"bank_id": bank_id, "title": title, "default_competency": competency}
            data = Path(path).read_bytes()
            if dry_run:
                found = preview_file(path, data, category_map=category_map, **options)
            else:
                found = import_file_report(path, data, category_map=category_map, **options)
            for line in report_lines(found):
                click.echo(line, err=line.startswith("error"))
            if not found.imported_anything:
                failed += 1
                click.echo(f"{path}: {'nothing would be imported' if dry_run else 'not imported'}", err=True)
        if dry_run:
            db.session.rollback()
            click.echo("dry run: nothing was stored")
        else:
            db.session.commit()
    if failed:
        raise SystemExit(1)


def _mappings(mappings: tuple[str, ...]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for mapping in mappings:
        category, sep, code = mapping.rpartition("=")
        if not sep or not code.strip():
            raise click.BadParameter(f"{mapping!r}: write CATEGORY=CODE, such as 'Week 3 quiz=RA'", param_hint="--map")
        chosen[category.strip()] = code.strip()
    return chosen


def report_lines(found: FileImport) -> list[str]:
    """The import report of one file, a line per item and per problem, as the admin page shows it."""
    lines = [f"{found.filename}: read as {found.detected.label} ({found.detected.note})"]
    lines += [f"error: {problem}" for problem in found.errors]
    if found.result is not None:
        lines.append(f"{found.filename}: bank {found.result.bank}: {found.result.summary()}")
        for outcome in found.result.outcomes:
            notes = [*outcome.reasons, *found.item_warnings(outcome.ref)]
            if outcome.needs_rationale:
                notes.insert(0, "needs rationale")
            kind = f" {outcome.type}" if outcome.type else ""
            lines.append(f"  {outcome.action:<9} {outcome.ref}{kind}" + (f": {'; '.join(notes)}" if notes else ""))
        if found.media:
            lines.append(f"  {found.media} image(s) shown by the items")
    for category, count in sorted(found.unmapped.items()):
        name = repr(category) if category else "(no category)"
        lines.append(
            f"  category {name}: {count} item(s) wait for a competency; choose one with --map {category!r}=CODE"
            if category
            else f"  {name}: {count} item(s) wait for a competency; choose one with --competency CODE"
        )
    lines += [f"warning: {problem}" for problem in found.file_warnings]
    return lines


@banks_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(sorted(EXPORT_FORMATS)), required=True)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(),
    help="A directory (one file per bank) or, with one --bank, a file.",
)
@click.option("--bank", "slugs", multiple=True, help="Export only these banks (repeatable). Default: every bank.")
def export_command(fmt: str, out: str, slugs: tuple[str, ...]) -> None:
    """Export banks as YAML, GIFT or a QTI 3.0 package; warnings say what the format cannot hold."""
    stored = {bank.slug: bank for bank, _count in bank_service.banks()}
    unknown = [s for s in slugs if s not in stored]
    if unknown:
        raise click.BadParameter(
            f"no bank {', '.join(unknown)}; known: {', '.join(sorted(stored))}", param_hint="--bank"
        )
    chosen = [stored[s] for s in slugs] if slugs else list(stored.values())
    if not chosen:
        raise click.ClickException("there are no banks to export; run `flask certify seed` first")
    target = Path(out)
    single_file = len(chosen) == 1 and target.suffix != "" and not target.is_dir()
    if not single_file:
        target.mkdir(parents=True, exist_ok=True)
    for bank in chosen:
        data, warnings = export_bank(bank_service.bank_as_spec(bank), fmt)
        path = target if single_file else target / f"{bank.slug}{EXPORT_FORMATS[fmt]}"
        path.write_bytes(data)
        for warning in warnings:
            click.echo(str(warning), err=True)
        click.echo(f"wrote {path} ({len(bank_service.bank_as_spec(bank).items)} items)")


attempts_cli = AppGroup("attempts", help="Exam attempts.")


@attempts_cli.command("finalize-overdue")
def finalize_overdue_command() -> None:
    """Score every attempt whose time and grace period are over, from its saved answers."""
    from certify.assessments.attempts import finalise_overdue
    from certify.database import utcnow

    with write_intent():
        count = finalise_overdue(utcnow())
        db.session.commit()
    click.echo(f"finalised {count} overdue attempt{'s' if count != 1 else ''}")
