"""The weekly 研判: missing reports, drops, month-on-month swings, targets behind time progress."""

from decimal import Decimal as D

import pytest
from django.test import Client

from gaoxin.indicators import analysis
from gaoxin.indicators.models import Indicator, Target, TargetKind
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.registry.models import Enterprise
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def monthly(e: Enterprise, year: int, values: dict[int, str]) -> None:
    ind = Indicator.objects.get(code="output_value")
    facts_store(actor=None, inputs=[FactInput(e.pk, ind, year, m, D(v)) for m, v in values.items()])


@pytest.fixture
def zone() -> dict[str, Enterprise]:
    steady = f.EnterpriseFactory(name="稳定公司")
    stopped = f.EnterpriseFactory(name="停报公司")
    falling = f.EnterpriseFactory(name="下滑公司")
    monthly(steady, 2025, {1: "100", 2: "100", 3: "100"})
    monthly(steady, 2026, {1: "110", 2: "110", 3: "200"})
    monthly(stopped, 2025, {1: "50", 2: "50", 3: "50"})
    monthly(stopped, 2026, {1: "50"})
    monthly(falling, 2025, {1: "300", 2: "300", 3: "300"})
    monthly(falling, 2026, {1: "200", 2: "200", 3: "150"})
    return {"steady": steady, "stopped": stopped, "falling": falling}


def test_missing_reports_name_the_last_reported_month(zone: dict[str, Enterprise]) -> None:
    ind = Indicator.objects.get(code="output_value")
    missing = analysis.missing_reports(ind, year=2026, month=3, enterprises=Enterprise.objects.all())
    assert [(m.enterprise.name, m.last_reported_month) for m in missing] == [("停报公司", 1)]


def test_biggest_drops_by_drag(zone: dict[str, Enterprise]) -> None:
    ind = Indicator.objects.get(code="output_value")
    drops = analysis.biggest_drops(ind, year=2026, month=3, enterprises=Enterprise.objects.all())
    assert [d.enterprise.name for d in drops] == ["下滑公司", "停报公司"]
    # base 300 + 150 + 900 = 1350; 下滑: (550 − 900) ÷ 1350 × 100
    assert round(drops[0].contribution, 2) == D("-25.93")


def test_biggest_swings_month_on_month(zone: dict[str, Enterprise]) -> None:
    ind = Indicator.objects.get(code="output_value")
    swings = analysis.biggest_swings(ind, year=2026, month=3, enterprises=Enterprise.objects.all())
    assert [(s.enterprise.name, s.change) for s in swings] == [
        ("稳定公司", (D(200) / D(110) - 1) * 100),
        ("下滑公司", D(-25)),
    ]


def test_targets_behind_time_progress(zone: dict[str, Enterprise]) -> None:
    ind = Indicator.objects.get(code="output_value")
    Target.objects.create(year=2026, indicator=ind, kind=TargetKind.TOTAL, value=D(4300))
    behind = analysis.targets_behind(year=2026, month=3, enterprises=Enterprise.objects.all())
    assert [r.indicator.name for r in behind] == ["工业总产值"]
    assert behind[0].target_sentence() == "完成年度任务(4300万元)的23.7%，落后序时进度1.3个百分点"


def test_weekly_page(client: Client, zone: dict[str, Enterprise]) -> None:
    client.force_login(f.leader())
    html = client.get("/monitoring/weekly/?period=2026-03").content.decode()
    assert "经济指标每周研判" in html
    assert "停报公司" in html
    assert "最近一次报送为1月" in html
    assert "下滑公司" in html
