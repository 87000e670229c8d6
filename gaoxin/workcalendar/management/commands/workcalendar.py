"""`manage.py workcalendar --year YYYY [--json]` and `manage.py workcalendar --due START --days N|--hours H [--json]`
(FORMATS.md section 3): the year's days off and 调休 working days as the platform counts them, for an administrator
to compare with the State Council's notice; and the deadline of a time limit counted as DOMAIN.md says."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gaoxin.workcalendar.selectors import work_calendar

WEEKDAYS = "一二三四五六日"


class Command(BaseCommand):
    help = "查看某年的节假日与调休上班日，或按工作日计算期限"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="列出该年的放假日与调休上班日")
        parser.add_argument("--due", metavar="START", help="收件日期或时间（YYYY-MM-DD 或 YYYY-MM-DDTHH:MM）")
        parser.add_argument("--days", type=int, help="期限：工作日数（收件当日不计）")
        parser.add_argument("--hours", type=float, help="期限：工作小时数")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["year"]:
            self._year(options["year"], options["json"])
        elif options["due"]:
            self._due(options["due"], options["days"], options["hours"], options["json"])
        else:
            raise CommandError("请指定 --year YYYY，或 --due START 加 --days N / --hours H")

    def _year(self, year: int, as_json: bool) -> None:
        calendar = work_calendar()
        days = calendar.year(year)
        known = year not in calendar.unknown_years
        off = [d for d in days if not d.is_workday]
        worked = [d for d in days if d.is_workday]
        if as_json:
            payload = {
                "year": year,
                "known": known,
                "days_off": [{"date": d.day.isoformat(), "name": d.name, "source": d.source} for d in off],
                "working_weekends": [{"date": d.day.isoformat(), "name": d.name, "source": d.source} for d in worked],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        if not known:
            self.stdout.write(f"{year}年的节假日安排尚未录入（维护的日历包也没有），目前只按周末计算。")
            return
        self.stdout.write(f"{year}年放假（{len(off)}天）：")
        for d in off:
            self.stdout.write(f"  {d.day} 周{WEEKDAYS[d.day.weekday()]} {d.name}")
        self.stdout.write(f"{year}年调休上班（{len(worked)}天）：")
        for d in worked:
            self.stdout.write(f"  {d.day} 周{WEEKDAYS[d.day.weekday()]} {d.name}")

    def _due(self, start_text: str, days: int | None, hours: float | None, as_json: bool) -> None:
        if (days is None) == (hours is None):
            raise CommandError("--due 需要 --days 或 --hours 其中之一")
        calendar = work_calendar()
        start: dt.date | dt.datetime
        try:
            if hours is not None:
                moment = dt.datetime.fromisoformat(start_text)
                if timezone.is_naive(moment):
                    moment = timezone.make_aware(moment)
                start = moment
                due: Any = calendar.add_working_hours(timezone.localtime(moment), hours)
            else:
                start = dt.date.fromisoformat(start_text[:10])
                if days is None or days < 1:
                    raise CommandError("--days 至少为 1")
                due = calendar.add_working_days(start, days)
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM：{start_text}") from None
        result = {"start": start.isoformat(), "due": due.isoformat()}
        if calendar.unknown_years:
            result["warning"] = (
                "、".join(f"{y}年" for y in sorted(calendar.unknown_years)) + "节假日安排尚未录入，按周末计算"
            )
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"起算：{result['start']}，期限届满：{result['due']}"
            + (f"（{result['warning']}）" if "warning" in result else "")
        )
