"""Items in review (draft, reviewed, approved) are never drawn: not on forms, not as pilots, not in any pool count,
standard-setting draw or knowledge check; and exporting a bank keeps them, so a re-import does not retire them."""

from __future__ import annotations

from sqlalchemy import select

from certify.assessments import services as bank_service
from certify.assessments.attempt_models import AttemptItem
from certify.assessments.exam_pool import exam_pool
from certify.assessments.importer import import_bank
from certify.assessments.models import Assessment, Item, ItemVersion
from certify.assessments.starting import start
from certify.database import utcnow
from certify.extensions import db
from certify.standard_setting.angoff_study import live_pool

CANDIDATES = 30
IN_REVIEW = {"RA-D1": "draft", "RA-D2": "reviewed", "RA-D3": "approved", "RA-D4": "draft"}


def _item(ref: str, bloom: str, status: str) -> str:
    return (
        f"  - id: {ref}\n    type: true_false\n    bloom: {bloom}\n    status: {status}\n"
        f"    stem: Statement {ref} holds.\n    key: true\n    rationale: Because {ref}.\n"
    )


BANK = (
    "bank:\n  id: mixed\n  title: Mixed\n  competency: RA\nitems:\n"
    + "".join(_item(f"RA-A{n}", "apply", "live") for n in range(1, 5))
    + "".join(_item(f"RA-U{n}", "understand", "live") for n in range(1, 3))
    + "".join(_item(f"RA-P{n}", "apply", "pilot") for n in range(1, 3))
    + "".join(_item(ref, "understand" if ref == "RA-D4" else "apply", "draft") for ref in IN_REVIEW)
)
DRILL = """\
assessment:
  slug: drill
  title: Drill
  kind: practice
  time_limit_minutes: 20
  pilot_items: 3
  banks: [mixed]
  blueprint:
    RA: {understand: 1, apply: 2}
  cut_score: {percent: 60, method: informed_judgement, rationale: test}
"""


def _load(app, load_catalog):
    load_catalog(("mixed.yaml", BANK), ("drill.yaml", DRILL))
    with app.app_context():
        for ref, status in IN_REVIEW.items():
            db.session.scalar(select(Item).where(Item.ref == ref)).current().status = status
        db.session.commit()


def test_forms_draw_live_and_pilot_items_only(app, load_catalog, make_user):
    _load(app, load_catalog)
    with app.app_context():
        assessment = db.session.scalar(select(Assessment).where(Assessment.slug == "drill"))
        for _ in range(CANDIDATES):
            start(make_user(roles=("candidate",)), assessment, utcnow())
        db.session.commit()
        drawn = db.session.execute(
            select(Item.ref, AttemptItem.scored)
            .join(ItemVersion, ItemVersion.id == AttemptItem.item_version_id)
            .join(Item, Item.id == ItemVersion.item_id)
        ).all()
    refs = {ref for ref, _scored in drawn}
    assert not refs & set(IN_REVIEW)
    # both pilots sit (unscored) on every form: only 2 of the 3 pilot places can be filled
    assert {ref for ref, scored in drawn if not scored} == {"RA-P1", "RA-P2"}
    assert len(drawn) == CANDIDATES * (3 + 2)


def test_pool_counts_pilots_standard_setting_and_knowledge_checks_leave_them_out(app, load_catalog):
    _load(app, load_catalog)
    with app.app_context():
        assessment = db.session.scalar(select(Assessment).where(Assessment.slug == "drill"))
        assert bank_service.pool_counts(assessment) == {("RA", "apply"): 4, ("RA", "understand"): 2}
        assert sum(len(ids) for ids in bank_service.live_pool_ids(assessment).values()) == 6
        assert bank_service.pilots_per_form(assessment) == 2  # 3 wanted; the approved item is no pilot
        assert {item.ref for item in exam_pool(assessment).items} == {f"RA-A{n}" for n in range(1, 5)} | {
            "RA-U1",
            "RA-U2",
            "RA-P1",
            "RA-P2",
        }
        angoff_refs = {v.item.ref for v in live_pool(assessment)}
        assert angoff_refs == {f"RA-A{n}" for n in range(1, 5)} | {"RA-U1", "RA-U2"}
        knowledge_check = {v.item.ref for v in bank_service.current_versions("mixed")}
        assert knowledge_check == angoff_refs


def test_exporting_and_reimporting_a_bank_keeps_items_in_review(app, load_catalog):
    _load(app, load_catalog)
    with app.app_context():
        bank = bank_service.bank_by_slug("mixed")
        exported = bank_service.bank_as_spec(bank)
        assert {i.ref for i in exported.items} >= set(IN_REVIEW)
        result = import_bank(exported, source="mixed.yaml")
        assert sum(result.retired.values()) == 0 and sum(result.unchanged.values()) == 12
        statuses = dict(db.session.execute(select(Item.ref, ItemVersion.status).join(ItemVersion)).all())
        assert {ref: statuses[ref] for ref in IN_REVIEW} == IN_REVIEW
        db.session.rollback()
