"""What a reviewer reads before signing an item version off: its lint findings and its near-twins in the pools.

Lint is `banks lint`'s item-writing check (`certify.core.lint`) run on a bank holding this one item. Near-twins
are the live and pilot items of every bank whose stem is at least `NEAR_TWIN` alike
(`certify.core.similarity`, the measure `banks lint` uses to keep pools apart): a draft that repeats an item
already in use would give candidates a second look at it, or measure the same thing twice on one form.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from certify.assessments.models import AT_CURRENT_VERSION, Bank, Item, ItemVersion
from certify.core.banks import Bank as BankSpec
from certify.core.banks import Item as ItemSpec
from certify.core.items import DRAWN
from certify.core.lint import lint_bank
from certify.core.similarity import NEAR_TWIN, cosine, terms
from certify.extensions import db

MAX_TWINS = 10


@dataclass(frozen=True)
class Twin:
    """A live or pilot item whose stem is close to the one under review."""

    ref: str
    bank: str
    pool: str  # the bank's purpose: certification, practice, diagnostic or knowledge_check
    status: str
    similarity: float


@dataclass(frozen=True)
class Findings:
    lint: list[str]
    twins: list[Twin]
    threshold: float = NEAR_TWIN

    @property
    def present(self) -> bool:
        """Whether there is anything the reviewer must say they have read."""
        return bool(self.lint or self.twins)


def lint_messages(version: ItemVersion) -> list[str]:
    """The item-writing guideline breaches of this version, as `banks lint` words them."""
    bank = version.item.bank
    spec = ItemSpec.from_content(version.content)
    one_item = BankSpec(bank.slug, bank.title, bank.purpose, (spec,), f"{bank.slug}.yaml", bank.description)
    return [problem.message for problem in lint_bank(one_item)]


def near_twins(version: ItemVersion, *, threshold: float = NEAR_TWIN, limit: int = MAX_TWINS) -> list[Twin]:
    """The live and pilot items (current versions, any bank, not this item) at or above `threshold`, closest first."""
    mine = terms(version.stem)
    rows = db.session.execute(
        select(Item.ref, Bank.slug, Bank.purpose, ItemVersion.status, ItemVersion.stem)
        .join(ItemVersion, AT_CURRENT_VERSION)
        .join(Bank, Bank.id == Item.bank_id)
        .where(ItemVersion.status.in_(DRAWN), Item.id != version.item_id)
    ).all()
    found = []
    for ref, slug, purpose, status, stem in rows:
        value = cosine(mine, terms(stem))
        if value >= threshold:
            found.append(Twin(ref, slug, purpose, status, round(value, 3)))
    found.sort(key=lambda t: (-t.similarity, t.ref))
    return found[:limit]


def findings(version: ItemVersion) -> Findings:
    return Findings(lint_messages(version), near_twins(version))
