"""parse_gift against the gift-pegjs conformance fixtures (read in place from ../shared/fixtures)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from certify.interop.gift import GiftError, parse_gift

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "gift-pegjs"
CASES = sorted(FIXTURES.glob("*.gift"))


def _expected(path: Path) -> object:
    with path.with_suffix(".json").open(encoding="utf-8") as handle:
        return json.load(handle)


def _is_error(expected: object) -> bool:
    """A fixture whose JSON describes an error instead of questions."""
    return isinstance(expected, dict) and any(key in expected for key in ("error", "message", "name"))


def test_fixtures_are_present():
    if not FIXTURES.is_dir():
        message = f"GIFT fixtures not found at {FIXTURES} (the repository must sit beside shared/)"
        if os.environ.get("CI"):
            pytest.fail(message + "; in CI the conformance suite must run, not skip")
        pytest.skip(message)
    assert len(CASES) >= 50


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_gift_fixture(path: Path):
    expected = _expected(path)
    text = path.read_text(encoding="utf-8")
    if _is_error(expected):
        with pytest.raises(GiftError):
            parse_gift(text)
        return
    assert parse_gift(text) == expected
