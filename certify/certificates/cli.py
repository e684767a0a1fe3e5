"""`flask certificates …`: issue, list, revoke, render and remind, per the contract in DESIGN.md."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import or_, select

from certify import storage
from certify.auth.models import User
from certify.certificates import lifecycle
from certify.certificates.issuing import CertificateError, issue, issue_all_steps
from certify.certificates.models import Certificate
from certify.certificates.pdf import TEMPLATE_VERSION
from certify.certificates.production import document_for
from certify.database import utcnow, write_intent
from certify.extensions import db

certificates_cli = AppGroup("certificates", help="Issue and manage certificates.")


def _user(email: str, what: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no account with the email {email} ({what})")
    return user


def _certificate(code: str) -> Certificate:
    found = db.session.scalar(select(Certificate).where(or_(Certificate.serial == code, Certificate.code == code)))
    if found is None:
        raise click.ClickException(f"no certificate with the serial or code {code}")
    return found


@certificates_cli.command("issue")
@click.option("--email", help="Issue to this candidate.")
@click.option("--all-eligible", is_flag=True, help="Issue to every eligible candidate.")
@click.option("--by", "by", help="The deciding admin's email (recorded; must not have assessed the candidate).")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 16), help="Processes for rendering.")
@click.option(
    "--override-revocation",
    "override",
    metavar="REASON",
    help="Issue despite a revocation that bars the candidate's evidence (with --email and --by); audited.",
)
def issue_command(email: str | None, all_eligible: bool, by: str | None, workers: int, override: str | None) -> None:
    """Issue a certificate to one candidate, or to all who are eligible.

    A revoked certificate bars reissue on the evidence that preceded the revocation; only new evidence,
    or an admin's override with a reason (--override-revocation REASON --by ADMIN), lifts the bar.
    """
    if bool(email) == all_eligible:
        raise click.UsageError("give either --email EMAIL or --all-eligible")
    if override is not None and (not email or not by):
        raise click.UsageError("--override-revocation needs --email (one candidate) and --by (the deciding admin)")
    with write_intent():
        actor = _user(by, "--by") if by else None
        if actor is not None and not actor.has_role("admin"):
            raise click.ClickException(f"{by} is not an admin")
        now = utcnow()
        if email:
            try:
                certificate = issue(actor, _user(email, "--email"), now, override_reason=override)
            except CertificateError as exc:
                db.session.rollback()
                raise click.ClickException(str(exc)) from None
            db.session.commit()
            click.echo(f"issued {certificate.serial} to {email}; verify at /verify/{certificate.code}")
            return
        skipped: list[str] = []
        steps = issue_all_steps(actor, now, workers=workers, skipped=skipped)
        issued = 0
        first = next(steps, None)
        if first is not None:
            with click.progressbar(length=first[1], label="Issuing certificates") as bar:
                bar.update(1)
                issued = 1
                for _step in steps:
                    bar.update(1)
                    issued += 1
        db.session.commit()
    click.echo(f"issued {issued} certificate(s)")
    for line in skipped:
        click.echo(f"skipped {line}", err=True)


@certificates_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_command(as_json: bool) -> None:
    """Every certificate with its holder and status."""
    now = utcnow()
    rows = [
        {
            "serial": c.serial,
            "code": c.code,
            "holder": c.holder.name,
            "email": c.holder.email,
            "issued_at": c.issued_at.isoformat(),
            "expires_at": c.expires_at.isoformat(),
            "status": c.state(now),
            "predecessor": c.predecessor.serial if c.predecessor else None,
        }
        for c in db.session.scalars(select(Certificate).order_by(Certificate.id))
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no certificates yet")
    for row in rows:
        click.echo(f"{row['serial']}  {row['status']:<9}  {row['expires_at'][:10]}  {row['holder']} <{row['email']}>")


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Why (shown on the public verification page).")
def revoke_command(code: str, reason: str) -> None:
    """Revoke a certificate by serial or verification code."""
    with write_intent():
        certificate = _certificate(code)
        try:
            lifecycle.revoke(None, certificate, reason, utcnow())
        except CertificateError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        db.session.commit()
    click.echo(f"revoked {certificate.serial}")


@certificates_cli.command("render")
@click.argument("code")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path))
def render_command(code: str, out: Path) -> None:
    """Write a certificate's PDF; re-rendered (and stored) only when the template has changed since."""
    from certify.certificates.issuing import store
    from certify.certificates.pdf import render_pdf

    with write_intent():
        certificate = _certificate(code)
        if certificate.template_version != TEMPLATE_VERSION or not certificate.pdf_sha256:
            job_doc = document_for(certificate)
            store(certificate, certificate.credential, render_pdf(job_doc, pdfa=True), TEMPLATE_VERSION)
            db.session.commit()
            click.echo(f"re-rendered with template version {TEMPLATE_VERSION}")
        blob = storage.get(certificate.pdf_sha256 or "")
        assert blob is not None
        out.write_bytes(blob.data)
    click.echo(f"wrote {out} ({len(blob.data):,} bytes, sha256 {certificate.pdf_sha256})")


@certificates_cli.command("remind")
def remind_command() -> None:
    """Queue the expiry reminders due today (90, 30 and 7 days before)."""
    with write_intent():
        sent = lifecycle.remind(utcnow())
        db.session.commit()
    click.echo(f"queued {sent} reminder(s)")
