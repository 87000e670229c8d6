"""Working days on the real official calendars (DOMAIN.md: the day of receipt is not counted; a 公示 includes its
first day; weekends off, holidays off, 调休 weekends worked), administrators' corrections and the command."""

from __future__ import annotations

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from gaoxin.core.errors import PermissionDenied, ValidationFailed
from gaoxin.core.models import AuditEntry
from gaoxin.testing import factories as f
from gaoxin.workcalendar import services
from gaoxin.workcalendar.calendar import WorkCalendar, build
from gaoxin.workcalendar.selectors import work_calendar

D = dt.date.fromisoformat
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # 2025 National Day + Mid-Autumn: Oct 1–8 off, Sun 09-28 and Sat 10-11 worked.
        ("2025-09-30", 1, "2025-10-09"),
        ("2025-09-30", 2, "2025-10-10"),
        ("2025-09-30", 3, "2025-10-11"),  # the 调休 Saturday counts
        ("2025-09-26", 1, "2025-09-28"),  # received Friday: the 调休 Sunday is the first working day
        ("2025-09-26", 2, "2025-09-29"),
        ("2025-09-28", 1, "2025-09-29"),  # received on a working Sunday: that day is not counted
        # 2026 Spring Festival: Feb 15–23 off, Sat 02-14 and Sat 02-28 worked.
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-13", 2, "2026-02-24"),
        ("2026-02-13", 4, "2026-02-26"),
        ("2026-02-26", 2, "2026-02-28"),
        # An ordinary week: received Friday, 4 working days → Thursday.
        ("2026-03-06", 4, "2026-03-12"),
    ],
)
def test_time_limits_on_the_official_calendar(received: str, days: int, due: str) -> None:
    assert WorkCalendar().add_working_days(D(received), days) == D(due)


def test_public_notice_includes_its_first_day() -> None:
    cal = WorkCalendar()
    # 7 working days from Tue 2026-02-10: 10,11,12,13, Sat 14 (调休), then 24, 25.
    assert cal.notice_end(D("2026-02-10"), 7) == D("2026-02-25")
    # Published on a holiday: the first working day after it is day one.
    assert cal.notice_end(D("2025-10-03"), 1) == D("2025-10-09")
    assert cal.notice_end(D("2026-03-09"), 7) == D("2026-03-17")


def test_working_days_between_and_hours() -> None:
    cal = WorkCalendar()
    assert cal.working_days_between(D("2025-09-30"), D("2025-10-10")) == 2
    assert cal.working_days_between(D("2026-03-06"), D("2026-03-06")) == 0
    start = dt.datetime(2025, 9, 30, 16, 30, tzinfo=SHANGHAI)
    assert cal.add_working_hours(start, 1) == dt.datetime(2025, 9, 30, 17, 30, tzinfo=SHANGHAI)
    assert cal.add_working_hours(start, 2) == dt.datetime(2025, 10, 9, 9, 30, tzinfo=SHANGHAI)
    lunch = dt.datetime(2026, 3, 9, 11, 30, tzinfo=SHANGHAI)
    assert cal.add_working_hours(lunch, 1) == dt.datetime(2026, 3, 9, 14, 30, tzinfo=SHANGHAI)
    night = dt.datetime(2026, 3, 6, 20, 0, tzinfo=SHANGHAI)  # Friday evening → Monday 10:00
    assert cal.add_working_hours(night, 1) == dt.datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI)


def test_a_year_nobody_knows_counts_weekends_and_says_so() -> None:
    cal = WorkCalendar()
    assert cal.add_working_days(D("2099-01-01"), 1) == D("2099-01-02")
    assert cal.unknown_years == {2099}


def test_corrections_win_and_a_complete_year_ignores_the_package() -> None:
    cal = build([(D("2025-10-09"), False, "临时调整")])
    assert cal.add_working_days(D("2025-09-30"), 1) == D("2025-10-10")
    # 2027 entered in full by the administrator: only its rows and the weekends count.
    cal = build([(D("2027-02-06"), True, "春节调休"), (D("2027-02-08"), False, "春节")], complete_years=[2027])
    assert cal.add_working_days(D("2027-02-05"), 1) == D("2027-02-06")
    assert cal.add_working_days(D("2027-02-05"), 2) == D("2027-02-09")
    assert cal.unknown_years == set()


