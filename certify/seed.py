"""`flask certify seed [--demo]`: load reference data, and optionally demo accounts."""

from __future__ import annotations

from dataclasses import dataclass

import click
from flask import current_app
from flask.cli import AppGroup

from certify.auth import services as accounts
from certify.database import write_intent
from certify.extensions import db

certify_cli = AppGroup("certify", help="Set up and maintain this Certify installation.")


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    roles: frozenset[str]
    password: str


DEMO_ACCOUNTS = (
    DemoAccount("admin@example.org", "Dana Okafor", frozenset({"admin"}), "Orchard-Lantern-42"),
    DemoAccount("assessor@example.org", "Sam Lindqvist", frozenset({"assessor"}), "Granite-Meadow-17"),
    DemoAccount("candidate@example.org", "Priya Natarajan", frozenset({"candidate"}), "Harbour-Violet-63"),
)


def seed_demo_accounts() -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet; returns those created."""
    created = []
    for demo in DEMO_ACCOUNTS:
        if accounts.find_user_by_email(demo.email) is None:
            accounts.create_user(None, name=demo.name, email=demo.email, roles=set(demo.roles), password=demo.password)
            created.append(demo)
    return created


@certify_cli.command("seed")
@click.option("--demo", is_flag=True, help="Also create demo accounts (development and testing only).")
def seed_command(demo: bool) -> None:
    """Load reference data from the repository; idempotent."""
    if demo and current_app.config["CERTIFY_ENV"] == "production":
        raise click.ClickException(
            "refusing to create demo accounts with published passwords in production "
            "(set CERTIFY_ENV=development for a demo)"
        )
    with write_intent():
        created = seed_demo_accounts() if demo else []
        db.session.commit()
    if demo and created:
        click.echo("Demo accounts (shown once; sign in at /auth/login):")
        for account in created:
            click.echo(f"  {', '.join(sorted(account.roles)):<10} {account.email:<24} password: {account.password}")
    elif demo:
        click.echo("Demo accounts already exist (their passwords are in README.md).")
    click.echo("Seed complete.")
