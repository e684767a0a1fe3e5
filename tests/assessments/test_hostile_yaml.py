"""Hostile YAML (alias bombs, recursion, deep nesting) is refused at once, everywhere YAML is read."""

from __future__ import annotations

import io
import time  # process_time: the CPU this process spends (the parser and app run here), robust to a busy machine

import pytest

from certify.assessments.models import Bank, Item, ItemVersion
from certify.core.source import MAX_YAML_DEPTH, load_yaml
from certify.extensions import db
from tests.support.helpers import csrf_token, text
from tests.support.samples import BANK


def alias_bomb(levels: int = 9) -> str:
    """The "billion laughs" document as a bank file: 9**9 strings once expanded."""
    lines = [
        "bank:",
        "  id: laughs",
        "  title: Laughs",
        'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ]
    for n in range(1, levels):
        lines.append(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]")
    lines.append(f"items: [*l{levels - 1}]")
    return "\n".join(lines) + "\n"


def _stored(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.query(model).count() for model in (Bank, Item, ItemVersion))


def test_alias_bomb_is_refused_at_its_first_alias_within_a_second():
    start = time.process_time()
    document, problems = load_yaml(alias_bomb(), "bomb.yaml")
    assert time.process_time() - start < 1.0
    assert document is None
    assert [str(p) for p in problems] == [
        "bomb.yaml:5: YAML syntax: anchors, aliases and merge keys (&name, *name, <<) are not allowed "
        "in Certify files; write each value out in full"
    ]


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("a: &x [1, 2]\nb: *x\n", 2),
        ("a: &x hello\nb:\n  - *x\n", 3),
        ("base: &b {k: 1}\nitem:\n  <<: *b\n", 3),
        ("item:\n  <<: {k: 1}\n", 2),
        ("loop: &l [*l]\n", 1),
    ],
)
def test_aliases_merge_keys_and_self_reference_are_refused_at_their_line(source, line):
    document, problems = load_yaml(source, "f.yaml")
    assert document is None
    assert [(p.line, "anchors, aliases and merge keys" in p.message) for p in problems] == [(line, True)]


def test_an_anchor_that_is_never_used_is_harmless():
    document, problems = load_yaml("a: &x 1\nb: [2]\n", "f.yaml")
    assert problems == [] and document == {"a": 1, "b": [2]}


@pytest.mark.parametrize("depth", [MAX_YAML_DEPTH + 1, 100_000, 1_000_000])
def test_deep_nesting_is_refused_quickly_without_crashing(depth):
    start = time.process_time()
    document, problems = load_yaml("[" * depth + "]" * depth, "deep.yaml")
    assert time.process_time() - start < 1.0
    assert document is None
    assert [str(p) for p in problems] == [f"deep.yaml:1: YAML syntax: nested more than {MAX_YAML_DEPTH} levels deep"]


def test_nesting_up_to_the_bound_still_loads():
    document, problems = load_yaml("[" * MAX_YAML_DEPTH + "]" * MAX_YAML_DEPTH, "ok.yaml")
    assert problems == [] and document is not None


def test_banks_import_of_an_alias_bomb_exits_1_quickly_and_stores_nothing(app, runner, load_catalog, tmp_path):
    load_catalog(("sample.yaml", BANK))
    before = _stored(app)
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb())
    start = time.process_time()
    result = runner.invoke(args=["banks", "import", str(path)])
    assert time.process_time() - start < 1.0
    assert result.exit_code == 1
    assert f"{path}:5: YAML syntax: anchors, aliases and merge keys" in result.output
    assert _stored(app) == before


def test_banks_validate_reports_an_alias_bomb_as_file_and_line(runner, tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb())
    result = runner.invoke(args=["banks", "validate", str(path)])
    assert result.exit_code == 1 and f"{path}:5: YAML syntax: anchors, aliases" in result.output


def test_admin_upload_of_an_alias_bomb_is_a_clear_400_and_changes_nothing(app, client, make_user, auth, load_catalog):
    load_catalog(("sample.yaml", BANK))
    auth.login_as(make_user(roles=("admin",)))
    before = _stored(app)
    payload = {"csrf_token": csrf_token(client), "file": (io.BytesIO(alias_bomb().encode()), "bomb.yaml")}
    start = time.process_time()
    response = client.post("/admin/banks", data={**payload, "competency": ""}, content_type="multipart/form-data")
    assert time.process_time() - start < 1.0
    assert response.status_code == 400
    assert "bomb.yaml:5" in text(response) and "anchors, aliases and merge keys" in text(response)
    assert _stored(app) == before


def test_course_and_assessment_sources_refuse_aliases_too():
    from certify.core.catalog import parse_sources

    catalog = parse_sources([("course/01.yaml", "module: &m {slug: one}\nagain: *m\n")])
    assert any(p.line == 2 and "anchors, aliases" in p.message for p in catalog.problems)
