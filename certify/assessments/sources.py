"""Reading bank and catalog source files from disk for the core parsers."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from certify.core.catalog import Catalog, parse_sources
from certify.core.source import Problem

REPO_ROOT = Path(__file__).resolve().parents[2]
QUESTION_BANKS = REPO_ROOT / "question_banks"
COMPETENCIES_FILE = QUESTION_BANKS / "competencies.yaml"
YAML_SUFFIXES = (".yaml", ".yml")


def display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def expand(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files named directly, plus YAML files found under directories (sorted)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(raw), 0, "no such file or directory"))
    return list(dict.fromkeys(files)), problems


def read_text(path: Path) -> tuple[str | None, Problem | None]:
    try:
        return path.read_text(encoding="utf-8"), None
    except UnicodeDecodeError as exc:
        return None, Problem(display_name(path), 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        return None, Problem(display_name(path), 0, f"cannot read: {exc.strerror}")


def load_catalog(paths: Iterable[str | Path]) -> Catalog:
    """Parse YAML sources; the repository's competency framework is always included."""
    files, problems = expand(paths)
    if COMPETENCIES_FILE not in [f.resolve() for f in files] and COMPETENCIES_FILE.exists():
        files.insert(0, COMPETENCIES_FILE)
    sources = []
    for path in files:
        if path.suffix not in YAML_SUFFIXES:
            problems.append(
                Problem(display_name(path), 0, "not a YAML file (use `banks import` for GIFT, Aiken or QTI)")
            )
            continue
        text, problem = read_text(path)
        if problem:
            problems.append(problem)
        elif text is not None:
            sources.append((display_name(path), text))
    catalog = parse_sources(sources)
    catalog.problems = sorted(problems + catalog.problems)
    return catalog
