"""Hand-written QTI 2.1/2.2 item XML, one per supported interaction (VER becomes 2p1 or 2p2)."""

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_vVER"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsglobal.org/xsd/imsqti_vVER http://www.imsglobal.org/xsd/qti/qtiv2pX/imsqti_vVER.xsd"
"""
RP = "http://www.imsglobal.org/question/qti_vVER/rptemplates/"

# QTI 2.1 and 2.2 share this vocabulary; VER becomes 2p1 or 2p2.
ITEMS_2X = {
    "choice": HEAD
    + f"""    identifier="choice-1" title="Starting point" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse>
      <value>B</value>
    </correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>
  <itemBody>
    <p>A sales director asks for a <strong>negotiation</strong>
       course.</p>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">
      <prompt>What should the designer ask first?</prompt>
      <simpleChoice identifier="A">Which dates suit the team
        <feedbackInline outcomeIdentifier="FEEDBACK" identifier="A" showHide="show"
          >Logistics come later.</feedbackInline>
      </simpleChoice>
      <simpleChoice identifier="B">Which sales figures should change
        <feedbackInline outcomeIdentifier="FEEDBACK" identifier="B" showHide="show"
          >Design starts from the metric.</feedbackInline>
      </simpleChoice>
      <simpleChoice identifier="C">How long the course should be</simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing template="{RP}match_correct"/>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show">Results come first.</modalFeedback>
</assessmentItem>
""",
    "multiple": HEAD
    + f"""    identifier="multi-1" title="Environment causes" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">
    <correctResponse>
      <value>A</value>
      <value>C</value>
    </correctResponse>
    <mapping lowerBound="0" upperBound="1" defaultValue="0">
      <mapEntry mapKey="A" mappedValue="0.5"/>
      <mapEntry mapKey="B" mappedValue="-0.5"/>
      <mapEntry mapKey="C" mappedValue="0.5"/>
      <mapEntry mapKey="D" mappedValue="-0.5"/>
    </mapping>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="0">
      <prompt>Which causes lie in the work environment?</prompt>
      <simpleChoice identifier="A">Missing tools</simpleChoice>
      <simpleChoice identifier="B">Lack of skill</simpleChoice>
      <simpleChoice identifier="C">Unclear expectations</simpleChoice>
      <simpleChoice identifier="D">Low capacity</simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing template="{RP}map_response"/>
</assessmentItem>
""",
    "order": HEAD
    + f"""    identifier="order-1" title="Design steps" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="ordered" baseType="identifier">
    <correctResponse>
      <value>S1</value>
      <value>S2</value>
      <value>S3</value>
    </correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <p>Put the design steps in order.</p>
    <orderInteraction responseIdentifier="RESPONSE" shuffle="true">
      <simpleChoice identifier="S3">Choose solutions</simpleChoice>
      <simpleChoice identifier="S1">Find the business metric</simpleChoice>
      <simpleChoice identifier="S2">Analyse the causes</simpleChoice>
    </orderInteraction>
  </itemBody>
  <responseProcessing template="{RP}match_correct"/>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="RATIONALE" showHide="show">
    <p>Results, then causes, then solutions.</p>
  </modalFeedback>
</assessmentItem>
""",
    "match": HEAD
    + f"""    identifier="match-1" title="Causes and solutions" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="directedPair">
    <correctResponse>
      <value>M1 T2</value>
      <value>M2 T1</value>
    </correctResponse>
    <mapping defaultValue="0">
      <mapEntry mapKey="M1 T2" mappedValue="1"/>
      <mapEntry mapKey="M2 T1" mappedValue="1"/>
    </mapping>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <matchInteraction responseIdentifier="RESPONSE" shuffle="true" maxAssociations="2">
      <prompt>Match each cause to its solution.</prompt>
      <simpleMatchSet>
        <simpleAssociableChoice identifier="M1" matchMax="1">No job aid</simpleAssociableChoice>
        <simpleAssociableChoice identifier="M2" matchMax="1">No skill</simpleAssociableChoice>
      </simpleMatchSet>
      <simpleMatchSet>
        <simpleAssociableChoice identifier="T1" matchMax="1">Training</simpleAssociableChoice>
        <simpleAssociableChoice identifier="T2" matchMax="1">A checklist<feedbackInline
            outcomeIdentifier="FEEDBACK" identifier="T2" showHide="show">Aids fix information gaps.</feedbackInline>
        </simpleAssociableChoice>
        <simpleAssociableChoice identifier="T3" matchMax="1">A new bonus scheme</simpleAssociableChoice>
      </simpleMatchSet>
    </matchInteraction>
  </itemBody>
  <responseProcessing template="{RP}map_response"/>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show">
    <p>Each solution fits one cause.</p>
  </modalFeedback>
