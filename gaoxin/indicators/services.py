"""Writes to the monthly fact store. `facts_store` is the one way figures get in (imports, the enterprise's
reporting form, officer corrections): it upserts what was reported and rebuilds each touched series so that
monthly and cumulative values agree and missing months are carried (see models.Fact)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gaoxin.core import audit
from gaoxin.core.errors import Conflict, ValidationFailed
from gaoxin.core.models import AuditAction, AuditEntry
from gaoxin.core.permissions import require
from gaoxin.indicators import permissions
from gaoxin.indicators.models import Fact, FactSource, Indicator, OfficialRate, Target, TargetKind, Temporal
from gaoxin.indicators.series import CARRIED, Reported, build_series


@dataclass(frozen=True)
class FactInput:
    enterprise_id: int
    indicator: Indicator
    year: int
    month: int
    amount: Decimal
    is_cumulative: bool = False


@dataclass
class StoreResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    carried: int = 0
    corrections: list[tuple[int, str, str, str]] = field(default_factory=list)


def _reported_of(row: Fact) -> Reported:
    return Reported(row.cumulative if row.reported_cumulative else row.value, row.reported_cumulative, row.source)


def _chunks(items: Sequence[Any], size: int = 900) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def facts_store(
    *, actor: Any, inputs: Sequence[FactInput], source: str = FactSource.IMPORT, reason: str = ""
) -> StoreResult:
    """Upsert reported figures; rebuild the series they touch; extend every series of the year to the latest month.

    A changed figure that had been reported before is a correction: it is audited with before/after."""
    result = StoreResult()
    groups: dict[tuple[int, int], list[FactInput]] = defaultdict(list)
    indicators: dict[int, Indicator] = {}
    for item in inputs:
        if not 1 <= item.month <= 12:
            raise ValidationFailed(_("月份应在1到12之间：%(month)s") % {"month": item.month})
        if item.indicator.non_negative and item.amount < 0 and not item.is_cumulative:
            raise ValidationFailed(_("%(name)s不能为负数") % {"name": item.indicator.name})
        groups[(item.indicator.pk, item.year)].append(item)
        indicators[item.indicator.pk] = item.indicator
    audits: list[AuditEntry] = []
    for (indicator_id, year), items in groups.items():
        indicator = indicators[indicator_id]
        _store_group(actor, indicator, year, items, source, reason, result, audits)
    if audits:
        AuditEntry.objects.bulk_create(audits, batch_size=500)
    return result


def _store_group(
    actor: Any,
    indicator: Indicator,
    year: int,
    items: list[FactInput],
    source: str,
    reason: str,
    result: StoreResult,
    audits: list[AuditEntry],
) -> None:
    stock = indicator.temporal == Temporal.STOCK
    enterprise_ids = sorted({i.enterprise_id for i in items})
    existing: dict[int, dict[int, Fact]] = defaultdict(dict)
    for chunk in _chunks(enterprise_ids):
        for row in Fact.objects.filter(indicator=indicator, year=year, enterprise_id__in=chunk):
            existing[row.enterprise_id][row.month] = row
    zone_through = Fact.objects.filter(indicator=indicator, year=year).aggregate(m=Max("month"))["m"] or 0
    through = max(zone_through, max(i.month for i in items))

    reported: dict[int, dict[int, Reported]] = defaultdict(dict)
    for enterprise_id, rows in existing.items():
        for month, row in rows.items():
            if row.source != CARRIED:
                reported[enterprise_id][month] = _reported_of(row)
    for item in items:
        before = reported[item.enterprise_id].get(item.month)
        item_source = FactSource.IMPORT_CUMULATIVE if source == FactSource.IMPORT and item.is_cumulative else source
        new = Reported(item.amount, item.is_cumulative, item_source)
        if before is not None and (before.amount != new.amount or before.is_cumulative != new.is_cumulative):
            kind = "累计" if before.is_cumulative else "当月"
            result.corrections.append(
                (
                    item.enterprise_id,
                    f"{year}-{item.month:02d}",
                    audit.audit_value(before.amount),
                    audit.audit_value(item.amount),
                )
            )
            audits.append(
                audit.build(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    target=indicator,
                    enterprise_id=item.enterprise_id,
                    changes={
                        f"{indicator.name}（{year}年{item.month}月{kind}）": [
                            audit.audit_value(before.amount),
                            audit.audit_value(item.amount),
                        ]
                    },
                    reason=reason,
                )
            )
        reported[item.enterprise_id][item.month] = new

    to_create: list[Fact] = []
    to_update: list[Fact] = []
    for enterprise_id in enterprise_ids:
        for point in build_series(reported[enterprise_id], through=through, stock=stock):
            stored = existing[enterprise_id].get(point.month)
            if stored is None:
                to_create.append(
                    Fact(
                        indicator=indicator,
                        year=year,
                        month=point.month,
                        enterprise_id=enterprise_id,
                        value=point.value,
                        cumulative=point.cumulative,
                        reported_cumulative=point.reported_cumulative,
                        source=point.source,
                    )
                )
                if point.carried:
                    result.carried += 1
                else:
                    result.created += 1
            elif (stored.value, stored.cumulative, stored.reported_cumulative, stored.source) != (
                point.value,
                point.cumulative,
                point.reported_cumulative,
                point.source,
            ):
                stored.value, stored.cumulative = point.value, point.cumulative
                stored.reported_cumulative, stored.source = point.reported_cumulative, point.source
                to_update.append(stored)
                result.updated += 1
            else:
                result.unchanged += 1
    Fact.objects.bulk_create(to_create, batch_size=1000)
    Fact.objects.bulk_update(to_update, ["value", "cumulative", "reported_cumulative", "source"], batch_size=500)
    if through > zone_through:
        result.carried += _extend_others(indicator, year, through, set(enterprise_ids), stock)


def _extend_others(indicator: Indicator, year: int, through: int, done: set[int], stock: bool) -> int:
    """Carry every other series of the year forward to the zone's new latest month."""
    behind = (
        Fact.objects.filter(indicator=indicator, year=year)
        .values("enterprise_id")
        .annotate(last=Max("month"))
        .filter(last__lt=through)
    )
    lasts = {row["enterprise_id"]: row["last"] for row in behind if row["enterprise_id"] not in done}
    if not lasts:
        return 0
    carried: list[Fact] = []
    ids = sorted(lasts)
    for chunk in _chunks(ids):
        for row in Fact.objects.filter(indicator=indicator, year=year, enterprise_id__in=chunk).order_by("month"):
            if row.month != lasts[row.enterprise_id]:
                continue
            cumulative = Decimal(0) if stock else row.cumulative
            carried.extend(
                Fact(
                    indicator=indicator,
                    year=year,
                    month=month,
                    enterprise_id=row.enterprise_id,
                    value=Decimal(0),
                    cumulative=cumulative,
                    source=FactSource.CARRIED,
                )
                for month in range(row.month + 1, through + 1)
            )
    Fact.objects.bulk_create(carried, batch_size=1000)
    return len(carried)


