"""Reporting journey: the officer opens a round; the enterprise clerk fills the sheet (the cumulative follows, a big
jump asks for an explanation), submits; the officer sees the progress and the 催报 list, then corrects a figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.utils import timezone

from gaoxin.indicators.catalogue import load_catalogue
from gaoxin.indicators.models import Fact, FactSource, Indicator
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.testing import factories as f
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_round_from_opening_to_correction(page: Any, phone_page: Any, shots: Any) -> None:
    load_catalogue(Indicator)  # transactional tests flush data-migration rows
    f.ZoneFactory()
    tjw = f.ParkFactory(code="TJW", name="唐家湾主园区", short_name="唐家湾")
    a = f.EnterpriseFactory(name="珠海测试精密制造有限公司", park=tjw, is_above_scale=True)
    b = f.EnterpriseFactory(name="珠海测试新材料有限公司", park=tjw, is_above_scale=True, contact_phone="0756-3312001")
    output, power = Indicator.objects.get(code="output_value"), Indicator.objects.get(code="electricity")
    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    before_year, before_month = (year, month - 1) if month > 1 else (year - 1, 12)
    facts_store(
        actor=None,
        inputs=[
            FactInput(e.pk, ind, before_year, before_month, amount)
            for e in (a, b)
            for ind, amount in ((output, D("1200")), (power, D("48.5")))
        ],
    )
    f.officer(username="officer1")
    f.enterprise_user(a, username="clerk1")

    # The officer opens the round for last month with the default deadline and indicators.
    login(page, "officer1", f.DEFAULT_PASSWORD)
    page.goto("/reporting/new/")
    page.select_option("#id_period", f"{year}-{month:02d}")
    page.fill("#id_deadline", (timezone.localtime() + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    for box in page.locator("input[name=indicators]").all():
        if box.get_attribute("value") not in (str(output.pk), str(power.pk)):
            box.uncheck()
    page.click(".page-body button[type=submit]")
    page.wait_for_selector("#progress-total")
    assert page.inner_text("#progress-total").strip() == "0 / 2"

    # The clerk sees the card on the home page, opens the sheet: last month is prefilled, the cumulative follows.
    clerk = phone_page
    login(clerk, "clerk1", f.DEFAULT_PASSWORD)
    clerk.wait_for_selector("#report-due")
    clerk.click("#report-due a")
    clerk.wait_for_selector("#report-form")
    value = clerk.locator(f"#value_{output.pk}")
    assert value.input_value() == "1200"
    value.fill("1800")  # +50 %: beyond the 30 % threshold
    line = clerk.locator("tr.report-line").first
    assert "比上月增长50.0%" in line.locator(".jump-hint").inner_text()
    assert line.locator("textarea.note").is_visible()
    expected = "3000" if month > 1 else "1800"  # last month's 1-N月 (1200) plus this month; January starts afresh
    assert line.locator(".cumulative").inner_text() == expected
    shots(clerk, "50-report-form-phone", full_page=True)
    clerk.click("#report-form button[type=submit]")
    clerk.wait_for_selector("#form-errors")
    assert "请填写说明" in clerk.inner_text("tr.report-line >> nth=0")
    clerk.fill(f"textarea[name=note_{output.pk}]", "新增订单集中交付")
    clerk.click("#report-form button[type=submit]")
    clerk.wait_for_selector(".alert-success")
    fact = Fact.objects.get(enterprise=a, indicator=output, year=year, month=month)
    assert (fact.value, fact.source) == (D(1800), FactSource.REPORT)

    # The officer sees 1 of 2 reported, the one missing with its phone number, and corrects the reported figure.
    page.goto(page.url.split("?")[0])
    assert page.inner_text("#progress-total").strip() == "1 / 2"
    missing = page.locator("#members tbody")
    assert "珠海测试新材料有限公司" in missing.inner_text()
    assert "0756-3312001" in missing.inner_text()
    shots(page, "51-round-missing", full_page=True)
    page.click("text=已报（1）")
    page.click("#members >> text=数据")
    page.wait_for_selector("#figures")
    form = page.locator("form.correction").first
    form.locator("input[name=value]").fill("1750")
    form.locator("input[name=reason]").fill("与统计局快报核对")
    form.locator("button").click()
    page.wait_for_selector(".alert-success")
    assert "与统计局快报核对" in page.inner_text("#history")
    shots(page, "52-member-corrected", full_page=True)
    fact.refresh_from_db()
    assert (fact.value, fact.source) == (D(1750), FactSource.CORRECTION)
