"""The fact vocabulary of FORMATS.md section 2: what a rule set can speak of, with Chinese names and units.

Rule sets may use exactly these names. Anything else an official criterion needs (an expert's score, a count the
enterprise declares) is declared by the rule set itself as an *input* (see `compiler`), never invented here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FactInfo:
    name: str
    label: str
    unit: str


#: Yearly facts, money in 万元 (FORMATS.md section 2).
YEARLY_FACTS: dict[str, FactInfo] = {
    info.name: info
    for info in (
        FactInfo("revenue", "营业收入", "万元"),
        FactInfo("main_business_revenue", "主营业务收入", "万元"),
        FactInfo("hightech_revenue", "高新技术产品(服务)收入", "万元"),
        FactInfo("rd_expense", "研发费用", "万元"),
        FactInfo("rd_expense_domestic", "境内研发费用", "万元"),
        FactInfo("total_cost", "成本费用总额", "万元"),
        FactInfo("total_assets", "资产总额", "万元"),
        FactInfo("total_liabilities", "负债总额", "万元"),
        FactInfo("net_assets", "净资产", "万元"),
        FactInfo("output_value", "工业总产值", "万元"),
        FactInfo("value_added", "工业增加值", "万元"),
        FactInfo("tax_paid", "实缴税费", "万元"),
        FactInfo("export_value", "出口额", "万元"),
        FactInfo("net_profit", "净利润", "万元"),
        FactInfo("staff", "职工总数", "人"),
        FactInfo("tech_staff", "科技人员数", "人"),
        FactInfo("rd_staff", "研发人员数", "人"),
        FactInfo("energy_tce", "综合能源消费量", "吨标准煤"),
        FactInfo("ip_class1", "Ⅰ类知识产权数", "件"),
        FactInfo("ip_class2", "Ⅱ类知识产权数", "件"),
    )
}


@dataclass(frozen=True, slots=True)
class FlagInfo:
    name: str
    label: str
    when_true: str
    when_false: str


#: Yes/no flags of FORMATS.md section 2, each with the sentence for either answer.
FLAGS: dict[str, FlagInfo] = {
    info.name: info
    for info in (
        FlagInfo(
            "major_incident_last_year",
            "上年度重大安全、质量、环境事故",
            "上年度发生过重大安全、质量或环境污染事故",
            "上年度未发生重大安全、质量、环境污染事故",
        ),
        FlagInfo(
            "restricted_industry", "属于禁止、限制类行业", "属于国家禁止或限制类行业", "不属于国家禁止、限制类行业"
        ),
        FlagInfo(
            "serious_violation_listed", "被列入严重违法失信名单", "被列入严重违法失信名单", "未被列入严重违法失信名单"
        ),
        FlagInfo(
            "leads_standard_5y",
            "近五年主导制定标准",
            "近五年主导制定过国际、国家或行业标准",
            "近五年未主导制定国际、国家或行业标准",
        ),
        FlagInfo(
            "national_award_5y",
            "近五年获国家级科技奖励（前三名）",
            "近五年获得过国家级科技奖励并在获奖单位中排名前三",
            "近五年未获得国家级科技奖励（前三名）",
        ),
        FlagInfo(
            "provincial_rd_institution",
            "拥有省部级以上研发机构",
            "拥有经认定的省部级以上研发机构",
            "未拥有经认定的省部级以上研发机构",
        ),
        FlagInfo(
            "core_ip_supports_products",
            "拥有对主要产品起核心支持作用的知识产权",
            "拥有对主要产品（服务）在技术上发挥核心支持作用的知识产权",
            "未拥有对主要产品（服务）在技术上发挥核心支持作用的知识产权",
        ),
        FlagInfo(
            "in_supported_hightech_field",
            "技术属于国家重点支持的高新技术领域",
            "主要产品（服务）的核心技术属于《国家重点支持的高新技术领域》",
            "主要产品（服务）的核心技术不属于《国家重点支持的高新技术领域》",
        ),
        # `is_above_scale` is a static fact of the registry, but a rule reads it as a yes/no answer like the others.
        FlagInfo("is_above_scale", "规上企业", "已纳入规模以上企业统计", "尚未纳入规模以上企业统计"),
    )
}

#: Static facts (not by year): top-level keys of the facts JSON (FORMATS.md 2a).
STATIC_TEXT_FACTS: dict[str, str] = {"park": "所属园区", "industry": "所属产业", "chain_link": "产业链环节"}
STATIC_DATE_FACTS: dict[str, str] = {"registered_on": "成立日期"}


def fact_label(name: str) -> str:
    if name in YEARLY_FACTS:
        return YEARLY_FACTS[name].label
    if name in FLAGS:
        return FLAGS[name].label
    return STATIC_TEXT_FACTS.get(name) or STATIC_DATE_FACTS.get(name) or name
