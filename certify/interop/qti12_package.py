"""QTI 1.2 packages: Canvas course and quiz exports, Blackboard exports, any zip of `<questestinterop>` files.

A Canvas export lists its quizzes in `imsmanifest.xml` as `imsqti_xmlv1p2` resources (a quiz export:
`<quiz id>/<quiz id>.xml`) or, in a course export, as a Common Cartridge assessment
(`<quiz id>/assessment_qti.xml`, holding only the question types Common Cartridge knows) next to a
`learning-application-resource` with Canvas's full copy (`non_cc_assessments/<quiz id>.xml.qti`) and the quiz
settings (`assessment_meta.xml`, whose title names the quiz). Question banks are `non_cc_assessments/<bank
id>.xml.qti` files with an `<objectbank>`. Blackboard's `res00001.dat` files are QTI 1.2 too. Documents are
found through the manifest and by looking at every file, so a package without a manifest is read as well.

Each quiz is read once (Canvas's full copy wins over the Common Cartridge one), quizzes before banks, and a
bank question that a quiz already brought (Canvas's `assessment_question_identifierref`) is not imported twice.
The package is refused as a whole when it is not a safe zip or when one of its QTI documents cannot be read
(malformed, or with a DTD or entities): its items would otherwise go missing without anyone noticing.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET  # type names only; parsing goes through defusedxml
from collections.abc import Collection, Mapping
from urllib.parse import unquote

from certify.core.banks import Bank
from certify.core.source import Problem
from certify.interop.qti12_import import Import, check_bank_id, read_document
from certify.interop.qti12_media import MediaStore
from certify.interop.qti12_xml import localise, looks_like_qti12, text_of
from certify.interop.qti_xml import Doc, local, parse_xml
from certify.interop.zipsafe import open_zip

MANIFEST = "imsmanifest.xml"
QUIZ_SETTINGS = "assessment_meta.xml"
RESOURCE_TYPES = ("imsqti_xmlv1p2", "associatedcontent/imscc_xmlv1p1/learning-application-resource", "assessment/x-bb")
DOCUMENT_SUFFIXES = (".xml", ".qti", ".dat")
HEAD = 4096


def _is_document(name: str, data: bytes) -> bool:
    return name.lower().endswith(DOCUMENT_SUFFIXES) and looks_like_qti12(data[:HEAD])


def is_qti12_package(members: Mapping[str, bytes]) -> bool:
    """Whether a zip's files (name -> content) hold QTI 1.2: a manifest listing it, or a QTI 1.2 document."""
    for name, data in members.items():
        if posixpath.basename(name) == MANIFEST and b"imsqti_xmlv1p2" in data:
            return True
    return any(_is_document(name, data) for name, data in members.items())


def _manifest_files(members: Mapping[str, bytes], filename: str) -> tuple[list[str], set[str], list[Problem]]:
    """The files the top-level manifest's QTI 1.2 resources name, in its order, and those that must be QTI 1.2."""
    manifests = sorted((n for n in members if posixpath.basename(n) == MANIFEST and n.count("/") <= 1), key=len)
    if not manifests:
        return [], set(), []
    doc, problems = parse_xml(members[manifests[0]], f"{filename}/{manifests[0]}")
    if doc is None:
        return [], set(), problems
    base = posixpath.dirname(manifests[0])
    files: list[str] = []
    required: set[str] = set()
    for resource in (e for e in doc.root.iter() if isinstance(e.tag, str) and local(e.tag) == "resource"):
        kind = resource.get("type", "")
        if not kind.startswith(RESOURCE_TYPES):
            continue
        hrefs = [resource.get("href", "")] + [f.get("href", "") for f in resource if local(str(f.tag)) == "file"]
        paths = [posixpath.normpath(posixpath.join(base, unquote(href))) for href in hrefs if href]
        files += paths
        if kind.startswith("imsqti_xmlv1p2"):  # a quiz: its file is QTI 1.2, whatever its first bytes look like
            required.update(path for path in paths if path in members)
    return list(dict.fromkeys(files)), required, []


def _quiz_titles(members: Mapping[str, bytes], filename: str) -> tuple[dict[str, str], list[Problem]]:
    """Canvas quiz titles from assessment_meta.xml, by quiz identifier."""
    titles: dict[str, str] = {}
    problems: list[Problem] = []
    for name in sorted(n for n in members if posixpath.basename(n) == QUIZ_SETTINGS):
        doc, found = parse_xml(members[name], f"{filename}/{name}")
        if doc is None:
            message = f"the quiz settings could not be read ({found[0].message}); the quiz's own title is used"
            problems.append(Problem(found[0].file, found[0].line, message, "warning"))
            continue
        localise(doc)
        title = text_of(doc.root.find("title"))
        if doc.root.tag == "quiz" and doc.root.get("identifier") and title:
            titles[doc.root.get("identifier", "")] = title
    return titles, problems


def _has_canvas_types(doc: Doc) -> bool:
    return any(text_of(label) == "question_type" for label in doc.root.iter("fieldlabel"))


def _assessments(doc: Doc) -> set[str]:
    return {a.get("ident", "") for a in doc.root.iter("assessment") if a.get("ident")}


def _without_cc_copies(docs: list[tuple[str, Doc]]) -> list[tuple[str, Doc]]:
    """Leave out the Common Cartridge copy of a quiz whose full Canvas copy is in the package too."""
    full = {ident for _name, doc in docs if _has_canvas_types(doc) for ident in _assessments(doc)}
    kept = []
    for name, doc in docs:
        idents = _assessments(doc)
        if idents and idents <= full and not _has_canvas_types(doc):
            continue
        kept.append((name, doc))
    return kept


def _is_bank(element: ET.Element) -> bool:
    return element.find("objectbank") is not None and element.find("assessment") is None


def read_qti12_package(
    data: bytes,
    filename: str,
    *,
    competencies: Collection[str],
    bank_id: str,
    title: str,
    default_competency: str,
    category_map: Mapping[str, str] | None = None,
) -> tuple[Bank | None, list[Problem]]:
    """A bank from a zip of QTI 1.2 documents and the images they show; (None, [error]) when it cannot be read."""
    problems = check_bank_id(bank_id, filename)
    if problems:
        return None, problems
    members, problems = open_zip(data, filename)
    if problems:
        return None, problems
    listed, required, problems = _manifest_files(members, filename)
    if problems:
        return None, problems
    names = [
        n
        for n in dict.fromkeys([*listed, *sorted(members)])
        if n in required or (n in members and _is_document(n, members[n]))
    ]
    if not names:
        return None, [Problem(filename, 0, "the package has no QTI 1.2 documents (<questestinterop>) to import")]
    docs: list[tuple[str, Doc]] = []
    for name in names:
        doc, problems = parse_xml(members[name], f"{filename}/{name}")
        if doc is None:
            return None, problems
        localise(doc)
        if doc.root.tag != "questestinterop":
            message = f"the manifest lists it as QTI 1.2, but its root element is <{doc.root.tag}>"
            return None, [Problem(f"{filename}/{name}", doc.line(doc.root), message)]
        docs.append((name, doc))
    titles, warnings = _quiz_titles(members, filename)
    job = Import(filename, competencies, bank_id, default_competency, category_map or {}, MediaStore(members))
    job.problems.extend(warnings)
    count = 0
    for name, doc in sorted(_without_cc_copies(docs), key=lambda named: _is_bank(named[1].root)):
        count += read_document(job, doc, f"{filename}/{name}", posixpath.dirname(name), titles)
    if not count:
        return None, [Problem(filename, 0, "the package's QTI 1.2 documents have no <item> questions to import")]
    return job.finish(title)
