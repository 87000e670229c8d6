"""`manage.py service_reminders`: reminders before the due date, escalation once when overdue, automatic closure;
running it twice on a day changes nothing the second time."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from gaoxin.notifications.models import Notification
from gaoxin.service import services
from gaoxin.service.models import AppealEvent, AppealStatus, DispatchReminder
from gaoxin.service.tests.conftest import category
from gaoxin.workcalendar.selectors import work_calendar

pytestmark = pytest.mark.django_db


def run(day) -> dict:
    out = StringIO()
    call_command("service_reminders", "--date", day.isoformat(), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_reminders_escalation_and_closure_are_idempotent(zone) -> None:
    appeal = services.appeal_submit(actor=zone["a_user"], category=category("YD01"), title="用地", content="x").appeal
    (lead,) = services.appeal_dispatch(actor=zone["clerk"], appeal=appeal, lead=zone["gh"])
    calendar = work_calendar()
    today = timezone.localdate()
    eve = calendar.add_working_days(today, 3)  # one working day before the due date (4 working days)
    assert calendar.add_working_days(eve, 1) == lead.due_date

    assert run(today) == {"reminded": [], "escalated": [], "closed": []}
    assert run(eve) == {"reminded": [appeal.number], "escalated": [], "closed": []}
    notes = Notification.objects.filter(recipient=zone["gh_officer"], kind="service.reminder").count()
    assert notes == 1
    assert run(eve) == {"reminded": [], "escalated": [], "closed": []}  # the same day again: nothing
    assert Notification.objects.filter(recipient=zone["gh_officer"], kind="service.reminder").count() == 1
    assert DispatchReminder.objects.filter(kind="due").count() == 1

    late = calendar.add_working_days(lead.due_date, 1)
    assert run(late) == {"reminded": [], "escalated": [appeal.number], "closed": []}
    escalated = Notification.objects.filter(kind="service.overdue")
    assert {n.recipient.username for n in escalated} == {"gh1", "centre1", "leader1"}
    assert "逾期1个工作日" in escalated.first().body
    assert run(late) == {"reminded": [], "escalated": [], "closed": []}
    assert run(calendar.add_working_days(late, 1)) == {"reminded": [], "escalated": [], "closed": []}  # once only
    assert Notification.objects.filter(kind="service.overdue").count() == 3
    assert not AppealEvent.objects.get(appeal=appeal, kind="escalated").public

    services.dispatch_reply(actor=zone["gh_officer"], dispatch=lead, reply="已答复")
    services.dispatch_review(actor=zone["clerk"], dispatch=lead, approve=True)
    closing = calendar.add_working_days(today, 5)
    assert run(closing)["closed"] == [appeal.number]
    assert run(closing)["closed"] == []
    appeal.refresh_from_db()
    assert (appeal.status, appeal.auto_closed) == (AppealStatus.CLOSED, True)


def test_plain_output(zone) -> None:
    out = StringIO()
    call_command("service_reminders", stdout=out)
    assert out.getvalue().strip() == "到期前提醒0件，逾期督办0件，逾期未评价自动办结0件。"
