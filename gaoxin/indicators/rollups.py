"""Rollups of the monthly fact store, exactly as DOMAIN.md defines them (the comparable basis).

For indicator I, period 1-N月 of year Y and a scope of enterprises:
- value: this year's Jan–N total over all enterprises in scope;
- the comparable set: enterprises in scope with the indicator in at least one month of Jan–N in both years — in the
  store that is "has a row at month N in both years", because series are carried to the zone's latest month;
- comparable_value and base: this year's and last year's totals over the comparable set; yoy = comparable ÷ base − 1.
Groups are the enterprise's current park, 主导产业, chain link or 规上/规下 — each enterprise in exactly one group, so
the total is the sum of the groups — or the qualifications it holds on the period's last day (`qualification`): an
enterprise with several is in several groups and one with none in “无资质”, so the shares do not add up to 100% and
the total is computed on its own, never as the sum of the groups.

How a tile is computed (one statement either way):
- exactly: this year's row of each enterprise at month N joined to its row at month N a year before (the unique
  index (indicator, year, month, enterprise) finds it), so the comparable set is decided per enterprise before
  anything is summed; grouped by the enterprise's group. Any scope: a commissioner's enterprises, a park officer's.
- from pre-computed cells (`RollupCell`), for the whole zone or one whole park (`Enterprise.objects.all()`, what the
  zone-wide roles see) grouped by a partition: the same statement run once per period for every (park, industry,
  scale, chain stage) and stored, so a tile adds up a few hundred rows instead of reading tens of thousands.
  Qualification groups and narrower scopes are always computed exactly.

Cells are a cache and must never be stale. They are kept per period (indicator, year, month): a `RollupPeriod` row
says its cells are current. Database triggers on the fact store and on the registry (installed here, see
`_TRIGGERS`) record every change in `RollupChange` — whoever makes it: `facts_store`, an import, a correction, the
admin, a bulk load, an enterprise moved to another park or industry, made 规上, given a chain stage. A read first
asks, in one statement, whether its periods are built, no recorded change touches them, and the triggers are in
place; if not, it refreshes them under a lock (applies the recorded changes, rebuilds the stale periods) and only
then reads. A change to month N of year Y makes the periods (Y, N) and (Y + 1, N) stale; a registry change makes
every period stale (an industry's parent is read with the cells, so reshaping the industry tree needs nothing). The
triggers are installed by the first refresh that does not find them (a new database, or a
migration that rebuilt one of the two tables, as SQLite's ALTER TABLE does): every cell is discarded then, since the
changes made without them were not recorded. If a refresh cannot run (a lock held by a long import on SQLite, an
unsupported database), the rollup is computed exactly — slower, never wrong. The triggers write to RollupChange: a
migration that drops or rebuilds that table must call `drop_triggers` first.
"""

# ruff: noqa: S608 — the SQL below is assembled from our own table names and placeholders; values are parameters.

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection, transaction
from django.db.models import F, QuerySet, Sum
from django.db.models.functions import Coalesce

from gaoxin.core import display, formulas
from gaoxin.indicators.models import (
    Aggregation,
    Fact,
    Indicator,
    OfficialRate,
    RollupCell,
    RollupChange,
    RollupPeriod,
    Target,
    TargetKind,
)
from gaoxin.registry.models import ChainStage, Enterprise, Industry, Park, Qualification, QualificationType

logger = logging.getLogger(__name__)

GROUPINGS = ("park", "industry", "chain", "scale", "qualification")
#: Groupings that put every enterprise in exactly one group (None: no grouping): the total is the sum of the groups,
#: and pre-computed cells can answer them.
PARTITIONS = (None, "park", "industry", "chain", "scale")
#: Indicators for which less is better (ranks and the cockpit's colours): falling energy intensity is good.
LOWER_IS_BETTER = frozenset({"energy_intensity"})
ZERO = Decimal(0)


