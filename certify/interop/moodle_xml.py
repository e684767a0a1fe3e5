"""Moodle XML (Question bank > Export > "Moodle XML format") in and out. Pure: bytes in, data out.

Reading (`read_moodle_xml`), question type by question type:

- multichoice, one answer (`<single>true`): single_choice; the 100 % answer is the key, answers strictly
  between 0 and 100 % earn that share (`credit`). A second 100 % answer and negative marks are reported.
- multichoice, several answers: multiple_response, keyed = positive fraction, scoring `partial` (Moodle's
  rule: the fractions of the chosen answers added up, never below 0). When the file's fractions are not
  +1/k for each of the k correct answers and -1/k for each other one, a warning says scores can differ.
- truefalse, shortanswer (`usecase` = case sensitive; `*` wildcards become patterns; 0 % answers keep their
  feedback as known wrong answers; partial credit scores 0, with a warning), numerical (the first 100 %
  answer with its absolute tolerance is the key; the unit with multiplier 1 is the unit; other units,
  unit grading and extra answers are reported), matching (an empty subquestion is a distractor) and
  ordering (qtype_ordering; its grading type picks Certify's rule where one scores the same way).
- essay, description, cloze, drag-and-drop, select missing words, calculated, random short-answer matching
  and unknown types are skipped, each with its reason.

Categories: `$course$/top/A/B` names the category of the questions after it; `certify.core.imports.
competency_for` picks the competency (the admin's mapping, else the last segment or whole path as a code
or title, else the default); a question whose category maps to none is an `unmapped` skip. An `idnumber`
that is a valid id is the item id, else `<bank id>-NNN` (the question's name is kept as its title); a
repeated idnumber or name is numbered and reported.

Text: HTML stays HTML inside the Markdown (it is sanitised on display), without Moodle's wrapping `<p>`
when what it wraps is plain text; markdown, plain_text and moodle_auto_format are kept as written. Images
(`@@PLUGINFILE@@/name` with `<file encoding="base64">` children, or Moodle 1.9's `<image_base64>`) go into
`Bank.media` and the text names them `media:<sha256>` (see certify.interop.moodle_media).

Feedback: the general feedback is the rationale (else the correct answer's feedback, with a warning, else
the 'needs rationale' marker: the item is a draft and the file gets one warning); each answer's feedback is
its option's rationale (the wrong true/false answer's is `wrong_rationale`, a wrong typed answer's that
answer's rationale). Combined feedback other than Moodle's defaults, hints, default marks other than 1,
answer numbering other than abc/none and every other loss are warnings naming the item.

Writing (`bank_to_moodle_xml`): one category `$course$/top/<bank title>/<competency code>` each time the
competency changes (Moodle files them in one category per competency), idnumber = item id, name = title
(else the id), texts in Moodle's markdown format, rationales as general feedback and option rationales as
answer feedback, credit as fractions, multiple response as +1/k and -1/k, ordering in qtype_ordering's
format, media as `<file>` children. What Moodle has no field for travels in a comment at the end of the
general feedback, which Moodle keeps and never shows:

    <!-- certify {"bloom":"apply","status":"live","references":["..."],"enemies":["RA-012"]} -->

It always holds `bloom` and `status`, and when needed `references`, `enemies`, `allow_all_none`, `shuffle`
(false, for types Moodle does not shuffle), `ids` (option, pair or step ids when not a, b, c...),
`rationales` (matching pairs, then distractors), `scoring` (multiple response and matching rules Moodle
lacks), `patterns` and `collapse_whitespace` (short answer) and `range` (numeric). The XML wins wherever it
can say something; a file with the comment imports every shipped bank back unchanged. Without it (a file
from Moodle itself) an item gets the default Bloom level and the status draft.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from certify.core.banks import ID_PATTERN, Bank
from certify.core.imports import rationale_warning
from certify.core.source import Problem
from certify.interop.moodle_media import MediaLimit
from certify.interop.moodle_read import MoodleReader
from certify.interop.moodle_write import bank_to_moodle_xml
from certify.interop.qti_xml import local, parse_xml

MAX_XML_BYTES = 320 * 1024 * 1024  # room for the 200 MB of images an import accepts, base64-encoded
_DECLARED = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_PROLOGUE = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:\s+|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*<quiz[\s/>]", re.S
)

__all__ = ["bank_to_moodle_xml", "looks_like_moodle_xml", "read_moodle_xml"]


def looks_like_moodle_xml(head: bytes) -> bool:
    """Whether the start of a file is Moodle XML: its document element is `<quiz>` (after a BOM, the XML
    declaration, comments or a doctype)."""
    return bool(_PROLOGUE.match(head))


def _not_utf8(data: bytes, filename: str) -> Problem | None:
    """A file that says (or, saying nothing, must be) UTF-8 and is not, as one clear problem."""
    declared = _DECLARED.match(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        declared and declared.group(1).lower() not in (b"utf-8", b"utf8")
    ):
        return None  # UTF-16 or a declared encoding: the XML parser reads it (or reports it)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return Problem(filename, line, f"not UTF-8 text ({exc.reason} at byte {exc.start}); Moodle XML is UTF-8")
    return None


def read_moodle_xml(
    data: bytes,
    filename: str,
    *,
    competencies: Collection[str],
    bank_id: str,
    title: str,
    default_competency: str,
    category_map: Mapping[str, str] | None = None,
    default_bloom: str = "apply",
) -> tuple[Bank | None, list[Problem]]:
    """A Bank from a Moodle XML export, with a skip for each question left out and a warning for each loss.

    (None, [error]) only when the file cannot be read at all: malformed XML, a DTD or entities, not UTF-8,
    not `<quiz>`, or images beyond the size limits.
    """
    if not ID_PATTERN.match(bank_id):
        return None, [Problem(filename, 0, f"bank id {bank_id!r} is not a simple identifier")]
    if len(data) > MAX_XML_BYTES:
        return None, [Problem(filename, 1, f"file too large: more than {MAX_XML_BYTES // 1024**2} MB")]
    problem = _not_utf8(data, filename)
    if problem is not None:
        return None, [problem]
    try:
        doc, problems = parse_xml(data, filename)
    except (LookupError, ValueError) as exc:  # expat: an encoding it does not know, or a multi-byte one
        return None, [Problem(filename, 1, f"the XML declaration names an encoding that cannot be read: {exc}")]
    if doc is None:
        return None, problems
    if local(doc.root.tag) != "quiz":
        found = local(doc.root.tag) or "?"
        return None, [
            Problem(filename, doc.line(doc.root), f"not Moodle XML: the root element is <{found}>, not <quiz>")
        ]
    reader = MoodleReader(
        filename,
        doc,
        competencies=competencies,
        bank_id=bank_id,
        default_competency=default_competency,
        category_map=category_map or {},
        default_bloom=default_bloom,
    )
    try:
        items = reader.read()
    except MediaLimit as exc:
        return None, [Problem(filename, exc.line, exc.message)]
    problems = reader.problems
    if reader.missing_rationale:
        problems.append(rationale_warning(filename, reader.missing_rationale, "Moodle XML"))
    media = {digest: reader.media.media[digest] for digest in sorted(reader.used_media)}
    return Bank(bank_id, title, "certification", tuple(items), filename, media=media), problems
