"""Bank files in and out: YAML (ours), GIFT, Aiken, Moodle XML and QTI, read in the format their content shows."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from pathlib import PurePath
from typing import Any

import yaml

from certify.core.bank_source import bank_to_document
from certify.core.banks import Bank, parse_bank
from certify.core.catalog import document_kind
from certify.core.source import Problem, load_yaml
from certify.interop.detect import Detected, detect_format

IMPORT_SUFFIXES = (".yaml", ".yml", ".gift", ".txt", ".xml", ".qti", ".dat", ".zip", ".imscc")
EXPORT_FORMATS = {"yaml": ".yaml", "gift": ".gift", "moodle_xml": ".xml", "qti3": ".zip"}


def default_bank_id(filename: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", PurePath(filename).stem).strip("-._")
    return (stem or "imported")[:64]


def _decode(data: bytes, filename: str) -> tuple[str | None, list[Problem]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        return None, [Problem(filename, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]


def read_bank_file(
    filename: str,
    data: bytes,
    *,
    competencies: Collection[str],
    bank_id: str = "",
    title: str = "",
    default_competency: str = "",
    category_map: Mapping[str, str] | None = None,
    detected: Detected | None = None,
) -> tuple[Bank | None, list[Problem]]:
    """Parse one uploaded or named file into a Bank, in the format its content shows (`detect_format`).

    Returns the bank and every problem: errors (then no bank), skipped items and warnings. `competencies` are
    codes or a mapping of code to title; `category_map` is the admin's choice of competency per category.
    """
    detected = detected or detect_format(filename, data)
    options: dict[str, Any] = {
        "competencies": competencies,
        "bank_id": bank_id or default_bank_id(filename),
        "title": title or f"Imported from {PurePath(filename).name}",
        "default_competency": default_competency,
        "category_map": dict(category_map or {}),
    }
    if detected.format == "unknown":
        return None, [
            Problem(
                filename,
                0,
                f"not a bank file Certify reads: {detected.note}. Certify reads GIFT, Aiken, Moodle XML, "
                "QTI 1.2 (Canvas, Blackboard), QTI 2.x and 3.0 items and packages, and its own YAML",
            )
        ]
    if detected.format in _BINARY_READERS:
        return _BINARY_READERS[detected.format]()(data, filename, **options)
    text, problems = _decode(data, filename)
    if text is None:
        return None, problems
    if detected.format == "yaml":
        return _yaml_bank(text, filename, competencies)
    return _TEXT_READERS[detected.format]()(text, filename, **options)


def _yaml_bank(text: str, filename: str, competencies: Collection[str]) -> tuple[Bank | None, list[Problem]]:
    document, problems = load_yaml(text, filename)
    if problems:
        return None, problems
    if document_kind(document) != "bank":
        message = "not a bank file: course modules, assessments and rubrics are loaded with `flask certify seed`"
        return None, [Problem(filename, 1, message)]
    return parse_bank(document, filename, competencies)


def _gift() -> Reader:
    from certify.interop.gift import gift_to_bank

    return gift_to_bank


def _aiken() -> Reader:
    from certify.interop.aiken import aiken_to_bank

    return aiken_to_bank


def _qti_item() -> Reader:
    from certify.interop.qti import read_qti_xml

    return read_qti_xml


def _moodle_xml() -> Reader:
    from certify.interop.moodle_xml import read_moodle_xml

    return read_moodle_xml


def _qti12() -> Reader:
    from certify.interop.qti12 import read_qti12

    return read_qti12


def _qti12_package() -> Reader:
    from certify.interop.qti12 import read_qti12_package

    return read_qti12_package


def _qti_package() -> Reader:
    from certify.interop.qti import read_qti_package

    return read_qti_package


Reader = Callable[..., tuple[Bank | None, list[Problem]]]
# Readers are imported when first used: most requests never read a bank file.
_TEXT_READERS: dict[str, Callable[[], Reader]] = {"gift": _gift, "aiken": _aiken}
_BINARY_READERS: dict[str, Callable[[], Reader]] = {
    "moodle_xml": _moodle_xml,
    "qti_item": _qti_item,
    "qti_package": _qti_package,
    "qti12": _qti12,
    "qti12_package": _qti12_package,
}


class _BlockDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # our reader refuses anchors and aliases: repeat shared values in full


def _text(dumper: yaml.SafeDumper, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _text)


def bank_to_yaml(bank: Bank) -> str:
    return yaml.dump(bank_to_document(bank), Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)


def export_bank(bank: Bank, fmt: str) -> tuple[bytes, list[Problem]]:
    """The bank in a format: yaml, gift or qti3 (a zip package). Warnings say what the format cannot hold."""
    if fmt == "yaml":
        return bank_to_yaml(bank).encode(), []
    if fmt == "gift":
        from certify.interop.gift import bank_to_gift

        text, warnings = bank_to_gift(bank)
        return text.encode(), warnings
    if fmt == "moodle_xml":
        from certify.interop.moodle_xml import bank_to_moodle_xml

        return bank_to_moodle_xml(bank)
    if fmt == "qti3":
        from certify.interop.qti import write_qti3_package

        return write_qti3_package(bank)
    raise ValueError(f"unknown export format {fmt!r}")
