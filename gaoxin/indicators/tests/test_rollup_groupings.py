"""Rollups by qualification (an enterprise may be in several groups) and the ranks of groups (第N名), worked by hand,
through rollups, `manage.py rollup`, the API and the breakdown page."""

import datetime as dt
import io
import json
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from gaoxin.accounts.services import api_token_issue
from gaoxin.indicators.models import Indicator
from gaoxin.indicators.rollups import rollup
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.registry.models import Enterprise
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def put(enterprise: Enterprise, code: str, year: int, month: int, amount: str) -> None:
    facts_store(actor=None, inputs=[FactInput(enterprise.pk, ind(code), year, month, D(amount), is_cumulative=True)])


def qualify(e: Enterprise, code: str, start: str, end: str | None) -> None:
    f.QualificationFactory(
        enterprise=e,
        qtype=f.qualification_type(code),
        recognized_on=dt.date.fromisoformat(start),
        valid_until=dt.date.fromisoformat(end) if end else None,
    )


@pytest.fixture
def qualified() -> dict[str, Enterprise]:
    """工业总产值 1-11月 (万元), qualifications read on 2020-11-30:

    甲 100 → 120   高企 (2019-12-01..2022-11-30) and 科小 (2020-05-01..2020-12-31)
    乙 200 → 180   高企 expired 2020-09-30: none
    丙   — →  50   none (entrant)
    丁  80 → 100   高企 recognized 2020-12-15, after the period: none
    戊 300 → 330   two 高企 certificates both valid on 2020-11-30: one group, counted once

    高新技术企业  甲+戊  2家  450, base 400 → +12.5%, share 450 ÷ 780 = 57.6923%
    科技型中小企业 甲   1家  120, base 100 → +20.0%, share 15.3846%
    无资质      乙丙丁 3家  330, comparable 280 over base 280 → 持平, share 42.3077%
    total: 5家 780, comparable 730 ÷ base 680 − 1 = 7.3529% (not the sum of the groups: 6家 900)"""
    park = f.ParkFactory(name="唐家湾主园区")
    names = ["甲", "乙", "丙", "丁", "戊"]
    firms = {name: f.EnterpriseFactory(name=f"珠海{name}科技有限公司", park=park) for name in names}
    for name, last, now in [("甲", "100", "120"), ("乙", "200", "180"), ("丁", "80", "100"), ("戊", "300", "330")]:
        put(firms[name], "output_value", 2019, 11, last)
        put(firms[name], "output_value", 2020, 11, now)
    put(firms["丙"], "output_value", 2020, 11, "50")
    qualify(firms["甲"], "hnte", "2019-12-01", "2022-11-30")
    qualify(firms["甲"], "tech_sme", "2020-05-01", "2020-12-31")
    qualify(firms["乙"], "hnte", "2017-10-01", "2020-09-30")
    qualify(firms["丁"], "hnte", "2020-12-15", "2023-12-14")
    qualify(firms["戊"], "hnte", "2018-01-01", "2020-12-31")
    qualify(firms["戊"], "hnte", "2020-11-01", "2023-10-31")
    return firms


def test_rollup_by_qualification(qualified: dict[str, Enterprise]) -> None:
    result = rollup(ind("output_value"), year=2020, month=11, enterprises=Enterprise.objects.all(), by="qualification")
    rows = {r.group: r for r in result.rows}
    assert [r.group for r in result.rows] == ["高新技术企业", "无资质", "科技型中小企业"]  # by value
    hnte, sme, none = rows["高新技术企业"], rows["科技型中小企业"], rows["无资质"]
    assert (hnte.enterprises, hnte.value, hnte.comparable_value, hnte.base) == (2, D(450), D(450), D(400))
    assert hnte.display == "450万元，同比增长12.5%"
    assert (sme.enterprises, sme.value, sme.base, round(sme.yoy, 4)) == (1, D(120), D(100), D(20))
    assert (none.enterprises, none.comparable_enterprises, none.value, none.base) == (3, 2, D(330), D(280))
    assert none.display == "330万元，同比持平"
    assert none.key is None
    total = result.total
    assert (total.enterprises, total.comparable_enterprises) == (5, 4)
    assert (total.value, total.comparable_value, total.base) == (D(780), D(730), D(680))
    assert round(total.yoy, 4) == D("7.3529")
    assert [round(r.share, 4) for r in result.rows] == [D("57.6923"), D("42.3077"), D("15.3846")]
    assert result.overlapping
    # ranks: 无资质 is not a group of its own
    assert [(r.group, r.rank_value, r.rank_yoy) for r in result.rows] == [
        ("高新技术企业", 1, 2),
        ("无资质", None, None),
        ("科技型中小企业", 2, 1),
    ]


