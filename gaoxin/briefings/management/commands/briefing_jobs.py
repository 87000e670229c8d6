"""`manage.py briefing_jobs [--date YYYY-MM-DD] [--json]`: the daily job of the scheduled briefings.

Run once a day (cron or a systemd timer, e.g. 08:00). From BRIEFING_WEEKLY_WEEKDAY (Monday) on, the week's 每周研判
(the latest month's figures) is queued once per ISO week; from BRIEFING_MONTHLY_DAY (the 10th) on, last month's
briefing is queued once, as soon as last month's figures are in. The task worker (`manage.py db_worker`) writes each
briefing and sends every leader a link in-app and by e-mail. Running it twice, or every day, is harmless; a job that
failed is queued again the next day."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.briefings.services import schedule_due


class Command(BaseCommand):
    help = "定时简报：每周研判和月度简报（每天运行一次，同一周、同一月只生成一次）"

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
        jobs = schedule_due(today=today)
        for job, _queued in jobs:
            job.refresh_from_db()  # the worker (or, in tests, the immediate backend) may have run it already
        rows = [
            {"key": job.key, "queued": queued, "status": job.status, "briefing": job.briefing_id}
            for job, queued in jobs
        ]
        if options["json"]:
            self.stdout.write(json.dumps({"jobs": rows}, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write("今天没有到期的定时简报（或还没有月度经济数据）。")
        for job, queued in jobs:
            state = (
                "已交给后台任务生成并通知领导" if queued else f"本期已处理（{job.get_status_display()}），不重复生成"
            )
            self.stdout.write(f"{job.key}：{state}")
