"""The editor JSON Schema accepts every file in question_banks/ and the documented examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from tests.support.samples import BANK
from tests.support.samples_course import MODULE

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "question-bank.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA)
FILES = sorted((ROOT / "question_banks").rglob("*.yaml"))


def _json_ready(document):
    # YAML allows integer mapping keys (rubric levels); JSON editors see them as strings.
    return json.loads(json.dumps(document))


def test_schema_is_valid():
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_repository_files_match_the_schema(path):
    errors = [e.message for e in VALIDATOR.iter_errors(_json_ready(yaml.safe_load(path.read_text())))]
    assert errors == []


def test_samples_match_and_mistakes_do_not():
    assert VALIDATOR.is_valid(_json_ready(yaml.safe_load(BANK)))
    assert VALIDATOR.is_valid(_json_ready(yaml.safe_load(MODULE)))
    broken = yaml.safe_load(BANK)
    broken["items"][0]["colour"] = "red"
    assert not VALIDATOR.is_valid(broken)
    broken = yaml.safe_load(BANK)
    broken["items"][2]["key"] = "no"
    assert not VALIDATOR.is_valid(broken)


def test_schema_takes_every_lifecycle_status_and_nothing_else():
    from certify.core.items import STATUSES

    for status in STATUSES:
        document = yaml.safe_load(BANK)
        document["items"][0]["status"] = status
        assert VALIDATOR.is_valid(document), status
    document["items"][0]["status"] = "published"
    assert not VALIDATOR.is_valid(document)


def test_schema_takes_a_shared_stimulus_and_refuses_a_malformed_one():
    from tests.support.stimulus_samples import CASE_BANK

    document = yaml.safe_load(CASE_BANK)
    assert VALIDATOR.is_valid(document)
    document["items"][0]["stimulus"] = {"id": "crm case", "text": "x"}
    assert not VALIDATOR.is_valid(document)
    document["items"][0]["stimulus"] = {"id": "crm-case", "title": "No text"}
    assert not VALIDATOR.is_valid(document)
