"""Each of these is decided in one place; a second copy elsewhere in certify/ drifts from it sooner or later."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CERTIFY = Path(__file__).resolve().parents[2] / "certify"

# What is decided, how a copy of it reads in the source, and the one module allowed to spell it out.
ONE_PLACE = [
    ("an item's current version", r"ItemVersion\.version\s*==\s*Item\.current_version", "assessments/models.py"),
    ("which version an item is at", r"v\.version\s*==\s*\w+\.current_version", "assessments/models.py"),
    ("finding an assessment by slug", r"Assessment\.slug\s*==|a\.slug\s*==\s*slug", "assessments/services.py"),
    ("the list of competencies", r"select\(Competency\)|(?m:^def competencies\()", "assessments/services.py"),
    ("an attempt that is the user's or a 404", r"def attempt_or_404\(|attempt_for\(", "assessments/attempts.py"),
    ("a value list in a check constraint", r"CheckConstraint\(\s*f?[\"'][^\"']* IN \(", "database.py"),
]


def _copies(pattern: str, sources: dict[str, str]) -> set[str]:
    return {name for name, source in sources.items() if re.search(pattern, source)}


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    return {str(path.relative_to(CERTIFY)): path.read_text() for path in CERTIFY.rglob("*.py")}


@pytest.mark.parametrize(("what", "pattern", "home"), ONE_PLACE, ids=[row[0] for row in ONE_PLACE])
def test_decided_in_one_place(sources, what, pattern, home):
    assert _copies(pattern, sources) == {home}, f"{what} is spelled out outside {home}"


def test_a_second_copy_is_found():
    sources = {
        "assessments/services.py": "select(Assessment).where(Assessment.slug == slug)",
        "api/attempts.py": "assessment = next((a for a in bank_service.assessments() if a.slug == slug), None)",
    }
    assert _copies(ONE_PLACE[2][1], sources) == {"assessments/services.py", "api/attempts.py"}
