"""Admins' pages: studies, tasks, raters, opening and closing, results (checked by hand), CSV, adoption."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from certify.assessments.blueprint_models import BlueprintVersion
from certify.audit.models import AuditEvent
from certify.extensions import db
from certify.job_analysis.models import JtaStudy, JtaTask
from tests.support.angoff import exam, load_exam, signed_in
from tests.support.exams import EXAM
from tests.support.helpers import post_form, text
from tests.support.job_analysis import close, make_study, rate
from tests.support.samples import BANK

ADOPT = {"rationale": "Weights from the practitioner panel.", "confirm": "y"}


def test_admin_builds_opens_and_closes_a_study(app, make_user, load_catalog):
    load_exam(load_catalog)
    admin = signed_in(app, make_user(roles=("admin",)))
    raters = [make_user(roles=("assessor",), name=f"Rater {n}") for n in range(2)]
    response = post_form(admin, "/admin/job-analysis", {"title": "", "assessment": "1"})
    assert response.status_code == 400 and "Give the study a title." in text(response)
    with app.app_context():
        exam_id = exam(app).id
    response = post_form(admin, "/admin/job-analysis", {"title": "Panel 2026", "assessment": str(exam_id)})
    assert response.status_code == 302
    with app.app_context():
        study_id = db.session.scalar(select(JtaStudy.id))
    base = f"/admin/job-analysis/{study_id}"
    assert post_form(admin, f"{base}/open").status_code == 409  # no tasks yet
    response = post_form(admin, f"{base}/tasks", {"competency": "XX", "statement": "Something"})
    assert response.status_code == 400 and "Not a valid choice" in text(response)
    for statement in ("Agree the measure.", "Find the baseline.", "=cmd|' /C calc'!A0"):
        assert post_form(admin, f"{base}/tasks", {"competency": "RA", "statement": statement}).status_code == 302
    with app.app_context():
        last = db.session.scalars(select(JtaTask.id).order_by(JtaTask.id.desc())).first()
    assert post_form(admin, f"{base}/tasks/{last}/remove").status_code == 302
    response = post_form(admin, f"{base}/open")
    assert response.status_code == 409 and "Invite at least 2 raters" in text(response)
    response = post_form(admin, f"{base}/raters", {"raters": [str(u.id) for u in raters]}, follow_redirects=True)
    assert "Invited 2 raters." in text(response)
    assert post_form(admin, f"{base}/raters", {"raters": "999999"}).status_code == 400
    assert "The study is open: its raters can rate" in text(post_form(admin, f"{base}/open", follow_redirects=True))
    page = text(admin.get(base))
    assert "Open for ratings" in page and "Tasks can be changed only while the study is a draft." in page
    response = post_form(admin, f"{base}/tasks", {"competency": "RA", "statement": "Late task"})
    assert response.status_code == 409 and "only be added while the study is a draft" in text(response)
    assert admin.post(f"{base}/close").status_code == 400  # no CSRF token
    assert "The study is closed" in text(post_form(admin, f"{base}/close", follow_redirects=True))
    with app.app_context():
        actions = [
            e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "jta_study"))
        ]
    assert actions == [
        "jta.created",
        "jta.task_added",
        "jta.task_added",
        "jta.task_added",
        "jta.task_removed",
        "jta.raters_invited",
        "jta.opened",
        "jta.closed",
    ]


# Three raters, two RA tasks and one PA task; the index is I x (F + C) / 2.
RATINGS = (
    {0: (5, 4, 4), 1: (3, 2, 2), 2: (2, 2, 4)},  # indices 20, 6, 6
    {0: (4, 4, 4), 1: (3, 3, 1), 2: (2, 1, 3)},  # 16, 6, 4
    {0: (5, 5, 3), 1: (4, 2, 2), 2: (3, 3, 3)},  # 20, 8, 9
)


def _rated_study(app, make_user, tasks):
    admin = make_user(roles=("admin",))
    raters = [make_user(roles=("assessor",), name=f"Rater {n}") for n in range(3)]
    study_id, ids = make_study(app, admin, raters, tasks)
    for person, given in zip(raters, RATINGS, strict=True):
        assert rate(signed_in(app, person), study_id, {ids[k]: v for k, v in given.items()}).status_code == 302
    close(app, admin, study_id)
    return signed_in(app, admin), study_id


def test_results_figures_and_csv_match_a_hand_computation(app, make_user, load_catalog):
    load_exam(load_catalog)
    client, study_id = _rated_study(
        app, make_user, [("RA", "Agree the measure."), ("RA", "=SUM(A1)"), ("PA", "Diagnose.")]
    )
    means = [(20 + 16 + 20) / 3, (6 + 6 + 8) / 3, (6 + 4 + 9) / 3]
    weights = [100 * m / sum(means) for m in means]
    page = text(client.get(f"/admin/job-analysis/{study_id}/results"))
    assert f"<td>{weights[0] + weights[1]:.1f}</td>" in page and f"<td>{weights[2]:.1f}</td>" in page
    assert "3 of 3 raters rated every task" in page
    # Kendall's W by hand: ranks per rater of (20, 6, 6) -> (3, 1.5, 1.5); (16, 6, 4) -> (3, 2, 1);
    # (20, 8, 9) -> (3, 1, 2)
    sums = [9, 4.5, 4.5]
    s = sum((r - 6) ** 2 for r in sums)
    w = 12 * s / (9 * (27 - 3) - 3 * (2**3 - 2))
    assert f"<dd>{w:.2f} (χ²" in page
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/admin/job-analysis/{study_id}.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    assert rows[0][:3] == ["competency", "task", "raters"]
    assert rows[2][1] == "'=SUM(A1)"  # formula defused
    assert [float(r[6]) for r in rows[1:]] == [round(m, 4) for m in means]
    assert [float(r[7]) for r in rows[1:]] == [round(x, 4) for x in weights]
    # r_wg of importance for task 1: ratings 5, 4, 5 -> variance 1/3, null 2
    assert float(rows[1][8]) == round(1 - (1 / 3) / 2, 4)


def test_adopting_with_a_short_pool_is_refused(app, make_user, load_catalog):
    load_exam(load_catalog)  # the sample bank holds RA items only
    client, study_id = _rated_study(
        app, make_user, [("RA", "Agree the measure."), ("PA", "Observe."), ("PA", "Diagnose.")]
    )
    page = text(client.get(f"/admin/job-analysis/{study_id}/results"))
    assert "PA is short:" in page and "the live pool has 0 for it." in page
    response = post_form(client, f"/admin/job-analysis/{study_id}/adopt", ADOPT)
    assert response.status_code == 409
    assert "The live pool cannot supply the proposed blueprint for PA" in text(response)
    with app.app_context():
        assert db.session.scalar(select(BlueprintVersion.id)) is None
        assert exam(app).blueprint == [
            {"competency": "RA", "bloom": "remember", "count": 1},
            {"competency": "RA", "bloom": "apply", "count": 1},
        ]


def test_adoption_is_confirmed_versioned_audited_and_kept_by_the_loader(app, make_user, load_catalog):
    load_exam(load_catalog)
    client, study_id = _rated_study(
        app, make_user, [("RA", "Agree the measure."), ("RA", "Baseline."), ("RA", "Report.")]
    )
    url = f"/admin/job-analysis/{study_id}/adopt"
    response = post_form(client, url, {"rationale": "Because."})
    assert response.status_code == 400 and "Tick the box to confirm the adoption." in text(response)
    response = post_form(client, url, {"confirm": "y", "rationale": " "})
    assert response.status_code == 400 and "Give a rationale" in text(response)
    response = post_form(client, url, ADOPT, follow_redirects=True)
    assert "Blueprint version 2 adopted for new attempts" in text(response)
    assert post_form(client, url, ADOPT).status_code == 409
    with app.app_context():
        versions = db.session.scalars(select(BlueprintVersion).order_by(BlueprintVersion.version)).all()
        assert [(v.version, v.source, v.source_study_id) for v in versions] == [
            (1, "file", None),
            (2, "job_analysis", study_id),
        ]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "blueprint.adopted"))
        assert event.before["version"] == 1 and event.after["study_id"] == study_id and event.note == ADOPT["rationale"]
        assert sum(c["count"] for c in exam(app).blueprint) == 2
    # The file changes its blueprint: the adopted one stays, and the loader says the file differs
    changed = EXAM.replace("RA: {remember: 1, apply: 1}", "RA: {understand: 2}")
    report = load_catalog(("sample.yaml", BANK), ("exam.yaml", changed))
    line = next(r for r in report if r.startswith("assessment exam:"))
    assert f"kept blueprint version 2 adopted from job-task analysis study #{study_id}" in line
    with app.app_context():
        assert {c["bloom"] for c in exam(app).blueprint} == {"remember", "apply"}
