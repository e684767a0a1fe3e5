"""Assessor pages: blind portfolios, the renewable lock, autosaved review drafts, calibration, conflicts."""

from __future__ import annotations

import io
import json
import re

from certify.audit.models import AuditEvent
from certify.extensions import db
from certify.review.models import Allocation, CalibrationAttempt, ConflictOfInterest, Resolution, Review
from tests.security.test_uploads import PDF
from tests.support.helpers import csrf_token, post_form, text
from tests.support.portfolios import calibrate

LOCK = re.compile(r'name="lock" value="([^"]+)"')


def start(client, allocation_id):
    """Press Start reviewing (the lock is taken then, not on opening); returns the window's lock token."""
    started = post_form(client, f"/review/allocations/{allocation_id}", {"action": "start", "seq": "1", "lock": ""})
    assert started.status_code == 302, text(started)
    return LOCK.search(text(client.get(started.headers["Location"]))).group(1)


def _submitted_with_file(world):
    client = world.client_for(world.candidate)
    post_form(
        client,
        "/portfolio/files",
        {"file": (io.BytesIO(PDF), "Cassandra Quill sign-off.pdf"), "criterion": "PARTNERSHIP"},
        content_type="multipart/form-data",
    )
    version_id = world.submit()
    return version_id, world.allocations(version_id)


def _autosave(client, allocation_id, body):
    token = csrf_token(client, "/review/")
    return client.put(
        f"/review/allocations/{allocation_id}/draft",
        data=json.dumps(body),
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )


def test_the_portfolio_reaches_assessors_without_the_candidates_identity(world):
    _version_id, (first, _second) = _submitted_with_file(world)
    client = world.client_for(world.assessors[0])
    listing = text(client.get("/review/"))
    assert f"/review/allocations/{first.id}" in listing
    page = text(client.get(f"/review/allocations/{first.id}"))
    for identity in ("Cassandra", "Quill", "cassandra.quill@example.org"):
        assert identity not in page and identity not in listing
    assert "evidence-1.pdf" in page and "We agreed the metric" in page
    download = client.get(f"/review/allocations/{first.id}/files/1")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")  # a copy without its metadata
    assert download.headers["Content-Disposition"] == "attachment; filename=evidence-1.pdf"
    assert client.get(f"/review/allocations/{first.id}/files/2").status_code == 404


def test_assessors_reach_only_their_own_allocations(world):
    _version_id, (first, _second) = _submitted_with_file(world)
    outsider = world.client_for(world.assessors[2])
    other = world.client_for(world.assessors[1])
    for client in (outsider, other):
        assert client.get(f"/review/allocations/{first.id}").status_code == 404
        assert client.get(f"/review/allocations/{first.id}/files/1").status_code == 404
        assert _autosave(client, first.id, {"levels": {}, "seq": 1, "lock": ""}).status_code == 404
        assert post_form(client, f"/review/allocations/{first.id}", {"action": "submit"}).status_code == 404
    candidate = world.client_for(world.candidate)
    assert candidate.get(f"/review/allocations/{first.id}").status_code == 403


def test_the_lock_keeps_two_windows_from_overwriting_each_other(world):
    _version_id, (first, _second) = _submitted_with_file(world)
    window_a, window_b = world.client_for(world.assessors[0]), world.client_for(world.assessors[0])
    # Opening the review in both windows reserves nothing: either could start.
    for window in (window_a, window_b):
        page = text(window.get(f"/review/allocations/{first.id}"))
        assert not LOCK.search(page) and "Start reviewing" in page and "open in another window" not in page
    saved = _autosave(window_a, first.id, {"levels": {"KPM": 3}, "comments": {"KPM": "Good."}, "seq": 1, "lock": ""})
    assert saved.status_code == 200 and saved.get_json()["lock_expires_at"]
    token_a = saved.get_json()["lock"]  # the first change took the lock; the window keeps the token
    assert LOCK.search(text(window_a.get(f"/review/allocations/{first.id}?lock={token_a}"))).group(1) == token_a
    page_b = text(window_b.get(f"/review/allocations/{first.id}"))
    assert "open in another window" in page_b and not LOCK.search(page_b)
    assert _autosave(window_b, first.id, {"levels": {"KPM": 1}, "seq": 2, "lock": ""}).status_code == 423
    assert _autosave(window_b, first.id, {"levels": {"KPM": 1}, "seq": 2, "lock": "guess"}).status_code == 423
    taken = post_form(window_b, f"/review/allocations/{first.id}", {"action": "take_over"})
    assert taken.status_code == 302
    assert "lock=" in taken.headers["Location"]  # the window keeps its token across reloads
    token_b = LOCK.search(text(window_b.get(taken.headers["Location"]))).group(1)
    assert token_b != token_a
    assert "open in another window" in text(window_a.get(f"/review/allocations/{first.id}?lock={token_a}"))
    lost = _autosave(window_a, first.id, {"levels": {"KPM": 4}, "seq": 2, "lock": token_a})
    assert lost.status_code == 423 and "another window" in lost.get_json()["message"]
    with world.app.app_context():
        review = db.session.get(Review, first.id)
        assert review.levels == {"KPM": 3} and review.comments == {"KPM": "Good."}
        assert db.session.query(AuditEvent).filter_by(action="review.lock_taken_over").count() == 1


