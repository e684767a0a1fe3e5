"""Learning gain on the outcome report: gain of the means, Marx-Cummings c, pre-test alpha, retakes.

Every expected figure is worked here by plain arithmetic from the hand-worked population in
tests/support/outcomes.py (its docstring has the scores), plus candidates added by the tests:

    Fay  pre-tests #1 01-02 (RA 100, PA 100), #2 01-05 (0, 0)      exams #1 01-20 (90, 100), #2 02-01 (100, 100)
    Gus  exam #1 01-10 (50, 50), pre-test 01-15 (20, 20): the pre-test came after the exam, so no pair

Fay is at the pre-test ceiling in both competencies: she falls in RA (counted in c, as a loss of 10 %
of her 100) and holds 100 in PA (left out of c by Marx & Cummings' rule, but in the gain of the means).
Her second pre-test and second exam must change nothing in the gain: only first attempts pair.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.assessments.models import Assessment
from certify.extensions import db
from certify.reports.models import AnalysisSnapshot
from tests.support.helpers import text
from tests.support.outcomes import at, csv_rows, section_rows

# (pre, post) = first pre-test, first certification attempt; the overall percent is the mean of RA and PA.
BASE = {"Ada": ((40, 50), (70, 40)), "Ben": ((20, 100), (60, 100)), "Eve": ((50, 50), (80, 50))}
FAY = {"Fay": ((100, 100), (90, 100))}


def add_fay_and_gus(app, population):
    population.people({"Fay": at(1, 1), "Gus": at(1, 1)})
    fay, gus = population.ids["Fay"], population.ids["Gus"]
    with app.app_context():
        population.attempt(fay, "diag", 1, at(1, 2), 100, 100)
        population.attempt(fay, "diag", 2, at(1, 5), 0, 0)
        population.attempt(fay, "exam", 1, at(1, 20), 90, 100)
        population.attempt(fay, "exam", 2, at(2, 1), 100, 100)
        population.attempt(gus, "exam", 1, at(1, 10), 50, 50)
        population.attempt(gus, "diag", 1, at(1, 15), 20, 20)
        db.session.commit()


def pairs(people: dict, code: str) -> list[tuple[float, float]]:
    def pick(scores):
        ra, pa = scores
        return {"RA": ra, "PA": pa, "Whole exam": (ra + pa) / 2}[code]

    return [(pick(pre), pick(post)) for pre, post in people.values()]


def change(pre: float, post: float) -> float | None:
    """Marx & Cummings' c, written out case by case."""
    if pre == 100 and post == 100:
        return None
    if pre == 0 and post == 0:
        return None
    if post > pre:
        return (post - pre) / (100 - pre)
    if post < pre:
        return (post - pre) / pre
    return 0.0


def expected(people: dict, code: str) -> dict[str, float | int | None]:
    both = pairs(people, code)
    n = len(both)
    pre = sum(p for p, _ in both) / n
    post = sum(q for _, q in both) / n
    cs = [change(p, q) for p, q in both]
    kept = [c for c in cs if c is not None]
    hake = [(q - p) / (100 - p) for p, q in both if p != 100]
    return {
        "n": n,
        "pre": pre,
        "post": post,
        "gain_of_means": (post - pre) / (100 - pre),
        "c": sum(kept) / len(kept),
        "in_c": len(kept),
        "ceiling": sum(1 for p, q in both if p == q == 100),
        "floor": sum(1 for p, q in both if p == q == 0),
        "hake": sum(hake) / len(hake),
        "hake_skipped": sum(1 for p, _ in both if p == 100),
    }


def gain_rows(client) -> dict[str, dict[str, str]]:
    rows = section_rows(client, "gain")
    keys = ["n", "pre", "post", "gain_of_means", "c", "in_c", "ceiling", "floor", "alpha", "alpha_n", "hake"]
    keys.append("hake_skipped")
    return {row[0]: dict(zip(keys, row[1:], strict=True)) for row in rows[1:]}


