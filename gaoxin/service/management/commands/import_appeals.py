"""`manage.py import_appeals FILE [--dry-run] [--json]`: appeals in bulk (e.g. 12345 hotline work orders)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gaoxin.core.importing import ImportCommand, ImportResult
from gaoxin.service.imports import import_appeals


class Command(ImportCommand):
    help = "批量导入企业诉求（按外部编号，已导入过的不重复登记；有任何错误时不导入）"
    title = "企业诉求导入"

    def run_import(self, path: Path, *, dry_run: bool, partial: bool, options: dict[str, Any]) -> ImportResult:
        return import_appeals(path, actor=None, dry_run=dry_run, filename=path.name)
