"""A small zone for the policy tests: a bureau with officers, a leader, experts, a finance officer, two parks, three
enterprises with users and yearly facts, one published policy with an application item (小升规 rule, 10% of revenue
capped) and a 免申即享 item."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gaoxin.indicators.models import AnnualFact
from gaoxin.policy import services
from gaoxin.policy.models import FundItem, Policy, PolicyStatus
from gaoxin.testing import factories as f

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.POLICY_SMS_BACKEND = "gaoxin.policy.sms.FileBackend"
    settings.POLICY_SMS_FILE = str(tmp_path / "sms.jsonl")


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def fake_pdf(name: str = "病毒.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00 not a pdf", content_type="application/pdf")


def facts(enterprise: Any, year: int, **values: Any) -> None:
    for name, value in values.items():
        AnnualFact.objects.update_or_create(
            enterprise=enterprise, year=year, name=name, defaults={"value": Decimal(str(value))}
        )


def xlsx_bytes(rows: list[list[Any]]) -> io.BytesIO:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


@pytest.fixture
def zone(db: Any) -> dict[str, Any]:
    today = timezone.localdate()
    last = today.year - 1
    bureau = f.DepartmentFactory(code="KJCY", name="科技产业局")
    other = f.DepartmentFactory(code="JJFZ", name="经济发展局")
    tjw = f.ParkFactory(code="TJW", name="唐家湾主园区")
    np = f.ParkFactory(code="NP", name="南屏科技园")
    commissioner = f.commissioner(username="zhuanyuan")
    a = f.EnterpriseFactory(
        name="珠海甲科技有限公司", park=tjw, commissioner=commissioner, finance_contact_phone="13900000001"
    )
    b = f.EnterpriseFactory(name="珠海乙制造有限公司", park=np)
    c = f.EnterpriseFactory(name="珠海丙电子有限公司", park=tjw, is_above_scale=True)
    facts(a, last, revenue=1500, rd_expense=120)
    facts(b, last, revenue=1800, rd_expense=300)
    facts(c, last, revenue=9000, rd_expense=900)
    officer = f.officer(username="kj1", full_name="科技局王科员", department=bureau, email="kj@zone.gov.cn")
    zone: dict[str, Any] = {
        "today": today,
        "bureau": bureau,
        "tjw": tjw,
        "np": np,
        "a": a,
        "b": b,
        "c": c,
        "officer": officer,
        "other_officer": f.officer(username="jj1", department=other),
        "leader": f.leader(username="leader1", full_name="李主任"),
        "finance": f.finance(username="caizheng1", full_name="财政赵"),
        "experts": [f.expert(username=f"expert{n}", full_name=f"专家{n}") for n in range(1, 6)],
        "park_officer": f.park_officer(np, username="np1"),
        "commissioner": commissioner,
        "admin": f.admin(username="admin1"),
        "a_user": f.enterprise_user(a, username="a1", email="a@example.com"),
        "b_user": f.enterprise_user(b, username="b1"),
        "c_user": f.enterprise_user(c, username="c1"),
    }
    policy = services.policy_save(
        actor=officer,
        data={
            "title": "珠海高新区促进小微企业上规模扶持办法",
            "number": "珠高新〔2026〕8号",
            "issuer": "珠海高新区管委会",
            "level": "zone",
            "category": "industry_it",
            "effective_from": dt.date(today.year, 1, 1),
            "expires_on": None,
            "summary": "支持小微企业上规模",
            "body": "第一条 为鼓励小微企业做大做强……",
            "budget_yuan": Decimal("5000000"),
        },
    )
    services.policy_publish(actor=officer, policy=policy)
    item = services.fund_item_save(
        actor=officer,
        policy=policy,
        data={
            "code": "XSG-2026",
            "name": "小升规培育奖励",
            "description": "按上年度营业收入的10%给予奖励，最高20万元",
            "department": bureau,
            "eligibility_code": "small_to_above",
            "amount_kind": "percent",
            "amount_fact": "revenue",
            "amount_percent": Decimal("10"),
            "amount_cap_yuan": Decimal("200000"),
            "budget_yuan": Decimal("1000000"),
            "opens_on": today - dt.timedelta(days=10),
            "closes_on": today + dt.timedelta(days=30),
            "experts_per_application": 3,
            "score_sheet": [{"code": "s1", "label": "成长性", "max": 60}, {"code": "s2", "label": "规范性", "max": 40}],
            "score_aggregate": "trimmed",
            "commitments": "所提交材料真实有效；获得奖励后三年内不迁出本区。",
        },
        materials=[
            {"name": "上年度财务审计报告", "kinds": "pdf", "required": True},
            {"name": "营业执照", "kinds": "pdf,jpg,png", "required": True},
        ],
    )
    services.fund_item_set_status(actor=officer, item=item, status="open")
    offer_item = services.fund_item_save(
        actor=officer,
        policy=policy,
        data={
            "code": "MSJX-2026",
            "name": "小升规培育对象奖励（免申即享）",
            "eligibility_code": "small_to_above",
            "no_application": True,
            "amount_kind": "fixed",
            "amount_fixed_yuan": Decimal("50000"),
            "budget_yuan": Decimal("100000"),
            "opens_on": today - dt.timedelta(days=10),
            "closes_on": today + dt.timedelta(days=30),
            "commitments": "承诺三年内不迁出本区。",
        },
    )
    services.fund_item_set_status(actor=officer, item=offer_item, status="open")
    zone["policy"] = Policy.objects.get(pk=policy.pk)
    zone["item"] = FundItem.objects.get(pk=item.pk)
    zone["offer_item"] = FundItem.objects.get(pk=offer_item.pk)
    assert zone["policy"].status == PolicyStatus.PUBLISHED
    return zone


def fill_and_submit(z: dict[str, Any], user: Any, item: Any | None = None) -> Any:
    """The enterprise's whole form: project, account, commitments, both materials; then submit."""
    item = item or z["item"]
    application = services.application_start(actor=user, item=item)
    services.application_save(
        actor=user,
        application=application,
        project_name="扩大生产线",
        project_summary="新增两条生产线",
        bank_name="中国银行珠海分行",
        bank_account="6217000012345678",
        commitments_accepted=True,
    )
    for requirement in item.materials.all():
        services.application_upload(actor=user, application=application, requirement=requirement, files=[pdf()])
    return services.application_submit(actor=user, application=application)
