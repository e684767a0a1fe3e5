"""The review workspace: reading reserves nothing, the lock comes with the first change or Start reviewing,
a submission is confirmed first, and messages name criteria by their titles."""

from __future__ import annotations

from certify.audit.models import AuditEvent
from certify.extensions import db
from certify.review.models import Allocation, Review
from certify.review.reviewing import criterion_titles
from tests.review.test_assessor_pages import LOCK, _autosave, _submitted_with_file, start
from tests.support.helpers import post_form, text


def _titles(world):
    with world.app.app_context():
        return criterion_titles()


def test_reading_a_review_reserves_nothing(world):
    _version_id, (first, _second) = _submitted_with_file(world)
    client = world.client_for(world.assessors[0])
    for _ in range(2):
        page = text(client.get(f"/review/allocations/{first.id}"))
        assert "Start reviewing" in page and not LOCK.search(page)
    with world.app.app_context():
        found = db.session.get(Allocation, first.id)
        assert found.lock_token is None and found.lock_expires_at is None


def test_start_reviewing_takes_the_lock_for_this_window_only(world):
    _version_id, (first, _second) = _submitted_with_file(world)
    here, elsewhere = world.client_for(world.assessors[0]), world.client_for(world.assessors[0])
    token = start(here, first.id)
    with world.app.app_context():
        assert db.session.get(Allocation, first.id).lock_token == token
    page = text(here.get(f"/review/allocations/{first.id}?lock={token}"))
    assert "this window holds the review until" in page and "Start reviewing" not in page
    assert "open in another window" in text(elsewhere.get(f"/review/allocations/{first.id}"))


def test_submitting_shows_the_review_for_confirmation_and_records_nothing_until_confirmed(world):
    _version_id, (first, _second) = _submitted_with_file(world)
    client, titles = world.client_for(world.assessors[0]), _titles(world)
    token = start(client, first.id)
    form = {f"level-{code}": "3" for code in titles} | {"comment-KPM": "Clear metric.", "overall": "Sound work."}
    form |= {"lock": token, "seq": "2"}
    asked = post_form(client, f"/review/allocations/{first.id}", {"action": "submit", **form})
    page = text(asked)
    assert asked.status_code == 200 and "Confirm and submit" in page and "Back to editing" in page
    assert all(title in page for title in titles.values()) and "Clear metric." in page and "Sound work." in page
    with world.app.app_context():
        assert db.session.get(Allocation, first.id).status == "allocated"
        assert db.session.query(AuditEvent).filter_by(action="review.submitted").count() == 0
    back = post_form(client, f"/review/allocations/{first.id}", {"action": "save", **form})
    assert back.status_code == 302 and f"lock={token}" in back.headers["Location"]
    with world.app.app_context():
        assert db.session.get(Review, first.id).levels == dict.fromkeys(titles, 3)
    form["seq"] = "3"
    done = post_form(client, f"/review/allocations/{first.id}", {"action": "confirm", **form})
    assert done.status_code == 302
    with world.app.app_context():
        assert db.session.get(Allocation, first.id).status == "submitted"


def test_messages_name_criteria_by_their_titles(world):
    _version_id, (first, _second) = _submitted_with_file(world)
    client, titles = world.client_for(world.assessors[0]), _titles(world)
    token = start(client, first.id)
    bad_level = _autosave(client, first.id, {"levels": {"CAUSE": 7}, "seq": 5, "lock": token})
    assert bad_level.get_json()["message"] == f"{titles['CAUSE']}: choose a level from 1 to 4."
    long_comment = _autosave(client, first.id, {"levels": {}, "comments": {"KPM": "x" * 5001}, "seq": 5, "lock": token})
    assert long_comment.get_json()["message"].startswith(f"{titles['KPM']}: a comment is text")
    incomplete = post_form(
        client, f"/review/allocations/{first.id}", {"action": "submit", "lock": token, "seq": "2", "level-KPM": "3"}
    )
    missing = "; ".join(title for code, title in titles.items() if code != "KPM")
    assert incomplete.status_code == 400 and f"missing: {missing})" in text(incomplete).replace("&#39;", "'")
