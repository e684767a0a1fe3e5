"""Mail queued by a command is delivered when the command ends, and the outbox says how it left."""

from __future__ import annotations

import click

from certify.demo.accounts import DEMO_ACCOUNTS
from certify.extensions import db
from certify.outbox.models import OutboxMessage
from certify.outbox.services import deliver_pending, queue
from tests.support.helpers import post_form, text


def _add_command(app, *, commit: bool) -> None:
    @app.cli.command("queue-greeting")
    def queue_greeting() -> None:
        queue("someone@example.org", "Greetings", "Body text")
        if commit:
            db.session.commit()
        click.echo("queued")


def _only_message(app) -> OutboxMessage:
    with app.app_context():
        message = db.session.query(OutboxMessage).one()
        db.session.expunge(message)
        return message


def test_mail_a_command_commits_is_delivered_when_the_command_ends(app, sent_mail):
    _add_command(app, commit=True)
    result = app.test_cli_runner().invoke(args=["queue-greeting"])
    assert result.exit_code == 0, result.output
    assert [mail["subject"] for mail in sent_mail] == ["Greetings"]
    message = _only_message(app)
    assert message.sent_at is not None and message.attempts == 1 and message.delivered_via == "memory"


def test_mail_a_command_leaves_uncommitted_is_neither_stored_nor_sent(app, sent_mail):
    _add_command(app, commit=False)
    assert app.test_cli_runner().invoke(args=["queue-greeting"]).exit_code == 0
    assert sent_mail == []
    with app.app_context():
        assert db.session.query(OutboxMessage).count() == 0


def test_demo_seed_prints_its_mail_to_the_console_and_the_outbox_says_so(app_factory):
    app = app_factory(MAIL_BACKEND="console")
    result = app.test_cli_runner().invoke(args=["certify", "seed", "--demo"])
    assert result.exit_code == 0, result.output
    assert "----- outgoing mail -----" in result.output
    with app.app_context():
        messages = db.session.query(OutboxMessage).all()
        assert messages and all(m.sent_at is not None and m.delivered_via == "console" for m in messages)
    client = app.test_client()
    admin = DEMO_ACCOUNTS[0]
    assert post_form(client, "/auth/login", {"email": admin.email, "password": admin.password}).status_code == 302
    page = text(client.get("/admin/outbox"))
    assert "printed to the console" in page
    assert "not sent" not in page and "0 attempts" not in page


def test_a_real_delivery_failure_keeps_its_error_on_the_outbox_page(app_factory):
    app = app_factory(MAIL_BACKEND="file", MAIL_FILE_DIR="/proc/certify-cannot-write-here")
    with app.app_context():
        queue("someone@example.org", "Hello", "Body text")
        db.session.commit()
        deliver_pending(app)
        deliver_pending(app)
    message = _only_message(app)
    assert message.sent_at is None and message.delivered_via == ""
    assert message.delivery.startswith("not sent after 2 attempts: cannot write to /proc/certify-cannot-write-here")


def test_mail_not_tried_yet_reads_as_queued(app):
    with app.app_context():
        queue("someone@example.org", "Hello", "Body text")
        db.session.commit()
    assert _only_message(app).delivery == "queued, not tried yet"
