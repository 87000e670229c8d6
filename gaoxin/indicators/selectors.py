"""Reads of the indicator catalogue (zone-wide reference data: every signed-in user may read it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from gaoxin.core import formulas
from gaoxin.core.errors import NotFound
from gaoxin.indicators import rollups
from gaoxin.indicators.models import AnnualFact, Fact, FactSource, Indicator, OfficialRate, Target
from gaoxin.registry.models import Enterprise, EnterpriseStatus, Qualification, QualificationType
from gaoxin.registry.selectors import enterprise_scope


def indicator_list() -> QuerySet[Indicator]:
    return Indicator.objects.filter(is_active=True).select_related("numerator", "denominator")


def indicator_get(name_or_code: str) -> Indicator:
    """By code, name or alias (as officers write it)."""
    term = name_or_code.strip()
    found = indicator_list().filter(Q(code=term) | Q(name=term)).first()
    if found is None:
        found = next((i for i in indicator_list() if term in i.alias_list()), None)
    if found is None:
        raise NotFound(_("没有名为“%(name)s”的指标") % {"name": term})
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
    return rollups.monthly_totals(indicator, year, enterprises)


def enterprises_qualified(
    enterprises: QuerySet[Enterprise], qtype_id: int | None, day: dt.date
) -> tuple[QuerySet[Enterprise], str]:
    """The enterprises of a rollup's qualification group: those holding a qualification of that type on `day` (the
    period's last day), or with `qtype_id` None those holding none (无资质). NotFound for an unknown type."""
    valid = Qualification.objects.filter(
        Q(recognized_on__isnull=True) | Q(recognized_on__lte=day),
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        enterprise=OuterRef("pk"),
    )
    if qtype_id is None:
        return enterprises.filter(~Exists(valid)), "无资质"
    qtype = QualificationType.objects.filter(pk=qtype_id).first()
    if qtype is None:
        raise NotFound()
    return enterprises.filter(Exists(valid.filter(qtype=qtype))), qtype.name


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


@dataclass(frozen=True)
class SmallToAbove:
    enterprise: Enterprise
    revenue: Decimal
    revenue_last_year: Decimal | None
    growth: Decimal | None
    reason: str


def small_to_above_candidates(*, year: int, enterprises: QuerySet[Enterprise]) -> list[SmallToAbove]:
    """小升规 candidates (DOMAIN.md, the zone's own rule) among active enterprises not yet 规上, from their annual
    营业收入 (万元) of `year` and the year before: 1300–2000万元, or ≥ 1000万元 with growth ≥ 30%."""
    candidates_scope = enterprises.filter(is_above_scale=False, status=EnterpriseStatus.ACTIVE)
    revenue: dict[int, dict[int, Decimal]] = {}
    rows = AnnualFact.objects.filter(
        name="revenue", year__in=(year, year - 1), enterprise__in=candidates_scope
    ).values_list("enterprise_id", "year", "value")
    for enterprise_id, fact_year, value in rows:
        revenue.setdefault(enterprise_id, {})[fact_year] = value
    found: list[tuple[int, Decimal, Decimal | None, Decimal | None, str]] = []
    for enterprise_id, by_year in revenue.items():
        now, last = by_year.get(year), by_year.get(year - 1)
        if now is None or not formulas.small_to_above_candidate(now, last, above_scale=False):
            continue
        growth = formulas.yoy(now, last)
        in_band = Decimal(1300) <= now < Decimal(2000)
        reason = _("营业收入在1300万至2000万元之间") if in_band else _("营业收入超过1000万元且增长30%以上")
        found.append((enterprise_id, now, last, growth, reason))
    firms = Enterprise.objects.select_related("park", "industry").in_bulk([row[0] for row in found])
    result = [SmallToAbove(firms[pk], now, last, growth, reason) for pk, now, last, growth, reason in found]
    return sorted(result, key=lambda c: -c.revenue)


def latest_annual_year(name: str = "revenue") -> int | None:
    return AnnualFact.objects.filter(name=name).aggregate(y=Max("year"))["y"]


def enterprise_series(actor: Any, enterprise_id: int, indicator: Indicator, year: int | None = None) -> QuerySet[Fact]:
    """One enterprise's monthly series of `indicator` (every year, or one), in year and month order, carried months
    included. An enterprise outside the caller's scope is NotFound, exactly like one that does not exist."""
    if not enterprise_scope(actor).filter(pk=enterprise_id).exists():
        raise NotFound()
    facts = Fact.objects.filter(enterprise_id=enterprise_id, indicator=indicator)
    if year is not None:
        facts = facts.filter(year=year)
    return facts.order_by("year", "month")


def target_list(year: int) -> QuerySet[Target]:
    """Targets are zone-wide reference data (who may edit them is a permission, not a scope)."""
    return (
        Target.objects.filter(year=year)
        .select_related("indicator", "park")
        .order_by("park__sort_order", "indicator__sort_order", "kind")
    )


def official_rate_list(year: int) -> QuerySet[OfficialRate]:
    return (
        OfficialRate.objects.filter(year=year)
        .select_related("indicator", "park")
        .order_by("indicator__sort_order", "park__sort_order", "-month")
    )


def target_get(pk: int) -> Target:
    target = Target.objects.filter(pk=pk).select_related("indicator", "park").first()
    if target is None:
        raise NotFound()
    return target


def official_rate_get(pk: int) -> OfficialRate:
    rate = OfficialRate.objects.filter(pk=pk).first()
    if rate is None:
        raise NotFound()
    return rate
