"""The QTI 3.0 and IMS CP schemas from ../shared/fixtures/qti-schemas, compiled with lxml and nothing fetched.

Every `xs:import` resolves inside the fixture folder. The one the 1EdTech files point at the web for (the
W3C XLink schema, imported by the CP extension schema and used by none of the elements we write) is given
as an empty schema for its namespace; any other address outside the folder fails the test instead of
being fetched.
"""

from __future__ import annotations

import functools

from lxml import etree

from tests.support.shared_fixtures import SHARED_FIXTURES, require

SCHEMAS = SHARED_FIXTURES / "qti-schemas"
ITEM_XSD = "qtiv3p0/imsqti_asiv3p0_sbacv1p0_v1p0.xsd"  # validates plain QTI 3.0 items and stimuli (see README)
MANIFEST_XSD = "qtiv3p0/imsqtiv3p0_imscpv1p2_v1p0.xsd"
_XLINK = "https://purl.imsglobal.org/spec/w3/1999/schema/xsd/xlink.xsd"
_EMPTY_XLINK = (
    b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/1999/xlink"/>'
)


class _LocalOnly(etree.Resolver):
    """Resolves schema imports inside the fixture folder; refuses to fetch anything else."""

    def resolve(self, system_url: str, public_id: str, context: object) -> object:
        if system_url == _XLINK:
            return self.resolve_string(_EMPTY_XLINK, context)
        if "://" in system_url and not system_url.startswith("file:"):
            raise AssertionError(f"a schema import would fetch {system_url}; it must resolve locally")
        return None  # a relative path: lxml reads it from the fixture folder


@functools.cache
def schema(name: str) -> etree.XMLSchema:
    path = require(SCHEMAS / name)
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalOnly())
    return etree.XMLSchema(etree.parse(str(path), parser))


def errors(document: bytes, name: str) -> list[str]:
    """The schema's complaints about one document ([] when it is valid)."""
    validator = schema(name)
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    if validator.validate(etree.fromstring(document, parser)):
        return []
    return [f"line {e.line}: {e.message}" for e in validator.error_log]


def package_errors(files: dict[str, bytes]) -> dict[str, list[str]]:
    """Every XML member of a package checked against its schema: {member: complaints} for the invalid ones."""
    found = {}
    for name, content in files.items():
        if not name.endswith(".xml"):
            continue
        problems = errors(content, MANIFEST_XSD if name == "imsmanifest.xml" else ITEM_XSD)
        if problems:
            found[name] = problems
    return found
