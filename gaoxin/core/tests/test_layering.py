"""Layering rules of STYLE.md, enforced by scanning the source (as Zulip does with its lint rules).

- Views and API endpoints never touch `Model.objects`: reads go through selectors, writes through services.
- Only services (and imports, demo data, migrations) save or delete models.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
VIEW_FILES = sorted(
    p
    for p in PACKAGE.rglob("*.py")
    if (p.name.startswith("views") or p.name == "api.py") and "tests" not in p.parts and ".venv" not in p.parts
)


def _objects_uses(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "objects"]


def _writes(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"save", "delete", "bulk_create", "bulk_update", "update_or_create", "get_or_create"}
        ):
            lines.append(node.lineno)
    return lines


def test_there_are_views_to_check() -> None:
    assert len(VIEW_FILES) >= 4


@pytest.mark.parametrize("path", VIEW_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_views_do_not_query_models_directly(path: Path) -> None:
    assert _objects_uses(path) == [], f"{path}: use a selector instead of Model.objects"


@pytest.mark.parametrize("path", VIEW_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_views_do_not_save_models(path: Path) -> None:
    assert _writes(path) == [], f"{path}: call a service instead of saving in the view"
