"""`manage.py import_enterprises FILE [--dry-run] [--partial] [--json]`: the enterprise registry (FORMATS.md 1a)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gaoxin.core.importing import ImportCommand, ImportResult
from gaoxin.registry.imports import import_enterprises


class Command(ImportCommand):
    help = "导入企业名录（按统一社会信用代码新增或更新企业）"
    title = "企业名录导入"
    supports_partial = True

    def run_import(self, path: Path, *, dry_run: bool, partial: bool, options: dict[str, Any]) -> ImportResult:
        return import_enterprises(path, actor=None, dry_run=dry_run, partial=partial)
