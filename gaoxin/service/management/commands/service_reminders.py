"""`manage.py service_reminders [--date YYYY-MM-DD] [--json]`: the daily job of the enterprise service desk.

Run once a day (cron or a systemd timer, e.g. 08:30). Departments are reminded of dispatches due in
SERVICE_REMINDER_WORKDAYS working days (once per dispatch and day); dispatches past their due date are escalated once
to the department, the service centre and the zone leaders; answered appeals left unrated for SERVICE_AUTO_CLOSE_DAYS
working days are closed. Running it twice on a day changes nothing the second time."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.service.services import run_daily


class Command(BaseCommand):
    help = "企业诉求每日提醒：到期前提醒、逾期督办、逾期未评价自动办结（每天运行一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按哪一天计算（默认今天），格式 YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['date']}") from None
        result = run_daily(today=today)
        if options["json"]:
            payload = {
                "reminded": [d.appeal.number for d in result.reminded],
                "escalated": [d.appeal.number for d in result.escalated],
                "closed": [a.number for a in result.closed],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(
            f"到期前提醒{len(result.reminded)}件，逾期督办{len(result.escalated)}件，"
            f"逾期未评价自动办结{len(result.closed)}件。"
        )
        for dispatch in result.escalated:
            self.stdout.write(f"逾期：{dispatch.appeal.number} {dispatch.department.name} 时限{dispatch.due_date}")
