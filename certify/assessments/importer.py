"""Storing banks: new items, new immutable versions for changed ones, retirement for removed ones."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from certify.assessments.models import Bank, Item, ItemVersion
from certify.core.banks import Bank as BankSpec
from certify.core.banks import Item as ItemSpec
from certify.core.source import Problem
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


def _version_row(item: Item, number: int, spec: ItemSpec, source: str) -> ItemVersion:
    return ItemVersion(
        item=item,
        version=number,
        content_hash=spec.content_hash(),
        type=spec.type,
        competency_code=spec.competency,
        bloom=spec.bloom,
        status=spec.status,
        stem=spec.stem,
        content=spec.content(),
        source=source[:300],
    )


def import_bank(spec: BankSpec, *, source: str = "") -> ImportResult:
    """Store a parsed bank (flushes, never commits). Raises ImportRefused on conflicts."""
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

    refs = [item.ref for item in spec.items]
    existing: dict[str, Item] = {}
    for chunk_start in range(0, len(refs), 500):
        chunk = refs[chunk_start : chunk_start + 500]
        existing.update({i.ref: i for i in db.session.scalars(select(Item).where(Item.ref.in_(chunk)))})
    conflicts = [
        Problem(spec.file, item.line, f"item {item.ref!r} already belongs to another bank")
        for item in spec.items
        if item.ref in existing and existing[item.ref].bank_id != bank.id
    ]
    if conflicts:
        raise ImportRefused(conflicts)
    for item in db.session.scalars(select(Item).where(Item.bank_id == bank.id)):
        existing.setdefault(item.ref, item)
    current = {
        (v.item_id, v.version): v
        for v in db.session.scalars(
            select(ItemVersion).join(Item).where(Item.bank_id == bank.id, ItemVersion.version == Item.current_version)
        )
    }

    result = ImportResult(spec.id)
    new_rows: list[object] = []
    in_file = set(refs)
    for item_spec in spec.items:
        stored = existing.get(item_spec.ref)
        if stored is None:
            row = Item(bank=bank, ref=item_spec.ref, current_version=1)
            new_rows += [row, _version_row(row, 1, item_spec, source)]
            result.added[item_spec.type] += 1
            continue
        latest = current.get((stored.id, stored.current_version))
        if latest is not None and latest.content_hash == item_spec.content_hash():
            result.unchanged[item_spec.type] += 1
            continue
        stored.current_version += 1
        new_rows.append(_version_row(stored, stored.current_version, item_spec, source))
        result.changed[item_spec.type] += 1
    for ref, stored in existing.items():
        latest = current.get((stored.id, stored.current_version))
        if ref in in_file or latest is None or latest.status == "retired":
            continue
        retired = ItemSpec.from_content({**latest.content, "status": "retired"})
        stored.current_version += 1
        new_rows.append(_version_row(stored, stored.current_version, retired, source))
        result.retired[latest.type] += 1
    db.session.add_all(new_rows)
    db.session.flush()
    return result


def import_file(
    filename: str, data: bytes, *, bank_id: str = "", title: str = "", default_competency: str = ""
) -> tuple[ImportResult | None, list[Problem]]:
    """Parse and store one file, all or nothing (a savepoint). Returns (result or None, problems)."""
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
    try:
        with db.session.begin_nested():
            result = import_bank(spec, source=filename)
    except ImportRefused as exc:
        return None, exc.problems
    result.warnings = [p for p in problems if p.severity != "error"]
    return result, result.warnings
