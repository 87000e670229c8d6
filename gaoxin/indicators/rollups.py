"""Rollups of the monthly fact store, exactly as DOMAIN.md defines them (the comparable basis).

For indicator I, period 1-N月 of year Y and a scope of enterprises:
- value: this year's Jan–N total over all enterprises in scope;
- the comparable set: enterprises in scope with the indicator in at least one month of Jan–N in both years — in the
  store that is "has a row at month N in both years", because series are carried to the zone's latest month;
- comparable_value and base: this year's and last year's totals over the comparable set; yoy = comparable ÷ base − 1.
Each tile is two aggregate queries over one period per year (the unique index leads with indicator, year, month).
Groups are the enterprise's current park, 主导产业, chain link or 规上/规下.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from gaoxin.core import display, formulas
from gaoxin.indicators.models import Aggregation, Fact, Indicator, OfficialRate, Target, TargetKind
from gaoxin.registry.models import ChainStage, Enterprise, Industry, Park

GROUPINGS = ("park", "industry", "chain", "scale")
ZERO = Decimal(0)


@dataclass
class RollupRow:
    key: Any
    group: str
    enterprises: int = 0
    comparable_enterprises: int = 0
    value: Decimal = ZERO
    comparable_value: Decimal = ZERO
    base: Decimal = ZERO
    yoy: Decimal | None = None
    share: Decimal | None = None
    official_yoy: Decimal | None = None
    display: str = ""
    figure: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "enterprises": self.enterprises,
            "comparable_enterprises": self.comparable_enterprises,
            "value": _num(self.value),
            "comparable_value": _num(self.comparable_value),
            "base": _num(self.base),
            "yoy": _num(self.yoy, 4),
            "official_yoy": _num(self.official_yoy, 2),
            "share": _num(self.share, 4),
            "display": self.display,
        }


@dataclass
class Rollup:
    indicator: Indicator
    year: int
    month: int
    by: str | None
    scope: str
    rows: list[RollupRow] = field(default_factory=list)
    total: RollupRow = field(default_factory=lambda: RollupRow(None, ""))
    target_total: Decimal | None = None
    target_growth: Decimal | None = None
    target_issuer: str = ""

    @property
    def completion(self) -> Decimal | None:
        """完成年度任务的百分比 (actual ÷ annual target)."""
        return formulas.completion(self.total.value, self.target_total)

    @property
    def schedule_gap(self) -> Decimal | None:
        """Completion − 序时进度 (N/12), in 百分点: positive 超序时进度, negative 落后序时进度."""
        return formulas.schedule_gap(self.completion, self.month)

    @property
    def growth_gap(self) -> Decimal | None:
        """The (official, else computed) growth minus the growth target, in 百分点."""
        actual = self.total.official_yoy if self.total.official_yoy is not None else self.total.yoy
        return formulas.point_gap(actual, self.target_growth)

    def target_sentence(self) -> str:
        """'完成年度任务(44亿元)的85.1%，落后序时进度6.6个百分点' / '高于目标(2.5%)3.3个百分点'."""
        parts = []
        if self.completion is not None and self.target_total is not None:
            target = display.amount(self.target_total, self.indicator.unit, round_figure=True)
            parts.append(f"完成年度任务({target})的{display.rate(self.completion)}")
            gap = self.schedule_gap
            if gap is not None:
                word = "超序时进度" if gap >= 0 else "落后序时进度"
                parts.append(f"{word}{display.points(gap)}")
        if self.growth_gap is not None and self.target_growth is not None:
            word = "高于" if self.growth_gap >= 0 else "低于"
            parts.append(f"{word}目标({display.rate(self.target_growth)}){display.points(self.growth_gap)}")
        return "，".join(parts)

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def as_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator.name,
            "unit": self.indicator.unit,
            "period": self.period,
            "label": f"{self.year}年1-{self.month}月",
            "by": self.by,
            "scope": self.scope,
            "rows": [row.as_json() for row in self.rows],
            "total": self.total.as_json(),
            "target": {
                "total": _num(self.target_total),
                "growth": _num(self.target_growth, 2),
                "issuer": self.target_issuer,
                "completion": _num(self.completion, 4),
                "time_progress": _num(formulas.time_progress(self.month), 4),
                "schedule_gap": _num(self.schedule_gap, 4),
                "growth_gap": _num(self.growth_gap, 4),
                "display": self.target_sentence(),
            },
        }


def _num(value: Decimal | None, places: int | None = None) -> float | None:
    if value is None:
        return None
    return float(round(value, places)) if places is not None else float(value)


def _group_expression(by: str | None) -> Any:
    if by == "park":
        return F("enterprise__park_id")
    if by == "industry":
        return Coalesce("enterprise__industry__parent_id", "enterprise__industry_id")
    if by == "chain":
        return F("enterprise__chain_stage")
    if by == "scale":
        return F("enterprise__is_above_scale")
    return None


def _labels(by: str | None, keys: set[Any], scope_label: str) -> dict[Any, str]:
    if by == "park":
        return {p.pk: p.name for p in Park.objects.filter(pk__in=[k for k in keys if k is not None])} | {
            None: "未分园区"
        }
    if by == "industry":
        names = {i.pk: i.name for i in Industry.objects.filter(pk__in=[k for k in keys if k is not None])}
        return names | {None: "未分产业"}
    if by == "chain":
        return {value: str(label) for value, label in ChainStage.choices} | {"": "未标注环节"}
    if by == "scale":
        return {True: "规上", False: "规下"}
    return {None: scope_label}


def _sums(
    indicator: Indicator, year: int, month: int, enterprises: QuerySet[Enterprise], by: str | None
) -> dict[Any, RollupRow]:
    """value, comparable_value and base per group for one sum indicator: two aggregate queries."""
    group = _group_expression(by)

    def period(y: int) -> QuerySet[Fact]:
        return Fact.objects.filter(indicator=indicator, year=y, month=month, enterprise__in=enterprises)

    def same_enterprise(y: int) -> Exists:
        return Exists(
            Fact.objects.filter(indicator=indicator, year=y, month=month, enterprise_id=OuterRef("enterprise_id"))
        )

    this_year = period(year).annotate(g=group) if group is not None else period(year).annotate(g=F("indicator_id"))
    this_rows = (
        this_year.annotate(comparable=same_enterprise(year - 1))
        .values("g")
        .annotate(
            n=Count("id"),
            value=Sum("cumulative"),
            comparable_value=Sum("cumulative", filter=Q(comparable=True)),
            comparable_n=Count("id", filter=Q(comparable=True)),
        )
    )
    last_year = period(year - 1).filter(same_enterprise(year))
    last_year = last_year.annotate(g=group) if group is not None else last_year.annotate(g=F("indicator_id"))
    base_rows = last_year.values("g").annotate(base=Sum("cumulative"))

    result: dict[Any, RollupRow] = {}
    for row in this_rows:
        key = row["g"] if group is not None else None
        result[key] = RollupRow(
            key,
            "",
            enterprises=row["n"],
            comparable_enterprises=row["comparable_n"],
            value=row["value"] or ZERO,
            comparable_value=row["comparable_value"] or ZERO,
        )
    for base_row in base_rows:
        key = base_row["g"] if group is not None else None
        result.setdefault(key, RollupRow(key, "")).base = base_row["base"] or ZERO
    return result


def rollup(
    indicator: Indicator,
    *,
    year: int,
    month: int,
    enterprises: QuerySet[Enterprise],
    by: str | None = None,
    park: Park | None = None,
    whole: bool = True,
) -> Rollup:
    """The 1-N月 rollup of `indicator` over `enterprises` (already scoped to the caller), optionally one park.

    `whole` says the enterprises are all of the zone (or of `park`), so that the zone's or park's annual targets and
    the statistics bureau's rates apply to the figures. Pass False for a partial scope (a service commissioner's
    enterprises, a park officer's share of the zone): its figures are only the caller's, and a rate or target of the
    whole must not be printed next to them as if they were its own."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by}")
    if park is not None:
        enterprises = enterprises.filter(park=park)
    scope_label = park.name if park else "全区"
    result = Rollup(indicator, year, month, by, scope_label)
    if indicator.aggregation == Aggregation.RATIO:
        groups = _ratio_groups(indicator, year, month, enterprises, by)
    else:
        groups = _sums(indicator, year, month, enterprises, by)
    labels = _labels(by, set(groups), scope_label)
    total = RollupRow(None, scope_label)
    if indicator.aggregation == Aggregation.RATIO:
        total = _ratio_total(indicator, year, month, enterprises, scope_label)
    else:
        for row in groups.values():
            total.enterprises += row.enterprises
            total.comparable_enterprises += row.comparable_enterprises
            total.value += row.value
            total.comparable_value += row.comparable_value
            total.base += row.base
        total.yoy = formulas.yoy(total.comparable_value, total.base)
    rates = _official_rates(indicator, year, month) if whole else {}
    total.official_yoy = rates.get(park.pk if park else None)
    for key, row in groups.items():
        row.group = labels.get(key, str(key))
        if indicator.aggregation != Aggregation.RATIO:
            row.yoy = formulas.yoy(row.comparable_value, row.base)
            row.share = formulas.share(row.value, total.value)
        if by == "park":
            row.official_yoy = rates.get(key)
        row.display = describe(indicator, row)
        row.figure = display.amount(row.value, indicator.unit)
    total.display = describe(indicator, total)
    total.figure = display.amount(total.value, indicator.unit)
    result.rows = sorted(groups.values(), key=lambda r: (-r.value, r.group))
    result.total = total
    for target in Target.objects.filter(year=year, indicator=indicator, park=park) if whole else []:
        if target.kind == TargetKind.TOTAL:
            result.target_total = target.value
        else:
            result.target_growth = target.value
        result.target_issuer = target.issuer
    return result


