"""`flask outcomes remind` (cron: the follow-ups and sponsor requests that are due) and `flask outcomes report`."""

from __future__ import annotations

from flask.cli import AppGroup

from certify.outcomes.report_cli import report_command

outcomes_cli = AppGroup("outcomes", help="Outcome evidence: follow-ups, sponsor attestations, the impact report.")
outcomes_cli.add_command(report_command)
