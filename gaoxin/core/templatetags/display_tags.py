"""Template filters for numbers, through the one shared formatter (`core.display`, DOMAIN.md's rules)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from gaoxin.core import display

register = template.Library()


@register.filter
def rate(value: Decimal | float | None) -> str:
    """A percentage with one decimal, half up ("96.1%"); "—" when there is none."""
    return display.rate(value) or "—"
