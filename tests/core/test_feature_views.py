"""Features meet through services, never through each other's views: no views module imports another feature's."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CERTIFY = Path(__file__).resolve().parents[2] / "certify"


def _is_views(dotted: str) -> bool:
    """`certify.<feature>.views` or `certify.<feature>.<something>_views`."""
    parts = dotted.split(".")
    return len(parts) == 3 and parts[0] == "certify" and (parts[2] == "views" or parts[2].endswith("_views"))


def _views_modules() -> list[Path]:
    return sorted(
        path
        for path in CERTIFY.glob("*/*.py")
        if path.parent.name != "core" and _is_views(f"certify.{path.parent.name}.{path.stem}")
    )


def _imported(source: str, feature: str) -> list[tuple[int, str]]:
    """Every module named by an import anywhere in the source (inside functions too), relative ones resolved."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = ["certify", feature][: max(0, 3 - node.level)]
                base = ".".join(package + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _violations(source: str, feature: str) -> list[str]:
    return [
        f"line {line}: imports {name}"
        for line, name in _imported(source, feature)
        if _is_views(name) and name.split(".")[1] != feature
    ]


def test_there_are_views_modules_to_check():
    assert {p.parent.name for p in _views_modules()} >= {"portfolios", "review", "assessments", "admin"}


@pytest.mark.parametrize("path", _views_modules(), ids=lambda p: str(p.relative_to(CERTIFY)))
def test_views_module_imports_no_other_features_views(path):
    assert _violations(path.read_text(), path.parent.name) == []


@pytest.mark.parametrize(
    "source",
    [
        "from certify.portfolios.views import file_response",
        "from certify.portfolios import views",
        "import certify.portfolios.views",
        "from certify.admin.report_views import chosen_people",
        "def f():\n    from certify.portfolios.views import file_response",
        "from ..portfolios.views import file_response",
        "from ..portfolios import views",
    ],
)
def test_check_catches_an_import_of_another_features_views(source):
    assert _violations(source, "review")


@pytest.mark.parametrize(
    "source",
    [
        "from certify.review.presenting import blind_files",
        "from certify.portfolios import services",
        "from certify.admin.report_views import chosen_people",
        "from .report_views import chosen_people",
        "from certify import storage",
        "from certify.review import views_helpers",
    ],
)
def test_check_allows_services_and_a_features_own_views(source):
    assert _violations(source, "admin") == []
