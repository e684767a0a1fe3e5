"""Panellists' pages of a modified-Angoff study: who sees them, drafts, validation, round 2 and closing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from certify.extensions import db
from certify.standard_setting.models import AngoffPanellist, AngoffRating
from tests.support.angoff import ITEM_REFS, load_exam, make_study, rate, signed_in, version_ids
from tests.support.helpers import post_form, text


@pytest.fixture
def study(app, make_user, load_catalog):
    load_exam(load_catalog)
    admin = make_user(roles=("admin",), name="Ada Admin")
    panel = [make_user(roles=("assessor",), name=f"Panellist {n}") for n in range(1, 7)]
    study_id = make_study(app, admin, panel)
    return study_id, admin, panel


def _stored(app, study_id, user):
    with app.app_context():
        return {
            (r.round, r.item_version_id): r.rating
            for r in db.session.scalars(
                select(AngoffRating).where(AngoffRating.study_id == study_id, AngoffRating.user_id == user.id)
            )
        }


def test_a_panellist_sees_their_study_with_keys_and_rationales(app, study):
    study_id, _admin, panel = study
    client = signed_in(app, panel[0])
    listing = text(client.get("/standard-setting/"))
    assert "Spring panel" in listing and "0 of 7 rated in round 1" in listing
    page = text(client.get(f"/standard-setting/{study_id}"))
    for ref in ITEM_REFS:
        assert ref in page
    assert "It is the business result." in page  # an option rationale: panellists judge with the key
    assert "Design starts from a business metric with a baseline." in page
    assert page.count('inputmode="decimal"') == len(ITEM_REFS) + 4  # a rating per item and four Hofstee values
    assert '<label class="field-label" for="rating-' in page
    # The main navigation offers the panel to its members
    assert 'href="/standard-setting/">Standard setting</a>' in page


@pytest.mark.parametrize("role", ["assessor", "admin", "adjudicator"])
def test_others_get_404(app, study, make_user, role):
    study_id, _admin, _panel = study
    outsider = make_user(roles=(role,))
    client = signed_in(app, outsider)
    assert client.get(f"/standard-setting/{study_id}").status_code == 404
    assert rate(client, study_id, {}).status_code == 404
    listing = client.get("/standard-setting/")
    assert listing.status_code == 200 and "You are not on any standard-setting panel." in text(listing)
    assert 'href="/standard-setting/">Standard setting</a>' not in text(client.get("/"))


def test_candidates_get_403(app, study, make_user):
    study_id, _admin, _panel = study
    client = signed_in(app, make_user(roles=("candidate",)))
    assert client.get(f"/standard-setting/{study_id}").status_code == 403
    assert client.get("/standard-setting/").status_code == 403


def test_a_draft_keeps_partial_ratings_and_a_cleared_field_removes_one(app, study):
    study_id, _admin, panel = study
    items = version_ids(app, study_id)
    client = signed_in(app, panel[0])
    response = rate(client, study_id, {items[0]: "62.5", items[1]: "40 %"}, action="save", follow_redirects=True)
    assert "Draft saved: 2 of 7 items rated in round 1." in text(response)
    assert _stored(app, study_id, panel[0]) == {(1, items[0]): 0.625, (1, items[1]): 0.4}
    page = text(client.get(f"/standard-setting/{study_id}"))
    assert f'id="rating-{items[0]}" name="rating-{items[0]}" value="62.5"' in page
    rate(client, study_id, {items[0]: "62.5", items[1]: ""}, action="save")
    assert _stored(app, study_id, panel[0]) == {(1, items[0]): 0.625}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "rate this item before you submit the round"),
        ("101", "Enter a number from 0 to 100."),
        ("-1", "Enter a number from 0 to 100."),
        ("plenty", "Enter a number from 0 to 100, such as 65."),
        ("nan", "Enter a number from 0 to 100."),
    ],
)
def test_bad_ratings_are_refused_with_the_values_kept(app, study, typed, message):
    study_id, _admin, panel = study
    items = version_ids(app, study_id)
    client = signed_in(app, panel[0])
    ratings = dict.fromkeys(items, "70")
    ratings[items[2]] = typed
    response = rate(client, study_id, ratings)
    page = text(response)
    assert response.status_code == 400
    assert "There is a problem" in page and "Nothing was saved." in page
    assert f"Item 3: {message}" in page
    assert f'<a href="#rating-{items[2]}">' in page  # the summary links to the field
    assert f'id="rating-{items[2]}" name="rating-{items[2]}" value="{typed}"' in page
    assert f'aria-describedby="rating-{items[2]}-error" aria-invalid="true"' in page
    assert f'id="rating-{items[0]}" name="rating-{items[0]}" value="70"' in page  # the others are kept too
    assert _stored(app, study_id, panel[0]) == {}


def test_hofstee_judgements_are_all_or_nothing_and_ordered(app, study):
    study_id, _admin, panel = study
    items = version_ids(app, study_id)
    client = signed_in(app, panel[0])
    ratings = dict.fromkeys(items, 60)
    partial = rate(client, study_id, ratings, hofstee={"min_cut": 50})
    assert partial.status_code == 400 and "give all four Hofstee values, or leave all four empty" in text(partial)
    reversed_range = rate(
        client, study_id, ratings, hofstee={"min_cut": 70, "max_cut": 50, "min_fail": 5, "max_fail": 101}
    )
    page = text(reversed_range)
    assert reversed_range.status_code == 400
    assert "must be at least the lowest acceptable cut score" in page and "Enter a number from 0 to 100." in page
    assert 'id="hofstee-max_fail" name="hofstee-max_fail" value="101"' in page
    good = rate(client, study_id, ratings, hofstee={"min_cut": 50, "max_cut": 70, "min_fail": 5, "max_fail": 30})
    assert good.status_code == 302
    with app.app_context():
        row = db.session.get(AngoffPanellist, (study_id, panel[0].id))
        assert row.hofstee == {"min_cut": 50.0, "max_cut": 70.0, "min_fail": 5.0, "max_fail": 30.0}
    assert 'id="hofstee-min_cut" name="hofstee-min_cut" value="50"' in text(client.get(f"/standard-setting/{study_id}"))


def test_round_two_is_rated_separately_and_closing_stops_rating(app, study):
    study_id, admin, panel = study
    items = version_ids(app, study_id)
    client = signed_in(app, panel[0])
    assert "Round 1 submitted" in text(rate(client, study_id, dict.fromkeys(items, 50), follow_redirects=True))
    office = signed_in(app, admin)
    post_form(office, f"/admin/standard-setting/{study_id}/round2")
    page = text(client.get(f"/standard-setting/{study_id}"))
    assert "Submit round 2" in page and "no data yet" in page  # no scored attempts yet
    rate(client, study_id, dict.fromkeys(items, 65))
    stored = _stored(app, study_id, panel[0])
    assert {stored[(1, i)] for i in items} == {0.5} and {stored[(2, i)] for i in items} == {0.65}

    post_form(office, f"/admin/standard-setting/{study_id}/close")
    closed = text(client.get(f"/standard-setting/{study_id}"))
    assert "This study is closed" in closed and 'inputmode="decimal"' not in closed
    refused = rate(client, study_id, dict.fromkeys(items, 90))
    assert refused.status_code == 409 and "ratings can no longer change" in text(refused)
    assert {_stored(app, study_id, panel[0])[(2, i)] for i in items} == {0.65}
    assert "Rating has ended" in text(client.get("/standard-setting/"))
