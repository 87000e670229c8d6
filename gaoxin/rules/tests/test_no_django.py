"""The engine is plain Python: no module under gaoxin/rules/engine imports Django, directly or through an import."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[1] / "engine"
MODULES = sorted(ENGINE.rglob("*.py"))


def _imported_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_there_are_engine_modules() -> None:
    assert len(MODULES) >= 10


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_engine_module_does_not_import_django(path: Path) -> None:
    offending = [name for name in _imported_names(path) if name == "django" or name.startswith("django.")]
    assert offending == [], f"{path.name} imports {offending}"


def test_engine_runs_without_django_loaded() -> None:
    """Import the engine, compile every shipped rule set and run its cases in a fresh interpreter: Django never
    enters sys.modules (this also catches an indirect import through another package)."""
    code = (
        "import sys\n"
        "from gaoxin.rules.engine import shipped_rulesets, run_test_cases\n"
        "assert all(r.passed for rs in shipped_rulesets() for r in run_test_cases(rs))\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(loaded)\n"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(  # noqa: S603 — our own interpreter on a fixed snippet
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