def lower_is_better(indicator: Indicator) -> bool:
    return indicator.code in LOWER_IS_BETTER


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
    #: 第N名 among the groups by value and by growth (1 = best; groups equal as displayed share a rank); None for the
    #: total and for the rows that are not a group of their own (未分园区, 未分产业, 未标注环节, 无资质).
    rank_value: int | None = None
    rank_yoy: int | None = None

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
            "rank_value": self.rank_value,
            "rank_yoy": self.rank_yoy,
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

    @property
    def overlapping(self) -> bool:
        """Whether an enterprise may be in several groups (by qualification): shares do not add up to 100%."""
        return self.by not in PARTITIONS

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


def period_end(year: int, month: int) -> dt.date:
    """The last day of 1-N月: the day on which an enterprise's qualifications are read for grouping."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class _Scope:
    """The enterprises of a rollup, and whether they are the whole zone or one whole park (cells may answer)."""

    enterprises: QuerySet[Enterprise]
    whole_zone: bool
    park_id: int | None


def _scope(enterprises: QuerySet[Enterprise], park: Park | None) -> _Scope:
    """`Enterprise.objects.all()` — unfiltered, as `enterprise_scope` gives the zone-wide roles — is the whole zone;
    anything filtered (a park officer's parks, a commissioner's enterprises, one group of a drill-down) is not, and is
    always computed exactly."""
    query = enterprises.query
    whole = enterprises.model is Enterprise and not query.where and not query.is_sliced and not query.combinator
    if park is not None:
        enterprises = enterprises.filter(park=park)
    return _Scope(enterprises, whole, park.pk if park is not None else None)


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
    scope = _scope(enterprises, park)
    scope_label = park.name if park else "全区"
    result = Rollup(indicator, year, month, by, scope_label)
    if indicator.aggregation == Aggregation.RATIO:
        groups, total = _ratio_rows(indicator, year, month, scope, by)
    else:
        groups = _sums(indicator, year, month, scope, by)
        total = _total(indicator, year, month, scope, by, groups)
        total.yoy = formulas.yoy(total.comparable_value, total.base)
    total.group = scope_label
    labels = _labels(by, set(groups), scope_label)
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
    _rank(indicator, result.rows)
    result.total = total
    for target in Target.objects.filter(year=year, indicator=indicator, park=park) if whole else []:
        if target.kind == TargetKind.TOTAL:
            result.target_total = target.value
        else:
            result.target_growth = target.value
        result.target_issuer = target.issuer
    return result


def _labels(by: str | None, keys: set[Any], scope_label: str) -> dict[Any, str]:
    real = [k for k in keys if k is not None]
    if by == "park":
        return {p.pk: p.name for p in Park.objects.filter(pk__in=real)} | {None: "未分园区"}
    if by == "industry":
        return {i.pk: i.name for i in Industry.objects.filter(pk__in=real)} | {None: "未分产业"}
    if by == "chain":
        return {value: str(label) for value, label in ChainStage.choices} | {"": "未标注环节"}
    if by == "scale":
        return {True: "规上", False: "规下"}
    if by == "qualification":
        return {q.pk: q.name for q in QualificationType.objects.filter(pk__in=real)} | {None: "无资质"}
    return {None: scope_label}


def _rank(indicator: Indicator, rows: list[RollupRow]) -> None:
    """第N名 by value and by growth (the official rate where a park has one, as it is shown). 1 is the best: the
    largest, or for an indicator where less is better the smallest. Groups whose figures are equal as displayed
    share a rank and the next rank is skipped (1, 2, 2, 4), as the zone's ranking tables write 并列."""
    groups = [r for r in rows if r.key not in (None, "")]
    ascending = lower_is_better(indicator)

    def growth(row: RollupRow) -> Decimal | None:
        return row.official_yoy if row.official_yoy is not None else row.yoy

    def assign(figure: Callable[[RollupRow], Decimal | None], shown: Callable[[Decimal], str], attr: str) -> None:
        scored = [(value, row) for row in groups if (value := figure(row)) is not None]
        scored.sort(key=lambda pair: pair[0], reverse=not ascending)
        rank, previous = 0, None
        for position, (value, row) in enumerate(scored, start=1):
            text = shown(value)
            if text != previous:
                rank, previous = position, text
            setattr(row, attr, rank)

    assign(lambda r: r.value, lambda v: display.amount(v, indicator.unit), "rank_value")
    assign(growth, display.rate, "rank_yoy")


