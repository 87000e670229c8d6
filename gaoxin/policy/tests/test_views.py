"""The pages: who sees what (404 outside the scope), the public notice without login and without contact data, the
portal journey's pages, the experts' isolation."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gaoxin.policy import services
from gaoxin.policy.models import AppStatus
from gaoxin.policy.tests.conftest import fill_and_submit, pdf
from gaoxin.testing import factories as f


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def at_experts(zone: dict[str, Any]) -> Any:
    application = fill_and_submit(zone, zone["a_user"])
    services.application_review(actor=zone["officer"], application=application, action="pass")
    services.experts_assign(actor=zone["officer"], application=application, rng=random.Random(5))
    return application


def test_enterprise_cannot_read_another_enterprises_application(zone: dict[str, Any]) -> None:
    application = fill_and_submit(zone, zone["a_user"])
    b = client_for(zone["b_user"])
    for name in ("policy:portal_application", "policy:portal_receipt", "policy:application_detail"):
        response = b.get(reverse(name, args=[application.pk]), follow=True)
        assert response.status_code == 404, name
    assert b.post(reverse("policy:portal_withdraw", args=[application.pk])).status_code == 404
    file = application.files.first()
    assert b.get(reverse("policy:file", args=[file.pk])).status_code == 404
    application.refresh_from_db()
    assert application.status == AppStatus.IN_REVIEW
    a = client_for(zone["a_user"])
    page = a.get(reverse("policy:portal_application", args=[application.pk]))
    assert page.status_code == 200
    assert application.number in page.content.decode()
    receipt = a.get(reverse("policy:portal_receipt", args=[application.pk])).content.decode()
    assert application.number in receipt
    assert "政策申报受理回执" in receipt


def test_expert_sees_only_assigned_applications_without_contacts(zone: dict[str, Any], at_experts: Any) -> None:
    assigned = at_experts.assignments.first().expert
    outsider = next(e for e in zone["experts"] if not at_experts.assignments.filter(expert=e).exists())
    other = fill_and_submit(zone, zone["b_user"])
    c = client_for(assigned)
    page = c.get(reverse("policy:application_detail", args=[at_experts.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert zone["a"].contact_phone not in text
    assert at_experts.bank_account not in text
    assert c.get(reverse("policy:application_detail", args=[other.pk])).status_code == 404
    listing = c.get(reverse("policy:expert_list")).content.decode()
    assert at_experts.number in listing
    assert other.number not in listing
    o = client_for(outsider)
    assert o.get(reverse("policy:application_detail", args=[at_experts.pk])).status_code == 404
    mine = at_experts.assignments.get(expert=assigned)
    assert o.get(reverse("policy:expert_score", args=[mine.pk])).status_code == 404
    score_page = c.get(reverse("policy:expert_score", args=[mine.pk])).content.decode()
    assert "成长性" in score_page
    assert zone["a"].contact_phone not in score_page


def test_expert_scores_through_the_page(zone: dict[str, Any], at_experts: Any) -> None:
    mine = at_experts.assignments.first()
    c = client_for(mine.expert)
    response = c.post(
        reverse("policy:expert_score", args=[mine.pk]), {"score_s1": "70", "score_s2": "30", "comment": "好"}
    )
    assert response.status_code == 200
    assert "60" in response.content.decode()  # 70 > 60: refused, form shown again
    mine.refresh_from_db()
    assert mine.scored_at is None
    response = c.post(
        reverse("policy:expert_score", args=[mine.pk]), {"score_s1": "50", "score_s2": "30", "comment": "好"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert str(mine.total) == "80.00"


def test_public_notice_without_login_hides_contacts(zone: dict[str, Any]) -> None:
    item = zone["item"]
    item.stages = ["form", "notice", "payment"]
    item.save()
    application = fill_and_submit(zone, zone["a_user"])
    services.application_review(actor=zone["officer"], application=application, action="pass")
    notice = services.notice_publish(actor=zone["officer"], item=item, starts_on=zone["today"])
    anonymous = Client()
    listing = anonymous.get(reverse("policy:public_notices"))
    assert listing.status_code == 200
    assert notice.title in listing.content.decode()
    page = anonymous.get(reverse("policy:public_notice", args=[notice.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert zone["a"].name in text
    assert "20万元" in text
    assert "7个工作日" in text
    for secret in (zone["a"].contact_phone, zone["a"].contact_name, application.bank_account, "13900000001"):
        assert secret not in text
    # the workbench and the portal still need a login
    assert anonymous.get(reverse("policy:application_list")).status_code == 302


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("officer", 200),
        ("leader", 200),
        ("park_officer", 200),
        ("commissioner", 200),
        ("finance", 200),
        ("a_user", 302),  # the enterprise is sent to its portal
    ],
)
def test_workbench_list_by_role(zone: dict[str, Any], role: str, status: int) -> None:
    assert client_for(zone[role]).get(reverse("policy:application_list")).status_code == status


def test_scopes_of_staff(zone: dict[str, Any]) -> None:
    a_app = fill_and_submit(zone, zone["a_user"])  # 唐家湾
    b_app = fill_and_submit(zone, zone["b_user"])  # 南屏
    park = client_for(zone["park_officer"])  # 南屏
    assert park.get(reverse("policy:application_detail", args=[a_app.pk])).status_code == 404
    assert park.get(reverse("policy:application_detail", args=[b_app.pk])).status_code == 200
    finance = client_for(zone["finance"])
    assert finance.get(reverse("policy:application_detail", args=[a_app.pk])).status_code == 404
    # a park officer may read but not act
    response = park.post(reverse("policy:application_review", args=[b_app.pk]), {"action": "pass"}, follow=True)
    b_app.refresh_from_db()
    assert b_app.stage == "form"
    assert "由科室人员办理" in response.content.decode()
    # an officer of another department may not act on this department's item
    other = client_for(zone["other_officer"])
    other.post(reverse("policy:application_review", args=[b_app.pk]), {"action": "pass"})
    b_app.refresh_from_db()
    assert b_app.stage == "form"


def test_a_commissioner_reads_the_applications_of_their_grid(zone: dict[str, Any]) -> None:
    """A commissioner's scope is the registry's: enterprises assigned one-to-one and those of their service grid."""
    from gaoxin.service.models import ServiceGrid

    a_app = fill_and_submit(zone, zone["a_user"])
    b_app = fill_and_submit(zone, zone["b_user"])
    commissioner = f.commissioner()
    grid = ServiceGrid.objects.create(name="南屏一号网格", commissioner=commissioner)
    grid.enterprises.add(b_app.enterprise)
    reader = client_for(commissioner)
    assert reader.get(reverse("policy:application_detail", args=[b_app.pk])).status_code == 200
    assert reader.get(reverse("policy:application_detail", args=[a_app.pk])).status_code == 404


def test_officer_reviews_and_bulk_passes_through_pages(zone: dict[str, Any]) -> None:
    a_app = fill_and_submit(zone, zone["a_user"])
    b_app = fill_and_submit(zone, zone["b_user"])
    officer = client_for(zone["officer"])
    queue = officer.get(reverse("policy:application_list") + "?mine=1").content.decode()
    assert a_app.number in queue
    assert b_app.number in queue
    response = officer.post(
        reverse("policy:application_bulk"), {"ids": [a_app.pk, b_app.pk], "action": "pass", "reason": ""}, follow=True
    )
    assert "已办理2件" in response.content.decode()
    a_app.refresh_from_db()
    assert a_app.stage == "expert"
    detail = officer.get(reverse("policy:application_detail", args=[a_app.pk])).content.decode()
    assert "随机抽取" in detail
    assert zone["a"].contact_phone in detail


def test_portal_pages(zone: dict[str, Any]) -> None:
    a = client_for(zone["a_user"])
    item_page = a.get(reverse("policy:portal_item", args=[zone["item"].pk])).content.decode()
    assert "符合申报条件" in item_page
    assert "20万元" in item_page
    response = a.post(reverse("policy:portal_apply", args=[zone["item"].pk]))
    application = zone["a"].policy_applications.get()
    assert response.url == reverse("policy:portal_application", args=[application.pk])
    page = a.get(response.url).content.decode()
    assert zone["a"].uscc in page
    assert "上年度财务审计报告" in page
    for requirement in zone["item"].materials.all():
        a.post(
            reverse("policy:portal_upload", args=[application.pk]), {"requirement": requirement.pk, "files": [pdf()]}
        )
    response = a.post(
        reverse("policy:portal_save", args=[application.pk]),
        {
            "project_name": "扩产",
            "bank_name": "中国银行",
            "bank_account": "6217000012345678",
            "commitments_accepted": "on",
            "submit": "1",
        },
        follow=True,
    )
    assert "申报已提交，受理编号" in response.content.decode()
    application.refresh_from_db()
    assert application.status == AppStatus.IN_REVIEW
    assert a.get(reverse("policy:portal_applications")).status_code == 200
    library = a.get(reverse("policy:portal_policies") + "?q=上规模").content.decode()
    assert zone["policy"].title in library


def test_policy_library_search_and_drafts_hidden_from_enterprises(zone: dict[str, Any]) -> None:
    draft = services.policy_save(
        actor=zone["officer"],
        data={
            "title": "人才租房补贴办法（征求意见稿）",
            "issuer": "管委会",
            "level": "zone",
            "category": "talent",
            "effective_from": zone["today"],
        },
    )
    officer = client_for(zone["officer"])
    assert draft.title in officer.get(reverse("policy:policy_list") + "?q=租房").content.decode()
    enterprise = client_for(zone["a_user"])
    assert draft.title not in enterprise.get(reverse("policy:portal_policies") + "?q=租房").content.decode()
    assert enterprise.get(reverse("policy:portal_policy", args=[draft.pk])).status_code == 404


def test_bad_policy_input_names_the_field(zone: dict[str, Any]) -> None:
    officer = client_for(zone["officer"])
    response = officer.post(
        reverse("policy:policy_create"),
        {
            "title": "x",
            "issuer": "y",
            "level": "zone",
            "category": "talent",
            "effective_from": "2026-05-01",
            "expires_on": "2026-01-01",
        },
    )
    assert "失效日期不能早于生效日期" in response.content.decode()
    assert not zone["policy"].__class__.objects.filter(title="x").exists()
    enterprise = client_for(zone["a_user"])
    assert enterprise.get(reverse("policy:policy_create")).status_code == 403


def test_for_me_page(zone: dict[str, Any]) -> None:
    from gaoxin.rules.services import evaluate_registry

    evaluate_registry(trigger="测试")
    page = client_for(zone["a_user"]).get(reverse("policy:for_me")).content.decode()
    assert "小升规培育奖励" in page
    assert "去申报" in page
    c = client_for(zone["c_user"])
    assert "小升规培育奖励" not in c.get(reverse("policy:for_me")).content.decode().split('id="near"')[0]


def test_finance_pays_through_pages_and_exports(zone: dict[str, Any]) -> None:
    item = zone["item"]
    item.stages = ["form", "payment"]
    item.save()
    application = fill_and_submit(zone, zone["a_user"])
    services.application_review(actor=zone["officer"], application=application, action="pass")
    finance = client_for(zone["finance"])
    assert application.number in finance.get(reverse("policy:batch_list")).content.decode()
    response = finance.post(reverse("policy:batch_create"), {"ids": [application.pk]})
    batch_url = response.url
    export = finance.get(batch_url + "export/")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    values = [c.value for c in sheet[4]]
    assert values[1:5] == [zone["a"].name, "6217000012345678", "中国银行珠海分行", 200000]
    finance.post(batch_url + "paid/", {"paid_on": zone["today"].isoformat(), "voucher": "GK001"})
    application.refresh_from_db()
    assert application.status == AppStatus.PAID
    page = client_for(zone["a_user"]).get(reverse("policy:portal_application", args=[application.pk])).content.decode()
    assert "已拨付" in page


def test_admin_and_stranger_see_no_applications(zone: dict[str, Any]) -> None:
    application = fill_and_submit(zone, zone["a_user"])
    stranger = f.enterprise_user(None, username="nobody")
    assert client_for(stranger).get(reverse("policy:portal_application", args=[application.pk])).status_code == 404
    assert client_for(zone["admin"]).get(reverse("policy:application_detail", args=[application.pk])).status_code == 404


def test_expert_declares_a_conflict_through_the_page(zone: dict[str, Any]) -> None:
    expert = zone["experts"][0]
    c = client_for(expert)
    response = c.post(reverse("policy:expert_list"), {"uscc": "91440400MA00000000", "relation": "顾问"})
    assert "企业库中没有该统一社会信用代码" in response.content.decode()
    c.post(reverse("policy:expert_list"), {"uscc": zone["a"].uscc.lower(), "relation": "曾任该企业技术顾问"})
    assert expert.policy_conflicts.get().enterprise == zone["a"]
    assert "曾任该企业技术顾问" in c.get(reverse("policy:expert_list")).content.decode()


def test_list_page_queries_do_not_grow_with_rows(zone: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    from gaoxin.testing import factories as f

    for n in range(6):
        enterprise = f.EnterpriseFactory(park=zone["tjw"])
        fill_and_submit(zone, f.enterprise_user(enterprise, username=f"q{n}"))
    officer = client_for(zone["officer"])
    officer.get(reverse("policy:application_list"))
    with django_assert_max_num_queries(12):
        response = officer.get(reverse("policy:application_list"))
    assert response.content.decode().count('name="ids"') == 6
