"""Bank files in and out: YAML (ours), GIFT, Aiken and QTI, chosen by file extension."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import PurePath
from typing import Any

import yaml

from certify.core.banks import Bank, bank_to_document, parse_bank
from certify.core.catalog import document_kind
from certify.core.source import Problem, load_yaml

IMPORT_SUFFIXES = (".yaml", ".yml", ".gift", ".txt", ".xml", ".zip")
EXPORT_FORMATS = {"yaml": ".yaml", "gift": ".gift", "qti3": ".zip"}


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
) -> tuple[Bank | None, list[Problem]]:
    """Parse one uploaded or named file into a Bank; (None, problems) if anything is wrong."""
    suffix = PurePath(filename).suffix.lower()
    bank_id = bank_id or default_bank_id(filename)
    title = title or f"Imported from {PurePath(filename).name}"
    if suffix not in IMPORT_SUFFIXES:
        return None, [
            Problem(filename, 0, f"unknown file type {suffix or '(none)'}; use one of {', '.join(IMPORT_SUFFIXES)}")
        ]
    if suffix == ".zip":
        from certify.interop.qti import read_qti_package

        return read_qti_package(
            data,
            filename,
            competencies=competencies,
            bank_id=bank_id,
            title=title,
            default_competency=default_competency,
        )
    text, problems = _decode(data, filename)
    if text is None:
        return None, problems
    if suffix in (".yaml", ".yml"):
        document, problems = load_yaml(text, filename)
        if problems:
            return None, problems
        if document_kind(document) != "bank":
            return None, [
                Problem(
                    filename,
                    1,
                    "not a bank file: course modules, assessments and rubrics are loaded with `flask certify seed`",
                )
            ]
        return parse_bank(document, filename, competencies)
    if suffix == ".gift":
        from certify.interop.gift import gift_to_bank

        return gift_to_bank(
            text,
            filename,
            competencies=competencies,
            bank_id=bank_id,
            title=title,
            default_competency=default_competency,
        )
    if suffix == ".txt":
        from certify.interop.aiken import aiken_to_bank

        return aiken_to_bank(
            text,
            filename,
            competencies=competencies,
            bank_id=bank_id,
            title=title,
            default_competency=default_competency,
        )
    from certify.interop.qti import read_qti_xml

    return read_qti_xml(
        data, filename, competencies=competencies, bank_id=bank_id, title=title, default_competency=default_competency
    )


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
    if fmt == "qti3":
        from certify.interop.qti import write_qti3_package

        return write_qti3_package(bank)
    raise ValueError(f"unknown export format {fmt!r}")
