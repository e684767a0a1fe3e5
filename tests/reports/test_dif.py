"""Differential item functioning through `flask analysis dif`: a planted item is found, the figures are recomputed.

The population (tests/support/dif_population.py) plants one item, D-07, 1.6 logits harder for the members of
cohort "Focal" than for others of the same ability; the other 21 items function alike for both groups.
"""

from __future__ import annotations

import json
import math
from statistics import NormalDist

import pytest

from certify.config import ConfigError, load_config
from tests.support.dif_population import BANK as DIF_BANK
from tests.support.dif_population import EXAM as DIF_EXAM
from tests.support.dif_population import (
    N_ACCOMMODATED,
    N_FOCAL,
    N_REFERENCE,
    N_RETAKES,
    PLANTED,
    REFS,
    build_population,
)

CONTRACT = {"item_ref", "version", "mh_d_dif", "se", "p", "class", "n_focal", "n_reference", "status"}


@pytest.fixture
def population(app, load_catalog):
    return build_population(app, load_catalog)


def dif_json(runner, *args):
    result = runner.invoke(args=["analysis", "dif", "difexam", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def by_ref(payload):
    return {i["item_ref"]: i for i in payload["items"]}


def band(percent):
    """Written out again: 5-point bands, 0-4.99 ... 95-100."""
    return min(int(percent // 5), 19)


def stratum_counts(sittings, ref, left_out=()):
    """{band: [A, B, C, D]} (reference right/wrong, focal right/wrong), matching on the percent over the form
    without `left_out`, the studied item kept."""
    counts = {}
    for s in sittings:
        if ref not in s.scores:
            continue
        kept = [k for k in s.scores if k == ref or k not in left_out]
        percent = 100 * sum(s.scores[k] for k in kept) / len(kept)
        cell = counts.setdefault(band(percent), [0, 0, 0, 0])
        cell[2 * s.cohort_focal + (1 - s.scores[ref])] += 1
    return counts


def hand_mh(counts):
    """alpha_MH = sum(AD/T) / sum(BC/T), D = -2.35 ln alpha, and the continuity-corrected MH chi-square p."""
    numerator = denominator = observed = expected = variance = 0.0
    for a, b, c, d in counts.values():
        t = a + b + c + d
        if t < 2 or a + b == 0 or c + d == 0:
            continue  # no comparison in this band
        numerator += a * d / t
        denominator += b * c / t
        observed += a
        expected += (a + b) * (a + c) / t
        variance += (a + b) * (c + d) * (a + c) * (b + d) / (t * t * (t - 1))
    alpha = numerator / denominator
    chi_square = (abs(observed - expected) - 0.5) ** 2 / variance
    p = 2 * (1 - NormalDist().cdf(math.sqrt(chi_square)))
    return alpha, -2.35 * math.log(alpha), p


def test_the_planted_item_is_class_c_and_the_others_a(runner, population):
    payload = dif_json(runner, "--group", "cohort:Focal")
    assert payload["assessment"] == "difexam" and payload["group"] == "cohort:Focal"
    assert payload["focal_n"] == N_FOCAL and payload["reference_n"] == N_REFERENCE + N_ACCOMMODATED
    assert payload["attempts"] == "first" and payload["min_group"] == 100
    items = by_ref(payload)
    assert sorted(items) == REFS and all(set(i) >= CONTRACT for i in payload["items"])
    planted = items[PLANTED]
    assert planted["class"] == "C" and planted["status"] == "ok" and planted["favours"] == "reference"
    assert planted["mh_d_dif"] <= -1.5 and (abs(planted["mh_d_dif"]) - 1) / planted["se"] > 1.645
    others = {ref: i["class"] for ref, i in items.items() if ref != PLANTED}
    assert set(others.values()) == {"A"}, others
    # The first pass found D-07; the second leaves it out of the other items' matching score.
    assert payload["purified"] == [f"{PLANTED} v1"]

    first = population.first_sittings()
    for ref, left_out in ((PLANTED, ()), ("D-01", (PLANTED,))):
        counts = stratum_counts(first, ref, left_out)
        alpha, d, p = hand_mh(counts)
        item = items[ref]
        assert item["alpha_mh"] == pytest.approx(alpha, abs=1e-4)
        assert item["mh_d_dif"] == pytest.approx(d, abs=1e-4)
        assert item["p"] == pytest.approx(p, abs=1e-6)
        assert item["n_reference"] == sum(a + b for a, b, _c, _d in counts.values())
        assert item["n_focal"] == sum(c + d for _a, _b, c, d in counts.values())
    # Left in the matching score, the planted item would tilt D-01 towards the focal group.
    assert hand_mh(stratum_counts(first, "D-01"))[1] > items["D-01"]["mh_d_dif"]


def test_group_size_retakes_and_the_text_report(app, runner, population):
    payload = dif_json(runner, "--group", "accommodation")
    assert payload["group"] == "accommodation" and payload["focal_n"] == N_ACCOMMODATED
    assert payload["reference_n"] == N_REFERENCE + N_FOCAL
    assert all(i["status"] == "insufficient_data" and i["class"] is None for i in payload["items"])
    assert all(i["n_focal"] < 100 and i["mh_d_dif"] is not None for i in payload["items"])  # figures kept

    app.config["DIF_MIN_GROUP"] = 30  # CERTIFY_DIF_MIN_GROUP=30
    lowered = dif_json(runner, "--group", "accommodation")
    assert lowered["min_group"] == 30
    assert all(i["class"] in ("A", "B", "C") for i in lowered["items"] if i["n_focal"] >= 30)
    app.config["DIF_MIN_GROUP"] = 100

    retakes = dif_json(runner, "--group", "cohort:focal", "--all-attempts")  # names match in any case
    assert retakes["attempts"] == "all" and retakes["group"] == "cohort:Focal"
    assert retakes["reference_n"] == N_REFERENCE + N_ACCOMMODATED + N_RETAKES
    by_id = dif_json(runner, "--group", f"cohort:{population.cohort_id}")
    assert by_id["group"] == "cohort:Focal" and by_id["items"] == dif_json(runner, "--group", "cohort:Focal")["items"]

    result = runner.invoke(args=["analysis", "dif", "difexam", "--group", "cohort:Focal"])
    assert result.exit_code == 0
    assert f"focal: members of Focal (n={N_FOCAL})" in result.output
    line = next(line for line in result.output.splitlines() if line.startswith(f"{PLANTED} v1"))
    assert line.split()[-1] == "C"
    assert "C: 1, B: 0, A: 21" in result.output and "not removed automatically" in result.output
    accommodation = runner.invoke(args=["analysis", "dif", "difexam", "--group", "accommodation"]).output
    assert "insufficient data" in accommodation


def test_an_assessment_without_scored_attempts(runner, load_catalog):
    load_catalog(("dif.yaml", DIF_BANK), ("difexam.yaml", DIF_EXAM))
    payload = dif_json(runner, "--group", "accommodation")
    assert payload["items"] == [] and payload["focal_n"] == payload["reference_n"] == 0
    assert (
        "no scored attempts yet"
        in runner.invoke(args=["analysis", "dif", "difexam", "--group", "accommodation"]).output
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["nope", "--group", "accommodation"], 1, "no assessment 'nope'; known: difexam"),
        (["difexam"], 2, "Missing option '--group'"),
        (["difexam", "--group", "language:fr"], 2, "unknown grouping 'language:fr'; use one of: cohort:"),
        (["difexam", "--group", "cohort:Nobody"], 2, "no cohort 'Nobody'; known: none yet"),
        (["difexam", "--group", "cohort:"], 2, "say which cohort"),
        (["difexam", "--group", "accommodation:yes"], 2, "accommodation takes no argument"),
    ],
)
def test_bad_arguments_are_refused_clearly(runner, load_catalog, args, code, message):
    load_catalog(("dif.yaml", DIF_BANK), ("difexam.yaml", DIF_EXAM))
    result = runner.invoke(args=["analysis", "dif", *args])
    assert result.exit_code == code
    assert message in " ".join(result.output.split())


def test_the_minimum_group_size_is_configured_and_checked(tmp_path):
    assert load_config({"CERTIFY_ENV": "development"}, str(tmp_path))["DIF_MIN_GROUP"] == 100
    assert (
        load_config({"CERTIFY_ENV": "development", "CERTIFY_DIF_MIN_GROUP": "40"}, str(tmp_path))["DIF_MIN_GROUP"] == 40
    )
    for value in ("0", "1", "lots", "100001"):
        with pytest.raises(ConfigError, match="CERTIFY_DIF_MIN_GROUP"):
            load_config({"CERTIFY_ENV": "development", "CERTIFY_DIF_MIN_GROUP": value}, str(tmp_path))
