"""Reading the assessments feature: competencies, assessments, banks and items (pools, search, history), exports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from certify.assessments.models import (
    AT_CURRENT_VERSION,
    Assessment,
    Bank,
    Competency,
    Item,
    ItemMedia,
    ItemVersion,
)
from certify.core.banks import Bank as BankSpec
from certify.core.banks import Item as ItemSpec
from certify.core.items import DRAWN, IN_REVIEW
from certify.core.media import MEDIA_REF, Media
from certify.extensions import db
from certify.storage import Blob

PAGE_SIZE = 50


def competencies() -> list[Competency]:
    """Every competency in the framework's order (the one place that order is decided)."""
    return list(db.session.scalars(select(Competency).order_by(Competency.position, Competency.code)))


def banks() -> list[tuple[Bank, int]]:
    """Every bank with its number of non-retired items."""
    counts = dict(
        db.session.execute(
            select(Item.bank_id, func.count())
            .join(ItemVersion, AT_CURRENT_VERSION)
            .where(ItemVersion.status != "retired")
            .group_by(Item.bank_id)
        ).all()
    )
    return [(bank, counts.get(bank.id, 0)) for bank in db.session.scalars(select(Bank).order_by(Bank.slug))]


def assessment_by_slug(slug: str) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.slug == slug))


def bank_by_slug(slug: str) -> Bank | None:
    return db.session.scalar(select(Bank).where(Bank.slug == slug))


def current_versions(bank_slug: str, statuses: tuple[str, ...] = ("live",)) -> list[ItemVersion]:
    """The current version of each item in a bank with one of the statuses, in authored order."""
    return list(
        db.session.scalars(
            select(ItemVersion)
            .join(Item, AT_CURRENT_VERSION)
            .join(Bank)
            .where(Bank.slug == bank_slug, ItemVersion.status.in_(statuses))
            .order_by(Item.id)  # the order items were first authored in
        )
    )


def bank_as_spec(bank: Bank, *, include_retired: bool = False) -> BankSpec:
    """A stored bank as the core Bank it was imported from (for export).

    Items in review are exported too: a bank exported, edited and imported again must not retire them.
    """
    statuses = (*IN_REVIEW, *DRAWN, "retired") if include_retired else (*IN_REVIEW, *DRAWN)
    items = tuple(ItemSpec.from_content(v.content) for v in current_versions(bank.slug, statuses))
    return BankSpec(
        bank.slug, bank.title, bank.purpose, items, f"{bank.slug}.yaml", bank.description, media=_media_of(items)
    )


def _media_of(items: tuple[ItemSpec, ...]) -> dict[str, Media]:
    """The stored files the items show, for formats that carry them (QTI packages, Moodle XML)."""
    named = sorted({digest for item in items for digest in MEDIA_REF.findall(repr(item.content()))})
    if not named:
        return {}
    rows = db.session.execute(
        select(ItemMedia.sha256, ItemMedia.name, Blob.data, Blob.mime)
        .join(Blob, Blob.sha256 == ItemMedia.sha256)
        .where(ItemMedia.sha256.in_(named))
    )
    return {digest: Media(data, mime, name) for digest, name, data, mime in rows}


@dataclass(frozen=True)
class ItemPage:
    rows: list[tuple[Item, ItemVersion]]
    total: int
    page: int
    pages: int


def search_items(
    *, text: str = "", competency: str = "", item_type: str = "", status: str = "", bank: str = "", page: int = 1
) -> ItemPage:
    """Current item versions filtered by competency, type, status, bank and text in id, title or stem."""
    query = select(Item, ItemVersion).join(ItemVersion, AT_CURRENT_VERSION).join(Bank)
    if competency:
        query = query.where(ItemVersion.competency_code == competency)
    if item_type:
        query = query.where(ItemVersion.type == item_type)
    if status:
        query = query.where(ItemVersion.status == status)
    if bank:
        query = query.where(Bank.slug == bank)
    if text.strip():
        like = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(Item.ref).like(like), func.lower(ItemVersion.stem).like(like)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = db.session.execute(query.order_by(Item.ref).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return ItemPage([(row[0], row[1]) for row in rows], total, page, pages)


def item_by_ref(ref: str) -> Item | None:
    return db.session.scalar(select(Item).where(Item.ref == ref))


def pool_counts(assessment: Assessment) -> Counter[tuple[str, str]]:
    """Live items available to an assessment, by (competency, Bloom level)."""
    rows = db.session.execute(
        select(ItemVersion.competency_code, ItemVersion.bloom, func.count())
        .join(Item, AT_CURRENT_VERSION)
        .join(Bank)
        .where(Bank.slug.in_(assessment.banks), ItemVersion.status == "live")
        .group_by(ItemVersion.competency_code, ItemVersion.bloom)
    ).all()
    return Counter({(c, b): n for c, b, n in rows})


def live_pool_ids(assessment: Assessment) -> dict[tuple[str, str], list[int]]:
    """The live current item version ids the blueprint draws from, by (competency, Bloom level), in id order."""
    rows = db.session.execute(
        select(ItemVersion.id, ItemVersion.competency_code, ItemVersion.bloom)
        .join(Item, AT_CURRENT_VERSION)
        .join(Bank)
        .where(Bank.slug.in_(assessment.banks), ItemVersion.status == "live")
        .order_by(ItemVersion.id)
    ).all()
    pool: dict[tuple[str, str], list[int]] = {}
    for vid, code, bloom in rows:
        pool.setdefault((code, bloom), []).append(vid)
    return pool


def pilots_per_form(assessment: Assessment) -> int:
    """Unscored pilot items a form carries: as many as configured, when the pool holds that many pilots."""
    if not assessment.pilot_items:
        return 0
    codes = {cell["competency"] for cell in assessment.blueprint}
    available = db.session.scalar(
        select(func.count())
        .select_from(ItemVersion)
        .join(Item, AT_CURRENT_VERSION)
        .join(Bank)
        .where(Bank.slug.in_(assessment.banks), ItemVersion.status == "pilot", ItemVersion.competency_code.in_(codes))
    )
    return min(assessment.pilot_items, int(available or 0))


def not_launched() -> list[tuple[Assessment, str]]:
    """Certification exams candidates cannot start whatever their standing, with the reason (a placeholder cut)."""
    blocked = ((a, a.launch_blocker) for a in assessments())
    return [(a, reason) for a, reason in blocked if reason]


def not_launched_count() -> int:
    return len(not_launched())


def assessments() -> list[Assessment]:
    return list(db.session.scalars(select(Assessment).order_by(Assessment.kind, Assessment.title)))
