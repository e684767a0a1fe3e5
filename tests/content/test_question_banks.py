"""The shipped content meets the bar the certification sets for itself."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from certify.assessments.sources import QUESTION_BANKS
from certify.core.assessment_spec import pool_shortfalls
from certify.core.bank_refs import crowded_cells
from certify.core.banks import Item
from certify.core.items import HIGHER_ORDER, ITEM_TYPES
from certify.core.lint import lint_banks
from certify.core.pools import pool_problems
from tests.support.catalogs import repository_catalog

CATALOG = repository_catalog([QUESTION_BANKS])
CERTIFICATION = [bank for bank in CATALOG.banks if bank.id.startswith("mid-")]
CODES = [c.code for c in CATALOG.competencies]


def test_everything_validates():
    assert [str(p) for p in CATALOG.problems if p.severity == "error"] == []


def test_everything_follows_the_item_writing_guidelines():
    assert [str(p) for p in lint_banks(CATALOG.all_banks())] == []


def test_the_pools_are_apart_and_near_twins_in_the_certification_pool_are_enemies():
    # Every near-twin across pools is gone and every near-twin inside the certification pool is declared.
    assert [str(p) for p in pool_problems(CATALOG.all_banks(), CATALOG.assessments)] == []
    assert [str(p) for p in crowded_cells(CATALOG.all_banks(), CATALOG.assessments)] == []
    # Remove one declared group and the check reports the pair it kept apart.
    stripped = [_without_enemies(bank, {"AD-034", "AD-041"}) for bank in CATALOG.all_banks()]
    found = [p.message for p in pool_problems(stripped, CATALOG.assessments)]
    assert len(found) == 1 and "item AD-034 and item AD-041 (certification) are near-twins" in found[0]


def _without_enemies(bank, refs):
    from dataclasses import replace

    items = tuple(
        replace(i, enemies=tuple(e for e in i.enemies if e not in refs)) if i.ref in refs else i for i in bank.items
    )
    return replace(bank, items=items)


def test_eight_competencies():
    assert CODES == ["RA", "PA", "SS", "OB", "AD", "IS", "EV", "CP"]


@pytest.mark.parametrize("code", ["RA", "PA", "SS", "OB", "AD", "IS", "EV", "CP"])
def test_at_least_40_live_items_per_competency(code):
    live = [i for b in CERTIFICATION for i in b.items if i.competency == code and i.status == "live"]
    assert len(live) >= 40


def test_all_seven_item_types_are_used():
    used = {item.type for bank in CERTIFICATION for item in bank.items}
    assert used == set(ITEM_TYPES)


def test_at_least_40_percent_apply_or_above():
    items = [item for bank in CERTIFICATION for item in bank.items]
    share = sum(1 for item in items if item.bloom in HIGHER_ORDER) / len(items)
    assert share >= 0.40


def test_every_item_has_rationales():
    for bank in CATALOG.all_banks():
        for item in bank.items:
            assert len(item.rationale) >= 20, item.ref


def test_ten_modules_with_at_least_three_real_lessons_and_a_check():
    modules = sorted(CATALOG.modules, key=lambda m: m.number)
    assert [m.number for m in modules] == list(range(1, 11))
    for module in modules:
        assert len(module.lessons) >= 3, module.slug
        for lesson in module.lessons:
            words = len(re.findall(r"\w+", lesson.body))
            assert words >= 350, f"{module.slug}/{lesson.slug} has only {words} words"
        assert len(module.knowledge_check.items) >= 3


def test_assessments_are_defined_as_the_programme_requires():
    specs = {spec.slug: spec for spec in CATALOG.assessments}
    exam, practice = specs["mid-certification"], specs["practice"]
    assert (exam.item_count, exam.time_limit_minutes, exam.max_attempts, exam.cooldown_days) == (64, 90, 3, 14)
    assert exam.requires_course_completion and exam.review_policy == "competencies_only"
    # From the job-task analysis (certify/demo/job_analysis.py adopts the same): weights, not 8 each
    per = Counter(c.competency for c in exam.blueprint for _ in range(c.count))
    assert per == {"RA": 10, "PA": 10, "SS": 8, "OB": 7, "AD": 8, "IS": 8, "EV": 7, "CP": 6}
    assert per["RA"] > per["CP"] and per["PA"] > per["CP"]
    assert (practice.item_count, practice.time_limit_minutes, practice.max_attempts) == (16, 20, None)
    assert not practice.requires_course_completion and practice.review_policy == "full"


@pytest.mark.parametrize("slug", ["mid-certification", "practice", "diagnostic"])
def test_pools_can_fill_the_blueprints(slug):
    spec = next(s for s in CATALOG.assessments if s.slug == slug)
    pool = Counter(
        (item.competency, item.bloom)
        for bank in CATALOG.banks
        if bank.id in spec.banks
        for item in bank.items
        if item.status == "live"
    )
    assert pool_shortfalls(spec, pool) == []


def test_practice_items_are_not_certification_items():
    practice = {item.stem for bank in CATALOG.banks if bank.id.startswith("practice-") for item in bank.items}
    certification = {item.stem for bank in CERTIFICATION for item in bank.items}
    assert practice.isdisjoint(certification)


def _pool(prefix: str) -> list[Item]:
    return [item for bank in CATALOG.all_banks() if bank.id.startswith(prefix) for item in bank.items]


def test_the_diagnostic_has_a_pool_of_its_own():
    """The pre-test draws only from diagnostic banks, whose items appear nowhere else (issue 14 point 6)."""
    spec = next(s for s in CATALOG.assessments if s.slug == "diagnostic")
    banks = {bank.id: bank for bank in CATALOG.banks}
    assert spec.banks and all(banks[bank_id].purpose == "diagnostic" for bank_id in spec.banks)
    diagnostic = _pool("diagnostic-")
    assert {item.competency for item in diagnostic} == set(CODES)
    elsewhere = [item for prefix in ("mid-", "practice-", "kc-") for item in _pool(prefix)]
    assert elsewhere and not {i.ref for i in diagnostic} & {i.ref for i in elsewhere}
    assert not {i.stem for i in diagnostic} & {i.stem for i in elsewhere}
    assert not {i.title for i in diagnostic if i.title} & {i.title for i in elsewhere if i.title}


def test_rubric_has_the_eight_criteria():
    (rubric,) = CATALOG.rubrics
    assert [c.competency for c in rubric.criteria] == CODES and rubric.pass_min_level == 3


def test_three_anchor_portfolios_from_weak_to_exemplary():
    anchors = {a.slug: a for a in CATALOG.anchors}
    assert set(anchors) == {"anchor-weak", "anchor-proficient", "anchor-exemplary"}
    mean = {slug: sum(a.reference_levels.values()) / len(a.reference_levels) for slug, a in anchors.items()}
    assert mean["anchor-weak"] < 2 <= mean["anchor-proficient"] < mean["anchor-exemplary"]
    for anchor in anchors.values():
        assert all(len(text.split()) >= 100 for text in anchor.sections.values()), anchor.slug
