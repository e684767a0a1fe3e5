"""The exam runner and the portfolio and review editors share one sequenced-save client (sequenced_save.js)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import certify
from certify.security.headers import CONTENT_SECURITY_POLICY

PACKAGE = Path(certify.__file__).resolve().parent
SCRIPTS = PACKAGE / "static" / "js"
SHARED = "sequenced_save.js"

# What only the shared client may do: count sequence numbers, send on a timer, back off and retry.
OWN_SAVE_LOGIC = re.compile(
    r"retryDelay|backoff|Math\.min\(|XMLHttpRequest|seqInput\.value\s*=|\binFlight\b|\bagain\b|setTimeout\(save"
)


def _scripts_loaded(template: str) -> list[str]:
    source = (PACKAGE / "templates" / template).read_text(encoding="utf-8")
    return re.findall(r"filename='js/([\w.]+)'", source)


@pytest.mark.parametrize(
    ("template", "user"),
    [
        ("exams/question.html", "runner.js"),
        ("portfolios/edit.html", "autosave.js"),
        ("review/allocation.html", "autosave.js"),
    ],
)
def test_every_autosaving_page_loads_the_shared_client_before_its_own_script(template: str, user: str) -> None:
    assert _scripts_loaded(template) == [SHARED, user]


@pytest.mark.parametrize("user", ["runner.js", "autosave.js"])
def test_neither_page_script_keeps_its_own_sequence_or_backoff(user: str) -> None:
    source = (SCRIPTS / user).read_text(encoding="utf-8")
    assert "new window.SequencedSave(" in source
    assert OWN_SAVE_LOGIC.findall(source) == []


def test_the_shared_client_holds_that_logic_and_is_allowed_by_the_policy() -> None:
    source = (SCRIPTS / SHARED).read_text(encoding="utf-8")
    assert "Math.min(this.retryDelay * 2, MAX_RETRY_MS)" in source and "takeSeq()" in source
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY  # served from /static, never inline
