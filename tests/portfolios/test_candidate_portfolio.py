"""A candidate's portfolio: the autosaved editor, evidence uploads, submission, versions, feedback, appeals."""

from __future__ import annotations

import io
import json

import pytest

from certify.extensions import db
from certify.portfolios.models import Attachment, Portfolio, PortfolioVersion
from certify.review.models import Appeal
from certify.storage import Blob
from tests.security.test_uploads import HOSTILE, MB, PDF, PNG
from tests.support.helpers import csrf_token, post_form, text


def _autosave(client, body):
    token = csrf_token(client, "/portfolio/")
    return client.put(
        "/portfolio/draft", data=json.dumps(body), headers={"X-CSRFToken": token, "Content-Type": "application/json"}
    )


def _draft(world):
    with world.app.app_context():
        portfolio = db.session.query(Portfolio).filter_by(candidate_id=world.candidate.id).one()
        return portfolio.draft_seq, dict(portfolio.draft_sections)


def test_editor_shows_a_section_with_guidance_for_every_criterion(world):
    page = text(world.client_for(world.candidate).get("/portfolio/"))
    for code in world.codes:
        assert f'name="section-{code}"' in page
    assert page.count("Proficient looks like:") == len(world.codes)
    assert 'data-autosave="/portfolio/draft"' in page and "js/autosave.js" in page


def test_autosave_keeps_the_newest_draft_and_refuses_stale_or_bad_saves(world):
    client = world.client_for(world.candidate)
    saved = _autosave(client, {"sections": {"KPM": "First words."}, "seq": 1})
    assert saved.status_code == 200 and saved.get_json()["seq"] == 1
    assert _autosave(client, {"sections": {"CAUSE": "Causes."}, "seq": 2}).status_code == 200
    stale = _autosave(client, {"sections": {"KPM": "An older tab."}, "seq": 2})
    assert stale.status_code == 409 and stale.get_json()["seq"] == 2 and "newer draft" in stale.get_json()["message"]
    assert _autosave(client, {"sections": {"NOPE": "x"}, "seq": 3}).status_code == 400
    assert _autosave(client, {"sections": {"KPM": "x" * 20_001}, "seq": 3}).status_code == 400
    for bad in ({"sections": "text", "seq": 3}, {"sections": {}, "seq": "3"}, {"sections": {}, "seq": 0}, [1]):
        assert _autosave(client, bad).status_code == 400
    assert _draft(world) == (2, {"KPM": "First words.", "CAUSE": "Causes."})


def test_the_save_button_works_without_javascript(world):
    client = world.client_for(world.candidate)
    data = {f"section-{code}": f"Text for {code}" for code in world.codes}
    response = post_form(client, "/portfolio/", {**data, "seq": "1"})
    assert response.status_code == 302
    seq, sections = _draft(world)
    assert seq == 1 and sections["OBJECTIVES"] == "Text for OBJECTIVES"
    refused = post_form(client, "/portfolio/", {**data, "seq": "1", "section-KPM": "stale"})
    assert refused.status_code == 409 and "newer draft" in text(refused)
    assert _draft(world)[1]["KPM"] == "Text for KPM"


def _upload(client, name, data, criterion=""):
    return post_form(
        client,
        "/portfolio/files",
        {"file": (io.BytesIO(data), name), "criterion": criterion},
        content_type="multipart/form-data",
    )


def test_evidence_is_uploaded_listed_and_downloaded_as_an_attachment(world):
    client = world.client_for(world.candidate)
    assert _upload(client, "Sign-off <Cassandra>.pdf", PDF, "PARTNERSHIP").status_code == 302
    page = text(client.get("/portfolio/"))
    with world.app.app_context():
        attachment = db.session.query(Attachment).one()
        assert attachment.criterion == "PARTNERSHIP" and "<" not in attachment.safe_name
    assert attachment.safe_name in page
    download = client.get(f"/portfolio/files/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Content-Type"] == "application/pdf"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    other = world.client_for(world.assessors[0])
    assert other.get(f"/portfolio/files/{attachment.id}").status_code == 403  # not a candidate at all
    assert post_form(client, f"/portfolio/files/{attachment.id}/remove").status_code == 302
    after = text(client.get("/portfolio/"))
    assert "was removed from your draft" in after and f'/portfolio/files/{attachment.id}"' not in after


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_uploads_are_refused_clearly_and_the_draft_is_kept(world, name, data, message):
    client = world.client_for(world.candidate)
    assert _autosave(client, {"sections": {"KPM": "Keep me."}, "seq": 1}).status_code == 200
    response = _upload(client, name, data)
    assert response.status_code == 400
    assert message in text(response).replace("&#39;", "'")
    assert "Keep me." in text(response)  # the editor comes back with the draft
    with world.app.app_context():
        assert db.session.query(Attachment).count() == 0 and db.session.query(Blob).count() == 0


def test_file_size_and_total_limits(world, app):
    app.config.update(PORTFOLIO_MAX_FILE_BYTES=2 * MB, PORTFOLIO_MAX_TOTAL_BYTES=3 * MB)
    client = world.client_for(world.candidate)
    big = PDF[:-6] + b" " * (2 * MB) + PDF[-6:]
    too_big = _upload(client, "big.pdf", big)
    assert too_big.status_code == 400 and "MB" in text(too_big)
    half = PDF[:-6] + b" " * (int(1.6 * MB)) + PDF[-6:]
    assert _upload(client, "one.pdf", half).status_code == 302
    over = _upload(client, "two.pdf", half)
    assert over.status_code == 413 and "limit is 3 MB" in text(over)
    assert _upload(client, "", PDF).status_code == 400