def _parts(indicator: Indicator) -> tuple[Indicator, Indicator]:
    if indicator.numerator is None or indicator.denominator is None:
        raise ValueError(f"ratio indicator {indicator.code} needs a numerator and a denominator")
    return indicator.numerator, indicator.denominator


def _ratio_groups(
    indicator: Indicator, year: int, month: int, enterprises: QuerySet[Enterprise], by: str | None
) -> dict[Any, RollupRow]:
    """A ratio indicator per group: the ratio of the sums of its numerator and denominator."""
    numerator_indicator, denominator_indicator = _parts(indicator)
    numerator = _sums(numerator_indicator, year, month, enterprises, by)
    denominator = _sums(denominator_indicator, year, month, enterprises, by)
    return {
        key: _ratio_row(indicator, key, numerator.get(key), denominator.get(key))
        for key in set(numerator) | set(denominator)
    }


def _ratio_total(
    indicator: Indicator, year: int, month: int, enterprises: QuerySet[Enterprise], label: str
) -> RollupRow:
    numerator_indicator, denominator_indicator = _parts(indicator)
    numerator = _sums(numerator_indicator, year, month, enterprises, None).get(None)
    denominator = _sums(denominator_indicator, year, month, enterprises, None).get(None)
    row = _ratio_row(indicator, None, numerator, denominator)
    row.group = label
    return row


