"""Demo briefings for `seed_demo`: the default template, this year's city totals and 小升规 task (plausible figures
derived from the demo zone's own counts: the zone holds about a third of the city's 高企, as in STYLE_CORPUS.md),
and the latest month's briefing and this week's 研判 as the scheduled job writes them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gaoxin.briefings import services
from gaoxin.briefings.data import qualification_counts, scope_enterprises
from gaoxin.briefings.models import (
    DEFAULT_SECTIONS,
    Briefing,
    BriefingKind,
    BriefingTemplate,
    ReferenceFigure,
    ReferenceKey,
)
from gaoxin.core.errors import ValidationFailed
from gaoxin.indicators import selectors as indicator_selectors
from gaoxin.indicators.rollups import period_end

#: The zone's share of the city for each count (the demo's city totals are the zone's counts over these).
CITY_SHARES = {
    ReferenceKey.CITY_HNTE: ("hnte", 0.33),
    ReferenceKey.CITY_TECH_SME: ("tech_sme", 0.35),
    ReferenceKey.CITY_UNICORN: ("unicorn", 0.52),
    ReferenceKey.CITY_LITTLE_GIANT: ("little_giant", 0.40),
}


@dataclass(frozen=True)
class DemoBriefingsResult:
    briefings: int
    period: str

    def summary(self) -> str:
        if not self.briefings:
            return "经济运行简报：没有月度数据，未生成。"
        return (
            f"经济运行简报：默认模板、全市总数和小升规任务已填，已生成{self.period}月度简报和本周研判"
            f" {self.briefings} 份。"
        )


def seed_briefings(*, today: dt.date) -> DemoBriefingsResult:
    latest = indicator_selectors.latest_period()
    if latest is None:
        return DemoBriefingsResult(0, "")
    year, month = latest
    template, _created = BriefingTemplate.objects.get_or_create(
        name="经济运行简报（默认）",
        defaults={"organization": "科技产业局", "sections": list(DEFAULT_SECTIONS), "is_default": True},
    )
    counts = qualification_counts(scope_enterprises(None), year, period_end(year, month))
    for key, (count_key, share) in CITY_SHARES.items():
        found = counts.get(count_key)
        if found and found.total:
            ReferenceFigure.objects.update_or_create(
                year=year, key=key, defaults={"value": round(found.total / share), "source": "演示数据"}
            )
    ReferenceFigure.objects.update_or_create(
        year=year, key=ReferenceKey.SMALL_TO_ABOVE_TASK, defaults={"value": 35, "source": "演示数据"}
    )
    made = 0
    week = services.iso_week(today)
    jobs: list[tuple[str, str]] = [
        (BriefingKind.MONTHLY, f"monthly:{year}-{month:02d}"),
        (BriefingKind.WEEKLY, f"weekly:{week}"),
    ]
    for kind, schedule_key in jobs:
        if Briefing.objects.filter(schedule_key=schedule_key).exists():
            continue
        try:
            services.briefing_generate(
                actor=None,
                year=year,
                month=month,
                park=None,
                template=template,
                kind=kind,
                week=week,
                schedule_key=schedule_key,
            )
        except ValidationFailed:
            continue
        made += 1
    return DemoBriefingsResult(made, f"{year}年1-{month}月")
