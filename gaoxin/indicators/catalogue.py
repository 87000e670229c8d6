"""The indicator catalogue shipped with the platform (DOMAIN.md section 2). Loaded by a data migration; from then
on it is data an administrator maintains. Money in 万元, electricity in 万千瓦时, energy in 吨标准煤."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# code, name, aliases, unit, temporal, comparable_prices, fact_name
SUM_INDICATORS: list[tuple[str, str, str, str, str, bool, str]] = [
    ("output_value", "工业总产值", "总产值、规上工业总产值", "万元", "flow", False, "output_value"),
    ("value_added", "工业增加值", "增加值、规上工业增加值", "万元", "flow", True, "value_added"),
    ("revenue", "营业收入", "营收、营业总收入", "万元", "flow", False, "revenue"),
    ("main_business_revenue", "主营业务收入", "主营收入", "万元", "flow", False, "main_business_revenue"),
    ("fixed_asset_investment", "固定资产投资", "固投、固定资产投资额", "万元", "flow", False, ""),
    ("industrial_investment", "工业投资", "工业固定资产投资", "万元", "flow", False, ""),
    ("tech_upgrade_investment", "技改投资", "工业技改投资、技术改造投资", "万元", "flow", False, ""),
    ("import_export", "进出口总额", "外贸进出口总额、进出口额", "万元", "flow", False, ""),
    ("export_value", "出口额", "出口总额", "万元", "flow", False, "export_value"),
    ("retail_sales", "社会消费品零售额", "社消零、社会消费品零售总额", "万元", "flow", False, ""),
    ("electricity", "用电量", "工业用电量、全社会用电量", "万千瓦时", "flow", False, ""),
    ("energy", "综合能耗", "综合能源消费量、能源消费量", "吨标准煤", "flow", False, "energy_tce"),
    ("tax", "税收", "实缴税费、税收收入、纳税额", "万元", "flow", False, "tax_paid"),
    ("rd_expense", "研发费用", "研发投入、R&D经费", "万元", "flow", False, "rd_expense"),
    ("profit", "利润总额", "利润", "万元", "flow", False, ""),
    ("employees", "从业人员", "从业人员期末人数、职工人数、从业人数", "人", "stock", False, "staff"),
]

# code, name, unit, numerator code, denominator code, scale
RATIO_INDICATORS: list[tuple[str, str, str, str, str, Decimal]] = [
    ("rd_intensity", "研发费用占营收比", "%", "rd_expense", "revenue", Decimal(100)),
    ("energy_intensity", "单位增加值能耗", "吨标准煤/万元", "energy", "value_added", Decimal(1)),
]


def load_catalogue(model: Any) -> None:
    """Create or refresh the shipped indicators (the data migration passes its historical model)."""
    by_code: dict[str, Any] = {}
    for order, (code, name, aliases, unit, temporal, comparable, fact_name) in enumerate(SUM_INDICATORS):
        by_code[code], _ = model.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "aliases": aliases,
                "unit": unit,
                "temporal": temporal,
                "aggregation": "sum",
                "comparable_prices": comparable,
                "fact_name": fact_name,
                "sort_order": order * 10,
            },
        )
    for order, (code, name, unit, numerator, denominator, scale) in enumerate(RATIO_INDICATORS, start=len(by_code)):
        model.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "aggregation": "ratio",
                "numerator": by_code[numerator],
                "denominator": by_code[denominator],
                "scale": scale,
                "sort_order": order * 10,
            },
        )
