"""`flask users create` and `flask users token`."""

from __future__ import annotations

import sys

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from certify.auth import services as accounts
from certify.auth.models import ROLES
from certify.database import write_intent
from certify.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")


def _read_password() -> str:
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    line = sys.stdin.readline()
    if not line:
        raise click.UsageError("no password given: type it at the prompt or pipe it on standard input")
    return line.rstrip("\r\n")


@users_cli.command("create")
@click.option("--email", required=True, help="The person's email address (their sign-in name).")
@click.option("--name", required=True, help="Their full name.")
@click.option(
    "--role", "roles", multiple=True, required=True, type=click.Choice(ROLES), help="Repeat for several roles."
)
def create_command(email: str, name: str, roles: tuple[str, ...]) -> None:
    """Create an account; the password comes from a prompt or standard input."""
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise click.BadParameter(str(exc), param_hint="--email") from None
    if not name.strip() or len(name) > 120:
        raise click.BadParameter("give a name of 1 to 120 characters", param_hint="--name")
    password = _read_password()
    with write_intent():
        try:
            user = accounts.create_user(None, name=name, email=email, roles=set(roles), password=password)
        except accounts.AccountError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        db.session.commit()
    click.echo(f"created {user.email} ({', '.join(sorted(user.roles))})")


@users_cli.command("token")
@click.argument("email")
@click.option("--label", default="command line", show_default=True, help="What the token is for.")
def token_command(email: str, label: str) -> None:
    """Print a new personal API token for EMAIL (shown once; only its hash is kept)."""
    with write_intent():
        user = accounts.find_user_by_email(email)
        if user is None or not user.active:
            raise click.ClickException(f"no active account with email {email!r}")
        token = accounts.issue_api_token(user, label)
        db.session.commit()
    click.echo(token)
