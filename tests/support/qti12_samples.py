"""Realistic QTI 1.2 exports to import: a Canvas course export, a Canvas quiz export and a Blackboard pool.

The Canvas quiz has one question of every classic-quiz type; the bank holds a question of its own and the
bank copy of the quiz's first question (which must not be imported twice).
"""

from __future__ import annotations

from tests.support.qti12_canvas import (
    BANK_ID,
    IMAGE_PATH,
    QUIZ_ID,
    QUIZ_TITLE,
    Answer,
    Question,
    bank_document,
    document,
    html,
    manifest,
    plain,
    quiz_document,
    quiz_settings,
    tiny_png,
    zipped,
)
from tests.support.qti12_pool import BLACKBOARD_POOL

COMPETENCIES = {
    "RA": "Results alignment",
    "PA": "Performance & cause analysis",
    "SS": "Solution selection",
    "EV": "Evaluation & impact",
}
LOR = "associatedcontent/imscc_xmlv1p1/learning-application-resource"
BANK_COPY = "i9f8e7d6c5b4a39281706f5e4d3c2b1a0"

FCR = Question(
    "i0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "First-contact resolution baseline",
    "multiple_choice_question",
    "<p>The chart shows the help desk's first-contact resolution (FCR) by month.</p>"
    '<p><img src="$IMS-CC-FILEBASE$/Uploaded%20Media/fcr-trend.png" alt="FCR by month, flat at 61%"></p>'
    "<p>Which figure should the coaching project be measured <strong>against</strong>?</p>",
    [
        Answer(
            "4821", "The 61% FCR the team averaged before the project", 100, "It is the baseline the sponsor tracks."
        ),
        Answer("9310", "The 90% FCR the sponsor hopes for", 0, "That is the target, not the starting point."),
        Answer("2207", "The number of agents who finish the coaching", 0),
        Answer("6645", "How much the agents liked the coaching", 0),
    ],
    points=2.0,
    neutral="<p>A result is measured against the value it had <em>before</em> anything changed.</p>",
    incorrect="<p>Look again at what the chart shows.</p>",
    bank_copy_of=BANK_COPY,
)
HANDLE_TIME = Question(
    "i1b2c3d4e5f60718293a4b5c6d7e8f9a0",
    "Handle time and product training",
    "true_false_question",
    "<p>Average handle time always falls once agents finish product training.</p>",
    [
        Answer("7001", "True", 0, "Handle time also depends on tools, call mix and incentives."),
        Answer("7002", "False", 100),
    ],
    correct="<p>Training changes what agents know; tools and incentives shape handle time too.</p>",
)
HOLD_CAUSES = Question(
    "i2c3d4e5f60718293a4b5c6d7e8f9a0b1",
    "Causes of long holds",
    "multiple_answers_question",
    "<p>Agents put callers on hold too long. Which of these are <em>environment</em> causes?</p>",
    [
        Answer("5101", "A knowledge base that times out", 100),
        Answer("5102", "A bonus paid on calls per hour", 100),
        Answer("5103", "Agents who never learned the hold procedure", 0),
        Answer("5104", "Agents who dislike talking to callers", 0),
        Answer("5105", "A headset that drops calls", 100),
    ],
)
BASELINE = Question(
    "i3d4e5f60718293a4b5c6d7e8f9a0b1c2",
    "Name the starting value",
    "short_answer_question",
    "<p>What do you call the value a metric had before the project started?</p>",
    [Answer("3301", "baseline", 100, "Yes: the value everything is compared with."), Answer("3302", "a baseline", 100)],
    neutral="<p>Without a baseline no change can be shown.</p>",
)


def _numeric(ident: str, title: str, stem: str, conditions: list[str], neutral: str = "") -> Question:
    scoring = "".join(
        f'<respcondition continue="No"><conditionvar>{c}</conditionvar>'
        '<setvar action="Set" varname="SCORE">100</setvar></respcondition>'
        for c in conditions
    )
    response = (
        '<response_str ident="response1" rcardinality="Single">'
        '<render_fib fibtype="Decimal"><response_label ident="answer1"/></render_fib></response_str>'
    )
    return Question(ident, title, "numerical_question", stem, neutral=neutral, presentation=response, scoring=scoring)


