"""The briefing's text, section by section, from `data.BriefingData` and a template's wording (pure: no database).

The text is plain lines in the structure of an official document, so that the officers' edited version exports the
same way: "一、" chapters, "（一）" sections, "1." numbered items (run-in: their first sentence is the item's heading)
and paragraphs. The title, the issuing office and the date are kept apart from the text (Briefing.title, …).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gaoxin.briefings import phrases as p
from gaoxin.briefings.data import BriefingData
from gaoxin.core import display, formulas
from gaoxin.indicators.rollups import Rollup, RollupRow, lower_is_better

CHINESE_NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二 (chapters and sections never go further)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    return "十" + CHINESE_NUMERALS[n - 11]


@dataclass(frozen=True)
class Wording:
    """The fixed wording of a template."""

    title: str = "经济运行简报"
    zone_name: str = "高新区"
    park_term: str = "园区"
    organization: str = ""
    sections: Sequence[str] = ()
    top_industries: int = 3


@dataclass
class Table:
    section: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    #: The sheet's name in the workbook (Excel allows 31 characters).
    sheet: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "title": self.title,
            "sheet": self.sheet,
            "headers": self.headers,
            "rows": self.rows,
        }


@dataclass
class Generated:
    title: str
    organization: str
    text: str
    tables: list[Table] = field(default_factory=list)


# Helpers over rollups -----------------------------------------------------------------------------------------


def _growth(result: Rollup, row: RollupRow | None = None) -> str:
    row = row or result.total
    return p.growth(row.yoy, official=row.official_yoy, comparable_prices=result.indicator.comparable_prices)


def _official_or_yoy(result: Rollup) -> Decimal | None:
    return result.total.official_yoy if result.total.official_yoy is not None else result.total.yoy


def _growth_target(result: Rollup) -> str:
    """The gap to a growth target — only against a rate that may be compared (official, or a nominal indicator)."""
    if result.indicator.comparable_prices and result.total.official_yoy is None:
        return ""
    if lower_is_better(result.indicator):
        return p.decline_against_target(result.total.yoy, result.target_growth)
    return p.growth_against_target(_official_or_yoy(result), result.target_growth, result.target_issuer)


def _completion(result: Rollup) -> str:
    return p.completion(result.total.value, result.target_total, result.indicator.unit, result.month)


def _value(result: Rollup | None) -> Decimal | None:
    return result.total.value if result is not None else None


# Sections -----------------------------------------------------------------------------------------------------


def industry(d: BriefingData, scope: str, w: Wording) -> list[str]:
    output, added, parks = d.get("output_value"), d.get("value_added"), d.get("output_by_park")
    first = p.join(
        [
            p.industry_count(scope, d.month, output.total.enterprises if output else None, d.entrants, d.year),
            p.figure_clause("实现", "总产值", _value(output), "万元", _growth(output)) if output else "",
        ]
    )
    second = ""
    if added is not None:
        growth = _growth(added)
        if added.total.official_yoy is not None:
            growth += "（统计部门核定）"
        second = p.figure_clause(
            "实现", "工业增加值", added.total.value, added.indicator.unit, growth, _growth_target(added)
        )
    if first and second:
        head = p.sentence(first + p.SEMICOLON + second)
    elif first or second:
        head = p.sentence(first or f"{p.period_label(d.month)}{p.COMMA}{scope}规上工业{second}")
    else:
        head = ""
    groups = ""
    if output is not None:
        rows = [r for r in output.rows if r.key is not None][: w.top_industries]
        clauses = [
            p.group_clause(
                p.with_suffix(r.group, "产业"),
                "实现",
                "总产值",
                r.value,
                output.indicator.unit,
                _growth(output, r),
                p.share(r.value, output.total.value, f"{scope}总产值"),
            )
            for r in rows
        ]
        body = p.join(clauses, p.SEMICOLON)
        groups = p.sentence(f"其中{p.COMMA}{body}") if body else ""
    by_park = ""
    if parks is not None and d.park is None:
        clauses = [
            p.group_clause(r.group, "实现", "总产值", r.value, parks.indicator.unit, _growth(parks, r), "")
            for r in parks.rows
            if r.key is not None
        ]
        body = p.join(clauses, p.SEMICOLON)
        by_park = p.sentence(f"分{w.park_term}看{p.COMMA}{body}") if len(clauses) > 1 else ""
    return [p.paragraph("工业产值方面", [head, groups, by_park])]


INVESTMENTS = (
    ("fixed_asset_investment", "固定资产投资总额"),
    ("industrial_investment", "工业固定资产投资总额"),
    ("tech_upgrade_investment", "工业技改投资总额"),
)


SHORT_NAMES = {
    "fixed_asset_investment": "固定资产投资",
    "industrial_investment": "工业固定资产投资",
    "tech_upgrade_investment": "工业技改投资",
    "import_export": "外贸进出口总额",
    "retail_sales": "社会消费品零售总额",
    "value_added": "工业增加值",
    "energy_intensity": "单位工业增加值能耗",
}


def investment(d: BriefingData, scope: str, w: Wording) -> list[str]:
    sentences: list[str] = []
    for key, name in INVESTMENTS:
        result = d.get(key)
        if result is None:
            continue
        prefix = "" if sentences else f"{p.period_label(d.month)}{p.COMMA}{scope}"
        sentences.append(
            p.sentence(
                f"{prefix}{name}达{p.amount(result.total.value, result.indicator.unit)}",
                _completion(result),
                _growth(result),
            )
        )
    return [p.paragraph("固定资产投资方面", sentences)]


def services(d: BriefingData, scope: str, w: Wording) -> list[str]:
    software, service = d.get("software_revenue"), d.get("service_revenue")
    clauses = []
    if software is not None:
        clauses.append(
            p.join(
                [
                    f"{scope}{software.total.enterprises}家规上软件和信息技术服务业企业实现总营收"
                    f"{p.amount(software.total.value, software.indicator.unit)}"
                    + p.paren(p.share(software.total.value, _value(service), "规上服务业总营收")),
                    _growth(software),
                ]
            )
        )
    if software is not None and service is not None and software.total.value == service.total.value:
        # every 规上 service firm is a software firm: one sentence, no share of 100%
        clauses = [
            p.join(
                [
                    f"{scope}{software.total.enterprises}家规上软件和信息技术服务业企业实现总营收"
                    f"{p.amount(software.total.value, software.indicator.unit)}",
                    _growth(software),
                ]
            )
        ]
    elif service is not None:
        subject = "规上服务业企业" if software is not None else f"{scope}规上服务业企业"
        clauses.append(
            p.join(
                [
                    f"{subject}共{service.total.enterprises}家{p.COMMA}实现总营收"
                    f"{p.amount(service.total.value, service.indicator.unit)}",
                    _growth(service),
                ]
            )
        )
    body = p.join(clauses, p.SEMICOLON)
    return [
        p.paragraph("软信业和服务业方面", [p.sentence(f"{p.period_label(d.month)}{p.COMMA}{body}") if body else ""])
    ]


def trade(d: BriefingData, scope: str, w: Wording) -> list[str]:
    result, exports, retail = d.get("import_export"), d.get("export_value"), d.get("retail_sales")
    trade_sentences = []
    if result is not None:
        trade_sentences.append(
            p.sentence(
                f"{p.period_label(d.month)}{p.COMMA}{scope}实现进出口总额"
                f"{p.amount(result.total.value, result.indicator.unit)}",
                _growth(result),
                _completion(result),
            )
        )
    if exports is not None:
        trade_sentences.append(
            p.sentence(
                f"{'其中' if result else p.period_label(d.month) + p.COMMA + scope}出口额"
                f"{p.amount(exports.total.value, exports.indicator.unit)}",
                _growth(exports),
            )
        )
    retail_sentences = []
    if retail is not None:
        retail_sentences.append(
            p.sentence(
                f"{p.period_label(d.month)}{p.COMMA}{scope}社会消费品零售总额完成"
                f"{p.amount(retail.total.value, retail.indicator.unit)}",
                _growth(retail),
                _completion(retail),
            )
        )
        above = next((r for r in retail.rows if r.key is True), None)
        if above is not None and len(retail.rows) > 1:
            retail_sentences.append(
                p.sentence(
                    f"其中限额以上企业完成{p.amount(above.value, retail.indicator.unit)}", _growth(retail, above)
                )
            )
    return [p.paragraph("外贸进出口方面", trade_sentences), p.paragraph("社消零方面", retail_sentences)]


def energy(d: BriefingData, scope: str, w: Wording) -> list[str]:
    power, total, intensity = d.get("electricity"), d.get("energy"), d.get("energy_intensity")
    clauses = []
    if power is not None:
        coal = p.amount(formulas.electricity_to_tce(power.total.value), "吨")
        clauses.append(
            p.join(
                [
                    f"用电量{p.amount(power.total.value, power.indicator.unit)}{p.paren('折标准煤' + coal)}",
                    _growth(power),
                ]
            )
        )
    if total is not None:
        clauses.append(p.join([f"综合能耗{p.amount(total.total.value, total.indicator.unit)}", _growth(total)]))
    if intensity is not None and intensity.total.value:
        clauses.append(
            p.join(
                [
                    f"单位工业增加值能耗{p.amount(intensity.total.value, intensity.indicator.unit)}",
                    _growth(intensity),
                    _growth_target(intensity),
                ]
            )
        )
    body = p.join(clauses, p.SEMICOLON)
    head = f"{p.period_label(d.month)}{p.COMMA}{scope}"
    return [p.paragraph("能源消费方面", [p.sentence(head + body) if body else ""])]


def small_to_above(d: BriefingData, scope: str, w: Wording) -> list[str]:
    task = d.references.get("small_to_above_task") if d.park is None else None
    sentences = []
    if task:
        done = formulas.completion(Decimal(d.entrants_all), Decimal(task))
        sentences.append(
            p.sentence(
                f"{d.year}年{p.COMMA}市下达至{scope}“小升规”指标任务为{task}家",
                f"{p.as_of(d.month)}有{d.entrants_all}家企业新纳入规上统计"
                if d.entrants_all
                else f"{p.as_of(d.month)}尚无企业新纳入规上统计",
                f"完成任务的{display.rate(done)}" if d.entrants_all else "",
            )
        )
    elif d.entrants_all:
        sentences.append(
            p.sentence(f"{d.year}年{p.COMMA}{p.as_of(d.month)}{scope}有{d.entrants_all}家企业新纳入规上统计")
        )
    if d.candidates:
        sentences.append(
            p.sentence(
                f"按{d.candidates_year}年营业收入测算{p.COMMA}另有{d.candidates}家企业达到“小升规”培育标准"
                f"（营业收入1300万至2000万元{p.COMMA}或超过1000万元且增长30%以上）"
                f"{p.COMMA}已列入培育名单"
            )
        )
    return [p.paragraph("企业“小升规”方面", sentences)]


def innovation(d: BriefingData, scope: str, w: Wording) -> list[str]:
    q, refs = d.qualifications, d.references
    as_of = p.as_of(d.month)

    def counted(key: str) -> tuple[int | None, int | None]:
        found = q.get(key)
        return (found.total, found.new_this_year) if found else (None, None)

    hnte, hnte_new = counted("hnte")
    tech, _tech_new = counted("tech_sme")
    unicorn, _u = counted("unicorn")
    giant, _g = counted("little_giant")
    one = p.qualification_sentence(
        f"{as_of}{p.COMMA}{scope}有效高新技术企业总数达",
        hnte,
        new_this_year=hnte_new,
        year=d.year,
        city_total=refs.get("city_hnte"),
        city_noun="高新技术企业",
    )
    two = p.qualification_sentence(
        f"{d.year}年{p.COMMA}{scope}通过科技型中小企业评价入库的企业",
        tech,
        city_total=refs.get("city_tech_sme"),
        city_noun="入库企业",
    )
    three = p.qualification_sentence(
        f"{as_of}{p.COMMA}{scope}拥有独角兽培育库入库企业",
        unicorn,
        city_total=refs.get("city_unicorn"),
        city_noun="独角兽培育库入库企业",
    )
    four = p.qualification_sentence(
        f"{as_of}{p.COMMA}{scope}拥有专精特新“小巨人”企业",
        giant,
        city_total=refs.get("city_little_giant"),
        city_noun="“小巨人”企业",
    )
    return [
        p.paragraph("高企认定方面", [p.sentence(one)]),
        p.paragraph("科技型中小企业方面", [p.sentence(two)]),
        p.paragraph("独角兽培育方面", [p.sentence(three)]),
        p.paragraph("专精特新方面", [p.sentence(four)]),
    ]


def risks(d: BriefingData, scope: str, w: Wording, *, names_limit: int = 5) -> list[str]:
    """The closing items: enterprises dragging growth down, missing reports, targets behind time progress. Numbered
    "1." items, each with its heading as the first sentence."""
    items: list[tuple[str, str]] = []
    output = d.get("output_value")
    if d.drags and output is not None:
        firms = p.PAUSE.join(
            f"{drag.name}{p.paren(p.join([p.growth(drag.yoy), '拉低' + display.points(drag.contribution)]))}"
            for drag in d.drags
        )
        total = sum((drag.contribution for drag in d.drags), Decimal(0))
        items.append(
            (
                "拖累增长的企业",
                p.sentence(
                    f"从企业看{p.COMMA}{firms}{len(d.drags)}家企业总产值同比下降较多",
                    f"合计拉低{scope}规上工业总产值增速{display.points(total)}",
                    "需重点跟踪走访",
                ),
            )
        )
    missing = d.missing
    if missing is not None and missing.names:
        listed = p.names(missing.names, names_limit)
        if missing.from_round and missing.expected:
            text = p.sentence(
                f"{d.month}月数据填报应报{missing.expected}家{p.COMMA}尚有{len(missing.names)}家未报送{p.paren(listed)}",
                "未报月份按0计入累计数",
                "需加紧催报",
            )
        else:
            text = p.sentence(f"{listed}企业{d.month}月数据未报送", "未报月份按0计入累计数", "需加紧催报")
        items.append(("未报送数据的企业", text))
    behind = []
    for key, result in d.rollups.items():
        if key in {"output_by_park", "service_revenue", "software_revenue"} or not result.total.enterprises:
            continue
        name = SHORT_NAMES.get(key, result.indicator.name)
        gap = result.schedule_gap
        if gap is not None and display.round_half_up(gap, 1) < 0:
            behind.append(f"{name}{_completion(result)}")
        target = _growth_target(result)
        if target.startswith("低于") or target.startswith("距"):
            behind.append(f"{name}增速{target}")
    if behind:
        items.append(("落后序时进度的指标", p.sentence(p.join(behind, p.SEMICOLON))))
    if not items and output is not None:
        return [p.sentence(f"{scope}各项指标运行平稳{p.COMMA}暂未发现拖累增长的企业和落后序时进度的指标")]
    return [f"{n}.{heading}{p.STOP}{text}" for n, (heading, text) in enumerate(items, start=1)]


SECTIONS: dict[str, tuple[str, str, Callable[[BriefingData, str, Wording], list[str]]]] = {
    # code: (chapter, section heading, builder)
    "industry": ("economy", "工业经济", industry),
    "investment": ("economy", "固定资产投资", investment),
    "services": ("economy", "软信业和服务业", services),
    "trade": ("economy", "外贸和消费", trade),
    "energy": ("economy", "能源消费", energy),
    "small_to_above": ("economy", "企业“小升规”", small_to_above),
    "innovation": ("innovation", "创新驱动", innovation),
    "risks": ("risks", "需要关注的问题", risks),
}
CHAPTERS = {"economy": "主要经济指标", "innovation": "创新驱动指标", "risks": "需要关注的问题"}


def compose(d: BriefingData, w: Wording, *, intro: str = "") -> str:
    """The text: chapters in the order of their first section in the template, sections in the template's order; a
    section without a paragraph drops out with its heading, a chapter without a section too."""
    scope = d.park.name if d.park is not None else w.zone_name
    chapters: dict[str, list[tuple[str, list[str]]]] = {}
    for code in w.sections:
        if code not in SECTIONS:
            continue
        chapter, heading, build = SECTIONS[code]
        paragraphs = [text for text in build(d, scope, w) if text]
        chapters.setdefault(chapter, [])
        if paragraphs:
            chapters[chapter].append((heading, paragraphs))
    lines = [intro] if intro else []
    number = 0
    for chapter, sections in chapters.items():
        if not sections:
            continue
        number += 1
        lines.append(f"{numeral(number)}、{CHAPTERS[chapter]}")
        if chapter == "economy":
            for i, (heading, paragraphs) in enumerate(sections, start=1):
                lines.append(f"（{numeral(i)}）{heading}")
                lines.extend(paragraphs)
        else:
            for _heading, paragraphs in sections:
                lines.extend(paragraphs)
    return "\n".join(lines)


def title_for(w: Wording, scope: str, year: int, month: int, *, week: str = "") -> str:
    """'高新区2020年1-11月经济运行简报' / '唐家湾主园区经济运行每周研判（2026年第48周）'."""
    if week:
        y, n = week.split("-W")
        return f"{scope}经济运行每周研判（{y}年第{int(n)}周）"
    return f"{scope}{year}年{p.period_label(month)}{w.title}"


def date_line(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