def test_year_listing_matches_the_notice() -> None:
    days = {d.day: d for d in WorkCalendar().year(2025)}
    assert days[D("2025-09-28")].is_workday
    assert days[D("2025-10-11")].is_workday
    assert days[D("2025-10-11")].name == "国庆节调休"
    assert not days[D("2025-10-08")].is_workday
    assert days[D("2025-10-06")].name == "中秋节"


@pytest.mark.django_db
def test_administrator_enters_next_year_and_it_is_audited() -> None:
    admin = f.admin()
    with pytest.raises(PermissionDenied):
        services.year_import(actor=f.officer(), year=2027, lines="2027-01-01,放假,元旦")
    with pytest.raises(ValidationFailed, match="第2行：第二列应为“放假”或“上班”"):
        services.year_import(actor=admin, year=2027, lines="2027-01-01,放假,元旦\n2027-02-06,加班")
    with pytest.raises(ValidationFailed, match="第1行：日期不在2027年内"):
        services.year_import(actor=admin, year=2027, lines="2026-12-31,放假,元旦")
    count = services.year_import(
        actor=admin,
        year=2027,
        lines="2027-01-01,放假,元旦\n2027-02-06～2027-02-07,上班,春节调休\n2027-02-08~2027-02-12，放假，春节",
        notice="国办发明电〔2026〕X号",
    )
    assert count == 8
    cal = work_calendar()
    assert cal.add_working_days(D("2027-02-05"), 3) == D("2027-02-15")  # Sat 6, Sun 7 worked, then Mon 15
    assert cal.unknown_years == set()
    assert AuditEntry.objects.filter(reason="国办发明电〔2026〕X号").exists()
    services.day_set(actor=admin, day=D("2027-02-15"), is_workday=False, name="春节（延长）")
    assert work_calendar().add_working_days(D("2027-02-05"), 3) == D("2027-02-16")


@pytest.mark.django_db
def test_workcalendar_command() -> None:
    out = io.StringIO()
    call_command("workcalendar", "--due", "2025-09-30", "--days", "2", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"start": "2025-09-30", "due": "2025-10-10"}
    out = io.StringIO()
    call_command("workcalendar", "--year", "2025", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["known"] is True
    assert {"date": "2025-09-28", "name": "国庆节调休", "source": "official"} in payload["working_weekends"]
    assert {"date": "2025-10-08", "name": "国庆节", "source": "official"} in payload["days_off"]
    out = io.StringIO()
    call_command("workcalendar", "--due", "2099-03-02", "--days", "1", "--json", stdout=out)
    assert json.loads(out.getvalue())["warning"] == "2099年节假日安排尚未录入，按周末计算"


@pytest.mark.django_db
def test_calendar_page_for_administrators(client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(f.enterprise_user(f.EnterpriseFactory()))
    assert client.get("/calendar/").status_code == 403
    officer = f.officer()
    client.force_login(officer)
    html = client.get("/calendar/?year=2025").content.decode()
    assert "国庆节调休" in html
    assert "2025-10-11" in html
    assert (
        client.post("/calendar/?year=2027", {"action": "import", "y-lines": "2027-01-01,放假,元旦"}).status_code == 403
    )
    client.force_login(f.admin())
    assert 'id="unknown-year"' in client.get("/calendar/?year=2099").content.decode()
    response = client.post(
        "/calendar/?year=2027",
        {"action": "import", "y-lines": "2027-01-01,放假,元旦\n2027-02-06,上班,春节调休", "y-notice": "国办发明电"},
        follow=True,
    )
    html = response.content.decode()
    assert "已录入2027年节假日安排，共2天" in html
    assert "春节调休" in html
    response = client.post("/calendar/?year=2027", {"action": "import", "y-lines": "2027-01-01,休息"}, follow=True)
    assert "第1行：第二列应为“放假”或“上班”" in response.content.decode()
