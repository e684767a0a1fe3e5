"""Formulas render as MathML, and MathML used as a way in is neutralised (the corpus in
tests/support/hostile_html.py checks every vector against the allow-list; these pin exact outputs)."""

from __future__ import annotations

import pytest

from certify.security.sanitize import render_markdown


def test_a_formula_renders_as_presentation_mathml():
    html = render_markdown(
        'ROI is <math display="block"><mfrac><mrow><mi>benefits</mi><mo>-</mo><mi>costs</mi></mrow>'
        "<mi>costs</mi></mfrac></math> in a year."
    )
    assert html == (
        '<p>ROI is <math display="block"><mfrac><mrow><mi>benefits</mi><mo>-</mo><mi>costs</mi></mrow>'
        "<mi>costs</mi></mfrac></math> in a year.</p>"
    )


def test_a_formula_opening_a_paragraph_stays_in_it():
    assert (
        render_markdown("<math><mi>x</mi></math> is the unknown.") == "<p><math><mi>x</mi></math> is the unknown.</p>"
    )


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        # Script inside a formula: the element goes, its text is inert.
        ("<math><mi>x</mi><script>alert(1)</script></math>", "<p><math><mi>x</mi>alert(1)</math></p>"),
        # javascript: in attributes MathML once allowed for links, and handlers.
        (
            '<math href="javascript:alert(1)"><mi xlink:href="javascript:alert(1)" onclick="alert(1)">x</mi></math>',
            "<p><math><mi>x</mi></math></p>",
        ),
        # annotation-xml may switch to HTML or SVG: dropped with everything in it.
        (
            '<math><semantics><mi>x</mi><annotation-xml encoding="text/html"><img src=x onerror=alert(1)>'
            "<b>shown?</b></annotation-xml></semantics></math>",
            "<p><math><semantics><mi>x</mi></semantics></math></p>",
        ),
        # foreignObject-style escapes through mtext, and the mglyph/style parser differential.
        (
            "<math><mtext><svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg></mtext></math>",
            "<p><math><mtext></mtext></math></p>",
        ),
        (
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "<p><math><mtext><p></p><table></table></mtext></math></p>",
        ),
        (
            '<math><maction actiontype="statusline"><mi>x</mi><mtext>go</mtext></maction></math>',
            "<p><math><mi>x</mi><mtext>go</mtext></math></p>",
        ),
    ],
)
def test_hostile_mathml_is_neutralised(payload, expected):
    assert render_markdown(payload) == expected
