"""What runs in worker processes (signing, rendering) imports no web framework and no database layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "certify"
WORKER_FILES = [
    *sorted((ROOT / "credentials").glob("*.py")),
    ROOT / "certificates" / "pdf.py",
    ROOT / "certificates" / "production.py",
]
FORBIDDEN = ("flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug", "certify.extensions", "certify.database")


@pytest.mark.parametrize("path", WORKER_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_worker_code_stays_framework_free(path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    bad = sorted(name for name in imported if name.split(".")[0] in FORBIDDEN or name in FORBIDDEN)
    assert bad == [], f"{path.name} imports {bad}; keep it runnable in a worker process without the app"
