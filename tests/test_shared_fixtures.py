"""Conformance tests without ../shared/fixtures: one summary line locally, a failure under CI."""

from __future__ import annotations

import pytest

from tests.support.shared_fixtures import SHARED_FIXTURES

NEEDS_A_MISSING_FIXTURE = """
import pytest
from pathlib import Path
from tests.support.shared_fixtures import require

@pytest.mark.parametrize("name", ["a.json", "b.json", "c.json"])
def test_needs_fixture(name):
    require(Path("/nonexistent/shared/fixtures") / name)

def test_needs_nothing():
    pass
"""

# The throwaway run loads the project's terminal-summary hook from a conftest of its own.
CONFTEST = "from tests.conftest import pytest_terminal_summary  # noqa: F401\n"


@pytest.fixture
def run_without_fixtures(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_conformance=NEEDS_A_MISSING_FIXTURE)
    return pytester


def test_missing_fixtures_skip_with_one_summary_line_saying_what_they_are_and_where(run_without_fixtures, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    result = run_without_fixtures.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=3)
    summary = [line for line in result.outlines if "conformance tests skipped" in line]
    assert len(summary) == 1
    assert summary[0].startswith(f"3 conformance tests skipped: {SHARED_FIXTURES} is not there.")
    assert "GIFT" in summary[0] and "Open Badges" in summary[0] and "beside this checkout" in summary[0]
    # Last thing before the counts, after the skip reasons `-ra` lists.
    assert result.outlines.index(summary[0]) == len(result.outlines) - 2


def test_missing_fixtures_fail_under_ci(run_without_fixtures, monkeypatch):
    monkeypatch.setenv("CI", "true")
    result = run_without_fixtures.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=3)
    assert "in CI the conformance tests must run, not skip" in result.stdout.str()


def test_no_summary_line_when_nothing_is_missing(pytester: pytest.Pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "conformance tests skipped" not in result.stdout.str()
