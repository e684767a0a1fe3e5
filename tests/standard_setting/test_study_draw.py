"""The items an Angoff study rates by default: a seeded sample stratified by the blueprint's competencies.

Checked against a largest-remainder allocation worked out by hand, and reproduced from the study's seed.
"""

from __future__ import annotations

import html
import math

import pytest
from sqlalchemy import select

from certify.audit.models import AuditEvent
from certify.extensions import db
from certify.standard_setting import angoff_quality, angoff_study
from certify.standard_setting.models import AngoffStudy
from tests.support.angoff import signed_in, study_csv, study_page
from tests.support.helpers import post_form, text

# --- 2. The items drawn to represent the blueprint ------------------------------------------------

SIZES = {"RA": 12, "PA": 10, "SS": 8}  # live items per competency in the pool
BLUEPRINT = {"RA": 6, "PA": 3, "SS": 3}  # the blueprint's items per competency: shares 50, 25, 25 %


def _bank(code, count):
    lines = [f"bank:\n  id: bank-{code.lower()}\n  title: Bank {code}\n  competency: {code}\nitems:"]
    for n in range(1, count + 1):
        lines.append(
            f"  - id: {code}-{n:02d}\n    type: true_false\n    bloom: remember\n"
            f"    stem: Statement {n} about {code}.\n    key: true\n    rationale: Because {n}."
        )
    return "\n".join(lines) + "\n"


WIDE_EXAM = (
    "assessment:\n  slug: wide\n  title: Wide exam\n  kind: certification\n  time_limit_minutes: 30\n"
    "  review_policy: competencies_only\n  banks: [bank-ra, bank-pa, bank-ss]\n  blueprint:\n"
    + "".join(f"    {code}: {{remember: {count}}}\n" for code, count in BLUEPRINT.items())
    + "  cut_score: {percent: 60, method: informed_judgement, rationale: test}\n  mastery: {default: 50}\n"
)


@pytest.fixture
def wide(app, make_user, load_catalog):
    load_catalog(*[(f"{code}.yaml", _bank(code, n)) for code, n in SIZES.items()], ("wide.yaml", WIDE_EXAM))
    admin = make_user(roles=("admin",))
    panel = [make_user(roles=("assessor",)) for _ in range(6)]
    with app.app_context():
        from certify.assessments.models import Assessment

        assessment_id = db.session.scalar(select(Assessment.id).where(Assessment.slug == "wide"))
    return signed_in(app, admin), panel, assessment_id


def _create(office, assessment_id, panel, **extra):
    data = {"assessment": assessment_id, "title": "Drawn", "panel": [u.id for u in panel], "item_refs": ""}
    return post_form(office, "/admin/standard-setting", {**data, **extra})


def _hamilton(size):
    """Largest remainder by hand: floors first, then one more to the biggest remainders (first listed on ties)."""
    total = sum(BLUEPRINT.values())
    quota = {c: size * n / total for c, n in BLUEPRINT.items()}
    parts = {c: math.floor(q) for c, q in quota.items()}
    for code in sorted(BLUEPRINT, key=lambda c: -(quota[c] - parts[c]))[: size - sum(parts.values())]:
        parts[code] += 1
    return parts


@pytest.mark.parametrize(("draw", "size"), [("", 12), ("8", 8), ("10", 10), ("24", 24)])
def test_the_default_draw_follows_the_blueprint_and_can_be_repeated(app, wide, draw, size):
    office, panel, assessment_id = wide
    response = _create(office, assessment_id, panel, draw=draw)
    assert response.status_code == 302, text(response)
    study_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        study = db.session.get(AngoffStudy, study_id)
        drawn = angoff_study.items_of(study)
        counts = {code: sum(1 for v in drawn if v.competency_code == code) for code in BLUEPRINT}
        assert len(drawn) == size and counts == _hamilton(size)
        for code, n in counts.items():  # within rounding of the blueprint's share
            assert abs(n - size * BLUEPRINT[code] / sum(BLUEPRINT.values())) < 1
        # reproducible: drawing again with the study's seed gives the same items
        pool = angoff_study.live_pool(study_assessment := angoff_study.assessment_of(study))
        again = angoff_quality.draw(study_assessment, pool, size, angoff_quality.study_seed(study_id))
        assert again == study.item_version_ids
        assert angoff_quality.draw(study_assessment, pool, size, "another seed") != again
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "angoff.created"))
        assert event.after["selection"]["seed"] == f"angoff-study-{study_id}"
        assert event.after["selection"]["allocation"] == _hamilton(size)
    page = study_page(office, study_id)
    for code, n in counts.items():
        share = 100 * n / size
        blueprint_share = 100 * BLUEPRINT[code] / 12
        assert (
            f'<th scope="row">{code}</th><td>{n}</td><td>{share:.1f} %</td>'
            f"<td>{BLUEPRINT[code]}</td><td>{blueprint_share:.1f} %</td><td>{n}</td>"
        ) in page
    blueprint = {row["competency"]: row for row in study_csv(office, study_id, "blueprint")}
    assert {c: int(row["items rated"]) for c, row in blueprint.items()} == counts


def test_two_studies_draw_independently_and_listed_items_show_their_imbalance(app, wide):
    office, panel, assessment_id = wide
    first = _create(office, assessment_id, panel)
    second = _create(office, assessment_id, panel)
    listed = _create(office, assessment_id, panel, item_refs="RA-01 RA-02 PA-01")
    ids = [int(r.headers["Location"].rsplit("/", 1)[1]) for r in (first, second, listed)]
    with app.app_context():
        studies = [db.session.get(AngoffStudy, i) for i in ids]
        assert studies[0].item_version_ids != studies[1].item_version_ids  # different seeds
        assert [v.item.ref for v in angoff_study.items_of(studies[2])] == ["RA-01", "RA-02", "PA-01"]
    page = study_page(office, ids[2])
    assert '<th scope="row">SS</th><td>0</td><td>0.0 %</td><td>3</td><td>25.0 %</td><td>1</td>' in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"draw": "abc"}, "Enter a whole number of items, such as 64, or leave it empty."),
        ({"draw": "-4"}, "Enter a whole number of items"),
        ({"draw": "2"}, "Draw at least 3 items, so that every competency of the blueprint (RA, PA, SS) is rated."),
        ({"draw": "40"}, "Cannot draw 40 items from Wide exam: the live pool cannot fill a sample of that size:"),
        ({"draw": "5", "item_refs": "RA-01"}, "Either list the items to rate or give how many to draw, not both."),
    ],
)
def test_a_bad_draw_is_refused_and_nothing_is_stored(app, wide, extra, message):
    office, panel, assessment_id = wide
    response = _create(office, assessment_id, panel, **extra)
    assert response.status_code == 400
    assert message in html.unescape(text(response))
    if extra.get("draw") == "40":
        assert "RA needs 20, the pool has 12" in html.unescape(text(response))
    with app.app_context():
        assert db.session.scalar(select(AngoffStudy)) is None
