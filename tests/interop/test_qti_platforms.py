"""QTI items as TAO, Canvas, Learnosity and the QTI 3.0 specification write them: interactions, feedback,
MathML and where each item's competency comes from. What Certify cannot hold is a skip or a warning naming
the item."""

from __future__ import annotations

from dataclasses import replace

import defusedxml.ElementTree as DET
import pytest

from certify.core.banks import Bank
from certify.interop.qti_write import item_xml
from certify.security.sanitize import render_inline, render_markdown
from tests.support.qti_platform_samples import (
    CANVAS_MULTIPLE_WEIGHTED,
    SPEC3_MULTIPLE_PINNED,
    TAO_CHOICE_MATHML,
    TAO_CHOICE_STEM,
    M,
    unsupported,
)
from tests.support.qti_samples import ITEMS_2X, qti2, read_one
from tests.support.qti_schema import item_schema_errors


def messages(problems):
    return [p.message for p in problems]


def test_tao_item_keeps_its_formulas_as_mathml():
    item, problems = read_one(TAO_CHOICE_MATHML)
    assert item is not None and problems == []
    assert item.stem == TAO_CHOICE_STEM
    assert item.body["options"][2]["text"] == "<math><msup><mn>20</mn><mn>2</mn></msup></math> s"
    assert (item.ref, item.title, item.shuffle, item.body["key"]) == ("i16a7c3e0b1", "Handle time", False, "choice_2")


def test_formulas_render_as_mathml_on_the_page():
    item, _ = read_one(TAO_CHOICE_MATHML)
    html = render_markdown(item.stem)
    assert html.startswith('<p>A help desk reports its average handle time as <math display="inline"><semantics>')
    assert "<mfrac><mrow><mi>talk</mi><mo>+</mo>" in html
    assert '<annotation encoding="LaTeX">&#92;frac{t+h+w}{c}</annotation>' in html  # a backslash, in the browser
    assert str(render_inline(item.body["options"][2]["text"])) == "<math><msup><mn>20</mn><mn>2</mn></msup></math> s"


def test_markdown_characters_inside_a_formula_stay_characters():
    xml = (
        ITEMS_2X["choice"]
        .replace("VER", "2p1")
        .replace(
            "<strong>negotiation</strong>",
            f'<math xmlns="{M}"><mi>a</mi><mo>*</mo><msub><mi>x</mi><mi>_</mi></msub><mo>*</mo></math>',
        )
    )
    item, _ = read_one(xml)
    assert "<math><mi>a</mi><mo>&#42;</mo><msub><mi>x</mi><mi>&#95;</mi></msub><mo>&#42;</mo></math>" in item.stem
    html = render_markdown(item.stem)
    assert (
        "<mo>&#42;</mo><msub><mi>x</mi><mi>&#95;</mi></msub><mo>&#42;</mo>" in html
    )  # not <em>: * and _ in the browser
    assert "<em>" not in html


def test_mathml_outside_the_allow_list_is_dropped_and_named():
    formula = (
        f'<math xmlns="{M}" xmlns:xlink="http://www.w3.org/1999/xlink"><maction actiontype="toggle" selection="2">'
        '<mi>a</mi><mi>b</mi></maction><mi xlink:href="https://example.org/" mathcolor="red" onclick="x()">c</mi>'
        '<semantics><mi>d</mi><annotation-xml encoding="MathML-Content"><apply><ci>d</ci></apply></annotation-xml>'
        "</semantics></math>"
    )
    item, problems = read_one(qti2("choice", "2p2").replace("<strong>negotiation</strong>", formula))
    assert "<math><mi>b</mi><mi>c</mi><semantics><mi>d</mi></semantics></math>" in item.stem
    assert messages(problems) == [
        "item choice-1: its formulas lose <annotation-xml>, <maction>, mathcolor, onclick, xlink:href, "
        "which Certify does not keep"
    ]