def test_qualification_of_a_commissioners_enterprises(qualified: dict[str, Enterprise]) -> None:
    from gaoxin.registry.selectors import enterprise_scope

    commissioner = f.commissioner()
    Enterprise.objects.filter(pk__in=[qualified["甲"].pk, qualified["乙"].pk]).update(commissioner=commissioner)
    result = rollup(
        ind("output_value"), year=2020, month=11, enterprises=enterprise_scope(commissioner), by="qualification"
    )
    assert {r.group: (r.enterprises, r.value) for r in result.rows} == {
        "高新技术企业": (1, D(120)),
        "科技型中小企业": (1, D(120)),
        "无资质": (1, D(180)),
    }
    assert (result.total.enterprises, result.total.value) == (2, D(300))


def test_qualification_rollup_of_a_ratio_indicator(qualified: dict[str, Enterprise]) -> None:
    """研发费用占营收比 by qualification: the ratio of each group's sums; the total over every enterprise once."""
    for name, rd, revenue in [("甲", "12", "120"), ("戊", "3", "300"), ("乙", "2", "200")]:
        put(qualified[name], "rd_expense", 2020, 11, rd)
        put(qualified[name], "revenue", 2020, 11, revenue)
    result = rollup(ind("rd_intensity"), year=2020, month=11, enterprises=Enterprise.objects.all(), by="qualification")
    rows = {r.group: r.value for r in result.rows}
    assert rows == {"高新技术企业": D(15) / D(420) * 100, "科技型中小企业": D(10), "无资质": D(1)}
    assert result.total.value == D(17) / D(620) * 100


