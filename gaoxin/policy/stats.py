"""Statistics of policy cashing (reads, in the caller's scope): applications, pass rate (passed ÷ applied, DOMAIN.md),
amounts committed and paid by policy, park and 主导产业; the working days each review stage took; stages overdue now;
and the time from application (or a 免申即享 offer's confirmation) to payment against the zone's promise
(POLICY_PAYMENT_PROMISE_DAYS working days, 60 by default as provinces now require), with the list of those over it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.policy.models import COMMITTED_STATUSES, Application, ApplicationEvent, AppStatus, Stage
from gaoxin.policy.selectors import application_scope
from gaoxin.workcalendar.calendar import WorkCalendar
from gaoxin.workcalendar.selectors import work_calendar

HUNDRED = Decimal(100)
NOT_APPLIED = (AppStatus.DRAFT, AppStatus.CANDIDATE, AppStatus.EXCLUDED)


@dataclass
class Line:
    group: str
    applied: int = 0
    passed: int = 0
    rejected: int = 0
    committed: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")

    @property
    def pass_rate(self) -> Decimal | None:
        return None if not self.applied else Decimal(self.passed) / self.applied * HUNDRED


@dataclass
class StageTime:
    stage: str
    label: str
    handled: int
    average_days: Decimal | None
    overdue_now: int


@dataclass
class Late:
    application: Application
    days: int
    paid: bool


@dataclass
class Statistics:
    by_policy: list[Line]
    by_park: list[Line]
    by_industry: list[Line]
    total: Line
    stages: list[StageTime]
    promise_days: int
    paid_count: int
    paid_average_days: Decimal | None
    paid_within: int
    late: list[Late] = field(default_factory=list)


def _lines(rows: Any, key: str, label: str, missing: str = "—") -> list[Line]:
    out: dict[Any, Line] = {}
    for row in rows.values(key, label, "status").annotate(n=Count("id"), amount=Sum("awarded_yuan")):
        line = out.setdefault(row[key], Line(row[label] or missing))
        line.applied += row["n"]
        if row["status"] in COMMITTED_STATUSES:
            line.passed += row["n"]
            line.committed += row["amount"] or 0
        if row["status"] == AppStatus.PAID:
            line.paid += row["amount"] or 0
        if row["status"] == AppStatus.REJECTED:
            line.rejected += row["n"]
    return sorted(out.values(), key=lambda line: (-line.applied, line.group))


def _start(a: Application) -> dt.date | None:
    moment = a.confirmed_at if a.channel == "offer" else a.submitted_at
    return timezone.localdate(moment) if moment else None


def statistics(actor: Any, *, today: dt.date | None = None, calendar: WorkCalendar | None = None) -> Statistics:
    today = today or timezone.localdate()
    calendar = calendar or work_calendar()
    applied = application_scope(actor).exclude(status__in=NOT_APPLIED)
    total = Line("合计")
    for line in _lines(applied, "channel", "channel"):
        total.applied += line.applied
        total.passed += line.passed
        total.rejected += line.rejected
        total.committed += line.committed
        total.paid += line.paid
    stages = _stage_times(applied, today, calendar)
    promise = settings.POLICY_PAYMENT_PROMISE_DAYS
    late: list[Late] = []
    durations = []
    for a in applied.filter(status=AppStatus.PAID).select_related("enterprise", "fund_item"):
        start = _start(a)
        if start is None or a.paid_on is None:
            continue
        days = calendar.working_days_between(start, a.paid_on)
        durations.append(days)
        if days > promise:
            late.append(Late(a, days, True))
    waiting = applied.filter(
        Q(status__in=(AppStatus.IN_REVIEW, AppStatus.APPROVED, AppStatus.IN_NOTICE, AppStatus.PAYABLE))
    )
    for a in waiting.select_related("enterprise", "fund_item"):
        start = _start(a)
        if start is None:
            continue
        days = calendar.working_days_between(start, today)
        if days > promise:
            late.append(Late(a, days, False))
    late.sort(key=lambda x: -x.days)
    return Statistics(
        by_policy=_lines(applied, "fund_item__policy_id", "fund_item__policy__title"),
        by_park=_lines(applied, "enterprise__park_id", "enterprise__park__name"),
        by_industry=_lines(
            applied.annotate(
                leading_id=Coalesce("enterprise__industry__parent_id", "enterprise__industry_id"),
                leading=Coalesce("enterprise__industry__parent__name", "enterprise__industry__name"),
            ),
            "leading_id",
            "leading",
            str(_("未分产业")),
        ),
        total=total,
        stages=stages,
        promise_days=promise,
        paid_count=len(durations),
        paid_average_days=(Decimal(sum(durations)) / len(durations)).quantize(Decimal("0.1")) if durations else None,
        paid_within=sum(1 for d in durations if d <= promise),
        late=late,
    )


def _stage_times(applied: Any, today: dt.date, calendar: WorkCalendar) -> list[StageTime]:
    """Working days from entering a stage (the event before) to acting on it, averaged per stage."""
    spent: dict[str, list[int]] = defaultdict(list)
    previous: dict[int, dt.date] = {}
    events = (
        ApplicationEvent.objects.filter(application__in=applied)
        .order_by("application_id", "at", "id")
        .values_list("application_id", "at", "stage", "action")
    )
    for application_id, at, stage, action in events.iterator(chunk_size=5000):
        day = timezone.localdate(at)
        if action in ("pass", "return", "reject") and stage and application_id in previous:
            spent[stage].append(calendar.working_days_between(previous[application_id], day))
        if action in ("submit", "resubmit", "pass", "offer"):
            previous[application_id] = day
    overdue = dict(
        applied.filter(status=AppStatus.IN_REVIEW, stage_due__lt=today).values_list("stage").annotate(n=Count("id"))
    )
    out = []
    for stage in (Stage.FORM, Stage.EXPERT, Stage.DEPARTMENT, Stage.LEADER):
        values = spent.get(stage, [])
        average = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1")) if values else None
        out.append(StageTime(stage, str(stage.label), len(values), average, overdue.get(stage, 0)))
    return out