def _add(rows: Iterable[RollupRow]) -> RollupRow:
    total = RollupRow(None, "")
    for row in rows:
        total.enterprises += row.enterprises
        total.comparable_enterprises += row.comparable_enterprises
        total.value += row.value
        total.comparable_value += row.comparable_value
        total.base += row.base
    return total


def _total(
    indicator: Indicator, year: int, month: int, scope: _Scope, by: str | None, groups: dict[Any, RollupRow]
) -> RollupRow:
    """The scope's total of a sum indicator: the sum of the groups of a partition, else its own statement."""
    return _add((groups if by in PARTITIONS else _sums(indicator, year, month, scope, None)).values())


def _sums(indicator: Indicator, year: int, month: int, scope: _Scope, by: str | None) -> dict[Any, RollupRow]:
    """enterprises, value, comparable_enterprises, comparable_value and base per group for one sum indicator."""
    if scope.whole_zone and by in PARTITIONS and cells_current([(indicator.pk, year, month)]):
        return _cell_sums(indicator.pk, year, month, scope.park_id, by)
    return _exact_sums(indicator.pk, year, month, scope.enterprises, by)


def _ratio_rows(
    indicator: Indicator, year: int, month: int, scope: _Scope, by: str | None
) -> tuple[dict[Any, RollupRow], RollupRow]:
    """A ratio indicator per group and in total: the ratio of the sums of its numerator and denominator."""
    numerator_indicator, denominator_indicator = _parts(indicator)
    numerator = _sums(numerator_indicator, year, month, scope, by)
    denominator = _sums(denominator_indicator, year, month, scope, by)
    groups = {
        key: _ratio_row(indicator, key, numerator.get(key), denominator.get(key))
        for key in set(numerator) | set(denominator)
    }
    total = _ratio_row(
        indicator,
        None,
        _total(numerator_indicator, year, month, scope, by, numerator),
        _total(denominator_indicator, year, month, scope, by, denominator),
    )
    return groups, total


def _parts(indicator: Indicator) -> tuple[Indicator, Indicator]:
    if indicator.numerator is None or indicator.denominator is None:
        raise ValueError(f"ratio indicator {indicator.code} needs a numerator and a denominator")
    return indicator.numerator, indicator.denominator


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


def monthly_totals(indicator: Indicator, year: int, enterprises: QuerySet[Enterprise]) -> list[Decimal | None]:
    """The scope's cumulative 1-N月 total for each month of `year`; None for months without figures."""
    scope = _scope(enterprises, None)
    rows: Any
    if scope.whole_zone and cells_current([(indicator.pk, year, m) for m in range(1, 13)]):
        rows = RollupCell.objects.filter(indicator=indicator, year=year).values("month").annotate(total=Sum("value"))
    else:
        rows = (
            Fact.objects.filter(indicator=indicator, year=year, enterprise__in=enterprises)
            .values("month")
            .annotate(total=Sum("cumulative"))
        )
    totals: list[Decimal | None] = [None] * 12
    for row in rows:
        totals[row["month"] - 1] = row["total"]
    return totals


# The exact statement ------------------------------------------------------------------------------------------

FACT = Fact._meta.db_table
ENTERPRISE = Enterprise._meta.db_table
CELL = RollupCell._meta.db_table
PERIOD = RollupPeriod._meta.db_table
CHANGE = RollupChange._meta.db_table

#: Each enterprise's row at month N of year Y (f) with its row at month N of Y − 1 (p) where it has one. Parameters:
#: those of {joins}, then Y − 1, the indicator, Y, the months, then those of {scope}.
_PAIRED = f"""
    FROM {FACT} f
    JOIN {ENTERPRISE} e ON e.id = f.enterprise_id{{joins}}
    LEFT JOIN {FACT} p
      ON p.indicator_id = f.indicator_id AND p.year = %s AND p.month = f.month AND p.enterprise_id = f.enterprise_id
    WHERE f.indicator_id = %s AND f.year = %s AND f.month IN ({{months}}){{scope}}"""
