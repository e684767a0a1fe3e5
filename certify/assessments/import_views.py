"""The admin's bank import: upload a file, read the preview of what it will do item by item (choosing a
competency for categories that have none), then confirm. The upload is kept as a blob between the two steps,
named by a signed token bound to the admin, so the confirmation imports exactly the file that was previewed."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms.fields.choices import SelectChoice

from certify import storage
from certify.admin.forms import ImportBankForm
from certify.assessments import admin_bp
from certify.assessments import services as bank_service
from certify.assessments.formats import EXPORT_FORMATS
from certify.assessments.import_files import FileImport, import_file_report, preview_file
from certify.audit import services as audit
from certify.auth.forms import ConfirmForm
from certify.extensions import db
from certify.security.access import acting_user

TOKEN_MAX_AGE = 3600  # a preview is confirmed within the hour, or uploaded again
MAX_CATEGORIES = 500  # categories offered for mapping in one form
SHOWN_PER_ACTION = 200  # plain added or unchanged rows listed before "and N more"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="bank-import")


def _import_form() -> ImportBankForm:
    form = ImportBankForm()
    form.competency.choices = [SelectChoice("", "None: every item must name its own")] + [
        SelectChoice(c.code, f"{c.code}: {c.title}") for c in bank_service.competencies()
    ]
    return form


def _listing(form: ImportBankForm, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "exams/admin/banks.html",
        form=form,
        banks=bank_service.banks(),
        formats=EXPORT_FORMATS,
        submitted=form.is_submitted(),
    )
    return page, status


@admin_bp.route("/banks", methods=["GET", "POST"])
def banks() -> str | tuple[str, int]:
    """The banks, and the upload of a file to import: a valid upload leads to its preview."""
    form = _import_form()
    if not form.validate_on_submit():
        return _listing(form, 400 if form.is_submitted() else 200)
    upload = form.file.data
    data = upload.read()
    options = {
        "name": (upload.filename or "upload")[:200],
        "bank": form.bank_id.data or "",
        "title": form.title.data or "",
        "competency": form.competency.data or "",
    }
    digest = storage.put(data, "application/octet-stream")
    db.session.commit()  # the upload is kept for the confirmation, which may reach another node
    token = _serializer().dumps({**options, "sha": digest, "by": acting_user().id})
    return _preview(token, options, data, {})


def _preview(token: str, options: dict[str, Any], data: bytes, mapping: dict[str, str]) -> tuple[str, int]:
    found = preview_file(
        options["name"],
        data,
        bank_id=options["bank"],
        title=options["title"],
        default_competency=options["competency"],
        category_map=mapping,
    )
    return _report(found, token=token, mapping=mapping, confirmed=False)


def _report(found: FileImport, *, token: str, mapping: dict[str, str], confirmed: bool) -> tuple[str, int]:
    page = render_template(
        "exams/admin/import_preview.html",
        found=found,
        token=token,
        mapping=mapping,
        confirmed=confirmed,
        categories=sorted(set(found.unmapped) | set(mapping))[:MAX_CATEGORIES],
        competencies=bank_service.competencies(),
        shown_per_action=SHOWN_PER_ACTION,
        form=ConfirmForm(),
    )
    failed = found.errors or (confirmed and not found.imported_anything)
    return page, 400 if failed else 200


def _token() -> dict[str, Any]:
    try:
        options = _serializer().loads(request.form.get("token", ""), max_age=TOKEN_MAX_AGE)
    except SignatureExpired:
        abort(410, description="This preview is more than an hour old: upload the file again.")
    except BadSignature:
        abort(400, description="This import form is not valid: upload the file again.")
    if not isinstance(options, dict) or options.get("by") != acting_user().id:
        abort(403)
    return options


def _mapping(codes: set[str]) -> dict[str, str]:
    """The admin's competency per category, from the preview's form (blank: still undecided)."""
    chosen: dict[str, str] = {}
    for index in range(MAX_CATEGORIES):
        if f"category-{index}" not in request.form:
            break
        category = request.form.get(f"category-{index}", "")[:500]
        code = request.form.get(f"competency-{index}", "")
        if code and code not in codes:
            abort(400, description="Choose one of the listed competencies.")
        if code:
            chosen[category] = code
    return chosen


@admin_bp.route("/banks/import", methods=["POST"])
def import_confirm() -> tuple[str, int]:
    """Update the preview with the chosen competencies, or import the previewed file as it says."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400, description="The form expired; upload the file again.")
    options = _token()
    blob = storage.get(str(options.get("sha", "")))
    if blob is None:
        abort(410, description="The uploaded file is no longer kept: upload it again.")
    mapping = _mapping({c.code for c in bank_service.competencies()})
    token = request.form["token"]
    if request.form.get("action") != "import":
        return _preview(token, options, blob.data, mapping)
    actor = acting_user()
    found = import_file_report(
        options["name"],
        blob.data,
        bank_id=options["bank"],
        title=options["title"],
        default_competency=options["competency"],
        category_map=mapping,
        author_id=actor.id,
    )
    if not found.imported_anything:
        db.session.rollback()
        return _report(found, token=token, mapping=mapping, confirmed=True)
    assert found.result is not None
    audit.record(
        actor,
        "bank.imported",
        "bank",
        found.result.bank,
        after={
            "file": options["name"],
            "format": found.detected.label,
            "summary": found.result.summary(),
            "competency_by_category": mapping,
        },
    )
    db.session.commit()
    return _report(found, token=token, mapping=mapping, confirmed=True)
