"""Form assembly from a blueprint, and attempt scoring with cut score and mastery."""

from __future__ import annotations

import pytest

from certify.core.assembly import AssemblyError, PoolItem, assemble
from certify.core.assessment_spec import BlueprintCell
from certify.core.scoring import ItemScore, score_attempt

BLUEPRINT = [BlueprintCell("RA", "apply", 2), BlueprintCell("PA", "remember", 1)]
POOL = (
    [PoolItem(100 + n, n, "RA", "apply", "live") for n in range(6)]
    + [PoolItem(200 + n, 10 + n, "PA", "remember", "live") for n in range(3)]
    + [PoolItem(300, 20, "RA", "apply", "pilot"), PoolItem(301, 21, "RA", "apply", "retired")]
)


def test_form_follows_blueprint_and_is_reproducible():
    form = assemble(BLUEPRINT, POOL, seed="s1")
    assert [s.position for s in form] == [1, 2, 3]
    assert sorted(s.competency for s in form) == ["PA", "RA", "RA"]
    assert form == assemble(BLUEPRINT, POOL, seed="s1")
    assert all(s.scored for s in form)


def test_unseen_items_are_preferred():
    seen = {0, 1, 2, 3}  # four of the six RA items were on earlier attempts
    for seed in range(20):
        ra = {s.item_id for s in assemble(BLUEPRINT, POOL, seed=str(seed), seen_item_ids=seen) if s.competency == "RA"}
        assert ra == {4, 5}


def test_seen_items_are_reused_when_the_pool_is_short():
    form = assemble(BLUEPRINT, POOL, seed="x", seen_item_ids=set(range(6)))
    assert len([s for s in form if s.competency == "RA"]) == 2


def test_pilot_items_are_mixed_in_unscored_and_retired_never():
    form = assemble(BLUEPRINT, POOL, seed="p", pilot_count=2)
    pilots = [s for s in form if not s.scored]
    assert [s.version_id for s in pilots] == [300]
    assert 301 not in {s.version_id for s in form}


def test_short_pool_is_refused_with_the_cell_named():
    with pytest.raises(AssemblyError, match="PA/remember needs 4, the pool has 3"):
        assemble([BlueprintCell("PA", "remember", 4)], POOL, seed="s")


def test_pass_needs_cut_score_and_every_competency():
    items = (
        [ItemScore("RA", 1.0)] * 7 + [ItemScore("RA", 0.0)] + [ItemScore("PA", 1.0)] * 2 + [ItemScore("PA", 0.0)] * 6
    )
    result = score_attempt(items, cut_percent=50, mastery_percent={"default": 50})
    assert result.percent == 56.25 and not result.passed
    assert [(c.code, c.percent, c.met) for c in result.competencies] == [("RA", 87.5, True), ("PA", 25.0, False)]


def test_partial_credit_and_pilots():
    items = [ItemScore("RA", 0.5), ItemScore("RA", 1.0), ItemScore("RA", 0.0, scored=False)]
    result = score_attempt(items, cut_percent=75, mastery_percent={"RA": 75})
    assert (result.points, result.max_points, result.percent, result.passed) == (1.5, 2.0, 75.0, True)


def test_empty_attempt_does_not_pass():
    assert not score_attempt([], cut_percent=0, mastery_percent={}).passed
