"""An Angoff study's evidence: the G-study SE of the cut, ratings vs p, Hofstee (the item draw: test_study_draw.py).

Every figure is recomputed here independently: sums of squares written out cell by cell, a
`statistics.correlation`, and percent scores listed directly.
"""

from __future__ import annotations

import math
import random
import statistics
from datetime import timedelta

import pytest
from sqlalchemy import select

from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore
from certify.assessments.models import CutScore
from certify.audit.models import AuditEvent
from certify.database import utcnow
from certify.extensions import db
from certify.standard_setting import angoff_results
from certify.standard_setting.models import AngoffStudy
from tests.support.angoff import exam, load_exam, make_study, rate, signed_in, study_csv, study_page, version_ids
from tests.support.helpers import post_form

# --- 1. The G-study SE ----------------------------------------------------------------------------


def _g_study_by_hand(x):
    """SE of the cut over raters and items, and over raters only, from sums of squares written out."""
    raters, items = len(x), len(x[0])
    grand = sum(sum(row) for row in x) / (raters * items)
    rater_mean = [sum(row) / items for row in x]
    item_mean = [sum(x[r][i] for r in range(raters)) / raters for i in range(items)]
    ss_total = sum((x[r][i] - grand) ** 2 for r in range(raters) for i in range(items))
    ss_r = sum(items * (m - grand) ** 2 for m in rater_mean)
    ss_i = sum(raters * (m - grand) ** 2 for m in item_mean)
    ss_ri = ss_total - ss_r - ss_i
    ms_r, ms_i, ms_ri = ss_r / (raters - 1), ss_i / (items - 1), ss_ri / ((raters - 1) * (items - 1))
    var_r, var_i, var_ri = max(0.0, (ms_r - ms_ri) / items), max(0.0, (ms_i - ms_ri) / raters), ms_ri

    def se(n_r, n_i):  # in percent
        return 100 * math.sqrt(var_r / n_r + var_i / n_i + var_ri / (n_r * n_i))

    raters_only = 100 * math.sqrt(var_r / raters + var_ri / (raters * items))
    return {
        "cut_percent": 100 * grand,
        "se_percent": se(raters, items),
        "se_points": se(raters, items) * items / 100,
        "raters_only_percent": raters_only,
        "raters_only_points": raters_only * items / 100,
        "more_items": se(raters, 2 * items),
        "more_raters": se(10, items),
        "both": se(10, 2 * items),
        "components": (var_r, var_i, var_ri),
    }


def _seeded_ratings(seed, raters, items):
    """Whole-percent ratings: an item difficulty plus a panellist leaning plus noise, in [5, 95]."""
    rng = random.Random(seed)
    difficulty = [rng.randint(35, 85) for _ in range(items)]
    leaning = [rng.randint(-8, 8) for _ in range(raters)]
    return [[min(95, max(5, d + lean + rng.randint(-6, 6))) for d in difficulty] for lean in leaning]


@pytest.fixture
def panel_study(app, make_user, load_catalog):
    load_exam(load_catalog)
    admin = make_user(roles=("admin",), name="Ada Admin")
    panel = [make_user(roles=("assessor",), name=f"Panellist {n}") for n in range(1, 7)]
    return admin, panel, make_study(app, admin, panel)


