"""`flask outbox send`: unsent mail retried, a failure recorded and reported, the file backend."""

from __future__ import annotations

from certify.extensions import db
from certify.outbox.models import OutboxMessage
from certify.outbox.services import queue


def test_outbox_send_retries_unsent_mail(app, runner, sent_mail):
    with app.app_context():
        queue("someone@example.org", "Hello", "Body text")
        db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "sent 1, failed 0" in result.output
    assert sent_mail[-1]["subject"] == "Hello"
    with app.app_context():
        assert db.session.query(OutboxMessage).one().sent_at is not None


def test_outbox_failure_is_recorded_and_reported(app_factory):
    app = app_factory(MAIL_BACKEND="file", MAIL_FILE_DIR="/proc/certify-cannot-write-here")
    with app.app_context():
        queue("someone@example.org", "Hello", "Body text")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 1 and "failed 1" in result.output
    with app.app_context():
        message = db.session.query(OutboxMessage).one()
        assert message.sent_at is None and message.attempts == 1 and "cannot write" in message.last_error


def test_file_backend_writes_eml(app_factory, tmp_path):
    app = app_factory(MAIL_BACKEND="file", MAIL_FILE_DIR=str(tmp_path / "mail"))
    with app.app_context():
        queue("someone@example.org", "Hello", "Body text")
        db.session.commit()
    app.test_cli_runner().invoke(args=["outbox", "send"])
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1 and "Subject: Hello" in files[0].read_text()
