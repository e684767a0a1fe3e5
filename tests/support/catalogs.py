"""Catalogs parsed once per test run.

Parsing YAML is pure (certify/core), so a parse of the same text gives the same catalog:
tests parse each set of sources once and hand every caller a deep copy of its own, so
no test can alter what another one loads. `certify seed` reads question_banks/ through
`repository_catalog`, whose cache is keyed on every file's size and modification time:
a file that changes is parsed again.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from certify.assessments import sources as source_files
from certify.core.catalog import Catalog, parse_sources


@cache
def _parse_once(sources: tuple[tuple[str, str], ...]) -> Catalog:
    return parse_sources([("competencies.yaml", source_files.COMPETENCIES_FILE.read_text()), *sources])


def parsed_catalog(sources: tuple[tuple[str, str], ...]) -> Catalog:
    """The catalog of these (filename, text) sources plus the repository's competencies."""
    return copy.deepcopy(_parse_once(sources))


_read: dict[tuple[object, ...], Catalog] = {}


def _fingerprint(paths: list[str | Path]) -> tuple[object, ...]:
    files, _problems = source_files.expand(paths)
    stats = []
    for path in [source_files.COMPETENCIES_FILE, *files]:
        try:
            status = path.stat()
        except OSError:
            return ()  # unreadable: not cached, so the real read reports it
        stats.append((str(path), status.st_mtime_ns, status.st_size))
    return (tuple(str(p) for p in paths), str(Path.cwd()), *stats)


def repository_catalog(paths: Iterable[str | Path]) -> Catalog:
    """`sources.load_catalog(paths)`, read and parsed once for as long as none of the files changes."""
    paths = list(paths)
    key = _fingerprint(paths)
    if not key:
        return source_files.load_catalog(paths)
    if key not in _read:
        _read[key] = source_files.load_catalog(paths)
    return copy.deepcopy(_read[key])
