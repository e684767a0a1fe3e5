"""QTI items in the shapes other platforms export them, written for Certify's tests (content is our own).

* TAO (QTI 2.1): `toolName="TAO"`, a stylesheet, grid `div`s, MathML under an `m:` prefix with a LaTeX
  annotation, choices with `fixed="false"`, custom response processing for a numeric tolerance.
* Learnosity-style (QTI 2.2): single choice scored by the map_response template with a partial-credit mapping.
* Canvas New Quizzes-style (QTI 2.1): multiple answers weighted by a mapping, feedback in modalFeedback.
* The QTI 3.0 specification's style: `qti-` elements, `max-choices="0"`, a pinned "None of these",
  `template-location` instead of `template`, feedback blocks and inline feedback.
"""

from __future__ import annotations

M = "http://www.w3.org/1998/Math/MathML"
QTI21 = 'xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1"'
QTI22 = 'xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2"'
QTI3 = 'xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"'
RP21 = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
RP22 = "http://www.imsglobal.org/question/qti_v2p2/rptemplates/"

TAO_CHOICE_MATHML = f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem {QTI21} xmlns:m="{M}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    identifier="i16a7c3e0b1" title="Handle time" label="AHT formula" xml:lang="en-US"
    adaptive="false" timeDependent="false" toolName="TAO" toolVersion="3.4.0-sprint130">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse>
      <value><![CDATA[choice_2]]></value>
    </correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float" normalMaximum="1"/>
  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">
    <defaultValue><value>1</value></defaultValue>
  </outcomeDeclaration>
  <outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>
  <stylesheet href="style/custom/tao-user-styles.css" type="text/css" media="all" title=""/>
  <itemBody>
    <div class="grid-row">
      <div class="col-12">
        <p>A help desk reports its average handle time as
          <m:math display="inline"><m:semantics><m:mrow><m:mi>AHT</m:mi><m:mo>=</m:mo><m:mfrac><m:mrow>
            <m:mi>talk</m:mi><m:mo>+</m:mo><m:mi>hold</m:mi><m:mo>+</m:mo><m:mi>wrap</m:mi></m:mrow>
            <m:mi>calls</m:mi></m:mfrac></m:mrow><m:annotation encoding="LaTeX">\\frac{{t+h+w}}{{c}}</m:annotation>
          </m:semantics></m:math>.</p>
      </div>
    </div>
    <div class="grid-row">
      <div class="col-12">
        <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1" minChoices="0"
            orientation="vertical">
          <prompt>Calls took 300 s of talk, 60 s of hold and 40 s of wrap-up each. What is the AHT?</prompt>
          <simpleChoice identifier="choice_1" fixed="false" showHide="show">360 s</simpleChoice>
          <simpleChoice identifier="choice_2" fixed="false" showHide="show">400 s</simpleChoice>
          <simpleChoice identifier="choice_3" fixed="false" showHide="show"><m:math><m:msup><m:mn>20</m:mn>
            <m:mn>2</m:mn></m:msup></m:math> s</simpleChoice>
        </choiceInteraction>
      </div>
    </div>
  </itemBody>
  <responseProcessing template="{RP21}match_correct"/>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show"
    >Talk, hold and wrap-up all count: 300 + 60 + 40 = 400 s.</modalFeedback>
