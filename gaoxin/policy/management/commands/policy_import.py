"""`manage.py policy_import FILE --kind policies|items [--json]`: policies or fund items from a workbook (a provincial
惠企 platform's export, or the zone's own ledger), all-or-nothing and idempotent (by external id / 文号 / 项目编码).
Exit 0 when nothing was wrong, 1 when any row failed (nothing changed), 2 for an unreadable file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core.errors import ValidationFailed
from gaoxin.policy import interop


class Command(BaseCommand):
    help = "导入政策或申报项目（Excel）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--kind", choices=["policies", "items"], required=True)
        parser.add_argument("--user", default="", help="以哪个科室人员或管理员的名义导入（默认第一个管理员）")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}", returncode=2)
        users = User.objects.filter(is_active=True, role__in=(Role.ADMIN, Role.OFFICER))
        actor = (users.filter(username=options["user"]) if options["user"] else users.order_by("role", "id")).first()
        if actor is None:
            raise CommandError("没有可用的科室人员或管理员账号", returncode=2)
        with path.open("rb") as upload:
            try:
                run = interop.policies_import if options["kind"] == "policies" else interop.items_import
                result = run(actor=actor, upload=upload)
            except ValidationFailed as exc:
                raise CommandError(exc.message, returncode=2) from None
        if options["json"]:
            payload = {"created": result.created, "updated": result.updated, "errors": result.errors}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.stdout.write(f"新增{result.created}条，更新{result.updated}条，问题{len(result.errors)}条。")
            for line in result.errors:
                self.stdout.write(line)
        if result.errors:
            raise SystemExit(1)
