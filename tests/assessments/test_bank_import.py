"""Importing banks: idempotent, versioned, retiring, atomic per file."""

from __future__ import annotations

from sqlalchemy import select

from certify.assessments.import_files import import_file, preview_file
from certify.assessments.models import Bank, Item, ItemVersion
from certify.extensions import db
from tests.support.samples import BANK


def _versions(app, ref):
    with app.app_context():
        item = db.session.query(Item).filter_by(ref=ref).one()
        return [(v.version, v.status) for v in item.versions]


def _import(app, text, name="sample.yaml"):
    with app.app_context():
        result, problems = import_file(name, text.encode())
        db.session.commit()
        return result, problems


def test_first_import_adds_every_item_with_counts_by_type(app, load_catalog):
    load_catalog()
    result, problems = _import(app, BANK)
    assert problems == []
    assert sum(result.added.values()) == 7 and result.added["numeric"] == 1
    with app.app_context():
        assert db.session.query(ItemVersion).count() == 7


def test_reimport_unchanged_is_a_no_op(app, load_catalog):
    load_catalog()
    _import(app, BANK)
    result, _ = _import(app, BANK)
    assert sum(result.unchanged.values()) == 7 and not result.added and not result.changed
    with app.app_context():
        assert db.session.query(ItemVersion).count() == 7


def test_changed_item_gets_a_new_version_and_keeps_the_old(app, load_catalog):
    load_catalog()
    _import(app, BANK)
    result, _ = _import(app, BANK.replace("Which metric should the design start from?", "Where should design start?"))
    assert result.changed["single_choice"] == 1
    assert _versions(app, "S-SC") == [(1, "live"), (2, "live")]
    with app.app_context():
        first = db.session.query(ItemVersion).filter_by(version=1).join(Item).filter(Item.ref == "S-SC").one()
        assert "Which metric" in first.stem  # history is immutable


def test_removed_item_is_retired_not_deleted(app, load_catalog):
    load_catalog()
    _import(app, BANK)
    without_numeric = BANK[: BANK.index("  - id: S-NU")]
    result, _ = _import(app, without_numeric)
    assert result.retired["numeric"] == 1
    assert _versions(app, "S-NU") == [(1, "live"), (2, "retired")]
    again, _ = _import(app, without_numeric)  # retiring is not repeated
    assert not again.retired


def test_file_with_errors_imports_nothing(app, load_catalog):
    load_catalog()
    broken = BANK.replace("    key: a\n", "    key: z\n", 1)
    result, problems = _import(app, broken)
    assert result is None and "got 'z'" in str(problems[0])
    with app.app_context():
        assert db.session.query(Item).count() == 0


def test_items_owned_by_another_bank_are_skipped_and_nothing_else_is_written(app, load_catalog):
    load_catalog()
    _import(app, BANK)
    result, problems = _import(app, BANK.replace("id: sample", "id: other-bank"), "other.yaml")
    assert result is None and "nothing in this file could be imported" in problems[-1].message
    with app.app_context():
        assert db.session.scalar(select(Bank).where(Bank.slug == "other-bank")) is None  # no empty bank left
        found = preview_file("other.yaml", BANK.replace("id: sample", "id: other-bank").encode())
        assert found.result is not None and found.result.skipped == len(found.result.outcomes) > 0
        assert {o.reasons for o in found.result.outcomes} == {("it already belongs to another bank",)}


def test_unknown_extension_and_bad_encoding_are_refused(app, load_catalog):
    load_catalog()
    result, problems = _import(app, "x", "bank.docx")
    assert result is None and "not a bank file Certify reads" in problems[0].message
    with app.app_context():
        result, problems = import_file("bank.yaml", b"\xff\xfe\x00bad")
    assert result is None and "not UTF-8" in problems[0].message


def test_module_files_are_not_bank_files(app, load_catalog):
    from tests.support.samples_course import MODULE

    load_catalog()
    result, problems = _import(app, MODULE, "module.yaml")
    assert result is None and "certify seed" in problems[0].message
