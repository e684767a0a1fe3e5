"""Admins oversee portfolio assessment: versions, allocations, reallocation, waiting work, appeals, conflicts."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from certify.audit.models import AuditEvent
from certify.auth.models import User
from certify.database import utcnow
from certify.extensions import db
from certify.portfolios.models import PortfolioVersion
from certify.review import appeals, workspace
from certify.review.models import Allocation, Appeal, ConflictOfInterest, Resolution
from certify.review.reviewing import ReviewError
from tests.helpers import post_form, text
from tests.portfolio_support import calibrate, world  # noqa: F401

APPEAL_REASON = "The reviewers overlooked the stakeholder map and the measured results in my evidence."


@pytest.fixture
def admin(make_user):
    return make_user(roles=("admin",), name="Dana Okafor", email="dana@example.org")


@pytest.fixture
def admin_client(world, admin):  # noqa: F811
    return world.client_for(admin)


def page(response) -> str:
    """The response body with HTML entities decoded, so messages with apostrophes read as written."""
    return html.unescape(text(response))


def flashes(response) -> str:
    """The flashed messages of a (redirected-to) page, tags stripped: "Problem: ..." or "Done: ..."."""
    body = text(response)
    block = body[body.index('<div class="flashes"') :]
    block = block[: block.index("</div>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", block))).strip()


def resolution_of(world, version_id):  # noqa: F811
    """(passed, rule, final_levels) of the version's resolution, or None."""
    with world.app.app_context():
        found = db.session.get(Resolution, version_id)
        return None if found is None else (found.passed, found.rule, dict(found.final_levels))


def row(body: str, name: str) -> str:
    """The table row that names `name` (the list has one row per version)."""
    rows = [r for r in re.findall(r"<tr>.*?</tr>", body, flags=re.S) if name in r]
    assert len(rows) == 1, f"expected one row for {name}, found {len(rows)}"
    return rows[0]


def state_of(world, version_id):  # noqa: F811
    with world.app.app_context():
        return db.session.get(PortfolioVersion, version_id).state


def set_active(world, user, active):  # noqa: F811
    with world.app.app_context():
        db.session.get(User, user.id).active = active
        db.session.commit()


def events(world, action):  # noqa: F811
    with world.app.app_context():
        rows = db.session.query(AuditEvent).filter_by(action=action).order_by(AuditEvent.id).all()
        for r in rows:
            db.session.expunge(r)
        return rows


def allocations_by_id(world, version_id):  # noqa: F811
    return {a.id: (a.assessor_id, a.role, a.status) for a in world.allocations(version_id)}


def failed_version(world):  # noqa: F811
    """A version both assessors agree fails (level 2 everywhere): resolved, not passed."""
    version_id = world.submit()
    first, second = world.allocations(version_id)
    world.review(first.id, world.levels(2))
    world.review(second.id, world.levels(2))
    assert resolution_of(world, version_id)[0] is False
    return version_id


# --- the list and the detail page ---------------------------------------------------------------


def test_list_shows_each_version_with_its_candidate_and_state_and_filters_by_state(
    world,  # noqa: F811
    admin_client,
    make_user,
):
    other = make_user(roles=("candidate",), name="Orlando Venn", email="orlando.venn@example.org")
    waiting = world.submit()
    decided = world.submit(candidate=other)
    for allocation in world.allocations(decided):
        world.review(allocation.id, world.levels(3))
    assert (state_of(world, waiting), state_of(world, decided)) == ("in_review", "resolved")

    body = page(admin_client.get("/admin/portfolios"))
    cassandra, orlando = row(body, "Cassandra Quill"), row(body, "Orlando Venn")
    assert "In review" in cassandra and "Decided" not in cassandra and "Passed" not in cassandra
    assert "Decided" in orlando and "Passed" in orlando
    assert f"/admin/portfolios/{waiting}" in cassandra and f"/admin/portfolios/{decided}" in orlando

    body = page(admin_client.get("/admin/portfolios?state=resolved"))
    assert "Orlando Venn" in body and "Cassandra Quill" not in body
    body = page(admin_client.get("/admin/portfolios?state=in_review"))
    assert "Cassandra Quill" in body and "Orlando Venn" not in body
    body = page(admin_client.get("/admin/portfolios?state=awaiting_review"))
    assert "Cassandra Quill" not in body and "Orlando Venn" not in body
    assert "No portfolio has been submitted in this state." in body
    body = page(admin_client.get("/admin/portfolios?state=nonsense"))
    assert "Cassandra Quill" in body and "Orlando Venn" in body


