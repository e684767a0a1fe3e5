"""Importing a bank file an admin brings: read it in the format its content shows, say item by item what the
import will do, and do it when asked.

`preview_file` and `import_file` read and classify a file the same way (`certify.assessments.importer`), so
what the preview lists is what the confirmed import stores: items added, changed, unchanged, retired, and the
ones skipped with the reason (the reader could not use them, they belong to another bank, their category has
no competency yet). Skipped items never stop the rest. The files items show (images) are stored with the
items that show them. Flushes, never commits: the caller commits, or rolls back a preview's savepoint.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from certify import storage
from certify.assessments.formats import read_bank_file
from certify.assessments.importer import ImportRefused, ImportResult, Outcome, import_bank, plan_bank
from certify.assessments.models import Competency, ItemMedia
from certify.core.banks import Bank as BankSpec
from certify.core.imports import asks_competency
from certify.core.media import MEDIA_REF, Media
from certify.core.source import Problem
from certify.extensions import db
from certify.interop.detect import Detected, detect_format


class _NothingStored(Exception):
    def __init__(self, result: ImportResult) -> None:
        super().__init__("nothing stored")
        self.result = result


@dataclass
class FileImport:
    """One file's import (or preview): what was detected, what happens to each item, and every problem."""

    filename: str
    detected: Detected
    result: ImportResult | None  # None: nothing in the file can be imported
    problems: list[Problem] = field(default_factory=list)  # errors, skipped items and warnings, in file order
    unmapped: Counter[str] = field(default_factory=Counter)  # category -> items waiting for a competency
    media: int = 0  # files (images) the imported items show
    bank_title: str = ""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def file_warnings(self) -> list[Problem]:
        """Warnings about the file as a whole (an item's own warnings are listed with its outcome)."""
        named = {o.ref for o in self.result.outcomes} if self.result else set()
        return [p for p in self.problems if p.severity == "warning" and p.item not in named]

    def item_warnings(self, ref: str) -> list[str]:
        return [p.message for p in self.problems if p.severity == "warning" and p.item == ref]

    @property
    def imported_anything(self) -> bool:
        return self.result is not None and self.result.stored > 0


def _competencies() -> dict[str, str]:
    return dict(db.session.execute(select(Competency.code, Competency.title)).tuples().all())


@dataclass(frozen=True)
class _Options:
    bank_id: str
    title: str
    default_competency: str
    category_map: Mapping[str, str] | None


def _read(filename: str, data: bytes, options: _Options) -> tuple[FileImport, BankSpec | None]:
    detected = detect_format(filename, data)
    found = FileImport(filename, detected, None)
    codes = _competencies()
    if not codes:
        found.problems = [Problem(filename, 0, "no competencies are loaded yet; run `flask certify seed` first")]
        return found, None
    spec, problems = read_bank_file(
        filename,
        data,
        competencies=codes,
        bank_id=options.bank_id,
        title=options.title,
        default_competency=options.default_competency,
        category_map=options.category_map,
        detected=detected,
    )
    found.problems = list(problems)
    found.unmapped = Counter(p.category for p in problems if asks_competency(p))
    if spec is None or found.errors:
        if not found.errors:
            found.problems.append(Problem(filename, 0, "nothing could be read from this file"))
        return found, None
    found.bank_title = spec.title
    return found, spec


def _with_reader_skips(found: FileImport, result: ImportResult) -> None:
    for problem in found.problems:
        if problem.severity == "skip":
            reason = problem.message.removeprefix(f"{problem.item}: ") if problem.item else problem.message
            result.record(
                Outcome("skipped", problem.item or f"line {problem.line}", line=problem.line, reasons=(reason,))
            )
    result.warnings = [p for p in found.problems if p.severity == "warning"]


def _media_shown(spec: BankSpec) -> dict[str, Media]:
    """The files the bank's items name (`media:<sha256>`) that came with it."""
    named = {digest for item in spec.items for digest in MEDIA_REF.findall(repr(item.content()))}
    return {digest: spec.media[digest] for digest in sorted(named) if digest in spec.media}


def _store_media(media: Mapping[str, Media]) -> None:
    """Keep each file as a blob, listed as item media (the only blobs /media/<sha256> serves)."""
    known = set(db.session.scalars(select(ItemMedia.sha256).where(ItemMedia.sha256.in_(list(media)))))
    for digest, file in media.items():
        storage.put(file.data, file.mime)
        if digest not in known:
            db.session.add(ItemMedia(sha256=digest, mime=file.mime, name=file.name[:255]))
    db.session.flush()


def preview_file(
    filename: str,
    data: bytes,
    *,
    bank_id: str = "",
    title: str = "",
    default_competency: str = "",
    category_map: Mapping[str, str] | None = None,
) -> FileImport:
    """What importing the file would do, item by item; writes nothing."""
    options = _Options(bank_id, title, default_competency, category_map)
    return _run(filename, data, options, store=False)


def import_file_report(
    filename: str,
    data: bytes,
    *,
    bank_id: str = "",
    title: str = "",
    default_competency: str = "",
    category_map: Mapping[str, str] | None = None,
    author_id: int | None = None,
) -> FileImport:
    """Import what the file allows, in a savepoint (all of it or none), and say what happened to each item.

    `author_id`: the user uploading it, recorded as the author of the versions it adds; None from the command line.
    """
    options = _Options(bank_id, title, default_competency, category_map)
    return _run(filename, data, options, store=True, author_id=author_id)


def _run(filename: str, data: bytes, options: _Options, *, store: bool, author_id: int | None = None) -> FileImport:
    """Read the file and plan it (`store` False) or store it: the same classification either way."""
    found, spec = _read(filename, data, options)
    if spec is None:
        return found
    media = _media_shown(spec)
    try:
        if not store:
            result = plan_bank(spec, kept=_kept(found), check_enemies=True).result
        else:
            with db.session.begin_nested():
                result = import_bank(spec, source=filename, author_id=author_id, kept=_kept(found), check_enemies=True)
                if result.stored == 0:
                    raise _NothingStored(result)  # leaves no empty bank behind
                _store_media(media)
    except ImportRefused as exc:
        found.problems.extend(exc.problems)
        return found
    except _NothingStored as nothing:
        result, media = nothing.result, {}
    _with_reader_skips(found, result)
    found.result, found.media = result, len(media)
    return found


def _kept(found: FileImport) -> frozenset[str]:
    """Items the reader skipped: stored ones by those ids stay as they are rather than being retired."""
    return frozenset(p.item for p in found.problems if p.severity == "skip" and p.item)


def import_file(
    filename: str,
    data: bytes,
    *,
    bank_id: str = "",
    title: str = "",
    default_competency: str = "",
    category_map: Mapping[str, str] | None = None,
    author_id: int | None = None,
) -> tuple[ImportResult | None, list[Problem]]:
    """`import_file_report` as (result, problems); the result is None when nothing could be imported."""
    options = _Options(bank_id, title, default_competency, category_map)
    found = _run(filename, data, options, store=True, author_id=author_id)
    if not found.imported_anything and not found.errors:
        found.problems.append(Problem(filename, 0, "nothing in this file could be imported (see the skipped items)"))
    return (found.result if found.imported_anything else None), found.problems