def test_review_drafts_refuse_stale_and_invalid_saves(world):
    _version_id, (first, _second) = _submitted_with_file(world)
    client = world.client_for(world.assessors[0])
    token = start(client, first.id)
    assert _autosave(client, first.id, {"levels": {"KPM": 2}, "seq": 2, "lock": token}).status_code == 200
    stale = _autosave(client, first.id, {"levels": {"KPM": 4}, "seq": 1, "lock": token})
    assert stale.status_code == 409 and "newer draft" in stale.get_json()["message"]
    for bad in (
        {"levels": {"KPM": 5}, "seq": 3, "lock": token},
        {"levels": {"KPM": True}, "seq": 3, "lock": token},
        {"levels": {"NOPE": 2}, "seq": 3, "lock": token},
        {"levels": {}, "comments": {"KPM": "x" * 5001}, "seq": 3, "lock": token},
        {"levels": {}, "seq": "3", "lock": token},
        {"levels": [], "seq": 3, "lock": token},
    ):
        assert _autosave(client, first.id, bad).status_code == 400, bad
    with world.app.app_context():
        assert db.session.get(Review, first.id).levels == {"KPM": 2}


def test_an_incomplete_review_is_refused_and_nothing_typed_is_lost(world):
    _version_id, (first, _second) = _submitted_with_file(world)
    client = world.client_for(world.assessors[0])
    token = start(client, first.id)
    form = {"action": "submit", "lock": token, "seq": "2", "level-KPM": "3", "comment-KPM": "Strong baseline work."}
    response = post_form(client, f"/review/allocations/{first.id}", {**form, "overall": "My overall view."})
    assert response.status_code == 400
    page = text(response)
    assert "Choose a level for every criterion" in page and "missing: Gap and cause analysis; " in page
    assert "Strong baseline work." in page and "My overall view." in page
    assert (
        'id="level-KPM-3" name="level-KPM" value="3" data-autosave-group="levels" data-autosave-key="KPM" checked'
        in page
    )
    with world.app.app_context():
        assert db.session.get(Allocation, first.id).status == "allocated"


def test_two_agreeing_reviews_through_the_form_resolve_the_portfolio(world):
    version_id, (first, second) = _submitted_with_file(world)
    for allocation, person, level in ((first, world.assessors[0], "3"), (second, world.assessors[1], "4")):
        client = world.client_for(person)
        token = start(client, allocation.id)
        levels = {f"level-{code}": level for code in world.codes}
        form = {"lock": token, "seq": "2", **levels}
        asked = post_form(client, f"/review/allocations/{allocation.id}", {"action": "submit", **form})
        assert asked.status_code == 200 and "Confirm and submit" in text(asked)
        response = post_form(client, f"/review/allocations/{allocation.id}", {"action": "confirm", **form})
        assert response.status_code == 302
        assert "was submitted" in text(client.get("/review/"))
        again = post_form(client, f"/review/allocations/{allocation.id}", {"action": "confirm", **form})
        assert again.status_code == 409
    with world.app.app_context():
        resolution = db.session.get(Resolution, version_id)
        assert resolution.passed and set(resolution.final_levels.values()) == {3}


def test_the_adjudicator_sees_both_reviews_and_decides(world):
    version_id, (first, second) = _submitted_with_file(world)
    world.review(first.id, world.levels(3), {"KPM": "Solid metric."})
    world.review(second.id, world.levels(3, KPM=1), {"KPM": "No baseline at all."})
    adjudication = [a for a in world.allocations(version_id) if a.role == "adjudicator"]
    assert [a.assessor_id for a in adjudication] == [world.adjudicator.id]
    client = world.client_for(world.adjudicator)
    page = text(client.get(f"/review/allocations/{adjudication[0].id}"))
    assert "Assessor A" in page and "Assessor B" in page and "No baseline at all." in page
    assert world.assessors[0].name not in page and "Cassandra" not in page
    levels = {f"level-{code}": "3" for code in world.codes}
    post_form(client, f"/review/allocations/{adjudication[0].id}", {"action": "confirm", "lock": "", **levels})
    with world.app.app_context():
        resolution = db.session.get(Resolution, version_id)
        assert resolution.passed and resolution.rule == "decided by an adjudicator"


