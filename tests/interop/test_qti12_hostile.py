"""Hostile and broken QTI 1.2 files and packages get one clear error, never a crash; detection by content."""

from __future__ import annotations

import ast
import importlib
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certify.core.source import Problem
from certify.interop.qti12 import is_qti12_package, looks_like_qti12, read_qti12, read_qti12_package
from certify.interop.qti_xml import REFUSED
from certify.interop.zipsafe import MAX_MEMBER_BYTES
from tests.support.import_fuzz import FUZZ, damaged, samples
from tests.support.qti12_canvas import QUIZ_ID, Answer, Question, quiz_document, zipped
from tests.support.qti12_samples import (
    BLACKBOARD_POOL,
    COMPETENCIES,
    QUIZ,
    canvas_course_export,
    canvas_quiz_export,
)

SETTINGS = {"competencies": COMPETENCIES, "bank_id": "imp", "title": "Imported", "default_competency": "PA"}
QUIZ_XML = quiz_document(QUIZ)
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE questestinterop [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<questestinterop><item ident="a" title="&lol3;"/></questestinterop>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE questestinterop [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<questestinterop><item ident="a" title="&secret;"/></questestinterop>
"""


def only_error(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    assert problems[0].severity == "error" and problems[0].message.strip()
    return problems[0]


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entities_and_dtds_are_refused(data):
    bank, problems = read_qti12(data, "quiz.xml", **SETTINGS)
    assert bank is None and only_error(problems).message == REFUSED


def test_a_package_with_a_hostile_quiz_file_is_refused_naming_it():
    members = {"imsmanifest.xml": b"<manifest/>", f"{QUIZ_ID}/{QUIZ_ID}.xml": BILLION_LAUGHS}
    bank, problems = read_qti12_package(zipped(members), "quiz.zip", **SETTINGS)
    assert bank is None
    problem = only_error(problems)
    assert problem.message == REFUSED and problem.file == f"quiz.zip/{QUIZ_ID}/{QUIZ_ID}.xml"


def test_a_package_with_a_hostile_manifest_is_refused():
    members = {"imsmanifest.xml": EXTERNAL_ENTITY.replace(b"questestinterop", b"manifest"), "q.xml": QUIZ_XML}
    bank, problems = read_qti12_package(zipped(members), "quiz.zip", **SETTINGS)
    assert bank is None and only_error(problems).file == "quiz.zip/imsmanifest.xml"


def test_malformed_xml_names_its_line():
    broken = QUIZ_XML.replace(b"</section>", b"</sektion>")
    bank, problems = read_qti12(broken, "quiz.xml", **SETTINGS)
    problem = only_error(problems)
    assert bank is None and "malformed XML" in problem.message and problem.line > 1


def test_absurd_nesting_is_refused():
    deep = b"<questestinterop>" + b"<section>" * 300 + b"</section>" * 300 + b"</questestinterop>"
    bank, problems = read_qti12(deep, "deep.xml", **SETTINGS)
    assert bank is None and "nested" in only_error(problems).message


def test_zip_traversal_is_refused():
    members = {"imsmanifest.xml": b"<manifest/>", "../../evil.xml": QUIZ_XML}
    bank, problems = read_qti12_package(zipped(members), "quiz.zip", **SETTINGS)
    assert bank is None and "'..'" in only_error(problems).message


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.xml", b"\0" * (MAX_MEMBER_BYTES + 1))
    assert len(buffer.getvalue()) < 100_000
    bank, problems = read_qti12_package(buffer.getvalue(), "quiz.zip", **SETTINGS)
    assert bank is None and "'bomb.xml'" in only_error(problems).message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<?xml version="1.0"?><quiz><question type="multichoice"/></quiz>', "root element is <quiz>"),
        (b"<questestinterop><assessment title='Empty'/></questestinterop>", "no <item> questions"),
        (b"", "malformed XML"),
        ("<questestinterop>caf\u00e9</questestinterop>".encode("latin-1"), "malformed XML"),
    ],
)
def test_files_that_hold_nothing_to_import_say_why(data, message):
    bank, problems = read_qti12(data, "quiz.xml", **SETTINGS)
    assert bank is None and message in only_error(problems).message


def test_a_package_without_qti12_documents_says_so():
    bank, problems = read_qti12_package(zipped({"notes.txt": b"hello"}), "quiz.zip", **SETTINGS)
    assert bank is None and "no QTI 1.2 documents" in only_error(problems).message


def test_a_bad_bank_id_is_refused():
    bank, problems = read_qti12(QUIZ_XML, "quiz.xml", **{**SETTINGS, "bank_id": "no spaces"})
    assert bank is None and "not a simple identifier" in only_error(problems).message


def test_scripts_and_script_links_in_question_html_do_not_come_along():
    stem = '<p onclick="steal()">Pick one <a href="javascript:steal()">here</a><script>steal()</script></p>'
    answers = [Answer("1", "Ask about the result", 100), Answer("2", "Replay the call")]
    question = Question("ihostile", "Hostile", "multiple_choice_question", stem, answers, neutral="<p>Result.</p>")
    bank, _problems = read_qti12(quiz_document([question]), "quiz.xml", **SETTINGS)
    assert bank is not None
    (item,) = bank.items
    assert item.stem == "Pick one <a>here</a>"


@pytest.mark.parametrize(
    "head",
    [
        QUIZ_XML[:400],
        BLACKBOARD_POOL[:200],
        b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- exported -->\n<?pi x?>\n<questestinterop>",
        b'<qti:questestinterop xmlns:qti="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">',
        '<?xml version="1.0" encoding="UTF-16"?><questestinterop/>'.encode("utf-16"),
    ],
)
def test_qti12_documents_are_recognised_by_their_first_bytes(head):
    assert looks_like_qti12(head)


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b'<?xml version="1.0"?><quiz><question type="multichoice"/></quiz>',
        b'<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="x"/>',
        b"<root><questestinterop/></root>",
        b"::Q1:: What? {=a ~b}",
    ],
)
def test_other_files_are_not_taken_for_qti12(head):
    assert not looks_like_qti12(head)


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_qti12_packages_are_recognised_and_qti3_packages_are_not():
    assert is_qti12_package(members_of(canvas_course_export()))
    assert is_qti12_package(members_of(canvas_quiz_export()))
    assert is_qti12_package({"res00001.dat": BLACKBOARD_POOL, "imsmanifest.xml": b"<manifest/>"})
    assert not is_qti12_package(members_of(samples()["package.zip"]))
    assert not is_qti12_package({"notes.txt": b"<questestinterop/>"})


def assert_clear_answer(name: str, result: tuple[object, list[Problem]]) -> None:
    bank, problems = result
    assert all(isinstance(p, Problem) for p in problems)
    assert all(p.file.startswith(name) and p.line >= 0 and p.message.strip() for p in problems), problems
    if bank is None:
        assert any(p.severity == "error" for p in problems)
    else:
        assert not any(p.severity == "error" for p in problems)


@FUZZ
@given(data=st.data())
def test_damaged_documents_get_a_bank_or_clear_problems(data):
    name, original = data.draw(st.sampled_from([("quiz.xml", QUIZ_XML), ("res00001.dat", BLACKBOARD_POOL)]))
    assert_clear_answer(name, read_qti12(data.draw(damaged(original)), name, **SETTINGS))


@st.composite
def damaged_export(draw: st.DrawFn) -> bytes:
    """The Canvas course export rebuilt with one of its files damaged, removed or added."""
    members = members_of(canvas_course_export())
    name = draw(st.sampled_from(sorted(members)))
    operation = draw(st.sampled_from(["damage", "damage", "damage", "remove", "add"]))
    if operation == "damage":
        members[name] = draw(damaged(members[name]))
    elif operation == "remove":
        del members[name]
    else:
        members[draw(st.sampled_from(["extra.xml.qti", "x/imsmanifest.xml", "web_resources/a.png"]))] = members[name]
    return zipped(members)


@FUZZ
@given(data=damaged_export())
def test_damaged_exports_get_a_bank_or_clear_problems(data):
    assert_clear_answer("course.imscc", read_qti12_package(data, "course.imscc", **SETTINGS))


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_arbitrary_bytes_get_clear_problems(data):
    assert_clear_answer("any.xml", read_qti12(data, "any.xml", **SETTINGS))
    assert_clear_answer("any.zip", read_qti12_package(data, "any.zip", **SETTINGS))


@pytest.mark.parametrize(
    "module",
    ["qti12", "qti12_html", "qti12_import", "qti12_items", "qti12_kinds", "qti12_media", "qti12_package", "qti12_xml"],
)
def test_qti12_modules_are_pure(module):
    """Bytes in, data out: no web framework, database, file system or network."""
    path = importlib.import_module(f"certify.interop.{module}").__file__
    assert path is not None
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    forbidden = {"flask", "sqlalchemy", "os", "pathlib", "shutil", "tempfile", "subprocess", "socket", "urllib.request"}
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        assert not [n for n in names if n in forbidden or n.split(".")[0] in forbidden - {"urllib.request"}], names
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"open", "exec", "eval"}
