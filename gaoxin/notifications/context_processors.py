"""The unread count for the bell in the top bar."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gaoxin.notifications.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
