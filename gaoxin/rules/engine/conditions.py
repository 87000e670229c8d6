"""Criteria (判定条件): comparisons, yes/no flags, qualifications and their all/any/not compositions.

Every condition evaluates to a `Check`: the outcome (pass / fail / unknown, see `outcome`), the actual value, the
requirement and one Chinese sentence saying why, e.g.
"近三年研发费用占同期销售收入比例（2022–2024年）4.2%，低于要求的5%".
Missing data make a condition unknown, never failed; the sentence then names what is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .outcome import Outcome, all_of, any_of, not_
from .values import Context, Val, ValueNode
from .vocabulary import FlagInfo
from .wording import OP_WORDS, figure, figure_against, figure_signed, join, numeral, requirement_figure

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Check:
    """The result of one criterion or score item, before it is named in an evaluation."""

    outcome: Outcome
    actual: object
    required: str
    message: str
    missing: tuple[str, ...] = ()
    threshold: object = None
    points_lo: Decimal | None = None
    points_hi: Decimal | None = None


class Condition:
    label: str = ""

    def evaluate(self, ctx: Context) -> Check:
        raise NotImplementedError

    def describe(self) -> str:
        """The Chinese reading of the condition, as a clause of one sentence."""
        return self.label


# --- bounds: one band of a table, or one row of a threshold table ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bounds:
    """min ≤ x, above < x, x ≤ max, x < below; any combination. Empty bounds match everything."""

    min: Decimal | None = None
    above: Decimal | None = None
    max: Decimal | None = None
    below: Decimal | None = None

    @property
    def empty(self) -> bool:
        return self.min is None and self.above is None and self.max is None and self.below is None

    def contains(self, x: Decimal) -> bool:
        if self.min is not None and x < self.min:
            return False
        if self.above is not None and x <= self.above:
            return False
        if self.max is not None and x > self.max:
            return False
        return not (self.below is not None and x >= self.below)

    def text(self, unit: str) -> str:
        """ "≥30%", "≥5000万元且<2亿元" (lower bounds inclusive unless written `above`)."""
        parts = []
        if self.min is not None:
            parts.append(f"≥{requirement_figure(self.min, unit)}")
        if self.above is not None:
            parts.append(f">{requirement_figure(self.above, unit)}")
        if self.max is not None:
            parts.append(f"≤{requirement_figure(self.max, unit)}")
        if self.below is not None:
            parts.append(f"<{requirement_figure(self.below, unit)}")
        return "且".join(parts) if parts else "其余"

    def words(self, unit: str) -> str:
        """ "不低于30%", "超过5000万元且不超过2亿元"."""
        parts = []
        if self.min is not None:
            parts.append(f"不低于{requirement_figure(self.min, unit)}")
        if self.above is not None:
            parts.append(f"超过{requirement_figure(self.above, unit)}")
        if self.max is not None:
            parts.append(f"不超过{requirement_figure(self.max, unit)}")
        if self.below is not None:
            parts.append(f"低于{requirement_figure(self.below, unit)}")
        return "且".join(parts) if parts else "其余情形"


# --- thresholds ---------------------------------------------------------------------------------------------------


def _bounds_limits(rows: Sequence[Bounds]) -> list[Decimal]:
    return [x for b in rows for x in (b.min, b.above, b.max, b.below) if x is not None]


def compare_numbers(op: str, x: Decimal, t: Decimal) -> bool:
    if op == ">=":
        return x >= t
    if op == ">":
        return x > t
    if op == "<=":
        return x <= t
    if op == "<":
        return x < t
    if op == "==":
        return x == t
    return x != t


def compare_interval(op: str, lo: Decimal, hi: Decimal, operand: object) -> Outcome:
    """An operator applied to every value of [lo, hi]: pass if it holds for all, fail if for none, else unknown."""
    if op == "between":
        assert isinstance(operand, tuple)
        a, b = operand
        if a <= lo and hi < b:
            return Outcome.PASS
        if hi < a or lo >= b:
            return Outcome.FAIL
        return Outcome.UNKNOWN
    if op == "in":
        assert isinstance(operand, tuple)
        members = [m for m in operand if isinstance(m, Decimal)]
        if lo == hi:
            return Outcome.of(lo in members)
        return Outcome.UNKNOWN if any(lo <= m <= hi for m in members) else Outcome.FAIL
    assert isinstance(operand, Decimal)
    if op == "==":
        if lo == hi == operand:
            return Outcome.PASS
        return Outcome.FAIL if operand < lo or operand > hi else Outcome.UNKNOWN
    if op == "!=":
        return not_(compare_interval("==", lo, hi, operand))
    at_lo = compare_numbers(op, lo, operand)
    at_hi = compare_numbers(op, hi, operand)
    if at_lo and at_hi:
        return Outcome.PASS
    if not at_lo and not at_hi:
        return Outcome.FAIL
    return Outcome.UNKNOWN


def operand_text(op: str, operand: object, unit: str) -> str:
    if op == "between":
        assert isinstance(operand, tuple)
        a, b = operand
        return f"{requirement_figure(a, unit)}（含）至{requirement_figure(b, unit)}（不含）之间"
    if op == "in":
        assert isinstance(operand, tuple)
        return join([requirement_figure(m, unit) if isinstance(m, Decimal) else str(m) for m in operand])
    if isinstance(operand, Decimal):
        return requirement_figure(operand, unit)
    return str(operand)


def requirement_words(op: str, operand: object, unit: str) -> str:
    """ "不低于5%", "在1300万元（含）至2000万元（不含）之间", "为A、B之一"."""
    if op == "between":
        return f"在{operand_text(op, operand, unit)}"
    if op == "in":
        return f"为{operand_text(op, operand, unit)}之一"
    return f"{OP_WORDS[op][0]}{operand_text(op, operand, unit)}"


def verdict_words(op: str, operand: object, unit: str, met: bool) -> str:
    """ "不低于要求的5%" / "低于要求的5%"."""
    if op == "between":
        return f"{'在' if met else '不在'}要求的{operand_text(op, operand, unit)}"
    if op == "in":
        return f"{'属于' if met else '不属于'}要求的{operand_text(op, operand, unit)}"
    words = OP_WORDS[op]
    return f"{words[1] if met else words[2]}{operand_text(op, operand, unit)}"


def json_operand(operand: object) -> object:
    if isinstance(operand, tuple):
        return list(operand)
    return operand


@dataclass(frozen=True, slots=True)
class ThresholdRow:
    bounds: Bounds
    operand: Decimal


class Threshold:
    """The requirement of a comparison: a fixed operand, or one chosen by a table on another value (高企: the R&D
    ratio required depends on the latest year's sales)."""

    def __init__(
        self,
        op: str,
        operand: object = None,
        *,
        selector: ValueNode | None = None,
        selector_label: str = "",
        rows: Sequence[ThresholdRow] = (),
    ) -> None:
        self.op = op
        self.operand = operand
        self.selector = selector
        self.selector_label = selector_label
        self.rows = tuple(rows)
        self.row_words = effective_words([row.bounds for row in self.rows], selector.unit if selector else "")

    def describe(self, unit: str) -> str:
        if self.selector is None:
            return requirement_words(self.op, self.operand, unit)
        parts = [
            f"{requirement_figure(row.operand, unit)}（{self.selector_label}{words}）"
            for row, words in zip(self.rows, self.row_words, strict=True)
        ]
        return f"{OP_WORDS[self.op][0]}{join(parts)}"


def effective_words(rows: Sequence[Bounds], unit: str) -> list[str]:
    """What each row of a first-hit table covers, given that the rows above it did not match: after "不超过5000万元"
    the row "不超过2亿元" reads "超过5000万元且不超过2亿元", and the last row "超过2亿元"."""
    words: list[str] = []
    previous: Bounds | None = None
    for bounds in rows:
        implied = Bounds()
        if previous is not None and previous.min is None and previous.above is None:
            if previous.max is not None:
                implied = Bounds(above=previous.max)
            elif previous.below is not None:
                implied = Bounds(min=previous.below)
        elif previous is not None and previous.max is None and previous.below is None:
            if previous.min is not None:
                implied = Bounds(below=previous.min)
            elif previous.above is not None:
                implied = Bounds(max=previous.above)
        merged = Bounds(
            min=bounds.min if bounds.min is not None else implied.min,
            above=bounds.above if bounds.above is not None or bounds.min is not None else implied.above,
            max=bounds.max if bounds.max is not None else implied.max,
            below=bounds.below if bounds.below is not None or bounds.max is not None else implied.below,
        )
        words.append(merged.words(unit))
        previous = bounds
    return words


def _fmt(val: Val, unit: str, operand: object = None, *, growth: bool = False) -> str:
    if val.number is not None:
        return figure_signed(val.number, unit, _limits(operand), growth=growth)
    return val.text or ""


def _limits(operand: object) -> list[Decimal]:
    if isinstance(operand, Decimal):
        return [operand]
    if isinstance(operand, tuple):
        return [m for m in operand if isinstance(m, Decimal)]
    return []


class Compare(Condition):
    """value op threshold, optionally for each of the last `each_year` years (all must hold)."""

    def __init__(
        self, label: str, subject: str, value: ValueNode, threshold: Threshold, each_year: int | None = None
    ) -> None:
        self.label = label
        self.subject = subject
        self.value = value
        self.threshold = threshold
        self.each_year = each_year

    @property
    def unit(self) -> str:
        return self.value.unit

    def describe(self) -> str:
        lead = f"近{numeral(self.each_year)}年每年" if self.each_year else ""
        return f"{lead}{self.subject}{self.threshold.describe(self.unit)}"

    def evaluate(self, ctx: Context) -> Check:
        if self.each_year:
            return self._each_year(ctx)
        val = self.value.evaluate(ctx)
        return self._one(ctx, val)

    # one year ----------------------------------------------------------------------------------------------------

    def _one(self, ctx: Context, val: Val) -> Check:
        threshold = self.threshold
        unit = self.unit
        period = f"（{val.period}）" if val.period and unit != "年" else ""
        if threshold.selector is None:
            op, operand = threshold.op, threshold.operand
            required = requirement_words(op, operand, unit)
            if not val.known:
                return self._not_known(val, required)
            outcome = self._test(op, val, operand)
            shown = _fmt(val, unit, operand, growth=self.value.is_growth)
            message = f"{self.subject}{period}{shown}，{verdict_words(op, operand, unit, outcome is Outcome.PASS)}"
            return Check(outcome, _actual(val), required, message, threshold=json_operand(operand))
        # The operand depends on another value (a threshold table).
        sel = threshold.selector.evaluate(ctx)
        sel_unit = threshold.selector.unit
        if sel.number is not None:
            index = next((i for i, r in enumerate(threshold.rows) if r.bounds.contains(sel.number)), None)
            if index is None:
                message = f"{threshold.selector_label}{figure(sel.number, sel_unit)}，不在任何一档适用范围内"
                return Check(Outcome.FAIL, _actual(val), threshold.describe(unit), message)
            row = threshold.rows[index]
            shown_sel = figure_against(sel.number, sel_unit, _bounds_limits([r.bounds for r in threshold.rows]))
            note = f"（{threshold.selector_label}{shown_sel}，{threshold.row_words[index]}）"
            required = f"{requirement_words(threshold.op, row.operand, unit)}{note}"
            if not val.known:
                return self._not_known(val, required)
            outcome = self._test(threshold.op, val, row.operand)
            verdict = verdict_words(threshold.op, row.operand, unit, outcome is Outcome.PASS)
            shown = _fmt(val, unit, row.operand, growth=self.value.is_growth)
            message = f"{self.subject}{period}{shown}，{verdict}{note}"
            return Check(outcome, _actual(val), required, message, threshold=row.operand)
        required = threshold.describe(unit)
        if not val.known:
            return self._not_known(val, required, extra=sel.missing)
        outcomes = {self._test(threshold.op, val, row.operand) for row in threshold.rows}
        if len(outcomes) == 1:
            outcome = outcomes.pop()
            word = "满足" if outcome is Outcome.PASS else "不满足"
            limits = tuple(row.operand for row in threshold.rows)
            shown = _fmt(val, unit, limits, growth=self.value.is_growth)
            message = f"{self.subject}{period}{shown}，{word}各档要求（{required}）"
            return Check(outcome, _actual(val), required, message)
        missing = sel.missing or ((sel.undefined,) if sel.undefined else ())
        message = (
            f"{self.subject}{period}{_fmt(val, unit, growth=self.value.is_growth)}；{threshold.selector_label}待核实"
            f"（缺少{join(missing)}），无法确定适用的标准（{required}）"
        )
        return Check(Outcome.UNKNOWN, _actual(val), required, message, missing=missing)

    def _test(self, op: str, val: Val, operand: object) -> Outcome:
        if val.number is not None:
            if op in {"between", "in"} or isinstance(operand, Decimal):
                return compare_interval(op, val.number, val.number, operand)
            return Outcome.FAIL if op == "==" else Outcome.PASS
        text = val.text
        if op == "in":
            assert isinstance(operand, tuple)
            return Outcome.of(text in operand)
        if op == "==":
            return Outcome.of(text == operand)
        if op == "!=":
            return Outcome.of(text != operand)
        return Outcome.UNKNOWN

    def _not_known(self, val: Val, required: str, extra: tuple[str, ...] = ()) -> Check:
        missing = tuple(dict.fromkeys(val.missing + extra))
        if val.undefined and not missing:
            message = f"{self.subject}无法计算（{val.undefined}）；要求{required}"
            return Check(Outcome.UNKNOWN, None, required, message, missing=(val.undefined,))
        if len(missing) == 1 and missing[0].startswith(self.subject):
            message = f"{self.subject}待核实：尚未提供{missing[0][len(self.subject) :]}；要求{required}"
        else:
            message = f"{self.subject}待核实：缺少{join(missing)}；要求{required}"
        return Check(Outcome.UNKNOWN, None, required, message, missing=missing)

    # each of the last N years ------------------------------------------------------------------------------------

    def _each_year(self, ctx: Context) -> Check:
        assert self.each_year
        years = list(range(ctx.year - self.each_year + 1, ctx.year + 1))
        checks = []
        for year in years:
            at_year = ctx.at(year)
            checks.append((year, self._one(at_year, self.value.evaluate(at_year))))
        outcome = all_of(check.outcome for _, check in checks)
        unit = self.unit
        actual: dict[str, object] = {}
        shown = []
        for year, check in checks:
            actual[str(year)] = check.actual
            if isinstance(check.actual, Decimal):
                text = figure_signed(check.actual, unit, _limits(check.threshold), growth=self.value.is_growth)
                shown.append(f"{year}年{text}")
            else:
                shown.append(f"{year}年待核实")
        required = f"近{numeral(self.each_year)}年每年{self.threshold.describe(unit)}"
        failing = [year for year, check in checks if check.outcome is Outcome.FAIL]
        unknown = [(year, check) for year, check in checks if check.outcome is Outcome.UNKNOWN]
        missing = tuple(dict.fromkeys(m for _, check in unknown for m in check.missing))
        lead = f"{self.subject}：{join(shown)}"
        if outcome is Outcome.PASS:
            message = f"{lead}，各年均{self._verdict_all(True)}"
        elif outcome is Outcome.FAIL:
            message = f"{lead}，{join([f'{y}年' for y in failing])}{self._verdict_all(False)}"
        else:
            message = f"{lead}；待核实：缺少{join(missing)}"
        return Check(
            outcome, actual, required, message, missing=missing, threshold=json_operand(self.threshold.operand)
        )

    def _verdict_all(self, met: bool) -> str:
        threshold = self.threshold
        if threshold.selector is None:
            return verdict_words(threshold.op, threshold.operand, self.unit, met)
        return ("满足" if met else "不满足") + "要求"


def _actual(val: Val) -> object:
    return val.number if val.number is not None else val.text


class FlagCheck(Condition):
    """A yes/no fact (FORMATS.md flags, `is_above_scale`, or a yes/no input the rule set declares) must be `expect`."""

    def __init__(self, label: str, name: str, expect: bool, info: FlagInfo | None, *, is_input: bool = False) -> None:
        self.label = label
        self.name = name
        self.expect = expect
        self.info = info
        self.is_input = is_input

    def _sentence(self, value: bool) -> str:
        if self.info is not None:
            return self.info.when_true if value else self.info.when_false
        return self.label if value else f"{self.label}：否"

    def describe(self) -> str:
        return self._sentence(self.expect)

    def evaluate(self, ctx: Context) -> Check:
        if self.is_input:
            raw = ctx.facts.inputs.get(self.name)
            value = raw if isinstance(raw, bool) else ctx.facts.flags.get(self.name)
        else:
            value = ctx.facts.flags.get(self.name)
        required = self._sentence(self.expect)
        if value is None:
            what = self.info.label if self.info else self.label
            return Check(Outcome.UNKNOWN, None, required, f"{self.label}待核实：缺少“{what}”的信息", missing=(what,))
        outcome = Outcome.of(value == self.expect)
        return Check(outcome, value, required, self._sentence(value), threshold=self.expect)


class QualificationCheck(Condition):
    """The enterprise holds a qualification of one of `types` (and `levels`, if given) valid on the as-of date."""

    def __init__(self, label: str, types: Sequence[str], levels: Sequence[str] = ()) -> None:
        self.label = label
        self.types = tuple(types)
        self.levels = tuple(levels)
        level_text = f"（{join(self.levels, '或')}）" if self.levels else ""
        self.what = f"{self.types[0]}{level_text}"

    def describe(self) -> str:
        return f"持有有效期内的{self.what}资质"

    def evaluate(self, ctx: Context) -> Check:
        required = self.describe()
        held = ctx.facts.qualifications
        if held is None:
            return Check(Outcome.UNKNOWN, None, required, f"{self.label}待核实：缺少资质信息", missing=("资质信息",))
        matches = [q for q in held if q.type in self.types and (not self.levels or q.level in self.levels)]
        valid = [q for q in matches if q.valid_on(ctx.as_of)]
        if valid:
            best = max(valid, key=lambda q: q.valid_to or ctx.as_of.replace(year=9999))
            until = f"，有效期至{best.valid_to.isoformat()}" if best.valid_to else ""
            actual = {
                "type": best.type,
                "level": best.level,
                "valid_from": best.valid_from.isoformat() if best.valid_from else None,
                "valid_to": best.valid_to.isoformat() if best.valid_to else None,
            }
            return Check(Outcome.PASS, actual, required, f"持有{self.what}资质{until}")
        if matches:
            expired = [q for q in matches if q.valid_to is not None and q.valid_to < ctx.as_of]
            if expired:
                last = max(q.valid_to for q in expired if q.valid_to is not None)
                message = f"所持{self.what}资质已于{last.isoformat()}到期，评价日{ctx.as_of.isoformat()}不在有效期内"
            else:
                message = f"所持{self.what}资质在评价日{ctx.as_of.isoformat()}尚未生效"
            return Check(Outcome.FAIL, None, required, message)
        return Check(Outcome.FAIL, None, required, f"未持有{self.what}资质")


class Ref(Condition):
    """A reference to another criterion of the rule set by its code; evaluated once per evaluation (memo)."""

    def __init__(self, code: str, target: Condition) -> None:
        self.code = code
        self.target = target
        self.label = target.label

    def describe(self) -> str:
        return self.target.describe()

    def evaluate(self, ctx: Context) -> Check:
        key = f"criterion:{self.code}"
        found = ctx.memo.get(key)
        if isinstance(found, Check):
            return found
        check = self.target.evaluate(ctx)
        ctx.memo[key] = check
        return check


class Composite(Condition):
    """all / any of several criteria, or not of one (three-valued, see `outcome`)."""

    def __init__(self, label: str, kind: str, children: Sequence[Condition]) -> None:
        self.label = label
        self.kind = kind
        self.children = tuple(children)

    def flat_children(self) -> list[Condition]:
        """Children, with a nested composite of the same kind spliced in (any of any = any)."""
        flat: list[Condition] = []
        for child in self.children:
            target = child.target if isinstance(child, Ref) else child
            if isinstance(target, Composite) and target.kind == self.kind and self.kind != "not":
                flat.extend(target.flat_children())
            else:
                flat.append(child)
        return flat

    def describe(self, nested: bool = False) -> str:
        parts = []
        for child in self.flat_children():
            target = child.target if isinstance(child, Ref) else child
            parts.append(target.describe(nested=True) if isinstance(target, Composite) else child.describe())
        if self.kind == "not":
            return f"不满足“{parts[0]}”"
        if len(parts) == 1:
            return parts[0]
        if nested:
            return f"同时满足{join(parts)}" if self.kind == "all" else f"满足{join(parts, '或')}之一"
        if self.kind == "all":
            return f"同时满足：{join(parts, '；')}"
        return f"满足下列之一：{join(parts, '；或')}"

    def evaluate(self, ctx: Context) -> Check:
        checks = [child.evaluate(ctx) for child in self.children]
        by: dict[Outcome, list[str]] = {o: [] for o in Outcome}
        for child, check in zip(self.children, checks, strict=True):
            by[check.outcome].append(child.label)
        missing = tuple(dict.fromkeys(m for c in checks if c.outcome is Outcome.UNKNOWN for m in c.missing))
        actual = {o.value: names for o, names in by.items()}
        if self.kind == "not":
            (check,) = checks
            outcome = not_(check.outcome)
            label = self.children[0].label
            if outcome is Outcome.PASS:
                message = f"不属于“{label}”的情形"
            elif outcome is Outcome.FAIL:
                message = f"属于“{label}”的情形"
            else:
                message = f"“{label}”待核实"
            return Check(outcome, actual, f"不满足“{label}”", message, missing=missing)
        if self.kind == "all":
            outcome = all_of(c.outcome for c in checks)
            required = "同时满足各项条件"
            if outcome is Outcome.PASS:
                message = f"满足全部{len(checks)}项条件"
            elif outcome is Outcome.FAIL:
                message = f"不满足：{join(by[Outcome.FAIL])}"
                if by[Outcome.UNKNOWN]:
                    message += f"；另有待核实：{join(by[Outcome.UNKNOWN])}"
            else:
                message = f"待核实：{join(by[Outcome.UNKNOWN])}"
            return Check(outcome, actual, required, message, missing=missing)
        outcome = any_of(c.outcome for c in checks)
        required = "满足其中一项"
        if outcome is Outcome.PASS:
            message = f"满足：{join(by[Outcome.PASS])}"
        elif outcome is Outcome.FAIL:
            message = f"均不满足（{join(by[Outcome.FAIL])}）"
        else:
            message = f"待核实：{join(by[Outcome.UNKNOWN])}"
            if by[Outcome.FAIL]:
                message += f"（{join(by[Outcome.FAIL])}不满足）"
        return Check(outcome, actual, required, message, missing=missing)
