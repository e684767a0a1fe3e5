"""Every shipped bank survives GIFT and QTI 3.0 round trips item for item."""

from __future__ import annotations

import pytest

from certify.assessments.sources import QUESTION_BANKS
from certify.interop.gift import bank_to_gift, gift_to_bank
from certify.interop.qti import read_qti_package, write_qti3_package
from tests.support.catalogs import repository_catalog

CATALOG = repository_catalog([QUESTION_BANKS])
CODES = {c.code: c.title for c in CATALOG.competencies}
BANKS = CATALOG.all_banks()


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.id)
def test_gift_round_trip(bank):
    text, _warnings = bank_to_gift(bank)
    again, problems = gift_to_bank(text, "export.gift", competencies=CODES, bank_id=bank.id, title=bank.title)
    assert again is not None, [str(p) for p in problems]
    assert [i.content() for i in again.items] == [i.content() for i in bank.items]
    assert bank_to_gift(again)[0] == text


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.id)
def test_qti3_round_trip(bank):
    package, _warnings = write_qti3_package(bank)
    again, problems = read_qti_package(package, "export.zip", competencies=CODES, bank_id=bank.id, title=bank.title)
    assert again is not None, [str(p) for p in problems if p.severity == "error"]
    assert [i.content() for i in again.items] == [i.content() for i in bank.items]
    assert write_qti3_package(again)[0] == package
