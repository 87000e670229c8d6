"""Counting working days and working hours on the official Chinese calendar (pure: no database).

Rules (DOMAIN.md, "Time limits, calendars and public notices"):
- a time limit of N working days starts on the working day after receipt: the day of receipt is not counted, even
  when it is itself a working day; the deadline is the end of the N-th working day after it;
- a public notice (公示) of N working days includes its first day (if that is a working day);
- weekends are off, the State Council's holidays are off, the 调休 weekends are working days.

`WorkCalendar` takes the corrections entered by an administrator and the set of years they cover in full; for any
other year it asks the maintained `chinese-calendar` package, and for a year neither knows it counts weekends only
and records the year in `unknown_years`, so the caller can say so instead of pretending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import chinese_calendar

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class OfficeHours:
    """The working hours of a working day, e.g. 9:00–12:00 and 14:00–18:00."""

    periods: tuple[tuple[dt.time, dt.time], ...] = ((dt.time(9), dt.time(12)), (dt.time(14), dt.time(18)))


@dataclass(frozen=True)
class DayInfo:
    day: dt.date
    is_workday: bool
    name: str  # the holiday's or 调休's name; "" for an ordinary day
    source: str  # "manual" (an administrator's row), "official" (the package) or "weekend" (nothing known)


@dataclass
class WorkCalendar:
    overrides: Mapping[dt.date, tuple[bool, str]] = field(default_factory=dict)
    complete_years: frozenset[int] = frozenset()
    unknown_years: set[int] = field(default_factory=set)
    #: Answers already looked up: a page counting many time limits asks about the same days again and again.
    _workdays: dict[dt.date, bool] = field(default_factory=dict, repr=False, compare=False)

    def info(self, day: dt.date) -> DayInfo:
        if day in self.overrides:
            working, name = self.overrides[day]
            return DayInfo(day, working, name, "manual")
        weekend = day.weekday() >= 5
        if day.year in self.complete_years:
            return DayInfo(day, not weekend, "", "manual")
        try:
            on_holiday, holiday = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            self.unknown_years.add(day.year)
            return DayInfo(day, not weekend, "", "weekend")
        name = _HOLIDAY_NAMES.get(str(holiday), str(holiday)) if holiday else ""
        if on_holiday and not weekend:
            return DayInfo(day, False, name, "official")
        if not on_holiday and weekend:
            return DayInfo(day, True, f"{name}调休" if name else "调休", "official")
        return DayInfo(day, not on_holiday, name if on_holiday else "", "official")

    def is_workday(self, day: dt.date) -> bool:
        known = self._workdays.get(day)
        if known is None:
            known = self._workdays[day] = self.info(day).is_workday
        return known

    def add_working_days(self, received: dt.date, days: int) -> dt.date:
        """The last day of a limit of `days` working days for something received on `received` (not counted)."""
        if days < 1:
            raise ValueError("a time limit has at least one working day")
        day, counted = received, 0
        while counted < days:
            day += ONE_DAY
            if self.is_workday(day):
                counted += 1
        return day

    def notice_end(self, first_day: dt.date, days: int) -> dt.date:
        """The last day of a public notice of `days` working days that starts on `first_day` (counted if working)."""
        if days < 1:
            raise ValueError("a notice lasts at least one working day")
        day = first_day
        counted = 1 if self.is_workday(day) else 0
        while counted < days:
            day += ONE_DAY
            if self.is_workday(day):
                counted += 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (how many a handling took: 0 if the same day)."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
        return count

    def add_working_hours(self, start: dt.datetime, hours: float, office: OfficeHours | None = None) -> dt.datetime:
        """`start` plus `hours` of office time on working days (e.g. "respond within 1 working hour")."""
        office = office or OfficeHours()
        remaining = dt.timedelta(hours=hours)
        moment = start
        while True:
            day = moment.date()
            if self.is_workday(day):
                for begin, finish in office.periods:
                    open_at = moment.replace(hour=begin.hour, minute=begin.minute, second=0, microsecond=0)
                    close_at = moment.replace(hour=finish.hour, minute=finish.minute, second=0, microsecond=0)
                    if moment >= close_at:
                        continue
                    moment = max(moment, open_at)
                    available = close_at - moment
                    if remaining <= available:
                        return moment + remaining
                    remaining -= available
                    moment = close_at
            next_day = dt.datetime.combine(day + ONE_DAY, dt.time(0), tzinfo=start.tzinfo)
            moment = next_day

    def year(self, year: int) -> list[DayInfo]:
        """The days of `year` that differ from the weekend rule: holidays on weekdays and weekends worked (调休), and
        the named holidays that fall on a weekend — what an administrator compares with the State Council notice."""
        days, day = [], dt.date(year, 1, 1)
        while day.year == year:
            info = self.info(day)
            if info.is_workday == (day.weekday() >= 5) or info.name:
                days.append(info)
            day += ONE_DAY
        return days


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def build(rows: Iterable[tuple[dt.date, bool, str]], complete_years: Iterable[int] = ()) -> WorkCalendar:
    return WorkCalendar({day: (working, name) for day, working, name in rows}, frozenset(complete_years))
