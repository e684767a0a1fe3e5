"""Feature boundaries: no views module imports another feature's views; no import cycles inside a feature.

Features meet through services (DESIGN.md). Imports inside functions count too: a deferred import still
couples the two modules, it only hides the cycle from the interpreter.
"""

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
    """Every name an import anywhere in the source (inside functions too) may denote, relative ones resolved.

    `from a.b import c` yields both `a.b` and `a.b.c`: c may be a module or a name defined in a.b.
    """
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
    assert {p.parent.name for p in _views_modules()} >= {"portfolios", "review", "assessments", "admin", "reports"}


def _imports_demo(source: str, feature: str) -> list[str]:
    return [
        f"line {line}: imports {name}" for line, name in _imported(source, feature) if name.startswith("certify.demo")
    ]


@pytest.mark.parametrize(
    "path",
    sorted(p for p in CERTIFY.rglob("*.py") if p.relative_to(CERTIFY).parts[0] not in ("demo", "seed.py")),
    ids=lambda p: str(p.relative_to(CERTIFY)),
)
def test_no_feature_imports_the_demo(path):
    """`certify.demo` builds on the features; only the `certify seed --demo` command calls it."""
    assert _imports_demo(path.read_text(), path.parent.name) == []


def test_demo_check_catches_an_import_of_the_demo():
    assert _imports_demo("def f():\n    from certify.demo.course import complete_course", "course")
    assert _imports_demo("from certify import demo", "course")


def test_create_app_imports_nothing_for_its_side_effects():
    """Features attach their own routes and rules (certify/feature.py): the app factory only registers them."""
    source = (CERTIFY / "__init__.py").read_text()
    assert "noqa: F401" not in source
    assert "WRITING_READS" not in source


@pytest.mark.parametrize("path", _views_modules(), ids=lambda p: str(p.relative_to(CERTIFY)))
def test_views_module_imports_no_other_features_views(path):
    assert _violations(path.read_text(), path.parent.name) == []


@pytest.mark.parametrize(
    "source",
    [
        "from certify.portfolios.views import file_response",
        "from certify.portfolios import views",
        "import certify.portfolios.views",
        "from certify.reports.admin_views import chosen_people",
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
        "from certify.admin.views import index",
        "from .work_queue import work_queue",
        "from certify import storage",
        "from certify.review import views_helpers",
    ],
)
def test_check_allows_services_and_a_features_own_views(source):
    assert _violations(source, "admin") == []


def _feature_modules() -> dict[str, Path]:
    """certify.<feature>.<module> -> file, for every module directly inside a feature package."""
    return {
        f"certify.{path.parent.name}.{path.stem}": path
        for path in CERTIFY.glob("*/*.py")
        if path.stem != "__init__" and path.parent.name != "core"
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of a graph: each strongly connected set of two or more modules, sorted."""
    order: dict[str, int] = {}
    reach: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = reach[module] = len(order)
        stack.append(module)
        for target in sorted(graph[module]):
            if target not in order:
                visit(target)
                reach[module] = min(reach[module], reach[target])
            elif target in stack:
                reach[module] = min(reach[module], order[target])
        if reach[module] == order[module]:
            members = []
            while True:
                member = stack.pop()
                members.append(member)
                if member == module:
                    break
            if len(members) > 1:
                found.append(sorted(members))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return found


def _feature_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    """Which modules of the same feature each module imports."""
    graph: dict[str, set[str]] = {}
    for module, source in sources.items():
        feature = module.split(".")[1]
        graph[module] = {name for _line, name in _imported(source, feature) if name in sources and name != module}
        graph[module] = {name for name in graph[module] if name.split(".")[1] == feature}
    return graph


def test_no_feature_has_an_import_cycle_among_its_modules():
    sources = {module: path.read_text() for module, path in _feature_modules().items()}
    assert _cycles(_feature_graph(sources)) == []


def test_cycle_check_catches_a_deferred_import_back():
    sources = {
        "certify.review.reviewing": "def submit():\n    from certify.review.appeals import decide_appeal\n",
        "certify.review.appeals": "from certify.review.reviewing import ReviewError\n",
        "certify.review.services": "",
    }
    assert _cycles(_feature_graph(sources)) == [["certify.review.appeals", "certify.review.reviewing"]]
    sources["certify.review.appeals"] = "from certify.review.services import ReviewError\n"
    assert _cycles(_feature_graph(sources)) == []