#: enterprises, value, comparable_enterprises, comparable_value, base.
_SUMS = (
    "COUNT(*), SUM(f.cumulative), COUNT(p.id), "
    "COALESCE(SUM(CASE WHEN p.id IS NOT NULL THEN f.cumulative END), 0), COALESCE(SUM(p.cumulative), 0)"
)
#: (extra joins, group expression) of each grouping in the exact statement.
_GROUP_SQL = {
    None: ("", "NULL"),
    "park": ("", "e.park_id"),
    "industry": (
        f"\n    LEFT JOIN {Industry._meta.db_table} i ON i.id = e.industry_id",
        "COALESCE(i.parent_id, e.industry_id)",
    ),
    "chain": ("", "e.chain_stage"),
    "scale": ("", "e.is_above_scale"),
    # One row per qualification type an enterprise holds on the period's last day (DISTINCT: two certificates of
    # one type, or two levels of one R&D centre, are still one group); none gives NULL, the row 无资质.
    "qualification": (
        f"""
    LEFT JOIN (SELECT DISTINCT enterprise_id, qtype_id FROM {Qualification._meta.db_table}
               WHERE (recognized_on IS NULL OR recognized_on <= %s) AND (valid_until IS NULL OR valid_until >= %s)) q
      ON q.enterprise_id = f.enterprise_id""",
        "q.qtype_id",
    ),
}
_FLOAT = Context(prec=15)
_PLACES = Decimal("0.0001")


def _decimal(value: Any) -> Decimal:
    """A sum as the ORM would give it: SQLite returns floats for NUMERIC columns, rounded as Django rounds them."""
    if value is None:
        return ZERO
    if isinstance(value, float):
        return _FLOAT.create_decimal_from_float(value).quantize(_PLACES)
    return Decimal(value)


def _key(by: str | None, value: Any) -> Any:
    if by is None:
        return None
    if by == "scale":
        return bool(value)
    return value


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _exact_sums(
    indicator_id: int, year: int, month: int, enterprises: QuerySet[Enterprise], by: str | None
) -> dict[Any, RollupRow]:
    joins, group = _GROUP_SQL[by]
    params: list[Any] = []
    if by == "qualification":
        day = connection.ops.adapt_datefield_value(period_end(year, month))
        params += [day, day]
    try:
        scope_sql, scope_params = enterprises.order_by().values("pk").query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return {}
    params += [year - 1, indicator_id, year, month, *scope_params]
    sql = f"SELECT {group}, {_SUMS}" + _PAIRED.format(
        joins=joins, months="%s", scope=f"\n      AND f.enterprise_id IN ({scope_sql})"
    )
    if by is not None:
        sql += f"\n    GROUP BY {group}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result: dict[Any, RollupRow] = {}
    for g, n, value, comparable_n, comparable_value, base in rows:
        if not n:
            continue
        key = _key(by, g)
        result[key] = RollupRow(
            key,
            "",
            enterprises=n,
            comparable_enterprises=comparable_n,
            value=_decimal(value),
            comparable_value=_decimal(comparable_value),
            base=_decimal(base),
        )
    return result


# Pre-computed cells -------------------------------------------------------------------------------------------

_CELL_GROUP: dict[str, Any] = {
    "park": F("park_id"),
    "industry": Coalesce("industry__parent_id", "industry_id"),
    "chain": F("chain_stage"),
    "scale": F("is_above_scale"),
}