def test_detail_shows_allocations_then_the_decision_and_rule(world, admin_client):  # noqa: F811
    version_id = world.submit()
    first, second = world.allocations(version_id)
    response = admin_client.get(f"/admin/portfolios/{version_id}")
    assert response.status_code == 200
    body = page(response)
    assert "Cassandra Quill (cassandra.quill@example.org)" in body
    for allocation, person in zip((first, second), world.assessors[:2], strict=True):
        assert allocation.assessor_id == person.id
        assert person.name in row(body, person.name) and allocation.role in row(body, person.name)
    assert "<h2>Decision</h2>" not in body

    world.review(first.id, world.levels(3))
    world.review(second.id, world.levels(4))
    with world.app.app_context():
        resolution = db.session.get(Resolution, version_id)
        rule = resolution.rule
    assert resolution.passed is True
    body = page(admin_client.get(f"/admin/portfolios/{version_id}"))
    assert "<h2>Decision</h2>" in body and "Passed" in body and rule in body
    assert "submitted" in row(body, world.assessors[0].name)
    assert admin_client.get("/admin/portfolios/9999").status_code == 404


# --- reallocation -------------------------------------------------------------------------------


def test_reallocation_to_a_free_calibrated_assessor_withdraws_the_old_allocation(world, admin, admin_client):  # noqa: F811
    version_id = world.submit()
    first, second = world.allocations(version_id)
    target = world.adjudicator  # calibrated, holds the assessor role, not yet allocated
    response = post_form(
        admin_client, f"/admin/allocations/{first.id}/reallocate", {"assessor_id": target.id}, follow_redirects=True
    )
    assert f"Done: The review was reallocated to {target.name}." in flashes(response)
    rows = world.allocations(version_id)
    assert [(a.assessor_id, a.role, a.status) for a in rows] == [
        (first.assessor_id, "first", "withdrawn"),
        (second.assessor_id, "second", "allocated"),
        (target.id, "first", "allocated"),
    ]
    [event] = events(world, "portfolio.reallocated")
    assert event.actor_id == admin.id and event.object_id == str(first.id)
    assert event.after["allocation"] == rows[2].id and event.after["assessor"] == target.id


@pytest.mark.parametrize(
    ("who", "message"),
    [
        (lambda w: w.assessors[2], "cannot take this review: they must be an active, calibrated assessor"),
        (lambda w: w.assessors[1], "who has not already been allocated this portfolio"),
    ],
    ids=["uncalibrated", "already-allocated"],
)
def test_reallocation_to_an_ineligible_assessor_is_refused(world, admin_client, who, message):  # noqa: F811
    version_id = world.submit()
    first, _second = world.allocations(version_id)
    before = allocations_by_id(world, version_id)
    person = who(world)
    response = post_form(
        admin_client, f"/admin/allocations/{first.id}/reallocate", {"assessor_id": person.id}, follow_redirects=True
    )
    shown = flashes(response)
    assert shown.startswith(f"Problem: {person.name} cannot take this review") and message in shown
    assert allocations_by_id(world, version_id) == before
    assert events(world, "portfolio.reallocated") == []


def test_reallocation_without_choosing_anyone_is_refused(world, admin_client):  # noqa: F811
    version_id = world.submit()
    first, _second = world.allocations(version_id)
    before = allocations_by_id(world, version_id)
    response = post_form(admin_client, f"/admin/allocations/{first.id}/reallocate", {}, follow_redirects=True)
    assert "Problem: Choose the assessor to take this review." in flashes(response)
    assert allocations_by_id(world, version_id) == before
    assert post_form(admin_client, "/admin/allocations/9999/reallocate", {"assessor_id": 1}).status_code == 404


