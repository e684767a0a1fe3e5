"""Measurement reports: item analysis and test reliability per assessment, with downloads and pilot promotion."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from certify.assessments import services as bank_service
from certify.assessments.models import Assessment, Item, ItemVersion
from certify.audit import services as audit
from certify.core.sample_size import MIN_ATTEMPTS, MIN_ITEM_N, sample_note
from certify.database import write_intent
from certify.extensions import db
from certify.reports import admin_bp, charts_items
from certify.reports.items import flag_codes, is_stale, snapshot
from certify.reports.models import AnalysisSnapshot
from certify.reports.pilots import pilot_readiness
from certify.security.access import acting_user


def assessment_or_404(slug: str) -> Assessment:
    """The assessment a report page is about, or 404 (shared by the report pages of this feature)."""
    found = bank_service.assessment_by_slug(slug)
    if found is None:
        abort(404)
    return found


QUICK_SECONDS = 0.5  # a stale analysis that took less than this is simply recomputed when viewed


def _payload(assessment: Assessment) -> tuple[AnalysisSnapshot, bool]:
    """The snapshot. Computed here only the first time, or when stale and known to be quick; otherwise
    `flask analysis refresh` (cron) or the Recompute button brings it up to date, off the page view."""
    current = db.session.get(AnalysisSnapshot, assessment.id)
    if current is None or (current.seconds < QUICK_SECONDS and is_stale(assessment)):
        slug = assessment.slug
        db.session.rollback()
        with write_intent():
            current = snapshot(assessment_or_404(slug), refresh=True)
            db.session.commit()
        assessment = assessment_or_404(slug)
    return current, is_stale(assessment)


@admin_bp.route("/reports")
def reports() -> str:
    from certify.reports.report_index import assessment_reports
    from certify.review.agreement import rater_report

    rows = [(entry, test_note(entry.test)) for entry in assessment_reports()]
    return render_template("reports/admin/index.html", rows=rows, agreement=rater_report())


def test_note(test: dict[str, Any]) -> str:
    """Why reliability, SEM and decision consistency are not judged yet ("" when there are enough attempts)."""
    return sample_note(test.get("n", 0), test.get("min_n", MIN_ATTEMPTS)) if test.get("n") else ""


def with_notes(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Item rows with `note`: why their bands and flags are not read yet ("" once they are)."""
    return [{**i, "note": sample_note(i["n"], i.get("min_n", MIN_ITEM_N)), "codes": flag_codes(i)} for i in items]


def _filtered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items by flag and competency; an item on too few attempts has no flag to match."""
    flag, competency = request.args.get("flag", ""), request.args.get("competency", "")
    return [
        i
        for i in items
        if (not flag or (not i["note"] and ((flag == "any" and i["codes"]) or flag in i["codes"])))
        and (not competency or i["competency"] == competency)
    ]


FILTERS = ("cohort", "from", "to")


def typed_filters() -> dict[str, str]:
    return {name: request.args.get(name, "").strip()[:100] for name in FILTERS}


def chosen_people(typed: dict[str, str]) -> tuple[Any, str | None, Any]:
    """(subquery of user ids or None, error message, the filters) from the cohort and date fields."""
    from certify.reports.outcomes import FilterError, candidate_ids, read_filters

    if not any(typed.values()):
        return None, None, None
    try:
        filters = read_filters(typed["cohort"], typed["from"], typed["to"])
    except FilterError as exc:
        return None, str(exc), None
    return candidate_ids(filters), None, filters


def filtered_payload(assessment: Assessment) -> tuple[AnalysisSnapshot, bool, dict[str, Any], Any, str | None]:
    """The cached analysis, or (with cohort or date filters) one computed now for those candidates only."""
    current, stale = _payload(assessment)
    people, error, filters = chosen_people(typed_filters())
    if people is None:
        return current, stale, current.payload, None, error
    from certify.reports.items import compute

    return current, stale, compute(assessment, people=people), filters, None


@admin_bp.route("/reports/<slug>")
def item_report(slug: str) -> tuple[str, int]:
    from certify.reports.cohorts import cohort_list

    assessment = assessment_or_404(slug)
    current, stale, payload, filters, error = filtered_payload(assessment)
    items = with_notes(payload.get("items", []))
    flags = sorted({f for i in items if not i["note"] for f in i["codes"]})
    page = render_template(
        "reports/admin/items.html",
        assessment=assessment,
        snapshot=current,
        stale=stale,
        filters=filters,
        filter_error=error,
        cohorts=cohort_list(),
        typed=typed_filters(),
        query={k: v for k, v in typed_filters().items() if v and not error},
        test=payload.get("test", {}),
        payload_calibration=payload.get("calibration"),
        test_note=test_note(payload.get("test", {})),
        items=_filtered(items),
        total_items=len(items),
        flags=flags,
        competencies=sorted({i["competency"] for i in items}),
        args=request.args,
        histogram=charts_items.score_histogram(payload.get("test", {})),
        pilots=pilot_readiness(items),
    )
    return page, 400 if error else 200


@admin_bp.route("/reports/<slug>/refresh", methods=["POST"])
def refresh_report(slug: str) -> Response:
    assessment = assessment_or_404(slug)
    current = snapshot(assessment, refresh=True)
    db.session.commit()
    flash(f"Analysis recomputed from {current.scored_attempts} attempts in {current.seconds:.2f} s.", "success")
    return redirect(url_for("reports_admin.item_report", slug=slug))


def _item_or_404(payload: dict[str, Any], ref: str, version: int) -> dict[str, Any]:
    found = next((i for i in payload.get("items", []) if i["item_ref"] == ref and i["version"] == version), None)
    if found is None:
        abort(404)
    return found


@admin_bp.route("/reports/<slug>/items/<ref>/<int:version>")
def item_report_detail(slug: str, ref: str, version: int) -> str:
    assessment = assessment_or_404(slug)
    current, stale = _payload(assessment)
    stats = with_notes([_item_or_404(current.payload, ref, version)])[0]
    stored = db.session.scalar(
        select(ItemVersion)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(Item.ref == ref, ItemVersion.version == version)
    )
    live = [
        i["information_at_cut"]
        for i in current.payload.get("items", [])
        if i.get("status") == "live" and i.get("information_at_cut") is not None
    ]
    return render_template(
        "reports/admin/item.html",
        assessment=assessment,
        stats=stats,
        stored=stored,
        stale=stale,
        snapshot=current,
        live_information=sum(live) / len(live) if live else None,
    )


@admin_bp.route("/reports/<slug>/items/<ref>/<int:version>/promote", methods=["POST"])
def promote_item(slug: str, ref: str, version: int) -> Response:
    """A pilot item whose statistics are sound goes live: it is scored from the next attempt on."""
    assessment_or_404(slug)
    stored = db.session.scalar(
        select(ItemVersion)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(Item.ref == ref, ItemVersion.version == version)
    )
    if stored is None:
        abort(404)
    if stored.status != "pilot":
        flash(f"{ref} version {version} is {stored.status}, not a pilot item.", "error")
    elif stored.needs_rationale:
        flash(f"{ref} version {version} still needs a rationale; write one in a new version first.", "error")
    else:
        stored.status = "live"
        audit.record(
            acting_user(),
            "item.promoted",
            "item",
            ref,
            before={"status": "pilot"},
            after={"status": "live"},
            note=f"version {version}, from the item analysis of {slug}",
        )
        db.session.commit()
        flash(f"{ref} version {version} is live: it counts towards scores from the next attempt.", "success")
    return redirect(url_for("reports_admin.item_report_detail", slug=slug, ref=ref, version=version))
