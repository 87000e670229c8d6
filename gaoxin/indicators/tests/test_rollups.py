"""Rollups on the comparable basis (DOMAIN.md), the fact store's series rules, and `manage.py rollup`."""

import io
import json
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from gaoxin.core import formulas
from gaoxin.indicators.models import Fact, FactSource, Indicator, OfficialRate
from gaoxin.indicators.rollups import rollup
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.registry.models import Enterprise
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def put(enterprise: Enterprise, code: str, year: int, month: int, amount: str, cumulative: bool = True) -> None:
    facts_store(
        actor=None,
        inputs=[FactInput(enterprise.pk, ind(code), year, month, D(amount), is_cumulative=cumulative)],
    )


@pytest.fixture
def zone() -> dict[str, Enterprise]:
    """A: in both years. B: left the statistics. C: new entrant. D: reported only Jan–Mar last year."""
    p1, p2 = f.ParkFactory(name="唐家湾主园区"), f.ParkFactory(name="南屏科技园")
    a = f.EnterpriseFactory(name="甲", park=p1)
    b = f.EnterpriseFactory(name="乙", park=p1)
    c = f.EnterpriseFactory(name="丙", park=p2)
    d = f.EnterpriseFactory(name="丁", park=p2)
    put(d, "output_value", 2019, 3, "200")  # before anyone reported November: carried later
    put(a, "output_value", 2019, 11, "1000")
    put(b, "output_value", 2019, 11, "500")
    put(a, "output_value", 2020, 11, "1100")
    put(c, "output_value", 2020, 11, "300")
    put(d, "output_value", 2020, 11, "260")
    return {"a": a, "b": b, "c": c, "d": d}


def test_comparable_basis_differs_from_naive_sum(zone: dict[str, Enterprise]) -> None:
    result = rollup(ind("output_value"), year=2020, month=11, enterprises=Enterprise.objects.all())
    total = result.total
    assert total.value == D(1660)  # A + C + D this year
    assert total.comparable_value == D(1360)  # A + D
    assert total.base == D(1200)  # A + D last year (D's March total carried to November)
    assert total.enterprises == 3
    assert total.comparable_enterprises == 2
    assert total.yoy == (D(1360) / D(1200) - 1) * 100
    naive = formulas.yoy(D(1660), D(1700))  # this year's total over last year's published total
    assert round(naive, 2) == D("-2.35")
    assert round(total.yoy, 2) == D("13.33")
    assert total.display == "1660万元，同比增长13.3%"


def test_missing_months_are_carried_as_zero(zone: dict[str, Enterprise]) -> None:
    rows = list(
        Fact.objects.filter(enterprise=zone["d"], indicator__code="output_value", year=2019)
        .order_by("month")
        .values_list("month", "value", "cumulative", "source")
    )
    assert rows[0] == (3, D(200), D(200), FactSource.IMPORT_CUMULATIVE)
    assert rows[-1] == (11, D(0), D(200), FactSource.CARRIED)
    assert [r[0] for r in rows] == list(range(3, 12))


def test_cumulative_derives_monthly_and_correction_rebuilds() -> None:
    e = f.EnterpriseFactory()
    for month, cumulative in [(1, "100"), (2, "250"), (3, "270")]:
        put(e, "revenue", 2021, month, cumulative)
    series = list(Fact.objects.filter(enterprise=e, year=2021).order_by("month").values_list("value", "cumulative"))
    assert series == [(D(100), D(100)), (D(150), D(250)), (D(20), D(270))]
    put(e, "revenue", 2021, 2, "50", cumulative=False)  # February corrected as a monthly figure
    series = list(Fact.objects.filter(enterprise=e, year=2021).order_by("month").values_list("value", "cumulative"))
    assert series == [(D(100), D(100)), (D(50), D(150)), (D(120), D(270))]


def test_grouped_by_park_with_shares(zone: dict[str, Enterprise]) -> None:
    result = rollup(ind("output_value"), year=2020, month=11, enterprises=Enterprise.objects.all(), by="park")
    rows = {r.group: r for r in result.rows}
    assert set(rows) == {"唐家湾主园区", "南屏科技园"}
    assert rows["唐家湾主园区"].value == D(1100)
    assert rows["唐家湾主园区"].base == D(1000)  # B left: not in the base
    assert rows["南屏科技园"].value == D(560)
    assert rows["南屏科技园"].comparable_value == D(260)
    assert rows["南屏科技园"].base == D(200)
    assert round(rows["唐家湾主园区"].share, 2) == D("66.27")
    assert [r.group for r in result.rows] == ["唐家湾主园区", "南屏科技园"]  # largest first


def test_scope_limits_the_rollup(zone: dict[str, Enterprise]) -> None:
    from gaoxin.registry.selectors import enterprise_scope

    officer = f.park_officer(zone["c"].park)
    result = rollup(ind("output_value"), year=2020, month=11, enterprises=enterprise_scope(officer))
    assert result.total.value == D(560)


