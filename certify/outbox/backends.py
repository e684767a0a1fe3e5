"""Mail backends: console (default), file, SMTP, and memory for tests."""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Protocol

from flask import Flask


class MailError(RuntimeError):
    """Delivery failed; the message stays in the outbox to be retried."""


class Backend(Protocol):
    via: str  # stored on each delivered message: how it left ("console", "file", "smtp", "memory")

    def send(self, recipient: str, subject: str, body: str) -> None: ...


def _message(sender: str, recipient: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="certify.invalid")
    message.set_content(body)
    return message


class ConsoleBackend:
    via = "console"

    def __init__(self, sender: str) -> None:
        self.sender = sender

    def send(self, recipient: str, subject: str, body: str) -> None:
        text = _message(self.sender, recipient, subject, body).as_string()
        sys.stdout.write(f"\n----- outgoing mail -----\n{text}\n----- end of mail -----\n")
        sys.stdout.flush()


class FileBackend:
    via = "file"

    def __init__(self, sender: str, directory: str) -> None:
        self.sender = sender
        self.directory = Path(directory)

    def send(self, recipient: str, subject: str, body: str) -> None:
        message = _message(self.sender, recipient, subject, body)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = message["Message-ID"].strip("<>").replace("@", "_") + ".eml"
            (self.directory / name).write_text(message.as_string())
        except OSError as exc:
            raise MailError(f"cannot write to {self.directory}: {exc}") from exc


class SmtpBackend:
    via = "smtp"

    def __init__(self, app: Flask) -> None:
        self.config = app.config

    def send(self, recipient: str, subject: str, body: str) -> None:
        config = self.config
        message = _message(config["MAIL_FROM"], recipient, subject, body)
        try:
            with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
                if config["SMTP_STARTTLS"]:
                    smtp.starttls()
                if config["SMTP_USERNAME"]:
                    smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"SMTP delivery to {recipient} failed: {exc}") from exc


class MemoryBackend:
    """Keeps sent mail on the app for tests to read."""

    via = "memory"

    def __init__(self, app: Flask) -> None:
        self.sent: list[dict[str, str]] = app.extensions.setdefault("certify_mail_sent", [])

    def send(self, recipient: str, subject: str, body: str) -> None:
        self.sent.append({"to": recipient, "subject": subject, "body": body})


def backend_for(app: Flask) -> Backend:
    name = app.config["MAIL_BACKEND"]
    if name == "console":
        return ConsoleBackend(app.config["MAIL_FROM"])
    if name == "file":
        return FileBackend(app.config["MAIL_FROM"], app.config["MAIL_FILE_DIR"])
    if name == "smtp":
        return SmtpBackend(app)
    if name == "memory":
        return MemoryBackend(app)
    raise MailError(f"unknown CERTIFY_MAIL_BACKEND {name!r} (console, file, smtp)")
