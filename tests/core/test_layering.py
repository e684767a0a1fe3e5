"""certify/core stays pure: no web framework, no database, no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "certify" / "core"
FORBIDDEN_MODULES = {
    "flask",
    "flask_sqlalchemy",
    "flask_login",
    "flask_wtf",
    "flask_migrate",
    "sqlalchemy",
    "werkzeug",
    "requests",
    "urllib",
    "http",
    "socket",
    "subprocess",
    "sqlite3",
    "psycopg",
    "os",
    "shutil",
    "pathlib",
    "io",
    "tempfile",
    "smtplib",
    "certify.extensions",
    "certify.database",
}
FORBIDDEN_CALLS = {"open", "print", "input", "exec", "eval", "__import__"}


def _core_files() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def _violations(source: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_MODULES):
                problems.append(f"line {node.lineno}: imports {name}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            problems.append(f"line {node.lineno}: calls {node.func.id}()")
    return problems


def test_core_has_modules():
    assert _core_files(), "certify/core is empty"


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_is_pure(path):
    assert _violations(path.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "import flask",
        "from sqlalchemy import select",
        "from os import path",
        "data = open('x').read()",
        "import urllib.request",
        "from certify.extensions import db",
    ],
)
def test_layering_check_catches_impurity(source):
    assert _violations(source)