def test_submitting_needs_every_section_and_a_confirmation(world):
    client = world.client_for(world.candidate)
    _autosave(client, {"sections": {"KPM": "Only this."}, "seq": 1})
    unconfirmed = post_form(client, "/portfolio/submit")
    assert unconfirmed.status_code == 400 and "Tick the box" in text(unconfirmed)
    incomplete = post_form(client, "/portfolio/submit", {"confirm": "yes"})
    assert incomplete.status_code == 400 and "missing: CAUSE" in text(incomplete)
    with world.app.app_context():
        assert db.session.query(PortfolioVersion).count() == 0


def test_a_submitted_version_is_frozen_sanitised_and_allocated(world):
    client = world.client_for(world.candidate)
    hostile = 'Evidence <script>alert(1)</script><img src=x onerror="alert(2)"> [link](javascript:alert(3))'
    _autosave(client, {"sections": {**dict.fromkeys(world.codes, "Plain text."), "KPM": hostile}, "seq": 1})
    assert _upload(client, "plan.png", PNG).status_code == 302
    response = post_form(client, "/portfolio/submit", {"confirm": "yes"})
    assert response.status_code == 302 and response.headers["Location"] == "/portfolio/versions/1"
    _autosave(client, {"sections": {"KPM": "Edited after submitting."}, "seq": 2})
    with world.app.app_context():
        version = db.session.query(PortfolioVersion).one()
        assert version.sections["KPM"] == hostile and version.state == "in_review"
        stored = version.sections_html["KPM"]
        assert "<script" not in stored and "onerror" not in stored and "javascript:" not in stored
        assert len(version.attachment_ids) == 1
    page = text(client.get("/portfolio/versions/1"))
    assert "Two assessors are scoring" in page and "alert(1)</script>" not in page
    again = post_form(client, "/portfolio/submit", {"confirm": "yes"})
    assert again.status_code == 409 and "already with the assessors" in text(again)


def test_versions_belong_to_their_candidate(world, make_user):
    world.submit()
    stranger = make_user(roles=("candidate",))
    client = world.client_for(stranger)
    assert client.get("/portfolio/versions/1").status_code == 404
    assert post_form(client, "/portfolio/versions/1/appeal", {"reason": "x" * 40}).status_code == 404
    with world.app.app_context():
        attachment_ids = [a.id for a in db.session.query(Attachment).all()]
    for attachment_id in attachment_ids:
        assert client.get(f"/portfolio/files/{attachment_id}").status_code == 404


def test_feedback_shows_levels_and_comments_without_assessor_names(world):
    version_id = world.submit()
    first, second = world.allocations(version_id)
    world.review(first.id, world.levels(3, CAUSE=2), {"KPM": "Clear baseline and target."})
    world.review(second.id, world.levels(2, KPM=3), {"CAUSE": "Interview more performers."})
    page = text(world.client_for(world.candidate).get("/portfolio/versions/1"))
    assert "Not passed yet" in page and "level 2" in page
    assert "Clear baseline and target." in page and "Assessor A" in page and "Assessor B" in page
    assert "To reach level 3" in page and "Revise those sections" in page
    for assessor in world.assessors[:2]:
        assert assessor.name not in page and assessor.email not in page


def test_appeals_need_a_reason_and_an_open_window(world, app):
    version_id = world.submit()
    first, second = world.allocations(version_id)
    client = world.client_for(world.candidate)
    early = post_form(client, "/portfolio/versions/1/appeal", {"reason": "x" * 40})
    assert early.status_code == 409 and "not been decided" in text(early)
    world.review(first.id, world.levels(2))
    world.review(second.id, world.levels(2))
    short = post_form(client, "/portfolio/versions/1/appeal", {"reason": "Unfair."})
    assert short.status_code == 400 and "at least 30 characters" in text(short) and "Unfair." in text(short)
    app.config["APPEAL_WINDOW_DAYS"] = 0
    closed = post_form(client, "/portfolio/versions/1/appeal", {"reason": "My evaluation plan was misread." * 2})
    assert closed.status_code == 409 and "appeal window closed" in text(closed)
    app.config["APPEAL_WINDOW_DAYS"] = 14
    lodged = post_form(client, "/portfolio/versions/1/appeal", {"reason": "My evaluation plan was misread." * 2})
    assert lodged.status_code == 302
    twice = post_form(client, "/portfolio/versions/1/appeal", {"reason": "My evaluation plan was misread." * 2})
    assert twice.status_code == 409 and "already appealed" in text(twice)
    with world.app.app_context():
        appeal = db.session.query(Appeal).one()
        assert appeal.status == "lodged" and appeal.original_passed is False


def test_after_a_decision_the_candidate_can_revise_and_resubmit(world):
    version_id = world.submit()
    first, second = world.allocations(version_id)
    world.review(first.id, world.levels(2))
    world.review(second.id, world.levels(2))
    client = world.client_for(world.candidate)
    seq, _ = _draft(world)
    _autosave(client, {"sections": {"KPM": "A revised business case with the sponsor's figures."}, "seq": seq + 1})
    assert post_form(client, "/portfolio/submit", {"confirm": "yes"}).status_code == 302
    with world.app.app_context():
        numbers = [v.number for v in db.session.query(PortfolioVersion).order_by(PortfolioVersion.number)]
    assert numbers == [1, 2]
    page = text(client.get("/portfolio/versions/1"))
    assert "resubmitted since this decision" in page


def test_a_file_named_in_any_script_downloads_with_an_encoded_name(world):
    client = world.client_for(world.candidate)
    assert _upload(client, "证书-签字.pdf", PDF).status_code == 302
    with world.app.app_context():
        attachment = db.session.query(Attachment).one()
    download = client.get(f"/portfolio/files/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
