"""Bad QTI item documents: an unreadable document is refused, an unusable item is skipped naming it and why."""

from __future__ import annotations

import pytest

from certify.interop.qti import read_qti_xml
from certify.interop.qti_xml import REFUSED
from tests.interop.test_qti3 import ITEMS_3
from tests.support.qti_samples import COMPETENCIES, qti2, read_one

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="x" title="&lol4;"/>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE item [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="x" title="&secret;"/>
"""
DOCTYPE_ONLY = """<?xml version="1.0"?>
<!DOCTYPE qti-assessment-item SYSTEM "http://example.org/qti.dtd">
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="x" title="x"/>
"""

HOTSPOT = """<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
    identifier="hot-1" title="Find the gap" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>A</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-item-body>
    <qti-hotspot-interaction response-identifier="RESPONSE" max-choices="1">
      <qti-prompt>Click the gap.</qti-prompt>
      <img src="chart.png" alt="chart" width="200" height="100"/>
      <qti-hotspot-choice identifier="A" shape="circle" coords="50,50,10"/>
    </qti-hotspot-interaction>
  </qti-item-body>
</qti-assessment-item>
"""


def only(problems, severity="error"):
    assert len(problems) == 1, problems
    assert problems[0].severity == severity
    return problems[0]


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY, DOCTYPE_ONLY])
def test_entities_and_doctypes_are_refused(xml):
    item, problems = read_one(xml)
    assert item is None
    problem = only(problems)
    assert problem.message == REFUSED
    assert problem.file == "item.xml"


def test_malformed_xml_reports_its_line():
    xml = qti2("choice", "2p1").replace("</prompt>", "</promt>")
    line = xml[: xml.index("</promt>")].count("\n") + 1
    item, problems = read_one(xml)
    assert item is None
    problem = only(problems)
    assert problem.line == line
    assert problem.message.startswith(f"malformed XML at line {line}: mismatched tag")


def test_truncated_xml():
    item, problems = read_one(ITEMS_3["choice"][:300])
    assert item is None
    assert "malformed XML at line" in only(problems).message


def test_unsupported_interaction_is_skipped_naming_item_and_interaction():
    item, problems = read_one(HOTSPOT)
    assert item is None
    skipped = only(problems, "skip")
    assert (skipped.item, skipped.message) == ("hot-1", "hot-1: the hotspot interaction is not supported")
    assert skipped.line == HOTSPOT[: HOTSPOT.index("<qti-hotspot-interaction")].count("\n") + 1


def test_extended_text_in_qti2_is_skipped_as_scored_by_people():
    xml = qti2("text", "2p1").replace("textEntryInteraction", "extendedTextInteraction")
    item, problems = read_one(xml)
    assert item is None
    assert only(problems, "skip").message == (
        "text-1: the extended-text interaction is scored by people; Certify banks hold machine-scored items"
    )


def test_two_interactions_are_skipped():
    xml = ITEMS_3["text"].replace("</qti-item-body>", "<p><qti-text-entry-interaction/></p></qti-item-body>")
    item, problems = read_one(xml)
    assert item is None
    assert "2 interactions; Certify items have exactly one" in only(problems, "skip").message


def test_item_without_interaction_is_skipped():
    xml = ITEMS_3["inline"]
    xml = xml[: xml.index("<p>Kirkpatrick")] + "<p>Nothing to answer.</p>" + xml[xml.index("</qti-item-body>") :]
    item, problems = read_one(xml)
    assert item is None
    assert "0 interactions" in only(problems, "skip").message


def test_single_unsupported_file_is_an_error_for_the_bank():
    bank, problems = read_qti_xml(
        HOTSPOT.encode(), "hot.xml", competencies=COMPETENCIES, bank_id="b", title="B", default_competency="RA"
    )
    assert bank is None
    assert [p.severity for p in problems] == ["skip", "error"]
    assert problems[1].message == "no item could be imported"


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ('<questestinterop><item ident="x"/></questestinterop>', "QTI 1.2 is not supported"),
        (
            '<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="t" title="t"/>',
            "assessment test, not an item",
        ),
        ("<html><body>hello</body></html>", "not a QTI 2.1, 2.2 or 3.0 assessment item (root element <html>)"),
        (
            '<assessmentItem xmlns="http://example.org/other" identifier="x"/>',
            "not a QTI 2.1, 2.2 or 3.0 assessment item",
        ),
    ],
)
def test_documents_that_are_not_items(xml, message):
    item, problems = read_one(xml)
    assert item is None
    assert message in only(problems).message


@pytest.mark.parametrize("default", ["", "ZZ"])
def test_foreign_item_without_a_competency_is_skipped_asking_for_its_category(default):
    item, problems = read_one(ITEMS_3["choice"], default_competency=default)
    assert item is None
    skipped = only(problems, "skip")
    assert (skipped.item, skipped.category) == ("choice-1", "")
    assert skipped.message == (
        "choice-1: no competency for no category; choose one for the category, or set a default competency"
    )


def test_missing_correct_response_names_its_line():
    xml = ITEMS_3["choice"].replace("<qti-correct-response><qti-value>B</qti-value></qti-correct-response>", "")
    item, problems = read_one(xml)
    assert item is None
    problem = only(problems, "skip")
    assert problem.message == "choice-1: the item has no correct response"
    assert problem.line == xml[: xml.index("<qti-choice-interaction")].count("\n") + 1


def test_correct_response_naming_a_missing_choice():
    item, problems = read_one(ITEMS_3["choice"].replace("<qti-value>B</qti-value>", "<qti-value>Z</qti-value>"))
    assert item is None
    assert "choices that do not exist: Z" in only(problems, "skip").message


def test_missing_response_declaration():
    xml = ITEMS_3["choice"].replace('response-identifier="RESPONSE"', 'response-identifier="OTHER"')
    item, problems = read_one(xml)
    assert item is None
    assert only(problems, "skip").message == "choice-1: no response declaration for 'OTHER'"


def test_order_must_list_every_choice():
    xml = ITEMS_3["order"].replace("<qti-value>S3</qti-value>", "")
    item, problems = read_one(xml)
    assert item is None
    assert "must list every choice exactly once" in only(problems, "skip").message


def test_match_with_a_shared_response_is_refused():
    xml = ITEMS_3["match"].replace("<qti-value>M2 T1</qti-value>", "<qti-value>M2 T2</qti-value>")
    item, problems = read_one(xml)
    assert item is None
    assert "is the correct match for two prompts" in only(problems, "skip").message


def test_items_that_break_certify_rules_report_them():
    # Two keyed options out of two: Certify needs at least one unkeyed option in multiple response.
    xml = (
        ITEMS_3["multiple"]
        .replace('<qti-simple-choice identifier="B">Lack of skill</qti-simple-choice>', "")
        .replace('<qti-simple-choice identifier="D">Low capacity</qti-simple-choice>', "")
    )
    item, problems = read_one(xml)
    assert item is None
    assert [(p.severity, p.item, p.message) for p in problems] == [
        ("skip", "multi-1", "multi-1: `options` needs at least 3 entries")
    ]
