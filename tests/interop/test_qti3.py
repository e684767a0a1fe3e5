"""QTI 3.0 import: the items of test_qti.py written in QTI 3.0 must import identically."""

from __future__ import annotations

import pytest

from tests.support.qti_samples import EXPECTED, LOSSES, LOSSES_3, check, read_one

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsglobal.org/xsd/imsqtiasi_v3p0
      https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
"""
RP = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
SCORE = """  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float">
    <qti-default-value><qti-value>0</qti-value></qti-default-value>
  </qti-outcome-declaration>
  <qti-outcome-declaration identifier="FEEDBACK" cardinality="multiple" base-type="identifier"/>
"""

ITEMS_3 = {
    "choice": HEAD
    + f"""    identifier="choice-1" title="Starting point" adaptive="false" time-dependent="false" xml:lang="en">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>B</qti-value></qti-correct-response>
  </qti-response-declaration>
{SCORE}  <qti-item-body>
    <p>A sales director asks for a <strong>negotiation</strong> course.</p>
    <qti-choice-interaction response-identifier="RESPONSE" shuffle="true" max-choices="1">
      <qti-prompt>What should the designer ask first?</qti-prompt>
      <qti-simple-choice identifier="A">Which dates suit the team<qti-feedback-inline
          outcome-identifier="FEEDBACK" identifier="A" show-hide="show">Logistics come later.</qti-feedback-inline>
      </qti-simple-choice>
      <qti-simple-choice identifier="B">Which sales figures should change<qti-feedback-inline
          outcome-identifier="FEEDBACK" identifier="B" show-hide="show"
          >Design starts from the metric.</qti-feedback-inline>
      </qti-simple-choice>
      <qti-simple-choice identifier="C">How long the course should be</qti-simple-choice>
    </qti-choice-interaction>
  </qti-item-body>
  <qti-response-processing template="{RP}match_correct.xml"/>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="RESPONSE_correct" show-hide="show">
    <qti-content-body><p>Results come first.</p></qti-content-body>
  </qti-modal-feedback>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="RESPONSE_incorrect" show-hide="show">
    <qti-content-body><p>Not quite.</p></qti-content-body>
  </qti-modal-feedback>
</qti-assessment-item>
""",
    "multiple": HEAD
    + f"""    identifier="multi-1" title="Environment causes" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="multiple" base-type="identifier">
    <qti-correct-response>
      <qti-value>A</qti-value>
      <qti-value>C</qti-value>
    </qti-correct-response>
    <qti-mapping lower-bound="0" upper-bound="1" default-value="0">
      <qti-map-entry map-key="A" mapped-value="0.5"/>
      <qti-map-entry map-key="B" mapped-value="-0.5"/>
      <qti-map-entry map-key="C" mapped-value="0.5"/>
      <qti-map-entry map-key="D" mapped-value="-0.5"/>
    </qti-mapping>
  </qti-response-declaration>
{SCORE}  <qti-item-body>
    <qti-choice-interaction response-identifier="RESPONSE" shuffle="false" max-choices="4">
      <qti-prompt>Which causes lie in the work environment?</qti-prompt>
      <qti-simple-choice identifier="A">Missing tools</qti-simple-choice>
      <qti-simple-choice identifier="B">Lack of skill</qti-simple-choice>
      <qti-simple-choice identifier="C">Unclear expectations</qti-simple-choice>
      <qti-simple-choice identifier="D">Low capacity</qti-simple-choice>
    </qti-choice-interaction>
  </qti-item-body>
  <qti-response-processing template="{RP}map_response.xml"/>
</qti-assessment-item>
""",
    "order": HEAD
    + f"""    identifier="order-1" title="Design steps" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="ordered" base-type="identifier">
    <qti-correct-response>
      <qti-value>S1</qti-value>
      <qti-value>S2</qti-value>
      <qti-value>S3</qti-value>
    </qti-correct-response>
  </qti-response-declaration>
{SCORE}  <qti-item-body>
    <p>Put the design steps in order.</p>
    <qti-order-interaction response-identifier="RESPONSE" shuffle="true">
      <qti-simple-choice identifier="S3">Choose solutions</qti-simple-choice>
      <qti-simple-choice identifier="S1">Find the business metric</qti-simple-choice>
      <qti-simple-choice identifier="S2">Analyse the causes</qti-simple-choice>
    </qti-order-interaction>
    <qti-feedback-block outcome-identifier="FEEDBACK" identifier="correct" show-hide="show">
      <p>Results, then causes, then solutions.</p>
    </qti-feedback-block>
  </qti-item-body>
  <qti-response-processing template="{RP}match_correct.xml"/>
