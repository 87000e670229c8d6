"""The sentence builders (pure functions): DOMAIN.md's display rules, full-width punctuation, and "" when a figure is
missing so that its clause or sentence drops out."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from gaoxin.briefings import phrases as p
from gaoxin.briefings.document import parse
from gaoxin.briefings.generator import Wording, numeral, title_for


def test_growth_words_and_never_a_sign() -> None:
    assert p.growth(D("-3.5999")) == "同比下降3.6%"
    assert p.growth(D("5.85")) == "同比增长5.9%"  # half up
    assert p.growth(D("0.04")) == "同比持平"
    assert p.growth(None) == ""
    assert p.growth(D("4.36"), official=D("5.8"), comparable_prices=True) == "同比增长5.8%"
    assert p.growth(D("4.36"), comparable_prices=True) == "现价增长4.4%（可比价增速待统计部门核定）"


def test_growth_against_a_target_in_points() -> None:
    assert p.growth_against_target(D("5.8"), D("2.5"), "区") == "高于区下达指标任务（2.5%）3.3个百分点"
    assert p.growth_against_target(D("5.8"), D("2.5"), "区下达") == "高于区下达指标任务（2.5%）3.3个百分点"
    assert p.growth_against_target(D("1.3"), D("2.5")) == "低于年度目标（2.5%）1.2个百分点"
    assert p.growth_against_target(D("2.54"), D("2.5")) == "与年度目标（2.5%）持平"
    assert p.growth_against_target(None, D("2.5")) == ""
    assert p.growth_against_target(D("5.8"), None) == ""


def test_decline_targets() -> None:
    assert p.decline_against_target(D("-6.56"), D("-4.13")) == "超过年度下降目标（4.1%）2.4个百分点"
    assert p.decline_against_target(D("-3.0"), D("-4.13")) == "距年度下降目标（4.1%）还差1.1个百分点"
    assert p.decline_against_target(None, D("-4.13")) == ""


def test_completion_and_time_progress() -> None:
    assert p.completion(D(374_300), D(440_000), "万元", 11) == "完成年度任务（44亿元）的85.1%，落后序时进度6.6个百分点"
    assert p.completion(D(3_500_000), D(3_598_800), "万元", 11) == (
        "完成年度任务（359.88亿元）的97.3%，超序时进度5.6个百分点"
    )
    assert p.completion(D(50), D(100), "万元", 6) == "完成年度任务（100万元）的50.0%，与序时进度持平"
    assert p.completion(D(1), None, "万元", 6) == ""
    assert p.completion(D(1), D(0), "万元", 6) == ""


def test_amounts_in_the_zone_units() -> None:
    assert p.amount(D(2_979_900), "万元") == "297.99亿元"
    assert p.amount(D(5_000), "万元") == "5000万元"
    assert p.amount(D("129316.2"), "万千瓦时") == "12.93亿千瓦时"
    assert p.amount(D(9_000), "万千瓦时") == "9000万千瓦时"
    assert p.amount(D(97_514), "吨标准煤") == "9.75万吨标准煤"
    assert p.amount(D("0.10865"), "吨标准煤/万元") == "0.1087吨标准煤/万元"
    assert p.amount(None, "万元") == ""


def test_shares_counts_and_names() -> None:
    assert p.share(D(956_100), D(1_493_906), "规上服务业总营收") == "占规上服务业总营收64.0%"
    assert p.share(D(1), None, "x") == ""
    assert p.share(D(1), D(0), "x") == ""
    assert p.names(["甲", "乙"]) == "甲、乙"
    assert p.names(["甲", "乙", "丙", "丁"], 3) == "甲、乙、丙等4家"
    assert p.names([]) == ""
    assert p.count(None) == ""
    assert p.count(3) == "3家"


def test_sentences_drop_empty_parts() -> None:
    assert p.sentence("甲", "", "乙") == "甲，乙。"
    assert p.sentence("", "") == ""
    assert p.paragraph("工业产值方面", ["", ""]) == ""
    assert p.paragraph("工业产值方面", ["甲。", "乙。"]) == "工业产值方面，甲。乙。"
    assert p.figure_clause("实现", "总产值", None, "万元", "同比下降3.6%") == ""
    assert (
        p.figure_clause("实现", "总产值", D(2_979_900), "万元", "同比下降3.6%") == "实现总产值297.99亿元，同比下降3.6%"
    )


def test_industry_count_and_period_labels() -> None:
    assert (
        p.industry_count("高新区", 11, 203, 41, 2020)
        == "1-11月，高新区规上工业企业共计203家（其中2020年新上规企业41家）"
    )
    assert p.industry_count("高新区", 1, 203, 0, 2020) == "1月，高新区规上工业企业共计203家"
    assert p.industry_count("高新区", 11, None, 41, 2020) == ""
    assert p.as_of(11) == "截至11月底"


def test_qualification_sentence() -> None:
    assert (
        p.qualification_sentence("高新区拥有独角兽培育库入库企业", 37, city_total=71, city_noun="独角兽培育库入库企业")
        == "高新区拥有独角兽培育库入库企业37家，占全市71家独角兽培育库入库企业的52.1%"
    )
    assert p.qualification_sentence("高企", 0, city_total=71) == ""
    assert (
        p.qualification_sentence("高企总数达", 535, new_this_year=188, year=2020)
        == "高企总数达535家（其中2020年新认定188家）"
    )


@pytest.mark.parametrize("text", ["甲,乙", "甲(乙)", "None", "甲;乙", "甲:乙", "NaN"])
def test_is_clean_refuses_ascii_punctuation_and_missing_values(text: str) -> None:
    assert not p.is_clean(text)


def test_numerals_titles_and_parsing() -> None:
    assert [numeral(n) for n in (1, 3, 10, 12)] == ["一", "三", "十", "十二"]
    w = Wording(title="经济运行简报")
    assert title_for(w, "高新区", 2020, 11) == "高新区2020年1-11月经济运行简报"
    assert title_for(w, "高新区", 2026, 10, week="2026-W48") == "高新区经济运行每周研判（2026年第48周）"
    blocks = parse("一、主要经济指标\n（一）工业经济\n\n工业产值方面，甲。\n1.拖累增长的企业。乙丙。\n2．无句号的条目")
    assert [(b.kind, b.lead) for b in blocks] == [
        ("chapter", ""),
        ("section", ""),
        ("paragraph", ""),
        ("item", "1.拖累增长的企业。"),
        ("item", ""),
    ]
    assert blocks[3].text == "乙丙。"
