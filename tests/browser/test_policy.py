"""Policy cashing journey: an enterprise sees a fund item under 适合我的政策 (another, a near miss, with what it lacks);
the enterprise applies with attachments and sees its receipt; the officer returns it, the enterprise corrects it; form
review passes; experts are drawn at random and score it; the leader approves; the award goes on public notice (a page
without login); finance pays the batch; the enterprise sees 已拨付 with the date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from gaoxin.indicators.models import AnnualFact
from gaoxin.policy import services
from gaoxin.policy.models import Application, AppStatus, PublicNotice, Stage
from gaoxin.rules.services import evaluate_registry, sync_shipped
from gaoxin.testing import factories as f
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def desk(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def anonymous(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url)
    pg = context.new_page()
    yield pg
    context.close()


def _zone(tmp: Path) -> dict[str, Any]:
    sync_shipped()  # transactional tests flush the shipped rule sets loaded after migrate
    today = timezone.localdate()
    last = today.year - 1
    f.ZoneFactory()
    bureau = f.DepartmentFactory(code="KJCY", name="科技产业局")
    park = f.ParkFactory(code="TJW", name="唐家湾主园区", short_name="唐家湾")
    firm: Any = f.EnterpriseFactory(name="珠海测试精密制造有限公司", park=park, contact_phone="13800001111")
    near: Any = f.EnterpriseFactory(name="珠海测试新材料有限公司", park=park, is_above_scale=True)
    for enterprise in (firm, near):
        AnnualFact.objects.create(enterprise=enterprise, year=last, name="revenue", value=Decimal("1500"))
    officer = f.officer(username="kj1", full_name="王科员", department=bureau)
    f.leader(username="leader1", full_name="周主任")
    f.finance(username="caizheng1", full_name="林会计")
    for n, name in enumerate(("郑国华", "王立新", "刘晓燕"), start=1):
        f.expert(username=f"expert{n}", full_name=name)
    f.enterprise_user(firm, username="clerk1", full_name="李会计")
    f.enterprise_user(near, username="clerk2", full_name="张经理")
    policy = services.policy_save(
        actor=officer,
        data={
            "title": "珠海高新区促进小微工业企业上规模扶持办法",
            "number": "珠高新〔2026〕8号",
            "issuer": "珠海高新区管委会",
            "level": "zone",
            "category": "industry_it",
            "effective_from": dt.date(today.year, 1, 1),
            "summary": "支持小微工业企业做大做强、升规入统。",
            "body": "第一条 为鼓励小微工业企业做大做强，制定本办法。",
            "budget_yuan": Decimal("5000000"),
        },
    )
    services.policy_publish(actor=officer, policy=policy)
    item = services.fund_item_save(
        actor=officer,
        policy=policy,
        data={
            "code": "XSG-2026",
            "name": "小升规培育企业成长奖励",
            "description": "按上年度营业收入的1%给予奖励，最高20万元。",
            "department": bureau,
            "eligibility_code": "small_to_above",
            "amount_kind": "percent",
            "amount_fact": "revenue",
            "amount_percent": Decimal("1"),
            "amount_cap_yuan": Decimal("200000"),
            "budget_yuan": Decimal("2000000"),
            "opens_on": today - dt.timedelta(days=5),
            "closes_on": today + dt.timedelta(days=30),
            "stages": ["form", "expert", "leader", "notice", "payment"],
            "experts_per_application": 3,
            "score_sheet": [
                {"code": "s1", "label": "成长性", "max": 60},
                {"code": "s2", "label": "规范经营", "max": 40},
            ],
            "score_aggregate": "trimmed",
            "commitments": "所提交材料真实有效；获得奖励后三年内不迁出本区。",
        },
        materials=[
            {"name": "上年度财务审计报告", "kinds": "pdf", "required": True},
            {"name": "营业执照", "kinds": "pdf,jpg,png", "required": True},
        ],
    )
    services.fund_item_set_status(actor=officer, item=item, status="open")
    evaluate_registry(trigger="浏览器测试")
    audit = tmp / "审计报告.pdf"
    audit.write_bytes(PDF)
    licence = tmp / "营业执照.pdf"
    licence.write_bytes(PDF)
    return {"item": item, "firm": firm, "files": [audit, licence]}


def _upload_all(pg: Any, files: list[Path]) -> None:
    for n, path in enumerate(files):
        row = pg.locator("#materials .material").nth(n)
        row.locator("input[type=file]").set_input_files(str(path))
        row.locator("button[type=submit]:has-text('上传')").click()
        pg.wait_for_selector(".alert-success")


def test_policy_from_push_to_payment(
    page: Any, desk: Any, anonymous: Any, shots: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    z = _zone(tmp_path)

    # A near miss reads what it lacks under 适合我的政策.
    login(desk, "clerk2", f.DEFAULT_PASSWORD)
    desk.goto("/policy/portal/for-me/")
    near = desk.locator("#near .near-miss").first
    assert "小升规培育企业成长奖励" in near.inner_text()
    assert "尚未纳入规上统计" in near.locator(".lacks").inner_text()
    shots(desk, "90-portal-for-me-near-miss", full_page=True)

    # The enterprise finds the item, sees the estimate, applies: nothing the zone holds is asked again.
    clerk = page
    login(clerk, "clerk1", f.DEFAULT_PASSWORD)
    clerk.goto("/policy/portal/for-me/")
    eligible = clerk.locator("#eligible").inner_text()
    assert "小升规培育企业成长奖励" in eligible
    assert "15万元" in eligible
    clerk.click("#eligible >> text=去申报")
    clerk.wait_for_selector("#eligibility")
    assert "符合申报条件" in clerk.inner_text("#eligibility")
    clerk.click("#apply")
    clerk.wait_for_selector("#prefilled")
    assert z["firm"].uscc in clerk.inner_text("#prefilled")
    _upload_all(clerk, z["files"])
    clerk.fill("#id_project_name", "新增精密冲压生产线")
    clerk.fill("#id_project_summary", "2025年新增两条冲压线，营业收入增长明显。")
    clerk.fill("#id_bank_name", "中国银行珠海分行")
    clerk.fill("#id_bank_account", "6217000012345678")
    clerk.check("#id_commitments_accepted")
    shots(clerk, "91-portal-application-form", full_page=True)
    clerk.click("#submit-application")
    clerk.wait_for_selector(".alert-success")
    application = Application.objects.get()
    assert application.status == AppStatus.IN_REVIEW
    assert application.number in clerk.inner_text("#number")
    clerk.click("#receipt-link")
    clerk.wait_for_selector("#receipt")
    assert clerk.inner_text("#receipt-number") == application.number
    shots(clerk, "92-portal-receipt", full_page=True)

    # The officer returns it for correction with a reason.
    officer = desk
    officer.context.clear_cookies()
    login(officer, "kj1", f.DEFAULT_PASSWORD)
    officer.goto("/policy/applications/?mine=1")
    officer.click(f"#applications >> text={application.number}")
    officer.wait_for_selector("#review")
    officer.check("#review input[name=action][value=return]")
    officer.fill("#id_reason", "营业执照请上传加盖公章的扫描件")
    shots(officer, "93-officer-form-review", full_page=True)
    officer.click("#review button[type=submit]")
    officer.wait_for_selector(".alert-success")
    application.refresh_from_db()
    assert application.status == AppStatus.RETURNED

    # The enterprise reads the reason, replaces the licence and resubmits.
    clerk.goto(f"/policy/portal/applications/{application.pk}/")
    assert "加盖公章" in clerk.inner_text("#returned")
    clerk.locator("#materials .material").nth(1).locator("button:has-text('删除')").click()
    clerk.wait_for_selector(".alert-success")
    row = clerk.locator("#materials .material").nth(1)
    row.locator("input[type=file]").set_input_files(str(z["files"][1]))
    row.locator("button[type=submit]:has-text('上传')").click()
    clerk.wait_for_selector(".alert-success")
    clerk.click("#submit-application")
    clerk.wait_for_selector(".alert-success")
    application.refresh_from_db()
    assert (application.status, application.stage) == (AppStatus.IN_REVIEW, Stage.FORM)

    # Form review passes; three experts are drawn at random.
    officer.goto(f"/policy/applications/{application.pk}/")
    officer.check("#review input[name=action][value=pass]")
    officer.click("#review button[type=submit]")
    officer.wait_for_selector("#assign")
    officer.click("#random-experts")
    officer.wait_for_selector("#assignments")
    assert application.assignments.count() == 3

    # Each expert scores it from their own list, without the enterprise's contact data.
    for n, (s1, s2) in enumerate(((50, 35), (45, 30), (58, 38)), start=1):
        login(anonymous, f"expert{n}", f.DEFAULT_PASSWORD)
        anonymous.goto("/policy/review/")
        anonymous.click("#assignments a:text-is('评分')")
        anonymous.wait_for_selector("#score-form")
        assert "13800001111" not in anonymous.content()
        assert "6217000012345678" not in anonymous.content()
        anonymous.fill("#id_score_s1", str(s1))
        anonymous.fill("#id_score_s2", str(s2))
        anonymous.fill("#id_comment", "成长性好，材料齐全，建议支持。")
        if n == 1:
            shots(anonymous, "94-expert-scoring", full_page=True)
        anonymous.click("#score-form button[type=submit]")
        anonymous.wait_for_selector(".alert-success")
        anonymous.context.clear_cookies()
    application.refresh_from_db()
    assert application.score == Decimal("85.00")  # 85, 75, 96: trimmed mean drops 96 and 75

    officer.goto(f"/policy/applications/{application.pk}/")
    officer.check("#review input[name=action][value=pass]")
    officer.click("#review button[type=submit]")
    officer.wait_for_selector(".alert-success")

    # The leader approves: the award is fixed against the budget.
    login(anonymous, "leader1", f.DEFAULT_PASSWORD)
    anonymous.goto("/policy/applications/?mine=1")
    anonymous.click(f"#applications >> text={application.number}")
    anonymous.wait_for_selector("#review")
    anonymous.check("#review input[name=action][value=pass]")
    shots(anonymous, "95-leader-approval", full_page=True)
    anonymous.click("#review button[type=submit]")
    anonymous.wait_for_selector(".alert-success")
    anonymous.context.clear_cookies()
    application.refresh_from_db()
    assert application.status == AppStatus.APPROVED
    assert application.awarded_yuan == Decimal("150000.00")

    # 公示: the officer publishes the list; anyone can read it without logging in, without contact data.
    officer.goto(f"/policy/items/{z['item'].pk}/notice/")
    officer.click("#notice-form button[type=submit]")
    officer.wait_for_selector("#entries")
    notice = PublicNotice.objects.get()
    anonymous.goto(f"/policy/public/{notice.pk}/")
    text = anonymous.inner_text("body")
    assert "珠海测试精密制造有限公司" in text
    assert "15万元" in text
    assert "13800001111" not in text
    assert "6217000012345678" not in text
    shots(anonymous, "96-public-notice", full_page=True)
    # the notice period passes (7 working days): the officer closes it
    PublicNotice.objects.filter(pk=notice.pk).update(
        starts_on=notice.starts_on - dt.timedelta(days=20), ends_on=timezone.localdate() - dt.timedelta(days=1)
    )
    officer.goto(f"/policy/notices/{notice.pk}/")
    officer.click("text=结束公示，转入拨付")
    officer.wait_for_selector(".alert-success")
    application.refresh_from_db()
    assert application.status == AppStatus.PAYABLE

    # Finance makes a batch, exports it for the bank, and marks it paid.
    login(anonymous, "caizheng1", f.DEFAULT_PASSWORD)
    anonymous.goto("/policy/payments/")
    anonymous.check(f"#payable input[value='{application.pk}']")
    anonymous.click("#payable-form button[type=submit]")
    anonymous.wait_for_selector("#paid-form")
    with anonymous.expect_download() as download:
        anonymous.click("#batch-export")
    assert download.value.suggested_filename.endswith(".xlsx")
    anonymous.click("#paid-form button[type=submit]")
    anonymous.wait_for_selector("#batch-status.alert-success")
    shots(anonymous, "97-finance-batch-paid", full_page=True)

    # The enterprise sees 已拨付 with the date, and the whole history.
    clerk.goto(f"/policy/portal/applications/{application.pk}/")
    paid = clerk.inner_text("#paid")
    today = timezone.localdate()
    assert "已拨付" in paid
    assert f"{today.year}年{today.month}月{today.day}日" in paid
    assert "已拨付" in clerk.inner_text("#history")
    shots(clerk, "98-portal-paid", full_page=True)
