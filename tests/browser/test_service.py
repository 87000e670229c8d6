"""Enterprise service journey: the enterprise files an appeal in the portal; the service centre dispatches it to a lead
and a co-department; the lead department accepts and replies; the centre approves the reply (the co-department's part
closes as 协办完成); the enterprise sees it, rates it 不满意 and the appeal reopens for a second handling.
The centre's other desks: a bulk import (template, a dry run with row errors, then the import), a service grid, and
the weekly overdue notice in Word."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gaoxin.service.catalogue import load_categories
from gaoxin.service.models import Appeal, AppealCategory, AppealStatus, DispatchStatus, ServiceGrid
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
    # 主办负责制: the co-department that had not replied is closed as 协办完成 with the lead's approved answer
    assert "科技产业局协办完成" in page.inner_text("#timeline")
    assert appeal.dispatches.get(role="co").status == DispatchStatus.CO_DONE
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


def test_centre_imports_appeals_and_keeps_a_grid(page: Any, desk: Any, shots: Any, tmp_path: Path) -> None:
    load_categories(AppealCategory)
    f.ZoneFactory()
    centre = f.DepartmentFactory(code="QYFW", name="企业服务中心")
    park = f.ParkFactory(code="NP", name="南屏科技园", short_name="南屏")
    firm = f.EnterpriseFactory(name="珠海南屏电子有限公司", park=park)
    other = f.EnterpriseFactory(name="珠海南屏材料有限公司", park=park)
    f.officer(username="centre1", full_name="王中心", department=centre)
    f.commissioner(username="grid1", full_name="刘网格")
    login(page, "centre1", f.DEFAULT_PASSWORD)

    # The template can be downloaded; a file with a bad row is refused as a whole, each problem named.
    page.goto("/service/triage/")
    page.click("#import-link")
    page.wait_for_selector("#import-upload-form")
    with page.expect_download() as download:
        page.click("#template-xlsx")
    assert download.value.suggested_filename == "企业诉求导入模板.xlsx"
    header = "外部编号,统一社会信用代码,企业名称,诉求分类,诉求标题,诉求内容,受理时间,紧急程度,来源"
    good = (
        f"12345-0001,{firm.uscc},珠海南屏电子有限公司,用地 / 厂房租赁,厂房屋顶漏水,雨季漏水影响生产,2026-11-20 10:15,"
    )
    good += "紧急,12345热线"
    bad = f"12345-0002,{other.uscc},,不存在的分类,,内容,2026-11-31,,12345热线"
    path = tmp_path / "12345工单.csv"
    path.write_bytes("\n".join([header, good, bad]).encode("utf-8-sig"))
    page.set_input_files("#id_file", str(path))
    page.click("#import-upload-form button[type=submit]")
    page.wait_for_selector("#import-errors")
    errors = page.inner_text("#import-errors")
    assert "第3行" in errors
    assert "没有编码或名称为“不存在的分类”的诉求分类" in errors
    assert "不能为空" in errors
    assert "不是有效的日期" in errors
    assert page.locator("#import-commit-form").count() == 0
    shots(page, "67-import-dry-run-errors", full_page=True)
    assert Appeal.objects.count() == 0

    # The corrected file: the dry run, then the import; the appeal waits in the triage queue.
    path.write_bytes("\n".join([header, good]).encode("utf-8-sig"))
    page.goto("/service/import/")
    page.set_input_files("#id_file", str(path))
    page.click("#import-upload-form button[type=submit]")
    page.wait_for_selector("#import-commit-form")
    assert page.inner_text("#count-created").strip() == "1"
    page.click("#import-commit-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    shots(page, "68-import-done", full_page=True)
    appeal = Appeal.objects.get()
    assert (appeal.channel, appeal.external_number, appeal.enterprise) == ("import", "12345-0001", firm)
    page.goto("/service/triage/")
    assert appeal.number in page.inner_text("#triage-queue")

    # A service grid for the park's two enterprises.
    page.goto("/service/grids/new/")
    page.fill("#id_name", "南屏科技园A区")
    page.select_option("#id_park", str(park.pk))
    page.select_option("#id_commissioner", label="刘网格（grid1）")
    page.fill("#id_enterprises", f"{firm.uscc}\n珠海南屏不存在公司")
    page.click("#grid-form button[type=submit]")
    assert "企业清单第2行：没有统一社会信用代码或名称为“珠海南屏不存在公司”的企业" in page.inner_text("#grid-form")
    page.fill("#id_enterprises", f"{firm.uscc}\n{other.name}")
    page.click("#grid-form button[type=submit]")
    page.wait_for_selector("#grids")
    assert "南屏科技园A区" in page.inner_text("#grids")
    shots(page, "69-grids", full_page=True)
    grid = ServiceGrid.objects.get()
    assert set(grid.enterprises.all()) == {firm, other}

    # The overdue notice has a Word export.
    page.goto("/service/notice/")
    shots(page, "6a-overdue-notice")
    with page.expect_download() as download:
        page.click("#notice-docx")
    from docx import Document

    doc = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert doc.paragraphs[0].text == "关于企业诉求逾期未办结情况的通报"

    # The grid's commissioner sees the grid's enterprises on the visits page (none visited yet).
    login(desk, "grid1", f.DEFAULT_PASSWORD)
    desk.goto("/service/visits/")
    coverage = desk.inner_text("#coverage")
    assert "珠海南屏电子有限公司" in coverage
    assert "南屏科技园A区" in coverage
    shots(desk, "6b-grid-commissioner-visits", full_page=True)
