"""`manage.py import_zone FILE [--dry-run] [--json]`: the zone's structure (FORMATS.md 1g), adds and renames only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gaoxin.core.importing import ImportCommand, ImportResult
from gaoxin.registry.imports import import_zone


class Command(ImportCommand):
    help = "导入园区结构（工作表：园区、部门、产业、产业链；只新增和改名，不删除）"
    title = "园区结构导入"

    def run_import(self, path: Path, *, dry_run: bool, partial: bool, options: dict[str, Any]) -> ImportResult:
        return import_zone(path, actor=None, dry_run=dry_run)
