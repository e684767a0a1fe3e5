"""Modified-Angoff standard setting: a study's results as tables, for the CSV and XLSX downloads.

Sheets (columns are only ever added): Rounds (one row per round: the cut, the panel SD and SE, the
G study's SE over raters and items and over raters only, the D study, the ratings-vs-p correlation),
Items (every item's ratings per round, p-values over every scored attempt and over first attempts),
Hofstee, and Blueprint (items rated per competency beside the blueprint's share).
"""

from __future__ import annotations

from certify.standard_setting import angoff_quality, angoff_results, angoff_study
from certify.standard_setting.models import AngoffStudy

Sheet = tuple[str, list[str], list[list[object]]]

ROUND_HEADERS = [
    "round",
    "panellists",
    "cut (raw)",
    "cut (percent)",
    "SD",
    "SE",
    "incomplete",
    "SE over raters and items (raw)",
    "SE over raters and items (percent)",
    "SE over raters only (raw)",
    "SE over raters only (percent)",
    "variance: raters",
    "variance: items",
    "variance: raters x items, error",
    "D study: items",
    "D study: SE with more items (percent)",
    "D study: panellists",
    "D study: SE with more panellists (percent)",
    "r (mean rating, observed p)",
    "items correlated",
    "items with first-attempt p",
]


def _round_row(r: angoff_results.RoundResult) -> list[object]:
    a, g, c = r.angoff, r.precision, r.vs_p
    row: list[object] = [r.number, a.panel, a.cut, a.cut_percent, a.sd, a.se, len(r.missing)]
    if g is None:
        row += [None] * 11
    else:
        o = g.observed
        row += [o.se, o.se_percent, o.se_raters_only, o.se_raters_only_percent]
        row += [g.components.raters, g.components.items, g.components.residual]
        row += [g.more_items.n_items, g.more_items.se_percent, g.more_raters.n_raters, g.more_raters.se_percent]
    row += [c.r, c.items, c.from_first] if c is not None else [None, None, None]
    return row


def study_sheets(study: AngoffStudy) -> list[Sheet]:
    """The study's results as tables: one row per round, then every item's ratings per round."""
    found = angoff_results.results(study)
    items = [
        [
            r.number,
            row.version.item_id,
            row.version.version,
            row.version.competency_code,
            row.ratings.mean if row.ratings else None,
            row.ratings.sd if row.ratings else None,
            row.ratings.minimum if row.ratings else None,
            row.ratings.maximum if row.ratings else None,
            row.p_value,
            row.attempts,
            row.first_p,
            row.first_attempts,
        ]
        for r in found.rounds
        for row in r.items
    ]
    check = found.hofstee
    hofstee: list[list[object]] = [
        ["cut (percent)", check.cut if check else None],
        ["fail rate at that cut", check.fail_rate if check else None],
        ["candidates (first scored attempt each)", len(found.scores)],
    ]
    coverage = [
        [c.competency, c.rated, c.rated_share, c.blueprint, c.blueprint_share, c.expected]
        for c in angoff_quality.coverage(angoff_study.assessment_of(study), angoff_study.items_of(study))
    ]
    return [
        ("Rounds", ROUND_HEADERS, [_round_row(r) for r in found.rounds]),
        (
            "Items",
            [
                "round",
                "item id",
                "version",
                "competency",
                "mean",
                "SD",
                "lowest",
                "highest",
                "p-value",
                "attempts",
                "p-value (first attempts)",
                "first attempts",
            ],
            items,
        ),
        ("Hofstee", ["measure", "value"], hofstee),
        (
            "Blueprint",
            ["competency", "items rated", "share rated", "blueprint items", "blueprint share", "proportional draw"],
            coverage,
        ),
    ]
