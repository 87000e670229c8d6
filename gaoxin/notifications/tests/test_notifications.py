"""Notifications: each user sees only their own; opening one marks it read; the e-mail copy goes through the real
task worker (django-tasks-db's `db_worker`), not only the immediate backend of the suite."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from gaoxin.notifications.models import Notification
from gaoxin.notifications.services import notify
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def test_users_see_only_their_own_and_opening_marks_read(client: Client) -> None:
    me, other = f.officer(), f.officer()
    mine = notify(recipients=[me], title="请审核", link="/registry/", email=False)[0]
    theirs = notify(recipients=[other], title="别人的消息", email=False)[0]
    client.force_login(me)
    html = client.get("/notifications/").content.decode()
    assert "请审核" in html
    assert "别人的消息" not in html
    assert 'badge-notification badge-pill">1<' in client.get("/").content.decode()
    assert client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    response = client.post(f"/notifications/{mine.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/registry/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_external_links_are_not_followed(client: Client) -> None:
    me = f.officer()
    n = notify(recipients=[me], title="x", link="https://evil.example.com/", email=False)[0]
    client.force_login(me)
    assert client.post(f"/notifications/{n.pk}/open/")["Location"] == "/notifications/"


def test_read_all(client: Client) -> None:
    me = f.officer()
    notify(recipients=[me, me], title="a", email=False)
    notify(recipients=[me], title="b", email=False)
    client.force_login(me)
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()


def test_inactive_users_get_nothing() -> None:
    gone = f.officer(is_active=False)
    assert notify(recipients=[gone], title="x") == []


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}})
def test_email_copy_is_sent_by_the_db_worker() -> None:
    """Transactional: the worker, like in production, runs outside the test's transaction (and on PostgreSQL it
    would close a connection it finds inside one)."""
    user = f.enterprise_user(f.EnterpriseFactory(), email="clerk@example.com")
    notify(recipients=[user], title="催报：2026年10月经济指标尚未填报", body="请尽快填报", link="/portal/reports/")
    assert mail.outbox == []  # queued, not sent in the request
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)
    assert [m.to for m in mail.outbox] == [["clerk@example.com"]]
    assert mail.outbox[0].body.endswith("/portal/reports/")
    assert Notification.objects.get().emailed_at is not None
