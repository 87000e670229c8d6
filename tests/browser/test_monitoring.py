"""Leader journey: log in, open the cockpit, drill from the 工业总产值 card to a park, then to its enterprises."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from gaoxin.indicators.catalogue import load_catalogue
from gaoxin.indicators.models import Indicator, Target, TargetKind
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.testing import factories as f
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_leader_drills_from_the_output_card_to_the_enterprises(page: Any, shots: Any) -> None:
    load_catalogue(Indicator)  # transactional tests flush data-migration rows
    f.ZoneFactory()
    tjw = f.ParkFactory(code="TJW", name="唐家湾主园区", short_name="唐家湾")
    np = f.ParkFactory(code="NP", name="南屏科技园", short_name="南屏")
    output = Indicator.objects.get(code="output_value")
    inputs = []
    for i, (park, last, now) in enumerate(
        [(tjw, 150000, 168000), (tjw, 90000, 81000), (np, 60000, 66000), (np, 30000, 31500)]
    ):
        e = f.EnterpriseFactory(name=f"珠海测试制造{i + 1}号有限公司", park=park, is_above_scale=True)
        inputs += [
            FactInput(e.pk, output, 2025, 10, D(last), is_cumulative=True),
            FactInput(e.pk, output, 2026, 10, D(now), is_cumulative=True),
        ]
    facts_store(actor=None, inputs=inputs)
    Target.objects.create(year=2026, indicator=output, kind=TargetKind.TOTAL, value=D(400000))
    f.leader(username="leader1")

    login(page, "leader1", f.DEFAULT_PASSWORD)
    page.click("text=经济运行")
    page.wait_for_selector("#kpi-cards")
    page.wait_for_selector("#chart-trend svg")
    card = page.locator("a[data-indicator=output_value]")
    assert "34.65亿元" in card.inner_text()
    assert "同比增长5.0%" in card.inner_text()  # 34.65 ÷ 33.00 − 1
    assert "完成年度任务(40亿元)的86.6%，超序时进度3.3个百分点" in card.inner_text()
    shots(page, "40-cockpit", full_page=True)

    card.click()
    page.wait_for_selector("#breakdown")
    rows = page.locator("#breakdown tbody tr")
    assert rows.count() == 2
    assert "唐家湾主园区" in rows.first.inner_text()
    assert rows.first.inner_text().split("\t")[:5] == ["唐家湾主园区", "2", "24.90亿元", "3.8%", "71.9%"]
    shots(page, "41-cockpit-by-park")

    rows.first.locator("text=企业明细").click()
    page.wait_for_selector("#enterprise-figures")
    table = page.locator("#enterprise-figures tbody").inner_text()
    assert "珠海测试制造1号有限公司" in table
    assert "珠海测试制造3号有限公司" not in table  # another park
    first = page.locator("#enterprise-figures tbody tr").first.inner_text()
    assert "珠海测试制造2号有限公司" in first  # the drag list starts with the largest drop
    assert "-3.75" in first  # (81000 − 90000) ÷ 240000 × 100 百分点
    shots(page, "42-cockpit-park-enterprises")