def test_exported_formulas_are_mathml_again_and_validate():
    item, _ = read_one(TAO_CHOICE_MATHML)
    document, _ = item_xml(item)
    assert item_schema_errors(document) == []
    root = DET.fromstring(document, forbid_dtd=True)
    formulas = list(root.iter(f"{{{M}}}math"))
    assert len(formulas) == 2
    assert [e.tag.removeprefix(f"{{{M}}}") for e in formulas[1].iter()] == ["math", "msup", "mn", "mn"]
    again, problems = read_one(document.decode())
    assert again is not None and problems == []
    assert (again.stem, again.body["options"]) == (item.stem, item.body["options"])


def test_formulas_in_feedback_reach_the_rationale():
    xml = qti2("choice", "2p1").replace(
        ">Results come first.<", f'>Results come first: <math xmlns="{M}"><mi>ROI</mi><mo>&gt;</mo><mn>0</mn></math>.<'
    )
    item, _ = read_one(xml)
    assert item.rationale == "Results come first: <math><mi>ROI</mi><mo>&gt;</mo><mn>0</mn></math>."


@pytest.mark.parametrize(
    ("interaction", "reason"),
    [
        ("hotspot-interaction", "the hotspot interaction is not supported"),
        ("graphic-order-interaction", "the graphic-order interaction is not supported"),
        ("slider-interaction", "the slider interaction is not supported"),
        ("media-interaction", "the media interaction is not supported"),
        ("custom-interaction", "the custom interaction is not supported"),
        ("portable-custom-interaction", "the portable-custom interaction is not supported"),
        ("upload-interaction", "the upload interaction is scored by people; Certify banks hold machine-scored items"),
        ("drawing-interaction", "the drawing interaction is scored by people; Certify banks hold machine-scored items"),
        (
            "extended-text-interaction",
            "the extended-text interaction is scored by people; Certify banks hold machine-scored items",
        ),
    ],
)
def test_interactions_certify_cannot_hold_are_skipped_by_name(interaction, reason):
    item, problems = read_one(unsupported(interaction))
    assert item is None
    assert [(p.severity, p.item, p.message) for p in problems] == [("skip", "odd-1", f"odd-1: {reason}")]


def test_spec_style_multiple_choice_with_a_pinned_choice():
    item, problems = read_one(SPEC3_MULTIPLE_PINNED)
    assert item is not None
    assert item.type == "multiple_response" and item.shuffle is False
    assert (
        item.stem == "Which tasks call for a job aid rather than training?\n\nThink about how often the task comes up."
    )
    assert item.body["options"][0]["rationale"] == "Rare tasks are forgotten."
    assert item.rationale == "Job aids suit rare or long tasks that do not need speed."
    assert messages(problems) == [
        "item spec-multi-1: choice(s) N stay in place while the others shuffle in QTI; Certify shuffles all options "
        "or none, so this item is not shuffled",
        "item spec-multi-1: its feedback-inline 'hint' (\"Frequency matters most.\") has no place in Certify and "
        "was dropped",
    ]


def test_choices_all_pinned_are_simply_not_shuffled():
    xml = SPEC3_MULTIPLE_PINNED.replace(' fixed="true"', "").replace(
        "<qti-simple-choice ", '<qti-simple-choice fixed="true" '
    )
    item, problems = read_one(xml)
    assert item.shuffle is False
    assert not any("shuffle" in m for m in messages(problems))


def test_modal_feedback_without_a_rationale_name_all_becomes_the_rationale():
    item, _ = read_one(CANVAS_MULTIPLE_WEIGHTED)
    assert (
        item.rationale == "Leading indicators move before the result does.\n\nChurn lags behind resolution by months."
    )


def test_right_answer_feedback_beside_a_modal_rationale_is_reported():
    xml = qti2("true_false", "2p1").replace(
        "</assessmentItem>",
        '<modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show">Consequences drive '
        "behaviour.</modalFeedback></assessmentItem>",
    )
    item, problems = read_one(xml)
    assert item.rationale == "Consequences drive behaviour."
    assert messages(problems) == [
        'item tf-1: the feedback on its right answer ("Right: consequences drive motivation.") was dropped for '
        "the rationale"
    ]


