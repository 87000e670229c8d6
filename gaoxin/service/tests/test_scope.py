"""Who sees which appeals, through the selectors and the pages: outside the scope is 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from gaoxin.service import selectors, services
from gaoxin.service.models import Appeal
from gaoxin.service.tests.conftest import category

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeals(zone: dict[str, Any]) -> dict[str, Appeal]:
    """a1: 甲 (唐家湾, the commissioner's), dispatched to 规划 with 科技 co-operating; a2: 甲, dispatched to 经发 only;
    b1: 乙 (南屏), waiting for triage."""
    a1 = services.appeal_submit(actor=zone["a_user"], category=category("YD02"), title="厂房租赁", content="x").appeal
    a2 = services.appeal_submit(actor=zone["a_user"], category=category("RZ01"), title="贷款贴息", content="y").appeal
    b1 = services.appeal_submit(actor=zone["b_user"], category=category("RC01"), title="人才认定", content="z").appeal
    services.appeal_dispatch(actor=zone["clerk"], appeal=a1, lead=zone["gh"], co=[zone["kj"]])
    services.appeal_dispatch(actor=zone["clerk"], appeal=a2, lead=zone["jf"])
    return {"a1": a1, "a2": a2, "b1": b1}


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("a_user", {"a1", "a2"}),  # an enterprise sees only its own
        ("b_user", {"b1"}),
        ("clerk", {"a1", "a2", "b1"}),  # the service centre sees all
        ("leader", {"a1", "a2", "b1"}),
        ("bureau", {"a1", "a2", "b1"}),  # an officer without a department: zone-wide read
        ("gh_officer", {"a1"}),  # a department sees what is dispatched to it …
        ("kj_officer", {"a1"}),  # … co-dispatched included
        ("jf_officer", {"a2"}),
        ("park_officer", {"b1"}),  # 南屏's enterprises
        ("commissioner", {"a1", "a2"}),  # the enterprises assigned to them
        ("admin", set()),  # configuration, not appeals
    ],
)
def test_appeal_scope(zone, appeals, role, visible) -> None:
    names = {pk: name for name, a in appeals.items() for pk in [a.pk]}
    assert {names[a.pk] for a in selectors.appeal_scope(zone[role])} == visible


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        ("a_user", "a1", "b1"),
        ("gh_officer", "a1", "a2"),
        ("kj_officer", "a1", "b1"),
        ("jf_officer", "a2", "a1"),
        ("park_officer", "b1", "a1"),
        ("commissioner", "a2", "b1"),
    ],
)
def test_pages_answer_404_outside_the_scope(client, zone, appeals, role, allowed, denied) -> None:
    client.force_login(zone[role])
    portal = zone[role].role == "enterprise"
    name = "service:portal_detail" if portal else "service:appeal_detail"
    assert client.get(reverse(name, args=[appeals[allowed].pk])).status_code == 200
    assert client.get(reverse(name, args=[appeals[denied].pk])).status_code == 404


def test_another_departments_dispatch_cannot_be_acted_on(client, zone, appeals) -> None:
    dispatch = appeals["a2"].dispatches.get()
    client.force_login(zone["gh_officer"])
    response = client.post(reverse("service:dispatch_accept", args=[dispatch.pk]))
    assert response.status_code == 404
    dispatch.refresh_from_db()
    assert dispatch.status == "pending"


def test_co_department_cannot_act_on_the_leads_dispatch(client, zone, appeals) -> None:
    lead = appeals["a1"].dispatches.get(role="lead")
    client.force_login(zone["kj_officer"])
    response = client.post(reverse("service:dispatch_accept", args=[lead.pk]), follow=True)
    assert "只有规划和自然资源局的科室人员可以办理该转办件" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == "pending"


def test_enterprise_cannot_rate_another_enterprises_appeal(client, zone, appeals) -> None:
    client.force_login(zone["b_user"])
    assert (
        client.post(reverse("service:portal_rate", args=[appeals["a1"].pk]), {"rating": "satisfied"}).status_code == 404
    )


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("a_user", "service:appeal_list", 403),
        ("admin", "service:appeal_list", 403),
        ("gh_officer", "service:triage", 403),
        ("clerk", "service:inbox", 403),
        ("park_officer", "service:scoreboard", 403),
        ("commissioner", "service:notice", 403),
        ("clerk", "service:category_list", 403),
        ("clerk", "service:portal_list", 404),
        ("a_user", "service:appeal_record", 403),
    ],
)
def test_pages_refused_by_role(client, zone, role, url, status) -> None:
    client.force_login(zone[role])
    assert client.get(reverse(url)).status_code == status


def test_attachments_follow_the_appeal(client, zone) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    appeal = services.appeal_submit(
        actor=zone["a_user"],
        category=category("RC01"),
        title="人才认定",
        content="材料",
        files=[SimpleUploadedFile("证书.pdf", b"%PDF-1.4\n%%EOF\n")],
    ).appeal
    attachment = appeal.attachments.get()
    client.force_login(zone["a_user"])
    response = client.get(reverse("service:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(zone["b_user"])
    assert client.get(reverse("service:attachment", args=[attachment.pk])).status_code == 404
