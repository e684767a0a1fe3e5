"""The evidence a certificate was issued on reads as what it is (the exam, its date and score), with links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from certify.certificates.models import Certificate
from certify.database import utcnow
from certify.extensions import db
from tests.support.certificates import issue_now, page
from tests.support.helpers import text


@pytest.fixture
def admin_client(certification):
    return certification.world.client_for(certification.admin)


def _attempt_id(app, serial: str) -> int:
    with app.app_context():
        row = db.session.scalars(select(Certificate).where(Certificate.serial == serial)).one()
        return int(row.evidence["exam_attempt"])


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def test_evidence_at_issue_names_the_exam_with_its_date_and_score_and_links_to_it(certification, admin_client):
    world = certification.world
    certification.make_eligible(world.candidate)  # the exam is scored ten days ago
    issued = issue_now(world.app, world.candidate, certification.admin)
    attempt_id = _attempt_id(world.app, issued.serial)

    body = text(admin_client.get(f"/admin/certificates/{issued.serial}"))

    evidence = body[body.index("Evidence at issue") : body.index("Change its status")]
    items = [_text(li) for li in re.findall(r"<li>(.*?)</li>", evidence, flags=re.S)]
    assert str(attempt_id) not in items  # no bare attempt id
    (exam,) = [item for item in items if item.startswith("Certification exam passed")]
    scored = (utcnow() - timedelta(days=10)).strftime("%d %B %Y")
    assert f"Sample certification exam, attempt 1, scored {scored}: 80.0 % (cut score 50.0 %), passed" in exam
    assert f'<a href="/admin/certificates/evidence/exams/{attempt_id}">' in evidence
    assert re.search(r'Portfolio version 1 passed on [^<]* <a href="/admin/portfolios/\d+">', evidence)

    exam_page = admin_client.get(f"/admin/certificates/evidence/exams/{attempt_id}")
    assert exam_page.status_code == 200
    shown = page(exam_page)
    assert "Cassandra Quill" in shown and "attempt 1" in shown and "80.0 % (cut score 50.0 %)" in shown
    assert "RA 80.0 % 50.0 % Yes" in shown


def test_the_queue_links_each_passed_exam(certification, admin_client):
    certification.make_eligible(certification.world.candidate)

    body = text(admin_client.get("/admin/certificates"))

    assert re.search(r'<a href="/admin/certificates/evidence/exams/\d+">See the exam', body)


def test_exam_evidence_of_an_unknown_attempt_is_not_found(certification, admin_client):
    assert admin_client.get("/admin/certificates/evidence/exams/999999").status_code == 404


def test_only_admins_see_exam_evidence(certification):
    world = certification.world
    certification.make_eligible(world.candidate)

    assert world.client_for(world.candidate).get("/admin/certificates/evidence/exams/1").status_code == 403
