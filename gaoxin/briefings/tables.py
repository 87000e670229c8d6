"""The tables a briefing's text cites, from the same `BriefingData` (the rollups' own figures, unrounded): the Excel
workbook writes them, and they are kept with the briefing as generated."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gaoxin.briefings.data import QUALIFICATIONS, BriefingData
from gaoxin.briefings.generator import Table
from gaoxin.core import formulas
from gaoxin.indicators.rollups import Rollup, RollupRow

#: Which rollup belongs to which section (the main table lists them in this order).
MAIN = (
    ("output_value", "industry", ""),
    ("value_added", "industry", ""),
    ("fixed_asset_investment", "investment", ""),
    ("industrial_investment", "investment", ""),
    ("tech_upgrade_investment", "investment", ""),
    ("software_revenue", "services", "（规上软件和信息技术服务业）"),
    ("service_revenue", "services", "（规上服务业）"),
    ("import_export", "trade", ""),
    ("export_value", "trade", ""),
    ("retail_sales", "trade", ""),
    ("electricity", "energy", ""),
    ("energy", "energy", ""),
    ("energy_intensity", "energy", ""),
)
MAIN_HEADERS = [
    "指标",
    "单位",
    "企业数",
    "本期累计",
    "可比企业数",
    "可比口径本年",
    "可比口径上年同期",
    "同比(%)",
    "核定增速(%)",
    "年度总量目标",
    "完成年度任务(%)",
    "序时进度(%)",
    "增速目标(%)",
]
GROUP_HEADERS = ["分组", "企业数", "本期累计", "可比口径本年", "可比口径上年同期", "同比(%)", "占比(%)"]
QUALIFICATION_LABELS = {
    "hnte": "高新技术企业",
    "tech_sme": "科技型中小企业",
    "unicorn": "独角兽培育库入库企业",
    "little_giant": "专精特新“小巨人”企业",
}
CITY_KEYS = {
    "hnte": "city_hnte",
    "tech_sme": "city_tech_sme",
    "unicorn": "city_unicorn",
    "little_giant": "city_little_giant",
}


def num(value: Decimal | int | None) -> float | int | None:
    """A figure as stored in the table (JSON): the rollup's value unrounded (as a float), counts as integers."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return float(value)


def _main_row(label: str, result: Rollup) -> list[Any]:
    t = result.total
    return [
        label,
        result.indicator.unit,
        t.enterprises,
        num(t.value),
        t.comparable_enterprises,
        num(t.comparable_value),
        num(t.base),
        num(t.yoy),
        num(t.official_yoy),
        num(result.target_total),
        num(result.completion),
        num(formulas.time_progress(result.month)) if result.target_total is not None else None,
        num(result.target_growth),
    ]


def _group_row(row: RollupRow) -> list[Any]:
    return [
        row.group,
        row.enterprises,
        num(row.value),
        num(row.comparable_value),
        num(row.base),
        num(row.yoy),
        num(row.share),
    ]


def build(d: BriefingData, sections: list[str], scope: str) -> list[Table]:
    tables: list[Table] = []
    rows = [
        _main_row(f"{result.indicator.name}{suffix}", result)
        for key, section, suffix in MAIN
        if section in sections and (result := d.get(key)) is not None
    ]
    period = f"{d.year}年1-{d.month}月"
    if rows:
        tables.append(Table("main", f"{scope}{period}主要经济指标", MAIN_HEADERS, rows, sheet="主要经济指标"))
    groupings = (
        ("output_value", "industry", "工业总产值分主导产业", "工业总产值分产业"),
        ("output_by_park", "industry", "工业总产值分园区", "工业总产值分园区"),
        ("retail_sales", "trade", "社会消费品零售额分限额以上/以下", "社消零分限额"),
    )
    for key, section, title, sheet in groupings:
        result = d.get(key)
        if result is None or section not in sections:
            continue
        group_rows = [_group_row(r) for r in result.rows]
        if key == "retail_sales":  # 规上 of a retailer is 限额以上
            for row in group_rows:
                row[0] = {"规上": "限额以上", "规下": "限额以下"}.get(row[0], row[0])
        total = result.total
        group_rows.append(
            [
                "合计",
                total.enterprises,
                num(total.value),
                num(total.comparable_value),
                num(total.base),
                num(total.yoy),
                None,
            ]
        )
        tables.append(
            Table(section, f"{scope}{period}{title}（{result.indicator.unit}）", GROUP_HEADERS, group_rows, sheet=sheet)
        )
    if "innovation" in sections and d.qualifications:
        q_rows = []
        for key in QUALIFICATIONS:
            found = d.qualifications[key]
            city = d.references.get(CITY_KEYS[key])
            share = formulas.share(Decimal(found.total), Decimal(city)) if city else None
            q_rows.append([QUALIFICATION_LABELS[key], found.total, found.new_this_year, city, num(share)])
        tables.append(
            Table(
                "innovation",
                f"{scope}创新主体（截至{d.year}年{d.month}月底）",
                ["类型", "有效企业数", "本年新认定", "全市总数", "占全市(%)"],
                q_rows,
                sheet="创新主体",
            )
        )
    if "small_to_above" in sections:
        task = d.references.get("small_to_above_task") if d.park is None else None
        tables.append(
            Table(
                "small_to_above",
                f"{scope}{d.year}年“小升规”进展",
                ["新纳入规上统计企业数", "市下达任务数", "完成任务(%)", "培育名单企业数", "培育名单测算年度"],
                [
                    [
                        d.entrants_all,
                        task,
                        num(formulas.completion(Decimal(d.entrants_all), Decimal(task)) if task else None),
                        d.candidates,
                        d.candidates_year,
                    ]
                ],
                sheet="小升规",
            )
        )
    if "risks" in sections:
        if d.drags:
            tables.append(
                Table(
                    "risks",
                    f"{scope}{period}拖累工业总产值增长的企业（万元）",
                    ["企业名称", "园区", "本期累计", "上年同期", "同比(%)", "拉动(百分点)"],
                    [
                        [g.name, g.park, num(g.value), num(g.last_year), num(g.yoy), num(g.contribution)]
                        for g in d.drags
                    ],
                    sheet="拖累增长的企业",
                )
            )
        if d.missing is not None and d.missing.names:
            tables.append(
                Table(
                    "risks",
                    f"{scope}{d.year}年{d.month}月未报送数据的企业",
                    ["企业名称"],
                    [[name] for name in d.missing.names],
                    sheet="未报企业",
                )
            )
    return tables