</assessmentItem>
""",
    "associate": HEAD
    + f"""    identifier="assoc-1" title="Levels" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="pair">
    <correctResponse>
      <value>L1 R1</value>
      <value>L4 R4</value>
    </correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <associateInteraction responseIdentifier="RESPONSE" shuffle="false" maxAssociations="2">
      <prompt>Pair each Kirkpatrick level with what it measures.</prompt>
      <simpleAssociableChoice identifier="L1" matchMax="1">Level 1</simpleAssociableChoice>
      <simpleAssociableChoice identifier="R1" matchMax="1">Reaction</simpleAssociableChoice>
      <simpleAssociableChoice identifier="L4" matchMax="1">Level 4</simpleAssociableChoice>
      <simpleAssociableChoice identifier="R4" matchMax="1">Results</simpleAssociableChoice>
      <simpleAssociableChoice identifier="X" matchMax="1">Attendance</simpleAssociableChoice>
    </associateInteraction>
  </itemBody>
  <responseProcessing template="{RP}match_correct"/>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show">
    Level 1 is reaction; level 4 is results.
  </modalFeedback>
</assessmentItem>
""",
    "text": HEAD
    + f"""    identifier="text-1" title="Business impact" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string">
    <correctResponse>
      <value>Level 4</value>
    </correctResponse>
    <mapping defaultValue="0" upperBound="1">
      <mapEntry mapKey="Level 4" mappedValue="1" caseSensitive="false"/>
      <mapEntry mapKey="Results" mappedValue="1" caseSensitive="false"/>
      <mapEntry mapKey="Level 3" mappedValue="0.5" caseSensitive="false"/>
    </mapping>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <p>The Kirkpatrick level that measures business impact is
      <textEntryInteraction responseIdentifier="RESPONSE" expectedLength="10"/>.</p>
  </itemBody>
  <responseProcessing template="{RP}map_response"/>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show"
    >Level 4 measures results.</modalFeedback>
</assessmentItem>
""",
    "numeric": HEAD
    + f"""    identifier="num-1" title="ROI" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="float">
    <correctResponse>
      <value>150</value>
    </correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <p>Costs were 40,000 and benefits 100,000. What is the ROI in percent?</p>
    <p><textEntryInteraction responseIdentifier="RESPONSE"/></p>
  </itemBody>
  <responseProcessing template="{RP}match_correct"/>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show"
    >ROI = (100,000 - 40,000) / 40,000 x 100.</modalFeedback>
</assessmentItem>
""",
    "inline": HEAD
    + f"""    identifier="inline-1" title="Level 4" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse>
      <value>RES</value>
    </correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <p>Kirkpatrick level 4 measures
      <inlineChoiceInteraction responseIdentifier="RESPONSE" shuffle="false">
        <inlineChoice identifier="REA">reaction</inlineChoice>
        <inlineChoice identifier="BEH">behaviour</inlineChoice>
        <inlineChoice identifier="RES">results</inlineChoice>
      </inlineChoiceInteraction>
      in the business.</p>
  </itemBody>
  <responseProcessing template="{RP}match_correct"/>
</assessmentItem>
""",
    "true_false": HEAD
    + f"""    identifier="tf-1" title="Motivation" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse>
      <value>F</value>
    </correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>
  <itemBody>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">
      <prompt>Training fixes motivation problems.</prompt>
      <simpleChoice identifier="T">True<feedbackInline outcomeIdentifier="FEEDBACK" identifier="T"
          showHide="show">Motivation is rarely a skill gap.</feedbackInline></simpleChoice>
      <simpleChoice identifier="F">False<feedbackInline outcomeIdentifier="FEEDBACK" identifier="F"
          showHide="show">Right: consequences drive motivation.</feedbackInline></simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing template="{RP}match_correct"/>
</assessmentItem>
""",
}
