"""Scores (评分): band tables, expert-judged inputs, sums with a cap, the better of two scores, and thresholds on them.

A score item evaluates to an interval of points [lo, hi]:
- a band whose points the guideline gives as a range ("≥35%: 9–10分", chosen by the experts) is [9, 10];
- an item whose data are missing, or an expert's score not yet given, is the whole range it could still take;
- a sum adds the intervals (then caps both ends), "the better of" takes the larger of each end.
A threshold on a score is therefore pass when even the lowest possible total meets it, fail when even the highest
does not, and unknown otherwise — with a sentence saying how many points the undetermined items must still bring.

Band tables are decision tables with the *first hit* policy: rows are tried top to bottom and the first that holds
gives the points. A row holds by bounds on the table's value (`min` inclusive — lower bounds are inclusive, as the
official tables are read — `above` exclusive, `max`, `below`) or by a `when` condition; the last row, without either,
is "其余". When a row's condition is unknown, every row from there down to the first certain hit stays possible.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from .conditions import (
    Bounds,
    Check,
    Composite,
    Condition,
    compare_interval,
    json_operand,
    requirement_words,
    verdict_words,
)
from .outcome import Outcome
from .values import Context, ValueNode
from .wording import figure_signed, join, points_text, requirement_figure, strip

ZERO = Decimal(0)


def scored(outcome_missing: tuple[str, ...], lo: Decimal, hi: Decimal) -> Outcome:
    """A score item's own outcome: unknown while its data are missing, otherwise pass when it earns points."""
    if outcome_missing:
        return Outcome.UNKNOWN
    return Outcome.PASS if hi > 0 else Outcome.FAIL


class PointsNode:
    code: str = ""
    label: str = ""
    capped_below: bool = False  # inside a sum with a cap: extra points there may not raise the total

    @cached_property
    def max_points(self) -> Decimal:
        raise NotImplementedError

    @cached_property
    def min_points(self) -> Decimal:
        raise NotImplementedError

    @cached_property
    def full_marks(self) -> str:
        return f"满分{strip(self.max_points)}分"

    def children(self) -> Sequence[PointsNode]:
        return ()

    def walk(self) -> Iterator[PointsNode]:
        yield self
        for child in self.children():
            yield from child.walk()

    def describe(self) -> str:
        raise NotImplementedError

    def evaluate(self, ctx: Context) -> Check:
        key = f"points:{self.code}"
        found = ctx.memo.get(key)
        if isinstance(found, Check):
            return found
        check = self._evaluate(ctx)
        ctx.memo[key] = check
        return check

    def _evaluate(self, ctx: Context) -> Check:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Band:
    bounds: Bounds
    when: Condition | None
    lo: Decimal
    hi: Decimal

    @property
    def is_default(self) -> bool:
        return self.when is None and self.bounds.empty

    def text(self, unit: str) -> str:
        if self.when is not None:
            return self.when.describe()
        return self.bounds.text(unit)


