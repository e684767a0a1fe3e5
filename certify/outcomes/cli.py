"""`flask outcomes remind` (cron: the follow-ups and sponsor requests that are due) and `flask outcomes report`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from certify.database import utcnow, write_intent
from certify.extensions import db
from certify.outcomes import followups
from certify.outcomes.report_cli import report_command

outcomes_cli = AppGroup("outcomes", help="Outcome evidence: follow-ups, sponsor attestations, the impact report.")
outcomes_cli.add_command(report_command)


@outcomes_cli.command("remind")
def remind_command() -> None:
    """Queue the follow-up reminders and sponsor requests that are due (cron; safe to run daily)."""
    with write_intent():
        lines = followups.remind(utcnow())
        db.session.commit()
    for line in lines:
        click.echo(line)
    click.echo(f"Queued {len(lines)} message{'s' if len(lines) != 1 else ''}.")
