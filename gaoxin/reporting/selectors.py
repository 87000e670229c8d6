"""Reads of reporting rounds, always through the caller's enterprise scope.

Rounds themselves are zone-wide (every reader sees the list); their members, figures and the 催报 list are limited
to the enterprises the caller may see (`registry.selectors.enterprise_scope`); an enterprise user sees only its own
enterprise's membership. Anything outside the scope answers NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from gaoxin.accounts.roles import Role
from gaoxin.core.errors import NotFound
from gaoxin.core.models import AuditEntry
from gaoxin.core.permissions import require
from gaoxin.indicators.models import Fact, FactSource, Indicator, Temporal
from gaoxin.registry.selectors import enterprise_scope
from gaoxin.reporting import permissions
from gaoxin.reporting.models import ReportEntry, ReportingRound, RoundEnterprise

ZERO = Decimal(0)


def member_scope(actor: Any) -> QuerySet[RoundEnterprise]:
    """The one scoping function of round memberships: those of the enterprises the caller may see."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return RoundEnterprise.objects.none()
    if actor.role == Role.ENTERPRISE:
        if actor.enterprise_id is None:
            return RoundEnterprise.objects.none()
        return RoundEnterprise.objects.filter(enterprise_id=actor.enterprise_id)
    if not permissions.can_view_rounds(actor):
        return RoundEnterprise.objects.none()
    return RoundEnterprise.objects.filter(enterprise__in=enterprise_scope(actor))


def round_list(actor: Any) -> QuerySet[ReportingRound]:
    """Every round, newest first (count each one's progress with `round_progress`)."""
    require(permissions.can_view_rounds(actor))
    return ReportingRound.objects.order_by("-year", "-month")


def covered(round_: ReportingRound) -> Exists:
    """Whether an enterprise's figures for the round's period are in the store anyway (imported from the statistics
    bureau's spreadsheet or entered by an officer): such an enterprise counts as reported and is not chased."""
    return Exists(
        Fact.objects.filter(
            enterprise_id=OuterRef("enterprise_id"),
            year=round_.year,
            month=round_.month,
            indicator__in=round_.indicators.all(),
        ).exclude(source=FactSource.CARRIED)
    )


DONE = Q(submitted_at__isnull=False) | Q(has_figures=True)


def with_status(members: QuerySet[RoundEnterprise], round_: ReportingRound) -> QuerySet[RoundEnterprise]:
    return members.filter(round=round_).annotate(has_figures=covered(round_))


def missing_members(members: QuerySet[RoundEnterprise], round_: ReportingRound) -> QuerySet[RoundEnterprise]:
    """Members that have neither submitted nor had their figures imported or entered: the 催报 list."""
    return with_status(members, round_).exclude(DONE)


def round_get(actor: Any, pk: int) -> ReportingRound:
    if not permissions.can_view_rounds(actor):
        raise NotFound()
    try:
        return ReportingRound.objects.get(pk=pk)
    except ReportingRound.DoesNotExist:
        raise NotFound() from None


def round_for_period(year: int, month: int) -> ReportingRound | None:
    return ReportingRound.objects.filter(year=year, month=month).first()


def round_indicators(round_: ReportingRound) -> list[Indicator]:
    return list(round_.indicators.order_by("sort_order", "id"))


def member_get(actor: Any, pk: int) -> RoundEnterprise:
    try:
        return member_scope(actor).select_related("round", "enterprise", "enterprise__park", "submitted_by").get(pk=pk)
    except RoundEnterprise.DoesNotExist:
        raise NotFound() from None


def portal_members(actor: Any) -> QuerySet[RoundEnterprise]:
    """The enterprise user's rounds, newest first."""
    if actor.role != Role.ENTERPRISE:
        return RoundEnterprise.objects.none()
    return member_scope(actor).select_related("round").order_by("-round__year", "-round__month")


def round_members(
    actor: Any, round_: ReportingRound, *, status: str = "", park: int | None = None
) -> QuerySet[RoundEnterprise]:
    rows = with_status(member_scope(actor), round_).select_related("enterprise", "enterprise__park", "submitted_by")
    if status == "missing":
        rows = rows.exclude(DONE)
    elif status == "done":
        rows = rows.filter(DONE)
    if park:
        rows = rows.filter(enterprise__park_id=park)
    return rows.order_by("submitted_at", "enterprise__park__code", "enterprise__name")


@dataclass
class ParkProgress:
    park: str
    expected: int
    done: int

    @property
    def missing(self) -> int:
        return self.expected - self.done

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.done) / Decimal(self.expected) * 100 if self.expected else None


def round_progress(actor: Any, round_: ReportingRound) -> list[ParkProgress]:
    rows = (
        with_status(member_scope(actor), round_)
        .values("enterprise__park__name", "enterprise__park__code")
        .annotate(expected=Count("id"), done=Count("id", filter=DONE))
        .order_by("enterprise__park__code")
    )
    return [ParkProgress(r["enterprise__park__name"], r["expected"], r["done"]) for r in rows]


def round_totals(progress: list[ParkProgress]) -> ParkProgress:
    return ParkProgress(str(_("合计")), sum(p.expected for p in progress), sum(p.done for p in progress))