def test_g_study_se_on_the_page_in_the_csv_and_in_the_adopted_cut(app, panel_study):
    admin, panel, study_id = panel_study
    items = version_ids(app, study_id)
    office = signed_in(app, admin)
    expected = {}
    for number, seed in ((1, 2024), (2, 7)):
        matrix = _seeded_ratings(seed, len(panel), len(items))
        for user, row in zip(panel, matrix, strict=True):
            assert rate(signed_in(app, user), study_id, dict(zip(items, row, strict=True))).status_code == 302
        expected[number] = _g_study_by_hand([[v / 100 for v in row] for row in matrix])
        if number == 1:
            assert post_form(office, f"/admin/standard-setting/{study_id}/round2").status_code == 302

    page = study_page(office, study_id)
    rounds = {row["round"]: row for row in study_csv(office, study_id, "rounds")}
    for number, e in expected.items():
        # the G-study components reproduce the core on this matrix, not a copy of it
        with app.app_context():
            found = angoff_results.round_result(db.session.get(AngoffStudy, study_id), number).precision
        assert (found.components.raters, found.components.items, found.components.residual) == pytest.approx(
            e["components"]
        )
        section = page.split(f'<h3 id="round-{number}">')[1].split("</section>")[0]
        assert f"<strong>{e['se_points']:.2f} points ({e['se_percent']:.2f} %)</strong>" in section
        assert f"cut {e['cut_percent']:.2f} % ± {e['se_percent']:.2f} %" in section
        assert f"{e['raters_only_points']:.2f} points ({e['raters_only_percent']:.2f} %), for comparison" in section
        assert (
            f"With 7 more items rated (14 in all) the SE would be {e['more_items']:.2f} %;"
            f" with 4 more panellists (10 in all), {e['more_raters']:.2f} %; with both, {e['both']:.2f} %."
        ) in section
        row = rounds[str(number)]
        assert float(row["SE over raters and items (percent)"]) == pytest.approx(e["se_percent"])
        assert float(row["SE over raters and items (raw)"]) == pytest.approx(e["se_points"])
        assert float(row["SE over raters only (percent)"]) == pytest.approx(e["raters_only_percent"])
        assert float(row["D study: SE with more items (percent)"]) == pytest.approx(e["more_items"])
        assert float(row["D study: SE with more panellists (percent)"]) == pytest.approx(e["more_raters"])
        assert row["D study: items"] == "14" and row["D study: panellists"] == "10"
        # generalising over items too can only widen the SE
        assert e["se_percent"] >= e["raters_only_percent"]

    assert post_form(office, f"/admin/standard-setting/{study_id}/adopt", {"confirm": "y"}).status_code == 302
    e = expected[2]
    with app.app_context():
        cut = db.session.scalar(select(CutScore).order_by(CutScore.version.desc()).limit(1))
        g = cut.panel["g_study"]
        assert g["se_raters_items_percent"] == pytest.approx(e["se_percent"])
        assert g["se_raters_only_percent"] == pytest.approx(e["raters_only_percent"])
        assert g["d_study"]["more_items"] == {"items": 14, "se_percent": pytest.approx(e["more_items"])}
        assert cut.panel["se"] is not None and cut.panel["sd"] is not None  # the older fields stay
        assert (
            f"SE generalising over panellists and items {e['se_points']:.2f} ({e['se_percent']:.2f} %)" in cut.rationale
        )
        assert f"over panellists only {e['raters_only_points']:.2f} ({e['raters_only_percent']:.2f} %)" in cut.rationale
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cut_score.adopted"))
        assert event.after["se_raters_items_percent"] == pytest.approx(e["se_percent"])
        assert event.after["d_study"]["more_panellists"] == {
            "panellists": 10,
            "se_percent": pytest.approx(e["more_raters"]),
        }
        assert "SE generalising over panellists and items" in event.note and cut.rationale.startswith(event.note)


def test_no_g_study_for_a_single_panellist(app, panel_study):
    admin, panel, study_id = panel_study
    items = version_ids(app, study_id)
    rate(signed_in(app, panel[0]), study_id, dict.fromkeys(items, 60))
    page = study_page(signed_in(app, admin), study_id)
    assert "SE over panellists and items" not in page and "1 of 7 points" not in page
    row = study_csv(signed_in(app, admin), study_id, "rounds")[0]
    assert row["panellists"] == "1" and row["SE over raters and items (percent)"] == ""


# --- 3. Ratings against observed p, and 4. Hofstee on first attempts ------------------------------


def _attempt(user, number, credits, percent, *, status="scored"):
    """An attempt at the sample exam with the given item credits (inside an app context)."""
    assessment = exam(None)
    now = utcnow()
    attempt = Attempt(
        user_id=user.id,
        assessment_id=assessment.id,
        number=number,
        seed=f"s-{user.id}-{number}",
        status=status,
        started_at=now - timedelta(hours=1),
        deadline=now,
        submitted_at=now,
        cut_score_id=assessment.cut_score.id,
    )
    db.session.add(attempt)
    db.session.flush()
    attempt.open_marker = None
    for position, (version_id, credit) in enumerate(credits.items(), start=1):
        db.session.add(AttemptItem(attempt_id=attempt.id, position=position, item_version_id=version_id, credit=credit))
    if status == "scored":
        db.session.add(
            AttemptScore(
                attempt_id=attempt.id,
                points=percent / 10,
                max_points=10,
                percent=percent,
                cut_percent=50,
                passed=percent >= 50,
                competencies=[],
            )
        )
    db.session.flush()
    return attempt.id


FIRST_CREDITS = [  # four candidates' first attempts: items 1..6 (item 7 never appears on a first attempt)
    [1, 1, 1, 0, 1, 0],
    [1, 1, 0, 1, 0, 0],
    [1, 0, 1, 0, 0, 0],
    [1, 1, 1, 1, 0, 1],
]


@pytest.fixture
def observed(app, panel_study, make_user):
    admin, panel, study_id = panel_study
    items = version_ids(app, study_id)
    candidates = [make_user(roles=("candidate",)) for _ in FIRST_CREDITS]
    with app.app_context():
        for person, credits, percent in zip(candidates, FIRST_CREDITS, (30, 55, 70, 90), strict=True):
            _attempt(person, 1, dict(zip(items, credits, strict=False)), percent)
        # the first candidate's retake: every item right, 100 %; it must not count where first attempts do
        _attempt(candidates[0], 2, dict.fromkeys(items, 1), 100)
        db.session.commit()
    return admin, panel, study_id, items, candidates