def _ratio_row(indicator: Indicator, key: Any, num: RollupRow | None, den: RollupRow | None) -> RollupRow:
    num = num or RollupRow(key, "")
    den = den or RollupRow(key, "")
    now = formulas.ratio(num.value, den.value, indicator.scale)
    comparable_now = formulas.ratio(num.comparable_value, den.comparable_value, indicator.scale)
    then = formulas.ratio(num.base, den.base, indicator.scale)
    return RollupRow(
        key,
        "",
        enterprises=max(num.enterprises, den.enterprises),
        comparable_enterprises=min(num.comparable_enterprises, den.comparable_enterprises),
        value=now if now is not None else ZERO,
        comparable_value=comparable_now if comparable_now is not None else ZERO,
        base=then if then is not None else ZERO,
        yoy=formulas.yoy(comparable_now, then),
    )


def _official_rates(indicator: Indicator, year: int, month: int) -> dict[int | None, Decimal]:
    return {
        rate.park_id: rate.rate for rate in OfficialRate.objects.filter(indicator=indicator, year=year, month=month)
    }


def describe(indicator: Indicator, row: RollupRow) -> str:
    """'297.99亿元，同比下降3.6%'. For growth at comparable prices only the statistics bureau's rate is called 同比;
    without it the nominal rate is labelled as such, never presented as the official one."""
    figure = display.amount(row.value, indicator.unit)
    if row.official_yoy is not None:
        return f"{figure}，{display.growth(row.official_yoy)}（统计部门核定）"
    if row.yoy is None:
        return figure
    if indicator.comparable_prices:
        return f"{figure}，现价{display.growth(row.yoy, prefix='')}（可比价增速待统计部门核定）"
    return f"{figure}，{display.growth(row.yoy)}"
