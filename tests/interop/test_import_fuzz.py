"""Property-based fuzzing of every import parser: damaged or arbitrary files get clear
`file:line: message` problems (or the format's own error type), never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certify.assessments.formats import read_bank_file
from certify.core.source import Problem, load_yaml
from certify.interop.gift import BadQuestion, GiftError, parse_gift, read_gift
from tests.support.import_fuzz import FUZZ, any_file, damaged, damaged_package, samples
from tests.support.moodle_gift import MOODLE_GIFT
from tests.support.samples import COMPETENCIES


def assert_clear_answer(name: str, data: bytes) -> None:
    """A bank or at least one error; every problem names the file (or a file inside it) and a line."""
    bank, problems = read_bank_file(name, data, competencies=COMPETENCIES, default_competency="RA")
    assert all(isinstance(p, Problem) for p in problems)
    assert all(p.file.startswith(name) and p.line >= 0 and p.message.strip() for p in problems), problems
    if bank is None:
        assert any(p.severity == "error" for p in problems)


def test_every_sample_file_is_valid_to_start_with():
    for name, data in samples().items():
        bank, problems = read_bank_file(name, data, competencies=COMPETENCIES, default_competency="RA")
        assert bank is not None and bank.items, (name, problems)


@pytest.mark.parametrize("name", sorted(samples()))
@FUZZ
@given(data=st.data())
def test_damaged_sample_gets_a_bank_or_clear_problems(name, data):
    assert_clear_answer(name, data.draw(damaged(samples()[name])))


@FUZZ
@given(data=damaged_package())
def test_package_with_a_damaged_member_gets_a_bank_or_clear_problems(data):
    assert_clear_answer("package.zip", data)


@FUZZ
@given(file=any_file())
def test_arbitrary_bytes_under_any_format_get_a_bank_or_clear_problems(file):
    assert_clear_answer(*file)


@FUZZ
@given(text=st.text(max_size=400))
def test_gift_parser_raises_only_gift_errors(text):
    try:
        parse_gift(text)
    except GiftError as exc:
        assert str(exc).strip()


@FUZZ
@given(text=st.one_of(st.text(max_size=400), damaged(MOODLE_GIFT.encode()).map(lambda b: b.decode(errors="replace"))))
def test_lenient_gift_reader_never_raises_and_says_where(text):
    lines = text.count("\n") + text.count("\r") + 1
    for question in read_gift(text):
        if isinstance(question, BadQuestion):
            assert 1 <= question.error.line <= lines and question.error.message.strip()


@FUZZ
@given(text=st.text(max_size=400))
def test_yaml_loader_reports_problems_instead_of_raising(text):
    document, problems = load_yaml(text, "any.yaml")
    assert all(p.file == "any.yaml" and p.line >= 1 for p in problems)
    assert document is None or problems == []
