"""`manage.py rollup --indicator NAME --period YYYY-MM [--by park/industry/chain/scale/qualification]
[--scope zone|PARK] [--json]`

The cumulative 1-N月 figures of DOMAIN.md for scripts and cross-checks (FORMATS.md section 3): the value over all
enterprises in scope, comparable_value and base over the comparable set, yoy in %, share of the total in %, and (in
the JSON) each group's rank by value and by growth (rank_value, rank_yoy). `--by qualification` groups by the
qualification types held on the period's last day: an enterprise with several is in several groups (shares do not
add up to 100%), one with none in 无资质; the total is still the scope's.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from gaoxin.core import normalize
from gaoxin.core.errors import NotFound
from gaoxin.indicators.rollups import GROUPINGS, rollup
from gaoxin.indicators.selectors import indicator_get
from gaoxin.registry.models import Enterprise, Park


class Command(BaseCommand):
    help = "经济指标1-N月累计汇总（可比口径同比）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--indicator", required=True, help="指标名称、别名或编码，如 工业总产值")
        parser.add_argument("--period", required=True, help="统计期，如 2020-11（即1-11月）")
        parser.add_argument(
            "--by",
            choices=GROUPINGS,
            help="分组：park 园区 / industry 主导产业 / chain 产业链环节 / scale 规上规下 / qualification 资质",
        )
        parser.add_argument("--scope", default="zone", help="zone（全区，默认）或园区的编码/名称")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            indicator = indicator_get(options["indicator"])
        except NotFound as exc:
            raise CommandError(exc.message) from exc
        try:
            period = normalize.period(options["period"])
        except normalize.CellError as exc:
            raise CommandError(f"统计期：{exc}") from exc
        if period is None:
            raise CommandError("统计期：不能为空")
        park = None
        if options["scope"] not in ("zone", "全区"):
            park = Park.objects.filter(Q(code=options["scope"]) | Q(name=options["scope"])).first()
            if park is None:
                raise CommandError(f"没有编码或名称为“{options['scope']}”的园区")
        result = rollup(
            indicator,
            year=period[0],
            month=period[1],
            enterprises=Enterprise.objects.all(),
            by=options["by"],
            park=park,
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{result.scope}{period[0]}年1-{period[1]}月{indicator.name}：{result.total.display}")
        self.stdout.write(f"  {result.total.enterprises}家企业；可比口径 {result.total.comparable_enterprises} 家")
        for row in result.rows if options["by"] else []:
            share = f"，占{row.share:.1f}%" if row.share is not None else ""
            self.stdout.write(f"  {row.group}（{row.enterprises}家）：{row.display}{share}")
        if result.overlapping:
            self.stdout.write("  （一家企业可有多项资质，各组之和不等于合计）")