def assert_matches(shown: dict[str, str], worked: dict[str, float | int | None]) -> None:
    for key in ("n", "in_c", "ceiling", "floor", "hake_skipped"):
        assert shown[key] == str(worked[key]), key
    for key, places in (("pre", 1), ("post", 1), ("gain_of_means", 3), ("c", 3), ("hake", 3)):
        assert float(shown[key]) == pytest.approx(worked[key], abs=0.5 * 10**-places), key


def test_the_headers_say_which_figure_to_read(client, signed_in_admin, population):
    headers = section_rows(client, "gain")[0]
    assert headers[:6] == [
        "Competency",
        "Candidates paired (n)",
        "Mean pre-test %",
        "Mean exam %",
        "Gain of the means (read this)",
        "Mean normalised change c (Marx-Cummings)",
    ]
    assert headers[9] == "Pre-test alpha"
    assert headers[11].startswith("Legacy: Hake mean g")


def test_gain_of_the_hand_worked_population(client, signed_in_admin, population):
    rows = gain_rows(client)
    for code in ("RA", "PA", "Whole exam"):
        assert_matches(rows[code], expected(BASE, code))
    assert rows["EV"]["n"] == "0" and rows["EV"]["gain_of_means"] == ""
    # By hand, RA: means 110/3 -> 210/3, (70 - 36.67) / 63.33 = 0.526; c (0.5 + 0.5 + 0.6) / 3 = 0.533.
    assert (rows["RA"]["gain_of_means"], rows["RA"]["c"]) == ("0.526", "0.533")


def test_a_candidate_at_the_pre_test_ceiling_counts_and_retakes_do_not(app, client, signed_in_admin, population):
    add_fay_and_gus(app, population)
    rows = gain_rows(client)
    people = BASE | FAY
    for code in ("RA", "PA", "Whole exam"):
        assert_matches(rows[code], expected(people, code))
    # RA by hand: pre (40 + 20 + 50 + 100) / 4 = 52.5, exam (70 + 60 + 80 + 90) / 4 = 75, gain 22.5 / 47.5;
    # c: 0.5, 0.5, 0.6 and Fay's fall (90 - 100) / 100 = -0.1, mean 1.5 / 4 = 0.375 over all four.
    assert rows["RA"]["n"] == "4" and rows["RA"]["in_c"] == "4"
    assert float(rows["RA"]["gain_of_means"]) == pytest.approx(22.5 / 47.5, abs=5e-4)
    assert rows["RA"]["c"] == "0.375"
    assert rows["RA"]["hake"] == "0.533"  # the legacy g drops Fay and so reads higher
    # PA: Ben and Fay hold 100: both in the means (300/4 -> 290/4: gain -2.5/25) and left out of c only.
    assert (rows["PA"]["n"], rows["PA"]["in_c"], rows["PA"]["ceiling"]) == ("4", "2", "2")
    assert rows["PA"]["gain_of_means"] == "-0.1"
    # Gus (pre-test after his exam) and Fay's second attempts add no pair: four candidates, not five or six.
    assert [rows[code]["n"] for code in ("RA", "PA", "Whole exam")] == ["4", "4", "4"]
    assert "1 candidate(s) left out of the gain: their first pre-test was scored after" in text(
        client.get("/admin/reports/outcomes")
    )


def test_retakes_are_reported_apart(app, client, signed_in_admin, population):
    rows = {r[0]: r[1:] for r in section_rows(client, "retakes")[1:]}
    assert rows["RA"] == ["1", "70.0", "90.0", "20.0"]  # Ada only: 70 -> 90
    assert rows["Whole exam"] == ["1", "55.0", "85.0", "30.0"]  # (70+40)/2 -> (90+80)/2
    add_fay_and_gus(app, population)
    rows = {r[0]: r[1:] for r in section_rows(client, "retakes")[1:]}
    # Ada and Fay retook (Gus did not): RA 70 -> 90 and 90 -> 100; PA 40 -> 80 and 100 -> 100.
    first, latest = (70 + 90) / 2, (90 + 100) / 2
    assert rows["RA"] == ["2", f"{first:.1f}", f"{latest:.1f}", f"{((90 - 70) + (100 - 90)) / 2:.1f}"]
    assert rows["PA"] == ["2", "70.0", "90.0", "20.0"]
    assert rows["Whole exam"] == ["2", "75.0", "92.5", "17.5"]  # 55 -> 85 and 95 -> 100
    assert rows["EV"] == ["0", "", "", ""]


