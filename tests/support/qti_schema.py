"""Validating QTI 3.0 item documents against the 1EdTech schema in ../shared/fixtures (read in place, offline)."""

from __future__ import annotations

from functools import cache

from lxml import etree

from tests.support.shared_fixtures import SHARED_FIXTURES, require

ITEM_XSD = SHARED_FIXTURES / "qti-schemas" / "qtiv3p0" / "imsqti_asiv3p0_sbacv1p0_v1p0.xsd"


@cache
def _item_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(ITEM_XSD)))


def item_schema_errors(document: bytes) -> list[str]:
    """The schema's complaints about one QTI 3.0 item document (empty when it validates)."""
    require(ITEM_XSD)
    schema = _item_schema()
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    valid = schema.validate(etree.fromstring(document, parser))
    return [] if valid else [f"{e.line}: {e.message}" for e in schema.error_log]
