"""QTI 1.2 import: Canvas classic quizzes and question banks, Blackboard pools and tests.

* `read_qti12`: one `<questestinterop>` document (a Canvas quiz or bank file, a Blackboard `.dat` pool).
* `read_qti12_package`: a Canvas course or quiz export, a Blackboard export, or any zip of QTI 1.2 documents
  (certify.interop.qti12_package).
* `looks_like_qti12` / `is_qti12_package`: for the format detector.

What comes along and what is reported: see certify.interop.qti12_items (types, keys and scoring rules) and
certify.interop.qti12_import (ids, competencies, rationales, warnings).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from certify.core.banks import Bank
from certify.core.source import Problem
from certify.interop.qti12_import import Import, check_bank_id, read_document
from certify.interop.qti12_media import MediaStore
from certify.interop.qti12_package import is_qti12_package, read_qti12_package
from certify.interop.qti12_xml import localise, looks_like_qti12
from certify.interop.qti_xml import parse_xml

__all__ = ["is_qti12_package", "looks_like_qti12", "read_qti12", "read_qti12_package"]


def read_qti12(
    data: bytes,
    filename: str,
    *,
    competencies: Collection[str],
    bank_id: str,
    title: str,
    default_competency: str,
    category_map: Mapping[str, str] | None = None,
) -> tuple[Bank | None, list[Problem]]:
    """A bank from one QTI 1.2 document; (None, [error]) only when the document cannot be read at all.

    Images can only come with a package (see `read_qti12_package`); here they are reported and their
    description shows instead.
    """
    problems = check_bank_id(bank_id, filename)
    if problems:
        return None, problems
    doc, problems = parse_xml(data, filename)
    if doc is None:
        return None, problems
    localise(doc)
    if doc.root.tag != "questestinterop":
        message = f"not a QTI 1.2 document: its root element is <{doc.root.tag}>, not <questestinterop>"
        return None, [Problem(filename, doc.line(doc.root), message)]
    job = Import(filename, competencies, bank_id, default_competency, category_map or {}, MediaStore())
    if not read_document(job, doc, filename, ""):
        return None, [Problem(filename, doc.line(doc.root), "the document has no <item> questions to import")]
    return job.finish(title)