FCR_RATE = _numeric(
    "i4e5f60718293a4b5c6d7e8f9a0b1c2d3",
    "FCR in percent",
    "<p>The team closed 420 of 700 tickets on first contact. What is its FCR, in percent?</p>",
    [
        '<or><varequal respident="response1">60.0</varequal><and><vargte respident="response1">59.5</vargte>'
        '<varlte respident="response1">60.5</varlte></and></or>'
    ],
    neutral="<p>420 / 700 = 0.6, that is 60%.</p>",
)
HANDLE_TARGET = _numeric(
    "i5f60718293a4b5c6d7e8f9a0b1c2d3e4",
    "A handle-time target",
    "<p>The sponsor accepts a handle-time target between 6 and 7.5 minutes. Give one.</p>",
    ['<vargte respident="response1">6.0</vargte><varlte respident="response1">7.5</varlte>'],
    neutral="<p>Any value in the sponsor's range is a target they will sign.</p>",
)
WRAP_UP = _numeric(
    "i60718293a4b5c6d7e8f9a0b1c2d3e4f5",
    "Wrap-up time",
    "<p>Wrap-up took 13.4 seconds on average. Enter it to three significant figures.</p>",
    [
        '<or><varequal respident="response1">13.4</varequal><and><vargt respident="response1">13.35</vargt>'
        '<varlte respident="response1">13.45</varlte></and></or>',
        '<or><varequal respident="response1">13.0</varequal></or>',
    ],
    neutral="<p>Three significant figures keep the tenths.</p>",
)
LEVELS_PAIRS = [
    ("6101", "Post-coaching survey score", "8801", "Reaction", "A survey asks how people felt."),
    ("6102", "Quiz on the escalation policy", "8802", "Learning", ""),
    ("6103", "Escalations handled without a supervisor", "8803", "Behaviour", ""),
]
LEVELS = Question(
    "i718293a4b5c6d7e8f9a0b1c2d3e4f506",
    "Evidence and Kirkpatrick levels",
    "matching_question",
    "<p>Match each piece of help-desk evidence to the Kirkpatrick level it informs.</p>",
    [Answer(a, left, 0, comment) for a, left, _m, _r, comment in LEVELS_PAIRS],
    neutral="<p>Each level asks a different question about the coaching.</p>",
    extra_meta={"matching_answer_incorrect_matches": "Return on investment\nEngagement"},
    presentation="".join(
        f'<response_lid ident="response_{a}"><material>{plain(left)}</material><render_choice>'
        + "".join(
            f'<response_label ident="{m}"><material>{plain(right)}</material></response_label>'
            for _a, _l, m, right, _c in LEVELS_PAIRS
        )
        + '<response_label ident="8804"><material><mattext>Return on investment</mattext></material></response_label>'
        + "</render_choice></response_lid>"
        for a, left, _m, _r, _c in LEVELS_PAIRS
    ),
    scoring="".join(
        f'<respcondition><conditionvar><varequal respident="response_{a}">{m}</varequal></conditionvar>'
        '<setvar varname="SCORE" action="Add">33.33</setvar></respcondition>'
        for a, _l, m, _r, _c in LEVELS_PAIRS
    ),
)
SKIPPED = [
    Question(
        "i8293a4b5c6d7e8f9a0b1c2d3e4f50617", "Two drop-downs", "multiple_dropdowns_question", "<p>A [a] B [b]</p>"
    ),
    Question(
        "i93a4b5c6d7e8f9a0b1c2d3e4f5061728", "Two blanks", "fill_in_multiple_blanks_question", "<p>[x] and [y]</p>"
    ),
    Question("ia4b5c6d7e8f9a0b1c2d3e4f506172839", "Reflect", "essay_question", "<p>Describe a coaching call.</p>"),
    Question("ib5c6d7e8f9a0b1c2d3e4f5061728394a", "Upload", "file_upload_question", "<p>Upload your job aid.</p>"),
    Question("ic6d7e8f9a0b1c2d3e4f5061728394a5b", "Read first", "text_only_question", "<p>The next items use…</p>"),
    Question("id7e8f9a0b1c2d3e4f5061728394a5b6c", "Formula", "calculated_question", "<p>[x] calls in [y] hours</p>"),
]
COACHING_VIDEO = Question(
    "ie8f9a0b1c2d3e4f5061728394a5b6c7d",
    "Coaching video",
    "multiple_choice_question",
    '<p><iframe src="https://video.example/coach"></iframe>'
    '<img src="$IMS-CC-FILEBASE$/Uploaded%20Media/missing.png" alt="coaching rubric"></p>'
    "<p>What should the coach ask first after the call?</p>",
    [
        Answer("4401", "What the agent was trying to achieve", 100, "It starts from the result."),
        Answer("4402", "Why the agent forgot the script", 0, "It assumes a knowledge gap."),
    ],
    neutral="<p>Coaching starts from the result the agent wanted.</p>",
)
QUIZ = [FCR, HANDLE_TIME, HOLD_CAUSES, BASELINE, FCR_RATE, HANDLE_TARGET, WRAP_UP, LEVELS, *SKIPPED, COACHING_VIDEO]

