"""Working-day deadlines on the real calendars (DOMAIN.md: the day of receipt is not counted), the "124" rule's
working hour across a lunch break, a weekend and a holiday, and a year the calendar package does not know yet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from gaoxin.service import deadlines, services
from gaoxin.service.models import Dispatch
from gaoxin.service.tests.conftest import at, category
from gaoxin.workcalendar import services as calendar_services
from gaoxin.workcalendar.selectors import work_calendar

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # 2025 National Day and Mid-Autumn: Oct 1–8 off; Sun 09-28 and Sat 10-11 are working days.
        (D(2025, 9, 26), 2, D(2025, 9, 29)),  # Fri: Sun 28 (1), Mon 29 (2)
        (D(2025, 9, 26), 4, D(2025, 10, 9)),  # 28, 29, 30, then the holiday, Thu Oct 9 (4)
        (D(2025, 9, 27), 1, D(2025, 9, 28)),  # received on a Saturday: the working Sunday is the first day
        (D(2025, 9, 30), 2, D(2025, 10, 10)),  # the last working day before the holiday
        (D(2025, 9, 30), 4, D(2025, 10, 13)),  # Oct 9, 10, Sat 11 (调休), Mon 13
        (D(2025, 10, 1), 2, D(2025, 10, 10)),  # received during the holiday
        # 2026 Spring Festival: Feb 15–23 off; Sat 02-14 and Sat 02-28 are working days.
        (D(2026, 2, 13), 2, D(2026, 2, 24)),  # Fri: Sat 14 (1), the holiday, Tue 24 (2)
        (D(2026, 2, 13), 4, D(2026, 2, 26)),
        (D(2026, 2, 14), 2, D(2026, 2, 25)),  # received on the working Saturday: it is not counted
        (D(2026, 2, 26), 2, D(2026, 2, 28)),  # Fri 27 (1), Sat 28 (2, 调休)
        (D(2026, 2, 27), 4, D(2026, 3, 4)),  # Sat 28 (1), Mon 2 (2), Tue 3 (3), Wed 4 (4)
    ],
)
def test_limits_on_the_official_calendar(received: dt.date, days: int, due: dt.date) -> None:
    assert deadlines.due_date(received, days) == due


def test_a_dispatch_before_national_day_is_due_after_it(zone) -> None:
    appeal = services.appeal_submit(
        actor=zone["a_user"], category=category("YD01"), title="厂房租赁合同续签", content="租约9月底到期"
    ).appeal
    rows = services.appeal_dispatch(
        actor=zone["clerk"], appeal=appeal, lead=zone["gh"], co=[zone["kj"]], now=at(2025, 9, 30, 16)
    )
    assert [(d.role, d.limit_days, d.due_date) for d in rows] == [
        ("lead", 4, D(2025, 10, 13)),
        ("co", 4, D(2025, 10, 13)),
    ]
    assert rows[0].return_due == D(2025, 10, 10)  # a misrouted item goes back within 2 working days
    consult = services.appeal_submit(
        actor=zone["a_user"], category=category("ZCZX01"), title="高企认定政策解读", content="研发费用口径"
    ).appeal
    (lead,) = services.appeal_dispatch(actor=zone["clerk"], appeal=consult, lead=zone["kj"], now=at(2026, 2, 13, 9))
    assert (lead.limit_days, lead.due_date) == (2, D(2026, 2, 24))  # 咨询: 2 working days


def test_a_year_the_package_does_not_know_corrected_by_the_administrator(zone) -> None:
    calendar = work_calendar()
    assert calendar.add_working_days(D(2027, 2, 9), 4) == D(2027, 2, 15)  # weekends only …
    assert 2027 in calendar.unknown_years  # … and the calendar says it does not know the year
    calendar_services.year_import(
        actor=zone["admin"],
        year=2027,
        lines="2027-02-10~2027-02-17,放假,春节\n2027-02-20,上班,春节调休\n",
        notice="国务院办公厅关于2027年部分节假日安排的通知",
    )
    assert deadlines.due_date(D(2027, 2, 9), 4) == D(2027, 2, 22)  # Thu 18, Fri 19, Sat 20 (调休), Mon 22
    appeal = services.appeal_submit(
        actor=zone["a_user"], category=category("RZ01"), title="贷款贴息", content="春节前申请"
    ).appeal
    (lead,) = services.appeal_dispatch(actor=zone["clerk"], appeal=appeal, lead=zone["jf"], now=at(2027, 2, 9, 15))
    assert Dispatch.objects.get(pk=lead.pk).due_date == D(2027, 2, 22)


@pytest.mark.parametrize(
    ("received", "respond_by"),
    [
        (at(2026, 11, 20, 10, 0), at(2026, 11, 20, 11, 0)),  # inside the morning
        (at(2026, 11, 20, 11, 30), at(2026, 11, 20, 14, 30)),  # across the lunch break
        (at(2026, 11, 20, 12, 30), at(2026, 11, 20, 15, 0)),  # received during lunch
        (at(2026, 11, 20, 17, 30), at(2026, 11, 23, 9, 30)),  # Friday evening → Monday morning
        (at(2026, 11, 21, 10, 0), at(2026, 11, 23, 10, 0)),  # received on a Saturday
        (at(2025, 9, 30, 17, 45), at(2025, 10, 9, 9, 45)),  # before National Day → after it
        (at(2026, 2, 13, 20, 0), at(2026, 2, 14, 10, 0)),  # Friday night → the working Saturday
    ],
)
def test_one_working_hour_to_respond(received, respond_by) -> None:
    assert deadlines.respond_by(received) == respond_by


@override_settings(SERVICE_OFFICE_HOURS="08:30-12:00,13:30-17:30")
@pytest.mark.parametrize(
    ("received", "respond_by"),
    [
        (at(2026, 11, 20, 11, 45), at(2026, 11, 20, 14, 15)),
        (at(2026, 11, 20, 17, 0), at(2026, 11, 23, 9, 0)),
    ],
)
def test_office_hours_are_configurable(received, respond_by) -> None:
    assert deadlines.respond_by(received) == respond_by


def test_a_portal_appeal_records_its_response_limit(zone) -> None:
    appeal = services.appeal_submit(
        actor=zone["a_user"], category=category("RC01"), title="人才认定", content="博士认定材料"
    ).appeal
    assert appeal.respond_by == deadlines.respond_by(appeal.received_at)
    assert appeal.respond_by > appeal.received_at
