"""Portfolios: autosaved drafts, evidence uploads and immutable submitted versions."""

from __future__ import annotations

import contextlib
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update

from certify import storage
from certify.audit import services as audit
from certify.auth.models import User
from certify.core.outcome_plan import PlanCheck, check_plan, draft_values, is_blank
from certify.extensions import db
from certify.portfolios.models import Attachment, Portfolio, PortfolioVersion
from certify.review.allocation import AllocationError, allocate_pair
from certify.review.services import get_rubric
from certify.security.sanitize import render_markdown
from certify.security.scrub import ScrubFailed, scrub
from certify.security.uploads import KINDS, UploadRefused, check_upload

MAX_SECTION_CHARS = 20_000


class PortfolioError(ValueError):
    """A request about a portfolio that cannot be carried out; safe to show. `status` is the HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def criteria_codes() -> list[str]:
    rubric = get_rubric()
    if rubric is None:
        raise PortfolioError("The portfolio rubric is not loaded; run `flask certify seed`.", 503)
    return [c.code for c in rubric.criteria]


def portfolio_for(candidate: User) -> Portfolio:
    """The candidate's portfolio, created empty on first use."""
    portfolio = db.session.scalar(select(Portfolio).where(Portfolio.candidate_id == candidate.id))
    if portfolio is None:
        portfolio = Portfolio(candidate_id=candidate.id, draft_sections={}, draft_seq=0)
        db.session.add(portfolio)
        db.session.flush()
    return portfolio


