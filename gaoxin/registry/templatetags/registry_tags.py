from __future__ import annotations

from decimal import Decimal

from django import template

from gaoxin.core import display

register = template.Library()


@register.filter
def money_yuan(value: Decimal | None) -> str:
    """An amount stored in yuan, written in 万元/亿元 (DOMAIN.md)."""
    return display.money_yuan(value)