def test_reallocation_of_an_open_review_needs_force(world, admin_client):  # noqa: F811
    version_id = world.submit()
    first, _second = world.allocations(version_id)
    with world.app.app_context():
        lock = workspace.take_lock(world.assessors[0], db.session.get(Allocation, first.id), utcnow())
        db.session.commit()
    assert lock is not None
    before = allocations_by_id(world, version_id)
    url = f"/admin/allocations/{first.id}/reallocate"
    target = world.adjudicator.id

    response = post_form(admin_client, url, {"assessor_id": target}, follow_redirects=True)
    assert "Problem: The current assessor has this review open; confirm the reallocation" in flashes(response)
    assert allocations_by_id(world, version_id) == before
    with world.app.app_context():
        assert db.session.get(Allocation, first.id).lock_token == lock.token

    response = post_form(admin_client, url, {"assessor_id": target, "force": "yes"}, follow_redirects=True)
    assert "Done: The review was reallocated to" in flashes(response)
    rows = {a.id: a for a in world.allocations(version_id)}
    assert rows[first.id].status == "withdrawn" and rows[first.id].lock_token is None
    [replacement] = [a for a in rows.values() if a.assessor_id == target]
    assert (replacement.role, replacement.status) == ("first", "allocated")


def test_a_submitted_review_cannot_be_reallocated(world, admin_client):  # noqa: F811
    version_id = world.submit()
    first, _second = world.allocations(version_id)
    world.review(first.id, world.levels(3))
    before = allocations_by_id(world, version_id)
    response = post_form(
        admin_client,
        f"/admin/allocations/{first.id}/reallocate",
        {"assessor_id": world.adjudicator.id, "force": "yes"},
        follow_redirects=True,
    )
    assert "Problem: Only a review that has not been submitted can be reallocated." in flashes(response)
    assert allocations_by_id(world, version_id) == before


# --- work waiting for assessors ---------------------------------------------------------------


def test_a_version_waits_for_two_calibrated_assessors_then_is_allocated_on_calibration(world, admin_client):  # noqa: F811
    set_active(world, world.assessors[1], False)
    set_active(world, world.adjudicator, False)
    version_id = world.submit()
    assert state_of(world, version_id) == "awaiting_review" and world.allocations(version_id) == []
    assert events(world, "portfolio.allocation_waiting")

    body = page(admin_client.get(f"/admin/portfolios/{version_id}"))
    assert "waiting for two calibrated assessors" in body and "Allocate now" in body
    response = post_form(admin_client, f"/admin/portfolios/{version_id}/allocate", follow_redirects=True)
    assert "Problem: Fewer than two calibrated assessors without a conflict are available." in flashes(response)
    assert state_of(world, version_id) == "awaiting_review" and world.allocations(version_id) == []

    calibrate(world.app, world.assessors[2])  # calibration allocates waiting versions
    assert state_of(world, version_id) == "in_review"
    assert {(a.assessor_id, a.role) for a in world.allocations(version_id)} == {
        (world.assessors[0].id, "first"),
        (world.assessors[2].id, "second"),
    }
    body = page(admin_client.get(f"/admin/portfolios/{version_id}"))
    assert "Allocate now" not in body
    response = post_form(admin_client, f"/admin/portfolios/{version_id}/allocate", follow_redirects=True)
    assert "Problem: This portfolio already has its assessors." in flashes(response)
    assert len(world.allocations(version_id)) == 2


def test_allocate_now_allocates_a_waiting_version_once_assessors_are_free(world, admin, admin_client):  # noqa: F811
    set_active(world, world.assessors[1], False)
    set_active(world, world.adjudicator, False)
    version_id = world.submit()
    assert state_of(world, version_id) == "awaiting_review"
    set_active(world, world.adjudicator, True)  # reactivating allocates nothing by itself
    assert state_of(world, version_id) == "awaiting_review"

    response = post_form(admin_client, f"/admin/portfolios/{version_id}/allocate", follow_redirects=True)
    assert "Done: Allocated." in flashes(response)
    assert state_of(world, version_id) == "in_review"
    assert {a.assessor_id for a in world.allocations(version_id)} == {world.assessors[0].id, world.adjudicator.id}
    [event] = events(world, "portfolio.allocation_requested")
    assert event.actor_id == admin.id and event.object_id == str(version_id)


