"""`manage.py import_targets FILE [--dry-run] [--json]`: annual targets (FORMATS.md 1e)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gaoxin.core.importing import ImportCommand, ImportResult
from gaoxin.indicators.imports import import_targets


class Command(ImportCommand):
    help = "导入年度目标（按年度、范围、指标和目标类型新增或更新）"
    title = "年度目标导入"

    def run_import(self, path: Path, *, dry_run: bool, partial: bool, options: dict[str, Any]) -> ImportResult:
        return import_targets(path, actor=None, dry_run=dry_run)
