"""Background work of notifications: the e-mail copy (run by `manage.py db_worker`)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone

from gaoxin.notifications.models import Notification


@task()
def email_notifications(notification_ids: list[int]) -> int:
    """Send each notification that has not been e-mailed yet to its recipient's address; returns how many went out.

    Idempotent: a notification already e-mailed (the task retried) is skipped."""
    sent = 0
    rows = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related("recipient")
    for notification in rows:
        address = notification.recipient.email
        if not address:
            continue
        body = notification.body
        if notification.link:
            body = f"{body}\n\n{settings.PLATFORM_BASE_URL.rstrip('/')}{notification.link}"
        send_mail(notification.title, body, None, [address])
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
