"""`manage.py import_indicators FILE [--dry-run] [--cumulative] [--json]`: monthly indicators (FORMATS.md 1c)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from gaoxin.core.importing import ImportCommand, ImportResult
from gaoxin.indicators.imports import import_indicators


class Command(ImportCommand):
    help = "导入月度经济指标（按统一社会信用代码、统计期和指标新增或更新；列名含“(累计)”或“1-N月”的为累计数）"
    title = "月度指标导入"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--cumulative", action="store_true", help="所有指标列均为1-N月累计数")

    def run_import(self, path: Path, *, dry_run: bool, partial: bool, options: dict[str, Any]) -> ImportResult:
        return import_indicators(path, actor=None, dry_run=dry_run, cumulative=bool(options.get("cumulative")))