def test_comparable_price_indicator_uses_the_official_rate_or_says_nominal() -> None:
    e = f.EnterpriseFactory()
    put(e, "value_added", 2019, 11, "100")
    put(e, "value_added", 2020, 11, "110")
    va = ind("value_added")
    nominal = rollup(va, year=2020, month=11, enterprises=Enterprise.objects.all())
    assert nominal.total.display == "110万元，现价增长10.0%（可比价增速待统计部门核定）"
    OfficialRate.objects.create(indicator=va, year=2020, month=11, rate=D("5.8"), source="区统计局快报")
    official = rollup(va, year=2020, month=11, enterprises=Enterprise.objects.all())
    assert official.total.official_yoy == D("5.8")
    assert official.total.display == "110万元，同比增长5.8%（统计部门核定）"


def test_ratio_indicator_is_ratio_of_sums() -> None:
    small, large = f.EnterpriseFactory(), f.EnterpriseFactory()
    for e, rd, revenue in [(small, "10", "100"), (large, "90", "3000")]:
        put(e, "rd_expense", 2020, 6, rd)
        put(e, "revenue", 2020, 6, revenue)
    result = rollup(ind("rd_intensity"), year=2020, month=6, enterprises=Enterprise.objects.all())
    assert result.total.value == D(100) / D(3100) * 100
    assert result.total.display == "3.23%"  # a percentage of 3.2258…: two decimals


def test_stock_indicator_takes_period_end() -> None:
    e = f.EnterpriseFactory()
    put(e, "employees", 2020, 1, "100", cumulative=False)
    put(e, "employees", 2020, 2, "120", cumulative=False)
    put(e, "employees", 2019, 2, "110", cumulative=False)
    result = rollup(ind("employees"), year=2020, month=2, enterprises=Enterprise.objects.all())
    assert result.total.value == D(120)
    assert result.total.display == "120人，同比增长9.1%"


def test_rollup_query_count_is_constant(django_assert_num_queries, zone: dict[str, Enterprise]) -> None:
    for _ in range(20):
        put(f.EnterpriseFactory(park=zone["a"].park), "output_value", 2020, 11, "10")
    indicator = ind("output_value")
    rollup(indicator, year=2020, month=11, enterprises=Enterprise.objects.all(), by="park")  # builds the cells
    # whether the cells are current, the cells by park, park names, official rates, targets
    with django_assert_num_queries(5):
        rollup(indicator, year=2020, month=11, enterprises=Enterprise.objects.all(), by="park")


def test_rollup_command_json(zone: dict[str, Enterprise]) -> None:
    out = io.StringIO()
    call_command("rollup", "--indicator", "工业总产值", "--period", "2020-11", "--by", "park", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["indicator"] == "工业总产值"
    assert data["unit"] == "万元"
    assert data["period"] == "2020-11"
    assert data["total"]["value"] == 1660.0
    assert data["total"]["comparable_value"] == 1360.0
    assert data["total"]["base"] == 1200.0
    assert data["total"]["yoy"] == 13.3333
    assert [r["group"] for r in data["rows"]] == ["唐家湾主园区", "南屏科技园"]
    assert set(data["rows"][0]) >= {
        "group",
        "enterprises",
        "value",
        "comparable_value",
        "base",
        "yoy",
        "share",
        "display",
    }


def test_rollup_command_text_and_errors(zone: dict[str, Enterprise]) -> None:
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("rollup", "--indicator", "总产值", "--period", "2020年11月", stdout=out)
    assert out.getvalue().splitlines()[0] == "全区2020年1-11月工业总产值：1660万元，同比增长13.3%"
    with pytest.raises(CommandError, match="没有名为“产值X”的指标"):
        call_command("rollup", "--indicator", "产值X", "--period", "2020-11")
    with pytest.raises(CommandError, match="统计期"):
        call_command("rollup", "--indicator", "工业总产值", "--period", "2020-13")


def test_targets_completion_time_progress_and_growth_gap() -> None:
    """STYLE_CORPUS: 工业固定资产投资37.43亿元，完成年度任务(44亿元)的85.1%;
    增加值同比增长5.8%，高于目标(2.5%)3.3个百分点."""
    from gaoxin.indicators.models import Target, TargetKind

    e = f.EnterpriseFactory()
    put(e, "industrial_investment", 2019, 11, "336600")
    put(e, "industrial_investment", 2020, 11, "374300")
    Target.objects.create(year=2020, indicator=ind("industrial_investment"), kind=TargetKind.TOTAL, value=D(440000))
    result = rollup(ind("industrial_investment"), year=2020, month=11, enterprises=Enterprise.objects.all())
    assert result.total.display == "37.43亿元，同比增长11.2%"
    assert result.target_sentence() == "完成年度任务(44亿元)的85.1%，落后序时进度6.6个百分点"

    put(e, "value_added", 2019, 11, "100")
    put(e, "value_added", 2020, 11, "103")
    va = ind("value_added")
    Target.objects.create(year=2020, indicator=va, kind=TargetKind.GROWTH, value=D("2.5"))
    OfficialRate.objects.create(indicator=va, year=2020, month=11, rate=D("5.8"))
    growth = rollup(va, year=2020, month=11, enterprises=Enterprise.objects.all())
    assert growth.growth_gap == D("3.3")
    assert growth.target_sentence() == "高于目标(2.5%)3.3个百分点"
    assert growth.as_json()["target"]["growth_gap"] == 3.3