</qti-assessment-item>
""",
    "match": HEAD
    + f"""    identifier="match-1" title="Causes and solutions" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="multiple" base-type="directedPair">
    <qti-correct-response>
      <qti-value>M1 T2</qti-value>
      <qti-value>M2 T1</qti-value>
    </qti-correct-response>
    <qti-mapping default-value="0">
      <qti-map-entry map-key="M1 T2" mapped-value="1"/>
      <qti-map-entry map-key="M2 T1" mapped-value="1"/>
    </qti-mapping>
  </qti-response-declaration>
{SCORE}  <qti-item-body>
    <qti-match-interaction response-identifier="RESPONSE" shuffle="true" max-associations="2">
      <qti-prompt>Match each cause to its solution.</qti-prompt>
      <qti-simple-match-set>
        <qti-simple-associable-choice identifier="M1" match-max="1">No job aid</qti-simple-associable-choice>
        <qti-simple-associable-choice identifier="M2" match-max="1">No skill</qti-simple-associable-choice>
      </qti-simple-match-set>
      <qti-simple-match-set>
        <qti-simple-associable-choice identifier="T1" match-max="1">Training</qti-simple-associable-choice>
        <qti-simple-associable-choice identifier="T2" match-max="1">A checklist<qti-feedback-inline
            outcome-identifier="FEEDBACK" identifier="T2" show-hide="show"
            >Aids fix information gaps.</qti-feedback-inline>
        </qti-simple-associable-choice>
        <qti-simple-associable-choice identifier="T3" match-max="1">A new bonus scheme</qti-simple-associable-choice>
      </qti-simple-match-set>
    </qti-match-interaction>
  </qti-item-body>
  <qti-response-processing template="{RP}map_response.xml"/>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="correct" show-hide="show">
    <qti-content-body><p>Each solution fits one cause.</p></qti-content-body>
  </qti-modal-feedback>
</qti-assessment-item>
""",
    "associate": HEAD
    + f"""    identifier="assoc-1" title="Levels" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="multiple" base-type="pair">
    <qti-correct-response>
      <qti-value>L1 R1</qti-value>
      <qti-value>L4 R4</qti-value>
    </qti-correct-response>
  </qti-response-declaration>
{SCORE}  <qti-item-body>
    <qti-associate-interaction response-identifier="RESPONSE" shuffle="false" max-associations="2">
      <qti-prompt>Pair each Kirkpatrick level with what it measures.</qti-prompt>
      <qti-simple-associable-choice identifier="L1" match-max="1">Level 1</qti-simple-associable-choice>
      <qti-simple-associable-choice identifier="R1" match-max="1">Reaction</qti-simple-associable-choice>
      <qti-simple-associable-choice identifier="L4" match-max="1">Level 4</qti-simple-associable-choice>
      <qti-simple-associable-choice identifier="R4" match-max="1">Results</qti-simple-associable-choice>
      <qti-simple-associable-choice identifier="X" match-max="1">Attendance</qti-simple-associable-choice>
    </qti-associate-interaction>
  </qti-item-body>
  <qti-response-processing template="{RP}match_correct.xml"/>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="correct" show-hide="show">
    <qti-content-body>Level 1 is reaction; level 4 is results.</qti-content-body>
  </qti-modal-feedback>
</qti-assessment-item>
""",
    "text": HEAD
    + f"""    identifier="text-1" title="Business impact" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="string">
    <qti-correct-response><qti-value>Level 4</qti-value></qti-correct-response>
    <qti-mapping default-value="0" upper-bound="1">
      <qti-map-entry map-key="Level 4" mapped-value="1" case-sensitive="false"/>
      <qti-map-entry map-key="Results" mapped-value="1" case-sensitive="false"/>
      <qti-map-entry map-key="Level 3" mapped-value="0.5" case-sensitive="false"/>
    </qti-mapping>
  </qti-response-declaration>
{SCORE}  <qti-item-body>
    <p>The Kirkpatrick level that measures business impact is
      <qti-text-entry-interaction response-identifier="RESPONSE" expected-length="10"/>.</p>
  </qti-item-body>
  <qti-response-processing template="{RP}map_response.xml"/>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="correct" show-hide="show">
    <qti-content-body><p>Level 4 measures results.</p></qti-content-body>
  </qti-modal-feedback>
