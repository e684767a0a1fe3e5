"""The exam pool is kept by the app between starts while its fingerprint holds (issue 15), and item content by
its hash: every change that alters what a form may draw is seen by the very next start."""

from __future__ import annotations

from sqlalchemy import select

from certify.assessments import item_content
from certify.assessments.exam_pool import exam_pool
from certify.assessments.models import Assessment, Item
from certify.extensions import db
from tests.assessments.test_review_pools import BANK, DRILL

NEW_VERSION = BANK.replace("stem: Statement RA-A1 holds.", "stem: Statement RA-A1 holds, reworded.")


def _drill() -> Assessment:
    return db.session.scalar(select(Assessment).where(Assessment.slug == "drill"))


def _pool() -> dict[str, tuple[int, str]]:
    return {i.ref: (i.version_id, i.status) for i in exam_pool(_drill()).items}


def test_a_status_change_a_new_version_and_a_new_bank_reach_the_next_start(app, load_catalog):
    load_catalog(("mixed.yaml", BANK), ("drill.yaml", DRILL))
    with app.app_context():
        before = _pool()
        assert before == _pool()  # the second read is the kept pool
        assert before["RA-P1"][1] == "pilot" and "RA-A1" in before
        # a pilot promoted to live, a live item retired: both seen at once
        db.session.scalar(select(Item).where(Item.ref == "RA-P1")).current().status = "live"
        db.session.scalar(select(Item).where(Item.ref == "RA-A2")).current().status = "retired"
        db.session.flush()
        after = _pool()
        assert after["RA-P1"][1] == "live" and "RA-A2" not in after
        # a pilot demoted and another promoted in one change: the status-weighted sums still tell them apart
        db.session.scalar(select(Item).where(Item.ref == "RA-P1")).current().status = "pilot"
        db.session.scalar(select(Item).where(Item.ref == "RA-P2")).current().status = "live"
        db.session.flush()
        swapped = _pool()
        assert (swapped["RA-P1"][1], swapped["RA-P2"][1]) == ("pilot", "live")
        db.session.commit()
    # a new version of an item (an import) replaces the old one in the pool
    load_catalog(("mixed.yaml", NEW_VERSION), ("drill.yaml", DRILL))
    with app.app_context():
        reworded = _pool()
        assert reworded["RA-A1"][0] != before["RA-A1"][0]
        content = item_content.content_of(*_content_key("RA-A1"))
        assert content["stem"] == "Statement RA-A1 holds, reworded."


def _content_key(ref: str) -> tuple[int, str]:
    version = db.session.scalar(select(Item).where(Item.ref == ref)).current()
    return version.id, version.content_hash


def test_content_is_named_by_its_hash_not_by_the_row_id(app, load_catalog):
    load_catalog(("mixed.yaml", BANK), ("drill.yaml", DRILL))
    with app.app_context():
        item_content.forget()
        version_id, digest = _content_key("RA-A1")
        other_id, other_digest = _content_key("RA-A2")
        assert item_content.content_of(version_id, digest)["ref"] == "RA-A1"
        # Asked under another row's id, the hash still names RA-A1's content: a row id reused by another
        # database or test (with other content, so another hash) can never be served this entry.
        assert item_content.content_of(other_id, digest)["ref"] == "RA-A1"
        assert item_content.content_of(other_id, other_digest)["ref"] == "RA-A2"  # an unseen hash is read
