"""`flask outbox send`: retry mail that could not be delivered straight away."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from certify.outbox.services import deliver_pending

outbox_cli = AppGroup("outbox", help="Outgoing mail.")


@outbox_cli.command("send")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1, 100000))
def send_command(limit: int) -> None:
    """Deliver queued messages that have not been sent yet."""
    sent, failed = deliver_pending(current_app._get_current_object(), limit=limit)  # type: ignore[attr-defined]
    click.echo(f"sent {sent}, failed {failed}")
    if failed:
        raise SystemExit(1)
