"""Evidence reaches assessors without the candidate's name or email in its bytes; the candidate keeps the original."""

from __future__ import annotations

import io

import pytest

from certify.auth.models import User
from certify.database import utcnow
from certify.extensions import db
from certify.portfolios.models import Attachment, PortfolioVersion
from certify.review import appeals
from certify.security.scrub import ScrubFailed, scrub
from tests.security.test_uploads import PDF
from tests.support.helpers import post_form, text
from tests.support.planted_metadata import PLANTED, PLANTED_FILES, leaks
from tests.support.portfolios import calibrate

ORIGINALS = {name: make() for name, make in PLANTED_FILES.items()}


def _upload(client, name, data):
    return post_form(client, "/portfolio/files", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _downloads(client, allocation_id):
    """Every file the allocation's page offers, as downloaded (the page itself names none of them)."""
    page = text(client.get(f"/review/allocations/{allocation_id}")).lower()
    assert "ottoline" not in page and not any(planted.lower() in page for planted in PLANTED)
    got, position = [], 1
    while (response := client.get(f"/review/allocations/{allocation_id}/files/{position}")).status_code == 200:
        got.append(response.data)
        position += 1
    return got


def test_originals_carry_the_planted_name_and_email_everywhere():
    for name, data in ORIGINALS.items():
        assert leaks(data) == set(PLANTED), name


def test_every_assessor_downloads_evidence_without_identifying_metadata(world, make_user):
    calibrate(world.app, world.assessors[2])
    candidate = world.client_for(world.candidate)
    for name, data in ORIGINALS.items():
        assert _upload(candidate, name, data).status_code == 302, name
    version_id = world.submit()
    first, second = world.allocations(version_id)
    downloaded = {"first": _downloads(world.client_for(world.assessors[0]), first.id)}
    downloaded["second"] = _downloads(world.client_for(world.assessors[1]), second.id)

    world.review(first.id, world.levels(4))
    world.review(second.id, world.levels(1))  # too far apart: an adjudicator decides
    adjudication = next(a for a in world.allocations(version_id) if a.role == "adjudicator")
    downloaded["adjudicator"] = _downloads(world.client_for(world.adjudicator), adjudication.id)
    world.review(adjudication.id, world.levels(2))

    officer = make_user(roles=("admin",))
    with world.app.app_context():
        version = db.session.get(PortfolioVersion, version_id)
        candidate_user = db.session.get(User, world.candidate.id)
        appeal = appeals.lodge(
            candidate_user, version, "My evidence for every criterion was overlooked. " * 3, utcnow()
        )
        allocation = appeals.allocate(officer, appeal, db.session.get(User, world.assessors[2].id))
        db.session.commit()
        appeal_allocation = allocation.id
    downloaded["appeal"] = _downloads(world.client_for(world.assessors[2]), appeal_allocation)

    for who, files in downloaded.items():
        assert len(files) == len(ORIGINALS), who
        for data in files:
            assert leaks(data) == set(), who
    with world.app.app_context():
        mine = db.session.query(Attachment).order_by(Attachment.id).all()
        assert all(a.blind_sha256 and a.blind_sha256 != a.blob_sha256 for a in mine)
        ids = [a.id for a in mine]
    for attachment_id, original in zip(ids, ORIGINALS.values(), strict=True):
        assert candidate.get(f"/portfolio/files/{attachment_id}").data == original


def test_the_cleaned_files_still_open_as_what_they_are():
    import zipfile

    import pikepdf
    from PIL import Image

    for name, data in ORIGINALS.items():
        kind = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "png": "png", "jpg": "jpeg"}[name.rsplit(".", 1)[1]]
        cleaned = scrub(kind, data, name)
        if kind == "pdf":
            with pikepdf.open(io.BytesIO(cleaned)) as pdf:
                assert len(pdf.pages) == 1 and "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
        elif kind in ("docx", "xlsx"):
            with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
                assert "docProps/custom.xml" not in archive.namelist()
                assert b"custom.xml" not in archive.read("[Content_Types].xml") + archive.read("_rels/.rels")
        else:
            with Image.open(io.BytesIO(data)) as before, Image.open(io.BytesIO(cleaned)) as after:
                assert after.size == before.size and not after.getexif() and "comment" not in after.info
                if kind == "png":
                    assert after.convert("RGBA").tobytes() == before.convert("RGBA").tobytes()


def test_a_file_that_cannot_be_cleaned_is_refused_at_upload_and_nothing_is_stored(world):
    damaged = b"%PDF-1.4\n" + b"this is not a PDF body " * 20 + b"\n%%EOF\n"
    response = _upload(world.client_for(world.candidate), "broken.pdf", damaged)
    assert response.status_code == 400
    assert "author details cannot be removed" in text(response).replace("&#39;", "'")
    with world.app.app_context():
        assert db.session.query(Attachment).count() == 0
    with pytest.raises(ScrubFailed):
        scrub("jpeg", b"\xff\xd8\xff\xe0 truncated \xff\xd9", "photo.jpg")


def test_a_file_uploaded_before_cleaning_existed_is_cleaned_on_first_download(world):
    candidate = world.client_for(world.candidate)
    assert _upload(candidate, "plan.pdf", ORIGINALS["ottoline-portfolio.pdf"]).status_code == 302
    assert _upload(candidate, "sign-off.pdf", PDF).status_code == 302
    with world.app.app_context():
        for attachment in db.session.query(Attachment):
            attachment.blind_sha256 = None  # as migration 0010 leaves older files
        db.session.commit()
    version_id = world.submit()
    first, _second = world.allocations(version_id)
    files = _downloads(world.client_for(world.assessors[0]), first.id)
    assert len(files) == 2 and all(leaks(data) == set() for data in files)
    with world.app.app_context():
        assert all(a.blind_sha256 for a in db.session.query(Attachment))


def test_a_phone_photo_with_extra_frames_is_cleaned_as_a_jpeg():
    from PIL import Image

    from tests.support.planted_metadata import WHO, _exif

    out = io.BytesIO()
    first, depth = Image.new("RGB", (20, 10), (1, 2, 3)), Image.new("RGB", (20, 10), (9, 9, 9))
    first.save(out, "MPO", save_all=True, append_images=[depth], exif=_exif().tobytes(), comment=WHO.encode())
    assert leaks(out.getvalue()) == set(PLANTED)
    cleaned = scrub("jpeg", out.getvalue(), "IMG_0001.jpg")
    assert leaks(cleaned) == set()
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "JPEG" and image.size == (20, 10)


def test_an_image_too_large_to_decode_safely_is_refused_with_its_size():
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")  # a few kB on disk, 48 million pixels in memory
    with pytest.raises(ScrubFailed, match=r"plan\.png: the image is 8000 x 6000 pixels"):
        scrub("png", out.getvalue(), "plan.png")


def test_pdf_metadata_packed_in_compressed_object_streams_is_removed_too():
    import pikepdf

    from tests.support.planted_metadata import pdf_with_metadata

    with pikepdf.open(io.BytesIO(pdf_with_metadata())) as pdf:
        packed = io.BytesIO()
        pdf.save(packed, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert leaks(packed.getvalue()) == set(PLANTED)
    assert leaks(scrub("pdf", packed.getvalue(), "packed.pdf")) == set()
