"""The item analysis payload as tables for the CSV and XLSX downloads: the same figures, nothing recomputed.

Items: the first thirteen columns are the ones the downloads have always had, in the same order; the flag
state, flag codes and IRT parameters are appended after them, so a reader that picks columns by position
keeps working. Flags: one row per flag with the n and the 95 % interval it rests on (an item presented
too few times has one `insufficient_data` row and no interval). Test: every test-level figure of the
payload as (statistic, value, about); nested blocks (decision, forms, scale, retakes, calibration) are
flattened to dotted names that follow the JSON (`decision.consistency`, `forms.expected_score_at_cut.min`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from certify.reports.items import INSUFFICIENT_DATA, flag_codes, flags_text

ITEM_COLUMNS = [
    ("item_ref", "Item"),
    ("version", "Version"),
    ("competency", "Competency"),
    ("status", "Status"),
    ("n", "n"),
    ("p", "Difficulty p"),
    ("point_biserial", "Point-biserial (corrected)"),
    ("discrimination_27", "D (27 %)"),
    ("omit_rate", "Omit rate"),
    ("median_seconds", "Median seconds"),
    ("flags", "Flags"),
    ("interpretable", "Interpretable (enough attempts)"),
    ("min_n", "Attempts needed"),
    # Appended with the IRT calibration and the interval-based flags (payload format 3).
    ("flag_state", "Flag state"),
    ("flag_codes", "Flag codes"),
    ("irt.model", "IRT model"),
    ("irt.a", "IRT a (slope)"),
    ("irt.b", "IRT b (location)"),
    ("irt.se_b", "IRT SE of b"),
    ("irt.infit", "IRT infit"),
    ("irt.outfit", "IRT outfit"),
    # Appended with form assembly: the share of forms the item was on, its information at the cut.
    ("exposure", "Exposure (share of forms)"),
    ("information_at_cut", "Information at the cut"),
]
FLAG_HEADERS = ["Item", "Version", "Flag", "n", "95% CI low", "95% CI high", "CI of"]
TEST_HEADERS = ["statistic", "value", "about"]
SECTIONS = ("items", "flags", "test")
SUBSCORE = "reliability "  # the Test rows of each competency's subscore reliability: "reliability RA"

# What each flag's interval is an interval of (certify/core/item_flags.py).
CI_OF = {
    "too hard": "difficulty p (Wilson)",
    "too easy": "difficulty p (Wilson)",
    "check the key": "corrected point-biserial (Fisher z)",
    "poor discrimination": "corrected point-biserial (Fisher z)",
    "revise": "corrected point-biserial (Fisher z)",
    "option never chosen": "share choosing an unchosen wrong option (Wilson)",
    "distractor attracts high scorers": "upper minus lower group's share choosing a wrong option (Newcombe)",
}

# Plain words for the committee, by the statistic's dotted name; the classification words serve three blocks.
CLASSIFICATION = {
    "consistency": "share of candidates two independent sittings would classify alike",
    "kappa": "that agreement beyond chance",
    "accuracy": "agreement with the decision candidates' true scores would get",
    "pass_rate": "expected pass rate",
    "false_positive": "share of all candidates passed although their true score fails",
    "false_negative": "share of all candidates failed although their true score passes",
    "items": "items of the competency on a form",
    "items_needed": "items like the current ones needed for a dependable decision (empty: dependable now)",
}
ABOUT = {
    "attempts": "Which attempts are analysed: first (each candidate's first) or all (retakes included)",
    "retakes.candidates": "Candidates who retook the assessment",
    "retakes.mean_change": "Their mean change in percent from the first to the latest attempt",
    "n": "Attempts analysed",
    "items": "Scored items on a form",
    "mean": "Mean score, in points",
    "sd": "Standard deviation of the scores, in points",
    "mean_percent": "Mean score, in percent",
    "reliability_method": "How reliability was estimated",
    "cut_percent": "The cut score, in percent",
    "decision_kappa": "Kappa of that single-sitting estimate",
    "meets_reliability_target": "Whether alpha reaches the 0.80 target for certification",
    "min_n": "Attempts needed before reliability and decision consistency are read",
    "alpha": "Coefficient alpha of the total score",
    "kr20": "The same figure under its earlier name (KR-20)",
    "sem": "Standard error of measurement, in points",
    "pass_rate": "Share of the analysed attempts that passed (recorded decisions)",
    "pass_rate_at_cut": "Share at or above the cut score alone",
    "decision_consistency": "Subkoviak's single-sitting estimate, total score at the cut",
    "interpretable": "Enough attempts for reliability and decision consistency to be read",
    "decision": "Not calibrated yet, so no IRT decision quality",
    "decision.available": "Whether decision quality could be estimated from the calibration",
    "decision.reason": "Why it could not",
    "decision.rule": "The pass rule: total at the cut AND every competency at its mastery threshold",
    "decision.calibration_id": "The stored calibration the decision figures come from",
    "decision.model": "Its IRT model",
    "decision.form": "The form the figures describe",
    "decision.true_pass_theta": "Ability (logits) at which a candidate's true score meets every cut",
    "decision.missing_cells": "Blueprint cells with no calibrated live item, left out of the expected form",
    "decision.items": "Items on the expected randomly drawn form",
    "decision.csem_at_cut": "Conditional standard error at the cut, in points on the whole form",
    "decision.csem_at_cut_percent": "The same, in percentage points",
    "decision.note": "Where the mastery decision is not dependable, and how many items would make it so",
    "forms": "Not calibrated yet, so forms are not read at the cut",
    "forms.n": "Distinct forms drawn in the analysed attempts",
    "forms.expected_score_at_cut.min": "Lowest expected percent, over those forms, at the standard",
    "forms.expected_score_at_cut.max": "Highest expected percent, over those forms, at the standard",
    "scale": "Not calibrated yet, so no reporting scale",
    "scale.name": "Reporting scale",
    "scale.min": "Lowest scaled score",
    "scale.max": "Highest scaled score",
    "scale.cut": "Scaled score of the cut",
    "scale.theta_cut": "Ability (logits) at which the expected score on a drawn form equals the cut",
    "scale.per_logit": "Scaled points per logit",
    "calibration": "Not calibrated yet: run flask analysis calibrate {slug}",
    "calibration.id": "Number of the stored calibration",
    "calibration.model": "IRT model of the stored calibration these figures come from",
    "calibration.computed_at": "When that calibration was made (UTC)",
}


def _dotted(item: dict[str, Any], key: str) -> Any:
    value: Any = item
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def flag_state(item: dict[str, Any]) -> str:
    """`insufficient_data` (too few attempts to judge), `flagged`, or `ok` (the vocabulary of core/item_flags.py)."""
    if any(f["code"] == INSUFFICIENT_DATA for f in item["flags"]):
        return INSUFFICIENT_DATA
    return "flagged" if flag_codes(item) else "ok"


def item_rows(payload: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The items table: one row per item version, the columns of ITEM_COLUMNS."""
    special = {
        "flags": flags_text,
        "flag_state": flag_state,
        "flag_codes": lambda item: "; ".join(flag_codes(item)),
    }
    rows = [
        [special[key](item) if key in special else _dotted(item, key) for key, _ in ITEM_COLUMNS]
        for item in payload.get("items", [])
    ]
    return [label for _, label in ITEM_COLUMNS], rows


