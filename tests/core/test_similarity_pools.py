"""Near-twin stems and the pools' separation that `banks lint` checks (issue 14, point 6)."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest

from certify.core.assessment_spec import AssessmentSpec, BlueprintCell
from certify.core.banks import Bank, Item
from certify.core.pools import pool_problems
from certify.core.similarity import NEAR_TWIN, Stem, near_twins, similarity, terms

# Similarity

WORDS = "sponsor result course gap cause practice metric baseline panel item form cut nurse ward".split()  # noqa: SIM905


def test_the_same_content_in_other_inflections_is_identical_and_disjoint_stems_score_zero():
    assert similarity("Managers approve budgets", "The manager approves the budget") == pytest.approx(1.0)
    assert similarity("Managers approve budgets", "Nurses record dosages") == 0.0
    assert similarity("", "anything") == 0.0


def test_a_small_case_worked_by_hand():
    # x: ward, nurse, record, "ward nurse", "nurse record"; y: nurse, record, dose, "nurse record", "record dose"
    # shared: nurse, record, "nurse record" -> 3 / (sqrt(5) * sqrt(5)) = 0.6
    assert similarity("The ward nurses record", "Nurses record doses") == pytest.approx(0.6)


def test_similarity_is_symmetric_and_matches_a_dense_vector_cosine():
    rng = random.Random(4)
    words = WORDS
    for _ in range(200):
        a = " ".join(rng.choices(words, k=rng.randint(1, 12)))
        b = " ".join(rng.choices(words, k=rng.randint(1, 12)))
        ta, tb = terms(a), terms(b)
        vocabulary = sorted(set(ta) | set(tb))
        x = np.array([ta[t] for t in vocabulary], dtype=float)
        y = np.array([tb[t] for t in vocabulary], dtype=float)
        dense = float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))
        assert similarity(a, b) == pytest.approx(dense) == pytest.approx(similarity(b, a))


def test_a_reworded_copy_is_a_near_twin_and_another_case_on_the_topic_is_not():
    item = "Put the steps of action mapping in the order in which the designer carries them out."
    copy = "Put the steps of action mapping in the order they are carried out."
    other = "A call centre wants fewer repeat calls. Which practice activity fits the first action on the map?"
    assert similarity(item, copy) >= NEAR_TWIN > similarity(item, other)


def test_near_twins_finds_exactly_the_pairs_a_brute_force_scan_finds():
    rng = random.Random(11)
    words = WORDS
    stems = [Stem(f"I{n}", rng.choice("AB"), " ".join(rng.choices(words, k=rng.randint(2, 8)))) for n in range(60)]
    for threshold, across in ((0.3, False), (0.5, False), (0.5, True), (0.8, False)):
        expected = {
            (a.ref, b.ref)
            for a, b in itertools.combinations(stems, 2)
            if similarity(a.text, b.text) >= threshold and not (across and a.group == b.group)
        }
        found = near_twins(stems, threshold=threshold, across_groups_only=across)
        assert {(t.first.ref, t.second.ref) for t in found} == expected
        assert [t.similarity for t in found] == sorted((t.similarity for t in found), reverse=True)


@pytest.mark.parametrize("threshold", [0, -0.2, 1.5, math.nan])
def test_a_threshold_outside_0_to_1_is_refused(threshold):
    with pytest.raises(ValueError, match="threshold"):
        near_twins([Stem("a", "g", "x")], threshold=threshold)


# Pools


def item(ref: str, stem: str, competency: str = "RA", **extra) -> Item:
    options = [{"id": "a", "text": "One", "rationale": "r"}, {"id": "b", "text": "Two", "rationale": "r"}]
    return Item(
        ref=ref,
        type="single_choice",
        competency=competency,
        bloom="apply",
        status=extra.pop("status", "live"),
        stem=stem,
        rationale="why",
        body={"options": options, "key": "a"},
        line=7,
        **extra,
    )


def bank(bank_id: str, purpose: str, *items: Item) -> Bank:
    return Bank(bank_id, bank_id, purpose, tuple(items), f"{bank_id}.yaml")


def exam(slug: str, kind: str, *banks: str) -> AssessmentSpec:
    return AssessmentSpec(
        slug=slug,
        title=slug,
        description="",
        kind=kind,
        time_limit_minutes=30,
        max_attempts=None,
        cooldown_days=0,
        requires_course_completion=False,
        review_policy="full",
        pilot_items=0,
        banks=tuple(banks),
        blueprint=(BlueprintCell("RA", "apply", 1),),
        cut_score_percent=60.0,
        cut_score_method="modified_angoff",
        cut_score_rationale="r",
        mastery_percent={"RA": 50.0},
        file=f"{slug}.yaml",
    )


TWIN_A = "Put the steps of action mapping in the order in which the designer carries them out."
TWIN_B = "Put the steps of action mapping in the order they are carried out."
OTHER = "A regional bank reports fewer complaints after a coaching pilot. What should the evaluator check first?"


def test_separate_pools_with_distinct_items_pass():
    banks = [bank("mid", "certification", item("C1", TWIN_A)), bank("pr", "practice", item("P1", OTHER))]
    assert pool_problems(banks, [exam("cert", "certification", "mid"), exam("prac", "practice", "pr")]) == []


def test_an_exam_drawing_on_a_bank_of_another_purpose_or_sharing_it_is_reported():
    banks = [bank("mid", "certification", item("C1", TWIN_A)), bank("pr", "practice", item("P1", OTHER))]
    found = [p.message for p in pool_problems(banks, [exam("pre", "diagnostic", "pr"), exam("prac", "practice", "pr")])]
    assert "assessment pre (diagnostic) draws on bank pr, whose purpose is practice" in found[0]
    assert any("bank pr is drawn on by diagnostic and practice exams" in m for m in found)


def test_a_near_twin_across_pools_is_reported_at_the_item():
    banks = [bank("mid", "certification", item("C1", TWIN_A)), bank("kc-04", "knowledge_check", item("K1", TWIN_B))]
    (problem,) = pool_problems(banks, [exam("cert", "certification", "mid")])
    assert (problem.file, problem.line) == ("mid.yaml", 7)
    assert "item C1 and item K1 (knowledge_check) are near-twins" in problem.message
    assert "certification and knowledge_check pools must share no near-twin" in problem.message
    # A retired item is out of every pool; a stricter threshold lets the pair through.
    retired = [banks[0], bank("kc-04", "knowledge_check", item("K1", TWIN_B, status="retired"))]
    assert pool_problems(retired, []) == []
    assert pool_problems(banks, [], threshold=0.95) == []


def test_near_twins_inside_the_certification_pool_must_be_declared_enemies():
    plain = [bank("mid", "certification", item("C1", TWIN_A), item("C2", TWIN_B))]
    (problem,) = pool_problems(plain, [])
    assert "declare them enemies" in problem.message
    # Twins inside the practice pool only repeat practice: not reported.
    assert pool_problems([bank("pr", "practice", item("P1", TWIN_A), item("P2", TWIN_B))], []) == []
