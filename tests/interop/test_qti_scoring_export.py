"""QTI scoring written back: what Certify scores is what the exported QTI says (valid against the QTI 3.0
schema), and it re-imports to the same body from the QTI alone, as another platform would hand it back."""

from __future__ import annotations

import re

import pytest

from certify.core.banks import Bank
from certify.interop.qti import read_qti_package, write_qti3_package
from certify.interop.qti_manifest import METADATA_FILE
from certify.interop.qti_write import item_xml
from tests.interop.test_qti_fidelity import equal
from tests.interop.test_qti_roundtrip import members
from tests.support.qti_packages import rezip
from tests.support.qti_platform_samples import (
    LEARNOSITY_SINGLE_PARTIAL,
    SPEC3_MULTIPLE_PINNED,
    TAO_NUMERIC_RELATIVE,
    full_credit_if,
    numeric21,
)
from tests.support.qti_samples import COMPETENCIES, read_one
from tests.support.qti_schema import item_schema_errors

SCORED = {
    "credit": LEARNOSITY_SINGLE_PARTIAL,
    "range": TAO_NUMERIC_RELATIVE,
    "tolerance": numeric21(full_credit_if(equal("absolute", "0.25"))),
    "partial": SPEC3_MULTIPLE_PINNED,
}


def _foreign(name: str):
    item, _ = read_one(SCORED[name])
    assert item is not None
    return item


@pytest.mark.parametrize("name", sorted(SCORED))
def test_exported_scoring_validates_and_re_imports_without_certify_metadata(name):
    item = _foreign(name)
    document, warnings = item_xml(item)
    assert item_schema_errors(document) == []
    assert warnings == []
    package, _ = write_qti3_package(Bank("exp", "Export", "certification", (item,), "exp.yaml"))
    files = members(package)
    assert files.pop(METADATA_FILE)  # as another platform hands it back: the QTI alone, none of our metadata
    again, problems = read_qti_package(
        rezip(files),
        "exp.zip",
        competencies=COMPETENCIES,
        bank_id="exp",
        title="Export",
        default_competency="RA",
    )
    assert again is not None, problems
    assert dict(again.items[0].body) == dict(item.body)
    assert not [p for p in problems if p.item]


def test_single_choice_credit_is_written_as_a_mapping_scored_by_map_response():
    document = item_xml(_foreign("credit"))[0].decode()
    assert 'template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml"' in document
    assert '<qti-map-entry map-key="b" mapped-value="0.5" />' in document
    assert '<qti-map-entry map-key="c" mapped-value="1.0" />' in document


def test_a_range_is_written_as_two_bounds_and_a_tolerance_as_absolute_equal():
    ranged = item_xml(_foreign("range"))[0].decode()
    assert re.search(
        r"<qti-gte>\s*<qti-variable identifier=\"RESPONSE\" />\s*<qti-base-value base-type=\"float\">68.4<", ranged
    )
    assert re.search(
        r"<qti-lte>\s*<qti-variable identifier=\"RESPONSE\" />\s*<qti-base-value base-type=\"float\">75.6<", ranged
    )
    tolerant = item_xml(_foreign("tolerance"))[0].decode()
    assert '<qti-equal tolerance-mode="absolute" tolerance="0.25 0.25">' in tolerant