</qti-assessment-item>
""",
    "numeric": HEAD
    + f"""    identifier="num-1" title="ROI" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="float">
    <qti-correct-response><qti-value>150.0</qti-value></qti-correct-response>
  </qti-response-declaration>
{SCORE}  <qti-item-body>
    <p>Costs were 40,000 and benefits 100,000. What is the ROI in percent?</p>
    <p><qti-text-entry-interaction response-identifier="RESPONSE" expected-length="6"/></p>
  </qti-item-body>
  <qti-response-processing template="{RP}match_correct.xml"/>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="correct" show-hide="show">
    <qti-content-body><p>ROI = (100,000 - 40,000) / 40,000 x 100.</p></qti-content-body>
  </qti-modal-feedback>
</qti-assessment-item>
""",
    "inline": HEAD
    + f"""    identifier="inline-1" title="Level 4" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>RES</qti-value></qti-correct-response>
  </qti-response-declaration>
{SCORE}  <qti-item-body>
    <p>Kirkpatrick level 4 measures
      <qti-inline-choice-interaction response-identifier="RESPONSE" shuffle="false">
        <qti-inline-choice identifier="REA">reaction</qti-inline-choice>
        <qti-inline-choice identifier="BEH">behaviour</qti-inline-choice>
        <qti-inline-choice identifier="RES">results</qti-inline-choice>
      </qti-inline-choice-interaction>
      in the business.</p>
  </qti-item-body>
  <qti-response-processing template="{RP}match_correct.xml"/>
</qti-assessment-item>
""",
    "true_false": HEAD
    + f"""    identifier="tf-1" title="Motivation" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>false</qti-value></qti-correct-response>
  </qti-response-declaration>
{SCORE}  <qti-item-body>
    <qti-choice-interaction response-identifier="RESPONSE" shuffle="false" max-choices="1">
      <qti-prompt>Training fixes motivation problems.</qti-prompt>
      <qti-simple-choice identifier="true" fixed="true">True<qti-feedback-inline outcome-identifier="FEEDBACK"
          identifier="true" show-hide="show">Motivation is rarely a skill gap.</qti-feedback-inline></qti-simple-choice>
      <qti-simple-choice identifier="false" fixed="true">False<qti-feedback-inline outcome-identifier="FEEDBACK"
          identifier="false" show-hide="show">Right: consequences drive motivation.</qti-feedback-inline
        ></qti-simple-choice>
    </qti-choice-interaction>
  </qti-item-body>
  <qti-response-processing template="{RP}match_correct.xml"/>
</qti-assessment-item>
""",
}


@pytest.mark.parametrize("name", sorted(ITEMS_3))
def test_qti3_interactions(name):
    check(ITEMS_3[name], name, LOSSES_3.get(name, LOSSES.get(name, [])))


def test_every_supported_interaction_has_a_qti3_sample():
    assert set(ITEMS_3) == set(EXPECTED)


def test_qti3_multiple_choice_with_match_correct_is_all_or_nothing():
    xml = ITEMS_3["multiple"].replace("map_response.xml", "match_correct.xml")
    item, _ = read_one(xml)
    assert item is not None
    assert item.body["scoring"] == "all_or_nothing"


def test_qti3_numeric_with_integer_base_type():
    item, _ = read_one(
        ITEMS_3["numeric"].replace('base-type="float"', 'base-type="integer"', 1).replace("150.0", "150")
    )
    assert item is not None
    assert (item.type, item.body["value"]) == ("numeric", 150.0)


def test_markup_becomes_readable_text():
    xml = ITEMS_3["choice"].replace(
        "<p>A sales director asks for a <strong>negotiation</strong> course.</p>",
        "<div><h2>Scenario</h2><p>Line one<br/>line <em>two</em></p><ul><li>first</li><li>second</li></ul>"
        '<ol><li>one</li><li>two</li></ol><p><img src="chart.png" alt="Sales chart"/></p></div>',
    )
    item, _ = read_one(xml)
    assert item is not None
    assert item.stem == (
        "Scenario\n\nLine one\nline *two*\n\n- first\n\n- second\n\n1. one\n\n2. two\n\n[image: Sales chart]"
        "\n\nWhat should the designer ask first?"
    )
