"""Items that arrive by import in the review workflow: who is recorded as their author (an upload records the
admin, the command line records "the command line"), Aiken uploads landing as drafts in the queue, and the
"needs rationale" marker that keeps an item imported without a rationale from moving on until one is written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from certify.assessments import item_review
from certify.assessments.import_files import import_file
from certify.assessments.models import Item, ItemVersion
from certify.extensions import db
from tests.assessments.test_item_review import DRAFTS, DRILL, POOL, _decide, _status, drafts, people
from tests.support.helpers import text, upload_bank

people, drafts = people, drafts  # fixtures


def test_the_author_is_recorded_for_uploads_and_the_command_line(
    app, client, auth, runner, load_catalog, people, tmp_path
):
    load_catalog(("pool.yaml", POOL))
    auth.login_as(people["author"])
    assert upload_bank(client, "drafts.yaml", DRAFTS.encode()).status_code == 200
    path = tmp_path / "more.yaml"
    path.write_text(DRAFTS.replace("id: drafts", "id: more").replace("id: D-", "id: M-"))
    assert runner.invoke(args=["banks", "import", str(path)]).exit_code == 0
    with app.app_context():
        authors = dict(db.session.execute(select(Item.ref, ItemVersion.author_id).join(ItemVersion)).all())
    assert authors["D-TWIN"] == people["author"].id and authors["M-TWIN"] is None and authors["RA-L1"] is None
    assert f"written by imported from {path} by the command line" in text(client.get("/admin/items/M-TWIN"))
    assert "Written by Ada Author" in text(client.get("/admin/items/D-TWIN"))


def test_an_aiken_upload_lands_as_drafts_in_the_queue(app, client, auth, load_catalog, people):
    load_catalog(("pool.yaml", POOL))
    auth.login_as(people["author"])
    aiken = b"What does ROI compare?\nA. Net benefits with programme costs\nB. Benefits with learners\nANSWER: A\n"
    assert upload_bank(client, "roi.txt", aiken, competency="RA", bank_id="roi").status_code == 200
    with app.app_context():
        statuses = set(db.session.scalars(select(ItemVersion.status).join(Item).where(Item.ref.like("roi%"))))
    assert statuses == {"draft"}
    assert "roi" in text(client.get("/admin/items/review"))


NO_RATIONALE = """\
A new hire's first-week errors double. Which question comes first?
A. Which course covers it?
B. What does the job aid say, and can they find it?
ANSWER: B
"""


def test_an_item_imported_without_a_rationale_cannot_move_on_until_one_is_written(
    app, client, auth, load_catalog, people
):
    load_catalog(("pool.yaml", POOL), ("drill.yaml", DRILL))
    with app.app_context():
        result, problems = import_file(
            "aiken.txt", NO_RATIONALE.encode(), bank_id="aiken", default_competency="RA", author_id=people["author"].id
        )
        assert result is not None, problems
        db.session.commit()
        ref = db.session.scalar(select(Item.ref).where(Item.ref.like("aiken%")))
        assert db.session.scalar(select(Item).where(Item.ref == ref)).current().needs_rationale
    auth.login_as(people["assessor"])
    assert "needs rationale</span>" in text(client.get("/admin/items/review"))  # the marker shows in the queue
    refused = _decide(client, ref, "reviewed", "Checked.")
    assert refused.status_code == 400 and "still needs a rationale" in text(refused)
    assert _status(app, ref) == "draft"
    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.ref == ref))
        item.current().status = "approved"  # however it got there, the marker still stops it
        with pytest.raises(item_review.ReviewRefused, match="needs a rationale"):
            item_review.decide(people["approver"], item, "pilot")
