"""`manage.py import_checks FILE [--dry-run] [--json]`: verified yes/no matters of enterprises (核实事项)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gaoxin.core.importing import ImportCommand, ImportResult
from gaoxin.registry.imports import import_checks


class Command(ImportCommand):
    help = "导入核实事项（按统一社会信用代码和核实事项新增或更新：是否发生重大事故、是否列入严重违法失信名单等）"
    title = "核实事项导入"

    def run_import(self, path: Path, *, dry_run: bool, partial: bool, options: dict[str, Any]) -> ImportResult:
        return import_checks(path, actor=None, dry_run=dry_run)
