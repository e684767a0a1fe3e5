"""The public candidate handbook states the live configuration (issue 14, point 5)."""

from __future__ import annotations

import html
import re

import pytest

from certify.assessments.services import assessment_by_slug
from certify.extensions import db
from certify.reports.models import AnalysisSnapshot
from tests.support.exams import EXAM
from tests.support.helpers import text
from tests.support.samples import BANK

PILOT_BANK = BANK.replace("    bloom: understand\n", "    bloom: understand\n    status: pilot\n")
PLACEHOLDER = EXAM.replace(
    "method: modified_angoff, rationale: a test panel", "method: informed_judgement, rationale: x"
)


def _page(client) -> str:
    response = client.get("/handbook")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(text(response)))


def test_anyone_can_read_it_and_it_states_the_exam_as_configured(app, client, load_catalog):
    load_catalog(("sample.yaml", PILOT_BANK), ("exam.yaml", EXAM.replace("  banks:", "  pilot_items: 2\n  banks:")))
    page = _page(client)  # anonymous
    assert "Sample certification exam" in page
    assert "2 scored questions and 2 unscored pilot questions" in page
    assert "You have 30 minutes for 4 questions" in page
    assert "You may sit the exam 2 times, each attempt at least 14 days after the one before" in page
    assert "After a 2nd attempt without a pass the platform does not let you start another" in page
    assert "The pass mark is 50 % of the scored questions, set by a modified-Angoff study" in page
    assert "from 100 to 300, where 200 is the pass mark on every form" in page
    assert "You sit the exam once you have completed every module of the MID course." in page
    # The outline: RA carries both scored questions, its mastery threshold, no job-analysis column.
    assert re.search(r"Results alignment \(RA\)</th> <td>2</td> <td>100\.0 %</td> <td>50 %</td>", page)
    assert "Weight in the job" not in page
    assert "Not measured yet" in page


def test_settings_change_what_it_says(app, client, load_catalog):
    load_catalog(("sample.yaml", BANK), ("exam.yaml", EXAM))
    app.config.update(APPEAL_WINDOW_DAYS=21, CERTIFICATE_VALIDITY_YEARS=5, RECERTIFICATION_POINTS=60)
    page = _page(client)
    assert "you may appeal within 21 days of the decision" in page
    assert "A certificate is valid for 5 years" in page and "at least 60 points" in page


def test_a_placeholder_cut_is_shown_as_not_open(app, client, load_catalog):
    load_catalog(("sample.yaml", BANK), ("exam.yaml", PLACEHOLDER))
    page = _page(client)
    assert "This exam is not open yet</strong>: its cut score is a placeholder (informed judgement)" in page
    assert "set by a provisional judgement (a placeholder: the exam does not open on it)" in page


@pytest.mark.parametrize(("consistency", "kappa", "verdict"), [(0.86, 0.7, "kept"), (0.74, 0.3, "reviewing")])
def test_the_measured_consistency_and_weak_competencies_come_from_the_stored_analysis(
    app, client, load_catalog, consistency, kappa, verdict
):
    load_catalog(("sample.yaml", BANK), ("exam.yaml", EXAM))
    with app.app_context():
        exam = assessment_by_slug("exam")
        decision = {
            "available": True,
            "consistency": consistency,
            "kappa": kappa,
            "accuracy": 0.9,
            "mastery": {"RA": {"consistency": 0.78, "kappa": 0.35}},
        }
        db.session.add(
            AnalysisSnapshot(assessment_id=exam.id, payload={"test": {"decision": decision}}, scored_attempts=412)
        )
        db.session.commit()
    page = _page(client)
    assert "Measured on 412 scored attempts" in page
    assert f"same decision with probability {consistency:.2f} (target 0.80)" in page
    assert f"(kappa) {kappa:.2f} (target 0.40)" in page
    assert ("the committee is reviewing the length" in page) == (verdict == "reviewing")
    assert "the mastery decision in RA falls short of these targets" in page


def test_the_demo_handbook_shows_the_job_analysis_and_the_angoff_panel(app, client, runner):
    result = runner.invoke(args=["certify", "seed", "--demo"])
    assert result.exit_code == 0, result.output
    page = _page(client)
    assert "The blueprint comes from a job-task analysis" in page and "Weight in the job" in page
    assert re.search(r"set by a modified-Angoff study and adopted on .*: 6 practitioners each judged", page)
    assert "10 unscored pilot questions" in page
    rows = re.findall(r"\((RA|PA|SS|OB|AD|IS|EV|CP)\)</th> <td>(\d+)</td>", page)
    with app.app_context():
        exam = assessment_by_slug("mid-certification")
        expected: dict[str, int] = {}
        for cell in exam.blueprint:
            expected[cell["competency"]] = expected.get(cell["competency"], 0) + int(cell["count"])
    assert {code: int(n) for code, n in rows} == expected and sum(expected.values()) == 64
