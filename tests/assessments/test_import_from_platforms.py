"""Files as other platforms export them, through the whole import: Moodle's GIFT download (a .txt) on the
admin page with its preview and a category mapped there, and a Canvas course export whose image is stored
and shown."""

from __future__ import annotations

import re

from sqlalchemy import select

from certify.assessments.import_files import import_file_report
from certify.assessments.models import Item, ItemMedia, ItemVersion
from certify.extensions import db
from certify.security.sanitize import render_markdown
from tests.support.helpers import confirm_import, sign_in_directly, text, upload_bank
from tests.support.moodle_gift import MOODLE_GIFT
from tests.support.qti12_samples import canvas_course_export


def test_moodles_gift_download_imports_with_its_category_mapped_in_the_preview(app, client, make_user, load_catalog):
    load_catalog()
    sign_in_directly(client, make_user(roles=("admin",)))
    preview = upload_bank(client, "MID cohort 4-20261207-1012.txt", MOODLE_GIFT.encode(), confirm=False)
    page = text(preview)
    assert preview.status_code == 200 and "Read as <strong>GIFT</strong>" in page
    assert "$course$/top/Default for MID cohort 4/Help desk metrics" in page  # offered for mapping
    assert "not a question" in page and "essay" in page  # skips, with their reasons
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    done = confirm_import(client, token, page, {"$course$/top/Default for MID cohort 4/Help desk metrics": "PA"})
    assert done.status_code == 200 and "Imported MID cohort 4-20261207-1012.txt" in text(done)
    with app.app_context():
        versions = db.session.scalars(select(ItemVersion)).all()
        assert {v.competency_code for v in versions} >= {"RA", "EV", "PA"}
        assert {v.status for v in versions} <= {"draft", "live", "pilot"}
        credit = [v for v in versions if v.content["body"].get("credit")]
        assert credit and next(iter(credit[0].content["body"]["credit"].values())) == 0.5


def test_a_canvas_course_export_imports_with_its_image_stored_and_shown(app, client, make_user, load_catalog):
    load_catalog()
    with app.app_context():
        found = import_file_report("course-export.imscc", canvas_course_export(), default_competency="EV")
        assert found.detected.format == "qti12_package" and found.imported_anything, found.problems
        assert found.media == 1 and found.result.skipped > 0
        db.session.commit()
        (media,) = db.session.scalars(select(ItemMedia)).all()
        stem = next(
            v.stem for v in db.session.scalars(select(ItemVersion).join(Item)) if f"media:{media.sha256}" in v.stem
        )
    assert f'src="/media/{media.sha256}"' in render_markdown(stem)
    sign_in_directly(client, make_user(roles=("candidate",)))
    image = client.get(f"/media/{media.sha256}")
    assert image.status_code == 200 and image.mimetype == "image/png"
