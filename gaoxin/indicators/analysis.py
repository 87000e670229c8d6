"""The weekly 研判 (经济指标每周一研判): what needs a phone call this week, from the latest month's figures.

- missing reports: enterprises with a series this year whose latest month is carried (not reported);
- biggest drops: enterprises whose 1-N月 figure fell most against last year (by their drag on the total);
- biggest swings: the largest month-on-month changes of the month's own figure (环比), in both directions;
- targets behind 序时进度: indicators whose completion of the annual target lags N/12.
Reads only; scoped by the enterprises passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, QuerySet

from gaoxin.core import formulas
from gaoxin.indicators.models import Fact, FactSource, Indicator, Target, TargetKind
from gaoxin.indicators.rollups import Rollup, rollup
from gaoxin.indicators.selectors import EnterpriseFigure, enterprise_figures
from gaoxin.registry.models import Enterprise


@dataclass(frozen=True)
class MissingReport:
    enterprise: Enterprise
    last_reported_month: int | None


@dataclass(frozen=True)
class Swing:
    enterprise: Enterprise
    previous: Decimal
    current: Decimal
    change: Decimal  # 环比, %


def missing_reports(
    indicator: Indicator, *, year: int, month: int, enterprises: QuerySet[Enterprise]
) -> list[MissingReport]:
    carried = list(
        Fact.objects.filter(
            indicator=indicator, year=year, month=month, source=FactSource.CARRIED, enterprise__in=enterprises
        ).values_list("enterprise_id", flat=True)
    )
    last = dict(
        Fact.objects.filter(indicator=indicator, year=year, enterprise_id__in=carried)
        .exclude(source=FactSource.CARRIED)
        .values("enterprise_id")
        .annotate(last=Max("month"))
        .values_list("enterprise_id", "last")
    )
    firms = Enterprise.objects.filter(pk__in=carried).select_related("park").order_by("park__sort_order", "name")
    return [MissingReport(e, last.get(e.pk)) for e in firms]


def biggest_drops(
    indicator: Indicator, *, year: int, month: int, enterprises: QuerySet[Enterprise], limit: int = 10
) -> list[EnterpriseFigure]:
    figures = enterprise_figures(indicator, year=year, month=month, enterprises=enterprises)
    dropping = [f for f in figures if f.contribution is not None and f.contribution < 0]
    return sorted(dropping, key=lambda f: f.contribution or Decimal(0))[:limit]


def biggest_swings(
    indicator: Indicator, *, year: int, month: int, enterprises: QuerySet[Enterprise], limit: int = 10
) -> list[Swing]:
    if month == 1:
        return []
    rows = Fact.objects.filter(
        indicator=indicator, year=year, month__in=(month - 1, month), enterprise__in=enterprises
    ).exclude(source=FactSource.CARRIED)
    values: dict[int, dict[int, Decimal]] = {}
    for enterprise_id, m, value in rows.values_list("enterprise_id", "month", "value"):
        values.setdefault(enterprise_id, {})[m] = value
    changes: list[tuple[int, Decimal, Decimal, Decimal]] = []
    for enterprise_id, by_month in values.items():
        before, now = by_month.get(month - 1), by_month.get(month)
        change = formulas.yoy(now, before)  # the same ratio, month on month
        if before is not None and now is not None and change is not None and before > 0:
            changes.append((enterprise_id, before, now, change))
    changes.sort(key=lambda c: -abs(c[1] - c[2]))
    top = changes[:limit]
    firms = Enterprise.objects.in_bulk([c[0] for c in top])
    return [Swing(firms[pk], before, now, change) for pk, before, now, change in top]


def targets_behind(*, year: int, month: int, enterprises: QuerySet[Enterprise], whole: bool = True) -> list[Rollup]:
    """Only meaningful for the whole zone: a part of it has no annual target of its own here."""
    if not whole:
        return []
    behind = []
    indicator_ids = Target.objects.filter(year=year, park=None, kind=TargetKind.TOTAL).values_list(
        "indicator_id", flat=True
    )
    for indicator in Indicator.objects.filter(pk__in=indicator_ids).order_by("sort_order"):
        result = rollup(indicator, year=year, month=month, enterprises=enterprises)
        gap = result.schedule_gap
        if gap is not None and gap < 0:
            behind.append(result)
    return behind
