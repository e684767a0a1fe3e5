"""The portfolio editor's structured outcome plan: kept as typed, checked, frozen into the submitted version."""

from __future__ import annotations

from certify.extensions import db
from certify.portfolios.models import Portfolio, PortfolioVersion
from tests.support.helpers import post_form, text
from tests.support.outcome_plan_data import plan_form


def _draft_plan(world):
    with world.app.app_context():
        return db.session.query(Portfolio).filter_by(candidate_id=world.candidate.id).one().draft_outcome_plan


def test_the_editor_has_every_plan_field_labelled(world):
    page = text(world.client_for(world.candidate).get("/portfolio/"))
    for name in ("metric", "unit", "direction", "baseline", "target", "expected_by", "sponsor_name", "sponsor_email"):
        assert f'for="plan-{name}"' in page
    assert 'name="plan-objectives"' in page


def test_a_valid_plan_is_saved_and_frozen_into_the_submitted_version(world):
    client = world.client_for(world.candidate)
    response = post_form(client, "/portfolio/outcome-plan", plan_form())
    assert response.status_code == 302
    assert _draft_plan(world)["metric"] == "First-contact resolution"
    version_id = world.submit()
    with world.app.app_context():
        plan = db.session.get(PortfolioVersion, version_id).outcome_plan
    assert plan["baseline"] == 61.0 and plan["target"] == 74.0 and plan["direction"] == "increase"
    assert plan["objectives"] == [
        "Agents check the knowledge base before escalating",
        "Agents confirm the fix with the caller",
    ]


def test_a_wrong_plan_is_kept_as_typed_and_each_problem_shown_beside_its_field(world):
    client = world.client_for(world.candidate)
    response = post_form(
        client, "/portfolio/outcome-plan", plan_form(target="55", sponsor_email="priya@", baseline="sixty")
    )
    page = text(response)
    assert response.status_code == 400
    assert "The baseline must be a number" in page and "valid email address" in page
    assert 'aria-invalid="true"' in page and 'id="plan-sponsor_email-error"' in page
    assert 'value="priya@"' in page  # nothing lost
    assert _draft_plan(world)["baseline"] == "sixty"


def test_a_started_but_invalid_plan_blocks_submission_and_an_empty_one_does_not(world):
    client = world.client_for(world.candidate)
    post_form(client, "/portfolio/outcome-plan", plan_form(direction="decrease"))
    data = {f"section-{code}": f"Text for {code}" for code in world.codes}
    post_form(client, "/portfolio/", {**data, "seq": "1"})
    refused = post_form(client, "/portfolio/submit", {"confirm": "yes"})
    assert refused.status_code == 400 and "Complete the outcome plan" in text(refused)
    with world.app.app_context():
        assert db.session.query(PortfolioVersion).count() == 0
    empty = dict.fromkeys(plan_form(), "")
    assert post_form(client, "/portfolio/outcome-plan", empty).status_code == 302
    assert post_form(client, "/portfolio/submit", {"confirm": "yes"}).status_code == 302
    with world.app.app_context():
        assert db.session.query(PortfolioVersion).one().outcome_plan is None


def test_hostile_text_in_the_plan_is_escaped(world):
    client = world.client_for(world.candidate)
    post_form(client, "/portfolio/outcome-plan", plan_form(metric='<script>alert(1)</script>"', baseline="x"))
    page = text(client.get("/portfolio/"))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
