"""A compiled rule set (`RuleSet`) as Polars expressions: one plan per rule set, frame columns, as-of date and year.

Every criterion and score item of the rule set becomes an `ItemPlan`: the expressions of its columns in the result
frame (`<code>#o` outcome 0 fail / 1 unknown / 2 pass — so all() is a minimum and any() a maximum, Kleene's logic
exactly; `<code>#lo`/`#hi` points in millionths; `<code>#a` the numeric actual; `<code>#m` whether the per-enterprise
engine lists something missing), a sensitivity expression (rows the floats cannot decide, handed to the exact path),
and its sentence: templates (a condition and the parts of the sentence, with figures written by `numbers.Figure`)
for the common cases, and a key for the rest, whose sentence is taken from the per-enterprise engine for one row of
each distinct key. Items are grouped in levels (an item comes after the items it refers to), so the exact results of
sensitive rows are in place before anything that depends on them is computed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from ..conditions import (
    Bounds,
    Compare,
    Composite,
    Condition,
    FlagCheck,
    QualificationCheck,
    Ref,
    _limits,
    verdict_words,
)
from ..ruleset import RuleSet
from ..scoring import Band, BandTable, BestOf, InputPoints, PointsCompare, PointsNode, SumPoints
from ..values import ValueNode
from ..wording import points_text, strip
from .frame import flag_column, input_column
from .numbers import (
    POINT_SCALE,
    Figure,
    any_of,
    both,
    display_sensitive,
    either,
    is_false,
    near_any,
    near_half,
    points_expr,
    points_text_expr,
    to_points,
)
from .values import FALSE, NULL_F, NULL_S, RAT_DIGITS, Rat, Unsupported, ValueCompiler, VVal, rat_const

FAIL, UNKNOWN, PASS = 0, 1, 2
DECISION = "__decision__"


def lit_o(code: int) -> pl.Expr:
    return pl.lit(code, dtype=pl.UInt8)


def of_bool(test: pl.Expr) -> pl.Expr:
    return pl.when(test).then(lit_o(PASS)).otherwise(lit_o(FAIL))


def min_o(items: Sequence[pl.Expr]) -> pl.Expr:
    return items[0] if len(items) == 1 else pl.min_horizontal(items)


def max_o(items: Sequence[pl.Expr]) -> pl.Expr:
    return items[0] if len(items) == 1 else pl.max_horizontal(items)


Part = str | pl.Expr | Figure


@dataclass(slots=True)
class Template:
    """Rows where `cond` holds get the sentence `parts` (literal text, text expressions and figures)."""

    cond: pl.Expr
    parts: list[Part]


@dataclass(slots=True)
class VCheck:
    outcome: pl.Expr
    sens: pl.Expr = FALSE
    has_miss: pl.Expr = FALSE


@dataclass(slots=True)
class ItemPlan:
    code: str
    kind: str  # "criterion" | "score" | "decision"
    label: str
    node: Condition | PointsNode
    deps: set[str] = field(default_factory=set)
    columns: dict[str, pl.Expr] = field(default_factory=dict)
    sens: pl.Expr = FALSE
    templates: list[Template] = field(default_factory=list)
    key: list[pl.Expr] = field(default_factory=list)
    #: figures whose extra decimals near a limit may meet a half-way point: (figure, its error bound)
    figures: list[tuple[Figure, pl.Expr | None]] = field(default_factory=list)
    #: rows whose written figures (or 4-decimal actual) the floats might get wrong: written from the exact path
    display: list[pl.Expr] = field(default_factory=list)
    #: columns computed before `columns` (in the same pass), stage by stage: each stage and `columns` read the
    #: earlier stages by name instead of repeating their trees (a band table's outcomes, first hit, bounds)
    stages: list[dict[str, pl.Expr]] = field(default_factory=list)
    #: whether some rows may be unsure (`sens` is not a literal false): only then is `<code>#s` computed
    sensitive: bool = True
    #: why this item is evaluated per row for every enterprise (None when vectorised)
    unsupported: str | None = None
    #: how the actual value is read back: "value", "each_year", "flag", "qualification", "composite", "points",
    #: "points_compare", "band", "input"
    actual: str = "value"
    extra: dict[str, object] = field(default_factory=dict)

    #: what each computed column of `steps()` computes — (digest of the expression, the columns it reads) — set
    #: when the plan is complete; None for a column that only renames another
    content: dict[str, tuple[str, frozenset[str]] | None] = field(default_factory=dict)

    #: `steps()`, built once when the plan is complete (evaluation reads them twice per run)
    passes: list[dict[str, pl.Expr]] = field(default_factory=list)

    def steps(self) -> list[dict[str, pl.Expr]]:
        """The columns the item adds, pass by pass: its stages, then its columns and its sensitivity `#s`."""
        last = dict(self.columns)
        if self.sensitive:
            last[f"{self.code}#s"] = self.sens.fill_null(False)
        return [*self.stages, last]

    def staged(self, depth: int, expr: pl.Expr) -> pl.Expr:
        """`expr` computed in stage `depth`, as a column named after what it computes (`_content`): read by name
        from the later stages, and shared by the rule sets whose items compute the same (`evaluate_batch`)."""
        content = _content(expr)
        if content is None:
            return expr
        while len(self.stages) <= depth:
            self.stages.append({})
        self.stages[depth][content[0]] = expr
        return pl.col(content[0])


def col(code: str, suffix: str) -> pl.Expr:
    return pl.col(f"{code}#{suffix}")


class Plan:
    """The vectorised form of one rule set for one frame layout, as-of date and reference year."""

    def __init__(self, ruleset: RuleSet, columns: set[str], as_of: dt.date, year: int) -> None:
        self.ruleset = ruleset
        self.as_of = as_of
        self.year = year
        self.values = ValueCompiler(columns, as_of)
        self.columns = columns
        self.qualifications: list[tuple[str, QualificationCheck]] = []
        self._qual_keys: dict[int, str] = {}
        self.items: dict[str, ItemPlan] = {}
        self._vals: list[VVal] = []
        self._item_codes = {code for code, _ in ruleset.criteria} | {n.code for n in ruleset.score_items}
        if ruleset.score is not None:
            for node in ruleset.score.walk():
                self.items[node.code] = self._points_item(node)
        for code, condition in ruleset.criteria:
            self.items[code] = self._criterion_item(code, condition)
        self.decision = self._decision_item()
        self.levels = self._levels()

    # --- items --------------------------------------------------------------------------------------------------------

    def _guard(self, item: ItemPlan, build: object) -> ItemPlan:
        assert callable(build)
        self._vals = []
        try:
            build(item)
        except Unsupported as exc:
            item.unsupported = str(exc)
            item.columns = {}
            item.stages = []
            item.templates = []
            item.key = []
            item.figures = []
            item.display = []
            item.sens = FALSE
        else:
            item.key = [*item.key, *self._val_key(self._vals)]
        return item

    def _val_key(self, vals: list[VVal]) -> list[pl.Expr]:
        key: list[pl.Expr] = []
        for v in vals:
            key.extend([v.num.is_null(), v.miss, v.undef, v.period])
            if v.text is not None:
                key.append(v.text)
        return key

    def _value(self, node: ValueNode, year: int) -> VVal:
        v = self.values.value(node, year)
        self._vals.append(v)
        return v

    def _criterion_item(self, code: str, condition: Condition) -> ItemPlan:
        item = ItemPlan(code, "criterion", condition.label, condition)

        def build(item: ItemPlan) -> None:
            check = self._top_condition(item, condition)
            item.columns[f"{code}#o"] = check.outcome
            item.sens = check.sens
            item.key = [check.outcome, *item.key]

        return self._guard(item, build)

    def _decision_item(self) -> ItemPlan:
        item = ItemPlan(DECISION, "decision", "", self.ruleset.decision)

        def build(item: ItemPlan) -> None:
            check = self._check(item, self.ruleset.decision, self.year)
            item.columns[f"{DECISION}#o"] = check.outcome
            item.sens = check.sens

        return self._guard(item, build)

    def _levels(self) -> list[list[ItemPlan]]:
        level: dict[str, int] = {}

        def depth(code: str, stack: tuple[str, ...] = ()) -> int:
            if code in level:
                return level[code]
            item = self.items[code]
            d = 0
            for dep in item.deps:
                if dep in stack:
                    continue
                d = max(d, depth(dep, (*stack, code)) + 1)
            level[code] = d
            return d

        for code in self.items:
            depth(code)
        top = max(level.values(), default=-1) + 1
        levels: list[list[ItemPlan]] = [[] for _ in range(top + 1)]
        for code, item in self.items.items():
            levels[level[code]].append(item)
        levels[top].append(self.decision)
        for item in (*self.items.values(), self.decision):
            item.sensitive = not item.unsupported and not is_false(item.sens)
            item.passes = item.steps()
            item.content = {name: _content(expr) for step in item.passes for name, expr in step.items()}
        return [lv for lv in levels if lv]

    # --- conditions ---------------------------------------------------------------------------------------------------

    def _check(self, item: ItemPlan, condition: Condition, year: int) -> VCheck:
        """An inline condition (inside a composite, a band's `when` or the decision)."""
        if isinstance(condition, Ref):
            item.deps.add(condition.code)
            # (whether a criterion lists something missing matters only inside score tables, which cannot refer to
            # criteria)
            return VCheck(col(condition.code, "o"), FALSE, FALSE)
        if isinstance(condition, Composite):
            children = [self._check(item, child, year) for child in condition.children]
            return self._composite(condition, children)
        if isinstance(condition, Compare):
            return self._compare(item, condition, year, top=False)
        if isinstance(condition, FlagCheck):
            return self._flag(condition)[0]
        if isinstance(condition, QualificationCheck):
            return self._qualification(condition)
        if isinstance(condition, PointsCompare):
            return self._points_compare(item, condition)
        raise Unsupported(f"condition {type(condition).__name__}")

    def _top_condition(self, item: ItemPlan, condition: Condition) -> VCheck:
        code = item.code
        if isinstance(condition, Compare):
            return self._compare(item, condition, self.year, top=True)
        if isinstance(condition, FlagCheck):
            check, value = self._flag(condition)
            item.actual = "flag"
            item.columns[f"{code}#b"] = value
            info = condition.info
            unknown = f"{condition.label}待核实：缺少“{info.label if info else condition.label}”的信息"
            text = (
                pl.when(value.is_null())
                .then(pl.lit(unknown))
                .when(value)
                .then(pl.lit(condition._sentence(True)))
                .otherwise(pl.lit(condition._sentence(False)))
            )
            item.templates.append(Template(pl.lit(True), [text]))
            return check
        if isinstance(condition, QualificationCheck):
            check = self._qualification(condition)
            item.actual = "qualification"
            item.extra["qualification"] = self._qual_keys[id(condition)]
            self._qualification_templates(item, condition)
            return check
        if isinstance(condition, Composite):
            children = [self._check(item, child, self.year) for child in condition.children]
            check = self._composite(condition, children)
            item.actual = "composite"
            item.extra["children"] = children
            self._composite_templates(item, condition, children, check.outcome)
            return check
        if isinstance(condition, PointsCompare):
            check = self._points_compare(item, condition)
            item.actual = "points_compare"
            self._points_compare_templates(item, condition, check.outcome)
            return check
        raise Unsupported(f"condition {type(condition).__name__}")

    def _composite(self, condition: Composite, children: list[VCheck]) -> VCheck:
        outcomes = [c.outcome for c in children]
        if condition.kind == "not":
            outcome = lit_o(2) - outcomes[0]
        elif condition.kind == "all":
            outcome = min_o(outcomes)
        else:
            outcome = max_o(outcomes)
        has_miss = any_of([(c.outcome == UNKNOWN) & c.has_miss for c in children])
        return VCheck(outcome, any_of([c.sens for c in children]), has_miss)

    def _composite_templates(
        self, item: ItemPlan, condition: Composite, children: list[VCheck], outcome: pl.Expr
    ) -> None:
        labels = [child.label for child in condition.children]

        def listed(code: int) -> pl.Expr:
            picks = [
                pl.when(c.outcome == code).then(pl.lit(label)).otherwise(NULL_S)
                for c, label in zip(children, labels, strict=True)
            ]
            return pl.concat_list(picks).list.drop_nulls().list.join("、")

        def has(code: int) -> pl.Expr:
            return any_of([c.outcome == code for c in children])

        if condition.kind == "not":
            label = labels[0]
            text = (
                pl.when(outcome == PASS)
                .then(pl.lit(f"不属于“{label}”的情形"))
                .when(outcome == FAIL)
                .then(pl.lit(f"属于“{label}”的情形"))
                .otherwise(pl.lit(f"“{label}”待核实"))
            )
        elif condition.kind == "all":
            fail = pl.concat_str(
                [
                    pl.lit("不满足："),
                    listed(FAIL),
                    pl.when(has(UNKNOWN))
                    .then(pl.concat_str([pl.lit("；另有待核实："), listed(UNKNOWN)]))
                    .otherwise(pl.lit("")),
                ]
            )
            text = (
                pl.when(outcome == PASS)
                .then(pl.lit(f"满足全部{len(children)}项条件"))
                .when(outcome == FAIL)
                .then(fail)
                .otherwise(pl.concat_str([pl.lit("待核实："), listed(UNKNOWN)]))
            )
        else:
            unknown = pl.concat_str(
                [
                    pl.lit("待核实："),
                    listed(UNKNOWN),
                    pl.when(has(FAIL))
                    .then(pl.concat_str([pl.lit("（"), listed(FAIL), pl.lit("不满足）")]))
                    .otherwise(pl.lit("")),
                ]
            )
            text = (
                pl.when(outcome == PASS)
                .then(pl.concat_str([pl.lit("满足："), listed(PASS)]))
                .when(outcome == FAIL)
                .then(pl.concat_str([pl.lit("均不满足（"), listed(FAIL), pl.lit("）")]))
                .otherwise(unknown)
            )
        item.templates.append(Template(pl.lit(True), [text]))

    def _flag(self, condition: FlagCheck) -> tuple[VCheck, pl.Expr]:
        flag = flag_column(condition.name)
        value = pl.col(flag) if flag in self.columns else pl.lit(None, dtype=pl.Boolean)
        if condition.is_input:
            answer = input_column(condition.name, "flag")
            if answer in self.columns:
                value = pl.coalesce([pl.col(answer), value])
        outcome = (
            pl.when(value.is_null())
            .then(lit_o(UNKNOWN))
            .when(value == condition.expect)
            .then(lit_o(PASS))
            .otherwise(lit_o(FAIL))
        )
        return VCheck(outcome, FALSE, value.is_null()), value

    def _qualification(self, condition: QualificationCheck) -> VCheck:
        key = self._qual_keys.get(id(condition))
        if key is None:
            key = self._qual_keys[id(condition)] = f"q{len(self.qualifications)}"
            self.qualifications.append((key, condition))
        known = pl.col("quals_known") if "quals_known" in self.columns else pl.lit(False)
        outcome = (
            pl.when(~known).then(lit_o(UNKNOWN)).when(pl.col(f"{key}#valid")).then(lit_o(PASS)).otherwise(lit_o(FAIL))
        )
        return VCheck(outcome, FALSE, ~known)

    def _qualification_templates(self, item: ItemPlan, condition: QualificationCheck) -> None:
        key = self._qual_keys[id(condition)]
        what = condition.what
        known = pl.col("quals_known") if "quals_known" in self.columns else pl.lit(False)
        q = {name: pl.col(f"{key}#{name}") for name in ("valid", "match", "expired", "last", "to")}
        as_of = self.as_of.isoformat()
        item.templates.extend(
            [
                Template(~known, [f"{condition.label}待核实：缺少资质信息"]),
                Template(
                    q["valid"],
                    [
                        f"持有{what}资质",
                        pl.when(q["to"].is_not_null())
                        .then(pl.concat_str([pl.lit("，有效期至"), q["to"].cast(pl.String)]))
                        .otherwise(pl.lit("")),
                    ],
                ),
                Template(
                    q["match"] & q["expired"],
                    [f"所持{what}资质已于", q["last"].cast(pl.String), f"到期，评价日{as_of}不在有效期内"],
                ),
                Template(q["match"], [f"所持{what}资质在评价日{as_of}尚未生效"]),
                Template(pl.lit(True), [f"未持有{what}资质"]),
            ]
        )

    def _points_compare(self, item: ItemPlan, condition: PointsCompare) -> VCheck:
        code = condition.item.code
        item.deps.add(code)
        lo, hi = col(code, "lo"), col(code, "hi")
        outcome = interval_outcome(condition.op, lo, hi, condition.operand)
        return VCheck(outcome, FALSE, (outcome == UNKNOWN) & col(code, "m"))

    def _points_compare_templates(self, item: ItemPlan, condition: PointsCompare, outcome: pl.Expr) -> None:
        code = condition.item.code
        lo, hi = col(code, "lo"), col(code, "hi")
        label = condition.item.label
        op, operand = condition.op, condition.operand
        met, unmet = verdict_words(op, operand, "分", True), verdict_words(op, operand, "分", False)
        verdict = pl.when(outcome == PASS).then(pl.lit(met)).otherwise(pl.lit(unmet))
        item.templates.append(Template(lo == hi, [label, points_expr(lo), "分，", verdict]))
        end = pl.when(outcome == PASS).then(pl.lit("最低分")).otherwise(pl.lit("最高分"))
        item.templates.append(
            Template(outcome != UNKNOWN, [label, points_text_expr(lo, hi), "，即使按", end, "计也", verdict])
        )
        item.key.extend([lo, hi])
        # The unknown sentence names the open leaves of the score tree: their ranges are part of the key.
        for node in condition.item.walk():
            if not node.children():
                item.key.extend([col(node.code, "lo"), col(node.code, "hi")])
                item.deps.add(node.code)

    # --- comparisons --------------------------------------------------------------------------------------------------

    def _compare(self, item: ItemPlan, c: Compare, year: int, *, top: bool) -> VCheck:
        if c.each_year:
            if c.threshold.selector is not None:
                raise Unsupported("each_year with a threshold table")
            return self._each_year(item, c, year, top=top)
        if c.threshold.selector is not None:
            return self._compare_table(item, c, year, top=top)
        return self._compare_fixed(item, c, year, top=top)

    def _compare_fixed(self, item: ItemPlan, c: Compare, year: int, *, top: bool, tag: str = "") -> VCheck:
        v = self._value(c.value, year)
        op, operand = c.threshold.op, c.threshold.operand
        known = v.known
        if isinstance(operand, str) or (isinstance(operand, tuple) and any(isinstance(m, str) for m in operand)):
            # A text requirement (static text fact or text input).
            number_outcome = lit_o(FAIL) if op in {"==", "in"} else lit_o(PASS)
            text_outcome = text_test(op, v.text if v.text is not None else NULL_S, operand)
            outcome = (
                pl.when(known)
                .then(number_outcome)
                .when(v.text.is_not_null() if v.text is not None else FALSE)
                .then(text_outcome)
                .otherwise(lit_o(UNKNOWN))
            )
            has_miss = ~known & (v.text.is_null() if v.text is not None else pl.lit(True))
            has_miss = has_miss & ((v.miss != 0) | v.undef.is_not_null())
            if top:
                item.columns[f"{item.code}#a{tag}"] = v.num
                item.columns[f"{item.code}#t{tag}"] = v.text if v.text is not None else NULL_S
                item.key.append(v.text if v.text is not None else NULL_S)
            return VCheck(outcome, FALSE, has_miss)
        limits = _limits(operand)
        test, unsure = value_test(v, op, operand)
        outcome = pl.when(known).then(of_bool(test))
        if v.text is not None:
            text_outcome = lit_o(FAIL) if op in {"==", "in"} else lit_o(PASS) if op == "!=" else lit_o(UNKNOWN)
            outcome = outcome.when(v.text.is_not_null()).then(text_outcome)
        outcome = outcome.otherwise(lit_o(UNKNOWN))
        text_known = v.text.is_not_null() if v.text is not None else FALSE
        has_miss = ~known & ~text_known & ((v.miss != 0) | v.undef.is_not_null())
        sens = both(known, unsure)
        if top:
            item.display.append(known & display_sensitive(v.num, v.err, c.unit, limits))
            item.columns[f"{item.code}#a{tag}"] = v.num
            if v.text is not None:
                item.columns[f"{item.code}#t{tag}"] = v.text
            if not tag:
                period: Part = _period_part(v) if c.unit != "年" else ""
                fig = Figure(v.num, c.unit, limits, growth=c.value.is_growth)
                verdict = (
                    pl.when(outcome == PASS)
                    .then(pl.lit(verdict_words(op, operand, c.unit, True)))
                    .otherwise(pl.lit(verdict_words(op, operand, c.unit, False)))
                )
                item.templates.append(Template(known, [c.subject, period, fig, "，", verdict]))
                item.figures.append((fig, v.err))
        return VCheck(outcome, sens, has_miss)

    def _compare_table(self, item: ItemPlan, c: Compare, year: int, *, top: bool) -> VCheck:
        threshold = c.threshold
        assert threshold.selector is not None
        s = self._value(threshold.selector, year)
        v = self._value(c.value, year)
        op, rows = threshold.op, threshold.rows
        bounds = [r.bounds for r in rows]
        bound_limits = [x for b in bounds for x in (b.min, b.above, b.max, b.below) if x is not None]
        index = pl.lit(None, dtype=pl.Int32)
        unsure_s = FALSE
        for k in range(len(rows) - 1, -1, -1):
            inside, unsure = contains_test(bounds[k], s)
            unsure_s = unsure_s | unsure
            index = pl.when(inside).then(pl.lit(k, dtype=pl.Int32)).otherwise(index)
        decided = pl.lit(None, dtype=pl.UInt8)
        tests, unsure_v = [], FALSE
        for k, row in enumerate(rows):
            test, unsure = value_test(v, op, row.operand)
            tests.append(test)
            unsure_v = unsure_v | unsure
            decided = pl.when(index == k).then(of_bool(test)).otherwise(decided)
        all_pass = tests[0]
        all_fail = ~tests[0]
        for t in tests[1:]:
            all_pass = all_pass & t
            all_fail = all_fail & ~t
        text_known = v.text.is_not_null() if v.text is not None else FALSE
        outcome = (
            pl.when(s.known & index.is_null())
            .then(lit_o(FAIL))
            .when(s.known & v.known)
            .then(decided)
            .when(s.known)
            .then(lit_o(UNKNOWN))
            .when(v.known & all_pass)
            .then(lit_o(PASS))
            .when(v.known & all_fail)
            .then(lit_o(FAIL))
            .otherwise(lit_o(UNKNOWN))
        )
        has_miss = (
            pl.when(s.known & index.is_null())
            .then(FALSE)
            .when(s.known)
            .then(~v.known & ~text_known & ((v.miss != 0) | v.undef.is_not_null()))
            .when(v.known | text_known)
            .then((s.miss != 0) | s.undef.is_not_null())
            .otherwise(((v.miss | s.miss) != 0) | v.undef.is_not_null())
        )
        operands = [row.operand for row in rows]
        sens = either(both(s.known, unsure_s), both(v.known, unsure_v))
        if top:
            item.display.append(v.known & display_sensitive(v.num, v.err, c.unit, operands))
            item.display.append(s.known & display_sensitive(s.num, s.err, threshold.selector.unit, bound_limits))
            code = item.code
            item.columns[f"{code}#a"] = v.num
            item.columns[f"{code}#sel"] = s.num
            period = _period_part(v) if c.unit != "年" else ""
            sel_fig = Figure(s.num, threshold.selector.unit, bound_limits)
            item.figures.append((sel_fig, s.err))
            for k, row in enumerate(rows):
                fig = Figure(v.num, c.unit, [row.operand], growth=c.value.is_growth)
                item.figures.append((fig, v.err))
                verdict = (
                    pl.when(decided == PASS)
                    .then(pl.lit(verdict_words(op, row.operand, c.unit, True)))
                    .otherwise(pl.lit(verdict_words(op, row.operand, c.unit, False)))
                )
                item.templates.append(
                    Template(
                        s.known & (index == k) & v.known,
                        [
                            c.subject,
                            period,
                            fig,
                            "，",
                            verdict,
                            f"（{threshold.selector_label}",
                            sel_fig,
                            f"，{threshold.row_words[k]}）",
                        ],
                    )
                )
            required = threshold.describe(c.unit)
            all_fig = Figure(v.num, c.unit, operands, growth=c.value.is_growth)
            item.figures.append((all_fig, v.err))
            word = pl.when(outcome == PASS).then(pl.lit("满足")).otherwise(pl.lit("不满足"))
            item.templates.append(
                Template(
                    ~s.known & v.known & (outcome != UNKNOWN),
                    [c.subject, period, all_fig, "，", word, f"各档要求（{required}）"],
                )
            )
            item.key.extend([index, Figure(s.num, threshold.selector.unit, bound_limits).full])
        return VCheck(outcome, sens, has_miss)

    def _each_year(self, item: ItemPlan, c: Compare, year: int, *, top: bool) -> VCheck:
        assert c.each_year
        years = list(range(year - c.each_year + 1, year + 1))
        checks, vals = [], []
        for y in years:
            checks.append(self._compare_fixed(item, c, y, top=top, tag=str(y)))
            vals.append(self.values.value(c.value, y))
        outcome = min_o([ch.outcome for ch in checks])
        has_miss = any_of([(ch.outcome == UNKNOWN) & ch.has_miss for ch in checks])
        sens = any_of([ch.sens for ch in checks])
        if top:
            item.actual = "each_year"
            item.extra["years"] = years
            _op, operand = c.threshold.op, c.threshold.operand
            limits = [operand] if isinstance(operand, Decimal) else []
            parts: list[Part] = [f"{c.subject}："]
            all_known = pl.lit(True)
            for i, (y, v) in enumerate(zip(years, vals, strict=True)):
                fig = Figure(v.num, c.unit, limits, growth=c.value.is_growth)
                item.figures.append((fig, v.err))
                parts.extend([("、" if i else "") + f"{y}年", fig])
                all_known = all_known & v.known
                item.display.append(v.known & display_sensitive(v.num, v.err, c.unit, limits))
            failing = (
                pl.concat_list(
                    [
                        pl.when(ch.outcome == FAIL).then(pl.lit(f"{y}年")).otherwise(NULL_S)
                        for y, ch in zip(years, checks, strict=True)
                    ]
                )
                .list.drop_nulls()
                .list.join("、")
            )
            met, unmet = c._verdict_all(True), c._verdict_all(False)
            tail = (
                pl.when(outcome == PASS)
                .then(pl.lit(f"，各年均{met}"))
                .otherwise(pl.concat_str([pl.lit("，"), failing, pl.lit(unmet)]))
            )
            item.templates.append(Template(all_known, [*parts, tail]))
            item.key.extend([ch.outcome for ch in checks])
            item.key.extend(Figure(v.num, c.unit, limits, growth=c.value.is_growth).full for v in vals)
        return VCheck(outcome, sens, has_miss)

    # --- points -------------------------------------------------------------------------------------------------------

    def _points_item(self, node: PointsNode) -> ItemPlan:
        item = ItemPlan(node.code, "score", node.label, node)
        return self._guard(item, lambda it: self._points(it, node))

    def _points(self, item: ItemPlan, node: PointsNode) -> None:
        code = node.code
        if isinstance(node, BandTable):
            self._band(item, node)
        elif isinstance(node, InputPoints):
            self._input_points(item, node)
        elif isinstance(node, SumPoints | BestOf):
            children = node.items
            for child in children:
                item.deps.add(child.code)
            los = [col(ch.code, "lo") for ch in children]
            his = [col(ch.code, "hi") for ch in children]
            parts: list[Part] = []
            for i, ch in enumerate(children):
                parts.extend([("、" if i else "") + ch.label, points_text_expr(los[i], his[i])])
            if isinstance(node, SumPoints):
                raw_lo, raw_hi = pl.sum_horizontal(los), pl.sum_horizontal(his)
                if node.cap is not None:
                    cap = pl.lit(to_points(node.cap), dtype=pl.Int64)
                    lo, hi = pl.min_horizontal(raw_lo, cap), pl.min_horizontal(raw_hi, cap)
                else:
                    lo, hi = raw_lo, raw_hi
                missing = (lo != hi) & any_of([col(ch.code, "m") for ch in children])
                capped: Part = ""
                if node.cap is not None:
                    cap_text = f"，超过{strip(node.cap)}分的按{strip(node.cap)}分计"
                    capped = pl.when(raw_hi > to_points(node.cap)).then(pl.lit(cap_text)).otherwise(pl.lit(""))
                item.templates.append(
                    Template(pl.lit(True), [node.label, points_text_expr(lo, hi), "（", *parts, capped, "）"])
                )
            else:
                lo, hi = pl.max_horizontal(los), pl.max_horizontal(his)
                missing = any_of([(h > lo) & col(ch.code, "m") for h, ch in zip(his, children, strict=True)])
                item.templates.append(
                    Template(pl.lit(True), [node.label, "取较高者，得", points_text_expr(lo, hi), "（", *parts, "）"])
                )
            item.actual = "points"
            item.columns.update(
                {f"{code}#lo": lo, f"{code}#hi": hi, f"{code}#m": missing, f"{code}#o": scored(missing, hi)}
            )
        else:
            raise Unsupported(f"score item {type(node).__name__}")

    def _input_points(self, item: ItemPlan, node: InputPoints) -> None:
        code = node.code
        name = input_column(node.input_code)
        value = pl.col(name) if name in self.columns else NULL_F
        known = value.is_not_null()
        in_range = known & (value >= float(node.lo)) & (value <= float(node.hi))
        micro = (value * POINT_SCALE).round(0).cast(pl.Int64)
        lo_b, hi_b = pl.lit(to_points(node.lo), dtype=pl.Int64), pl.lit(to_points(node.hi), dtype=pl.Int64)
        sens = known & ((value * POINT_SCALE - micro.cast(pl.Float64)).abs() > 1e-6).fill_null(False)
        item.display.append(known & (near_half(value, None, 2) | near_half(value, None, 4)))
        item.actual = "input"
        item.sens = sens
        item.columns.update(
            {
                f"{code}#lo": pl.when(in_range).then(micro).otherwise(lo_b),
                f"{code}#hi": pl.when(in_range).then(micro).otherwise(hi_b),
                f"{code}#m": ~in_range,
                f"{code}#o": pl.when(in_range).then(of_bool(value > 0)).otherwise(lit_o(UNKNOWN)),
                f"{code}#a": value,
            }
        )
        span = points_text(node.lo, node.hi)
        item.templates.extend(
            [
                Template(in_range, [f"{node.label}（{node.kind_label}）得", points_expr(micro), "分"]),
                Template(known, [node.label, strip_float(value), f"分超出{span}的范围，不予采用"]),
                Template(pl.lit(True), [f"{node.label}待{node.kind_label}（{span}）"]),
            ]
        )

    def _band(self, item: ItemPlan, node: BandTable) -> None:
        code = node.code
        v = self._value(node.value, self.year) if node.value is not None else None
        outcomes: list[pl.Expr] = []
        when_miss: list[pl.Expr] = []
        sens = FALSE
        band_limits: list[tuple[Decimal, bool]] = []
        for band in node.bands:
            if band.is_default:
                outcomes.append(lit_o(PASS))
                when_miss.append(FALSE)
                continue
            if band.when is not None:
                check = self._check(item, band.when, self.year)
                outcome, miss = check.outcome, check.has_miss
                sens = either(sens, check.sens)
            else:
                assert v is not None
                inside, tested = _contains(band.bounds, v)
                band_limits.extend(tested)
                outcome, miss = of_bool(inside), FALSE
            # Each row's outcome becomes a column first, so the first-hit logic below reads names, not trees.
            outcomes.append(item.staged(0, outcome))
            if not (miss.meta.is_literal()):
                miss = item.staged(0, miss)
            when_miss.append(miss)
        if band_limits:
            assert v is not None
            sens = either(sens, both(v.known, value_unsure(v, band_limits)))
        hit = pl.lit(len(node.bands), dtype=pl.Int32)
        for k in range(len(node.bands) - 1, -1, -1):
            hit = pl.when(outcomes[k] == PASS).then(pl.lit(k, dtype=pl.Int32)).otherwise(hit)
        # The first band hit, then the bounds of the points, become columns of their own: every expression below
        # reads them by name (inlined, the bounds made each band table's outcome a tree of hundreds of nodes).
        hit = item.staged(1, hit)
        if all(band.is_default or band.when is None for band in node.bands):
            # Bands on the value alone: each band's outcome is certain (a row near an edge is a sensitive row,
            # decided exactly), so the band hit is the only possible one and its points are looked up.
            # (a gather from the table's points, `hit` = len(bands) meaning no band: 0 points; ten times faster
            # than `replace_strict`)
            lo, hi = (
                pl.lit(pl.Series([*(to_points(p) for p in points), 0], dtype=pl.Int64)).gather(hit)
                for points in ([b.lo for b in node.bands], [b.hi for b in node.bands])
            )
            single = pl.when(hit < len(node.bands)).then(hit).otherwise(pl.lit(None, dtype=pl.Int32))
            open_missing: pl.Expr = FALSE
        else:
            possible = [(hit >= k) & (o != FAIL) for k, o in enumerate(outcomes)]
            lo = pl.min_horizontal(
                [
                    pl.when(p).then(pl.lit(to_points(b.lo), dtype=pl.Int64))
                    for p, b in zip(possible, node.bands, strict=True)
                ]
            )
            hi = pl.max_horizontal(
                [
                    pl.when(p).then(pl.lit(to_points(b.hi), dtype=pl.Int64))
                    for p, b in zip(possible, node.bands, strict=True)
                ]
            )
            open_missing = any_of(
                [
                    p & (o == UNKNOWN) & m
                    for p, o, m in zip(possible, outcomes, when_miss, strict=True)
                    if not m.meta.is_literal()
                ]
            )
            count = pl.sum_horizontal([p.cast(pl.Int32) for p in possible])
            single = pl.lit(None, dtype=pl.Int32)
            for k in range(len(node.bands) - 1, -1, -1):
                single = pl.when(possible[k]).then(pl.lit(k, dtype=pl.Int32)).otherwise(single)
            lo, hi = lo.fill_null(0), hi.fill_null(0)
            single = pl.when(count == 1).then(single).otherwise(pl.lit(None, dtype=pl.Int32))
        lo, hi, single = item.staged(2, lo), item.staged(2, hi), item.staged(2, single)
        missing = (lo != hi) & open_missing
        outcome = scored(missing, hi)
        suffixes = {k: _band_suffix(node, band, value=node.value is not None) for k, band in enumerate(node.bands)}
        suffix = single.replace_strict(suffixes, default=None, return_dtype=pl.String)
        item.key.extend([single, lo, hi, *outcomes])
        if v is not None:
            limits = [x for b in node.bands for x in (b.bounds.min, b.bounds.above, b.bounds.max, b.bounds.below)
                      if x is not None]  # fmt: skip
            undefined = ~v.known & v.undef.is_not_null() & (v.miss == 0)
            if node.if_undefined is not None:
                u_lo, u_hi = (pl.lit(to_points(x), dtype=pl.Int64) for x in node.if_undefined)
                by_rule = undefined
            else:
                u_lo = u_hi = pl.lit(0, dtype=pl.Int64)
                by_rule = FALSE
            full_lo = pl.lit(to_points(node.min_points), dtype=pl.Int64)
            full_hi = pl.lit(to_points(node.max_points), dtype=pl.Int64)
            lo = pl.when(v.known).then(lo).when(by_rule).then(u_lo).otherwise(full_lo)
            hi = pl.when(v.known).then(hi).when(by_rule).then(u_hi).otherwise(full_hi)
            missing = pl.when(v.known).then(missing).when(by_rule).then(FALSE).otherwise(pl.lit(True))
            outcome = pl.when(v.known).then(outcome).when(by_rule).then(of_bool(u_hi > 0)).otherwise(lit_o(UNKNOWN))
            sens = either(sens, both(~v.known, v.sens))
            item.display.append(v.known & display_sensitive(v.num, v.err, node.unit, limits))
            fig = Figure(v.num, node.unit, limits, growth=node.value.is_growth if node.value else False)
            item.figures.append((fig, v.err))
            period = _period_part(v)
            item.templates.append(Template(v.known & single.is_not_null(), [node.subject, period, fig, suffix]))
            item.columns[f"{code}#a"] = v.num
        else:
            item.templates.append(Template(single.is_not_null(), [suffix]))
        item.actual = "band"
        item.sens = sens
        item.columns.update(
            {f"{code}#lo": lo, f"{code}#hi": hi, f"{code}#m": missing, f"{code}#o": outcome, f"{code}#band": single}
        )


# --- helpers ------------------------------------------------------------------------------------------------------


def _content(expr: pl.Expr) -> tuple[str, frozenset[str]] | None:
    """What an expression computes — a digest of it, named like the values (`x…` beside `v…`) — and the columns
    it reads; None for a bare column or literal (nothing to compute)."""
    if expr.meta.is_column() or expr.meta.is_literal():
        return None
    digest = hashlib.blake2b(expr.meta.serialize(), digest_size=10).hexdigest()
    return f"x{digest}", frozenset(expr.meta.root_names())


def scored(missing: pl.Expr, hi: pl.Expr) -> pl.Expr:
    """`scoring.scored`: unknown while something is missing, otherwise pass when the item earns points."""
    return pl.when(missing).then(lit_o(UNKNOWN)).when(hi > 0).then(lit_o(PASS)).otherwise(lit_o(FAIL))


def _period_part(v: VVal) -> pl.Expr:
    return (
        pl.when(v.period.is_not_null())
        .then(pl.concat_str([pl.lit("（"), v.period, pl.lit("）")]))
        .otherwise(pl.lit(""))
    )


def _band_suffix(node: BandTable, band: Band, *, value: bool) -> str:
    pts = points_text(band.lo, band.hi)
    note = "（档内分值由专家评定）" if band.lo != band.hi else ""
    if value:
        where = "其余情形" if band.is_default else f"{band.text(node.unit)}档"
        return f"，属{where}，得{pts}{note}"
    where = "不满足以上各档" if band.is_default else band.text(node.unit)
    return f"{node.label}：{where}，得{pts}{note}"


def strip_float(x: pl.Expr) -> pl.Expr:
    from .numbers import strip_expr

    return strip_expr(x, 2)


def _rat_compare(r: Rat, op: str, t: Decimal) -> pl.Expr | None:
    """n / d op T / E, exactly: n × E op T × d (d > 0). None when the products could overflow."""
    big, scale = rat_const(t)
    if r.n_digits + len(str(scale)) > RAT_DIGITS or len(str(abs(big))) + r.d_digits > RAT_DIGITS:
        return None
    left = r.n * scale if scale != 1 else r.n  # (a product by 1 is still a pass over every row)
    right_expr = pl.lit(r.d * big, dtype=pl.Int128) if isinstance(r.d, int) else r.d * big if big != 1 else r.d
    return {
        ">=": left >= right_expr,
        ">": left > right_expr,
        "<=": left <= right_expr,
        "<": left < right_expr,
        "==": left == right_expr,
        "!=": left != right_expr,
    }[op]


def _rat_test(r: Rat, op: str, operand: object) -> pl.Expr | None:
    if op == "between":
        assert isinstance(operand, tuple)
        low, high = _rat_compare(r, ">=", operand[0]), _rat_compare(r, "<", operand[1])
        return None if low is None or high is None else low & high
    if op == "in":
        assert isinstance(operand, tuple)
        tests = [_rat_compare(r, "==", m) for m in operand if isinstance(m, Decimal)]
        if any(t is None for t in tests):
            return None
        return any_of([t for t in tests if t is not None])
    assert isinstance(operand, Decimal)
    return _rat_compare(r, op, operand)


def value_test(v: VVal, op: str, operand: object) -> tuple[pl.Expr, pl.Expr]:
    """A known number against a requirement: exact on the value's fraction where the row has one, else by the
    float — then `unsure` marks the rows within the error bound of an edge (they take the exact path)."""
    test, decided = _value_test(v, op, operand)
    return test, value_unsure(v, [(edge, decided) for edge in edges(op, operand)])


def _value_test(v: VVal, op: str, operand: object) -> tuple[pl.Expr, bool]:
    """The test, and whether a row with an exact fraction is decided by it (no overflow)."""
    test = number_test(op, v.num, operand)
    if v.err is None or v.rat is None:
        return test, False
    exact = _rat_test(v.rat, op, operand)
    if exact is None:
        return test, False
    return pl.when(v.rat.ok).then(exact).otherwise(test), True


def value_unsure(v: VVal, limits: Sequence[tuple[Decimal, bool]]) -> pl.Expr:
    """The rows of a value whose float may fall on the wrong side of one of these edges (or of its own
    definition): those within the error bound of an edge — except, for an edge whose test the row's exact fraction
    decides (`True` beside it), the rows that have one. Several edges make one comparison (`near_any`)."""
    if v.err is None:
        # Read straight from the facts: floats of decimals keep their order and equalities.
        return FALSE
    decided = [edge for edge, by_fraction in limits if by_fraction]
    undecided = [edge for edge, by_fraction in limits if not by_fraction]
    parts = []
    if undecided or not decided:
        parts.append(either(v.sens, near_any(v.num, v.err, undecided)))
    if decided:
        assert v.rat is not None
        parts.append(both(~v.rat.ok, either(v.sens, near_any(v.num, v.err, decided))))
    return any_of(parts)


def contains_test(bounds: Bounds, v: VVal) -> tuple[pl.Expr, pl.Expr]:
    """`Bounds.contains` on a value (min inclusive, above exclusive, max inclusive, below exclusive)."""
    test, limits = _contains(bounds, v)
    return test, value_unsure(v, limits)


def _contains(bounds: Bounds, v: VVal) -> tuple[pl.Expr, list[tuple[Decimal, bool]]]:
    parts = [(op, x) for op, x in ((">=", bounds.min), (">", bounds.above), ("<=", bounds.max), ("<", bounds.below))
             if x is not None]  # fmt: skip
    test, limits = pl.lit(True), []
    for op, x in parts:
        t, decided = _value_test(v, op, x)
        test = test & t
        limits.append((x, decided))
    return test.fill_null(False), limits


def edges(op: str, operand: object) -> list[Decimal]:
    if isinstance(operand, Decimal):
        return [operand]
    if isinstance(operand, tuple):
        return [m for m in operand if isinstance(m, Decimal)]
    return []


def number_test(op: str, x: pl.Expr, operand: object) -> pl.Expr:
    """The comparison of a known number (ties are sensitive rows, decided exactly elsewhere)."""
    if op == "between":
        assert isinstance(operand, tuple)
        a, b = operand
        return (x >= float(a)) & (x < float(b))
    if op == "in":
        assert isinstance(operand, tuple)
        return any_of([x == float(m) for m in operand if isinstance(m, Decimal)])
    assert isinstance(operand, Decimal)
    t = float(operand)
    return {">=": x >= t, ">": x > t, "<=": x <= t, "<": x < t, "==": x == t, "!=": x != t}[op]


def text_test(op: str, text: pl.Expr, operand: object) -> pl.Expr:
    if op == "in":
        assert isinstance(operand, tuple)
        return of_bool(text.is_in([str(m) for m in operand if isinstance(m, str)]))
    if op == "==":
        return of_bool(text == str(operand))
    if op == "!=":
        return of_bool(text != str(operand))
    return lit_o(UNKNOWN)


def interval_outcome(op: str, lo: pl.Expr, hi: pl.Expr, operand: object) -> pl.Expr:
    """`conditions.compare_interval` over integer points (exact)."""
    if op == "between":
        assert isinstance(operand, tuple)
        a, b = (to_points(x) for x in operand)
        return (
            pl.when((lo >= a) & (hi < b))
            .then(lit_o(PASS))
            .when((hi < a) | (lo >= b))
            .then(lit_o(FAIL))
            .otherwise(lit_o(UNKNOWN))
        )
    if op == "in":
        assert isinstance(operand, tuple)
        members = [to_points(m) for m in operand if isinstance(m, Decimal)]
        single = of_bool(any_of([lo == m for m in members])) if members else lit_o(FAIL)
        spans = any_of([(lo <= m) & (m <= hi) for m in members])
        return pl.when(lo == hi).then(single).when(spans).then(lit_o(UNKNOWN)).otherwise(lit_o(FAIL))
    assert isinstance(operand, Decimal)
    t = to_points(operand)
    if op in {"==", "!="}:
        equal = (
            pl.when((lo == t) & (hi == t))
            .then(lit_o(PASS))
            .when((lo > t) | (hi < t))
            .then(lit_o(FAIL))
            .otherwise(lit_o(UNKNOWN))
        )
        return equal if op == "==" else lit_o(2) - equal
    test = {">=": lambda x: x >= t, ">": lambda x: x > t, "<=": lambda x: x <= t, "<": lambda x: x < t}[op]
    at_lo, at_hi = test(lo), test(hi)
    return pl.when(at_lo & at_hi).then(lit_o(PASS)).when(~at_lo & ~at_hi).then(lit_o(FAIL)).otherwise(lit_o(UNKNOWN))