def store_analysis(app, payload_test: dict) -> None:
    """A stored analysis of the pre-test, as `flask analysis refresh` leaves it (fresh for the current attempts)."""
    with app.app_context():
        diag = db.session.scalars(select(Assessment).filter_by(slug="diag")).one()
        count, latest = db.session.execute(
            select(func.count(), func.max(AttemptScore.scored_at))
            .join(Attempt, Attempt.id == AttemptScore.attempt_id)
            .where(Attempt.assessment_id == diag.id)
        ).one()
        payload = {"format": 2, "test": payload_test, "items": []}
        db.session.add(
            AnalysisSnapshot(assessment_id=diag.id, scored_attempts=count, latest_scored_at=latest, payload=payload)
        )
        db.session.commit()


def test_the_pre_test_alpha_stands_beside_the_gain(app, client, signed_in_admin, population):
    body = text(client.get("/admin/reports/outcomes"))
    assert "The pre-test (diag) has no item analysis yet, so its alpha is not shown" in body
    store_analysis(
        app, {"n": 4, "min_n": 30, "alpha": 0.71, "kr20": 0.71, "competency_reliability": {"RA": 0.55, "PA": 0.62}}
    )
    rows = gain_rows(client)
    assert [(rows[c]["alpha"], rows[c]["alpha_n"]) for c in ("RA", "PA", "EV", "Whole exam")] == [
        ("0.55", "4"),
        ("0.62", "4"),
        ("", "4"),
        ("0.71", "4"),
    ]
    body = text(client.get("/admin/reports/outcomes"))
    assert "<td>0.526</td><td>0.533</td><td>3</td><td>0</td><td>0</td><td>0.55</td><td>4</td>" in body
    assert "rests on 4 scored attempt(s), fewer than the 30 needed to read it" in body
    assert "recompute it under Reports" not in body
    with app.app_context():  # a later pre-test attempt makes the stored analysis stale, and the page says so
        population.attempt(population.ids["Cleo"], "diag", 1, at(3, 1), 30, 30)
        db.session.commit()
    assert "attempts have been scored since; recompute it under Reports" in text(client.get("/admin/reports/outcomes"))


def test_an_earlier_payload_with_only_kr20_still_gives_the_alpha(app, client, signed_in_admin, population):
    store_analysis(app, {"n": 40, "min_n": 30, "kr20": 0.8, "competency_reliability": {}})
    rows = gain_rows(client)
    assert rows["Whole exam"]["alpha"] == "0.8"
    assert rows["RA"]["alpha"] == ""
    assert "fewer than the" not in text(client.get("/admin/reports/outcomes"))


def test_the_page_and_the_long_csv_show_the_new_columns(client, signed_in_admin, population):
    body = text(client.get("/admin/reports/outcomes"))
    for header in ("Gain of the means (read this)", "Mean normalised change c (Marx-Cummings)", "Pre-test alpha"):
        assert f'<th scope="col">{header}</th>' in body
    assert "Read the “Gain of the means”" in body
    assert '<th scope="col">Candidates who retook (n)</th>' in body
    assert body.count('class="chart-marker"') == 3  # a c tick on RA, PA and the whole exam; none on EV
    assert ">Bar: gain of the means (the figure to read). Tick: mean normalised change c.</text>" in body
    rows = csv_rows(client.get("/admin/reports/outcomes.csv"))
    gain = "Learning gain (first pre-test to first certification attempt)"
    assert [gain, "PA", "Left out of c: 100% on both", "1"] in rows
    assert [gain, "PA", "Gain of the means (read this)", "-0.1"] in rows
    assert ["Retakes (first to latest certification attempt)", "PA", "Mean change (points)", "40.0"] in rows
