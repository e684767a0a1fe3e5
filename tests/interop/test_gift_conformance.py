"""parse_gift against the gift-pegjs conformance fixtures (read in place from ../shared/fixtures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from certify.interop.gift import GiftError, parse_gift
from tests.support.shared_fixtures import SHARED_FIXTURES, require

FIXTURES = SHARED_FIXTURES / "gift-pegjs"
# Without the fixtures one placeholder case stands for them, so the run reports the skip (or the CI failure).
CASES = sorted(FIXTURES.glob("*.gift")) or [FIXTURES / "missing.gift"]


def _expected(path: Path) -> object:
    with path.with_suffix(".json").open(encoding="utf-8") as handle:
        return json.load(handle)


def _is_error(expected: object) -> bool:
    """A fixture whose JSON describes an error instead of questions."""
    return isinstance(expected, dict) and any(key in expected for key in ("error", "message", "name"))


def test_fixtures_are_present():
    require(FIXTURES)
    assert len(CASES) >= 50


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_gift_fixture(path: Path):
    require(path)
    expected = _expected(path)
    text = path.read_text(encoding="utf-8")
    if _is_error(expected):
        with pytest.raises(GiftError):
            parse_gift(text)
        return
    assert parse_gift(text) == expected