def last_reported(enterprise_ids: list[int]) -> dict[int, tuple[int, int]]:
    """The latest period each enterprise reported anything (not a carried month): for the 催报 list."""
    result: dict[int, tuple[int, int]] = {}
    rows = (
        Fact.objects.filter(enterprise_id__in=enterprise_ids)
        .exclude(source=FactSource.CARRIED)
        .values("enterprise_id")
        .annotate(period=Max(F("year") * 100 + F("month")))
    )
    for row in rows:
        period = int(row["period"])
        result[row["enterprise_id"]] = (period // 100, period % 100)
    return result


@dataclass
class SheetRow:
    """One line of an enterprise's reporting form."""

    indicator: Indicator
    previous: Decimal | None  # last month's own figure (None: not reported)
    base_cumulative: Decimal  # 1-(N-1)月 of this year, to which this month's figure adds
    last_year: Decimal | None  # the same month last year
    entry: ReportEntry | None
    fact: Fact | None  # what the platform holds now (a correction may differ from the entry)

    @property
    def stock(self) -> bool:
        return self.indicator.temporal == Temporal.STOCK

    @property
    def initial(self) -> Decimal | None:
        """What the form shows at first: the submitted figure, else last month's (the issue's prefill)."""
        if self.entry is not None:
            return self.entry.value
        return self.previous

    @property
    def corrected(self) -> bool:
        return self.fact is not None and self.fact.source == FactSource.CORRECTION

    @property
    def imported(self) -> bool:
        return self.fact is not None and self.fact.source in (FactSource.IMPORT, FactSource.IMPORT_CUMULATIVE)

    @property
    def current(self) -> Decimal | None:
        if self.fact is not None and self.fact.source != FactSource.CARRIED:
            return self.fact.value
        return None

    def cumulative_of(self, value: Decimal | None) -> Decimal | None:
        if value is None:
            return None
        return value if self.stock else self.base_cumulative + value


def sheet(member: RoundEnterprise) -> list[SheetRow]:
    """The form of one enterprise in one round: each indicator with last month, the cumulative base, last year's
    same month, what was submitted and what the fact store holds now."""
    round_ = member.round
    indicators = round_indicators(round_)
    previous_year, previous_month = round_.previous_period()
    periods = Q(year=round_.year, month=round_.month) | Q(year=previous_year, month=previous_month)
    periods |= Q(year=round_.year - 1, month=round_.month)
    facts: dict[tuple[int, int, int], Fact] = {
        (f.indicator_id, f.year, f.month): f
        for f in Fact.objects.filter(periods, enterprise_id=member.enterprise_id, indicator__in=indicators)
    }
    entries = {e.indicator_id: e for e in member.entries.all()}
    rows = []
    for indicator in indicators:
        previous = facts.get((indicator.pk, previous_year, previous_month))
        same_month = facts.get((indicator.pk, round_.year - 1, round_.month))
        base = ZERO
        if round_.month > 1 and previous is not None:
            base = previous.cumulative
        rows.append(
            SheetRow(
                indicator=indicator,
                previous=previous.value if previous is not None and not previous.carried else None,
                base_cumulative=base,
                last_year=same_month.value if same_month is not None and not same_month.carried else None,
                entry=entries.get(indicator.pk),
                fact=facts.get((indicator.pk, round_.year, round_.month)),
            )
        )
    return rows


def open_rounds_due(day: Any) -> QuerySet[ReportingRound]:
    """Rounds still open whose deadline falls on or after `day` (candidates for the automatic reminder)."""
    return ReportingRound.objects.filter(closed_at__isnull=True, deadline__date__gte=day)


def round_indicator(round_: ReportingRound, pk: int) -> Indicator:
    indicator = round_.indicators.filter(pk=pk).first()
    if indicator is None:
        raise NotFound(_("该指标不在本次填报中"))
    return indicator


def member_history(member: RoundEnterprise, limit: int = 50) -> list[AuditEntry]:
    """The submission and every change of the enterprise's figures since the round was opened, newest first."""
    entries = AuditEntry.objects.filter(enterprise_id=member.enterprise_id, created_at__gte=member.round.created_at)
    own = Q(target_type="reporting.roundenterprise", target_id=str(member.pk))
    figures = Q(target_type="indicators.indicator", target_id__in=[str(i.pk) for i in round_indicators(member.round)])
    period = f"{member.round.year}年{member.round.month}月"
    rows = entries.filter(own | figures).select_related("actor").order_by("-created_at", "-id")[: limit * 4]
    return [e for e in rows if e.target_type == "reporting.roundenterprise" or any(period in key for key in e.changes)][
        :limit
    ]


def portal_open_member(actor: Any) -> RoundEnterprise | None:
    """The enterprise's membership in a round still open, if any (the portal home's reminder card)."""
    for member in portal_members(actor)[:3]:
        if not member.round.locked:
            return member
    return None


def open_round_summary(actor: Any) -> tuple[ReportingRound, ParkProgress] | None:
    """The latest round still open and the caller's progress in it (the workbench home's card)."""
    for round_ in ReportingRound.objects.filter(closed_at__isnull=True).order_by("-year", "-month")[:3]:
        if not round_.locked:
            return round_, round_totals(round_progress(actor, round_))
    return None
