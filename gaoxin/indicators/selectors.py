"""Reads of the indicator catalogue (zone-wide reference data: every signed-in user may read it)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gaoxin.core.errors import NotFound
from gaoxin.indicators.models import Indicator


def indicator_list() -> QuerySet[Indicator]:
    return Indicator.objects.filter(is_active=True).select_related("numerator", "denominator")


def indicator_get(name_or_code: str) -> Indicator:
    """By code, name or alias (as officers write it)."""
    term = name_or_code.strip()
    found = indicator_list().filter(Q(code=term) | Q(name=term)).first()
    if found is None:
        found = next((i for i in indicator_list() if term in i.alias_list()), None)
    if found is None:
        raise NotFound(f"没有名为“{term}”的指标")
    return found
