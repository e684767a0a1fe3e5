"""Evidence files with a candidate's name and email planted in every metadata place, and a scanner for them.

The scanner looks at the bytes as downloaded and inside them: zip members, PDF
objects and streams (decompressed), PNG text chunks (inflated), each in the
encodings metadata uses (ASCII/UTF-8, UTF-16 both ways, and hex for PDF strings).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pikepdf
from PIL import Image, PngImagePlugin

NAME = "Ottoline Featherstonehaugh"
EMAIL = "ottoline.f@example.net"
PLANTED = (NAME, EMAIL, "Featherstonehaugh")
WHO = f"{NAME} <{EMAIL}>"


def pdf_with_metadata() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    pdf.docinfo = pdf.make_indirect(
        pikepdf.Dictionary(
            Author=NAME, Creator=WHO, Producer=WHO, Title=f"Portfolio of {NAME}", Subject=EMAIL, Keywords=WHO
        )
    )
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:creator"] = [NAME]
        xmp["dc:rights"] = WHO
        xmp["xmp:CreatorTool"] = WHO
        xmp["pdf:Producer"] = EMAIL
    page = pdf.pages[0]
    page.obj["/PieceInfo"] = pikepdf.Dictionary(Editor=pikepdf.Dictionary(Private=pikepdf.String(WHO)))
    page.obj["/Annots"] = pdf.make_indirect(
        pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Text,
                    Rect=[10, 10, 30, 30],
                    T=pikepdf.String(NAME),
                    Contents=pikepdf.String("Check the baseline."),
                )
            ]
        )
    )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = NAME  # Artist
    exif[0x8298] = WHO  # Copyright
    exif[0x010E] = f"Photo by {EMAIL}"  # ImageDescription
    exif[0x9C9D] = NAME.encode("utf-16-le") + b"\x00\x00"  # XPAuthor, UTF-16
    exif[0x0112] = 1  # Orientation
    return exif


XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{WHO}</dc:creator>'
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
).encode()


def _iptc_segment() -> bytes:
    """An APP13 (Photoshop/IPTC) segment with the By-line record."""
    record = b"\x1c\x02\x50" + struct.pack(">H", len(NAME)) + NAME.encode()
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_metadata() -> bytes:
    image = Image.new("RGB", (24, 16), (200, 120, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=_exif().tobytes(), comment=WHO.encode(), xmp=XMP, quality=90)
    data = out.getvalue()
    return data[:2] + _iptc_segment() + data[2:]


def png_with_metadata() -> bytes:
    image = Image.new("RGBA", (16, 16), (10, 200, 90, 255))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", NAME)
    info.add_text("Comment", WHO, zip=True)  # zTXt
    info.add_itxt("Copyright", WHO, lang="en", tkey="Copyright", zip=True)  # compressed iTXt
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, exif=_exif().tobytes())
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def _doc_props(title: str) -> dict[str, bytes]:
    core = (
        '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title><dc:creator>{NAME}</dc:creator>'
        f"<cp:lastModifiedBy>{EMAIL}</cp:lastModifiedBy><cp:keywords>{WHO}</cp:keywords></cp:coreProperties>"
    )
    app = (
        '<?xml version="1.0" encoding="UTF-8"?><Properties '
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Company>{NAME} Consulting</Company><Manager>{EMAIL}</Manager></Properties>"
    )
    custom = (
        '<?xml version="1.0" encoding="UTF-8"?><Properties '
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="Owner">'
        f"<vt:lpwstr>{WHO}</vt:lpwstr></property></Properties>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="{main}"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'extended-properties" Target="docProps/app.xml"/>'
        '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'custom-properties" Target="docProps/custom.xml"/></Relationships>'
    )
    return {
        "docProps/core.xml": core.encode(),
        "docProps/app.xml": app.encode(),
        "docProps/custom.xml": custom.encode(),
        "_rels/.rels": rels.encode(),
    }


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/docProps/custom.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>'
)


def docx_with_metadata() -> bytes:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = (
        f'<w:document {w}><w:body><w:p><w:ins w:id="1" w:author="{NAME}" w:date="2026-01-01T00:00:00Z">'
        "<w:r><w:t>Baseline: 6.8 days.</w:t></w:r></w:ins></w:p></w:body></w:document>"
    )
    comments = f'<w:comments {w}><w:comment w:id="0" w:author="{NAME}" w:initials="OF"><w:p/></w:comment></w:comments>'
    people = (
        '<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
        f'<w15:person w15:author="{NAME}"><w15:presenceInfo w15:providerId="AD" w15:userId="{EMAIL}"/>'
        "</w15:person></w15:people>"
    )
    props = _doc_props("Design portfolio")
    rels = props["_rels/.rels"].decode().format(main="word/document.xml").encode()
    photo = jpeg_with_metadata()
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            **props,
            "_rels/.rels": rels,
            "word/document.xml": document.encode(),
            "word/comments.xml": comments.encode(),
            "word/people.xml": people.encode(),
            "word/media/image1.jpeg": photo,
        }
    )


def xlsx_with_metadata() -> bytes:
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    workbook = (
        f'<workbook {main} xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac">'
        f'<fileSharing userName="{NAME}"/><x15ac:absPath url="C:\\Users\\{NAME}\\Documents\\"/>'
        "<sheets/></workbook>"
    )
    comments = f"<comments {main}><authors><author>{NAME}</author><author>{EMAIL}</author></authors></comments>"
    person = (
        '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
        f'<person displayName="{NAME}" id="{{1}}" userId="{EMAIL}" providerId="AD"/></personList>'
    )
    props = _doc_props("Evaluation data")
    rels = props["_rels/.rels"].decode().format(main="xl/workbook.xml").encode()
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            **props,
            "_rels/.rels": rels,
            "xl/workbook.xml": workbook.encode(),
            "xl/comments1.xml": comments.encode(),
            "xl/persons/person.xml": person.encode(),
        }
    )


PLANTED_FILES = {
    "ottoline-portfolio.pdf": pdf_with_metadata,
    "ottoline-report.docx": docx_with_metadata,
    "ottoline-data.xlsx": xlsx_with_metadata,
    "ottoline-chart.png": png_with_metadata,
    "ottoline-photo.jpg": jpeg_with_metadata,
}


def _forms(text: str) -> list[bytes]:
    forms = [text.encode(), text.encode("utf-16-le"), text.encode("utf-16-be")]
    return forms + [f.hex().encode() for f in forms] + [f.hex().upper().encode() for f in forms]


def _found_in(blob: bytes) -> set[str]:
    lowered = blob.lower()
    return {text for text in PLANTED for form in _forms(text) if form.lower() in lowered}


def _png_chunks(data: bytes) -> list[bytes]:
    bodies, offset = [], 8
    while offset + 8 <= len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if kind == b"zTXt":
            bodies.append(zlib.decompress(body.split(b"\x00", 1)[1][1:]))
        elif kind == b"iTXt":
            _keyword, rest = body.split(b"\x00", 1)
            compressed, text = rest[0], rest[2:].split(b"\x00", 2)[2]
            bodies.append(zlib.decompress(text) if compressed else text)
        elif kind == b"iCCP":
            bodies.append(zlib.decompress(body.split(b"\x00", 1)[1][1:]))
    return bodies


def leaks(data: bytes) -> set[str]:
    """Every planted string found anywhere in `data` or inside it."""
    found = _found_in(data)
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                found |= leaks(archive.read(member))
    elif data.startswith(b"%PDF-"):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            found |= _found_in(repr(pdf.trailer).encode()) | _found_in(repr(pdf.docinfo).encode())
            for obj in pdf.objects:
                found |= _found_in(repr(obj).encode())
                if isinstance(obj, pikepdf.Stream):
                    found |= _found_in(obj.read_bytes())
    elif data.startswith(b"\x89PNG"):
        for body in _png_chunks(data):
            found |= _found_in(body)
    return found
