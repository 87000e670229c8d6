"""Demo monthly figures for the demo zone (`seed_demo`): deterministic, plausible, fast.

Who reports: the active 规上 enterprises (entrants from the month they entered the statistics, so the comparable
basis has new entrants to leave out), and a few that stop reporting during the current year (停产/迁出 cases that a
研判 page should flag). Each reporting enterprise has a size (output value, log-normal around 1.5亿元 a year), a yearly
growth rate that drifts, the 春节 dip in January/February, and monthly noise; the other indicators follow from the
output with enterprise-specific ratios. Periods run from January `years` years ago to the last complete month.
The current year gets zone and park targets and the statistics bureau's rate for 增加值 at comparable prices.
Rows are built with `series.build_series` (the same rules as the fact store) and written with bulk_create.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from gaoxin.indicators.models import AnnualFact, Fact, FactSource, Indicator, OfficialRate, Target, TargetKind
from gaoxin.indicators.series import Reported, build_series
from gaoxin.registry.models import Enterprise, EnterpriseStatus, Park

#: 春节 falls in January or February: output dips there and recovers in March; December closes the year strong.
SEASON = [0.86, 0.68, 1.0, 1.0, 1.02, 1.06, 1.0, 1.0, 1.04, 1.02, 1.06, 1.26]
_SEASON_SUM = sum(SEASON)
FOUR = Decimal("0.0001")


@dataclass(frozen=True)
class DemoFactsResult:
    enterprises: int
    facts: int
    periods: str
    targets: int


def _q(value: float) -> Decimal:
    return Decimal(str(round(value, 4))).quantize(FOUR)


def last_complete_month(today: dt.date) -> tuple[int, int]:
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


@transaction.atomic
def seed_monthly_facts(*, years: int, seed: int, today: dt.date) -> DemoFactsResult:
    indicators = {i.code: i for i in Indicator.objects.filter(aggregation="sum")}
    end_year, end_month = last_complete_month(today)
    first_year = end_year - years + 1
    rng = random.Random(f"{seed}:monthly")
    reporters = list(
        Enterprise.objects.filter(is_above_scale=True, status=EnterpriseStatus.ACTIVE)
        .order_by("id")
        .values_list("id", "above_scale_since", "park_id")
    )
    stopping = {pk for pk, _, _ in rng.sample(reporters, k=max(1, len(reporters) // 40))} if reporters else set()
    rows: list[Fact] = []
    totals: dict[tuple[str, int, int | None], float] = {}
    for enterprise_id, since, park_id in reporters:
        rows.extend(
            _enterprise_rows(
                rng,
                indicators,
                enterprise_id,
                since,
                park_id,
                first_year,
                end_year,
                end_month,
                enterprise_id in stopping,
                totals,
            )
        )
    Fact.objects.bulk_create(rows, batch_size=2000)
    targets = _targets(indicators, totals, end_year, rng)
    _official_rates(indicators["value_added"], end_year, end_month, rng)
    _annual_revenue_of_small_firms(today.year - 1, rng)
    return DemoFactsResult(len(reporters), len(rows), f"{first_year}-01…{end_year}-{end_month:02d}", targets)


def _annual_revenue_of_small_firms(year: int, rng: random.Random) -> None:
    """营业收入 of the last two complete years for the active firms not yet 规上 (for the 小升规 list)."""
    small = Enterprise.objects.filter(is_above_scale=False, status=EnterpriseStatus.ACTIVE).order_by("id")
    facts = []
    for enterprise_id in small.values_list("id", flat=True):
        revenue = math.exp(rng.gauss(math.log(180), 0.9))
        growth = rng.gauss(0.08, 0.2)
        facts.append(
            AnnualFact(enterprise_id=enterprise_id, year=year, name="revenue", value=_q(revenue), source="demo")
        )
        before = revenue / (1 + growth) if growth > -0.9 else revenue
        facts.append(
            AnnualFact(enterprise_id=enterprise_id, year=year - 1, name="revenue", value=_q(before), source="demo")
        )
    AnnualFact.objects.bulk_create(facts, batch_size=2000)


def _enterprise_rows(
    rng: random.Random,
    indicators: dict[str, Indicator],
    enterprise_id: int,
    since: dt.date | None,
    park_id: int,
    first_year: int,
    end_year: int,
    end_month: int,
    stops: bool,
    totals: dict[tuple[str, int, int | None], float],
) -> list[Fact]:
    annual = math.exp(rng.gauss(math.log(15000), 0.9))  # 工业总产值, 万元 a year (median 1.5亿元)
    growth = rng.gauss(0.06, 0.12)
    va_ratio = rng.uniform(0.22, 0.34)
    revenue_ratio = rng.uniform(0.95, 1.1)
    tax_ratio = rng.uniform(0.025, 0.06)
    rd_ratio = rng.uniform(0.015, 0.07)
    kwh_per_wan = rng.uniform(0.008, 0.06)  # 万千瓦时 per 万元 of output
    other_energy = rng.uniform(1.05, 1.6)
    output_per_person = rng.uniform(80, 220)  # 万元 a year
    exporter = rng.random() < 0.35
    export_share = rng.uniform(0.1, 0.6)
    invests = rng.random() < 0.3
    start = (since.year, since.month) if since else (first_year, 1)
    stop_month = rng.randint(3, max(3, end_month - 2)) if stops else 13
    series: dict[tuple[str, int], dict[int, Reported]] = {}
    for year in range(first_year, end_year + 1):
        level = annual * (1 + growth) ** (year - end_year)
        growth = max(-0.3, min(0.5, growth + rng.gauss(0, 0.03)))
        last = end_month if year == end_year else 12
        for month in range(1, last + 1):
            if (year, month) < start or (year == end_year and month >= stop_month):
                continue
            output = level * SEASON[month - 1] / _SEASON_SUM * rng.uniform(0.93, 1.07)
            electricity = output * kwh_per_wan * rng.uniform(0.95, 1.05)
            figures = {
                "output_value": output,
                "value_added": output * va_ratio,
                "revenue": output * revenue_ratio,
                "main_business_revenue": output * revenue_ratio * 0.97,
                "tax": output * revenue_ratio * tax_ratio * rng.uniform(0.7, 1.3),
                "rd_expense": output * revenue_ratio * rd_ratio,
                "electricity": electricity,
                "energy": electricity * 1.229 * other_energy,
                "employees": level / output_per_person,
            }
            if exporter:
                figures["export_value"] = output * export_share
                figures["import_export"] = output * export_share * 1.4
            if invests:
                investment = level * 0.012 * rng.uniform(0.3, 1.7)
                figures["industrial_investment"] = investment
                figures["tech_upgrade_investment"] = investment * 0.45
            for code, amount in figures.items():
                series.setdefault((code, year), {})[month] = Reported(_q(amount), False, FactSource.IMPORT)
    rows: list[Fact] = []
    for (code, year), reported in series.items():
        indicator = indicators[code]
        through = end_month if year == end_year else 12
        stock = indicator.temporal == "stock"
        for point in build_series(reported, through=through, stock=stock):
            rows.append(
                Fact(
                    indicator=indicator,
                    year=year,
                    month=point.month,
                    enterprise_id=enterprise_id,
                    value=point.value,
                    cumulative=point.cumulative,
                    reported_cumulative=False,
                    source=point.source,
                )
            )
            if year == end_year - 1 and point.month == 12:
                for key in ((code, year, None), (code, year, park_id)):
                    totals[key] = totals.get(key, 0.0) + float(point.cumulative)
    return rows


def _targets(
    indicators: dict[str, Indicator], totals: dict[tuple[str, int, int | None], float], year: int, rng: random.Random
) -> int:
    """This year's targets: totals a little above last year's, and a growth target for 增加值."""
    count = 0
    for code, uplift in (
        ("output_value", 1.06),
        ("industrial_investment", 1.1),
        ("tech_upgrade_investment", 1.08),
        ("tax", 1.05),
    ):
        last = totals.get((code, year - 1, None))
        if last:
            value = Decimal(round(last * uplift / 10000) * 10000)  # whole 亿元, as targets are issued
            Target.objects.create(
                year=year, indicator=indicators[code], kind=TargetKind.TOTAL, value=value, issuer="市政府"
            )
            count += 1
    for park in Park.objects.all():
        last = totals.get(("output_value", year - 1, park.pk))
        if last:
            Target.objects.create(
                year=year,
                park=park,
                indicator=indicators["output_value"],
                kind=TargetKind.TOTAL,
                value=Decimal(round(last * 1.06 / 1000) * 1000),
                issuer="管委会",
            )
            count += 1
    Target.objects.create(
        year=year, indicator=indicators["value_added"], kind=TargetKind.GROWTH, value=Decimal("2.5"), issuer="区下达"
    )
    return count + 1


def _official_rates(value_added: Indicator, year: int, end_month: int, rng: random.Random) -> None:
    """The statistics bureau's comparable-price growth of 增加值 for the zone, month by month this year."""
    rate = Decimal("5.8")
    for month in range(1, end_month + 1):
        OfficialRate.objects.create(
            indicator=value_added, year=year, month=month, rate=rate, source=f"区统计局{year}年1-{month}月快报"
        )
        rate = (rate + Decimal(str(round(rng.uniform(-0.4, 0.4), 1)))).quantize(Decimal("0.1"))