</assessmentItem>
"""
TAO_CHOICE_STEM = (
    "A help desk reports its average handle time as "
    '<math display="inline"><semantics><mrow><mi>AHT</mi><mo>=</mo><mfrac><mrow><mi>talk</mi><mo>+</mo>'
    "<mi>hold</mi><mo>+</mo><mi>wrap</mi></mrow><mi>calls</mi></mfrac></mrow>"
    '<annotation encoding="LaTeX">&#92;frac{t+h+w}{c}</annotation></semantics></math>.'
    "\n\nCalls took 300 s of talk, 60 s of hold and 40 s of wrap-up each. What is the AHT?"
)

# A number within 5 % of the correct one earns full credit, within 10 % half (Certify keeps the first).
TAO_NUMERIC_RELATIVE = f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem {QTI21} identifier="i16b2f8d9c4" title="First-contact resolution" adaptive="false"
    timeDependent="false" toolName="TAO" toolVersion="3.4.0-sprint130">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="float">
    <correctResponse><value>72</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <div class="grid-row"><div class="col-12">
      <p>Of 250 first calls to the sales line, 180 were resolved without a callback. What is the
        first-contact resolution rate in percent? <textEntryInteraction responseIdentifier="RESPONSE"
        expectedLength="4"/></p>
    </div></div>
  </itemBody>
  <responseProcessing>
    <responseCondition>
      <responseIf>
        <equal toleranceMode="relative" tolerance="5" includeLowerBound="true" includeUpperBound="true">
          <correct identifier="RESPONSE"/>
          <variable identifier="RESPONSE"/>
        </equal>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
      </responseIf>
      <responseElseIf>
        <equal toleranceMode="relative" tolerance="10">
          <correct identifier="RESPONSE"/>
          <variable identifier="RESPONSE"/>
        </equal>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="float">0.5</baseValue></setOutcomeValue>
      </responseElseIf>
      <responseElse>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue></setOutcomeValue>
      </responseElse>
    </responseCondition>
  </responseProcessing>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show"
    >180 / 250 = 0.72, so 72 %.</modalFeedback>
</assessmentItem>
"""

LEARNOSITY_SINGLE_PARTIAL = f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem {QTI22} identifier="lrn-5f0e9a" title="Coaching follow-up" adaptive="false"
    timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>c</value></correctResponse>
    <mapping defaultValue="0" lowerBound="0">
      <mapEntry mapKey="a" mappedValue="-0.5"/>
      <mapEntry mapKey="b" mappedValue="1"/>
      <mapEntry mapKey="c" mappedValue="2"/>
    </mapping>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <div class="lrn-qti-stimulus"><p>After a sales workshop, call quality dipped again within a month.</p></div>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">
      <prompt>Which follow-up best sustains the new behaviour?</prompt>
      <simpleChoice identifier="a">Repeat the workshop for everyone</simpleChoice>
      <simpleChoice identifier="b">Send a reminder e-mail with the model</simpleChoice>
      <simpleChoice identifier="c">Have managers coach two calls a week against a checklist</simpleChoice>
      <simpleChoice identifier="d">Add a quiz to the learning platform</simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing template="{RP22}map_response"/>
</assessmentItem>
"""

CANVAS_MULTIPLE_WEIGHTED = f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem {QTI21} identifier="g1b7d2e6f0c8a4" title="Question" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">
    <correctResponse>
      <value>answer_1</value>
      <value>answer_3</value>
    </correctResponse>
    <mapping lowerBound="0" upperBound="1" defaultValue="0">
      <mapEntry mapKey="answer_1" mappedValue="0.75"/>
      <mapEntry mapKey="answer_2" mappedValue="-0.5"/>
      <mapEntry mapKey="answer_3" mappedValue="0.25"/>
    </mapping>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <div><p>Which of these are <strong>leading</strong> indicators of first-contact resolution?</p></div>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="0">
      <simpleChoice identifier="answer_1">Share of agents using the diagnostic checklist</simpleChoice>
      <simpleChoice identifier="answer_2">Quarterly customer churn</simpleChoice>
      <simpleChoice identifier="answer_3">Knowledge-base articles opened per call</simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing template="{RP21}map_response"/>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="general_fb" showHide="show"
    >Leading indicators move before the result does.</modalFeedback>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="incorrect_fb" showHide="show"
    >Churn lags behind resolution by months.</modalFeedback>
</assessmentItem>
"""