def test_ratings_track_first_attempt_p_values(app, observed):
    admin, panel, study_id, items, _candidates = observed
    # Expected p: items 1..6 from the four first attempts; item 7 only in the retake (p 1.0 from 1 attempt)
    first_p = [statistics.mean(row[i] for row in FIRST_CREDITS) for i in range(6)] + [1.0]
    leaning = (-6, -3, 0, 2, 4, 6)
    for number in (1, 2):
        for user, lean in zip(panel, leaning, strict=True):
            if number == 1:  # round 1 follows the observed difficulty, with panellists' leanings and noise
                row = [round(30 + 50 * p) + lean + (i % 3) for i, p in enumerate(first_p)]
            else:  # round 2, perversely, rates the easy items hard
                row = [round(80 - 50 * p) + lean + (i % 3) for i, p in enumerate(first_p)]
            rate(signed_in(app, user), study_id, dict(zip(items, row, strict=True)))
        means = [
            statistics.mean(
                (round(30 + 50 * p) if number == 1 else round(80 - 50 * p)) + lean + (i % 3) for lean in leaning
            )
            / 100
            for i, p in enumerate(first_p)
        ]
        expected_r = statistics.correlation(means, first_p)
        if number == 1:
            assert post_form(signed_in(app, admin), f"/admin/standard-setting/{study_id}/round2").status_code == 302
        with app.app_context():
            found = angoff_results.round_result(db.session.get(AngoffStudy, study_id), number).vs_p
        assert found.r == pytest.approx(expected_r) and found.items == 7 and found.from_first == 6
        assert found.responses == 6 * 4 + 1
        page = study_page(signed_in(app, admin), study_id)
        section = page.split(f'<h3 id="round-{number}">')[1].split("</section>")[0]
        assert (
            f"r = {expected_r:.2f} over 7 items (6 with p from candidates\u2019 first attempts, 25 responses in all)"
            in section
        )
        if number == 1:
            assert expected_r > 0.9 and "The panel's judgements track the observed difficulty." in section
        else:
            assert expected_r < -0.9
            assert "<strong>Warning: the panel rates the items candidates find hard as easier" in section
        row = next(r for r in study_csv(signed_in(app, admin), study_id, "rounds") if r["round"] == str(number))
        assert float(row["r (mean rating, observed p)"]) == pytest.approx(expected_r)
        assert row["items correlated"] == "7" and row["items with first-attempt p"] == "6"
    # the first-attempt p-values in the items table: item 1 right in all four first attempts
    assert "<td>1.00 (4)</td>" in page
    items_csv = study_csv(signed_in(app, admin), study_id, "items")
    first_rows = [r for r in items_csv if r["round"] == "2"]
    assert [r["first attempts"] for r in first_rows] == ["4"] * 6 + ["0"]
    assert float(first_rows[3]["p-value (first attempts)"]) == pytest.approx(0.5)


def test_too_few_items_with_data_give_no_correlation(app, panel_study):
    admin, panel, study_id = panel_study
    for user in panel:
        rate(signed_in(app, user), study_id, dict.fromkeys(version_ids(app, study_id), 60))
    page = study_page(signed_in(app, admin), study_id)
    assert "No correlation: only 0 items with observed data." in page


def test_hofstee_reads_each_candidates_first_scored_attempt(app, observed, make_user):
    admin, panel, study_id, items, _candidates = observed
    with app.app_context():
        late = make_user(roles=("candidate",))
        # attempt 1 never scored (still submitted); attempt 2 is this candidate's first SCORED attempt
        _attempt(late, 1, {}, 0, status="submitted")
        _attempt(late, 2, {items[0]: 1}, 65)
        db.session.commit()
        assessment_id = exam(app).id
        every = sorted(
            db.session.scalars(select(AttemptScore.percent).join(Attempt, Attempt.id == AttemptScore.attempt_id))
        )
        assert every == [30, 55, 65, 70, 90, 100]  # the retake at 100 % is there...
        assert sorted(angoff_results.observed_percents(assessment_id)) == [30, 55, 65, 70, 90]  # ...and left out
    hofstee = {"min_cut": 50, "max_cut": 70, "min_fail": 10, "max_fail": 40}
    for user in panel:
        rate(signed_in(app, user), study_id, dict.fromkeys(items, 60), hofstee=hofstee)
    office = signed_in(app, admin)
    page = study_page(office, study_id)
    assert "each candidate\u2019s <strong>first scored attempt</strong> at Sample certification exam" in page
    assert "Candidates (first scored attempt each; retakes left out)</th><td>5</td>" in page
    # At the Angoff cut of 60 %, 2 of the 5 first attempts (30, 55) fail: 40 %; with the retake it would be 2 of 6
    assert "60.0 %, failing 40.0 %" in page
    hofstee_rows = {r["measure"]: r["value"] for r in study_csv(office, study_id, "hofstee")}
    assert hofstee_rows["candidates (first scored attempt each)"] == "5"