def _cell_sums(indicator_id: int, year: int, month: int, park_id: int | None, by: str | None) -> dict[Any, RollupRow]:
    cells = RollupCell.objects.filter(indicator_id=indicator_id, year=year, month=month)
    if park_id is not None:
        cells = cells.filter(park_id=park_id)
    sums = {
        "n": Sum("enterprises"),
        "value": Sum("value"),
        "comparable_n": Sum("comparable_enterprises"),
        "comparable_value": Sum("comparable_value"),
        "base": Sum("base"),
    }
    rows: list[dict[str, Any]]
    if by is None:
        rows = [{"g": None, **cells.aggregate(**sums)}]
    else:
        rows = [dict(row) for row in cells.values(g=_CELL_GROUP[by]).annotate(**sums).order_by()]
    result: dict[Any, RollupRow] = {}
    for row in rows:
        if not row["n"]:
            continue
        key = _key(by, row["g"])
        result[key] = RollupRow(
            key,
            "",
            enterprises=row["n"],
            comparable_enterprises=row["comparable_n"],
            value=row["value"],
            comparable_value=row["comparable_value"],
            base=row["base"],
        )
    return result


#: The triggers that record changes in RollupChange, per database. The version in the names changes with their SQL,
#: so that a new version replaces the old triggers (and discards the cells) by itself.
_TRIGGER_PREFIX = "indicators_rollup_"
_VERSION = "v1"
_LOG_NEW = f"""INSERT INTO {CHANGE} (indicator_id, year, month)
    SELECT NEW.indicator_id, NEW.year, NEW.month WHERE NOT EXISTS (
      SELECT 1 FROM {CHANGE} WHERE indicator_id = NEW.indicator_id AND year = NEW.year AND month = NEW.month);"""
_LOG_EVERYTHING = f"""INSERT INTO {CHANGE} (indicator_id, year, month)
    SELECT NULL, NULL, NULL WHERE NOT EXISTS (SELECT 1 FROM {CHANGE} WHERE indicator_id IS NULL);"""
_REGISTRY_COLUMNS = ("park_id", "industry_id", "is_above_scale", "chain_stage")
_TRIGGERS: dict[str, dict[str, str]] = {
    "sqlite": {
        "fact_insert": f"AFTER INSERT ON {FACT} BEGIN {_LOG_NEW} END",
        "fact_update": (
            f"AFTER UPDATE OF indicator_id, year, month, enterprise_id, cumulative ON {FACT} "
            f"BEGIN {_LOG_NEW.replace('NEW.', 'OLD.')} {_LOG_NEW} END"
        ),
        "fact_delete": f"AFTER DELETE ON {FACT} BEGIN {_LOG_NEW.replace('NEW.', 'OLD.')} END",
        "enterprise": (
            f"AFTER UPDATE OF {', '.join(_REGISTRY_COLUMNS)} ON {ENTERPRISE} FOR EACH ROW WHEN "
            + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _REGISTRY_COLUMNS)
            + f" BEGIN {_LOG_EVERYTHING} END"
        ),
    },
    # Statement-level with transition tables: one insert per statement, however many rows it wrote (a COPY of
    # millions of rows logs its few periods once).
    "postgresql": {
        "fact_insert": (
            f"AFTER INSERT ON {FACT} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {_TRIGGER_PREFIX}{_VERSION}_facts()"
        ),
        "fact_update": (
            f"AFTER UPDATE ON {FACT} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {_TRIGGER_PREFIX}{_VERSION}_facts()"
        ),
        "fact_delete": (
            f"AFTER DELETE ON {FACT} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {_TRIGGER_PREFIX}{_VERSION}_facts()"
        ),
        "fact_truncate": (
            f"AFTER TRUNCATE ON {FACT} FOR EACH STATEMENT EXECUTE FUNCTION {_TRIGGER_PREFIX}{_VERSION}_everything()"
        ),
        "enterprise": (
            f"AFTER UPDATE OF {', '.join(_REGISTRY_COLUMNS)} ON {ENTERPRISE} FOR EACH ROW WHEN ("
            + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _REGISTRY_COLUMNS)
            + f") EXECUTE FUNCTION {_TRIGGER_PREFIX}{_VERSION}_everything()"
        ),
    },
}
_PG_FUNCTIONS = (
    f"""CREATE OR REPLACE FUNCTION {_TRIGGER_PREFIX}{_VERSION}_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO {CHANGE} (indicator_id, year, month)
    SELECT DISTINCT n.indicator_id, n.year, n.month FROM new_rows n WHERE NOT EXISTS (
      SELECT 1 FROM {CHANGE} c WHERE c.indicator_id = n.indicator_id AND c.year = n.year AND c.month = n.month);
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO {CHANGE} (indicator_id, year, month)
    SELECT DISTINCT o.indicator_id, o.year, o.month FROM old_rows o WHERE NOT EXISTS (
      SELECT 1 FROM {CHANGE} c WHERE c.indicator_id = o.indicator_id AND c.year = o.year AND c.month = o.month);
  END IF;
  RETURN NULL;
END $$""",
    f"""CREATE OR REPLACE FUNCTION {_TRIGGER_PREFIX}{_VERSION}_everything() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_LOG_EVERYTHING}
  RETURN NULL;
END $$""",
)