SUCCESS_CASES = Question(
    "if9a0b1c2d3e4f5061728394a5b6c7d8e",
    "Finding success cases",
    "multiple_choice_question",
    "<p>Which agents does the Success Case Method interview?</p>",
    [
        Answer("9901", "Those with the best and the worst results after coaching", 100),
        Answer("9902", "A random sample of every agent", 0),
        Answer("9903", "Only the agents who asked for coaching", 0),
    ],
    neutral="<p>It studies the extremes to learn what made the difference.</p>",
)
BANK = [Question(BANK_COPY, FCR.title, FCR.type, FCR.stem, FCR.answers, neutral=FCR.neutral), SUCCESS_CASES]

# The Common Cartridge copy Canvas writes beside its own: only CC types, with cc_profile metadata.
CC_COPY = document(
    f'<assessment ident="{QUIZ_ID}" title="{QUIZ_TITLE}"><section ident="root_section">'
    f'<item ident="{FCR.ident}" title="{FCR.title}"><itemmetadata><qtimetadata><qtimetadatafield>'
    "<fieldlabel>cc_profile</fieldlabel><fieldentry>cc.multiple_choice.v0p1</fieldentry></qtimetadatafield>"
    f"</qtimetadata></itemmetadata><presentation><material>{html('<div>Which figure?</div>')}</material>"
    '<response_lid ident="response1" rcardinality="Single"><render_choice>'
    f'<response_label ident="4821"><material>{plain("61%")}</material></response_label>'
    f'<response_label ident="9310"><material>{plain("90%")}</material></response_label>'
    "</render_choice></response_lid></presentation></item></section></assessment>"
)


def canvas_course_export() -> bytes:
    """Course > Settings > Export Course Content, with one quiz, one question bank and a course image."""
    full = f"non_cc_assessments/{QUIZ_ID}.xml.qti"
    bank = f"non_cc_assessments/{BANK_ID}.xml.qti"
    return zipped(
        {
            "imsmanifest.xml": manifest(
                [
                    (QUIZ_ID, "imsqti_xmlv1p2/imscc_xmlv1p1/assessment", [f"{QUIZ_ID}/assessment_qti.xml"]),
                    (f"c{QUIZ_ID}", LOR, [f"{QUIZ_ID}/assessment_meta.xml", full]),
                    (BANK_ID, LOR, [bank]),
                    ("gimage", "webcontent", [IMAGE_PATH]),
                ]
            ),
            f"{QUIZ_ID}/assessment_qti.xml": CC_COPY,
            f"{QUIZ_ID}/assessment_meta.xml": quiz_settings(),
            full: quiz_document(QUIZ),
            bank: bank_document(BANK),
            IMAGE_PATH: tiny_png(),
        }
    )


def canvas_quiz_export(questions: list[Question] | None = None) -> bytes:
    """Quizzes > (a quiz) > Export: the quiz's QTI and its settings."""
    return zipped(
        {
            "imsmanifest.xml": manifest(
                [
                    (QUIZ_ID, "imsqti_xmlv1p2", [f"{QUIZ_ID}/{QUIZ_ID}.xml"]),
                    (f"c{QUIZ_ID}", LOR, [f"{QUIZ_ID}/assessment_meta.xml"]),
                ]
            ),
            f"{QUIZ_ID}/{QUIZ_ID}.xml": quiz_document(questions if questions is not None else QUIZ),
            f"{QUIZ_ID}/assessment_meta.xml": quiz_settings(),
        }
    )


__all__ = ["BLACKBOARD_POOL", "COMPETENCIES", "canvas_course_export", "canvas_quiz_export"]
