"""Removing identifying metadata from evidence files, so the copy assessors get does not name the candidate.

Evidence is renamed for assessors, but its bytes can still carry the author's
name and email: a PDF's Info dictionary and XMP stream, an Office file's
document properties and comment authors, a photo's EXIF, XMP and IPTC. Each
kind is rewritten here by a library that understands it (pikepdf for PDF, the
zip and XML parts for Office files, Pillow for images) rather than patched in
place. A file that cannot be rewritten is refused at upload: the original is
never handed out in its place.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import pikepdf
from PIL import Image, ImageOps, JpegImagePlugin

# Replacement document properties: valid, and empty of any person, company or path.
EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
)
DROPPED_PARTS = ("docProps/custom.xml",)
THUMBNAIL = re.compile(r"^docProps/thumbnail\.\w+$")
# Who wrote, commented on or changed an Office part: attributes (w:author, w15:userId, displayName…) and
# the <author> elements of spreadsheet comments. Blanked, so the document stays well formed.
PERSON_ATTRIBUTE = re.compile(rb'\b((?:\w+:)?(?:author|initials|userId|providerId|displayName|userName))="[^"]*"')
AUTHOR_ELEMENT = re.compile(rb"(<(?:\w+:)?author>)[^<]*(</(?:\w+:)?author>)")
ABSOLUTE_PATH = re.compile(rb'(<(?:\w+:)?absPath\b[^>]*?\burl=")[^"]*(")')
FILE_TARGET = re.compile(rb'Target="file:[^"]*"')
DROPPED_REFERENCE = re.compile(
    rb"<(?:Override|Relationship)\b[^>]*(?:docProps/custom\.xml|docProps/thumbnail\.\w+)[^>]*/>"
)
IMAGE_MEMBER = re.compile(r"\.(png|jpe?g)$", re.IGNORECASE)
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries carry no upload or editing time either
# Decoding needs width x height x 4 bytes: a small file of huge dimensions must not take the server's memory.
MAX_IMAGE_PIXELS = 40_000_000


class ScrubFailed(ValueError):
    """The file could not be rewritten without its metadata; the message says so to the person uploading it."""


def scrub(kind: str, data: bytes, name: str) -> bytes:
    """A copy of `data` (of a kind from certify.security.uploads) without identifying metadata."""
    scrubber = SCRUBBERS.get(kind)
    if scrubber is None:
        raise ScrubFailed(f"{name}: files of this type cannot be prepared for blind assessment.")
    try:
        return scrubber(data)
    except ScrubFailed as exc:
        raise ScrubFailed(f"{name}: {exc}") from exc
    # Parsers of hostile files fail in many ways (qpdf, zlib, XML, image decoders); any of them means
    # the file cannot be cleaned, and the caller must then refuse it rather than pass the original on.
    except Exception as exc:
        raise ScrubFailed(
            f"{name} could not be read completely (it may be damaged or password-protected), so its "
            "author details cannot be removed before assessors see it. Save or export it again and "
            "upload the new copy."
        ) from exc


def scrub_pdf(data: bytes) -> bytes:
    """Drop the Info dictionary, every XMP metadata stream, page-piece data and annotation authors."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for key in ("/Info", "/ID"):
            if key in pdf.trailer:
                del pdf.trailer[key]
        for obj in pdf.objects:
            _clean_pdf_object(obj)
        out = io.BytesIO()
        # Streams are copied as they are, never decoded: a small file must not inflate to gigabytes here.
        pdf.save(
            out,
            deterministic_id=True,
            fix_metadata_version=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
        )
    cleaned = out.getvalue()
    with pikepdf.open(io.BytesIO(cleaned)):  # the result must itself be a readable PDF
        pass
    return cleaned


def _clean_pdf_object(obj: object) -> None:
    """Clean one object and the direct objects nested in it (indirect ones are visited on their own)."""
    if isinstance(obj, pikepdf.Array):
        for child in obj:
            if isinstance(child, pikepdf.Array | pikepdf.Dictionary) and not child.is_indirect:
                _clean_pdf_object(child)
        return
    if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        return
    for key in ("/Metadata", "/PieceInfo", "/LastModified"):
        if key in obj:
            del obj[key]
    # A markup annotation's /T is its author; a form widget's /T is the field name, which stays.
    if "/T" in obj and "/Rect" in obj and "/Subtype" in obj and obj.get("/Subtype") != "/Widget" and "/FT" not in obj:
        del obj["/T"]
    for key in list(obj.keys()):
        child = obj.get(key)
        if isinstance(child, pikepdf.Array | pikepdf.Dictionary) and not child.is_indirect:
            _clean_pdf_object(child)


def scrub_office(data: bytes) -> bytes:
    """Rewrite an Office (OOXML) zip: empty document properties, no custom ones, blank comment authors."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            name = info.filename
            if name in DROPPED_PARTS or THUMBNAIL.match(name) or info.is_dir():
                continue
            body = source.read(info)
            if name == "docProps/core.xml":
                body = EMPTY_CORE
            elif name == "docProps/app.xml":
                body = EMPTY_APP
            elif IMAGE_MEMBER.search(name):
                body = scrub_image(body)
            elif name.endswith((".xml", ".rels", ".vml")):
                body = _without_people(body)
            target.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME), body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _without_people(body: bytes) -> bytes:
    body = PERSON_ATTRIBUTE.sub(rb'\1=""', body)
    body = AUTHOR_ELEMENT.sub(rb"\1\2", body)
    body = ABSOLUTE_PATH.sub(rb"\1\2", body)
    body = FILE_TARGET.sub(b'Target="file:///"', body)
    return DROPPED_REFERENCE.sub(b"", body)


def scrub_image(data: bytes) -> bytes:
    """Re-encode the pixels alone: no EXIF, XMP, IPTC, ICC or text chunks. A JPEG keeps its quantisation."""
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            raise ScrubFailed(
                f"the image is {width} x {height} pixels; images can have at most "
                f"{MAX_IMAGE_PIXELS // 1_000_000} million pixels. Scale it down and upload it again."
            )
        image.load()
        kind = "JPEG" if image.format == "MPO" else image.format  # phone cameras write JPEGs with extra frames
        upright = ImageOps.exif_transpose(image)  # the photo still looks the way it did without its Orientation tag
        clean = upright.copy()
        clean.info = {}
        out = io.BytesIO()
        if kind == "JPEG":
            assert isinstance(image, JpegImagePlugin.JpegImageFile)
            sampling = JpegImagePlugin.get_sampling(image)
            clean.save(out, "JPEG", qtables=image.quantization, subsampling=sampling)
        elif kind == "PNG":
            transparency = image.info.get("transparency")
            options = {"transparency": transparency} if transparency is not None else {}
            clean.save(out, "PNG", **options)
        else:
            raise ValueError(f"unexpected image format {kind}")
    return out.getvalue()


SCRUBBERS: dict[str, Callable[[bytes], bytes]] = {
    "pdf": scrub_pdf,
    "docx": scrub_office,
    "xlsx": scrub_office,
    "png": scrub_image,
    "jpeg": scrub_image,
}
