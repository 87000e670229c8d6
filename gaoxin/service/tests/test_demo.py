"""The demo year of appeals: the zone's proportions, and the figures the scoreboard shows for it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.registry import demo as registry_demo
from gaoxin.service import selectors
from gaoxin.service.demo import DEMO_CENTRE_USER, seed_appeals
from gaoxin.service.models import Appeal, AppealStatus, Dispatch, EscalationRoute, ServiceGrid
from gaoxin.testing import factories as f
from gaoxin.workcalendar.selectors import work_calendar

pytestmark = pytest.mark.django_db


def test_a_year_in_the_zones_proportions() -> None:
    registry_demo.seed_demo(enterprises=80, years=1, seed=5)
    today = timezone.localdate()
    result = seed_appeals(today=today, seed=5)
    assert (result.appeals, result.immediate, result.dispatched) == (832, 563, 269)
    assert Appeal.objects.count() == 832
    assert 1 <= result.open <= 8
    assert result.open == Appeal.objects.filter(status=AppealStatus.HANDLING).count()  # the count is the data's
    assert result.reopened >= 1
    leader = f.leader()
    summary = selectors.zone_summary(leader, today - dt.timedelta(days=364), today)
    assert (summary.received, summary.immediate, summary.dispatched) == (832, 563, 269)
    assert summary.immediate_rate == 100
    assert summary.dispatched_rate is not None
    assert summary.dispatched_rate >= 97
    assert Appeal.objects.filter(status=AppealStatus.REPLIED).exists()  # last week's answers wait for a rating
    rows = selectors.scoreboard(leader, today - dt.timedelta(days=364), today, today=today)
    assert sum(r.received for r in rows) == Dispatch.objects.exclude(status="returned").count()
    assert all(r.department != "企业服务中心" for r in rows)
    centre = User.objects.get(username=DEMO_CENTRE_USER)
    assert (centre.role, centre.department.code) == ("officer", "QYFW")
    commissioner = User.objects.get(username="commissioner")
    ledger = selectors.coverage(commissioner, today)
    assert (ledger.problems + ledger.needs, ledger.raised) == (65, 51)
    assert 45 <= ledger.resolved <= 51
    assert ledger.rate is not None
    assert ledger.rate > 60
    assert Appeal.objects.filter(channel="commissioner").count() == 51
    assert result.summary().startswith("企业诉求：近一年 832 件（马上办 563，转办 269；")
    # some leads waited for a clarification: their due dates moved on and the waiting days are out of the handling time
    paused = list(Dispatch.objects.filter(paused_days__gt=0))
    assert paused
    calendar = work_calendar()
    for dispatch in paused:
        sent = timezone.localdate(dispatch.dispatched_at)
        assert dispatch.due_date == calendar.add_working_days(sent, dispatch.limit_days + dispatch.paused_days)
        assert dispatch.replied_at is not None
        taken = calendar.working_days_between(sent, timezone.localdate(dispatch.replied_at))
        assert dispatch.working_days == taken - dispatch.paused_days
    # the demo commissioner's grid: its enterprises are in their coverage report, with visits
    grid = ServiceGrid.objects.get()
    assert grid.commissioner == commissioner
    assert grid.enterprises.count() == 8
    lines = [line for line in ledger.lines if line.grids]
    assert len(lines) == 8
    assert all(line.last_visit for line in lines)
    # the escalation routes: the demo officer heads 科技产业局, the demo leader is in charge
    route = EscalationRoute.objects.get(department__code="KJCY")
    assert (route.head.username, route.leader.role) == ("officer", "leader")
