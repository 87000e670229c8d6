"""Value expressions: the numbers a criterion compares or a band table scores, computed from one enterprise's facts.

A compiled expression is a small tree of nodes; each node has a Chinese `label` written relative to the period
("近一年营业收入", "近三年研发费用合计"), a `unit`, and `evaluate(ctx) -> Val`. Periods are counted back from the
context's reference year (the latest fiscal year of the evaluation), so "each of the last 2 years" simply evaluates
the same tree with the reference year moved back.

A `Val` is either a number (or a text, for static facts), or unknown with the list of what is missing
("2024年研发费用"), or *undefined*: the data are there but the quantity has no value (a ratio over zero, the second
year of a growth series at zero). Callers treat undefined as unknown unless the rule says what it means (the 高企
growth score gives 0 points when the second year is 0: `if_undefined` on the band table).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext

from .facts import Facts
from .wording import numeral

HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)
RATE_QUANTUM = Decimal("1e-12")


@dataclass(frozen=True, slots=True)
class Val:
    number: Decimal | None = None
    text: str | None = None
    missing: tuple[str, ...] = ()
    undefined: str | None = None
    period: str | None = None

    @property
    def known(self) -> bool:
        return self.number is not None or self.text is not None


@dataclass(slots=True)
class Context:
    """One evaluation: the facts, the as-of date and the reference ("latest") fiscal year.

    `memo` keeps each criterion's and score item's result so a criterion referenced twice is evaluated once."""

    facts: Facts
    as_of: dt.date
    year: int
    memo: dict[str, object] = field(default_factory=dict)

    def at(self, year: int) -> Context:
        return Context(self.facts, self.as_of, year, self.memo if year == self.year else {})


def merge_missing(*vals: Val) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for val in vals:
        for item in val.missing:
            seen.setdefault(item, None)
    return tuple(seen)


def first_period(*vals: Val) -> str | None:
    for val in vals:
        if val.period:
            return val.period
    return None


def year_span(first: int, last: int) -> str:
    return f"{last}年" if first == last else f"{first}–{last}年"


class ValueNode:
    label: str = ""
    unit: str = ""
    #: A growth rate: a negative value is written "为负（下降3.6%）", never with a minus sign (DOMAIN.md).
    is_growth: bool = False

    def evaluate(self, ctx: Context) -> Val:
        raise NotImplementedError

    def relabel(self, label: str | None, unit: str | None) -> ValueNode:
        if label:
            self.label = label
        if unit is not None:
            self.unit = unit
        return self


class Const(ValueNode):
    def __init__(self, value: Decimal, unit: str = "") -> None:
        self.value = value
        self.unit = unit
        self.label = str(value)

    def evaluate(self, ctx: Context) -> Val:
        return Val(self.value)


AGG_WORDS = {"sum": "合计", "avg": "平均值", "min": "最小值", "max": "最大值"}


class FactValue(ValueNode):
    """A yearly fact: one year (`offset` 0 = the reference year, −1 the year before) or an aggregate over the last
    `span` years. With `operating_only`, years before the year of registration do not count (高企: "实际经营期不满
    三年的按实际经营时间计算")."""

    def __init__(
        self,
        name: str,
        fact_label: str,
        unit: str,
        *,
        offset: int = 0,
        span: int = 1,
        agg: str = "sum",
        operating_only: bool = False,
    ) -> None:
        self.name = name
        self.fact_label = fact_label
        self.unit = unit
        self.offset = offset
        self.span = span
        self.agg = agg
        self.operating_only = operating_only
        if span > 1:
            self.label = f"近{numeral(span)}年{fact_label}{AGG_WORDS[agg]}"
        elif offset == 0:
            self.label = f"近一年{fact_label}"
        elif offset == -1:
            self.label = f"上一年{fact_label}"
        else:
            self.label = f"前{numeral(-offset)}年{fact_label}"

    def evaluate(self, ctx: Context) -> Val:
        last = ctx.year + self.offset
        if self.span == 1:
            value = ctx.facts.yearly(last, self.name)
            if value is None:
                return Val(missing=(f"{last}年{self.fact_label}",), period=f"{last}年")
            return Val(value, period=f"{last}年")
        first = last - self.span + 1
        years = list(range(first, last + 1))
        if self.operating_only and ctx.facts.registered_on is not None:
            years = [y for y in years if y >= ctx.facts.registered_on.year]
        if not years:
            return Val(undefined=f"{year_span(first, last)}尚未成立", period=year_span(first, last))
        values: list[Decimal] = []
        missing: list[str] = []
        for year in years:
            value = ctx.facts.yearly(year, self.name)
            if value is None:
                missing.append(f"{year}年{self.fact_label}")
            else:
                values.append(value)
        period = year_span(years[0], years[-1])
        if missing:
            return Val(missing=tuple(missing), period=period)
        if self.agg == "sum":
            result = sum(values, ZERO)
        elif self.agg == "avg":
            result = sum(values, ZERO) / len(values)
        elif self.agg == "min":
            result = min(values)
        else:
            result = max(values)
        return Val(result, period=period)


class TextFact(ValueNode):
    """A static text fact (park, industry, chain link), for `==` and `in`."""

    def __init__(self, name: str, label: str) -> None:
        self.name = name
        self.label = label

    def evaluate(self, ctx: Context) -> Val:
        text = ctx.facts.texts.get(self.name)
        return Val(text=text) if text is not None else Val(missing=(self.label,))


class YearsSince(ValueNode):
    """Whole years from a static date (成立日期) to the as-of date, counted by anniversary."""

    def __init__(self, name: str, label: str) -> None:
        self.name = name
        self.label = f"自{label}起至评价日的年限"
        self.fact_label = label
        self.unit = "年"

    def evaluate(self, ctx: Context) -> Val:
        start = ctx.facts.registered_on if self.name == "registered_on" else None
        if start is None:
            return Val(missing=(self.fact_label,))
        years = ctx.as_of.year - start.year
        if (ctx.as_of.month, ctx.as_of.day) < (start.month, start.day):
            years -= 1
        return Val(Decimal(max(years, 0)), period=f"{start.isoformat()}成立")


class InputValue(ValueNode):
    """A value the rule set declares as an input: an expert's score or a figure the enterprise declares."""

    def __init__(self, code: str, label: str, unit: str, kind_label: str) -> None:
        self.code = code
        self.label = label
        self.unit = unit
        self.kind_label = kind_label

    def evaluate(self, ctx: Context) -> Val:
        value = ctx.facts.inputs.get(self.code)
        if isinstance(value, Decimal):
            return Val(value)
        if isinstance(value, str):
            return Val(text=value)
        return Val(missing=(f"{self.label}（{self.kind_label}）",))


class Ratio(ValueNode):
    """numerator ÷ denominator × 100, in %: the share the official texts call 比例/占比."""

    def __init__(self, numerator: ValueNode, denominator: ValueNode) -> None:
        self.numerator = numerator
        self.denominator = denominator
        self.label = f"{numerator.label}占{denominator.label}的比例"
        self.unit = "%"

    def evaluate(self, ctx: Context) -> Val:
        num = self.numerator.evaluate(ctx)
        den = self.denominator.evaluate(ctx)
        period = first_period(num, den)
        if num.number is None or den.number is None:
            return Val(missing=merge_missing(num, den), undefined=num.undefined or den.undefined, period=period)
        if den.number == 0:
            return Val(undefined=f"{den.period or ''}{_bare(self.denominator)}为0", period=period)
        return Val(num.number / den.number * HUNDRED, period=period)


def _bare(node: ValueNode) -> str:
    return node.fact_label if isinstance(node, FactValue) and node.span == 1 else node.label


class Arithmetic(ValueNode):
    SYMBOLS = {"add": "加", "sub": "减", "mul": "乘", "div": "除以", "min": "与", "max": "与"}

    def __init__(self, op: str, items: list[ValueNode]) -> None:
        self.op = op
        self.items = items
        self.unit = items[0].unit if op in {"add", "sub", "min", "max"} else ""
        joined = self.SYMBOLS[op].join(item.label for item in items)
        self.label = {"min": f"{joined}中的较小者", "max": f"{joined}中的较大者"}.get(op, joined)

    def evaluate(self, ctx: Context) -> Val:
        vals = [item.evaluate(ctx) for item in self.items]
        period = first_period(*vals)
        numbers = [v.number for v in vals]
        if any(n is None for n in numbers):
            undefined = next((v.undefined for v in vals if v.undefined), None)
            return Val(missing=merge_missing(*vals), undefined=undefined, period=period)
        known = [n for n in numbers if n is not None]
        if self.op == "add":
            return Val(sum(known, ZERO), period=period)
        if self.op == "sub":
            result = known[0]
            for n in known[1:]:
                result -= n
            return Val(result, period=period)
        if self.op == "mul":
            result = ONE
            for n in known:
                result *= n
            return Val(result, period=period)
        if self.op == "min":
            return Val(min(known), period=period)
        if self.op == "max":
            return Val(max(known), period=period)
        result = known[0]
        for item, n in zip(self.items[1:], known[1:], strict=True):
            if n == 0:
                return Val(undefined=f"{item.label}为0", period=period)
            result /= n
        return Val(result, period=period)


class Growth(ValueNode):
    """Year-on-year growth in %: (this year ÷ the year before − 1) × 100."""

    def __init__(self, of: ValueNode) -> None:
        self.of = of
        self.label = f"{_strip_period(of.label)}增长率"
        self.unit = "%"
        self.is_growth = True

    def evaluate(self, ctx: Context) -> Val:
        now = self.of.evaluate(ctx)
        before = self.of.evaluate(ctx.at(ctx.year - 1))
        period = year_span(ctx.year - 1, ctx.year)
        if now.number is None or before.number is None:
            return Val(missing=merge_missing(before, now), period=period)
        if before.number == 0:
            return Val(undefined=f"{ctx.year - 1}年{_strip_period(self.of.label)}为0", period=period)
        return Val((now.number / before.number - ONE) * HUNDRED, period=period)


class CompoundGrowth(ValueNode):
    """Compound annual growth over `years` years in %: ((Yₙ ÷ Y₀)^(1/n) − 1) × 100 (小巨人: 近2年复合增长率)."""

    def __init__(self, of: ValueNode, years: int) -> None:
        self.of = of
        self.years = years
        self.label = f"近{numeral(years)}年{_strip_period(of.label)}复合增长率"
        self.unit = "%"
        self.is_growth = True

    def evaluate(self, ctx: Context) -> Val:
        base_year = ctx.year - self.years
        now = self.of.evaluate(ctx)
        base = self.of.evaluate(ctx.at(base_year))
        period = year_span(base_year, ctx.year)
        if now.number is None or base.number is None:
            return Val(missing=merge_missing(base, now), period=period)
        if base.number <= 0 or now.number < 0:
            return Val(undefined=f"{base_year}年{_strip_period(self.of.label)}不为正数", period=period)
        if now.number == 0:
            return Val(-HUNDRED, period=period)
        with localcontext() as decimal_context:
            decimal_context.prec = 34
            ratio = now.number / base.number
            # sqrt is correctly rounded (exact when the root is exact, e.g. 1.1025 → 1.05); other roots go through
            # ln/exp, so the rate is settled to 1e-12 % to keep a boundary (exactly 5%) exactly on it.
            factor = ratio if self.years == 1 else ratio.sqrt() if self.years == 2 else (ratio.ln() / self.years).exp()
            rate = ((factor - ONE) * HUNDRED).quantize(RATE_QUANTUM)
        return Val(rate.normalize() if rate else ZERO, period=period)


class AverageGrowth(ValueNode):
    """The 高企 growth rate (国科发火〔2016〕195号, 企业成长性): ½ × (Y2/Y1 + Y3/Y2) − 1, in %, over the last three
    years Y1..Y3 (generally: the mean of the year-on-year ratios − 1). Y1 = 0: computed over the last two years
    (Y3/Y2 − 1). Y2 = 0: undefined — the rule set says what that means (the guideline gives 0 points)."""

    def __init__(self, of: ValueNode, years: int = 3, *, operating_only: bool = False) -> None:
        self.of = of
        self.years = years
        self.operating_only = operating_only
        self.label = f"近{numeral(years)}年{_strip_period(of.label)}增长率"
        self.unit = "%"
        self.is_growth = True

    def evaluate(self, ctx: Context) -> Val:
        first = ctx.year - self.years + 1
        start = ctx.facts.registered_on.year if self.operating_only and ctx.facts.registered_on else None
        # A year before the enterprise existed counts as 0 (so "Y1 = 0: the last two years" applies to it).
        vals = [
            Val(ZERO) if start is not None and year < start else self.of.evaluate(ctx.at(year))
            for year in range(first, ctx.year + 1)
        ]
        period = year_span(first, ctx.year)
        if any(v.number is None for v in vals):
            return Val(missing=merge_missing(*vals), period=period)
        series = [(first + i, v.number) for i, v in enumerate(vals) if v.number is not None]
        if series[0][1] == 0:
            series = series[1:]
        if len(series) < 2:
            return Val(undefined="可计算增长的年度不足两年", period=period)
        ratios: list[Decimal] = []
        for (_year, before), (year, now) in itertools.pairwise(series):
            if before == 0:
                return Val(undefined=f"{year - 1}年{_strip_period(self.of.label)}为0", period=period)
            ratios.append(now / before)
        return Val((sum(ratios, ZERO) / len(ratios) - ONE) * HUNDRED, period=period)


class Named(ValueNode):
    """A value named in the rule set's `values` section, with its own label."""

    def __init__(self, code: str, node: ValueNode, label: str, unit: str) -> None:
        self.code = code
        self.node = node
        self.label = label
        self.unit = unit
        self.is_growth = node.is_growth

    def evaluate(self, ctx: Context) -> Val:
        return self.node.evaluate(ctx)


def _strip_period(label: str) -> str:
    for prefix in ("近一年", "上一年"):
        if label.startswith(prefix):
            return label[len(prefix) :]
    return label


def with_period(val: Val, period: str | None) -> Val:
    return val if val.period or not period else replace(val, period=period)