def save_draft(candidate: User, sections: dict[str, str], seq: int, now: datetime) -> int:
    """Autosave the draft if `seq` is newer than the stored one; returns the new seq. Stale saves change nothing."""
    codes = set(criteria_codes())
    unknown = sorted(set(sections) - codes)
    if unknown:
        raise PortfolioError(f"Unknown portfolio section: {', '.join(unknown)}.")
    too_long = [code for code, text in sections.items() if not isinstance(text, str) or len(text) > MAX_SECTION_CHARS]
    if too_long:
        raise PortfolioError(
            f"Sections are text of at most {MAX_SECTION_CHARS:,} characters (check {', '.join(too_long)})."
        )
    portfolio = portfolio_for(candidate)
    merged = {**portfolio.draft_sections, **sections}
    changed = db.session.execute(
        update(Portfolio)
        .where(Portfolio.id == portfolio.id, Portfolio.draft_seq < seq)
        .values(draft_sections=merged, draft_seq=seq, draft_saved_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(portfolio)
    if not changed:
        raise PortfolioError("A newer draft was saved from another window; reload to see it.", 409)
    return seq


def add_attachment(candidate: User, filename: str, data: bytes, criterion: str = "") -> Attachment:
    """Check an evidence file by its contents, store it once, and attach it to the draft."""
    config = current_app.config
    if criterion and criterion not in criteria_codes():
        raise PortfolioError(f"Unknown portfolio section: {criterion}.")
    try:
        checked = check_upload(filename, data, max_bytes=int(config.get("PORTFOLIO_MAX_FILE_BYTES", 20 * 1024**2)))
        # The copy assessors will download is made now, so a file that cannot be cleaned is refused
        # while the candidate is here to fix it, and no original ever has to stand in for it.
        blind = scrub(checked.kind, data, filename)
    except (UploadRefused, ScrubFailed) as exc:
        raise PortfolioError(str(exc)) from None
    portfolio = portfolio_for(candidate)
    total = (
        db.session.scalar(
            select(func.coalesce(func.sum(Attachment.size), 0)).where(
                Attachment.portfolio_id == portfolio.id, Attachment.removed.is_(False)
            )
        )
        or 0
    )
    limit = int(config.get("PORTFOLIO_MAX_TOTAL_BYTES", 100 * 1024**2))
    if total + checked.size > limit:
        raise PortfolioError(
            f"Your evidence files would total {(total + checked.size) / 1_048_576:.1f} MB; the "
            f"limit is {limit / 1_048_576:.0f} MB. Remove a file first.",
            413,
        )
    storage.put(data, checked.mime)
    attachment = Attachment(
        portfolio_id=portfolio.id,
        blob_sha256=checked.sha256,
        blind_sha256=storage.put(blind, checked.mime),
        kind=checked.kind,
        safe_name=checked.safe_name,
        size=checked.size,
        criterion=criterion,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def submit(candidate: User, now: datetime) -> PortfolioVersion:
    """Freeze the draft as a new version; every section must be written."""
    portfolio = portfolio_for(candidate)
    open_versions = [v for v in portfolio.versions if v.state != "resolved"]
    if open_versions:
        raise PortfolioError("Your portfolio is already with the assessors; you can resubmit once it is decided.", 409)
    missing = [code for code in criteria_codes() if not str(portfolio.draft_sections.get(code, "")).strip()]
    if missing:
        raise PortfolioError(f"Write every section before submitting (missing: {', '.join(missing)}).")
    plan = _checked_plan(portfolio, now)
    attachments = [a.id for a in portfolio.attachments if not a.removed]
    sections = {code: str(portfolio.draft_sections.get(code, "")) for code in criteria_codes()}
    version = PortfolioVersion(
        portfolio_id=portfolio.id,
        number=len(portfolio.versions) + 1,
        sections=sections,
        sections_html={code: render_markdown(text) for code, text in sections.items()},
        attachment_ids=attachments,
        outcome_plan=plan,
        submitted_at=now,
    )
    db.session.add(version)
    db.session.flush()
    audit.record(
        candidate,
        "portfolio.submitted",
        "portfolio_version",
        version.id,
        after={"number": version.number, "attachments": len(attachments), "outcome_plan": plan is not None},
    )
    with contextlib.suppress(AllocationError):  # audited; it waits until enough calibrated assessors are free
        allocate_pair(version)
    return version


def save_outcome_plan(candidate: User, raw: dict[str, object], now: datetime) -> PlanCheck:
    """Keep the structured outcome plan as typed (nothing is lost), and say what is wrong with it, by field."""
    portfolio = portfolio_for(candidate)
    portfolio.draft_outcome_plan = draft_values(raw)
    portfolio.draft_saved_at = now
    db.session.flush()
    return PlanCheck(None) if is_blank(raw) else check_plan(raw, now.date())


def _checked_plan(portfolio: Portfolio, now: datetime) -> dict[str, object] | None:
    """The plan to freeze into a version: None when none was started; refused when started but not valid."""
    raw = portfolio.draft_outcome_plan or {}
    if is_blank(raw):
        return None
    checked = check_plan(raw, now.date())
    if checked.plan is None:
        problems = " ".join(checked.errors.values())
        raise PortfolioError(f"Complete the outcome plan or clear it before submitting: {problems}")
    return checked.plan


def latest_outcome_plan(candidate: User) -> dict[str, object] | None:
    """The checked outcome plan of the candidate's latest submitted version (None: that version has none)."""
    portfolio = db.session.scalar(select(Portfolio).where(Portfolio.candidate_id == candidate.id))
    if portfolio is None or not portfolio.versions:
        return None
    return portfolio.versions[-1].outcome_plan


def remove_attachment(candidate: User, attachment_id: int) -> Attachment:
    """Take a file out of the draft. Submitted versions keep the files they were submitted with."""
    attachment = attachment_of(candidate, attachment_id)
    if attachment is None or attachment.removed:
        raise PortfolioError("No such file in your portfolio.", 404)
    attachment.removed = True
    db.session.flush()
    return attachment


def attachment_of(candidate: User, attachment_id: int) -> Attachment | None:
    """The candidate's own file, or None (answer 404)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        return None
    portfolio = db.session.get(Portfolio, attachment.portfolio_id)
    return attachment if portfolio is not None and portfolio.candidate_id == candidate.id else None


def version_of(candidate: User, number: int) -> PortfolioVersion | None:
    portfolio = db.session.scalar(select(Portfolio).where(Portfolio.candidate_id == candidate.id))
    if portfolio is None:
        return None
    return db.session.scalar(
        select(PortfolioVersion).where(PortfolioVersion.portfolio_id == portfolio.id, PortfolioVersion.number == number)
    )


def version_attachments(version: PortfolioVersion) -> list[Attachment]:
    if not version.attachment_ids:
        return []
    rows = db.session.scalars(select(Attachment).where(Attachment.id.in_(version.attachment_ids))).all()
    return sorted(rows, key=lambda a: a.id)


def blind_copy(attachment: Attachment) -> str:
    """The blob assessors download: the file without identifying metadata, never the original.

    Files uploaded before copies were made at upload get theirs on first download (raises ScrubFailed
    when a file cannot be cleaned; the caller then serves nothing).
    """
    if attachment.blind_sha256 is None:
        original = storage.get(attachment.blob_sha256)
        if original is None:
            raise ScrubFailed("The evidence file is missing from storage.")
        cleaned = scrub(attachment.kind, original.data, blind_name(attachment, 0))
        attachment.blind_sha256 = storage.put(cleaned, KINDS[attachment.kind][0])
        db.session.flush()
    return attachment.blind_sha256


def blind_name(attachment: Attachment, position: int) -> str:
    """What assessors see: a position and the file type, nothing the candidate chose."""
    return f"evidence-{position}.{attachment.kind}"
