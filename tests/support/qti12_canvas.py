"""A Canvas course export with a classic quiz and a question bank, built the way Canvas writes it.

Canvas (Course > Settings > Export Course Content) writes an IMS Common Cartridge zip: `imsmanifest.xml`,
per quiz a folder with the Common Cartridge copy (`assessment_qti.xml`, only the types Common Cartridge
knows) and the quiz settings (`assessment_meta.xml`), Canvas's full copy of every quiz and question bank in
`non_cc_assessments/<id>.xml.qti`, and course files under `web_resources/`. A quiz export (Quizzes > Export
as QTI) is `<quiz id>/<quiz id>.xml` with its settings. Texts are HTML escaped inside `<mattext
texttype="text/html">`; the key is the `respcondition` that sets SCORE to 100; feedback is `<itemfeedback>`
named `general_fb`, `correct_fb`, `general_incorrect_fb` and `<answer id>_fb`.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from html import escape

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QUIZ_ID = "g4f1c2a7d9e3b5068a1c2d3e4f5a6b7c8"
BANK_ID = "g9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"
QUIZ_TITLE = "Help desk performance review"
BANK_TITLE = "Evaluation & impact"
IMAGE_PATH = "web_resources/Uploaded Media/fcr-trend.png"


def tiny_png(shade: int = 90) -> bytes:
    """A valid 1x1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes([0, shade])))
        + chunk(b"IEND", b"")
    )


def html(text: str) -> str:
    return f'<mattext texttype="text/html">{escape(text, quote=False)}</mattext>'


def plain(text: str) -> str:
    return f'<mattext texttype="text/plain">{escape(text, quote=False)}</mattext>'


@dataclass
class Answer:
    id: str
    text: str
    weight: int = 0
    comment: str = ""


@dataclass
class Question:
    ident: str
    title: str
    type: str
    stem: str  # HTML
    answers: list[Answer] = field(default_factory=list)
    points: float = 1.0
    neutral: str = ""
    correct: str = ""
    incorrect: str = ""
    bank_copy_of: str = ""  # the bank question this quiz question was made from
    extra_meta: dict[str, str] = field(default_factory=dict)
    presentation: str = ""  # response part, when the type needs its own
    scoring: str = ""  # respconditions, when the type needs its own


def _field(label: str, entry: str) -> str:
    return (
        f"<qtimetadatafield><fieldlabel>{label}</fieldlabel><fieldentry>{escape(entry)}</fieldentry></qtimetadatafield>"
    )


def _feedback(ident: str, text: str) -> str:
    return f'<itemfeedback ident="{ident}"><flow_mat><material>{html(text)}</material></flow_mat></itemfeedback>'


def _choices(question: Question) -> str:
    cardinality = "Multiple" if question.type == "multiple_answers_question" else "Single"
    labels = "".join(
        f'<response_label ident="{a.id}"><material>{plain(a.text)}</material></response_label>'
        for a in question.answers
    )
    return (
        f'<response_lid ident="response1" rcardinality="{cardinality}">'
        f"<render_choice>{labels}</render_choice></response_lid>"
    )


def _answer_feedback(question: Question, by_text: bool = False) -> str:
    return "".join(
        f'<respcondition continue="Yes"><conditionvar><varequal respident="response1">'
        f"{escape(a.text) if by_text else a.id}</varequal></conditionvar>"
        f'<displayfeedback feedbacktype="Response" linkrefid="{a.id}_fb"/></respcondition>'
        for a in question.answers
        if a.comment
    )


def _correct_ref(question: Question) -> str:
    return '<displayfeedback feedbacktype="Response" linkrefid="correct_fb"/>' if question.correct else ""


def _set100(condition: str, question: Question) -> str:
    return (
        f'<respcondition continue="No"><conditionvar>{condition}</conditionvar>'
        f'<setvar action="Set" varname="SCORE">100</setvar>{_correct_ref(question)}</respcondition>'
    )


def _scoring(question: Question) -> str:
    kind = question.type
    if question.scoring:
        return question.scoring
    if kind in ("multiple_choice_question", "true_false_question"):
        key = next((a.id for a in question.answers if a.weight > 0), "")
        return _answer_feedback(question) + _set100(f'<varequal respident="response1">{key}</varequal>', question)
    if kind == "multiple_answers_question":
        parts = "".join(
            f'<varequal respident="response1">{a.id}</varequal>'
            if a.weight > 0
            else f'<not><varequal respident="response1">{a.id}</varequal></not>'
            for a in question.answers
        )
        return _answer_feedback(question) + _set100(f"<and>{parts}</and>", question)
    if kind == "short_answer_question":
        accepted = "".join(f'<varequal respident="response1">{escape(a.text)}</varequal>' for a in question.answers)
        return _answer_feedback(question, by_text=True) + _set100(accepted, question)
    return ""


