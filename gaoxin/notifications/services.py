"""Sending notifications: in-app rows at once, the e-mail copies through the task worker."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from gaoxin.notifications.models import Notification
from gaoxin.notifications.tasks import email_notifications


def notify(
    *, recipients: Iterable[Any], title: str, body: str = "", link: str = "", kind: str = "", email: bool = True
) -> list[Notification]:
    """One in-app notification per active recipient; with `email`, an e-mail copy is queued after the commit."""
    rows = [
        Notification(recipient=user, kind=kind, title=title, body=body, link=link)
        for user in {user.pk: user for user in recipients if user.is_active}.values()
    ]
    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created if row.recipient.email]
    if email and ids:
        transaction.on_commit(lambda: email_notifications.enqueue(ids))
    return created


def mark_read(*, actor: Any, notification: Notification) -> None:
    if notification.recipient_id != actor.pk:  # the selector already scoped it; never mark another's
        return
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def mark_all_read(*, actor: Any) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
