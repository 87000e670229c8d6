"""The 2020 zone of STYLE_CORPUS.md, small and worked out by hand (万元), for the briefing's golden tests.

The industrial figures are those of gaoxin/indicators/tests/test_golden_2020.py (the rollups give 297.99亿元 −3.6%,
89.75亿元 with the bureau's 5.8% against the district's 2.5%, 工业投资 37.43亿元 = 85.1% of 44亿元, 技改 19.50亿元 =
75.0% of 26亿元, 高端装备制造 57.45亿元 −12.47%, 生物医药与医疗器械 56.25亿元 +14.71%). Added here:

- 软信业: 壬 (I6513) 营业收入 956,100 (95.61亿元) against 809,089 → +18.17% (the corpus' 18.17%); other 规上 services
  癸 (L7243) 537,806, so 软信 is 956,100 ÷ 1,493,906 = 64.0% of 规上服务业 (the corpus' 64%);
- 外贸: 己 进出口 3,500,000 (350亿元) against 3,438,790 → +1.78%, target 3,598,800 (359.88亿元) → 97.3%;
- 社消零 62.10亿元 −13.2%, 限额以上 (庚, 规上) 45.40亿元 against 50.95亿元 → −10.9% (the corpus' 45.4亿元, −10.9%);
- 能耗: 综合能耗 of 甲丁己 100,000 → 97,514 吨标准煤 with 增加值 860,000 → 897,500: 单位增加值能耗 (97,514 ÷ 897,500)
  ÷ (100,000 ÷ 860,000) − 1 = −6.56% (the corpus' 6.56%), target −4.13%;
- 丙 entered the statistics in 2020 (新上规); the city's task for 小升规 is 35;
- 37 enterprises in the 独角兽培育库 of a city with 71 (52.1%, the corpus' 52%), 12 高企 of the city's 40;
- a reporting round for 2020-11 in which 癸 has not reported.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

from django.utils import timezone

from gaoxin.briefings.models import ReferenceFigure, ReferenceKey
from gaoxin.indicators.models import Indicator, OfficialRate, Target, TargetKind
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.registry.models import Enterprise, Qualification
from gaoxin.reporting.models import ReportingRound, RoundEnterprise
from gaoxin.testing import factories as f

# enterprise: (park, industry, GB/T 4754 code, 规上, 入统日期)
ENTERPRISES: dict[str, tuple[str, str, str, bool, dt.date | None]] = {
    "甲": ("TJW", "HE", "C3499", True, dt.date(2012, 1, 1)),
    "乙": ("NP", "HE01", "C3562", True, dt.date(2013, 1, 1)),
    "丙": ("JD", "IT", "C3973", True, dt.date(2020, 3, 1)),
    "丁": ("TJW", "BIO", "C2720", True, dt.date(2010, 1, 1)),
    "戊": ("NP", "HE", "C3491", True, dt.date(2011, 1, 1)),
    "己": ("NP", "IT", "C3972", True, dt.date(2009, 1, 1)),
    "庚": ("TJW", "SVC", "F5179", True, dt.date(2015, 1, 1)),
    "辛": ("NP", "SVC", "F5179", False, None),
    "壬": ("TJW", "SW", "I6513", True, dt.date(2016, 1, 1)),
    "癸": ("NP", "SVC", "L7243", True, dt.date(2017, 1, 1)),
}

# indicator code: {enterprise: (1-11月 2019, 1-11月 2020)}, in the indicator's unit; None = no figure that year
FIGURES: dict[str, dict[str, tuple[int | None, int | None]]] = {
    "output_value": {
        "甲": (356_346, 374_500),
        "乙": (300_000, 200_000),
        "丙": (None, 142_900),
        "丁": (490_366, 562_500),
        "戊": (250_000, None),
        "己": (1_796_234, 1_700_000),
    },
    "value_added": {"甲": (290_000, 300_000), "丁": (380_000, 397_500), "己": (190_000, 200_000)},
    "industrial_investment": {
        "甲": (170_000, 200_000),
        "丙": (None, 24_300),
        "戊": (30_000, None),
        "己": (144_748, 150_000),
    },
    "tech_upgrade_investment": {"甲": (130_000, 120_000), "丁": (80_355, 75_000)},
    "retail_sales": {"庚": (509_540, 454_000), "辛": (205_898, 167_000)},
    "revenue": {"壬": (809_089, 956_100), "癸": (500_000, 537_806)},
    "import_export": {"己": (3_438_790, 3_500_000)},
    "energy": {"甲": (40_000, 39_000), "丁": (35_000, 34_514), "己": (25_000, 24_000)},
}


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def golden_zone() -> dict[str, Any]:
    """Build the zone; returns the parks and firms by name."""
    f.ZoneFactory(name="珠海高新技术产业开发区", short_name="高新区", city="珠海市")
    parks = {
        "TJW": f.ParkFactory(code="TJW", name="唐家湾主园区", sort_order=1),
        "NP": f.ParkFactory(code="NP", name="南屏科技园", sort_order=2),
        "JD": f.ParkFactory(code="JD", name="金鼎片区", sort_order=3),
    }
    high_end = f.IndustryFactory(code="HE", name="高端装备制造")
    industries = {
        "HE": high_end,
        "HE01": f.IndustryFactory(code="HE01", name="智能装备", parent=high_end),
        "BIO": f.IndustryFactory(code="BIO", name="生物医药与医疗器械"),
        "IT": f.IndustryFactory(code="IT", name="新一代信息技术"),
        "SVC": f.IndustryFactory(code="SVC", name="现代服务业"),
        "SW": f.IndustryFactory(code="SW", name="软件和信息服务"),
    }
    firms = {
        name: f.EnterpriseFactory(
            name=f"珠海{name}有限公司",
            park=parks[park],
            industry=industries[industry],
            nic_code=nic,
            is_above_scale=above,
            above_scale_since=since,
        )
        for name, (park, industry, nic, above, since) in ENTERPRISES.items()
    }
    inputs = [
        FactInput(firms[name].pk, ind(code), year, 11, D(amount), is_cumulative=True)
        for code, figures in FIGURES.items()
        for name, pair in figures.items()
        for year, amount in zip((2019, 2020), pair, strict=True)
        if amount is not None
    ]
    facts_store(actor=None, inputs=inputs)
    for code, value in (
        ("industrial_investment", 440_000),
        ("tech_upgrade_investment", 260_000),
        ("import_export", 3_598_800),
    ):
        Target.objects.create(year=2020, indicator=ind(code), kind=TargetKind.TOTAL, value=value)
    Target.objects.create(year=2020, indicator=ind("value_added"), kind=TargetKind.GROWTH, value=D("2.5"), issuer="区")
    Target.objects.create(year=2020, indicator=ind("energy_intensity"), kind=TargetKind.GROWTH, value=D("-4.13"))
    OfficialRate.objects.create(
        indicator=ind("value_added"), year=2020, month=11, rate=D("5.8"), source="区统计局2020年11月快报"
    )
    # 37 enterprises in the 独角兽培育库 (one of them twice: seed and potential), 12 高企, 2 小巨人
    unicorns = Enterprise.objects.bulk_create(
        Enterprise(uscc=f.make_uscc(), name=f"珠海独角兽培育{i:02d}有限公司", park=parks["TJW" if i % 2 else "NP"])
        for i in range(37)
    )
    seed, potential = f.qualification_type("unicorn_seed"), f.qualification_type("unicorn_potential")
    quals = [Qualification(enterprise=e, qtype=seed, recognized_on=dt.date(2019, 6, 1)) for e in unicorns]
    quals.append(Qualification(enterprise=unicorns[0], qtype=potential, recognized_on=dt.date(2020, 6, 1)))
    hnte = f.qualification_type("hnte")
    quals += [
        Qualification(
            enterprise=e,
            qtype=hnte,
            recognized_on=dt.date(2020 if i < 4 else 2018, 11, 1),
            valid_until=dt.date(2023 if i < 4 else 2021, 10, 31),
        )
        for i, e in enumerate(unicorns[:12])
    ]
    # an expired 高企 certificate does not count
    quals.append(
        Qualification(
            enterprise=unicorns[20], qtype=hnte, recognized_on=dt.date(2016, 1, 1), valid_until=dt.date(2019, 1, 1)
        )
    )
    giant = f.qualification_type("little_giant")
    quals += [Qualification(enterprise=firms[n], qtype=giant, recognized_on=dt.date(2019, 7, 1)) for n in ("甲", "丁")]
    Qualification.objects.bulk_create(quals)
    for key, value in (
        (ReferenceKey.CITY_UNICORN, 71),
        (ReferenceKey.CITY_HNTE, 40),
        (ReferenceKey.SMALL_TO_ABOVE_TASK, 35),
    ):
        ReferenceFigure.objects.create(year=2020, key=key, value=value)
    round_ = ReportingRound.objects.create(
        year=2020, month=11, deadline=timezone.make_aware(dt.datetime(2020, 12, 5, 23, 59)), jump_threshold=30
    )
    round_.indicators.set([ind("output_value"), ind("value_added")])
    for name in ("甲", "乙", "丙", "丁", "己", "癸"):
        RoundEnterprise.objects.create(round=round_, enterprise=firms[name])
    return {"parks": parks, "firms": firms, "industries": industries, "round": round_}
