"""The sentences of the briefing, as small pure functions over figures (no database): the register of
STYLE_CORPUS.md with the display rules of DOMAIN.md (core.display), in full-width Chinese punctuation.

Punctuation, one style throughout: ，；：。、（）“” are full-width; digits, the decimal point, % and the range "1-11月"
are half-width (as DOMAIN.md writes them). Every builder returns "" when a figure it needs is missing, and a sentence
built from parts drops the parts that are "" — so a missing figure drops its clause or its sentence, and the text
never says None, nan or a 0 that was not measured.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from gaoxin.core import display, formulas

#: Full-width punctuation of the text (and the ASCII marks that must never appear in it).
COMMA, SEMICOLON, STOP, COLON, PAUSE = "，", "；", "。", "：", "、"
ASCII_MARKS = ',;:()!?"'


def join(parts: Iterable[str], sep: str = COMMA) -> str:
    """Join the non-empty parts."""
    return sep.join(p for p in parts if p)


def sentence(*parts: str) -> str:
    """A sentence of clauses separated by ，and ended by 。; "" when every clause is empty."""
    body = join(parts)
    return f"{body}{STOP}" if body else ""


def paragraph(lead: str, sentences: Sequence[str]) -> str:
    """'工业产值方面，' + the sentences; "" when no sentence survived (the paragraph drops out)."""
    text = "".join(s for s in sentences if s)
    if not text:
        return ""
    return f"{lead}{COMMA}{text}" if lead else text


def paren(text: str) -> str:
    return f"（{text}）" if text else ""


def period_label(month: int) -> str:
    """'1-11月' for a cumulative period, '1月' for January alone."""
    return "1月" if month == 1 else f"1-{month}月"


def as_of(month: int) -> str:
    """'截至11月底'."""
    return f"截至{month}月底"


#: Large physical quantities are written in the next unit up, as the zone writes them ("0.72万吨标准煤").
LARGER_UNITS = {
    "万千瓦时": ("亿千瓦时", Decimal(10_000)),
    "吨标准煤": ("万吨标准煤", Decimal(10_000)),
    "吨": ("万吨", Decimal(10_000)),
}


def amount(value: Decimal | None, unit: str) -> str:
    """An indicator's figure by DOMAIN.md's rules (万元 → 亿元 with two decimals from 1亿 up); 万千瓦时 and 吨(标准煤)
    from 10,000 up in 亿千瓦时 and 万吨(标准煤), with two decimals."""
    if value is None:
        return ""
    larger = LARGER_UNITS.get(unit)
    if larger is not None and abs(value) >= larger[1]:
        return f"{display.round_half_up(value / larger[1], 2):f}{larger[0]}"
    return display.amount(value, unit)


def growth(
    yoy: Decimal | None, *, official: Decimal | None = None, comparable_prices: bool = False, prefix: str = "同比"
) -> str:
    """'同比增长5.8%' / '同比下降3.6%'. For growth at comparable prices only the statistics bureau's rate is called
    同比; without it the nominal rate is said to be nominal ('现价增长4.4%（可比价增速待统计部门核定）')."""
    if official is not None:
        return display.growth(official, prefix=prefix)
    if yoy is None:
        return ""
    if comparable_prices:
        return f"现价{display.growth(yoy, prefix='')}（可比价增速待统计部门核定）"
    return display.growth(yoy, prefix=prefix)


def target_name(issuer: str) -> str:
    """'区下达指标任务' for a target the district issued, '年度目标' when nobody is named."""
    issuer = issuer.strip().removesuffix("下达")
    return f"{issuer}下达指标任务" if issuer else "年度目标"


def growth_against_target(actual: Decimal | None, target: Decimal | None, issuer: str = "") -> str:
    """'高于区下达指标任务（2.5%）3.3个百分点' / '低于年度目标（8.0%）1.2个百分点' / '与年度目标（2.5%）持平'."""
    gap = formulas.point_gap(actual, target)
    if gap is None or target is None:
        return ""
    name = target_name(issuer)
    shown = display.round_half_up(gap, 1)
    if shown == 0:
        return f"与{name}（{display.rate(target)}）持平"
    word = "高于" if shown > 0 else "低于"
    return f"{word}{name}（{display.rate(target)}）{display.points(gap)}"


def decline_against_target(change: Decimal | None, target: Decimal | None) -> str:
    """For an indicator that should fall (单位增加值能耗), the target written as the decline asked for:
    change −6.56, target −4.13 → '超过年度下降目标（4.1%）2.4个百分点';
    change −3.0 → '距年度下降目标（4.1%）还差1.1个百分点'."""
    if change is None or target is None:
        return ""
    asked = -target  # the decline asked for, in %
    achieved = -change
    gap = achieved - asked
    if display.round_half_up(gap, 1) >= 0:
        return f"超过年度下降目标（{display.rate(asked)}）{display.points(gap)}" if gap else "完成年度下降目标"
    return f"距年度下降目标（{display.rate(asked)}）还差{display.points(gap)}"


def completion(value: Decimal | None, target: Decimal | None, unit: str, month: int) -> str:
    """'完成年度任务（44亿元）的85.1%，落后序时进度6.6个百分点' (序时进度 = N ÷ 12)."""
    done = formulas.completion(value, target)
    if done is None or target is None:
        return ""
    shown_target = display.amount(target, unit, round_figure=True)
    gap = formulas.schedule_gap(done, month)
    text = f"完成年度任务（{shown_target}）的{display.rate(done)}"
    if gap is None:
        return text
    shown = display.round_half_up(gap, 1)
    if shown == 0:
        return f"{text}，与序时进度持平"
    word = "超序时进度" if shown > 0 else "落后序时进度"
    return f"{text}，{word}{display.points(gap)}"


def share(part: Decimal | None, whole: Decimal | None, of: str) -> str:
    """'占规上服务业总营收64.0%'."""
    value = formulas.share(part, whole)
    if value is None or not whole:
        return ""
    return f"占{of}{display.rate(value)}"


def count(n: int | None, noun: str = "家") -> str:
    """'203家'; "" for None (not measured)."""
    return f"{n}{noun}" if n is not None else ""


def names(items: Sequence[str], limit: int = 3) -> str:
    """'甲、乙、丙等5家' when there are more than `limit`, else '甲、乙' — the firms a sentence names."""
    if not items:
        return ""
    if len(items) <= limit:
        return PAUSE.join(items)
    return f"{PAUSE.join(items[:limit])}等{len(items)}家"


# The sentences of each section ---------------------------------------------------------------------------------


def industry_count(scope: str, month: int, enterprises: int | None, entrants: int | None, year: int) -> str:
    """'1-11月，高新区规上工业企业共计203家（其中2020年新上规企业41家）'."""
    if not enterprises:
        return ""
    inner = f"其中{year}年新上规企业{entrants}家" if entrants else ""
    return f"{period_label(month)}{COMMA}{scope}规上工业企业共计{enterprises}家{paren(inner)}"


def figure_clause(verb: str, name: str, value: Decimal | None, unit: str, growth_text: str, extra: str = "") -> str:
    """'实现总产值297.99亿元，同比下降3.6%' (+ an extra clause such as a target gap); "" without the figure."""
    shown = amount(value, unit)
    if not shown:
        return ""
    return join([f"{verb}{name}{shown}", growth_text, extra])


def group_clause(
    name: str, verb: str, label: str, value: Decimal | None, unit: str, growth_text: str, part: str
) -> str:
    """'高端装备制造产业实现总产值57.45亿元，同比下降12.5%，占全区19.3%'."""
    shown = amount(value, unit)
    if not shown:
        return ""
    return join([f"{name}{verb}{label}{shown}", growth_text, part])


def with_suffix(name: str, suffix: str) -> str:
    """'高端装备制造' + '产业' → '高端装备制造产业'; a name that already ends with it is left alone."""
    return name if name.endswith(suffix) else f"{name}{suffix}"


def qualification_sentence(
    what: str,
    n: int | None,
    *,
    new_this_year: int | None = None,
    year: int = 0,
    city_total: int | None = None,
    city_noun: str = "",
) -> str:
    """'…高新技术企业总数达535家（其中2020年新认定188家），占全市1600家高新技术企业的33.4%'."""
    if not n:
        return ""
    inner = f"其中{year}年新认定{new_this_year}家" if new_this_year else ""
    city = ""
    if city_total:
        city = f"占全市{city_total}家{city_noun}的{display.rate(formulas.share(Decimal(n), Decimal(city_total)))}"
    return join([f"{what}{n}家{paren(inner)}", city])


def is_clean(text: str) -> bool:
    """Whether a text keeps the punctuation style and shows no missing value."""
    return not any(mark in text for mark in ASCII_MARKS) and "None" not in text and "nan" not in text.lower()
