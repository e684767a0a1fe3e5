"""The tests read like the map: each folder of tests is a package of certify/, or one of a few named exceptions.

Shared test data and helpers live in tests/support/ (never in a conftest.py), and it holds no tests.
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
CERTIFY = TESTS.parent / "certify"
# core mirrors certify/core too; the others are not packages of certify/: the browser tests, the checks of
# question_banks/ (the shipped content) and the shared support.
NOT_A_FEATURE = {"e2e", "content", "support"}


def _features() -> set[str]:
    return {path.parent.name for path in CERTIFY.glob("*/__init__.py")}


def test_every_folder_of_tests_is_a_certify_package_or_named():
    folders = {path.parent.relative_to(TESTS).parts[0] for path in TESTS.rglob("test_*.py") if path.parent != TESTS}
    strays = sorted(folders - _features() - NOT_A_FEATURE)
    assert not strays, f"tests/{strays[0]}/ is not a package of certify/: move its tests to tests/<feature>/"


def test_support_holds_no_tests():
    support = TESTS / "support"
    assert support.is_dir()
    assert sorted(path.name for path in support.rglob("test_*.py")) == []


def test_no_test_imports_from_a_conftest():
    offenders = [
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith(("from tests.", "import tests.")) and ".conftest import" in line
    ]
    assert offenders == [], "shared data and helpers belong in tests/support/"
