"""`flask certificates …`: issue, list, revoke, render and remind, right and wrong."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest

from certify import storage
from certify.database import utcnow
from tests.support.certificates import certificate, certificates, change, issue_now, mail_to


@pytest.fixture
def runner(certification):
    return certification.world.app.test_cli_runner()


def run(runner, *args: str):
    return runner.invoke(args=["certificates", *args])


def test_issue_to_an_eligible_candidate_prints_the_serial(certification, runner):
    world = certification.world
    certification.make_eligible(world.candidate)

    result = run(runner, "issue", "--email", "Cassandra.Quill@example.org", "--by", certification.admin.email)

    assert result.exit_code == 0, result.output
    (issued,) = certificates(world.app)
    assert issued.serial == f"MID-{utcnow().year}-000001"
    assert f"issued {issued.serial} to Cassandra.Quill@example.org; verify at /verify/{issued.code}" in result.output
    assert issued.credential["proof"] and issued.pdf_sha256


def test_issue_to_a_candidate_who_is_not_eligible_fails_with_the_reasons(certification, runner, make_user):
    failed = make_user(name="Bram Exam-Failed")
    certification.make_eligible(failed, exam_passed=False)

    result = run(runner, "issue", "--email", failed.email)

    assert result.exit_code == 1
    assert "Bram Exam-Failed is not eligible:" in result.output
    assert "No certification exam attempt has passed the cut score" in result.output
    assert certificates(certification.world.app) == []


def test_issue_refuses_a_decider_who_assessed_the_candidate_or_is_not_an_admin(certification, runner):
    world = certification.world
    certification.make_eligible(world.candidate)

    not_admin = run(runner, "issue", "--email", world.candidate.email, "--by", world.assessors[0].email)
    assert not_admin.exit_code == 1 and "is not an admin" in not_admin.output
    unknown = run(runner, "issue", "--email", "nobody@example.org")
    assert unknown.exit_code == 1 and "no account with the email nobody@example.org" in unknown.output
    assert certificates(world.app) == []


def test_issue_all_eligible_issues_to_each_and_reports_the_rest(certification, runner, make_user):
    world = certification.world
    second = make_user(name="Oswin Second")
    not_yet = make_user(name="Bram Exam-Failed")
    for person in (world.candidate, second):
        certification.make_eligible(person)
    certification.make_eligible(not_yet, exam_passed=False)

    result = run(runner, "issue", "--all-eligible")

    assert result.exit_code == 0, result.output
    assert "issued 2 certificate(s)" in result.output
    issued = certificates(world.app)
    assert sorted(c.holder_id for c in issued) == sorted([world.candidate.id, second.id])
    assert all(c.credential["proof"] and c.pdf_sha256 for c in issued)
    again = run(runner, "issue", "--all-eligible")
    assert again.exit_code == 0 and "issued 0 certificate(s)" in again.output
    assert len(certificates(world.app)) == 2


@pytest.mark.parametrize("args", [["--email", "cassandra.quill@example.org", "--all-eligible"], []])
def test_issue_wants_exactly_one_of_email_and_all_eligible(certification, runner, args):
    certification.make_eligible(certification.world.candidate)

    result = run(runner, "issue", *args)

    assert result.exit_code == 2
    assert "give either --email EMAIL or --all-eligible" in result.output
    assert certificates(certification.world.app) == []


def test_list_json_is_machine_readable(certification, runner):
    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate)

    result = run(runner, "list", "--json")

    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert set(row) == {"serial", "code", "holder", "email", "issued_at", "expires_at", "status", "predecessor"}
    assert (row["serial"], row["code"], row["holder"], row["email"]) == (
        issued.serial,
        issued.code,
        "Cassandra Quill",
        "cassandra.quill@example.org",
    )
    assert (row["status"], row["predecessor"]) == ("active", None)
    assert row["expires_at"].startswith(issued.expires_at.date().isoformat())
    plain = run(runner, "list")
    assert issued.serial in plain.output and "active" in plain.output


def test_list_without_certificates(certification, runner):
    assert run(runner, "list", "--json").output.strip() == "[]"
    assert "no certificates yet" in run(runner, "list").output


def test_revoke_wants_a_real_reason(certification, runner):
    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate)

    short = run(runner, "revoke", issued.code, "--reason", "bad")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert certificate(world.app, issued.serial).status == "active"
    missing = run(runner, "revoke", issued.code)
    assert missing.exit_code == 2 and "Missing option '--reason'" in missing.output

    good = run(runner, "revoke", issued.code, "--reason", "Certificate obtained with a copied portfolio.")

    assert good.exit_code == 0 and f"revoked {issued.serial}" in good.output
    revoked = certificate(world.app, issued.serial)
    assert (revoked.status, revoked.status_reason) == ("revoked", "Certificate obtained with a copied portfolio.")
    again = run(runner, "revoke", issued.serial, "--reason", "Certificate obtained with a copied portfolio.")
    assert again.exit_code == 1 and "already revoked" in again.output
    unknown = run(runner, "revoke", "MID-1999-000001", "--reason", "Certificate obtained with a copied portfolio.")
    assert unknown.exit_code == 1 and "no certificate with the serial or code" in unknown.output


def test_render_writes_the_stored_pdf(certification, runner, tmp_path):
    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate)
    out = tmp_path / "certificate.pdf"

    result = run(runner, "render", issued.code, "--out", str(out))

    assert result.exit_code == 0, result.output
    assert "re-rendered" not in result.output
    assert hashlib.sha256(out.read_bytes()).hexdigest() == issued.pdf_sha256
    with world.app.app_context():
        assert out.read_bytes() == storage.get(issued.pdf_sha256).data
    assert certificate(world.app, issued.serial).pdf_sha256 == issued.pdf_sha256


def _expiring_in_thirty_days(certification):
    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate)
    change(world.app, issued.serial, expires_at=utcnow() + timedelta(days=30))
    return issued


def _reminders(app, email):
    return [(subject, body) for subject, body in mail_to(app, email) if "expires" in subject]


def test_remind_queues_the_thirty_day_reminder(certification, runner):
    world = certification.world
    issued = _expiring_in_thirty_days(certification)

    result = run(runner, "remind")

    assert result.exit_code == 0 and "queued 1 reminder(s)" in result.output
    ((subject, body),) = _reminders(world.app, world.candidate.email)
    assert subject == "Your MID certificate expires in 30 days"
    assert issued.serial in body and f"/verify/{issued.code}" in body


def test_remind_sends_each_certificate_one_reminder_per_threshold(certification, runner):
    world = certification.world
    _expiring_in_thirty_days(certification)

    first = run(runner, "remind")
    second = run(runner, "remind")

    assert "queued 1 reminder(s)" in first.output
    assert "queued 0 reminder(s)" in second.output
    assert [s for s, _ in _reminders(world.app, world.candidate.email)] == ["Your MID certificate expires in 30 days"]


def test_remind_runs_once_per_threshold_from_ninety_days(certification, runner):
    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate)
    change(world.app, issued.serial, expires_at=utcnow() + timedelta(days=90))

    first = run(runner, "remind")
    second = run(runner, "remind")

    assert "queued 1 reminder(s)" in first.output and "queued 0 reminder(s)" in second.output
    change(world.app, issued.serial, expires_at=utcnow() + timedelta(days=7))
    assert "queued 1 reminder(s)" in run(runner, "remind").output
    assert [s for s, _ in _reminders(world.app, world.candidate.email)] == [
        "Your MID certificate expires in 90 days",
        "Your MID certificate expires in 7 days",
    ]


def test_remind_leaves_certificates_far_from_expiry_and_revoked_ones(certification, runner, make_user):
    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate)
    other = make_user(name="Oswin Second")
    certification.make_eligible(other)
    revoked = issue_now(world.app, other)
    change(world.app, revoked.serial, status="revoked", expires_at=utcnow() + timedelta(days=7))

    result = run(runner, "remind")

    assert "queued 0 reminder(s)" in result.output
    assert certificate(world.app, issued.serial).expires_at - utcnow() > timedelta(days=1000)
    assert _reminders(world.app, other.email) == []


def test_issue_obeys_the_revocation_bar_and_offers_the_same_audited_override(certification, runner):
    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate, certification.admin)
    assert run(runner, "revoke", issued.serial, "--reason", "Exam answers shared with other candidates.").exit_code == 0

    barred = run(runner, "issue", "--email", world.candidate.email, "--by", certification.admin.email)
    assert barred.exit_code == 1
    assert f"Certificate {issued.serial} was revoked on" in barred.output
    assert "the evidence predates the revocation" in barred.output
    no_decider = run(runner, "issue", "--email", world.candidate.email, "--override-revocation", "Board decision 12.")
    assert no_decider.exit_code == 2 and "--by (the deciding admin)" in no_decider.output
    short = run(
        runner,
        "issue",
        "--email",
        world.candidate.email,
        "--by",
        certification.admin.email,
        "--override-revocation",
        "ok",
    )
    assert short.exit_code == 1 and "in 10 to 500 characters" in short.output
    assert len(certificates(world.app)) == 1

    reason = "Board decision 12: the sharing finding was overturned."
    overridden = run(
        runner,
        "issue",
        "--email",
        world.candidate.email,
        "--by",
        certification.admin.email,
        "--override-revocation",
        reason,
    )

    assert overridden.exit_code == 0, overridden.output
    new = certificates(world.app)[-1]
    assert new.serial != issued.serial
    assert certificate(world.app, new.serial).status == "active"
