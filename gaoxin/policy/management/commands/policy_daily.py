"""`manage.py policy_daily [--date YYYY-MM-DD] [--no-push] [--json]`: the daily job of policy cashing.

Run once a day (cron or a systemd timer, e.g. 08:45, after the night's registry-wide evaluation). 免申即享 offers are
reminded POLICY_OFFER_REMINDER_WORKDAYS working days before their deadline (once a day) and expire the day after it
(no answer = declined); the owners of review stages past their time limit are told once; policies past their expiry
date expire and their items stop taking applications; precise push tells enterprises about newly fitting fund items.
Running it twice on a day changes nothing the second time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.policy.services import run_daily


class Command(BaseCommand):
    help = "政策兑现每日任务：免申即享提醒与逾期、环节超时提醒、政策到期失效、精准推送（每天运行一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按哪一天计算（默认今天），格式 YYYY-MM-DD")
        parser.add_argument("--no-push", action="store_true", help="不做精准推送")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['date']}") from None
        result = run_daily(today=today, push=not options["no_push"])
        if options["json"]:
            self.stdout.write(json.dumps(dataclasses.asdict(result), ensure_ascii=False))
            return
        self.stdout.write(result.summary() + "。")
