"""The enterprise profile's card of rule-set results (认定条件评估), for the roles that may read them."""

from __future__ import annotations

from typing import Any

from django import template

from gaoxin.rules import permissions, selectors

register = template.Library()


@register.inclusion_tag("rules/_enterprise_results.html", takes_context=True)
def rule_results(context: dict[str, Any], enterprise: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.can_view_rules(user):
        return {"visible": False}
    return {"visible": True, "results": selectors.enterprise_results(enterprise)}
