"""Reads of the indicator catalogue (zone-wide reference data: every signed-in user may read it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from gaoxin.core import formulas
from gaoxin.core.errors import NotFound
from gaoxin.indicators.models import Fact, FactSource, Indicator
from gaoxin.registry.models import Enterprise


def indicator_list() -> QuerySet[Indicator]:
    return Indicator.objects.filter(is_active=True).select_related("numerator", "denominator")


def indicator_get(name_or_code: str) -> Indicator:
    """By code, name or alias (as officers write it)."""
    term = name_or_code.strip()
    found = indicator_list().filter(Q(code=term) | Q(name=term)).first()
    if found is None:
        found = next((i for i in indicator_list() if term in i.alias_list()), None)
    if found is None:
        raise NotFound(f"没有名为“{term}”的指标")
    return found


def latest_period(indicator: Indicator | None = None) -> tuple[int, int] | None:
    """The latest (year, month) with reported figures (of `indicator`, or of any indicator)."""
    qs = Fact.objects.exclude(source=FactSource.CARRIED)
    if indicator is not None and indicator.numerator_id is not None:
        indicator = indicator.numerator  # a ratio indicator has no rows of its own
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    row = qs.order_by("-year", "-month").values_list("year", "month").first()
    return (row[0], row[1]) if row else None


def monthly_totals(indicator: Indicator, year: int, enterprises: QuerySet[Enterprise]) -> list[Decimal | None]:
    """The zone's (scope's) cumulative 1-N月 total for each month of `year`; None for months not reached."""
    rows = (
        Fact.objects.filter(indicator=indicator, year=year, enterprise__in=enterprises)
        .values("month")
        .annotate(total=Sum("cumulative"))
    )
    totals: list[Decimal | None] = [None] * 12
    for row in rows:
        totals[row["month"] - 1] = row["total"]
    return totals


@dataclass(frozen=True)
class EnterpriseFigure:
    enterprise: Enterprise
    value: Decimal | None
    last_year: Decimal | None
    yoy: Decimal | None
    #: 拉动: this enterprise's change as a share of the group's last-year comparable base, in 百分点.
    contribution: Decimal | None


def enterprise_figures(
    indicator: Indicator, *, year: int, month: int, enterprises: QuerySet[Enterprise]
) -> list[EnterpriseFigure]:
    """Each enterprise behind a figure: its 1-N月 value this year and last, its YoY and its contribution to the
    group's growth (the comparable set's base is the denominator, so contributions add up to the group's YoY)."""
    rows = Fact.objects.filter(indicator=indicator, month=month, year__in=(year, year - 1), enterprise__in=enterprises)
    now: dict[int, Decimal] = {}
    then: dict[int, Decimal] = {}
    for enterprise_id, fact_year, cumulative in rows.values_list("enterprise_id", "year", "cumulative"):
        (now if fact_year == year else then)[enterprise_id] = cumulative
    comparable = set(now) & set(then)
    base = sum((then[pk] for pk in comparable), Decimal(0))
    ids = set(now) | set(then)
    firms = {e.pk: e for e in Enterprise.objects.filter(pk__in=ids).select_related("park", "industry")}
    figures = []
    for pk in ids:
        value, last = now.get(pk), then.get(pk)
        contribution = None
        if pk in comparable and base:
            contribution = (now[pk] - then[pk]) / base * 100
        figures.append(EnterpriseFigure(firms[pk], value, last, formulas.yoy(value, last), contribution))
    return figures
