"""Template context every page needs: the zone's name and the role-based navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gaoxin.core.navigation import navigation_for


def platform(request: HttpRequest) -> dict[str, Any]:
    from gaoxin.registry.selectors import zone_get

    zone = zone_get()
    user = getattr(request, "user", None)
    items = navigation_for(user, request.path) if user is not None else []
    more = [item for item in items if item.more]
    return {
        "zone": zone,
        "platform_name": zone.name if zone else "高新区智慧园区管理平台",
        "nav_items": items,
        "nav_more": more,
        "nav_more_active": any(item.active for item in more),
    }
