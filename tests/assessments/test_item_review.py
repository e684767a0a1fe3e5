"""The item review workflow: draft -> reviewed -> approved -> pilot (-> live by the item analysis), its rules,
who may take each step, the audit trail, the findings read at review, and the author of each version."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from certify.assessments import item_review
from certify.assessments.import_files import import_file
from certify.assessments.models import Item
from certify.assessments.review_models import ItemReview
from certify.audit.models import AuditEvent
from certify.auth.models import User
from certify.extensions import db
from tests.support.helpers import post_form, text

POOL = """\
bank:
  id: pool
  title: Live pool
  competency: RA
items:
  - id: RA-L1
    type: true_false
    bloom: apply
    stem: Sponsor tracks complaint rate baseline.
    key: true
    wrong_rationale: It is tracked.
    rationale: The sponsor tracks it.
  - id: RA-L2
    type: true_false
    bloom: apply
    stem: Gilbert placed incentives in the environment row.
    key: true
    wrong_rationale: They are environment factors.
    rationale: Incentives are environment factors.
  - id: RA-P1
    type: true_false
    bloom: apply
    status: pilot
    stem: A pilot statement about job aids.
    key: true
    wrong_rationale: It holds.
    rationale: It holds.
"""
# D-TWIN's stem shares 4 content words and 3 of 4 word pairs with RA-L1's: 9 terms each, cosine 7/9.
DRAFTS = """\
bank:
  id: drafts
  title: New items
  competency: RA
items:
  - id: D-TWIN
    type: true_false
    bloom: apply
    status: draft
    stem: Sponsor tracks complaint rate target.
    key: true
    wrong_rationale: It is tracked.
    rationale: The sponsor tracks it.
  - id: D-LINT
    type: single_choice
    bloom: apply
    status: draft
    stem: Which measure is not a business result?
    options:
      - {id: a, text: Course completions}
      - {id: b, text: Complaint rate}
    key: a
    rationale: Completions are an output.
  - id: D-CLEAN
    type: true_false
    bloom: apply
    status: draft
    stem: Orchard ladders need inspection every spring.
    key: true
    wrong_rationale: They do.
    rationale: Inspections are yearly.
"""


@pytest.fixture
def people(make_user):
    return {
        "author": make_user(roles=("admin",), name="Ada Author"),
        "assessor": make_user(roles=("assessor",), name="Sam Assessor"),
        "approver": make_user(roles=("admin",), name="Abe Approver"),
        "candidate": make_user(roles=("candidate",), name="Cal Candidate"),
    }


DRILL = """\
assessment:
  slug: drill
  title: Drill
  kind: practice
  time_limit_minutes: 20
  banks: [pool]
  blueprint:
    RA: {apply: 2}
  cut_score: {percent: 60, method: informed_judgement, rationale: test}