def test_a_resubmission_shows_assessors_what_changed(world):
    version_id, (first, second) = _submitted_with_file(world)
    world.review(first.id, world.levels(2))
    world.review(second.id, world.levels(2))
    world.submit(sections={code: f"Rewritten with the sponsor's figures ({code})" for code in world.codes})
    allocation = next(a for a in world.allocations(version_id + 1) if a.assessor_id == world.assessors[0].id)
    page = text(world.client_for(world.assessors[0]).get(f"/review/allocations/{allocation.id}"))
    assert "This is a resubmission" in page and "Changes since version 1: 1 line(s) added, 1 removed" in page
    assert 'class="diff-removed"' in page and "Rewritten with the sponsor" in page


def test_calibration_page_checks_every_level_and_reports_the_match(world, make_user):
    newcomer = make_user(roles=("assessor",))
    client = world.client_for(newcomer)
    page = text(client.get("/review/calibration"))
    assert "anchor-weak-KPM" in page and "Submit calibration" in page
    incomplete = post_form(client, "/review/calibration", {"anchor-weak-KPM": "2"})
    assert incomplete.status_code == 400 and "Choose a level for every criterion" in text(incomplete)
    assert 'value="2" checked' in text(incomplete)
    with world.app.app_context():
        from certify.review.models import AnchorPortfolio

        anchors = {a.slug: dict(a.reference_levels) for a in db.session.query(AnchorPortfolio)}
    answers = {f"{slug}-{code}": str(level) for slug, levels in anchors.items() for code, level in levels.items()}
    first_code = next(iter(anchors["anchor-weak"]))
    answers[f"anchor-weak-{first_code}"] = "4"
    result = text(post_form(client, "/review/calibration", answers))
    assert "Calibrated." in result and "96 %" in result and "differs" in result
    with world.app.app_context():
        attempt = db.session.query(CalibrationAttempt).filter_by(assessor_id=newcomer.id).one()
        assert attempt.calibrated and round(attempt.share, 3) == round(23 / 24, 3)


def test_uncalibrated_assessors_are_told_to_calibrate_and_get_no_work(world):
    world.submit()
    page = text(world.client_for(world.assessors[2]).get("/review/"))
    assert "Calibrate first." in page and "Nothing is waiting for you." in page


def test_an_assessor_who_recognises_the_candidate_withdraws_and_is_replaced(world):
    calibrate(world.app, world.assessors[2])
    version_id, (first, _second) = _submitted_with_file(world)
    client = world.client_for(world.assessors[0])
    response = post_form(client, f"/review/allocations/{first.id}/conflict", {"reason": "I was her trainer"})
    assert response.status_code == 302
    rows = world.allocations(version_id)
    assert {(a.assessor_id, a.status) for a in rows} >= {(world.assessors[0].id, "withdrawn")}
    assert any(a.assessor_id == world.assessors[2].id and a.status == "allocated" for a in rows)
    assert client.get(f"/review/allocations/{first.id}").status_code == 404
    with world.app.app_context():
        conflict = db.session.get(ConflictOfInterest, (world.assessors[0].id, world.candidate.id))
        assert conflict.reason == "I was her trainer"


def test_assessors_and_the_candidate_are_told_by_mail_without_revealing_each_other(world):
    from certify.outbox.models import OutboxMessage

    version_id, (first, second) = _submitted_with_file(world)
    world.review(first.id, world.levels(3))
    world.review(second.id, world.levels(3))
    with world.app.app_context():
        mail = {(m.recipient, m.subject): m.body for m in db.session.query(OutboxMessage)}
    for assessor, allocation in ((world.assessors[0], first), (world.assessors[1], second)):
        body = mail[(assessor.email, "A portfolio is waiting for your review")]
        assert f"/review/allocations/{allocation.id}" in body and "Cassandra" not in body
    decided = mail[(world.candidate.email, "Your portfolio has been assessed")]
    assert "It meets the standard." in decided and "/portfolio/versions/1" in decided
    assert world.assessors[0].name not in decided and version_id
