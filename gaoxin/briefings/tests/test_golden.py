"""Golden tests on STYLE_CORPUS.md: the 2020 zone's rollups come back as the corpus' facts, in its phrasing, with one
punctuation style (full-width ，；。（）： and 、; half-width digits, % and the range 1-11月)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gaoxin.briefings import phrases, selectors
from gaoxin.briefings.generator import Wording
from gaoxin.briefings.models import DEFAULT_SECTIONS
from gaoxin.indicators.models import Fact, Indicator, OfficialRate, Target
from gaoxin.indicators.rollups import rollup
from gaoxin.registry.models import Enterprise

pytestmark = pytest.mark.django_db


def text_of(park: Any = None, **wording: Any) -> str:
    w = Wording(sections=wording.pop("sections", list(DEFAULT_SECTIONS)), **wording)
    return selectors.draft(year=2020, month=11, park=park, wording=w).generated.text


def paragraph(text: str, lead: str) -> str:
    found = [line for line in text.splitlines() if line.startswith(lead)]
    assert len(found) == 1, (lead, text)
    return found[0]


def test_industry_paragraph_states_the_corpus_facts(zone: dict[str, Any]) -> None:
    text = paragraph(text_of(), "工业产值方面，")
    assert text.startswith("工业产值方面，1-11月，高新区规上工业企业共计5家（其中2020年新上规企业1家），")
    assert "实现总产值297.99亿元，同比下降3.6%；" in text
    # the statistics bureau's rate, said to be theirs, against the district's target
    assert "实现工业增加值89.75亿元，同比增长5.8%（统计部门核定），高于区下达指标任务（2.5%）3.3个百分点。" in text
    # sub-totals of the main industries follow the total (the corpus' 12.47% and 14.71%, one decimal)
    assert "高端装备制造产业实现总产值57.45亿元，同比下降12.5%，占高新区总产值19.3%" in text
    assert "生物医药与医疗器械产业实现总产值56.25亿元，同比增长14.7%" in text
    assert "其中，新一代信息技术产业实现总产值184.29亿元" in text  # largest first
    assert "分园区看，南屏科技园实现总产值190.00亿元，同比下降9.4%；" in text


def test_investment_against_annual_targets(zone: dict[str, Any]) -> None:
    text = paragraph(text_of(), "固定资产投资方面，")
    assert (
        "1-11月，高新区工业固定资产投资总额达37.43亿元，完成年度任务（44亿元）的85.1%，落后序时进度6.6个百分点，"
        "同比增长11.2%。" in text
    )
    assert (
        "工业技改投资总额达19.50亿元，完成年度任务（26亿元）的75.0%，落后序时进度16.7个百分点，同比下降7.3%。" in text
    )


def test_software_and_services_with_shares(zone: dict[str, Any]) -> None:
    text = paragraph(text_of(), "软信业和服务业方面，")
    assert "高新区1家规上软件和信息技术服务业企业实现总营收95.61亿元（占规上服务业总营收64.0%），同比增长18.2%" in text
    assert "规上服务业企业共2家，实现总营收149.39亿元" in text


def test_trade_and_retail(zone: dict[str, Any]) -> None:
    text = text_of()
    trade = paragraph(text, "外贸进出口方面，")
    assert (
        "高新区实现进出口总额350.00亿元，同比增长1.8%，完成年度任务（359.88亿元）的97.3%，超序时进度5.6个百分点。"
        in trade
    )
    retail = paragraph(text, "社消零方面，")
    assert (
        "高新区社会消费品零售总额完成62.10亿元，同比下降13.2%。其中限额以上企业完成45.40亿元，同比下降10.9%。" in retail
    )


def test_energy_intensity_against_its_decline_target(zone: dict[str, Any]) -> None:
    text = paragraph(text_of(), "能源消费方面，")
    assert "综合能耗9.75万吨标准煤，同比下降2.5%" in text
    # (97,514 ÷ 897,500) ÷ (100,000 ÷ 860,000) − 1 = −6.56%: the corpus' 6.56%, against a target of −4.13%
    assert "单位工业增加值能耗0.1087吨标准煤/万元，同比下降6.6%，超过年度下降目标（4.1%）2.4个百分点。" in text


def test_small_to_above_and_innovation_with_city_shares(zone: dict[str, Any]) -> None:
    text = text_of()
    assert paragraph(text, "企业“小升规”方面，") == (
        "企业“小升规”方面，2020年，市下达至高新区“小升规”指标任务为35家，截至11月底有1家企业新纳入规上统计，"
        "完成任务的2.9%。"
    )
    # the corpus: 独角兽培育库入库企业37家，占全市71家独角兽培育库入库企业的52%
    assert paragraph(text, "独角兽培育方面，") == (
        "独角兽培育方面，截至11月底，高新区拥有独角兽培育库入库企业37家，占全市71家独角兽培育库入库企业的52.1%。"
    )
    # an expired certificate is not counted; 4 recognised in 2020
    assert "高新区有效高新技术企业总数达12家（其中2020年新认定4家），占全市40家高新技术企业的30.0%。" in text
    assert "高新区拥有专精特新“小巨人”企业2家。" in text  # no city total entered: no share
    assert "科技型中小企业方面" not in text  # none: the paragraph drops out


def test_risks_name_drags_missing_reports_and_targets_behind(zone: dict[str, Any]) -> None:
    text = text_of()
    lines = text.splitlines()
    assert lines[lines.index("三、需要关注的问题") + 1 :] == [
        "1.拖累增长的企业。从企业看，珠海乙有限公司（同比下降33.3%，拉低3.4个百分点）、珠海己有限公司（同比下降5.4%，"
        "拉低3.3个百分点）2家企业总产值同比下降较多，合计拉低高新区规上工业总产值增速6.7个百分点，需重点跟踪走访。",
        "2.未报送数据的企业。11月数据填报应报6家，尚有1家未报送（珠海癸有限公司），未报月份按0计入累计数，需加紧催报。",
        "3.落后序时进度的指标。工业固定资产投资完成年度任务（44亿元）的85.1%，落后序时进度6.6个百分点；"
        "工业技改投资完成年度任务（26亿元）的75.0%，落后序时进度16.7个百分点。",
    ]


def test_structure_and_headings_in_the_order_of_the_template(zone: dict[str, Any]) -> None:
    text = text_of(sections=["innovation", "trade", "industry", "risks"])
    headings = [line for line in text.splitlines() if re.match(r"^[一二三四五六七八九十]+、|^（", line)]
    assert headings == [
        "一、创新驱动指标",
        "二、主要经济指标",
        "（一）外贸和消费",
        "（二）工业经济",
        "三、需要关注的问题",
    ]
    assert "固定资产投资方面" not in text


def test_one_punctuation_style_and_no_missing_value_anywhere(zone: dict[str, Any]) -> None:
    for park in [None, *zone["parks"].values()]:
        text = text_of(park)
        assert phrases.is_clean(text), text
        assert "None" not in text
        assert "nan" not in text
        assert not re.search(r"(?<![\d.])0(\.0+)?(亿元|万元|家|%|吨)", text), text  # no figure of zero
        for line in text.splitlines():
            if not re.match(r"^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）", line):
                assert line.endswith("。"), line
            assert "，，" not in line
            assert "，。" not in line
            assert "；。" not in line


def test_a_missing_figure_drops_its_sentence(zone: dict[str, Any]) -> None:
    OfficialRate.objects.all().delete()  # no official rate: the nominal rate, said to be nominal, and no target gap
    text = paragraph(text_of(), "工业产值方面，")
    assert "实现工业增加值89.75亿元，现价增长4.4%（可比价增速待统计部门核定）。" in text
    assert "下达指标任务" not in text
    Target.objects.filter(indicator__code="tech_upgrade_investment").delete()
    text = paragraph(text_of(), "固定资产投资方面，")
    assert "工业技改投资总额达19.50亿元，同比下降7.3%。" in text  # completion clause dropped, not "的0%"
    Fact.objects.filter(indicator__code="import_export").delete()
    Fact.objects.filter(indicator__code="export_value").delete()
    text = text_of()
    assert "外贸进出口方面" not in text
    assert "进出口" not in text
    assert "社消零方面，" in text
    Fact.objects.filter(indicator__code="retail_sales").delete()
    text = text_of()
    assert "（四）外贸和消费" not in text
    assert "（四）能源消费" in text


def test_park_scoped_briefing_speaks_of_the_park(zone: dict[str, Any]) -> None:
    park = zone["parks"]["TJW"]
    draft = selectors.draft(year=2020, month=11, park=park, wording=Wording(sections=list(DEFAULT_SECTIONS)))
    text = draft.generated.text
    assert draft.generated.title == "唐家湾主园区2020年1-11月经济运行简报"
    output = Indicator.objects.get(code="output_value")
    expected = rollup(output, year=2020, month=11, enterprises=Enterprise.objects.all(), park=park)
    assert expected.total.display == "93.70亿元，同比增长10.7%"
    assert "1-11月，唐家湾主园区规上工业企业共计2家，实现总产值93.70亿元，同比增长10.7%" in text
    assert "高新区" not in text
    assert "分园区看" not in text  # a park is not split by park
    assert "市下达" not in text  # the city's task is the zone's
    assert "现价增长4.1%（可比价增速待统计部门核定）" in text  # the zone's official rate is not the park's
    assert "唐家湾主园区拥有独角兽培育库入库企业18家" in text


def test_zone_name_comes_from_the_template(zone: dict[str, Any]) -> None:
    text = text_of(zone_name="我区", park_term="片区")
    assert "1-11月，我区规上工业企业共计5家" in text
    assert "分片区看，" in text
    assert "高新区" not in text


def test_weekly_briefing_uses_the_latest_month(zone: dict[str, Any]) -> None:
    w = Wording(sections=list(DEFAULT_SECTIONS))
    draft = selectors.draft(year=2020, month=11, park=None, wording=w, week="2020-W49")
    assert draft.generated.title == "高新区经济运行每周研判（2020年第49周）"
    assert draft.generated.text.startswith("本期研判使用2020年1-11月数据。\n一、主要经济指标")


def test_a_task_without_entrants_says_so_without_a_zero(zone: dict[str, Any]) -> None:
    Enterprise.objects.filter(above_scale_since__year=2020).update(above_scale_since="2019-05-01")
    text = text_of()
    assert paragraph(text, "企业“小升规”方面，") == (
        "企业“小升规”方面，2020年，市下达至高新区“小升规”指标任务为35家，截至11月底尚无企业新纳入规上统计。"
    )
    assert "（其中2020年新上规企业" not in text