def trigger_names() -> list[str]:
    """The names of the change-recording triggers on this database (none: cells are not used here)."""
    return [f"{_TRIGGER_PREFIX}{_VERSION}_{name}" for name in _TRIGGERS.get(connection.vendor, {})]


def _installed_sql() -> str:
    names = ", ".join(f"'{name}'" for name in trigger_names())
    if connection.vendor == "postgresql":
        return f"SELECT COUNT(*) FROM pg_trigger WHERE tgname IN ({names}) AND tgenabled <> 'D'"
    return f"SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})"


def _periods_condition(periods: Sequence[tuple[int, int, int]], *, with_last_year: bool) -> tuple[str, list[Any]]:
    """`(indicator_id = … AND year IN (…) AND month IN (…)) OR …` for a set of periods."""
    months: dict[tuple[int, int], list[int]] = defaultdict(list)
    for indicator_id, year, month in sorted(set(periods)):
        months[(indicator_id, year)].append(month)
    parts, params = [], []
    for (indicator_id, year), ms in months.items():
        years = [year - 1, year] if with_last_year else [year]
        parts.append(f"(indicator_id = %s AND year IN ({_placeholders(years)}) AND month IN ({_placeholders(ms)}))")
        params += [indicator_id, *years, *ms]
    return " OR ".join(parts), params


def cells_current(periods: Sequence[tuple[int, int, int]]) -> bool:
    """Make the cells of these (indicator, year, month) periods current if they are not; False if they cannot be
    used (unsupported database, or the refresh failed): the caller then computes exactly."""
    if connection.vendor not in _TRIGGERS:
        return False
    return _ready(periods) or _refresh(periods)


