"""`manage.py demo_accounts`: the demo accounts written by `seed_demo`, as a Chinese table (role, username,
password, what each can see). Prints nothing when there are none, so `make run` can always call it."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand

from gaoxin.registry.demo import demo_account_rows


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "列出演示账号（角色、用户名、密码、可见范围）；没有演示账号时不输出"

    def handle(self, *args: Any, **options: Any) -> None:
        rows = demo_account_rows()
        if not rows:
            return
        table = [("角色", "用户名", "密码", "可以看到"), *((r.role, r.username, r.password, r.scope) for r in rows)]
        widths = [max(_width(row[i]) for row in table) for i in range(3)]
        rule = "  ".join("─" * w for w in widths) + "  " + "─" * max(_width(row[3]) for row in table)
        self.stdout.write("演示账号（仅供演示环境使用，首次登录无需改密码）")
        self.stdout.write(rule)
        for index, row in enumerate(table):
            self.stdout.write("  ".join(_pad(cell, w) for cell, w in zip(row[:3], widths, strict=True)) + "  " + row[3])
            if index == 0:
                self.stdout.write(rule)
        self.stdout.write(rule)