def flag_rows(payload: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """One row per flag: the item, the flag, its n and 95 % interval, and what the interval is of."""
    rows = []
    for item in payload.get("items", []):
        for flag in item["flags"]:
            low, high = flag["ci"] if flag["ci"] else (None, None)
            about = CI_OF.get(flag["code"])
            rows.append([item["item_ref"], item["version"], flag["code"], flag["n"], low, high, about])
    return FLAG_HEADERS, rows


def _flatten(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
    """(dotted name, value) for each leaf: a list becomes one "; "-joined cell, an empty block one empty cell."""
    if isinstance(value, dict):
        if not value:
            yield prefix, None
        for key, inner in value.items():
            yield from _flatten(f"{prefix}.{key}", inner)
    elif isinstance(value, list):
        yield prefix, "; ".join(str(v) for v in value)
    else:
        yield prefix, value


def _about(key: str, slug: str) -> str:
    if key in ABOUT:
        return ABOUT[key].format(slug=slug)
    if key.startswith(SUBSCORE):
        return f"Coefficient alpha of the {key.removeprefix(SUBSCORE)} subscore"
    parts = key.split(".")
    if parts[0] == "decision" and parts[-1] in CLASSIFICATION:
        if len(parts) == 2:
            return f"The real rule: {CLASSIFICATION[parts[-1]]}"
        if parts[1] == "total_only" and len(parts) == 3:
            return f"Total score alone: {CLASSIFICATION[parts[-1]]}"
        if parts[1] == "mastery" and len(parts) == 4:
            return f"Mastery of {parts[2]}: {CLASSIFICATION[parts[-1]]}"
    return ""


def whole_test_rows(payload: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Every test-level figure as (statistic, value, about), nested blocks flattened to dotted names."""
    test = payload.get("test", {})
    skipped = ("percents", "competency_reliability")
    pairs = [pair for key, value in test.items() if key not in skipped for pair in _flatten(key, value)]
    pairs += [(f"{SUBSCORE}{code}", value) for code, value in test.get("competency_reliability", {}).items()]
    pairs += list(_flatten("calibration", payload.get("calibration")))
    slug = str(payload.get("assessment", "SLUG"))
    return TEST_HEADERS, [[key, value, _about(key, slug)] for key, value in pairs]


def tables(payload: dict[str, Any]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The three tables by section name (the `section` of the CSV download)."""
    return {"items": item_rows(payload), "flags": flag_rows(payload), "test": whole_test_rows(payload)}
