"""A certification exam does not open to candidates while its cut score is a placeholder (issue 14, point 3)."""

from __future__ import annotations

from certify.assessments.attempt_models import Attempt
from certify.course.models import CourseCompletion
from certify.extensions import db
from tests.support.exams import EXAM, QUIZ
from tests.support.helpers import csrf_token, post_form, sign_in_directly, text
from tests.support.samples import BANK

PANEL_CUT = "method: modified_angoff, rationale: a test panel"
PLACEHOLDER = EXAM.replace(PANEL_CUT, "method: informed_judgement, rationale: x")
NOT_OPEN = "This exam is not open yet: its pass mark is still being set by a standard-setting panel."


def _attempts(app, user) -> int:
    with app.app_context():
        return db.session.query(Attempt).filter_by(user_id=user.id).count()


def _ready_candidate(app, make_user):
    user = make_user(roles=("candidate",), name="Ana Lima")
    with app.app_context():
        db.session.add(CourseCompletion(user_id=user.id))
        db.session.commit()
    return user


def _client(app, user):
    client = app.test_client()
    sign_in_directly(client, user)
    return client


def test_a_certification_exam_on_a_placeholder_cut_refuses_every_start(app, load_catalog, make_user):
    load_catalog(("sample.yaml", BANK), ("exam.yaml", PLACEHOLDER), ("quiz.yaml", QUIZ))
    user = _ready_candidate(app, make_user)
    client = _client(app, user)

    page = text(client.get("/exams/exam/start"))
    assert "You cannot start this exam now" in page and NOT_OPEN in page and "Start the exam now" not in page
    refused = post_form(client, "/exams/exam/start")
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/exams/")
    assert NOT_OPEN in text(client.get("/exams/")) and _attempts(app, user) == 0  # the exams page says why
    api = client.post("/api/v1/assessments/exam/attempts", headers={"X-CSRFToken": csrf_token(client)})
    assert api.status_code == 403 and NOT_OPEN in api.get_json()["message"]
    assert _attempts(app, user) == 0
    # A practice exam decides nothing: its provisional cut does not keep it closed.
    assert post_form(client, "/exams/quiz/start").status_code == 302 and _attempts(app, user) == 1


def test_the_admin_is_told_why_and_what_to_do_and_a_study_cut_opens_the_exam(app, load_catalog, make_user):
    load_catalog(("sample.yaml", BANK), ("exam.yaml", PLACEHOLDER))
    admin = _client(app, make_user(roles=("admin",)))
    user = _ready_candidate(app, make_user)

    overview = text(admin.get("/admin/"))
    row = overview.split("Certification exams not open to candidates")[1].split("</tr>")[0]
    assert "1 waiting" in row and "modified-Angoff study" in row
    setting = text(admin.get("/admin/standard-setting"))
    assert "Sample certification exam is not open to candidates:" in setting
    assert "its cut score is a placeholder (informed judgement)" in setting

    # A cut from a standard-setting study (here a panel recorded in the file) opens it.
    load_catalog(("sample.yaml", BANK), ("exam.yaml", EXAM))
    assert "1 waiting" not in text(admin.get("/admin/")).split("Certification exams not open")[1].split("</tr>")[0]
    assert "is not open to candidates" not in text(admin.get("/admin/standard-setting"))
    started = post_form(_client(app, user), "/exams/exam/start")
    assert started.status_code == 302 and "/q/1" in started.headers["Location"] and _attempts(app, user) == 1


def test_only_a_certification_exam_on_a_placeholder_or_missing_cut_is_blocked():
    from certify.core.assessment_spec import CUT_SCORE_METHODS, launch_blocker

    assert launch_blocker("certification", None) == "it has no cut score"
    assert "placeholder (informed judgement)" in (launch_blocker("certification", "informed_judgement") or "")
    for method in set(CUT_SCORE_METHODS) - {"informed_judgement"}:
        assert launch_blocker("certification", method) is None
    for kind in ("practice", "diagnostic"):
        assert all(launch_blocker(kind, method) is None for method in (*CUT_SCORE_METHODS, None))
