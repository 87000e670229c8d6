"""The calendar as the platform counts with it: the package's official days with the administrator's corrections."""

from __future__ import annotations

from gaoxin.workcalendar.calendar import WorkCalendar, build
from gaoxin.workcalendar.models import CalendarDay, CalendarYear


def work_calendar() -> WorkCalendar:
    """A fresh calendar (corrections are few: one small query each)."""
    return build(
        CalendarDay.objects.values_list("day", "is_workday", "name"),
        CalendarYear.objects.values_list("year", flat=True),
    )


def corrections(year: int) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(day__year=year))


def complete_year(year: int) -> CalendarYear | None:
    return CalendarYear.objects.filter(year=year).first()
