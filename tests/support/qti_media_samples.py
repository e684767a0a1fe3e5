"""QTI packages with a shared stimulus and images, in the shapes QTI 3.0 and QTI 2.2 tools export them.

A help desk case (one passage with a chart) is shared by three items; a fourth item's options are images
only; a fifth shows a process flow through <object> and refers to a chart that is not in the package. The
manifest also carries the resources real exports have beside items (a test, a response-processing
template copy, shared outcomes, a stylesheet, an LTI link), each of which the reader must handle or name.
"""

from __future__ import annotations

import hashlib

from tests.support.qti_packages import rezip

QTI3 = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
TEMPLATE = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct"

# Tiny stand-ins with the right magic bytes: the reader decides the type from the first bytes only.
TREND_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"handle-time-trend" * 4
QUEUE_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"queue-by-agent" * 4
REPEAT_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"repeat-contacts" * 4
FLOW_GIF = b"GIF89a" + b"escalation-flow" * 4
LOGO_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    identifier="MANIFEST-helpdesk-case">
  <metadata>
    <schema>QTI Package</schema>
    <schemaversion>3.0.0</schemaversion>
  </metadata>
  <organizations/>
  <resources>
    <resource identifier="TEST-helpdesk" type="imsqti_test_xmlv3p0" href="tests/helpdesk.xml">
      <file href="tests/helpdesk.xml"/>
    </resource>
    <resource identifier="STIM-case" type="imsqti_stimulus_xmlv3p0" href="stimuli/handle-time-case.xml">
      <file href="stimuli/handle-time-case.xml"/>
      <file href="images/aht-trend.png"/>
    </resource>
{
    "".join(
        f'''    <resource identifier="ITEM-hd-{n}" type="imsqti_item_xmlv3p0" href="items/hd-{n}.xml">
      <file href="items/hd-{n}.xml"/>
      <dependency identifierref="STIM-case"/>
    </resource>
'''
        for n in (1, 2, 3)
    )
}    <resource identifier="ITEM-charts" type="imsqti_item_xmlv3p0" href="items/charts.xml">
      <file href="items/charts.xml"/>
      <file href="images/queue.png"/>
      <file href="images/repeat.png"/>
    </resource>
    <resource identifier="ITEM-flow" type="imsqti_item_xmlv3p0" href="items/flow.xml">
      <file href="items/flow.xml"/>
      <file href="images/flow.gif"/>
    </resource>
    <resource identifier="RP-match" type="imsqti_rptemplate_xmlv3p0" href="rptemplates/match_correct.xml">
      <file href="rptemplates/match_correct.xml"/>
    </resource>
    <resource identifier="RP-house" type="imsqti_rptemplate_xmlv3p0" href="rptemplates/house_rules.xml">
      <file href="rptemplates/house_rules.xml"/>
    </resource>
    <resource identifier="OUT-shared" type="imsqti_outcomes_xmlv3p0" href="outcomes.xml">
      <file href="outcomes.xml"/>
    </resource>
    <resource identifier="CSS-theme" type="webcontent" href="style/theme.css">
      <file href="style/theme.css"/>
    </resource>
    <resource identifier="LTI-coach" type="imsbasiclti_xmlv1p3" href="lti/coach.xml">
      <file href="lti/coach.xml"/>
    </resource>
  </resources>
</manifest>
"""

STIMULUS = f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-stimulus xmlns="{QTI3}" identifier="handle-time-case" title="Help desk handle time" xml:lang="en">
  <qti-stimulus-body>
    <p>A regional insurer's help desk was told to cut <strong>average handle time</strong> from 9 to
      6 minutes. Agents now close calls early; repeat contacts rose by a third in the same quarter.</p>
    <p><img src="../images/aht-trend.png" alt="Handle time and repeat contacts by week" width="480"/></p>
    <p>The sponsor asks you for "a short course on call control".</p>
  </qti-stimulus-body>
</qti-assessment-stimulus>
"""


