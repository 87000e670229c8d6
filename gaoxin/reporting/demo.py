"""Demo reporting rounds (`seed_demo`): this year's months as rounds, all closed but the latest, which is still open.

Every month of this year up to the last complete one gets a round over the firms with figures that month; the
firms that reported are marked submitted a few days before the deadline (their figures become 企业填报). The latest
round's deadline is moved a few days into the future (as if extended), and a few firms — among them the demo
enterprise account's — have not reported yet: their figures of that month are taken out again (carried, as the fact
store keeps a month not reported), so the 催报 list, the reminders and the enterprise's form have something to show.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.indicators.demo import last_complete_month
from gaoxin.indicators.models import Fact, FactSource, Temporal
from gaoxin.reporting.models import ReportEntry, ReportingRound, RoundEnterprise
from gaoxin.reporting.services import default_deadline, reportable_indicators

ZERO_SHARE_NOT_REPORTED = 0.03


@dataclass(frozen=True)
class DemoRoundsResult:
    rounds: int
    members: int
    pending: int


@transaction.atomic
def seed_rounds(*, today: dt.date, seed: int) -> DemoRoundsResult:
    rng = random.Random(f"{seed}:rounds")
    year, end_month = last_complete_month(today)
    indicators = list(reportable_indicators().filter(facts__year=year).distinct())
    if not indicators:
        return DemoRoundsResult(0, 0, 0)
    officer = User.objects.filter(role=Role.OFFICER).order_by("id").first()
    users = dict(User.objects.filter(role=Role.ENTERPRISE, enterprise__isnull=False).values_list("enterprise_id", "id"))
    now = timezone.now()
    pending: set[int] = set()
    members_total = 0
    for month in range(1, end_month + 1):
        deadline = default_deadline(year, month)
        latest = month == end_month
        if latest:
            deadline = max(
                deadline, timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=3), dt.time(23, 59)))
            )
        round_ = ReportingRound.objects.create(
            year=year, month=month, deadline=deadline, jump_threshold=30, created_by=officer
        )
        round_.indicators.set(indicators)
        period = Fact.objects.filter(year=year, month=month, indicator__in=indicators)
        with_rows = set(period.values_list("enterprise_id", flat=True))
        reported = set(period.exclude(source=FactSource.CARRIED).values_list("enterprise_id", flat=True))
        if latest:
            pending = {e for e in reported if rng.random() < ZERO_SHARE_NOT_REPORTED}
            pending |= set(users) & reported
            _take_back(year, month, pending)
            reported -= pending
        members = []
        for enterprise_id in sorted(with_rows):
            submitted = enterprise_id in reported
            at = min(deadline - dt.timedelta(days=rng.randint(0, 4), hours=rng.randint(1, 9)), now)
            members.append(
                RoundEnterprise(
                    round=round_,
                    enterprise_id=enterprise_id,
                    submitted_at=at if submitted else None,
                    submitted_by_id=users.get(enterprise_id) if submitted else None,
                    reminder_count=0 if submitted or latest else 2,
                )
            )
        RoundEnterprise.objects.bulk_create(members, batch_size=1000)
        members_total += len(members)
        _entries(round_, year, month)
        period.filter(source=FactSource.IMPORT).update(source=FactSource.REPORT)
    return DemoRoundsResult(end_month, members_total, len(pending))


def _take_back(year: int, month: int, enterprise_ids: set[int]) -> None:
    """The month not reported yet: back to a carried row (0 for the month, cumulative carried)."""
    if not enterprise_ids:
        return
    before = {
        (f.enterprise_id, f.indicator_id): f.cumulative
        for f in Fact.objects.filter(year=year, month=month - 1, enterprise_id__in=enterprise_ids)
    }
    rows = list(
        Fact.objects.filter(year=year, month=month, enterprise_id__in=enterprise_ids).select_related("indicator")
    )
    for row in rows:
        stock = row.indicator.temporal == Temporal.STOCK
        row.value = 0
        row.cumulative = 0 if stock or month == 1 else before.get((row.enterprise_id, row.indicator_id), 0)
        row.reported_cumulative = False
        row.source = FactSource.CARRIED
    Fact.objects.bulk_update(rows, ["value", "cumulative", "reported_cumulative", "source"], batch_size=1000)


def _entries(round_: ReportingRound, year: int, month: int) -> None:
    members = dict(round_.members.filter(submitted_at__isnull=False).values_list("enterprise_id", "id"))
    figures = Fact.objects.filter(
        year=year, month=month, enterprise_id__in=list(members), indicator__in=round_.indicators.all()
    ).exclude(source=FactSource.CARRIED)
    entries = [
        ReportEntry(member_id=members[enterprise_id], indicator_id=indicator_id, value=value)
        for enterprise_id, indicator_id, value in figures.values_list("enterprise_id", "indicator_id", "value")
    ]
    ReportEntry.objects.bulk_create(entries, batch_size=2000)