def _ready(periods: Sequence[tuple[int, int, int]]) -> bool:
    """One statement: the triggers are in place, every period is built, and no recorded change touches them."""
    built, built_params = _periods_condition(periods, with_last_year=False)
    changed, changed_params = _periods_condition(periods, with_last_year=True)
    sql = (
        f"SELECT ({_installed_sql()}), (SELECT COUNT(*) FROM {PERIOD} WHERE {built}), "
        f"(SELECT COUNT(*) FROM (SELECT 1 FROM {CHANGE} WHERE indicator_id IS NULL OR {changed} LIMIT 1) pending)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*built_params, *changed_params])
        installed, count, pending = cursor.fetchone()
    return bool(installed == len(trigger_names()) and count == len(set(periods)) and not pending)


def _refresh(periods: Sequence[tuple[int, int, int]]) -> bool:
    """Under a lock that refreshes take one at a time (readers are not blocked): install the triggers if they are
    missing, apply the recorded changes, rebuild the requested periods that are stale."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Conflicts with itself and with writes to the table, not with reads: one refresh at a time.
                cursor.execute(f"LOCK TABLE {PERIOD} IN SHARE ROW EXCLUSIVE MODE")
                # For this transaction only. Measured on the large zone (2 cores): a year of cells of one indicator
                # is rebuilt in 1.1 s serially without JIT compilation, 2.2–2.5 s with parallel workers and JIT.
                cursor.execute(
                    "SELECT set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)"
                )
            cursor.execute(_installed_sql())
            if cursor.fetchone()[0] != len(trigger_names()):
                _install(cursor)
            _apply_changes(cursor)
            condition, params = _periods_condition(periods, with_last_year=False)
            cursor.execute(f"SELECT indicator_id, year, month FROM {PERIOD} WHERE {condition}", params)
            stale = sorted(set(periods) - set(cursor.fetchall()))
            by_year: dict[tuple[int, int], list[int]] = defaultdict(list)
            for indicator_id, year, month in stale:
                by_year[(indicator_id, year)].append(month)
            for (indicator_id, year), months in by_year.items():
                _build(cursor, indicator_id, year, months)
            RollupPeriod.objects.bulk_create(
                [RollupPeriod(indicator_id=indicator_id, year=year, month=month) for indicator_id, year, month in stale]
            )
    except DatabaseError:
        logger.warning("rollup cells could not be refreshed; computing exactly", exc_info=True)
        return False
    return True


def drop_triggers(cursor: Any) -> None:
    """Drop the change-recording triggers (any version). They write to RollupChange: a migration that drops that
    table, or rebuilds it (as SQLite's ALTER TABLE does), must call this first, or writes to the fact store and
    to the registry would fail on the missing table. The next refresh reinstalls them and discards every cell."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            f"WHERE NOT t.tgisinternal AND t.tgname LIKE '{_TRIGGER_PREFIX}%%'"
        )
        for name, table in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
    elif connection.vendor == "sqlite":
        cursor.execute(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '{_TRIGGER_PREFIX}%%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def _install(cursor: Any) -> None:
    """(Re)create the triggers and discard every cell: changes made while they were missing were not recorded."""
    drop_triggers(cursor)
    if connection.vendor == "postgresql":
        for function in _PG_FUNCTIONS:
            cursor.execute(function)
    for name, definition in _TRIGGERS[connection.vendor].items():
        cursor.execute(f"CREATE TRIGGER {_TRIGGER_PREFIX}{_VERSION}_{name} {definition}")
    for table in (CHANGE, PERIOD, CELL):
        cursor.execute(f"DELETE FROM {table}")


def _apply_changes(cursor: Any) -> None:
    """Take the recorded changes and forget the periods they make stale. DELETE … RETURNING takes exactly the rows it
    removes: a change committed meanwhile stays recorded for the next refresh."""
    cursor.execute(f"DELETE FROM {CHANGE} RETURNING indicator_id, year, month")
    changes = cursor.fetchall()
    if not changes:
        return
    if any(indicator_id is None for indicator_id, _year, _month in changes):
        cursor.execute(f"DELETE FROM {PERIOD}")
        return
    # A change to month N of year Y touches this year's figures of (Y, N) and the comparable base of (Y + 1, N).
    touched = {(i, y + k, m) for i, y, m in changes for k in (0, 1)}
    built = RollupPeriod.objects.filter(indicator_id__in={i for i, _y, _m in changes})
    stale = [pk for pk, *key in built.values_list("pk", "indicator_id", "year", "month") if tuple(key) in touched]
    for start in range(0, len(stale), 500):
        RollupPeriod.objects.filter(pk__in=stale[start : start + 500]).delete()


def _build(cursor: Any, indicator_id: int, year: int, months: list[int]) -> None:
    """The cells of some months of (indicator, year): the exact statement grouped by every partition at once."""
    columns = "f.indicator_id, f.year, f.month, e.park_id, e.industry_id, e.is_above_scale, e.chain_stage"
    cursor.execute(
        f"DELETE FROM {CELL} WHERE indicator_id = %s AND year = %s AND month IN ({_placeholders(months)})",
        [indicator_id, year, *months],
    )
    cursor.execute(
        f"INSERT INTO {CELL} (indicator_id, year, month, park_id, industry_id, is_above_scale, chain_stage, "
        "enterprises, value, comparable_enterprises, comparable_value, base) "
        f"SELECT {columns}, {_SUMS}"
        + _PAIRED.format(joins="", months=_placeholders(months), scope="")
        + f"\n    GROUP BY {columns}",
        [year - 1, indicator_id, year, *months],
    )