class BandTable(PointsNode):
    def __init__(
        self,
        code: str,
        label: str,
        bands: Sequence[Band],
        *,
        value: ValueNode | None = None,
        subject: str | None = None,
        if_undefined: tuple[Decimal, Decimal] | None = None,
    ) -> None:
        self.code = code
        self.label = label
        self.bands = tuple(bands)
        self.value = value
        self.subject = subject or (value.label if value else label)
        self.if_undefined = if_undefined

    @property
    def unit(self) -> str:
        return self.value.unit if self.value else ""

    @cached_property
    def max_points(self) -> Decimal:
        return max(band.hi for band in self.bands)

    @cached_property
    def min_points(self) -> Decimal:
        return min(band.lo for band in self.bands)

    def describe(self) -> str:
        rows = []
        for band in self.bands:
            pts = points_text(band.lo, band.hi)
            if band.is_default:
                rows.append(f"其余得{pts}")
            elif band.when is not None:
                when = band.when
                text = when.describe(nested=True) if isinstance(when, Composite) else when.describe()
                rows.append(f"{text}得{pts}")
            else:
                rows.append(f"{band.bounds.text(self.unit)}得{pts}")
        head = f"{self.label}（满分{strip(self.max_points)}分）：" + (f"{self.subject}" if self.value else "")
        separator = "，" if self.value else "；"
        tail = ""
        if self.if_undefined is not None:
            tail = f"；无法计算的按{points_text(*self.if_undefined)}计"
        return f"{head}{join(rows, separator)}{tail}"

    def _evaluate(self, ctx: Context) -> Check:
        required = self.full_marks
        unit = self.unit
        actual: object = None
        subject_text = self.subject
        if self.value is not None:
            val = self.value.evaluate(ctx)
            period = f"（{val.period}）" if val.period else ""
            if val.number is None:
                if val.undefined and not val.missing and self.if_undefined is not None:
                    lo, hi = self.if_undefined
                    message = f"{self.subject}{period}无法计算（{val.undefined}），按规定得{points_text(lo, hi)}"
                    return Check(scored((), lo, hi), None, required, message, points_lo=lo, points_hi=hi)
                lo, hi = self.min_points, self.max_points
                reason = (
                    f"无法计算（{val.undefined}）"
                    if val.undefined and not val.missing
                    else (f"待核实：缺少{join(val.missing)}")
                )
                missing = val.missing or ((val.undefined,) if val.undefined else ())
                message = f"{self.subject}{reason}，可能得{points_text(lo, hi)}"
                return Check(Outcome.UNKNOWN, None, required, message, missing=missing, points_lo=lo, points_hi=hi)
            actual = val.number
            limits = [
                x
                for b in self.bands
                for x in (b.bounds.min, b.bounds.above, b.bounds.max, b.bounds.below)
                if x is not None
            ]
            shown = figure_signed(val.number, unit, limits, growth=self.value.is_growth)
            subject_text = f"{self.subject}{period}{shown}"
        possible: list[Band] = []
        missing_all: list[str] = []
        hit: Band | None = None
        for band in self.bands:
            if band.is_default:
                outcome = Outcome.PASS
            elif band.when is not None:
                check = band.when.evaluate(ctx)
                outcome = check.outcome
                if outcome is Outcome.UNKNOWN:
                    missing_all.extend(check.missing)
            else:
                assert isinstance(actual, Decimal)
                outcome = Outcome.of(band.bounds.contains(actual))
            if outcome is Outcome.PASS:
                possible.append(band)
                hit = band
                break
            if outcome is Outcome.UNKNOWN:
                possible.append(band)
        if hit is None and not possible:
            # No row matched and there is no default row: the value is outside the table (validation prevents it).
            message = f"{subject_text}，不在评分表任何一档，得0分"
            return Check(Outcome.FAIL, actual, required, message, points_lo=ZERO, points_hi=ZERO)
        lo = min(band.lo for band in possible)
        hi = max(band.hi for band in possible)
        # Missing data matter only while they leave the points open.
        missing = tuple(dict.fromkeys(missing_all)) if lo != hi else ()
        if len(possible) == 1:
            band = possible[0]
            if self.value is not None:
                where = "其余情形" if band.is_default else f"{band.text(unit)}档"
                message = f"{subject_text}，属{where}，得{points_text(lo, hi)}"
            else:
                where = "不满足以上各档" if band.is_default else band.text(unit)
                message = f"{self.label}：{where}，得{points_text(lo, hi)}"
            if lo != hi:
                message += "（档内分值由专家评定）"
            actual = actual if actual is not None else band.text(unit)
        elif lo == hi:
            message = f"{self.label}得{points_text(lo, hi)}（部分条件待核实，但不影响得分）"
        else:
            message = f"{self.label}待核实：缺少{join(missing)}，可能得{points_text(lo, hi)}"
        return Check(scored(missing, lo, hi), actual, required, message, missing=missing, points_lo=lo, points_hi=hi)


