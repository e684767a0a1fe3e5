"""Portfolio administration: the list and detail pages, reallocation and allocating waiting versions."""

from __future__ import annotations

import pytest

from certify.database import utcnow
from certify.extensions import db
from certify.review import workspace
from certify.review.models import Allocation, ConflictOfInterest, Resolution
from tests.support.helpers import post_form
from tests.support.portfolio_admin import (
    allocations_by_id,
    events,
    flashes,
    page,
    resolution_of,
    row,
    set_active,
    state_of,
)
from tests.support.portfolios import calibrate


def test_list_shows_each_version_with_its_candidate_and_state_and_filters_by_state(
    world,
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


def test_detail_shows_allocations_then_the_decision_and_rule(world, admin_client):
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


def test_reallocation_to_a_free_calibrated_assessor_withdraws_the_old_allocation(world, admin, admin_client):
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
def test_reallocation_to_an_ineligible_assessor_is_refused(world, admin_client, who, message):
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


def test_reallocation_without_choosing_anyone_is_refused(world, admin_client):
    version_id = world.submit()
    first, _second = world.allocations(version_id)
    before = allocations_by_id(world, version_id)
    response = post_form(admin_client, f"/admin/allocations/{first.id}/reallocate", {}, follow_redirects=True)
    assert "Problem: Choose the assessor to take this review." in flashes(response)
    assert allocations_by_id(world, version_id) == before
    assert post_form(admin_client, "/admin/allocations/9999/reallocate", {"assessor_id": 1}).status_code == 404


def test_reallocation_of_an_open_review_needs_force(world, admin_client):
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


def test_a_submitted_review_cannot_be_reallocated(world, admin_client):
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


def test_a_version_waits_for_two_calibrated_assessors_then_is_allocated_on_calibration(world, admin_client):
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


def test_allocate_now_allocates_a_waiting_version_once_assessors_are_free(world, admin, admin_client):
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


def test_a_disagreement_waits_for_an_adjudicator_and_allocate_now_finds_one(world, admin_client):
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


def test_a_conflicted_adjudicator_is_not_allocated_the_disagreement(world, admin_client):
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
