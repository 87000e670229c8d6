"""Golden test: the zone's own 2020 figures (STYLE_CORPUS.md, 1-11月) come back through the API and `manage.py rollup`
with the zone's phrasing.

The data set is small and worked out by hand (万元): eight enterprises in three parks and four industries, figures of
1-11月 2019 and 2020 stored through `services.facts_store`. Each figure has an entrant (丙, reporting from 2020) and a
leaver (戊, 2019 only), so the comparable-basis YoY of DOMAIN.md differs from this year's total over last year's
published total — and the test asserts that it does.

工业总产值 2020 (1-11月)                     2019 (1-11月)
  甲 高端装备制造 / 唐家湾    374,500     甲   356,346
  乙 智能装备(高端装备) / 南屏 200,000     乙   300,000   → 高端装备制造 574,500 ÷ 656,346 − 1 = −12.47%
  丁 生物医药 / 唐家湾         562,500     丁   490,366   → 生物医药与医疗器械 +14.71%
  己 新一代信息技术 / 南屏   1,700,000     己 1,796,234
  丙 新一代信息技术 / 金鼎      142,900     (entrant)
                                             戊   250,000   (leaver, 高端装备制造)
  value 2,979,900 = 297.99亿元; comparable 2,837,000 ÷ base 2,942,946 − 1 = −3.5999…% → 同比下降3.6%
  naive 2,979,900 ÷ 3,192,946 − 1 = −6.67% → it would read 同比下降6.7%
工业增加值 897,500 = 89.75亿元, the statistics bureau's 5.8%, target 2.5% → 高于目标(2.5%)3.3个百分点
工业投资 374,300 (甲 200,000 / 己 150,000 / 丙 24,300), base 甲 170,000 + 己 144,748 = 314,748, 戊 30,000 in 2019:
  350,000 ÷ 314,748 − 1 = 11.2%; target 440,000 → 85.07% (完成年度任务(44亿元)的85.1%)
技改投资 195,000 (甲 120,000 / 丁 75,000), base 130,000 + 80,355 = 210,355 → −7.2996% → 同比下降7.3%;
  target 260,000 → 75.0%
社会消费品零售额 621,000 (庚 400,000 / 辛 221,000), base 460,000 + 255,438 = 715,438 → −13.2000% → 同比下降13.2%
"""

import io
import json
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from gaoxin.accounts.services import api_token_issue
from gaoxin.core import display, formulas
from gaoxin.indicators.models import Indicator, OfficialRate, Target, TargetKind
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db

# enterprise: (park, industry)
ENTERPRISES = {
    "甲": ("TJW", "HE"),
    "乙": ("NP", "HE01"),
    "丙": ("JD", "IT"),
    "丁": ("TJW", "BIO"),
    "戊": ("NP", "HE"),
    "己": ("NP", "IT"),
    "庚": ("TJW", "SVC"),
    "辛": ("NP", "SVC"),
}

# indicator code: {enterprise: (1-11月 2019, 1-11月 2020)}, in 万元; None = no figure that year
FIGURES: dict[str, dict[str, tuple[int | None, int | None]]] = {
    "output_value": {
        "甲": (356_346, 374_500),
        "乙": (300_000, 200_000),
        "丙": (None, 142_900),
        "丁": (490_366, 562_500),
        "戊": (250_000, None),
        "己": (1_796_234, 1_700_000),
    },
    "value_added": {
        "甲": (290_000, 300_000),
        "丁": (380_000, 397_500),
        "己": (190_000, 200_000),
    },
    "industrial_investment": {
        "甲": (170_000, 200_000),
        "丙": (None, 24_300),
        "戊": (30_000, None),
        "己": (144_748, 150_000),
    },
    "tech_upgrade_investment": {
        "甲": (130_000, 120_000),
        "丁": (80_355, 75_000),
    },
    "retail_sales": {
        "庚": (460_000, 400_000),
        "辛": (255_438, 221_000),
    },
}


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


@pytest.fixture
def token() -> str:
    parks = {
        "TJW": f.ParkFactory(code="TJW", name="唐家湾主园区"),
        "NP": f.ParkFactory(code="NP", name="南屏科技园"),
        "JD": f.ParkFactory(code="JD", name="金鼎片区"),
    }
    high_end = f.IndustryFactory(code="HE", name="高端装备制造")
    industries = {
        "HE": high_end,
        "HE01": f.IndustryFactory(code="HE01", name="智能装备", parent=high_end),
        "BIO": f.IndustryFactory(code="BIO", name="生物医药与医疗器械"),
        "IT": f.IndustryFactory(code="IT", name="新一代信息技术"),
        "SVC": f.IndustryFactory(code="SVC", name="现代服务业"),
    }
    firms = {
        name: f.EnterpriseFactory(name=f"珠海{name}有限公司", park=parks[park], industry=industries[industry])
        for name, (park, industry) in ENTERPRISES.items()
    }
    inputs = [
        FactInput(firms[name].pk, ind(code), year, 11, D(amount), is_cumulative=True)
        for code, figures in FIGURES.items()
        for name, pair in figures.items()
        for year, amount in zip((2019, 2020), pair, strict=True)
        if amount is not None
    ]
    facts_store(actor=None, inputs=inputs)
    Target.objects.create(year=2020, indicator=ind("industrial_investment"), kind=TargetKind.TOTAL, value=440_000)
    Target.objects.create(year=2020, indicator=ind("tech_upgrade_investment"), kind=TargetKind.TOTAL, value=260_000)
    Target.objects.create(year=2020, indicator=ind("value_added"), kind=TargetKind.GROWTH, value=D("2.5"))
    OfficialRate.objects.create(
        indicator=ind("value_added"), year=2020, month=11, rate=D("5.8"), source="区统计局2020年11月快报"
    )
    return api_token_issue(actor=None, user=f.leader())[1]