def test_rollup_command_and_api_by_qualification(client: Client, qualified: dict[str, Enterprise]) -> None:
    out = io.StringIO()
    call_command(
        "rollup", "--indicator", "总产值", "--period", "2020-11", "--by", "qualification", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["by"] == "qualification"
    assert [(r["group"], r["enterprises"], r["value"], r["share"]) for r in data["rows"]] == [
        ("高新技术企业", 2, 450.0, 57.6923),
        ("无资质", 3, 330.0, 42.3077),
        ("科技型中小企业", 1, 120.0, 15.3846),
    ]
    assert (data["total"]["value"], data["total"]["yoy"]) == (780.0, 7.3529)
    token = api_token_issue(actor=None, user=f.officer())[1]
    response = client.get(
        "/api/v1/indicators/rollup",
        {"indicator": "output_value", "period": "2020-11", "by": "qualification"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    assert response.json() == data
    text = io.StringIO()
    call_command("rollup", "--indicator", "总产值", "--period", "2020-11", "--by", "qualification", stdout=text)
    lines = text.getvalue().splitlines()
    assert "  高新技术企业（2家）：450万元，同比增长12.5%，占57.7%" in lines
    assert lines[-1] == "  （一家企业可有多项资质，各组之和不等于合计）"


def test_breakdown_page_by_qualification_and_its_enterprises(client: Client, qualified: dict[str, Enterprise]) -> None:
    client.force_login(f.leader())
    html = client.get("/monitoring/breakdown/?indicator=output_value&period=2020-11&by=qualification").content.decode()
    assert "按资质" in html
    assert 'id="overlap-note"' in html
    assert "高新技术企业" in html
    assert "无资质" in html
    assert "总量第1名" in html
    assert "增速第1名" in html
    hnte = f.qualification_type("hnte").pk
    page = client.get(f"/monitoring/enterprises/?indicator=output_value&period=2020-11&by=qualification&key={hnte}")
    listed = page.content.decode()
    assert "珠海甲科技有限公司" in listed
    assert "珠海戊科技有限公司" in listed
    assert "珠海乙科技有限公司" not in listed
    assert "450万元，同比增长12.5%" in listed
    none = client.get("/monitoring/enterprises/?indicator=output_value&period=2020-11&by=qualification&key=none")
    listed = none.content.decode()
    assert all(f"珠海{n}科技有限公司" in listed for n in "乙丙丁")
    assert "珠海甲科技有限公司" not in listed
    assert "330万元，同比持平" in listed
    missing = client.get("/monitoring/enterprises/?indicator=output_value&period=2020-11&by=qualification&key=99999")
    assert missing.status_code == 404


@pytest.fixture
def parks() -> dict[str, Any]:
    """工业总产值 1-11月 by park (万元):

    A 100 → 110      +10.0%   value rank 5, growth rank 1 (tied with B)
    B 200 → 220      +10.0%   value rank 3 (tied with E), growth rank 1
    C 1000 → 1058.3  +5.83%   value rank 1, growth rank 3 (shown 5.8%, tied with D)
    D 1000 → 1057.8  +5.78%   value rank 2, growth rank 3
    E  — → 220       entrant: value rank 3 (tied with B), no growth rank"""
    result: dict[str, Any] = {}
    for name, last, now in [
        ("A", "100", "110"),
        ("B", "200", "220"),
        ("C", "1000", "1058.3"),
        ("D", "1000", "1057.8"),
        ("E", None, "220"),
    ]:
        park = f.ParkFactory(name=f"{name}园区")
        e = f.EnterpriseFactory(park=park, industry=f.IndustryFactory(name=f"{name}产业") if name != "A" else None)
        if last:
            put(e, "output_value", 2019, 11, last)
        put(e, "output_value", 2020, 11, now)
        result[name] = e
    return result


def test_ranks_of_parks_with_ties(parks: dict[str, Any]) -> None:
    result = rollup(ind("output_value"), year=2020, month=11, enterprises=Enterprise.objects.all(), by="park")
    assert [(r.group, r.rank_value, r.rank_yoy) for r in result.rows] == [
        ("C园区", 1, 3),
        ("D园区", 2, 3),
        ("B园区", 3, 1),
        ("E园区", 3, None),
        ("A园区", 5, 1),
    ]
    assert (result.total.rank_value, result.total.rank_yoy) == (None, None)
    by_industry = rollup(ind("output_value"), year=2020, month=11, enterprises=Enterprise.objects.all(), by="industry")
    ranks = {r.group: (r.rank_value, r.rank_yoy) for r in by_industry.rows}
    assert ranks == {"C产业": (1, 2), "D产业": (2, 2), "B产业": (3, 1), "E产业": (3, None), "未分产业": (None, None)}


def test_official_rate_of_a_park_is_the_growth_ranked(parks: dict[str, Any]) -> None:
    from gaoxin.indicators.models import OfficialRate

    OfficialRate.objects.create(indicator=ind("output_value"), year=2020, month=11, park=parks["D"].park, rate=D(11))
    result = rollup(ind("output_value"), year=2020, month=11, enterprises=Enterprise.objects.all(), by="park")
    assert {r.group: r.rank_yoy for r in result.rows} == {"D园区": 1, "A园区": 2, "B园区": 2, "C园区": 4, "E园区": None}


def test_less_is_better_for_energy_intensity() -> None:
    """单位增加值能耗 (吨标准煤/万元): X 10/100 = 0.1 → 9/100 = 0.09 (−10%); Y 0.2 → 0.22 (+10%).
    Less is better: X is first both ways."""
    for name, figures in [("X", ("10", "100", "9", "100")), ("Y", ("20", "100", "22", "100"))]:
        e = f.EnterpriseFactory(park=f.ParkFactory(name=f"{name}园区"))
        put(e, "energy", 2019, 11, figures[0])
        put(e, "value_added", 2019, 11, figures[1])
        put(e, "energy", 2020, 11, figures[2])
        put(e, "value_added", 2020, 11, figures[3])
    result = rollup(ind("energy_intensity"), year=2020, month=11, enterprises=Enterprise.objects.all(), by="park")
    assert {r.group: (r.rank_value, r.rank_yoy) for r in result.rows} == {"X园区": (1, 1), "Y园区": (2, 2)}


def test_ranks_in_the_json_and_on_the_breakdown_page(client: Client, parks: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("rollup", "--indicator", "工业总产值", "--period", "2020-11", "--by", "park", "--json", stdout=out)
    rows = json.loads(out.getvalue())["rows"]
    assert [(r["group"], r["rank_value"], r["rank_yoy"]) for r in rows] == [
        ("C园区", 1, 3),
        ("D园区", 2, 3),
        ("B园区", 3, 1),
        ("E园区", 3, None),
        ("A园区", 5, 1),
    ]
    client.force_login(f.leader())
    html = client.get("/monitoring/breakdown/?indicator=output_value&period=2020-11&by=park").content.decode()
    assert ">排名<" in html
    assert "总量第5名<br>增速第1名" in html  # A园区
    assert "总量第3名</td>" in html  # E园区: no growth
    xlsx = client.get("/monitoring/breakdown/?indicator=output_value&period=2020-11&by=park&format=xlsx")
    import openpyxl

    sheet = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(sheet) if row[0] == "园区")  # no target: no note row
    assert sheet[header][-3:] == ("表述", "总量排名", "增速排名")
    assert sheet[header + 1][0] == "C园区"
    assert sheet[header + 1][-2:] == (1, 3)
    assert sheet[-1][0] == "全区"
    assert sheet[-1][-2:] == (None, None)
