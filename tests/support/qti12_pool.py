"""A Blackboard Learn question pool (`res00001.dat`) as Blackboard exports it.

Blackboard writes `<bbmd_questiontype>` and its other metadata as plain elements under `<itemmetadata>`,
texts as escaped HTML in `<mat_extension><mat_formattedtext>` inside `QUESTION_BLOCK` / `RESPONSE_BLOCK`
flows, keys as `respcondition title="correct"` setting SCORE to SCORE.max (fill in the blank and matching
show the `correct` feedback instead), matching's right-hand texts in a `RIGHT_MATCH_BLOCK` by position, and
per-answer feedback as `<itemfeedback ident="<answer ident>">` with a `<solution>`.
"""

from __future__ import annotations

from html import escape

POOL_TITLE = "Sales coaching pool"


def text_block(html: str) -> str:
    return (
        '<flow class="FORMATTED_TEXT_BLOCK"><material><mat_extension>'
        f'<mat_formattedtext type="HTML">{escape(html, quote=False)}</mat_formattedtext>'
        '</mat_extension></material></flow><flow class="FILE_BLOCK"><material/></flow>'
        '<flow class="LINK_BLOCK"><material><mattext charset="us-ascii" texttype="text/plain" uri="" '
        'xml:space="default"/></material></flow>'
    )


def _label(ident: str, html: str | None) -> str:
    if html is None:
        return f'<response_label ident="{ident}" rarea="Ellipse" rrange="Exact" shuffle="Yes"/>'
    return (
        f'<flow_label class="Block"><response_label ident="{ident}" rarea="Ellipse" rrange="Exact" shuffle="Yes">'
        '<flow_mat class="FORMATTED_TEXT_BLOCK"><material><mat_extension>'
        f'<mat_formattedtext type="HTML">{escape(html, quote=False)}</mat_formattedtext>'
        "</mat_extension></material></flow_mat></response_label></flow_label>"
    )


def _feedback(ident: str, html: str, solution: bool = False) -> str:
    body = (
        '<flow_mat class="Block"><flow_mat class="FORMATTED_TEXT_BLOCK"><material><mat_extension>'
        f'<mat_formattedtext type="HTML">{escape(html, quote=False)}</mat_formattedtext>'
        "</mat_extension></material></flow_mat></flow_mat>"
    )
    if solution:
        body = f'<solution feedbackstyle="Complete" view="All"><solutionmaterial>{body}</solutionmaterial></solution>'
    return f'<itemfeedback ident="{ident}" view="All">{body}</itemfeedback>'


def bb_item(
    object_id: str,
    kind: str,
    stem: str,
    response: str,
    conditions: str,
    feedback: str = "",
    *,
    partial: bool = False,
    correct: str = "",
    incorrect: str = "",
) -> str:
    return (
        '<item maxattempts="0"><itemmetadata>'
        f"<bbmd_asi_object_id>{object_id}</bbmd_asi_object_id><bbmd_asitype>Item</bbmd_asitype>"
        f"<bbmd_assessmenttype>Pool</bbmd_assessmenttype><bbmd_sectiontype>Subsection</bbmd_sectiontype>"
        f"<bbmd_questiontype>{kind}</bbmd_questiontype><bbmd_is_from_cartridge>false</bbmd_is_from_cartridge>"
        f"<bbmd_partialcredit>{'true' if partial else 'false'}</bbmd_partialcredit>"
        "<qmd_absolutescore_max>1.0</qmd_absolutescore_max><qmd_weighting>0.0</qmd_weighting>"
        '</itemmetadata><presentation><flow class="Block">'
        f'<flow class="QUESTION_BLOCK">{text_block(stem)}</flow><flow class="RESPONSE_BLOCK">{response}</flow>'
        '</flow></presentation><resprocessing scoremodel="SumOfScores"><outcomes>'
        '<decvar defaultval="0.0" maxvalue="1.0" minvalue="0.0" varname="SCORE" vartype="Decimal"/></outcomes>'
        f"{conditions}"
        '<respcondition title="incorrect"><conditionvar><other/></conditionvar>'
        '<setvar action="Set" variablename="SCORE">0.0</setvar>'
        '<displayfeedback feedbacktype="Response" linkrefid="incorrect"/></respcondition></resprocessing>'
        f"{_feedback('correct', correct)}{_feedback('incorrect', incorrect)}{feedback}</item>"
    )