class InputPoints(PointsNode):
    """Points given directly as an input: an expert's score (e.g. 高企 研究开发组织管理水平, 0–20分)."""

    def __init__(self, code: str, label: str, input_code: str, lo: Decimal, hi: Decimal, kind_label: str) -> None:
        self.code = code
        self.label = label
        self.input_code = input_code
        self.lo = lo
        self.hi = hi
        self.kind_label = kind_label

    @cached_property
    def max_points(self) -> Decimal:
        return self.hi

    @cached_property
    def min_points(self) -> Decimal:
        return self.lo

    def describe(self) -> str:
        return f"{self.label}（{self.kind_label}，{points_text(self.lo, self.hi)}）"

    def _evaluate(self, ctx: Context) -> Check:
        required = f"{self.kind_label}，{points_text(self.lo, self.hi)}"
        value = ctx.facts.inputs.get(self.input_code)
        if not isinstance(value, Decimal):
            message = f"{self.label}待{self.kind_label}（{points_text(self.lo, self.hi)}）"
            missing = (f"{self.label}（{self.kind_label}）",)
            return Check(
                Outcome.UNKNOWN, None, required, message, missing=missing, points_lo=self.lo, points_hi=self.hi
            )
        if not self.lo <= value <= self.hi:
            message = f"{self.label}{strip(value)}分超出{points_text(self.lo, self.hi)}的范围，不予采用"
            missing = (f"{self.label}（{self.kind_label}）",)
            return Check(
                Outcome.UNKNOWN, value, required, message, missing=missing, points_lo=self.lo, points_hi=self.hi
            )
        message = f"{self.label}（{self.kind_label}）得{strip(value)}分"
        return Check(scored((), value, value), value, required, message, points_lo=value, points_hi=value)


class SumPoints(PointsNode):
    def __init__(self, code: str, label: str, items: Sequence[PointsNode], cap: Decimal | None = None) -> None:
        self.code = code
        self.label = label
        self.items = tuple(items)
        self.cap = cap
        if cap is not None:
            for item in self.items:
                for node in item.walk():
                    node.capped_below = True

    def children(self) -> Sequence[PointsNode]:
        return self.items

    def _capped(self, value: Decimal) -> Decimal:
        return value if self.cap is None else min(value, self.cap)

    @cached_property
    def max_points(self) -> Decimal:
        return self._capped(sum((item.max_points for item in self.items), ZERO))

    @cached_property
    def min_points(self) -> Decimal:
        return self._capped(sum((item.min_points for item in self.items), ZERO))

    def describe(self) -> str:
        cap = f"，最高{strip(self.cap)}分" if self.cap is not None else ""
        return f"{self.label}（满分{strip(self.max_points)}分{cap}）由{join([i.label for i in self.items])}相加"

    def _evaluate(self, ctx: Context) -> Check:
        checks = [item.evaluate(ctx) for item in self.items]
        lo = self._capped(sum((c.points_lo or ZERO for c in checks), ZERO))
        hi = self._capped(sum((c.points_hi or ZERO for c in checks), ZERO))
        missing = tuple(dict.fromkeys(m for c in checks for m in c.missing)) if lo != hi else ()
        parts = [
            f"{item.label}{points_text(c.points_lo or ZERO, c.points_hi or ZERO)}"
            for item, c in zip(self.items, checks, strict=True)
        ]
        raw_hi = sum((c.points_hi or ZERO for c in checks), ZERO)
        capped = (
            f"，超过{strip(self.cap)}分的按{strip(self.cap)}分计" if self.cap is not None and raw_hi > self.cap else ""
        )
        message = f"{self.label}{points_text(lo, hi)}（{join(parts)}{capped}）"
        return Check(
            scored(missing, lo, hi),
            lo if lo == hi else None,
            self.full_marks,
            message,
            missing=missing,
            points_lo=lo,
            points_hi=hi,
        )


