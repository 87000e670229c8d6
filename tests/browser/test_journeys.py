"""Main journeys in a real browser, with screenshots saved under test-output/screenshots/ for a person to look at."""

from __future__ import annotations

from typing import Any

import pytest

from gaoxin.accounts.models import BindingStatus, EnterpriseBinding
from gaoxin.registry.models import Enterprise
from gaoxin.testing import factories as f
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def _zone() -> dict[str, Any]:
    f.ZoneFactory()
    tjw = f.ParkFactory(code="TJW", name="唐家湾主园区", short_name="唐家湾")
    np = f.ParkFactory(code="NP", name="南屏科技园", short_name="南屏")
    ic = f.IndustryFactory(code="IC", name="集成电路")
    huaxin = f.EnterpriseFactory(name="珠海华芯微电子有限公司", park=tjw, industry=ic, is_above_scale=True)
    f.QualificationFactory(enterprise=huaxin)
    for i in range(30):
        f.EnterpriseFactory(name=f"珠海南屏精密制造{i}号有限公司", park=np)
    return {"tjw": tjw, "np": np, "huaxin": huaxin}


def test_officer_finds_enterprise_by_pinyin_initials_and_opens_profile(page: Any, shots: Any) -> None:
    zone = _zone()
    f.officer(username="officer1")
    login(page, "officer1", f.DEFAULT_PASSWORD)
    assert page.locator("h2.page-title").inner_text() == "工作台"
    shots(page, "01-officer-home")

    page.click("text=企业库")
    page.wait_for_selector("#results table")
    assert page.locator("#results tbody tr").count() == 25  # paginated
    page.fill("#id_q", "zhhx")
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 1")
    assert "q=zhhx" in page.url
    row = page.locator("#results tbody tr").first
    assert "珠海华芯微电子有限公司" in row.inner_text()
    shots(page, "02-enterprise-search-pinyin")

    row.locator("a").click()
    page.wait_for_selector("text=企业画像")
    assert page.locator("h2.page-title").inner_text().startswith("珠海华芯微电子有限公司")
    body = page.locator("body").inner_text()
    assert zone["huaxin"].uscc in body
    assert "高新技术企业" in body
    assert "唐家湾主园区" in body
    # The layout holds at 1366×768: nothing overflows horizontally.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    shots(page, "03-enterprise-profile", full_page=True)


def test_enterprise_registers_then_edits_contacts_after_approval(
    page: Any, browser: Any, live_server: Any, shots: Any
) -> None:
    zone = _zone()
    huaxin: Enterprise = zone["huaxin"]
    f.officer(username="officer1")

    page.goto("/accounts/register/")
    page.fill("#id_uscc", huaxin.uscc.lower())
    page.fill("#id_enterprise_name", huaxin.name)
    page.fill("#id_full_name", "王小明")
    page.fill("#id_phone", "13800138000")
    page.fill("#id_username", "huaxin_wang")
    page.fill("#id_password", "Zhuhai@2026gx")
    page.fill("#id_password2", "Zhuhai@2026gx")
    shots(page, "10-register-form", full_page=True)
    page.click(".page-body button[type=submit]")
    page.wait_for_selector("text=绑定申请审核中")
    shots(page, "11-register-pending")
    # Before approval the enterprise user sees nothing of the enterprise.
    response = page.goto(f"/registry/enterprises/{huaxin.pk}/")
    assert response is not None
    assert response.status == 404
    assert page.goto("/portal/profile/").status == 404

    officer_ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server.url)
    officer = officer_ctx.new_page()
    login(officer, "officer1", f.DEFAULT_PASSWORD)
    officer.goto("/accounts/bindings/")
    assert "珠海华芯微电子有限公司" in officer.locator("table").inner_text()
    shots(officer, "12-officer-binding-review")
    officer.click("button[value=approve]")
    officer.wait_for_selector("text=已通过")
    officer_ctx.close()
    assert EnterpriseBinding.objects.get(user__username="huaxin_wang").status == BindingStatus.APPROVED

    page.goto("/")
    page.click("text=查看和维护本企业信息")
    page.wait_for_selector("text=联系信息")
    page.click("text=修改联系信息")
    page.fill("#id_contact_name", "王小明")
    page.fill("#id_contact_phone", "123")
    page.click(".page-body button[type=submit]")
    page.wait_for_selector(".invalid-feedback")
    assert "不是有效的手机号或固定电话" in page.locator(".invalid-feedback").inner_text()
    shots(page, "13-contacts-invalid-phone")
    page.fill("#id_contact_phone", "0756-3312345")
    page.click(".page-body button[type=submit]")
    page.wait_for_selector("text=联系信息已更新")
    assert page.locator("#contact-phone").inner_text() == "0756-3312345"
    shots(page, "14-portal-profile", full_page=True)
    huaxin.refresh_from_db()
    assert huaxin.contact_name == "王小明"
    assert huaxin.contact_phone == "0756-3312345"


def test_portal_on_a_phone(phone_page: Any, shots: Any) -> None:
    zone = _zone()
    f.enterprise_user(zone["huaxin"], username="huaxin_m")
    login(phone_page, "huaxin_m", f.DEFAULT_PASSWORD)
    phone_page.goto("/portal/profile/")
    phone_page.wait_for_selector("text=联系信息")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    shots(phone_page, "20-portal-phone", full_page=True)


def test_import_with_errors_shows_them_per_row_and_changes_nothing(page: Any, shots: Any, tmp_path: Any) -> None:
    import openpyxl

    zone = _zone()
    f.officer(username="officer1")
    good = f.make_uscc(901)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "企业名录"
    sheet.append(["2026年企业名录（唐家湾）"])  # a title row above the header, as officers write it
    sheet.append(["统一社会信用代码", "企业名称", "所属园区", "联系电话", "成立日期"])
    sheet.append([good, "珠海新来科技有限公司", "唐家湾主园区", "13800138000", "2021-06-01"])
    sheet.append([f.bad_check_digit(f.make_uscc(902)), "珠海错码科技有限公司", "唐家湾主园区", "", ""])
    sheet.append([f.make_uscc(903), "珠海无园区科技有限公司", "不存在的园区", "12345", "2021-13-01"])
    path = tmp_path / "企业名录.xlsx"
    book.save(path)
    before = Enterprise.objects.count()

    login(page, "officer1", f.DEFAULT_PASSWORD)
    page.click("#nav-more > a")  # occasional pages are under 更多
    page.click("#nav-more >> text=批量导入")
    page.check("input[name=kind][value=enterprises]")
    page.set_input_files("input[type=file]", str(path))
    page.click("#import-upload-form button[type=submit]")
    page.wait_for_selector("text=第4行")
    body = page.locator("body").inner_text()
    assert "第4行" in body
    assert "校验位错误" in body
    assert "第5行" in body
    assert "不存在的园区" in body
    shots(page, "30-import-errors-per-row", full_page=True)
    assert Enterprise.objects.count() == before  # the preview is a dry run
    assert not Enterprise.objects.filter(uscc=good).exists()
    assert zone["huaxin"].name == Enterprise.objects.get(pk=zone["huaxin"].pk).name
