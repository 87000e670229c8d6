"""The pages: each role's pages render, the journey through the forms, refusals shown as messages naming the reason."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gaoxin.service import services
from gaoxin.service.models import Appeal, AppealCategory, AppealStatus, DispatchStatus
from gaoxin.service.tests.conftest import category

pytestmark = pytest.mark.django_db


def test_each_roles_pages_render(client, zone) -> None:
    appeal = services.appeal_submit(
        actor=zone["a_user"], category=category("RC01"), title="人才认定", content="x"
    ).appeal
    services.appeal_dispatch(actor=zone["clerk"], appeal=appeal, lead=zone["kj"])
    pages = {
        "clerk": [
            "service:appeal_list",
            "service:triage",
            "service:scoreboard",
            "service:notice",
            "service:appeal_record",
        ],
        "kj_officer": ["service:appeal_list", "service:inbox", "service:scoreboard"],
        "leader": ["service:appeal_list", "service:scoreboard", "service:notice"],
        "park_officer": ["service:appeal_list", "service:appeal_record"],
        "commissioner": ["service:appeal_list", "service:appeal_record"],
        "a_user": ["service:portal_list", "service:portal_submit"],
        "admin": ["service:category_list", "service:category_create"],
    }
    for role, names in pages.items():
        client.force_login(zone[role])
        for name in names:
            response = client.get(reverse(name))
            assert response.status_code == 200, (role, name)
            assert '<html lang="zh-Hans">' in response.content.decode()
    client.force_login(zone["kj_officer"])
    inbox = client.get(reverse("service:inbox")).content.decode()
    assert appeal.number in inbox
    assert "剩余(工作日)" in inbox


def test_navigation_entries(client, zone) -> None:
    client.force_login(zone["clerk"])
    assert ">企业诉求</a>" in client.get(reverse("core:home")).content.decode()
    client.force_login(zone["a_user"])
    assert ">我的诉求</a>" in client.get(reverse("core:home")).content.decode()
    client.force_login(zone["admin"])
    assert ">诉求分类</a>" in client.get(reverse("core:home")).content.decode()


def test_journey_through_the_forms(client, zone) -> None:
    client.force_login(zone["a_user"])
    form = {
        "category": category("JCSS01").pk,
        "title": "园区停电频繁",
        "content": "本月已停电三次",
        "urgency": "urgent",
        "contact_name": "张经理",
        "contact_phone": "13800000001",
    }
    photo = SimpleUploadedFile("停电记录.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20)
    response = client.post(reverse("service:portal_submit"), {**form, "files": photo})
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert (appeal.urgency, appeal.contact_name, appeal.attachments.count()) == ("urgent", "张经理", 1)
    # the same matter again: the duplicate is offered, nothing is filed until the user chooses
    html = client.post(reverse("service:portal_submit"), {**form, "title": "园区频繁停电"}).content.decode()
    assert 'id="duplicates"' in html
    assert Appeal.objects.count() == 1
    client.post(reverse("service:portal_submit"), {**form, "supplement_to": appeal.pk, "content": "今天又停了"})
    assert Appeal.objects.count() == 1
    assert appeal.events.filter(kind="supplement").exists()

    client.force_login(zone["clerk"])
    detail = client.get(reverse("service:appeal_detail", args=[appeal.pk])).content.decode()
    assert 'id="triage-panel"' in detail
    client.post(reverse("service:appeal_dispatch", args=[appeal.pk]), {"lead": zone["jf"].pk, "co": [zone["gh"].pk]})
    lead = appeal.dispatches.get(role="lead")
    client.force_login(zone["jf_officer"])
    client.post(reverse("service:dispatch_accept", args=[lead.pk]))
    response = client.post(reverse("service:dispatch_reply", args=[lead.pk]), {"text": ""}, follow=True)
    assert "请填写答复内容" in response.content.decode()
    client.post(reverse("service:dispatch_reply", args=[lead.pk]), {"text": "已协调供电局检修线路"})
    client.force_login(zone["clerk"])
    client.post(reverse("service:dispatch_review", args=[lead.pk]), {"decision": "approve"})
    lead.refresh_from_db()
    assert lead.status == DispatchStatus.APPROVED

    client.force_login(zone["a_user"])
    page = client.get(reverse("service:portal_detail", args=[appeal.pk])).content.decode()
    assert "已协调供电局检修线路" in page
    assert 'id="rate"' in page
    response = client.post(reverse("service:portal_rate", args=[appeal.pk]), {"rating": "dissatisfied"}, follow=True)
    assert "请说明不满意的原因" in response.content.decode()
    client.post(reverse("service:portal_rate", args=[appeal.pk]), {"rating": "dissatisfied", "comment": "仍停电"})
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reopened) == (AppealStatus.NEW, True)


def test_officer_intake_form(client, zone) -> None:
    client.force_login(zone["commissioner"])
    data = {
        "enterprise": zone["b"].name,
        "channel": "commissioner",
        "category": category("RZ01").pk,
        "title": "流动资金贷款",
        "content": "走访时提出",
        "urgency": "normal",
    }
    html = client.post(reverse("service:appeal_record"), data).content.decode()
    assert "在您的数据范围内没有找到企业" in html  # 乙 is not the commissioner's
    response = client.post(reverse("service:appeal_record"), {**data, "enterprise": zone["a"].uscc})
    assert response.status_code == 302
    assert Appeal.objects.get().channel == "commissioner"


def test_administrator_edits_the_category_tree(client, zone) -> None:
    client.force_login(zone["admin"])
    parent = category("RC")
    response = client.post(
        reverse("service:category_create"),
        {"code": "rc05", "name": "人才公寓", "parent": parent.pk, "is_active": "on", "sort_order": 45},
    )
    assert response.status_code == 302
    row = AppealCategory.objects.get(code="RC05")
    assert (row.parent, row.is_consultation) == (parent, False)
    client.post(
        reverse("service:category_edit", args=[row.pk]),
        {"code": "RC05", "name": "人才公寓", "parent": parent.pk, "sort_order": 45},
    )
    row.refresh_from_db()
    assert row.is_active is False
    html = client.post(
        reverse("service:category_create"), {"code": "RC05", "name": "重复", "sort_order": 1}
    ).content.decode()
    assert "编码RC05已被使用" in html


@pytest.mark.parametrize("count", [3, 12])
def test_list_pages_have_a_fixed_query_budget(client, zone, django_assert_max_num_queries, count) -> None:
    for n in range(count):
        appeal = services.appeal_submit(
            actor=zone["a_user"], category=category("RC01"), title=f"第{n}件", content="x"
        ).appeal
        services.appeal_dispatch(actor=zone["clerk"], appeal=appeal, lead=zone["kj"], co=[zone["gh"]])
    for role, name in [
        ("clerk", "service:appeal_list"),
        ("kj_officer", "service:inbox"),
        ("a_user", "service:portal_list"),
    ]:
        client.force_login(zone[role])
        with django_assert_max_num_queries(16):
            assert client.get(reverse(name)).status_code == 200
