"""Rule editor journey: an officer builds a rule set from choices, sees its Chinese sentence, adds a test case, runs
the dry run, publishes; the registry is re-evaluated and the enterprise's profile shows its result with the reason
for each criterion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.utils import timezone

from gaoxin.indicators.models import AnnualFact
from gaoxin.registry.catalogue import load_catalogue as load_qualification_types
from gaoxin.registry.models import QualificationType
from gaoxin.rules import services
from gaoxin.rules.models import RuleSetStatus, RuleSetVersion
from gaoxin.rules.services import sync_shipped
from gaoxin.testing import factories as f
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_builds_and_publishes_a_rule_set(page: Any, shots: Any) -> None:
    load_qualification_types(QualificationType)  # transactional tests flush data-migration rows
    sync_shipped()
    f.ZoneFactory()
    park = f.ParkFactory(code="TJW", name="唐家湾主园区")
    last = timezone.localdate().year - 1
    firm = f.EnterpriseFactory(name="珠海测试研发科技有限公司", park=park, founded_on=dt.date(2015, 3, 1))
    small = f.EnterpriseFactory(name="珠海测试小微科技有限公司", park=park, founded_on=dt.date(2020, 3, 1))
    for year, revenue, rd in ((last - 2, 800, 30), (last - 1, 900, 36), (last, 1000, 45)):
        AnnualFact.objects.create(enterprise=firm, year=year, name="revenue", value=D(revenue))
        AnnualFact.objects.create(enterprise=firm, year=year, name="rd_expense", value=D(rd))
    AnnualFact.objects.create(enterprise=small, year=last, name="revenue", value=D(300))
    f.officer(username="officer1")

    login(page, "officer1", f.DEFAULT_PASSWORD)
    page.goto("/rules/")
    page.click("text=规则编辑")
    page.click("#new-ruleset")
    page.wait_for_selector("#rule-editor")
    page.fill("#id_h-code", "fund_rd_bonus")
    page.fill("#id_h-name", "研发投入奖励")
    page.fill("#id_h-source", "珠高新〔2026〕8号")
    # Criterion 1: 上年度营业收入不低于500万元 (a number).
    page.select_option("#id_c-0-fact", "revenue")
    page.fill("#id_c-0-threshold", "500")
    # Criterion 2: 近3年研发费用占营业收入的比例不低于3% (the ratio's fields appear only once chosen).
    page.click("#add-criterion")
    assert not page.locator("#id_c-1-denominator").is_visible()
    page.select_option("#id_c-1-measure", "ratio")
    page.select_option("#id_c-1-fact", "rd_expense")
    page.select_option("#id_c-1-denominator", "revenue")
    page.select_option("#id_c-1-period", "sum")
    page.fill("#id_c-1-years", "3")
    page.fill("#id_c-1-threshold", "3")
    page.locator("#id_c-1-threshold").blur()
    page.wait_for_selector("#reading")
    reading = page.inner_text("#reading")
    assert "上年度营业收入不低于500万元" in reading
    assert "近3年研发费用占营业收入的比例不低于3%" in reading
    # A test case, in plain lines.
    page.click("#add-case")
    page.fill("#id_t-0-name", "营收1000万、研发占比4%")
    page.fill(
        "#id_t-0-facts",
        f"{last} 营业收入 1000\n{last - 1} 营业收入 900\n{last - 2} 营业收入 800\n"
        f"{last} 研发费用 40\n{last - 1} 研发费用 36\n{last - 2} 研发费用 32",
    )
    page.click("#dry-run")
    page.wait_for_selector("#dry-run-result")
    assert "符合 1 · 不符合 1 · 待核实 0" in page.inner_text("#dry-run-result")
    assert "通过" in page.inner_text("#case-results")
    shots(page, "70-rule-editor", full_page=True)
    page.click("#publish")
    page.wait_for_selector("#rulesets")
    version = RuleSetVersion.objects.get(code="fund_rd_bonus")
    assert version.status == RuleSetStatus.PUBLISHED
    assert "研发投入奖励" in page.inner_text("#rulesets")

    # The registry was re-evaluated (the suite's task backend runs at once): the profile shows the reasons.
    page.goto(f"/registry/enterprises/{small.pk}/")
    card = page.locator("#rule-results details", has_text="研发投入奖励")
    card.locator("summary").click()
    text = card.inner_text()
    assert "不符合" in text
    assert "300万元" in text
    shots(page, "71-profile-rule-results", full_page=True)


def test_officer_records_verified_matters_and_the_criteria_follow(page: Any, shots: Any) -> None:
    """核实事项: an officer records what was verified (no accident, not on the dishonesty list, not a restricted
    industry) with date and basis; the profile shows the answers, and the 科小 criteria that asked about them turn
    from 待核实 into met."""
    load_qualification_types(QualificationType)
    sync_shipped()
    f.ZoneFactory()
    park = f.ParkFactory(code="TJW", name="唐家湾主园区")
    firm = f.EnterpriseFactory(name="珠海核实测试科技有限公司", park=park, founded_on=dt.date(2016, 5, 1))
    last = timezone.localdate().year - 1
    AnnualFact.objects.create(enterprise=firm, year=last, name="revenue", value=D(3000))
    f.officer(username="officer1")
    services.evaluate_registry(trigger="测试")

    login(page, "officer1", f.DEFAULT_PASSWORD)
    page.goto(f"/registry/enterprises/{firm.pk}/")
    assert page.locator("#checks").inner_text().count("未核实") == 8
    card = page.locator("#rule-results details", has_text="科技型中小企业")
    card.locator("summary").click()
    assert "？ 上年度未发生重大安全、质量、环境污染事故" in card.inner_text()
    page.click("text=填写核实结果")
    page.wait_for_selector("text=认定条件中需要核实的是否事项")
    page.select_option("#id_major_incident_last_year-value", "no")
    page.fill("#id_major_incident_last_year-basis", "应急管理局函复")
    page.select_option("#id_serious_violation_listed-value", "no")
    page.fill("#id_serious_violation_listed-checked_on", "2026-03-02")
    page.fill("#id_serious_violation_listed-basis", "信用中国查询")
    page.click("#save-checks")
    # The date of the first answer is missing: nothing is saved, and the row says why.
    assert "上年度重大安全、质量、环境事故：请填写核实日期" in page.inner_text("body")
    page.fill("#id_major_incident_last_year-checked_on", "2026-03-02")
    page.select_option("#id_restricted_industry-value", "no")
    page.fill("#id_restricted_industry-checked_on", "2026-03-02")
    shots(page, "72-verified-matters-form", full_page=True)
    page.click("#save-checks")
    page.wait_for_selector("text=已保存 3 项核实结果")
    checks = page.locator("#checks").inner_text()
    assert "上年度未发生重大安全、质量、环境污染事故" in checks
    assert "信用中国查询" in checks
    assert checks.count("未核实") == 5
    card = page.locator("#rule-results details", has_text="科技型中小企业")
    card.locator("summary").click()
    text = card.inner_text()
    assert "✓ 上年度未发生重大安全、质量、环境污染事故" in text
    assert "✓ 未被列入严重违法失信名单" in text
    shots(page, "73-profile-verified-matters", full_page=True)
