"""Building one enterprise's monthly series for one indicator and year (pure: no Django, no database).

The statistics bureau sends either the month's own figure or the cumulative 1-N月 figure; enterprises fill the
month. Whichever was given, the other is derived: monthly = cumulative(N) − cumulative(N−1), cumulative = running
sum. A month missing between the first reported month and the zone's latest month counts as 0 (DOMAIN.md, the
comparable basis): it gets a carried entry whose cumulative equals the previous month's (for stock indicators such
as 从业人员 the period-end figure of a missing month is 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Reported:
    amount: Decimal
    is_cumulative: bool
    source: str


@dataclass(frozen=True)
class Point:
    month: int
    value: Decimal
    cumulative: Decimal
    reported_cumulative: bool
    source: str

    @property
    def carried(self) -> bool:
        return self.source == CARRIED


CARRIED = "carried"


def build_series(reported: Mapping[int, Reported], *, through: int, stock: bool = False) -> list[Point]:
    """Months from the first reported one to `through` (or the last reported one, if later)."""
    if not reported:
        return []
    first, last = min(reported), max(max(reported), through)
    points: list[Point] = []
    previous = ZERO
    for month in range(first, last + 1):
        given = reported.get(month)
        if given is None:
            cumulative = ZERO if stock else previous
            points.append(Point(month, ZERO, cumulative, False, CARRIED))
        elif stock:
            points.append(Point(month, given.amount, given.amount, given.is_cumulative, given.source))
            cumulative = given.amount
        elif given.is_cumulative:
            cumulative = given.amount
            points.append(Point(month, cumulative - previous, cumulative, True, given.source))
        else:
            cumulative = previous + given.amount
            points.append(Point(month, given.amount, cumulative, False, given.source))
        previous = cumulative
    return points
