"""Excel in and out, statistics against the payment promise, the daily command, and every workbench page rendering."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gaoxin.core.errors import PermissionDenied
from gaoxin.policy import interop, services, stats
from gaoxin.policy.models import Application, AppStatus, FundItem, Policy
from gaoxin.policy.tests.conftest import fill_and_submit, xlsx_bytes
from gaoxin.workcalendar.selectors import work_calendar


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_policies_import_is_all_or_nothing_and_idempotent(zone: dict[str, Any]) -> None:
    header = [
        "外部编号",
        "政策名称",
        "文号",
        "发文机关",
        "层级",
        "政策类别",
        "生效日期",
        "失效日期",
        "政策资金总额(元)",
    ]
    good = [
        "GD-1",
        "广东省科技创新券管理办法",
        "粤科〔2026〕1号",
        "广东省科学技术厅",
        "省级",
        "科技创新",
        "2026-01-01",
        "",
        1000000,
    ]
    bad = ["GD-2", "某办法", "粤科〔2026〕2号", "广东省科学技术厅", "部级", "科技创新", "2026/1/1", "", ""]
    result = interop.policies_import(actor=zone["officer"], upload=xlsx_bytes([["省惠企平台导出"], header, good, bad]))
    assert result.errors == ["第4行：政策层级不正确"]
    assert not Policy.objects.filter(external_id__startswith="GD-").exists()
    result = interop.policies_import(actor=zone["officer"], upload=xlsx_bytes([header, good]))
    assert (result.created, result.updated) == (1, 0)
    again = interop.policies_import(actor=zone["officer"], upload=xlsx_bytes([header, good]))
    assert (again.created, again.updated) == (0, 1)
    policy = Policy.objects.get(external_id="GD-1")
    assert (policy.level, policy.category, policy.status) == ("provincial", "innovation", "draft")


def test_items_import_and_export_round_trip(zone: dict[str, Any]) -> None:
    from gaoxin.policy import exports

    content = exports.items_xlsx(FundItem.objects.filter(code="XSG-2026"))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    rows[2][1] = "小升规培育奖励（修订）"
    result = interop.items_import(actor=zone["officer"], upload=xlsx_bytes(rows))
    assert result.errors == []
    assert result.updated == 1
    assert FundItem.objects.get(code="XSG-2026").name == "小升规培育奖励（修订）"
    rows[2][2] = "不存在〔2026〕1号"
    result = interop.items_import(actor=zone["officer"], upload=xlsx_bytes(rows))
    assert result.errors == ["第3行：所属政策文号: 政策库中没有该文号"]


def test_eligible_list_from_excel_through_the_page(zone: dict[str, Any]) -> None:
    officer = client_for(zone["officer"])
    upload = xlsx_bytes([["统一社会信用代码", "金额(元)"], [zone["a"].uscc, 20000], [zone["b"].uscc, ""]])
    upload.name = "名单.xlsx"
    officer.post(reverse("policy:offers_import", args=[zone["offer_item"].pk]), {"file": upload})
    amounts = dict(
        Application.objects.filter(fund_item=zone["offer_item"]).values_list("enterprise_id", "requested_yuan")
    )
    assert amounts == {zone["a"].pk: Decimal("20000.00"), zone["b"].pk: Decimal("50000.00")}


def test_statistics_and_the_payment_promise(zone: dict[str, Any]) -> None:
    item = zone["item"]
    item.stages = ["form", "payment"]
    item.save()
    first, second = fill_and_submit(zone, zone["a_user"]), fill_and_submit(zone, zone["b_user"])
    services.application_review(actor=zone["officer"], application=first, action="pass")
    services.application_review(actor=zone["officer"], application=second, action="reject", reason="不符合")
    calendar = work_calendar()
    # paid 61 working days after submission: over the 60-day promise
    late_day = calendar.add_working_days(zone["today"], 61)
    batch = services.batch_create(actor=zone["finance"], applications=[first])
    services.batch_mark_paid(actor=zone["finance"], batch=batch, paid_on=zone["today"])
    Application.objects.filter(pk=first.pk).update(paid_on=late_day)
    figures = stats.statistics(zone["officer"], today=late_day)
    assert (figures.total.applied, figures.total.passed, figures.total.rejected) == (2, 1, 1)
    assert figures.total.pass_rate == Decimal(50)
    assert figures.total.paid == Decimal("200000.00")
    assert figures.by_park[0].applied == 1
    assert [(late.application.pk, late.days, late.paid) for late in figures.late] == [(first.pk, 61, True)]
    assert (figures.paid_count, figures.paid_within) == (1, 0)
    form = next(s for s in figures.stages if s.stage == "form")
    assert (form.handled, form.average_days) == (2, Decimal("0.0"))
    page = client_for(zone["officer"]).get(reverse("policy:stats"))
    assert "50.0%" in page.content.decode()
    workbook = client_for(zone["officer"]).get(reverse("policy:stats") + "?format=xlsx")
    assert openpyxl.load_workbook(io.BytesIO(workbook.content)).sheetnames == [
        "按政策",
        "按园区",
        "按主导产业",
        "环节用时",
        "超期兑现",
    ]


def test_daily_command(zone: dict[str, Any], capsys: Any) -> None:
    expired = zone["policy"]
    expired.expires_on = zone["today"] - dt.timedelta(days=1)
    expired.save()
    call_command("policy_daily", "--json", "--no-push")
    payload = json.loads(capsys.readouterr().out)
    assert payload["policies_expired"] == 1
    assert FundItem.objects.get(code="XSG-2026").status == "closed"
    call_command("policy_daily", "--json", "--no-push")
    assert json.loads(capsys.readouterr().out)["policies_expired"] == 0


@pytest.mark.parametrize(
    "name",
    [
        "policy:policy_list",
        "policy:budgets",
        "policy:batch_list",
        "policy:stats",
        "policy:import",
        "policy:application_list",
        "policy:public_notices",
        "policy:export_policies",
        "policy:export_items",
        "policy:export_awards",
        "policy:policy_create",
    ],
)
def test_workbench_pages_render(zone: dict[str, Any], name: str) -> None:
    fill_and_submit(zone, zone["a_user"])
    assert client_for(zone["officer"]).get(reverse(name)).status_code == 200


def test_object_pages_render(zone: dict[str, Any]) -> None:
    application = fill_and_submit(zone, zone["a_user"])
    officer = client_for(zone["officer"])
    for name, pk in (
        ("policy:policy_detail", zone["policy"].pk),
        ("policy:policy_edit", zone["policy"].pk),
        ("policy:item_detail", zone["item"].pk),
        ("policy:item_edit", zone["item"].pk),
        ("policy:ranking", zone["item"].pk),
        ("policy:offers", zone["offer_item"].pk),
        ("policy:notice_create", zone["item"].pk),
        ("policy:application_detail", application.pk),
    ):
        assert officer.get(reverse(name, args=[pk])).status_code == 200, name
    enterprise = client_for(zone["a_user"])
    for name, args in (
        ("policy:portal_policies", []),
        ("policy:for_me", []),
        ("policy:portal_applications", []),
        ("policy:portal_policy", [zone["policy"].pk]),
        ("policy:portal_item", [zone["offer_item"].pk]),
    ):
        assert enterprise.get(reverse(name, args=args)).status_code == 200, name


def test_item_form_saves_through_the_page(zone: dict[str, Any]) -> None:
    officer = client_for(zone["officer"])
    data = {
        "code": "JN-2026",
        "name": "节能技术改造补助",
        "amount_kind": "tiers",
        "amount_fact": "revenue",
        "amount_tiers": "2000 | 100000\n5000 | 200000",
        "budget_yuan": "3000000",
        "opens_on": "2026-01-01",
        "closes_on": "2026-12-31",
        "stages": ["form", "department", "payment"],
        "experts_per_application": "3",
        "score_aggregate": "mean",
        "notice_days": "7",
        "offer_days": "10",
        "materials": "节能量审核报告 | pdf | 必须 | 第三方机构出具\n现场照片 | jpg,png | 可选",
        "days_form": "5",
        "days_expert": "10",
        "days_department": "5",
        "days_leader": "5",
        "days_payment": "15",
    }
    response = officer.post(reverse("policy:item_create", args=[zone["policy"].pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item = FundItem.objects.get(code="JN-2026")
    assert item.amount_tiers == [["2000", "100000"], ["5000", "200000"]]
    assert [(m.name, m.kinds, m.required) for m in item.materials.all()] == [
        ("节能量审核报告", "pdf", True),
        ("现场照片", "jpg,png", False),
    ]
    assert item.stage_days["department"] == 5
    bad = officer.post(
        reverse("policy:item_create", args=[zone["policy"].pk]), data | {"code": "X2", "materials": "x | exe"}
    )
    assert "文件类型不正确" in bad.content.decode()
    assert not FundItem.objects.filter(code="X2").exists()


def test_payments_from_a_bank_return_file(zone: dict[str, Any]) -> None:
    item = zone["item"]
    item.stages = ["form", "payment"]
    item.save()
    first, second = fill_and_submit(zone, zone["a_user"]), fill_and_submit(zone, zone["b_user"])
    services.application_review(actor=zone["officer"], application=first, action="pass")
    finance = client_for(zone["finance"])
    header = ["受理编号", "拨付日期", "凭证号", "金额(元)"]
    bad = xlsx_bytes([header, [first.number, "2026/1/5", "GK1", 200000], [second.number, "2026-01-05", "GK2", ""]])
    bad.name = "回单.xlsx"
    response = finance.post(reverse("policy:payments_import"), {"file": bad}, follow=True)
    assert f"受理编号: 没有{second.number}" in response.content.decode()  # finance does not see it
    first.refresh_from_db()
    assert first.status == AppStatus.PAYABLE
    wrong = interop.payments_import(actor=zone["finance"], rows=[(first.number, zone["today"], "GK1", Decimal("1"))])
    assert wrong.errors == ["第1行 金额(元): 1与核定金额200000.00不一致"]
    good = xlsx_bytes([header, [first.number, zone["today"].isoformat(), "GK1", 200000]])
    good.name = "回单.xlsx"
    finance.post(reverse("policy:payments_import"), {"file": good})
    first.refresh_from_db()
    assert first.status == AppStatus.PAID
    assert first.paid_on == zone["today"]
    with pytest.raises(PermissionDenied):
        interop.payments_import(actor=zone["officer"], rows=[(first.number, zone["today"], "", None)])