def item(question: Question) -> str:
    """One Canvas quiz or bank question as Canvas's full (non Common Cartridge) QTI writes it."""
    meta = _field("question_type", question.type) + _field("points_possible", f"{question.points}")
    meta += _field("original_answer_ids", ",".join(a.id for a in question.answers))
    if question.bank_copy_of:
        meta += _field("assessment_question_identifierref", question.bank_copy_of)
    meta += "".join(_field(label, entry) for label, entry in question.extra_meta.items())
    response = question.presentation
    if not response and question.type in (
        "multiple_choice_question",
        "true_false_question",
        "multiple_answers_question",
    ):
        response = _choices(question)
    elif not response and question.type in ("short_answer_question", "essay_question"):
        response = (
            '<response_str ident="response1" rcardinality="Single"><render_fib>'
            '<response_label ident="answer1" rshuffle="No"/></render_fib></response_str>'
        )
    general = (
        '<respcondition continue="Yes"><conditionvar><other/></conditionvar>'
        '<displayfeedback feedbacktype="Response" linkrefid="general_fb"/></respcondition>'
        if question.neutral
        else ""
    )
    wrong = (
        '<respcondition continue="Yes"><conditionvar><other/></conditionvar>'
        '<displayfeedback feedbacktype="Response" linkrefid="general_incorrect_fb"/></respcondition>'
        if question.incorrect and question.type != "matching_question"
        else ""
    )
    processing = ""
    if question.type not in ("text_only_question", "file_upload_question"):
        processing = (
            '<resprocessing><outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/>'
            f"</outcomes>{general}{_scoring(question)}{wrong}</resprocessing>"
        )
        for ident, text in (("general_fb", question.neutral), ("correct_fb", question.correct)):
            processing += _feedback(ident, text) if text else ""
        processing += _feedback("general_incorrect_fb", question.incorrect) if question.incorrect else ""
        processing += "".join(_feedback(f"{a.id}_fb", a.comment) for a in question.answers if a.comment)
    return (
        f'<item ident="{question.ident}" title="{escape(question.title)}">'
        f"<itemmetadata><qtimetadata>{meta}</qtimetadata></itemmetadata>"
        f"<presentation><material>{html('<div>' + question.stem + '</div>')}</material>{response}</presentation>"
        f"{processing}</item>"
    )


def document(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<questestinterop xmlns="{QTI_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{QTI_NS} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd">\n{body}\n</questestinterop>\n'
    ).encode()


def quiz_document(questions: list[Question], ident: str = QUIZ_ID, title: str = QUIZ_TITLE) -> bytes:
    items = "\n".join(item(q) for q in questions)
    return document(
        f'<assessment ident="{ident}" title="{escape(title)}"><qtimetadata>{_field("cc_maxattempts", "1")}'
        f'</qtimetadata><section ident="root_section">\n{items}\n</section></assessment>'
    )


def bank_document(questions: list[Question], ident: str = BANK_ID, title: str = BANK_TITLE) -> bytes:
    items = "\n".join(item(q) for q in questions)
    return document(
        f'<objectbank ident="{ident}"><qtimetadata>{_field("bank_title", title)}</qtimetadata>\n{items}\n</objectbank>'
    )


def quiz_settings(ident: str = QUIZ_ID, title: str = QUIZ_TITLE) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<quiz identifier="{ident}" xmlns="http://canvas.instructure.com/xsd/cccv1p0" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<title>{escape(title)}</title><description></description><shuffle_answers>true</shuffle_answers>"
        "<scoring_policy>keep_highest</scoring_policy><quiz_type>assignment</quiz_type>"
        "<points_possible>20.0</points_possible><allowed_attempts>1</allowed_attempts></quiz>\n"
    ).encode()


def manifest(resources: list[tuple[str, str, list[str]]]) -> bytes:
    """An IMS CC manifest: (identifier, type, files) per resource, the first file as its href."""
    rows = "".join(
        f'<resource identifier="{ident}" type="{kind}" href="{files[0]}">'
        + "".join(f'<file href="{escape(f)}"/>' for f in files)
        + "</resource>"
        for ident, kind, files in resources
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest identifier="gcourse-export" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">'
        "<metadata><schema>IMS Common Cartridge</schema><schemaversion>1.1.0</schemaversion></metadata>"
        f"<organizations/><resources>{rows}</resources></manifest>\n"
    ).encode()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()
