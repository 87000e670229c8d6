"""`manage.py import_users FILE [--dry-run] [--out FILE] [--json]`: user accounts (FORMATS.md 1f).

Each new user's one-time password is printed once, or written to `--out` (a CSV readable by Excel, created with
owner-only permissions) instead. With --json, standard output holds only the result object, so the passwords
go to standard error unless --out is given.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from gaoxin.accounts.imports import import_users
from gaoxin.core.importing import ImportCommand, ImportResult


class Command(ImportCommand):
    help = "导入用户账号（按用户名新增或更新；新用户获得一次性密码，首次登录须修改）"
    title = "用户导入"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--out", metavar="FILE", help="把新用户的一次性密码写入此CSV文件，而不是打印出来")

    def run_import(self, path: Path, *, dry_run: bool, partial: bool, options: dict[str, Any]) -> ImportResult:
        return import_users(path, actor=None, dry_run=dry_run)

    def report_extra(self, result: ImportResult, options: dict[str, Any]) -> None:
        passwords: list[tuple[str, str, str, str]] = result.extra.get("passwords", [])
        if not passwords:
            return
        out = options.get("out")
        if out:
            target = Path(out)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["用户名", "姓名", "角色", "一次性密码"])
                writer.writerows(passwords)
            if not options.get("json"):
                self.stdout.write(f"{len(passwords)}个新用户的一次性密码已写入 {target}（只此一份，请妥善转交后删除）")
            return
        stream = self.stderr if options.get("json") else self.stdout
        stream.write("新用户的一次性密码（只显示这一次，首次登录须修改）：")
        for username, full_name, role, password in passwords:
            stream.write(f"{username}\t{full_name}\t{role}\t{password}")