class BestOf(PointsNode):
    """The better of several ways to score the same thing (科小 研发投入: by sales or by total cost)."""

    def __init__(self, code: str, label: str, items: Sequence[PointsNode]) -> None:
        self.code = code
        self.label = label
        self.items = tuple(items)

    def children(self) -> Sequence[PointsNode]:
        return self.items

    @cached_property
    def max_points(self) -> Decimal:
        return max(item.max_points for item in self.items)

    @cached_property
    def min_points(self) -> Decimal:
        return max(item.min_points for item in self.items)

    def describe(self) -> str:
        return f"{self.label}（满分{strip(self.max_points)}分）取{join([i.label for i in self.items], '与')}中的较高者"

    def _evaluate(self, ctx: Context) -> Check:
        checks = [item.evaluate(ctx) for item in self.items]
        lo = max(c.points_lo or ZERO for c in checks)
        hi = max(c.points_hi or ZERO for c in checks)
        # Missing data matter only where the item could still beat the best certain score.
        missing = tuple(dict.fromkeys(m for c in checks if (c.points_hi or ZERO) > lo for m in c.missing))
        parts = [
            f"{item.label}{points_text(c.points_lo or ZERO, c.points_hi or ZERO)}"
            for item, c in zip(self.items, checks, strict=True)
        ]
        message = f"{self.label}取较高者，得{points_text(lo, hi)}（{join(parts)}）"
        return Check(
            scored(missing, lo, hi),
            lo if lo == hi else None,
            self.full_marks,
            message,
            missing=missing,
            points_lo=lo,
            points_hi=hi,
        )


class PointsCompare(Condition):
    """A threshold on a score item (e.g. 评价得分≥60分, 科技人员指标得分不为0, 创新能力≥20分)."""

    def __init__(self, label: str, item: PointsNode, op: str, operand: object) -> None:
        self.label = label
        self.item = item
        self.op = op
        self.operand = operand

    def describe(self) -> str:
        return f"{self.item.label}{requirement_words(self.op, self.operand, '分')}"

    def evaluate(self, ctx: Context) -> Check:
        check = self.item.evaluate(ctx)
        lo = check.points_lo if check.points_lo is not None else ZERO
        hi = check.points_hi if check.points_hi is not None else ZERO
        outcome = compare_interval(self.op, lo, hi, self.operand)
        required = requirement_words(self.op, self.operand, "分")
        actual = lo if lo == hi else [lo, hi]
        threshold = json_operand(self.operand)
        if lo == hi:
            message = (
                f"{self.item.label}{strip(lo)}分，{verdict_words(self.op, self.operand, '分', outcome is Outcome.PASS)}"
            )
            return Check(outcome, actual, required, message, threshold=threshold)
        if outcome is not Outcome.UNKNOWN:
            met = outcome is Outcome.PASS
            end = "最低分" if met else "最高分"
            verdict = verdict_words(self.op, self.operand, "分", met)
            message = f"{self.item.label}{points_text(lo, hi)}，即使按{end}计也{verdict}"
            return Check(outcome, actual, required, message, threshold=threshold)
        message = (
            f"{self.item.label}待定：按待定项最低分计为{strip(lo)}分，最高可达{strip(hi)}分；{self._hint(ctx, lo)}"
        )
        return Check(outcome, actual, required, message, missing=check.missing, threshold=threshold)

    def _hint(self, ctx: Context, lo: Decimal) -> str:
        """How many points the undetermined items must still bring (the officer's "若专家评分≥X分即可达到")."""
        if self.op not in {">=", ">"} or not isinstance(self.operand, Decimal):
            return "是否满足取决于待定项的评定结果"
        need = self.operand - lo
        open_leaves = []
        for node in self.item.walk():
            if node.children():
                continue
            found = ctx.memo.get(f"points:{node.code}")
            if isinstance(found, Check) and found.points_lo != found.points_hi:
                open_leaves.append(node)
        names = join([node.label for node in open_leaves])
        amount = f"≥{strip(need)}分" if self.op == ">=" else f"超过{strip(need)}分"
        experts_only = all(isinstance(n, InputPoints) and n.lo == 0 and not n.capped_below for n in open_leaves)
        target = f"{requirement_figure(self.operand, '分')}"
        if open_leaves and experts_only:
            return f"若专家评分（{names}）合计{amount}即可达到要求的{target}"
        return f"待定项（{names}）需在最低分之上合计再得{amount}，才能达到要求的{target}"
