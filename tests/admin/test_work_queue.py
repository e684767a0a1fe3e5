"""The admin overview is a work queue: each count follows its own kind of planted work."""

from __future__ import annotations

from sqlalchemy import select

from certify.admin.work_queue import Entry, work_queue
from certify.assessments.models import Assessment
from certify.certificates.models import RenewalRequest
from certify.database import utcnow
from certify.extensions import db
from certify.outbox.services import deliver_pending, queue
from certify.portfolios.models import PortfolioVersion
from certify.reports.items import snapshot
from certify.review.allocation import needs_assessors
from certify.review.models import Allocation, Appeal
from certify.standard_setting.models import AngoffStudy
from tests.support.certificates import issue_now
from tests.support.helpers import post_form, text

DECISIONS = "Candidates awaiting a certification decision"
UNALLOCATED = "Portfolios waiting for an assessor"
ADJUDICATION = "Portfolios awaiting adjudication"
APPEALS = "Open appeals"
STUDIES = "Open standard-setting studies"
STALE = "Stale item analyses"
MAIL = "Undelivered mail"
NOT_OPEN = "Certification exams not open to candidates"
RENEWALS = "Renewals to review"


def counts(app) -> dict[str, int]:
    with app.test_request_context():
        return {row.label: row.count for row in work_queue()}


def open_versions_needing_assessors(app) -> int:
    """The allocation module's own rule, version by version: the count must agree with it."""
    with app.app_context():
        return sum(needs_assessors(v) for v in db.session.scalars(select(PortfolioVersion)))


def test_every_count_starts_at_zero_and_follows_its_own_work(app, certification, make_user):
    world = certification.world
    assert set(counts(app).values()) == {0}

    # A candidate who meets every requirement; their exam attempt is scored but not analysed yet.
    eligible = make_user(roles=("candidate",), name="Ebele Nwosu")
    certification.make_eligible(eligible)
    now = counts(app)
    assert now[DECISIONS] == 1 and now[STALE] == 1
    assert now[UNALLOCATED] == now[ADJUDICATION] == now[APPEALS] == now[STUDIES] == 0

    with app.app_context():
        snapshot(db.session.query(Assessment).filter_by(slug="exam").one())
        db.session.commit()
    assert counts(app)[STALE] == 0

    # A submitted version whose assessors were withdrawn waits for new ones.
    waiting = world.submit(candidate=make_user(roles=("candidate",)))
    with app.app_context():
        for allocation in db.session.scalars(select(Allocation).where(Allocation.version_id == waiting)):
            allocation.status = "withdrawn"
        db.session.commit()
    assert counts(app)[UNALLOCATED] == 1 == open_versions_needing_assessors(app)

    # Two assessors far apart: the version goes to adjudication.
    disputed = world.submit(candidate=make_user(roles=("candidate",)))
    first, second = world.allocations(disputed)[:2]
    world.review(first.id, world.levels(1))
    world.review(second.id, world.levels(4))
    now = counts(app)
    assert now[ADJUDICATION] == 1
    assert now[UNALLOCATED] == open_versions_needing_assessors(app)

    with app.app_context():
        decided = db.session.scalars(select(PortfolioVersion).where(PortfolioVersion.state == "resolved")).first()
        appeal = Appeal(version_id=decided.id, candidate_id=eligible.id, reason="The rubric was misapplied.")
        db.session.add(appeal)
        exam = db.session.query(Assessment).filter_by(slug="exam").one()
        db.session.add(AngoffStudy(assessment_id=exam.id, title="Spring panel", created_by_id=certification.admin.id))
        db.session.add(AngoffStudy(assessment_id=exam.id, title="Old panel", state="adopted"))
        db.session.commit()
    now = counts(app)
    assert now[APPEALS] == 1 and now[STUDIES] == 1
    with app.app_context():
        db.session.query(Appeal).update({"status": "dismissed"})
        db.session.query(AngoffStudy).update({"state": "closed"})
        db.session.commit()
    now = counts(app)
    assert now[APPEALS] == 0 and now[STUDIES] == 0

    before = counts(app)[MAIL]
    with app.app_context():
        queue("someone@example.org", "Hello", "Body text")
        db.session.commit()
    assert counts(app)[MAIL] == before + 1
    with app.app_context():
        deliver_pending(app)
    assert counts(app)[MAIL] == 0


def test_the_overview_links_every_entry_and_says_when_nothing_waits(app, client, auth, certification):
    auth.login_as(certification.admin)
    page = client.get("/admin/")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    for label in (NOT_OPEN, DECISIONS, RENEWALS, UNALLOCATED, ADJUDICATION, APPEALS, STUDIES, STALE, MAIL):
        assert label in body
    for link in (
        "/admin/certificates",
        "/admin/renewals",
        "/admin/portfolios?state=adjudication",
        "/admin/appeals",
        "/admin/outbox",
    ):
        assert f'href="{link}"' in body
    words = text(page)
    assert words.count("none waiting") == 9 and "No appeal is open." in words
    assert "Every certification exam has a cut from a standard-setting study." in words

    with app.app_context():
        exam = db.session.query(Assessment).filter_by(slug="exam").one()
        db.session.add(AngoffStudy(assessment_id=exam.id, title="Spring panel"))
        db.session.commit()
    words = text(client.get("/admin/"))
    assert words.count("none waiting") == 8
    assert "1 waiting" in words and "Still in a rating round" in words


def test_a_feature_adds_its_work_with_one_entry(app):
    extra = Entry(
        "Renewals to review", lambda: 2, "certificates_admin.certificates", "renewal requests wait.", "None to review."
    )
    with app.test_request_context():
        rows = work_queue([extra])
    assert [(r.label, r.count, r.url, r.explanation) for r in rows] == [
        ("Renewals to review", 2, "/admin/certificates", "renewal requests wait.")
    ]


def test_only_admins_see_the_work_queue(client, auth, make_user):
    auth.login_as(make_user(roles=("assessor",)))
    assert client.get("/admin/").status_code == 403


def test_a_renewal_request_waits_in_the_queue_until_an_admin_decides(app, certification):
    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate, certification.admin)
    assert counts(app)[RENEWALS] == 0

    holder = world.client_for(world.candidate)
    day = utcnow().date().isoformat()
    post_form(holder, "/certificates/development", {"title": "Mentoring designers", "activity_on": day, "points": 40})
    assert post_form(holder, f"/certificates/{issued.serial}/renew", {"note": ""}).status_code == 302
    assert counts(app)[RENEWALS] == 1

    with app.app_context():
        request_id = db.session.scalars(select(RenewalRequest.id)).one()
    admin = world.client_for(certification.admin)
    decided = post_form(admin, f"/admin/renewals/{request_id}/decide", {"decision": "approve", "note": ""})
    assert decided.status_code == 302
    assert counts(app)[RENEWALS] == 0
