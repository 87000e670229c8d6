"""Reads of notifications: a user sees only their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from gaoxin.core.errors import NotFound
from gaoxin.notifications.models import Notification


def notification_scope(user: Any) -> QuerySet[Notification]:
    """The one scoping function of notifications: the recipient's own, nothing else (not even for admins)."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def notification_get(user: Any, pk: int) -> Notification:
    try:
        return notification_scope(user).get(pk=pk)
    except Notification.DoesNotExist:
        raise NotFound() from None


def unread_count(user: Any) -> int:
    return notification_scope(user).filter(read_at__isnull=True).count()