def _choice_item(identifier: str, title: str, prompt: str, choices: list[tuple[str, str]], key: str, why: str) -> str:
    options = "\n".join(f'        <qti-simple-choice identifier="{i}">{t}</qti-simple-choice>' for i, t in choices)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="{QTI3}" identifier="{identifier}" title="{title}" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>{key}</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
  <qti-assessment-stimulus-ref identifier="handle-time-case" href="../stimuli/handle-time-case.xml"
      title="Help desk handle time"/>
  <qti-item-body>
    <qti-choice-interaction response-identifier="RESPONSE" shuffle="true" max-choices="1">
      <qti-prompt>{prompt}</qti-prompt>
{options}
    </qti-choice-interaction>
  </qti-item-body>
  <qti-response-processing template="{TEMPLATE}"/>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="correct" show-hide="show">
    <qti-content-body><p>{why}</p></qti-content-body>
  </qti-modal-feedback>
</qti-assessment-item>
"""


CASE_ITEMS = {
    "hd-1": _choice_item(
        "hd-1",
        "What to measure",
        "Which measure should the solution be judged by?",
        [("A", "Average handle time"), ("B", "Issues resolved on first contact"), ("C", "Course completions")],
        "B",
        "Handle time fell while repeat contacts rose: the business result is resolution, not speed.",
    ),
    "hd-2": _choice_item(
        "hd-2",
        "Likely cause",
        "What most likely drives the repeat contacts?",
        [("A", "A skill gap in call control"), ("B", "The handle-time target itself"), ("C", "Low motivation")],
        "B",
        "Agents are doing what the target rewards; the consequence, not a skill, is the cause.",
    ),
    "hd-3": _choice_item(
        "hd-3",
        "First response",
        "How should the consultant answer the request for a course?",
        [("A", "Design the course"), ("B", "Ask which result the sponsor wants to move"), ("C", "Refuse")],
        "B",
        "Stay solution-neutral until the goal and the causes are known.",
    ),
}

CHARTS = f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="{QTI3}" identifier="charts" title="Pick the chart" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>repeat</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-item-body>
    <qti-choice-interaction response-identifier="RESPONSE" shuffle="false" max-choices="1">
      <qti-prompt>Which chart shows the business result the help desk exists for?</qti-prompt>
      <qti-simple-choice identifier="queue">
        <img src="../images/queue.png" alt="Calls waiting per agent"/>
      </qti-simple-choice>
      <qti-simple-choice identifier="repeat">
        <img src="../images/repeat.png" alt="Repeat contacts per week"/>
      </qti-simple-choice>
      <qti-simple-choice identifier="logo"><img src="../images/logo.svg" alt="Team logo"/></qti-simple-choice>
    </qti-choice-interaction>
  </qti-item-body>
  <qti-response-processing template="{TEMPLATE}"/>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="correct" show-hide="show">
    <qti-content-body><p>Repeat contacts measure whether the customer's problem was solved.</p></qti-content-body>
  </qti-modal-feedback>
</qti-assessment-item>
"""

FLOW = f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="{QTI3}" identifier="flow" title="Escalation step" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>T</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-item-body>
    <p>The escalation flow: <object data="../images/flow.gif" type="image/gif">Escalation flow chart</object></p>
    <p>Last quarter: <img src="../images/missing-chart.png" alt="Escalations by tier"/></p>
    <audio src="../media/briefing.mp3" controls="controls"/>
    <qti-choice-interaction response-identifier="RESPONSE" shuffle="false" max-choices="1">
      <qti-prompt>Does the flow send every unresolved call to tier 2 within a day?</qti-prompt>
      <qti-simple-choice identifier="T">True</qti-simple-choice>
      <qti-simple-choice identifier="F">False</qti-simple-choice>
    </qti-choice-interaction>
  </qti-item-body>
  <qti-response-processing template="{TEMPLATE}"/>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="correct" show-hide="show">
    <qti-content-body><p>Every open call moves to tier 2 at the end of the day.</p></qti-content-body>
  </qti-modal-feedback>