def _lid(options: list[tuple[str, str]], cardinality: str = "Single", shuffle: str = "Yes") -> str:
    labels = "".join(_label(ident, text) for ident, text in options)
    return (
        f'<response_lid ident="response" rcardinality="{cardinality}" rtiming="No">'
        f'<render_choice maxnumber="0" minnumber="0" shuffle="{shuffle}">{labels}</render_choice></response_lid>'
    )


def _correct(condition: str) -> str:
    return (
        f'<respcondition title="correct"><conditionvar>{condition}</conditionvar>'
        '<setvar action="Set" variablename="SCORE">SCORE.max</setvar>'
        '<displayfeedback feedbacktype="Response" linkrefid="correct"/></respcondition>'
    )


def _is(ident: str) -> str:
    return f'<varequal case="No" respident="response">{ident}</varequal>'


MC_OPTIONS = [
    ("A1F0C3D2E5B4A7968778695A4B3C2D1E", "<p>Ask what the rep wanted the customer to do next</p>"),
    ("B2E1D4C3F6A5B8079887A6B5C4D3E2F1", "<p>Replay the call and list every mistake</p>"),
    ("C3D2E5F4A7B6C9180998B7C6D5E4F302", "<p>Send the rep to the objection-handling course</p>"),
]
MULTIPLE_CHOICE = bb_item(
    "E03EE0034702442C9306629CBF618049",
    "Multiple Choice",
    "<p>A rep's first-call close rate fell. What does the coach do <b>first</b>?</p>",
    _lid(MC_OPTIONS, shuffle="No"),
    _correct(_is(MC_OPTIONS[0][0])),
    _feedback(MC_OPTIONS[1][0], "<p>A list of mistakes does not say what the rep was aiming for.</p>", True)
    + _feedback(MC_OPTIONS[2][0], "<p>A course assumes a knowledge gap nobody has shown.</p>", True),
    correct="<p>Coaching starts from the result the rep wanted.</p>",
    incorrect="<p>Start from the result, not the behaviour.</p>",
)
TRUE_FALSE = bb_item(
    "C74698725FFD4F85A692662108608D53",
    "True/False",
    "<p>A close rate is an operational metric.</p>",
    _lid([("true", "true"), ("false", "false")], shuffle="No"),
    _correct(_is("true")),
    correct="<p>It measures how well a task is done.</p>",
)
MA_OPTIONS = [
    ("D1", "<p>Calls booked per week</p>"),
    ("D2", "<p>Deals closed per hundred calls</p>"),
    ("D3", "<p>Hours of coaching delivered</p>"),
    ("D4", "<p>Coaching sessions attended</p>"),
]
MULTIPLE_ANSWER = bb_item(
    "C18C56154AA04D56A4AE2FE430F4F49D",
    "Multiple Answer",
    "<p>Which of these are results a sales coaching project can be measured by?</p>",
    _lid(MA_OPTIONS, "Multiple"),
    _correct(f"<and>{_is('D1')}{_is('D2')}<not>{_is('D3')}</not><not>{_is('D4')}</not></and>"),
    correct="<p>Results are what the business counts, not what the coaching did.</p>",
)
FILL_IN = bb_item(
    "DD76E663D4244C598FC91CFC433F6D5B",
    "Fill in the Blank",
    "<p>The value a metric had before coaching began is its __________.</p>",
    '<response_str ident="response" rcardinality="Single" rtiming="No"><render_fib charset="us-ascii" '
    'columns="127" encoding="UTF_8" fibtype="String" maxchars="0" maxnumber="0" minnumber="0" prompt="Box" '
    'rows="1"/></response_str>',
    "".join(
        f'<respcondition title="{t}"><conditionvar>{_is(a)}</conditionvar>'
        '<displayfeedback feedbacktype="Response" linkrefid="correct"/>'
        f'<displayfeedback feedbacktype="Response" linkrefid="{t}"/></respcondition>'
        for t, a in (
            ("1CE934E53BDB437B8FD315E68063DA47", "baseline"),
            ("2DF045F64CEC548C9AE426F79174EB58", "base line"),
        )
    ),
    correct="<p>Change is measured from the baseline.</p>",
)
MATCH_LEFT = [("6D32", "<p>Win rate</p>"), ("0933", "<p>Calls per day</p>"), ("80F5", "<p>Coaching hours</p>")]
MATCH_RIGHT = ["<p>Result</p>", "<p>Activity</p>", "<p>Input</p>", "<p>Opinion</p>"]
MATCHING = bb_item(
    "9C5DBA6A142A4B5887C61D333CFFEDA9",
    "Matching",
    "<p>Classify each sales measure.</p>",
    "".join(
        f'<flow class="Block">{text_block(left)}<response_lid ident="{lid}" rcardinality="Single" rtiming="No">'
        '<render_choice maxnumber="0" minnumber="0" shuffle="Yes"><flow_label class="Block">'
        + "".join(_label(f"{lid}-R{n}", None) for n in range(len(MATCH_RIGHT)))
        + "</flow_label></render_choice></response_lid></flow>"
        for lid, left in MATCH_LEFT
    )
    + '</flow><flow class="RIGHT_MATCH_BLOCK">'
    + "".join(f'<flow class="Block">{text_block(right)}</flow>' for right in MATCH_RIGHT),
    "".join(
        f'<respcondition><conditionvar><varequal case="No" respident="{lid}">{lid}-R{n}</varequal></conditionvar>'
        '<displayfeedback feedbacktype="Response" linkrefid="correct"/></respcondition>'
        for n, (lid, _left) in enumerate(MATCH_LEFT)
    ),
)
NUMERIC = bb_item(
    "3A4B5C6D7E8F40312233445566778899",
    "Numeric",
    "<p>A rep closes 12 of 48 qualified calls. What is the close rate, in percent?</p>",
    '<response_num ident="response" rcardinality="Single" rtiming="No"><render_fib charset="us-ascii" '
    'encoding="UTF_8" rows="0" columns="0" maxchars="0" prompt="Box" fibtype="Decimal" minnumber="0" '
    'maxnumber="0"/></response_num>',
    '<respcondition title="4B5C"><conditionvar><vargte respident="response">24.5</vargte>'
    '<varlte respident="response">25.5</varlte><varequal respident="response" case="No">25.0</varequal>'
    '</conditionvar><displayfeedback linkrefid="correct" feedbacktype="Response"/></respcondition>',
    correct="<p>12 / 48 = 0.25.</p>",
)
STEPS = [("S1", "Agree the result"), ("S2", "Observe a call"), ("S3", "Name one change"), ("S4", "Check next week")]
ORDERING = bb_item(
    "_4312_1",
    "Ordering",
    "<p>Put the steps of a coaching conversation in order.</p>",
    _lid([(i, f"<p>{t}</p>") for i, t in reversed(STEPS)], "Ordered"),
    _correct("<and>" + "".join(_is(i) for i, _t in STEPS) + "</and>"),
    correct="<p>Result first, evidence next, one change, then follow-up.</p>",
)
ESSAY = bb_item(
    "39970AD8D5AE425A82338E17D42B7845",
    "Essay",
    "<p>Describe a coaching conversation you held.</p>",
    '<response_str ident="response" rcardinality="Single" rtiming="No"><render_fib fibtype="String" rows="8"/>'
    "</response_str>",
    '<respcondition title="correct"><conditionvar/><setvar action="Set" variablename="SCORE">SCORE.max</setvar>'
    "</respcondition>",
)
BLACKBOARD_POOL = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<questestinterop>'
    f'<assessment title="{POOL_TITLE}"><assessmentmetadata><bbmd_asi_object_id>_5120_1</bbmd_asi_object_id>'
    "<bbmd_asitype>Assessment</bbmd_asitype><bbmd_assessmenttype>Pool</bbmd_assessmenttype>"
    "</assessmentmetadata><section><sectionmetadata><bbmd_asitype>Section</bbmd_asitype></sectionmetadata>\n"
    + "\n".join([MULTIPLE_CHOICE, TRUE_FALSE, MULTIPLE_ANSWER, FILL_IN, MATCHING, NUMERIC, ORDERING, ESSAY])
    + "\n</section></assessment></questestinterop>\n"
).encode()
