"""`manage.py import_annual_facts FILE [--dry-run] [--torch] [--json]`: annual enterprise facts (FORMATS.md 1d)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from gaoxin.core.importing import ImportCommand, ImportResult
from gaoxin.indicators.imports import import_annual_facts


class Command(ImportCommand):
    help = "导入企业年度数据（按统一社会信用代码和年度新增或更新）；--torch 读取火炬统计报表（字段代码，金额为千元）"
    title = "企业年度数据导入"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--torch", action="store_true", help="火炬统计格式：列名为字段代码（如 qc05_0），金额单位千元"
        )

    def run_import(self, path: Path, *, dry_run: bool, partial: bool, options: dict[str, Any]) -> ImportResult:
        return import_annual_facts(path, actor=None, dry_run=dry_run, torch=bool(options.get("torch")))