def test_a_disagreement_waits_for_an_adjudicator_and_allocate_now_finds_one(world, admin_client):  # noqa: F811
    set_active(world, world.adjudicator, False)
    version_id = world.submit()
    first, second = world.allocations(version_id)
    world.review(first.id, world.levels(3))
    assert world.review(second.id, world.levels(3, **{world.codes[0]: 1})) is None
    assert state_of(world, version_id) == "adjudication"
    assert [a.role for a in world.allocations(version_id)] == ["first", "second"]
    assert events(world, "portfolio.adjudicator_waiting")

    body = page(admin_client.get(f"/admin/portfolios/{version_id}"))
    assert "This portfolio needs an adjudicator." in body
    response = post_form(admin_client, f"/admin/portfolios/{version_id}/allocate", follow_redirects=True)
    assert "Problem: No calibrated adjudicator without a conflict is free to decide this portfolio." in flashes(
        response
    )
    assert state_of(world, version_id) == "adjudication" and len(world.allocations(version_id)) == 2

    set_active(world, world.adjudicator, True)
    response = post_form(admin_client, f"/admin/portfolios/{version_id}/allocate", follow_redirects=True)
    assert "Done: Allocated." in flashes(response)
    adjudicator = world.allocations(version_id)[-1]
    assert (adjudicator.assessor_id, adjudicator.role, adjudicator.status) == (
        world.adjudicator.id,
        "adjudicator",
        "allocated",
    )
    assert "This portfolio needs an adjudicator." not in page(admin_client.get(f"/admin/portfolios/{version_id}"))
    world.review(adjudicator.id, world.levels(3))
    assert resolution_of(world, version_id) == (True, "decided by an adjudicator", world.levels(3))
    assert state_of(world, version_id) == "resolved"


def test_a_conflicted_adjudicator_is_not_allocated_the_disagreement(world, admin_client):  # noqa: F811
    with world.app.app_context():
        db.session.add(
            ConflictOfInterest(assessor_id=world.adjudicator.id, candidate_id=world.candidate.id, reason="trainer")
        )
        db.session.commit()
    version_id = world.submit()
    first, second = world.allocations(version_id)
    world.review(first.id, world.levels(3))
    world.review(second.id, world.levels(3, **{world.codes[0]: 1}))
    assert state_of(world, version_id) == "adjudication"
    post_form(admin_client, f"/admin/portfolios/{version_id}/allocate")
    assert world.adjudicator.id not in {a.assessor_id for a in world.allocations(version_id)}
    assert state_of(world, version_id) == "adjudication"


# --- appeals ------------------------------------------------------------------------------------


def lodge_by_post(world):  # noqa: F811
    version_id = failed_version(world)
    response = post_form(world.client_for(world.candidate), "/portfolio/versions/1/appeal", {"reason": APPEAL_REASON})
    assert response.status_code == 302
    with world.app.app_context():
        appeal = db.session.query(Appeal).filter_by(version_id=version_id).one()
        assert appeal.status == "lodged" and appeal.original_passed is False
        return version_id, appeal.id


def test_an_appeal_is_listed_and_only_a_fresh_assessor_can_take_it(world, admin_client):  # noqa: F811
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


def test_a_passing_remark_upholds_the_appeal(world, admin_client):  # noqa: F811
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


def test_a_failing_remark_dismisses_the_appeal_and_the_decision_stands(world, admin_client):  # noqa: F811
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


def test_an_appeal_after_the_window_is_refused(world):  # noqa: F811
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


def test_a_zero_day_appeal_window_refuses_every_appeal(world):  # noqa: F811
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
def test_a_bad_conflict_is_refused_and_keeps_what_was_typed(world, admin_client, fields, message):  # noqa: F811
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


def test_a_recorded_conflict_is_listed_and_never_allocated(world, admin, admin_client):  # noqa: F811
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


def test_candidates_and_assessors_cannot_use_portfolio_administration(world):  # noqa: F811
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