# Targets and official rates --------------------------------------------------------------------------------

TARGET_FIELDS = ("year", "park", "indicator", "kind", "value", "issuer")
RATE_FIELDS = ("indicator", "year", "month", "park", "rate", "source")


@transaction.atomic
def target_save(*, actor: Any, data: dict[str, Any], target: Target | None = None) -> Target:
    """Create or change an annual target (FORMATS.md 1e); one per year, scope, indicator and kind."""
    require(permissions.can_manage_targets(actor))
    duplicate = Target.objects.filter(
        year=data["year"], park=data.get("park"), indicator=data["indicator"], kind=data["kind"]
    )
    if target is not None:
        duplicate = duplicate.exclude(pk=target.pk)
    if duplicate.exists():
        raise Conflict(_("该年度、范围、指标和目标类型的目标已存在，请修改原有目标"))
    if data["kind"] == TargetKind.TOTAL and data["value"] < 0:
        raise ValidationFailed(_("总量目标不能为负数"), data={"field": "value"})
    return _save(actor, target or Target(), data, TARGET_FIELDS)


@transaction.atomic
def official_rate_save(*, actor: Any, data: dict[str, Any], rate: OfficialRate | None = None) -> OfficialRate:
    """Record the statistics bureau's growth rate for the zone or a park and 1-N月 (增加值 at comparable prices)."""
    require(permissions.can_manage_targets(actor))
    if not 1 <= data["month"] <= 12:
        raise ValidationFailed(_("月份应在1到12之间：%(month)s") % {"month": data["month"]}, data={"field": "month"})
    duplicate = OfficialRate.objects.filter(
        indicator=data["indicator"], year=data["year"], month=data["month"], park=data.get("park")
    )
    if rate is not None:
        duplicate = duplicate.exclude(pk=rate.pk)
    if duplicate.exists():
        raise Conflict(_("该指标、统计期和范围的核定增速已存在，请修改原有记录"))
    return _save(actor, rate or OfficialRate(), data, RATE_FIELDS)


@transaction.atomic
def target_delete(*, actor: Any, target: Target) -> None:
    require(permissions.can_manage_targets(actor))
    audit.record(actor=actor, action=AuditAction.DELETE, target=target, changes={"年度目标": [str(target), None]})
    target.delete()


def _save(actor: Any, obj: Any, data: dict[str, Any], fields: tuple[str, ...]) -> Any:
    creating = obj.pk is None
    before = dict.fromkeys(fields) if creating else audit.snapshot(obj, fields)
    for name in fields:
        setattr(obj, name, data.get(name) if name != "issuer" and name != "source" else (data.get(name) or ""))
    changes = audit.diff(type(obj), before, audit.snapshot(obj, fields))
    if creating or changes:
        obj.save()
        audit.record(
            actor=actor, action=AuditAction.CREATE if creating else AuditAction.UPDATE, target=obj, changes=changes
        )
    return obj