def api(client: Client, token: str, indicator: str, period: str = "2020-11", **params: Any) -> dict[str, Any]:
    response = client.get(
        "/api/v1/indicators/rollup",
        {"indicator": indicator, "period": period, **params},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content
    return response.json()


def command(indicator: str, *args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("rollup", "--indicator", indicator, "--period", "2020-11", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_output_value_on_the_comparable_basis(client: Client, token: str) -> None:
    body = api(client, token, "工业总产值")
    total = body["total"]
    assert (body["label"], body["scope"], body["unit"]) == ("2020年1-11月", "全区", "万元")
    assert total["display"] == "297.99亿元，同比下降3.6%"
    assert (total["enterprises"], total["comparable_enterprises"]) == (5, 4)
    assert (total["value"], total["comparable_value"], total["base"]) == (2_979_900.0, 2_837_000.0, 2_942_946.0)
    assert total["yoy"] == -3.6

    # the naive rate — this year's total over last year's published total (entrant in, leaver out) — would differ
    published_2019 = api(client, token, "工业总产值", period="2019-11")["total"]["value"]
    assert published_2019 == 3_192_946.0
    naive = formulas.yoy(D(total["value"]), D(published_2019))
    assert display.growth(naive) == "同比下降6.7%"
    assert display.growth(naive) not in total["display"]


def test_output_value_by_industry(client: Client, token: str) -> None:
    body = api(client, token, "output_value", by="industry")
    rows = {row["group"]: row for row in body["rows"]}
    assert [row["group"] for row in body["rows"]] == ["新一代信息技术", "高端装备制造", "生物医药与医疗器械"]
    high_end = rows["高端装备制造"]
    # 乙 (智能装备) counts under its 主导产业; 戊 left the statistics and is not in the base
    assert (high_end["enterprises"], high_end["value"], high_end["base"]) == (2, 574_500.0, 656_346.0)
    assert high_end["display"] == "57.45亿元，同比下降12.5%"
    assert round(high_end["yoy"], 2) == -12.47  # the corpus' "同比下降12.47%", written with one decimal
    assert rows["生物医药与医疗器械"]["display"] == "56.25亿元，同比增长14.7%"
    assert rows["新一代信息技术"]["display"] == "184.29亿元，同比下降5.4%"  # the entrant is in the value only
    assert sum(row["share"] for row in body["rows"]) == pytest.approx(100, abs=0.001)  # each rounded to 4 places
    assert body["total"]["display"] == "297.99亿元，同比下降3.6%"


def test_value_added_takes_the_official_rate_and_its_target_gap(client: Client, token: str) -> None:
    body = api(client, token, "增加值")
    assert body["indicator"] == "工业增加值"
    assert body["total"]["display"] == "89.75亿元，同比增长5.8%（统计部门核定）"
    assert body["total"]["official_yoy"] == 5.8
    assert round(body["total"]["yoy"], 2) == 4.36  # nominal, over the comparable set; not the rate shown
    assert body["target"]["growth"] == 2.5
    assert body["target"]["growth_gap"] == 3.3
    assert body["target"]["display"] == "高于目标(2.5%)3.3个百分点"


def test_industrial_investment_against_its_annual_target(client: Client, token: str) -> None:
    body = api(client, token, "工业投资")
    assert body["total"]["display"] == "37.43亿元，同比增长11.2%"
    assert body["target"]["display"].startswith("完成年度任务(44亿元)的85.1%")
    assert body["target"]["display"] == "完成年度任务(44亿元)的85.1%，落后序时进度6.6个百分点"
    assert (body["target"]["total"], body["target"]["completion"]) == (440_000.0, 85.0682)
    naive = formulas.yoy(D(374_300), D(344_748))  # with the leaver in last year's total
    assert display.growth(naive) == "同比增长8.6%"


def test_tech_upgrade_investment_against_its_annual_target(client: Client, token: str) -> None:
    body = api(client, token, "技改投资")
    assert body["total"]["display"] == "19.50亿元，同比下降7.3%"
    assert body["target"]["display"] == "完成年度任务(26亿元)的75.0%，落后序时进度16.7个百分点"


def test_retail_sales(client: Client, token: str) -> None:
    body = api(client, token, "社消零")
    assert body["indicator"] == "社会消费品零售额"
    assert body["total"]["display"] == "62.10亿元，同比下降13.2%"


@pytest.mark.parametrize(
    ("indicator", "by"),
    [
        ("工业总产值", None),
        ("工业总产值", "industry"),
        ("工业总产值", "park"),
        ("工业增加值", None),
        ("工业投资", None),
        ("技改投资", "park"),
        ("社会消费品零售额", None),
    ],
)
def test_api_and_rollup_command_give_the_same_json(client: Client, token: str, indicator: str, by: str | None) -> None:
    params = {"by": by} if by else {}
    assert api(client, token, indicator, **params) == command(indicator, *(["--by", by] if by else []))


def test_rollup_command_text_uses_the_same_phrasing(token: str) -> None:
    out = io.StringIO()
    call_command("rollup", "--indicator", "工业总产值", "--period", "2020-11", "--by", "industry", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "全区2020年1-11月工业总产值：297.99亿元，同比下降3.6%"
    assert "  高端装备制造（2家）：57.45亿元，同比下降12.5%，占19.3%" in lines
