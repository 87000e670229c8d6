"""Template filters of the reporting pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from gaoxin.reporting.selectors import SheetRow
from gaoxin.reporting.services import parse_amount

register = template.Library()


@register.filter
def plain(value: Any) -> str:
    """A stored figure as an officer types it: no trailing zeros, no exponent ("1250.5", not "1250.5000")."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


@register.filter
def sheet_cumulative(row: SheetRow, raw: Any) -> Decimal | None:
    try:
        return row.cumulative_of(parse_amount(raw))
    except ValueError:
        return None


@register.simple_tag
def round_for(year: int, month: int) -> Any:
    """The reporting round of a period, if one was opened (e.g. to link the 研判 page's missing list to 催报)."""
    from gaoxin.reporting.selectors import round_for_period

    return round_for_period(int(year), int(month))
