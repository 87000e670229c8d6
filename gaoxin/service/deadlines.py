"""Time limits of appeals on the official working-day calendar (DOMAIN.md, "Time limits, calendars and public notices").

- a limit of N working days starts on the working day after receipt (the day of receipt is not counted);
- Zhuhai's "124" rule: respond within 1 working hour of office time, close a 咨询 within 2 working days and any other
  appeal within 4; a misrouted item is returned with a reason within 2 working days. All are settings.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from gaoxin.workcalendar.calendar import OfficeHours, WorkCalendar
from gaoxin.workcalendar.selectors import work_calendar


def office_hours(spec: str | None = None) -> OfficeHours:
    """Office hours from "09:00-12:00,14:00-18:00" (SERVICE_OFFICE_HOURS)."""
    periods = []
    for part in (spec if spec is not None else settings.SERVICE_OFFICE_HOURS).split(","):
        begin, _sep, end = part.strip().partition("-")
        periods.append((dt.time.fromisoformat(begin.strip()), dt.time.fromisoformat(end.strip())))
    return OfficeHours(tuple(periods))


def default_limit_days(consultation: bool) -> int:
    return settings.SERVICE_CONSULTATION_DAYS if consultation else settings.SERVICE_APPEAL_DAYS


def due_date(received: dt.date, days: int, calendar: WorkCalendar | None = None) -> dt.date:
    """The last day of a limit of `days` working days for something received on `received` (not counted)."""
    return (calendar or work_calendar()).add_working_days(received, days)


def respond_by(received_at: dt.datetime, calendar: WorkCalendar | None = None, hours: int | None = None) -> dt.datetime:
    """When the first response is due: `hours` working hours (default SERVICE_RESPONSE_HOURS) of office time later."""
    local = timezone.localtime(received_at)
    limit = hours if hours is not None else settings.SERVICE_RESPONSE_HOURS
    return (calendar or work_calendar()).add_working_hours(local, limit, office_hours())


def working_days_taken(start: dt.datetime, end: dt.datetime, calendar: WorkCalendar | None = None) -> int:
    """Working days from the day after `start` up to and including the day of `end` (0 if the same day)."""
    return (calendar or work_calendar()).working_days_between(timezone.localdate(start), timezone.localdate(end))
