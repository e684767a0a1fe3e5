"""Storing banks: new items, new immutable versions for changed ones, retirement for removed ones.

`plan_bank` says, item by item, what storing a parsed bank would do (added, changed, unchanged, retired, or
skipped with the reason) without writing; `import_bank` does it. Both classify the same way, so the preview
an admin confirms is what the import then does. An item that cannot be stored (it belongs to another bank,
it names an enemy nobody knows) is skipped, never the whole file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from certify.assessments.models import AT_CURRENT_VERSION, Bank, Item, ItemVersion
from certify.core.banks import Bank as BankSpec
from certify.core.banks import Item as ItemSpec
from certify.core.imports import needs_rationale
from certify.core.source import Problem
from certify.database import utcnow
from certify.extensions import db

ACTIONS = ("added", "changed", "unchanged", "retired", "skipped")


class ImportRefused(ValueError):
    """The file conflicts with what is stored as a whole; nothing from it was imported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Outcome:
    """What an import does with one item of the file (or one stored item the file no longer holds)."""

    action: str  # one of ACTIONS
    ref: str
    type: str = ""
    title: str = ""
    line: int = 0
    reasons: tuple[str, ...] = ()  # why it is skipped, or what was lost or needs doing
    needs_rationale: bool = False


@dataclass
class ImportResult:
    bank: str
    added: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    retired: Counter[str] = field(default_factory=Counter)
    skipped: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def record(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        if outcome.action == "skipped":
            self.skipped += 1
        else:
            getattr(self, outcome.action)[outcome.type] += 1

    @property
    def stored(self) -> int:
        """Items the file leaves in the bank (added, changed or unchanged): 0 means nothing was imported."""
        return sum(self.added.values()) + sum(self.changed.values()) + sum(self.unchanged.values())

    def summary(self) -> str:
        def part(name: str, counts: Counter[str]) -> str:
            detail = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
            return f"{sum(counts.values())} {name}" + (f" ({detail})" if detail else "")

        parts = [
            part(name, counts)
            for name, counts in (
                ("added", self.added),
                ("changed", self.changed),
                ("unchanged", self.unchanged),
                ("retired", self.retired),
            )
        ]
        return "; ".join(parts + ([f"{self.skipped} skipped"] if self.skipped else []))


@dataclass(frozen=True)
class _Stored:
    item_id: int
    bank_id: int
    version: int
    content_hash: str
    status: str
    type: str


@dataclass
class _Plan:
    result: ImportResult
    bank: Bank | None
    new: list[ItemSpec] = field(default_factory=list)
    changed: list[tuple[_Stored, ItemSpec]] = field(default_factory=list)
    retire: list[_Stored] = field(default_factory=list)


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


_CURRENT = select(
    Item.ref,
    Item.id,
    Item.bank_id,
    Item.current_version,
    ItemVersion.content_hash,
    ItemVersion.status,
    ItemVersion.type,
).join(ItemVersion, AT_CURRENT_VERSION)


def _stored(spec: BankSpec, bank: Bank | None) -> dict[str, _Stored]:
    """Every stored item the file names (in any bank) or the bank holds, by ref."""
    refs = [item.ref for item in spec.items]
    stored: dict[str, _Stored] = {}
    for start in range(0, len(refs), 500):
        for ref, *rest in db.session.execute(_CURRENT.where(Item.ref.in_(refs[start : start + 500]))):
            stored[ref] = _Stored(*rest)
    if bank is not None:
        for ref, *rest in db.session.execute(_CURRENT.where(Item.bank_id == bank.id)):
            stored.setdefault(ref, _Stored(*rest))
    return stored


def _known_enemies(spec: BankSpec, stored: dict[str, _Stored]) -> set[str]:
    named = sorted({enemy for item in spec.items for enemy in item.enemies} - {i.ref for i in spec.items})
    known = set(stored) | {item.ref for item in spec.items}
    for start in range(0, len(named), 500):
        known |= set(db.session.scalars(select(Item.ref).where(Item.ref.in_(named[start : start + 500]))))
    return known


def plan_bank(spec: BankSpec, *, kept: frozenset[str] = frozenset(), check_enemies: bool = False) -> _Plan:
    """What storing `spec` does, item by item, without writing. Raises ImportRefused for a whole-file conflict.

    `kept`: refs the file held but could not be read (skipped by the reader); they are not retired.
    `check_enemies`: skip an item naming an enemy that is neither in the file nor stored (an uploaded file;
    the seeded catalog checks its enemies across all its banks before loading them one by one).
    """
    bank = db.session.scalar(select(Bank).where(Bank.slug == spec.id))
    if bank is not None and bank.purpose != spec.purpose:
        message = f"bank {spec.id!r} is stored with purpose {bank.purpose!r}; this file says {spec.purpose!r}"
        raise ImportRefused([Problem(spec.file, spec.line, message)])
    stored = _stored(spec, bank)
    known = _known_enemies(spec, stored) if check_enemies else None
    plan = _Plan(ImportResult(spec.id), bank)
    for item in spec.items:
        row = stored.get(item.ref)
        base = {"ref": item.ref, "type": item.type, "title": item.title, "line": item.line}
        unknown = [enemy for enemy in item.enemies if enemy not in known] if known is not None else []
        if row is not None and (bank is None or row.bank_id != bank.id):
            plan.result.record(Outcome("skipped", reasons=("it already belongs to another bank",), **base))
        elif unknown:
            reason = f"its enemy {', '.join(map(repr, unknown))} is not a known item id (import that item first)"
            plan.result.record(Outcome("skipped", reasons=(reason,), **base))
        else:
            action = "added" if row is None else "unchanged" if row.content_hash == item.content_hash() else "changed"
            plan.result.record(Outcome(action, needs_rationale=needs_rationale(item.rationale), **base))
            if row is None:
                plan.new.append(item)
            elif action == "changed":
                plan.changed.append((row, item))
    in_file = {item.ref for item in spec.items} | kept
    for ref, row in stored.items():
        if bank is not None and row.bank_id == bank.id and ref not in in_file and row.status != "retired":
            plan.retire.append(row)
            plan.result.record(Outcome("retired", ref, row.type, reasons=("the file no longer holds it",)))
    return plan


def import_bank(
    spec: BankSpec,
    *,
    source: str = "",
    author_id: int | None = None,
    kept: frozenset[str] = frozenset(),
    strict: bool = False,
    check_enemies: bool = False,
) -> ImportResult:
    """Store a parsed bank as `plan_bank` describes it (flushes, never commits). Raises ImportRefused.

    `author_id` is recorded as the author of every version this import adds or changes (None: the command line);
    a retirement is no writing, so retired versions carry no author.

    `strict` (our own content, seeded): an item that would be skipped refuses the whole file instead.
    Written with bulk statements: a 10,000-item bank must import in seconds.
    """
    plan = plan_bank(spec, kept=kept, check_enemies=check_enemies)
    if strict and plan.result.skipped:
        raise ImportRefused(
            [
                Problem(spec.file, o.line, f"item {o.ref!r}: {'; '.join(o.reasons)}")
                for o in plan.result.outcomes
                if o.action == "skipped"
            ]
        )
    bank = plan.bank
    if bank is None:
        bank = Bank(slug=spec.id, title=spec.title, purpose=spec.purpose, description=spec.description)
        db.session.add(bank)
    bank.title, bank.description, bank.source = spec.title, spec.description, source[:300]
    bank.updated_at = utcnow()
    db.session.flush()

    now = utcnow()
    versions = [
        _version_values(row.item_id, row.version + 1, item, source, now, author_id) for row, item in plan.changed
    ]
    bumps = [{"id": row.item_id, "current_version": row.version + 1} for row, _item in plan.changed]
    if plan.retire:
        contents = dict(
            db.session.execute(
                select(ItemVersion.item_id, ItemVersion.content)
                .join(Item, AT_CURRENT_VERSION)
                .where(Item.id.in_([row.item_id for row in plan.retire]))
            ).all()
        )
        for row in plan.retire:
            retired = ItemSpec.from_content({**contents[row.item_id], "status": "retired"})
            versions.append(_version_values(row.item_id, row.version + 1, retired, source, now))
            bumps.append({"id": row.item_id, "current_version": row.version + 1})
    if plan.new:
        ids = dict(
            db.session.execute(
                insert(Item).returning(Item.ref, Item.id, sort_by_parameter_order=True),
                [{"bank_id": bank.id, "ref": s.ref, "current_version": 1, "created_at": now} for s in plan.new],
            ).all()
        )
        versions.extend(_version_values(ids[s.ref], 1, s, source, now, author_id) for s in plan.new)
    if versions:
        db.session.execute(insert(ItemVersion), versions)
    if bumps:
        db.session.execute(update(Item), bumps)
    db.session.expire_all()
    return plan.result
