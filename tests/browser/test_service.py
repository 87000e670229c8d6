"""Enterprise service journey: the enterprise files an appeal in the portal; the service centre dispatches it to a lead
and a co-department; the lead department accepts and replies; the centre approves the reply; the enterprise sees it,
rates it 不满意 and the appeal reopens for a second handling."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gaoxin.service.catalogue import load_categories
from gaoxin.service.models import Appeal, AppealCategory, AppealStatus, DispatchStatus
from gaoxin.testing import factories as f
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(browser: Any, live_server: Any) -> Iterator[Any]:
    """A second desktop browser window (another person working at the same time)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def test_appeal_from_portal_to_reopening(page: Any, phone_page: Any, desk: Any, shots: Any) -> None:
    load_categories(AppealCategory)  # transactional tests flush data-migration rows
    f.ZoneFactory()
    centre = f.DepartmentFactory(code="QYFW", name="企业服务中心")
    planning = f.DepartmentFactory(code="GHZY", name="规划和自然资源局", sort_order=1)
    tech = f.DepartmentFactory(code="KJCY", name="科技产业局", sort_order=2)
    park = f.ParkFactory(code="TJW", name="唐家湾主园区", short_name="唐家湾")
    firm = f.EnterpriseFactory(name="珠海测试精密制造有限公司", park=park)
    f.enterprise_user(firm, username="clerk1", full_name="李会计")
    f.officer(username="centre1", full_name="王中心", department=centre)
    f.officer(username="planning1", full_name="赵规划", department=planning)
    f.officer(username="tech1", department=tech)

    # The enterprise files an appeal from its phone.
    clerk = phone_page
    login(clerk, "clerk1", f.DEFAULT_PASSWORD)
    clerk.goto("/service/my/new/")
    clerk.select_option("#id_category", label="用地 / 厂房租赁")
    clerk.fill("#id_title", "扩产需要新增2000平方米厂房")
    clerk.fill("#id_content", "订单增长，现有厂房不足，希望园区协调周边标准厂房。")
    shots(clerk, "60-appeal-form-phone", full_page=True)
    clerk.click("#appeal-form button[type=submit]:has-text('提交诉求')")
    clerk.wait_for_selector("#timeline")
    appeal = Appeal.objects.get()
    assert appeal.number in clerk.inner_text(".page-pretitle")
    assert "通过企业门户受理诉求" in clerk.inner_text("#timeline")

    # The service centre dispatches it: 规划 leads, 科技 co-operates, default time limit (4 working days).
    login(page, "centre1", f.DEFAULT_PASSWORD)
    page.goto("/service/triage/")
    page.click(f"#triage-queue >> text={appeal.number}")
    page.wait_for_selector("#triage-panel")
    page.select_option("#id_lead", str(planning.pk))
    page.check(f"#dispatch-form input[name=co][value='{tech.pk}']")
    shots(page, "61-centre-triage", full_page=True)
    page.click("#dispatch-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.HANDLING
    assert page.locator(".dispatch").count() == 2

    # The lead department sees it in its inbox with the working days left, accepts and replies.
    login(desk, "planning1", f.DEFAULT_PASSWORD)
    desk.goto("/service/inbox/")
    row = desk.locator("#inbox tbody tr").first
    assert appeal.number in row.inner_text()
    assert row.locator("td").last.inner_text().strip() == "4"
    shots(desk, "62-department-inbox")
    row.locator("a").click()
    desk.click(".btn-accept")
    desk.wait_for_selector(".alert-success")
    desk.fill(".reply-form textarea[name=text]", "已协调唐家湾标准厂房三期2000平方米，可于下月签约入驻。")
    desk.click(".reply-form button[type=submit]")
    desk.wait_for_selector(".alert-success")
    assert "待企业服务中心审核" in desk.inner_text("#timeline")

    # The enterprise cannot see the reply yet; the centre approves it.
    clerk.reload()
    assert "已协调唐家湾标准厂房" not in clerk.inner_text(".page-body")
    page.goto("/service/triage/")
    page.click(f"#review-queue >> text={appeal.number}")
    page.click(".review-form button[value=approve]")
    page.wait_for_selector(".alert-success")
    shots(page, "63-centre-approved", full_page=True)

    # The enterprise reads the answer and is not satisfied: the appeal reopens for a second handling.
    clerk.reload()
    assert "已协调唐家湾标准厂房" in clerk.inner_text("#replies")
    clerk.check("input[name=rating][value=dissatisfied]")
    clerk.fill("#id_comment", "三期厂房层高不足，不能满足设备安装要求")
    shots(clerk, "64-appeal-rating-phone", full_page=True)
    clerk.click("#rate button[type=submit]")
    clerk.wait_for_selector(".alert-success")
    assert "诉求已重新交办" in clerk.inner_text(".alert-success")
    assert "重新办理" in clerk.inner_text("#timeline")
    shots(clerk, "65-appeal-reopened-phone", full_page=True)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reopened, appeal.handling_round) == (AppealStatus.NEW, True, 2)
    assert appeal.dispatches.get(role="lead").status == DispatchStatus.APPROVED
    page.goto("/service/triage/")
    assert appeal.number in page.inner_text("#triage-queue")
    shots(page, "66-centre-queue-reopened", full_page=True)
