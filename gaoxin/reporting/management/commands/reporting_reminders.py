"""`manage.py reporting_reminders [--date YYYY-MM-DD] [--json]`: the daily reminder of open reporting rounds.

Run once a day (cron or a systemd timer, e.g. 09:00). For each open round whose deadline is REPORTING_REMINDER_DAYS
days away, the enterprises that have not reported get an in-app message and an e-mail; at most once per round and
day, so running it twice is harmless."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.reporting.services import send_due_reminders


class Command(BaseCommand):
    help = "向临近截止仍未填报的企业发送提醒（每天运行一次）"

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
        sent = send_due_reminders(today=today)
        rows = [
            {
                "round": f"{r.year}-{r.month:02d}",
                "enterprises": result.enterprises,
                "recipients": result.recipients,
                "without_account": result.without_account,
            }
            for r, result in sent
        ]
        if options["json"]:
            self.stdout.write(json.dumps({"reminders": rows}, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write("今天没有需要提醒的填报批次。")
        for r, result in sent:
            line = f"{r.year}-{r.month:02d}：已提醒{result.enterprises}家未报企业（{result.recipients}位用户）"
            if result.without_account:
                line += f"，其中{len(result.without_account)}家没有平台账号，请电话催报"
            self.stdout.write(line)