def test_content_the_text_cannot_hold_is_named():
    xml = qti2("choice", "2p1").replace(
        "<choiceInteraction",
        '<rubricBlock view="scorer"><p>Accept any metric.</p></rubricBlock><video src="call.mp4"/><choiceInteraction',
    )
    item, problems = read_one(xml.replace('adaptive="false"', 'adaptive="true"'))
    assert item is not None and "Accept any metric" not in item.stem
    assert messages(problems) == [
        "item choice-1: it is adaptive in QTI (several tries, with feedback between them); Certify asks once",
        "item choice-1: its rubric block (guidance for scorers or tutors) was dropped: Certify items hold text, "
        "formulas and images",
        "item choice-1: its video was dropped: Certify items hold text, formulas and images",
    ]


def test_template_items_are_skipped():
    xml = qti2("numeric", "2p1").replace(
        "<outcomeDeclaration",
        '<templateDeclaration identifier="COST" cardinality="single" baseType="integer"/><outcomeDeclaration',
        1,
    )
    item, problems = read_one(xml)
    assert item is None
    assert messages(problems) == [
        "num-1: its values are drawn per candidate (a template item); Certify items are fixed"
    ]


def test_custom_processing_with_operators_certify_does_not_read_is_reported():
    xml = qti2("choice", "2p1").replace(
        '<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>',
        '<responseProcessing><responseCondition><responseIf><match><variable identifier="RESPONSE"/>'
        '<correct identifier="RESPONSE"/></match><setOutcomeValue identifier="SCORE"><lookupOutcomeValue '
        'identifier="GRADE"><baseValue baseType="float">1</baseValue></lookupOutcomeValue></setOutcomeValue>'
        "</responseIf></responseCondition></responseProcessing>",
    )
    item, problems = read_one(xml)
    assert item is not None and item.body["key"] == "B"
    assert messages(problems) == [
        "item choice-1: its response processing also uses <lookup-outcome-value>, which Certify does not read; "
        "Certify scores it from its correct response and mapping"
    ]


def test_max_choices_zero_and_expected_length_read_as_the_platforms_mean_them():
    item, problems = read_one(qti2("multiple", "2p2"))  # maxChoices="0": any number of choices
    assert item.type == "multiple_response" and problems == []
    text, problems = read_one(qti2("text", "2p2").replace('expectedLength="10"', 'expectedLength="40"'))
    assert text.body["accepted"] == ["Level 4", "Results"]


def test_bank_export_of_foreign_items_validates():
    items = tuple(read_one(xml)[0] for xml in (TAO_CHOICE_MATHML, SPEC3_MULTIPLE_PINNED, CANVAS_MULTIPLE_WEIGHTED))
    bank = Bank("mixed", "Mixed", "certification", items, "mixed.yaml")
    for item in bank.items:
        assert item_schema_errors(item_xml(item)[0]) == [], item.ref


def test_formulas_written_in_certify_are_exported_within_the_allow_list():
    item, _ = read_one(TAO_CHOICE_MATHML)
    hostile = item.stem.replace(
        "<mi>AHT</mi>", '<mi onclick="alert(1)" href="javascript:alert(1)">AHT</mi><script>alert(1)</script>'
    )
    document = item_xml(replace(item, stem=hostile))[0].decode()
    assert "<mi>AHT</mi>" in document
    assert "script" not in document and "onclick" not in document and "javascript" not in document
    assert item_schema_errors(document.encode()) == []


def test_custom_processing_that_neither_matches_nor_maps_is_reported():
    xml = qti2("choice", "2p1").replace(
        '<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>',
        '<responseProcessing><setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue>'
        "</setOutcomeValue></responseProcessing>",
    )
    item, problems = read_one(xml)
    assert item is not None and item.body["key"] == "B"
    assert messages(problems) == [
        "item choice-1: its response processing neither matches nor maps the answer; Certify scores it against "
        "its correct response"
    ]


def test_script_inside_an_imported_formula_is_dropped_and_named():
    formula = f'<math xmlns="{M}"><mi>x</mi><script>alert(1)</script><mo>=</mo><mn>1</mn></math>'
    item, problems = read_one(qti2("choice", "2p1").replace("<strong>negotiation</strong>", formula))
    assert "<math><mi>x</mi><mo>=</mo><mn>1</mn></math>" in item.stem and "alert" not in item.stem
    assert messages(problems) == ["item choice-1: its formulas lose <script>, which Certify does not keep"]
