"""`manage.py import_qualifications FILE [--dry-run] [--json]`: enterprise qualifications (FORMATS.md 1b)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gaoxin.core.importing import ImportCommand, ImportResult
from gaoxin.registry.imports import import_qualifications


class Command(ImportCommand):
    help = "导入企业资质（按统一社会信用代码、资质类型和证书编号或认定日期新增或更新）"
    title = "资质导入"

    def run_import(self, path: Path, *, dry_run: bool, partial: bool, options: dict[str, Any]) -> ImportResult:
        return import_qualifications(path, actor=None, dry_run=dry_run)