"""


@pytest.fixture
def drafts(app, load_catalog, people):
    load_catalog(("pool.yaml", POOL), ("drill.yaml", DRILL))
    with app.app_context():
        result, problems = import_file("drafts.yaml", DRAFTS.encode(), author_id=people["author"].id)
        assert result is not None, problems
        db.session.commit()


def _status(app, ref):
    with app.app_context():
        return db.session.scalar(select(Item).where(Item.ref == ref)).current().status


def _decide(client, ref, action, comment="", seen=True, **extra):
    data = {"action": action, "comment": comment, "back": "review", **extra}
    if seen:
        data["findings_seen"] = "y"
    return post_form(client, f"/admin/items/{ref}/review", data)


def _events(app, action):
    with app.app_context():
        return [
            (e.object_id, e.before, e.after)
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        ]


def test_an_item_goes_draft_reviewed_approved_pilot_live_with_records_and_audit(app, client, auth, drafts, people):
    auth.login_as(people["assessor"])
    done = _decide(client, "D-CLEAN", "reviewed", "Key and rationale checked against the source.")
    assert done.status_code == 302 and _status(app, "D-CLEAN") == "reviewed"
    auth.login_as(people["approver"])
    assert _decide(client, "D-CLEAN", "approved", "Agreed.").status_code == 302
    assert _status(app, "D-CLEAN") == "approved"
    assert _decide(client, "D-CLEAN", "pilot").status_code == 302
    assert _status(app, "D-CLEAN") == "pilot"
    with app.app_context():
        records = db.session.execute(
            select(ItemReview.decision, User.name, ItemReview.comment)
            .join(User, User.id == ItemReview.reviewer_id)
            .order_by(ItemReview.id)
        ).all()
    assert [tuple(r) for r in records] == [
        ("reviewed", "Sam Assessor", "Key and rationale checked against the source."),
        ("approved", "Abe Approver", "Agreed."),
    ]
    assert [(o, b["status"], a["status"]) for o, b, a in _events(app, "item.reviewed")] == [
        ("D-CLEAN", "draft", "reviewed")
    ]
    assert [(o, b["status"], a["status"]) for o, b, a in _events(app, "item.approved")] == [
        ("D-CLEAN", "reviewed", "approved")
    ]
    assert [(o, b["status"], a["status"]) for o, b, a in _events(app, "item.pilot")] == [
        ("D-CLEAN", "approved", "pilot")
    ]
    page = text(client.get("/admin/items/D-CLEAN"))
    assert "Key and rationale checked against the source." in page and "Sam Assessor" in page and "Abe Approver" in page
    # pilot -> live is the item analysis's promote, and it refuses anything that is not a pilot
    auth.login_as(people["author"])
    refused = post_form(client, "/admin/reports/drill/items/D-LINT/1/promote", follow_redirects=True)
    assert "D-LINT version 1 is draft, not a pilot item." in text(refused) and _status(app, "D-LINT") == "draft"
    promoted = post_form(client, "/admin/reports/drill/items/D-CLEAN/1/promote", follow_redirects=True)
    assert "D-CLEAN version 1 is live" in text(promoted) and _status(app, "D-CLEAN") == "live"


def test_no_one_reviews_or_approves_their_own_item(app, client, auth, drafts, people):
    auth.login_as(people["author"])
    refused = _decide(client, "D-CLEAN", "reviewed", "Looks fine to me.")
    assert refused.status_code == 400 and "You wrote D-CLEAN version 1" in text(refused)
    assert _status(app, "D-CLEAN") == "draft"
    auth.login_as(people["approver"])
    assert _decide(client, "D-CLEAN", "reviewed", "Checked.").status_code == 302
    self_approval = _decide(client, "D-CLEAN", "approved", "And approved.")
    assert self_approval.status_code == 400 and "You reviewed D-CLEAN version 1" in text(self_approval)
    auth.login_as(people["author"])
    assert _decide(client, "D-CLEAN", "approved").status_code == 400  # the author cannot approve either
    assert _status(app, "D-CLEAN") == "reviewed"
    assert _events(app, "item.approved") == []


def test_assessors_review_but_cannot_approve_or_pilot(app, client, auth, drafts, people):
    auth.login_as(people["assessor"])
    queue = client.get("/admin/items/review")
    assert queue.status_code == 200 and "D-CLEAN" in text(queue)
    assert _decide(client, "D-CLEAN", "reviewed", "Fine.").status_code == 302
    page = text(client.get("/admin/items/D-CLEAN/review"))
    assert 'value="approved"' not in page and "the next step is an admin" in page
    refused = _decide(client, "D-CLEAN", "approved", "Trying anyway.")
    assert refused.status_code == 400 and _status(app, "D-CLEAN") == "reviewed"
    with app.app_context():  # the service refuses it too, whatever the form offers
        item = db.session.scalar(select(Item).where(Item.ref == "D-CLEAN"))
        assessor = db.session.get(User, people["assessor"].id)
        with pytest.raises(item_review.ReviewRefused, match="Only admins"):
            item_review.decide(assessor, item, "approved")
    assert client.get("/admin/items/D-CLEAN").status_code == 403  # the full item page stays the admins'


def test_candidates_are_refused_and_forms_need_csrf(app, client, auth, drafts, people):
    auth.login_as(people["candidate"])
    assert client.get("/admin/items/review").status_code == 403
    assert client.get("/admin/items/D-CLEAN/review").status_code == 403
    assert _decide(client, "D-CLEAN", "reviewed", "x").status_code == 403
    auth.login_as(people["assessor"])
    no_token = client.post("/admin/items/D-CLEAN/review", data={"action": "reviewed", "comment": "x", "back": "review"})
    assert no_token.status_code == 400 and _status(app, "D-CLEAN") == "draft"
    assert client.get("/admin/items/NOPE/review").status_code == 404


@pytest.mark.parametrize(
    ("who", "ref", "action", "comment", "message"),
    [
        ("assessor", "D-CLEAN", "approved", "x", "D-CLEAN version 1 is draft; only reviewed versions can be approved."),
        ("approver", "D-CLEAN", "pilot", "", "is draft; only approved versions can be moved to pilot."),
        ("assessor", "D-CLEAN", "reviewed", "", "Write a comment"),
        ("assessor", "D-CLEAN", "changes_requested", "   ", "Write a comment"),
        ("assessor", "D-CLEAN", "publish", "x", "Choose one of: reviewed, approved, move to pilot, changes requested."),
        ("assessor", "D-CLEAN", "", "x", "Choose a decision."),
        ("assessor", "RA-L1", "reviewed", "x", "RA-L1 version 1 is live; only draft versions can be reviewed."),
        ("assessor", "D-CLEAN", "reviewed", "x" * 2001, "under 2000 characters"),
    ],
)
def test_wrong_steps_get_a_clear_message_and_change_nothing(
    app, client, auth, drafts, people, who, ref, action, comment, message
):
    auth.login_as(people[who])
    before = _status(app, ref)
    refused = _decide(client, ref, action, comment)
    assert refused.status_code == 400 and message in text(refused)
    assert _status(app, ref) == before
    with app.app_context():
        assert db.session.scalar(select(ItemReview)) is None


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        ("draft", "approved", "D-CLEAN version 1 is draft; only reviewed versions can be approved."),
        ("reviewed", "pilot", "D-CLEAN version 1 is reviewed; only approved versions can be moved to pilot."),
        ("live", "reviewed", "D-CLEAN version 1 is live; only draft versions can be reviewed."),
        (
            "pilot",
            "changes_requested",
            "D-CLEAN version 1 is pilot; only draft, reviewed, approved versions can be sent",
        ),
    ],
)
def test_the_service_refuses_a_step_from_the_wrong_state(app, drafts, people, status, action, message):
    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.ref == "D-CLEAN"))
        item.current().status = status
        approver = db.session.get(User, people["approver"].id)
        with pytest.raises(item_review.ReviewRefused) as refused:
            item_review.decide(approver, item, action, comment="c", findings_seen=True)
        assert str(refused.value).startswith(message)
        assert item.current().status == status
        db.session.rollback()


def test_changes_requested_sends_it_back_to_draft_with_the_comment(app, client, auth, drafts, people):
    auth.login_as(people["assessor"])
    _decide(client, "D-CLEAN", "reviewed", "Fine.")
    refused = _decide(client, "D-CLEAN", "changes_requested", "Not mine to send back now.")
    assert refused.status_code == 400  # once reviewed, only an admin sends it back
    auth.login_as(people["approver"])
    back = _decide(client, "D-CLEAN", "changes_requested", "The rationale contradicts the key: inspections are yearly.")
    assert back.status_code == 302 and _status(app, "D-CLEAN") == "draft"
    assert [(b["status"], a["status"], a["comment"]) for _o, b, a in _events(app, "item.changes_requested")] == [
        ("reviewed", "draft", "The rationale contradicts the key: inspections are yearly.")
    ]
    queue = text(client.get("/admin/items/review"))
    assert "Changes requested by Abe Approver: The rationale contradicts the key" in queue


def test_review_shows_lint_findings_and_near_twins_and_needs_the_tick(app, client, auth, drafts, people):
    auth.login_as(people["assessor"])
    twin_page = text(client.get("/admin/items/D-TWIN/review"))
    # RA-L1 (live) shares 7 of its 9 terms with D-TWIN, which has 9 too: 7 / sqrt(9 * 9) = 0.78; RA-L2 shares none
    assert "RA-L1" in twin_page and "0.78" in twin_page and "RA-L2" not in twin_page
    assert "certification" in twin_page and "pool" in twin_page
    lint_page = text(client.get("/admin/items/D-LINT/review"))
    assert "negative question: emphasise it as **NOT**" in lint_page
    assert "options without a rationale: a, b" in lint_page
    unticked = _decide(client, "D-TWIN", "reviewed", "Read it.", seen=False)
    assert unticked.status_code == 400 and "tick the box" in text(unticked)
    assert _decide(client, "D-TWIN", "reviewed", "Read it; it repeats RA-L1, kept as its enemy.").status_code == 302
    clean = text(client.get("/admin/items/D-CLEAN/review"))
    assert "No item-writing guideline is broken." in clean and "No live or pilot item has a stem this close" in clean
    assert "I have read the lint findings" not in clean  # nothing to read, so no tick
    assert _decide(client, "D-CLEAN", "reviewed", "Fine.", seen=False).status_code == 302
    (event,) = [a for o, _b, a in _events(app, "item.reviewed") if o == "D-TWIN"]
    assert event["findings_seen"] is True


def test_queue_lists_items_in_review_with_author_state_last_comment_and_age(app, client, auth, drafts, people):
    auth.login_as(people["assessor"])
    _decide(client, "D-CLEAN", "reviewed", "Checked the source.")
    page = text(client.get("/admin/items/review"))
    assert "3 items in review" in page
    assert "D-TWIN" in page and "D-LINT" in page and "RA-L1" not in page and "RA-P1" not in page
    assert page.count("Ada Author") == 3 and "Reviewed by Sam Assessor: Checked the source." in page
    assert "0 days" in page
