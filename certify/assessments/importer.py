"""Storing banks: new items, new immutable versions for changed ones, retirement for removed ones."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from certify.assessments.models import AT_CURRENT_VERSION, Bank, Item, ItemVersion
from certify.core.bank_refs import unknown_enemies
from certify.core.banks import Bank as BankSpec
from certify.core.banks import Item as ItemSpec
from certify.core.source import Problem
from certify.database import utcnow
from certify.extensions import db


class ImportRefused(ValueError):
    """The file conflicts with what is stored; nothing from it was imported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class ImportResult:
    bank: str
    added: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    retired: Counter[str] = field(default_factory=Counter)
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        def part(name: str, counts: Counter[str]) -> str:
            detail = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
            return f"{sum(counts.values())} {name}" + (f" ({detail})" if detail else "")

        return "; ".join(
            part(name, counts)
            for name, counts in (
                ("added", self.added),
                ("changed", self.changed),
                ("unchanged", self.unchanged),
                ("retired", self.retired),
            )
        )


def _version_values(
    item_id: int, number: int, spec: ItemSpec, source: str, now: datetime, author_id: int | None = None
) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "version": number,
        "content_hash": spec.content_hash(),
        "type": spec.type,
        "competency_code": spec.competency,
        "bloom": spec.bloom,
        "status": spec.status,
        "stem": spec.stem,
        "content": spec.content(),
        "source": source[:300],
        "author_id": author_id,
        "created_at": now,
    }


def import_bank(spec: BankSpec, *, source: str = "", author_id: int | None = None) -> ImportResult:
    """Store a parsed bank (flushes, never commits). Raises ImportRefused on conflicts.

    `author_id` is recorded as the author of every version this import adds or changes (None: the command line);
    a retirement is no writing, so retired versions carry no author.

    Written with bulk statements: a 10,000-item bank must import in seconds.
    """
    bank = db.session.scalar(select(Bank).where(Bank.slug == spec.id))
    if bank is None:
        bank = Bank(slug=spec.id, title=spec.title, purpose=spec.purpose, description=spec.description)
        db.session.add(bank)
        db.session.flush()
    elif bank.purpose != spec.purpose:
        raise ImportRefused(
            [
                Problem(
                    spec.file,
                    spec.line,
                    f"bank {spec.id!r} is stored with purpose {bank.purpose!r}; this file says {spec.purpose!r}",
                )
            ]
        )
    bank.title, bank.description, bank.source = spec.title, spec.description, source[:300]
    bank.updated_at = utcnow()
    db.session.flush()

    # Every stored item this file names or this bank holds: id, bank, current version's hash and status.
    refs = [item.ref for item in spec.items]
    stored: dict[str, tuple[int, int, int, str, str]] = {}
    current = select(
        Item.ref, Item.id, Item.bank_id, Item.current_version, ItemVersion.content_hash, ItemVersion.status
    ).join(ItemVersion, AT_CURRENT_VERSION)
    for start in range(0, len(refs), 500):
        for ref, *rest in db.session.execute(current.where(Item.ref.in_(refs[start : start + 500]))):
            stored[ref] = tuple(rest)  # type: ignore[assignment]
    for ref, *rest in db.session.execute(current.where(Item.bank_id == bank.id)):
        stored.setdefault(ref, tuple(rest))  # type: ignore[arg-type]
    conflicts = [
        Problem(spec.file, item.line, f"item {item.ref!r} already belongs to another bank")
        for item in spec.items
        if item.ref in stored and stored[item.ref][1] != bank.id
    ]
    if conflicts:
        raise ImportRefused(conflicts)

    result = ImportResult(spec.id)
    now = utcnow()
    new_specs: list[ItemSpec] = []
    versions: list[dict[str, Any]] = []
    bumps: list[dict[str, Any]] = []
    for item_spec in spec.items:
        row = stored.get(item_spec.ref)
        if row is None:
            new_specs.append(item_spec)
            result.added[item_spec.type] += 1
        elif row[3] == item_spec.content_hash():
            result.unchanged[item_spec.type] += 1
        else:
            versions.append(_version_values(row[0], row[2] + 1, item_spec, source, now, author_id))
            bumps.append({"id": row[0], "current_version": row[2] + 1})
            result.changed[item_spec.type] += 1
    in_file = set(refs)
    to_retire = [(ref, row) for ref, row in stored.items() if ref not in in_file and row[4] != "retired"]
    if to_retire:
        contents = dict(
            db.session.execute(
                select(ItemVersion.item_id, ItemVersion.content)
                .join(Item, AT_CURRENT_VERSION)
                .where(Item.id.in_([row[0] for _ref, row in to_retire]))
            ).all()
        )
        for _ref, row in to_retire:
            retired = ItemSpec.from_content({**contents[row[0]], "status": "retired"})
            versions.append(_version_values(row[0], row[2] + 1, retired, source, now))
            bumps.append({"id": row[0], "current_version": row[2] + 1})
            result.retired[retired.type] += 1

    if new_specs:
        ids = dict(
            db.session.execute(
                insert(Item).returning(Item.ref, Item.id, sort_by_parameter_order=True),
                [{"bank_id": bank.id, "ref": s.ref, "current_version": 1, "created_at": now} for s in new_specs],
            ).all()
        )
        versions.extend(_version_values(ids[s.ref], 1, s, source, now, author_id) for s in new_specs)
    if versions:
        db.session.execute(insert(ItemVersion), versions)
    if bumps:
        db.session.execute(update(Item), bumps)
    db.session.expire_all()
    return result


def _unknown_enemies(spec: BankSpec) -> list[Problem]:
    """Enemies named in the file that are neither in it nor stored already (in any bank)."""
    named = sorted({enemy for item in spec.items for enemy in item.enemies})
    stored = set(db.session.scalars(select(Item.ref).where(Item.ref.in_(named)))) if named else set()
    return unknown_enemies([spec], stored)


def import_file(
    filename: str,
    data: bytes,
    *,
    bank_id: str = "",
    title: str = "",
    default_competency: str = "",
    author_id: int | None = None,
) -> tuple[ImportResult | None, list[Problem]]:
    """Parse and store one file, all or nothing (a savepoint). Returns (result or None, problems).

    `author_id`: the user uploading it, recorded as the author of the versions it adds; None from the command line.
    """
    from certify.assessments.formats import read_bank_file
    from certify.assessments.models import Competency

    codes = set(db.session.scalars(select(Competency.code)))
    if not codes:
        return None, [Problem(filename, 0, "no competencies are loaded yet; run `flask certify seed` first")]
    spec, problems = read_bank_file(
        filename, data, competencies=codes, bank_id=bank_id, title=title, default_competency=default_competency
    )
    errors = [p for p in problems if p.severity == "error"]
    if spec is None or errors:
        return None, problems or [Problem(filename, 0, "nothing could be read from this file")]
    unknown = _unknown_enemies(spec)
    if unknown:
        return None, problems + unknown
    try:
        with db.session.begin_nested():
            result = import_bank(spec, source=filename, author_id=author_id)
    except ImportRefused as exc:
        return None, exc.problems
    result.warnings = [p for p in problems if p.severity != "error"]
    return result, result.warnings
