"""Every QTI package Certify exports validates against the published QTI 3.0 and IMS CP schemas."""

from __future__ import annotations

import pytest

from certify.assessments.sources import QUESTION_BANKS
from certify.interop.qti import write_qti3_package
from tests.support.catalogs import repository_catalog
from tests.support.qti_packages import members
from tests.support.qti_schemas import ITEM_XSD, MANIFEST_XSD, errors, package_errors

BANKS = repository_catalog([QUESTION_BANKS]).all_banks()


def test_the_schemas_are_not_vacuous():
    files = members(write_qti3_package(BANKS[0])[0])
    item = next(content for name, content in files.items() if name.startswith("items/"))
    assert errors(item, ITEM_XSD) == []
    assert errors(item.replace(b"<qti-item-body>", b"<qti-item-body><qti-nonsense/>", 1), ITEM_XSD)
    assert errors(item.replace(b'time-dependent="false"', b"", 1), ITEM_XSD)
    manifest = files["imsmanifest.xml"]
    assert errors(manifest, MANIFEST_XSD) == []
    extension = b'<metadata xmlns:c="https://certify.invalid/qti-ext"><c:item version="1">{}</c:item>'
    assert errors(manifest.replace(b"<metadata>", extension, 1), MANIFEST_XSD)  # where the old exports put ours
    assert errors(manifest.replace(b'type="imsqti_item_xmlv3p0"', b'type="imsqti_item"', 1), MANIFEST_XSD)


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.id)
def test_every_manifest_and_item_of_every_shipped_bank_is_valid(bank):
    files = members(write_qti3_package(bank)[0])
    assert sum(name.startswith("items/") for name in files) == len(bank.items)
    assert package_errors(files) == {}
