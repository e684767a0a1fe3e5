"""Portfolio administration: appeals, conflicts of interest and who may use these pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from certify.auth.models import User
from certify.database import utcnow
from certify.extensions import db
from certify.portfolios.models import PortfolioVersion
from certify.review import appeals
from certify.review.models import Appeal, ConflictOfInterest, Resolution
from certify.review.services import ReviewError
from tests.support.helpers import post_form
from tests.support.portfolio_admin import (
    APPEAL_REASON,
    events,
    failed_version,
    flashes,
    page,
    row,
)


def lodge_by_post(world):
    version_id = failed_version(world)
    response = post_form(world.client_for(world.candidate), "/portfolio/versions/1/appeal", {"reason": APPEAL_REASON})
    assert response.status_code == 302
    with world.app.app_context():
        appeal = db.session.query(Appeal).filter_by(version_id=version_id).one()
        assert appeal.status == "lodged" and appeal.original_passed is False
        return version_id, appeal.id


def test_an_appeal_is_listed_and_only_a_fresh_assessor_can_take_it(world, admin_client):
    version_id, appeal_id = lodge_by_post(world)
    body = page(admin_client.get("/admin/appeals"))
    appeal_row = row(body, "Cassandra Quill")
    assert "Needs a fresh assessor" in appeal_row and f"/admin/portfolios/{version_id}#appeal" in appeal_row

    body = page(admin_client.get(f"/admin/portfolios/{version_id}"))
    assert "Allocate the appeal" in body and APPEAL_REASON in body
    form = body[body.index('id="appeal-assessor"') :]
    form = form[: form.index("</select>")]
    assert world.adjudicator.name in form
    assert world.assessors[0].name not in form and world.assessors[2].name not in form

    url = f"/admin/appeals/{appeal_id}/allocate"
    for stale in (world.assessors[0], world.assessors[1], world.assessors[2]):
        response = post_form(admin_client, url, {"assessor_id": stale.id}, follow_redirects=True)
        assert f"Problem: {stale.name} is not a fresh assessor for this portfolio" in flashes(response)
    response = post_form(admin_client, url, {}, follow_redirects=True)
    assert "Problem: Choose a fresh assessor." in flashes(response)
    with world.app.app_context():
        assert db.session.get(Appeal, appeal_id).status == "lodged"
    assert [a.role for a in world.allocations(version_id)] == ["first", "second"]

    response = post_form(admin_client, url, {"assessor_id": world.adjudicator.id}, follow_redirects=True)
    assert f"Done: {world.adjudicator.name} will re-mark the portfolio." in flashes(response)
    remark = world.allocations(version_id)[-1]
    assert (remark.assessor_id, remark.role, remark.status) == (world.adjudicator.id, "appeal", "allocated")
    with world.app.app_context():
        appeal = db.session.get(Appeal, appeal_id)
        assert (appeal.status, appeal.allocation_id) == ("in_review", remark.id)
    assert "Being re-marked" in row(page(admin_client.get("/admin/appeals")), "Cassandra Quill")
    response = post_form(admin_client, url, {"assessor_id": world.adjudicator.id}, follow_redirects=True)
    assert "Problem: This appeal already has an assessor." in flashes(response)
    assert len(world.allocations(version_id)) == 3


def test_a_passing_remark_upholds_the_appeal(world, admin_client):
    version_id, appeal_id = lodge_by_post(world)
    post_form(admin_client, f"/admin/appeals/{appeal_id}/allocate", {"assessor_id": world.adjudicator.id})
    remark = world.allocations(version_id)[-1]
    assert remark.role == "appeal"
    world.review(remark.id, world.levels(3))
    with world.app.app_context():
        appeal = db.session.get(Appeal, appeal_id)
        resolution = db.session.get(Resolution, version_id)
        assert appeal.status == "upheld" and appeal.decided_at is not None
        assert resolution.passed is True and "appeal" in resolution.rule
        assert set(resolution.final_levels.values()) == {3}
    [event] = events(world, "appeal.upheld")
    assert event.object_id == str(appeal_id) and event.before["passed"] is False and event.after["passed"] is True
    body = page(admin_client.get(f"/admin/portfolios/{version_id}"))
    assert "status: upheld" in body and "changed on appeal" in body
    assert "Upheld" in row(page(admin_client.get("/admin/appeals")), "Cassandra Quill")


def test_a_failing_remark_dismisses_the_appeal_and_the_decision_stands(world, admin_client):
    version_id = failed_version(world)
    with world.app.app_context():
        original = dict(db.session.get(Resolution, version_id).final_levels)
        original_rule = db.session.get(Resolution, version_id).rule
        candidate = db.session.get(User, world.candidate.id)
        appeal = appeals.lodge(candidate, db.session.get(PortfolioVersion, version_id), APPEAL_REASON, utcnow())
        db.session.commit()
        appeal_id = appeal.id
    post_form(admin_client, f"/admin/appeals/{appeal_id}/allocate", {"assessor_id": world.adjudicator.id})
    remark = world.allocations(version_id)[-1]
    world.review(remark.id, world.levels(3, **{world.codes[0]: 2}))
    with world.app.app_context():
        appeal = db.session.get(Appeal, appeal_id)
        resolution = db.session.get(Resolution, version_id)
        assert appeal.status == "dismissed" and world.codes[0] in appeal.outcome
        assert resolution.passed is False and resolution.final_levels == original and resolution.rule == original_rule
    assert len(events(world, "appeal.dismissed")) == 1 and events(world, "appeal.upheld") == []
    assert "Dismissed" in row(page(admin_client.get("/admin/appeals")), "Cassandra Quill")


def test_an_appeal_after_the_window_is_refused(world):
    version_id = failed_version(world)
    with world.app.app_context():
        resolution = db.session.get(Resolution, version_id)
        resolution.decided_at = utcnow() - timedelta(days=15)
        db.session.commit()
        candidate = db.session.get(User, world.candidate.id)
        version = db.session.get(PortfolioVersion, version_id)
        allowed, why = appeals.can_appeal(version, utcnow())
        assert allowed is False and "window closed" in why
        with pytest.raises(ReviewError, match="window closed"):
            appeals.lodge(candidate, version, APPEAL_REASON, utcnow())
        db.session.rollback()
    response = post_form(world.client_for(world.candidate), "/portfolio/versions/1/appeal", {"reason": APPEAL_REASON})
    assert response.status_code == 409 and "window closed" in page(response)
    with world.app.app_context():
        assert db.session.query(Appeal).count() == 0


def test_a_zero_day_appeal_window_refuses_every_appeal(world):
    world.app.config["APPEAL_WINDOW_DAYS"] = 0
    failed_version(world)
    response = post_form(world.client_for(world.candidate), "/portfolio/versions/1/appeal", {"reason": APPEAL_REASON})
    assert response.status_code == 409 and "window closed" in page(response)
    with world.app.app_context():
        assert db.session.query(Appeal).count() == 0


# --- conflicts of interest ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"assessor_id": ""}, "Choose an assessor."),
        ({"email": "nobody@example.org"}, "No other account uses that email address."),
        ({"reason": "   "}, "Describe the conflict"),
        ({"reason": "x" * 301}, "in at most 300 characters"),
    ],
    ids=["no-assessor", "unknown-email", "empty-reason", "long-reason"],
)
def test_a_bad_conflict_is_refused_and_keeps_what_was_typed(world, admin_client, fields, message):
    assessor = world.assessors[0]
    form = {"assessor_id": str(assessor.id), "email": "cassandra.quill@example.org", "reason": "Her trainer", **fields}
    response = post_form(admin_client, "/admin/conflicts", form)
    assert response.status_code == 400
    body = page(response)
    assert "There is a problem" in body and message in body
    assert f'value="{form["email"]}"' in body and f'value="{form["reason"].strip()}"' in body
    if form["assessor_id"]:
        assert f'<option value="{assessor.id}" selected>{assessor.name}</option>' in body
    with world.app.app_context():
        assert db.session.query(ConflictOfInterest).count() == 0
    assert "None recorded." in body


def test_conflicts_assessors_declared_by_email_are_listed_for_admins_with_the_account_if_any(world, admin_client):
    client = world.client_for(world.assessors[1])
    for email, reason in ((world.candidate.email, "My cousin"), ("not.yet@example.org", "My neighbour")):
        assert post_form(client, "/review/conflicts", {"email": email, "reason": reason}).status_code == 302
    body = page(admin_client.get("/admin/conflicts"))
    cousin, neighbour = row(body, world.candidate.email), row(body, "My neighbour")
    assert world.assessors[1].name in cousin and "Cassandra Quill" in cousin and "My cousin" in cousin
    assert "not.yet@example.org" in neighbour and "No account yet" in neighbour


def test_a_recorded_conflict_is_listed_and_never_allocated(world, admin, admin_client):
    assessor = world.assessors[0]
    response = post_form(
        admin_client,
        "/admin/conflicts",
        {"assessor_id": assessor.id, "email": "Cassandra.Quill@example.org", "reason": "Her trainer"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    body = page(response)
    assert f"Recorded: {assessor.name} will never be allocated work by Cassandra Quill." in body
    conflict_row = row(body, "Her trainer")
    assert assessor.name in conflict_row and "Cassandra Quill" in conflict_row
    [event] = events(world, "conflict.recorded")
    assert event.actor_id == admin.id and event.after == {"assessor": assessor.id}
    # the form is empty again after a success
    assert 'value="Her trainer"' not in body

    version_id = world.submit()
    rows = world.allocations(version_id)
    assert len(rows) == 2 and assessor.id not in {a.assessor_id for a in rows}
    second_assessor = next(a for a in rows if a.assessor_id == world.assessors[1].id)
    body = page(admin_client.get(f"/admin/portfolios/{version_id}"))
    assert "No eligible assessor is free." in row(body, world.assessors[1].name)
    response = post_form(
        admin_client,
        f"/admin/allocations/{second_assessor.id}/reallocate",
        {"assessor_id": assessor.id},
        follow_redirects=True,
    )
    assert f"Problem: {assessor.name} cannot take this review" in flashes(response)
    assert assessor.id not in {a.assessor_id for a in world.allocations(version_id)}


# --- access -------------------------------------------------------------------------------------


def test_candidates_and_assessors_cannot_use_portfolio_administration(world):
    version_id = failed_version(world)
    with world.app.app_context():
        candidate = db.session.get(User, world.candidate.id)
        appeal = appeals.lodge(candidate, db.session.get(PortfolioVersion, version_id), APPEAL_REASON, utcnow())
        db.session.commit()
        appeal_id = appeal.id
    allocation_id = world.allocations(version_id)[0].id
    gets = ["/admin/portfolios", f"/admin/portfolios/{version_id}", "/admin/appeals", "/admin/conflicts"]
    posts = {
        f"/admin/portfolios/{version_id}/allocate": {},
        f"/admin/allocations/{allocation_id}/reallocate": {"assessor_id": world.adjudicator.id},
        f"/admin/appeals/{appeal_id}/allocate": {"assessor_id": world.adjudicator.id},
        "/admin/conflicts": {
            "assessor_id": world.assessors[0].id,
            "email": "cassandra.quill@example.org",
            "reason": "Her trainer",
        },
    }
    for person in (world.candidate, world.assessors[0], world.adjudicator):
        client = world.client_for(person)
        for url in gets:
            assert client.get(url).status_code == 403, (person.name, url)
        for url, data in posts.items():
            assert post_form(client, url, data).status_code == 403, (person.name, url)
    with world.app.app_context():
        assert db.session.query(ConflictOfInterest).count() == 0
        assert db.session.get(Appeal, appeal_id).status == "lodged"
    assert [a.status for a in world.allocations(version_id)] == ["submitted", "submitted"]
    assert world.app.test_client().get("/admin/portfolios").status_code == 302