SPEC3_MULTIPLE_PINNED = f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item {QTI3} identifier="spec-multi-1" title="Job aid or training"
    adaptive="false" time-dependent="false" xml:lang="en">
  <qti-response-declaration identifier="RESPONSE" cardinality="multiple" base-type="identifier">
    <qti-correct-response>
      <qti-value>H</qti-value>
      <qti-value>J</qti-value>
    </qti-correct-response>
    <qti-mapping lower-bound="0" upper-bound="2" default-value="0">
      <qti-map-entry map-key="H" mapped-value="1"/>
      <qti-map-entry map-key="J" mapped-value="1"/>
      <qti-map-entry map-key="K" mapped-value="-1"/>
      <qti-map-entry map-key="N" mapped-value="-1"/>
    </qti-mapping>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
  <qti-item-body>
    <qti-choice-interaction response-identifier="RESPONSE" shuffle="true" max-choices="0">
      <qti-prompt>Which tasks call for a job aid rather than training?</qti-prompt>
      <qti-simple-choice identifier="H">A yearly inventory count<qti-feedback-inline
          outcome-identifier="FEEDBACK" identifier="H" show-hide="show">Rare tasks are forgotten.</qti-feedback-inline>
      </qti-simple-choice>
      <qti-simple-choice identifier="J">A 14-step returns procedure</qti-simple-choice>
      <qti-simple-choice identifier="K">Greeting a customer</qti-simple-choice>
      <qti-simple-choice identifier="N" fixed="true">None of these</qti-simple-choice>
    </qti-choice-interaction>
    <qti-feedback-block outcome-identifier="FEEDBACK" identifier="solution" show-hide="show">
      <p>Job aids suit rare or long tasks that do not need speed.</p>
    </qti-feedback-block>
    <p>Think about how often the task comes up.<qti-feedback-inline outcome-identifier="FEEDBACK"
        identifier="hint" show-hide="show">Frequency matters most.</qti-feedback-inline></p>
  </qti-item-body>
  <qti-response-processing template-location="/rptemplates/map_response.xml"/>
</qti-assessment-item>
"""

SPEC3_TEXT_MAPPED = f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item {QTI3} identifier="spec-text-1" title="Gap name" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="string">
    <qti-correct-response><qti-value>job aid</qti-value></qti-correct-response>
    <qti-mapping default-value="0" upper-bound="1">
      <qti-map-entry map-key="job aid" mapped-value="1" case-sensitive="false"/>
      <qti-map-entry map-key="JA" mapped-value="1" case-sensitive="true"/>
      <qti-map-entry map-key="checklist" mapped-value="0.5" case-sensitive="false"/>
    </qti-mapping>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
  <qti-item-body>
    <p>A memory aid used on the job is a <qti-text-entry-interaction response-identifier="RESPONSE"
      expected-length="12"/>.</p>
  </qti-item-body>
  <qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml"/>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="RATIONALE" show-hide="show">
    <qti-content-body><p>Job aids hold information so people need not memorise it.</p></qti-content-body>
  </qti-modal-feedback>
</qti-assessment-item>
"""


def unsupported(interaction: str, inner: str = "") -> str:
    """A QTI 3.0 item whose only interaction is `interaction` (kebab-case, without the qti- prefix)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item {QTI3} identifier="odd-1" title="Odd one" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier"/>
  <qti-item-body>
    <p>Answer below.</p>
    <qti-{interaction} response-identifier="RESPONSE">{inner}</qti-{interaction}>
  </qti-item-body>
</qti-assessment-item>
"""


def numeric21(processing: str, correct: str = "150") -> str:
    """A QTI 2.1 numeric item (an ROI in percent) scored by `processing`."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem {QTI21} identifier="roi-1" title="ROI" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="float">
    <correctResponse><value>{correct}</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <p>Costs were 40,000 and benefits 100,000. What is the ROI in percent?</p>
    <p><textEntryInteraction responseIdentifier="RESPONSE"/></p>
  </itemBody>
  <responseProcessing>{processing}</responseProcessing>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show"
    >(100,000 - 40,000) / 40,000 = 1.5.</modalFeedback>
</assessmentItem>
"""


def full_credit_if(condition: str, score: str = '<baseValue baseType="float">1</baseValue>') -> str:
    """Response processing giving SCORE `score` when `condition` holds, else 0."""
    return f"""
    <responseCondition>
      <responseIf>{condition}
        <setOutcomeValue identifier="SCORE">{score}</setOutcomeValue>
      </responseIf>
      <responseElse>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue></setOutcomeValue>
      </responseElse>
    </responseCondition>"""