</qti-assessment-item>
"""

FILES: dict[str, bytes | str] = {
    "imsmanifest.xml": MANIFEST,
    "tests/helpdesk.xml": "<qti-assessment-test/>",
    "stimuli/handle-time-case.xml": STIMULUS,
    **{f"items/{name}.xml": xml for name, xml in CASE_ITEMS.items()},
    "items/charts.xml": CHARTS,
    "items/flow.xml": FLOW,
    "images/aht-trend.png": TREND_PNG,
    "images/queue.png": QUEUE_PNG,
    "images/repeat.png": REPEAT_PNG,
    "images/logo.svg": LOGO_SVG,
    "images/flow.gif": FLOW_GIF,
    "rptemplates/match_correct.xml": "<qti-response-processing/>",
    "rptemplates/house_rules.xml": "<qti-response-processing/>",
    "outcomes.xml": "<qti-outcome-declaration/>",
    "style/theme.css": "body { font-family: serif; }",
    "lti/coach.xml": "<cartridge_basiclti_link/>",
}


def case_package() -> bytes:
    """The QTI 3.0 help desk package (zip bytes)."""
    return rezip(FILES)


# The same case as QTI 2.2 writes it: camelCase names, and the passage brought in two ways (a stimulus
# reference, and an XInclude of the stimulus document), plus an included XHTML fragment in a stem.
QTI22 = "http://www.imsglobal.org/xsd/imsqti_v2p2"
XI = "http://www.w3.org/2001/XInclude"

STIMULUS_22 = f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentStimulus xmlns="{QTI22}" identifier="handle-time-case" title="Help desk handle time">
  <stimulusBody>
    <p>A regional insurer's help desk was told to cut <strong>average handle time</strong> from 9 to
      6 minutes. Agents now close calls early; repeat contacts rose by a third in the same quarter.</p>
    <p><img src="../images/aht-trend.png" alt="Handle time and repeat contacts by week"/></p>
    <p>The sponsor asks you for "a short course on call control".</p>
  </stimulusBody>
</assessmentStimulus>
"""

TARGETS_FRAGMENT = """<?xml version="1.0" encoding="UTF-8"?>
<div xmlns="http://www.w3.org/1999/xhtml"><p>Targets this quarter: 6 minutes per call, 80 % resolved on first
contact.</p></div>
"""


def _item_22(identifier: str, link: str, prompt: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="{QTI22}" xmlns:xi="{XI}" identifier="{identifier}" title="{identifier}"
    adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>B</value></correctResponse>
  </responseDeclaration>
  {link}
  <itemBody>
    <xi:include href="../shared/targets.xml"/>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">
      <prompt>{prompt}</prompt>
      <simpleChoice identifier="A">Average handle time</simpleChoice>
      <simpleChoice identifier="B">Issues resolved on first contact</simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p2/rptemplates/match_correct"/>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show">
    Resolution is the result.
  </modalFeedback>
</assessmentItem>
"""


def qti22_package() -> bytes:
    """Two QTI 2.2 items sharing the passage: one by assessmentStimulusRef, one by XInclude."""
    reference = (
        '<assessmentStimulusRef identifier="handle-time-case" href="../stimuli/case.xml"'
        ' title="Help desk handle time"/>'
    )
    included = '<xi:include href="../stimuli/case.xml"/>'
    manifest = """<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M-22">
  <metadata><schema>QTIv2.2 Package</schema><schemaversion>1.0.0</schemaversion></metadata>
  <organizations/>
  <resources>
    <resource identifier="S" type="imsqti_stimulus_xmlv2p2" href="stimuli/case.xml">
      <file href="stimuli/case.xml"/>
    </resource>
    <resource identifier="I1" type="imsqti_item_xmlv2p2" href="items/ref.xml"><file href="items/ref.xml"/></resource>
    <resource identifier="I2" type="imsqti_item_xmlv2p2" href="items/inc.xml"><file href="items/inc.xml"/></resource>
    <resource identifier="F" type="imsqti_fragment_xmlv2p2" href="shared/targets.xml">
      <file href="shared/targets.xml"/>
    </resource>
  </resources>
</manifest>
"""
    return rezip(
        {
            "imsmanifest.xml": manifest,
            "stimuli/case.xml": STIMULUS_22,
            "items/ref.xml": _item_22("ref-1", reference, "Which measure matters?"),
            "items/inc.xml": _item_22(
                "inc-1", "<!-- the passage comes in the body -->", "Which result counts?"
            ).replace("<itemBody>", f"<itemBody>\n    {included}"),
            "shared/targets.xml": TARGETS_FRAGMENT,
            "images/aht-trend.png": TREND_PNG,
        }
    )
