"""Rule-set documents (YAML or JSON) → compiled `RuleSet`, checking the structure on the way.

One walker both validates and compiles, so the checks cannot drift from what the engine accepts. Every problem is
collected (not only the first) as an `Issue` with the path in the document and a Chinese reason, printed as
"criteria[2].threshold：必须是数字". The document format is described in `gaoxin.rules.engine` (package docstring).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NoReturn

from .conditions import (
    Bounds,
    Compare,
    Composite,
    Condition,
    FlagCheck,
    QualificationCheck,
    Ref,
    Threshold,
    ThresholdRow,
)
from .facts import Facts, FactsError, to_decimal
from .outcome import Outcome
from .results import Validity
from .ruleset import InputSpec, RuleSet, TestCase
from .scoring import Band, BandTable, BestOf, InputPoints, PointsCompare, PointsNode, SumPoints
from .values import (
    Arithmetic,
    AverageGrowth,
    CompoundGrowth,
    Const,
    FactValue,
    Growth,
    InputValue,
    Named,
    Ratio,
    TextFact,
    ValueNode,
    YearsSince,
)
from .vocabulary import FLAGS, STATIC_DATE_FACTS, STATIC_TEXT_FACTS, YEARLY_FACTS

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
OPS = {">=": ">=", "≥": ">=", ">": ">", "<=": "<=", "≤": "<=", "<": "<", "==": "==", "=": "==", "!=": "!=", "≠": "!="}
RANGE_OPS = {"between", "in"}
NUMERIC_OPS = {">=", ">", "<=", "<"}
VALUE_OPS = (
    "fact", "static", "input", "ratio", "add", "sub", "mul", "div", "min", "max", "growth", "cagr",
    "average_growth", "years_since", "ref",
)  # fmt: skip
CONDITION_KEYS = ("value", "points", "flag", "qualification", "all", "any", "not")
TOP_KEYS = {
    "code", "version", "name", "source", "valid_from", "valid_to", "description", "notes", "year_lag", "inputs",
    "values", "criteria", "score", "decision", "test_defaults", "tests",
}  # fmt: skip
TOP_REQUIRED = ("code", "version", "name", "source", "valid_from", "criteria", "decision")


@dataclass(frozen=True, slots=True)
class Issue:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}：{self.message}" if self.path else self.message


class RuleSetError(ValueError):
    """A rule-set document that cannot be compiled; `issues` lists every problem found."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


class _Invalid(Exception):
    """Internal: stop compiling one node after its issue was recorded."""


def compile_ruleset(document: Mapping[str, Any]) -> RuleSet:
    """Compile a rule-set document (already parsed from YAML/JSON). Raises `RuleSetError` listing every issue."""
    compiler = _Compiler(document)
    ruleset = compiler.run()
    if compiler.issues or ruleset is None:
        raise RuleSetError(compiler.issues or [Issue("", "规则集无法编译")])
    return ruleset


def validate_document(document: Any) -> list[Issue]:
    """Every structural problem of a rule-set document, with its path and a Chinese reason; [] when it compiles."""
    compiler = _Compiler(document)
    compiler.run()
    return compiler.issues


def merge_facts(base: Any, over: Any) -> Any:
    """Test-case facts on top of the defaults: objects merge key by key (years by year, then by fact), a null removes
    the key (so a case can make a fact unknown), anything else replaces."""
    if isinstance(base, Mapping) and isinstance(over, Mapping):
        merged = {str(k): _plain(v) for k, v in base.items()}
        for key, value in over.items():
            k = str(key)
            if value is None:
                merged.pop(k, None)
            elif k in merged:
                merged[k] = merge_facts(merged[k], value)
            else:
                merged[k] = _plain(value)
        return merged
    return _plain(over)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _copy(value: Any) -> Any:
    """A faithful deep copy of a document (nulls kept: in a test case they remove a fact), with text keys."""
    if isinstance(value, Mapping):
        return {str(k): _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _describe_type(value: Any) -> str:
    if isinstance(value, bool):
        return "是/否"
    if isinstance(value, int | float | Decimal):
        return "数字"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, Mapping):
        return "对象"
    return type(value).__name__


class _Compiler:
    def __init__(self, document: Any) -> None:
        self.doc = document
        self.issues: list[Issue] = []
        self.inputs: dict[str, InputSpec] = {}
        self.value_specs: dict[str, Any] = {}
        self.values: dict[str, ValueNode] = {}
        self.value_stack: list[str] = []
        self.criterion_specs: dict[str, tuple[str, Any]] = {}
        self.criteria: dict[str, Condition] = {}
        self.criterion_stack: list[str] = []
        self.points: dict[str, PointsNode] = {}
        self.codes: dict[str, str] = {}
        # Codes whose definition already failed (and was reported): a reference to them adds no second issue.
        self.failed: set[str] = set()

    # --- issue helpers ------------------------------------------------------------------------------------------

    def fail(self, path: str, message: str) -> NoReturn:
        self.issues.append(Issue(path, message))
        raise _Invalid

    def note(self, path: str, message: str) -> None:
        self.issues.append(Issue(path, message))

    def mapping(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.fail(path, f"必须是对象（键值对），实际为{_describe_type(value)}")
        return value

    def listing(self, value: Any, path: str, min_len: int = 1) -> list[Any]:
        if not isinstance(value, list):
            self.fail(path, f"必须是列表，实际为{_describe_type(value)}")
        if len(value) < min_len:
            self.fail(path, "不能为空" if min_len == 1 else f"至少需要{min_len}项")
        return value

    def text(self, value: Any, path: str) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
            self.fail(path, "必须是文字" if value is not None else "必须填写")
        return str(value).strip()

    def number(self, value: Any, path: str) -> Decimal:
        number = to_decimal(value) if not isinstance(value, str) else None
        if number is None or not number.is_finite():
            self.fail(path, "必须是数字" if value is not None else "必须填写")
        return number

    def integer(self, value: Any, path: str, lo: int, hi: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, "必须是整数")
        if not lo <= value <= hi:
            self.fail(path, f"必须在{lo}到{hi}之间")
        return value

    def date(self, value: Any, path: str) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail(path, "必须是日期（YYYY-MM-DD）" if value is not None else "必须填写")

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            self.fail(path, "必须是 true 或 false" if value is not None else "必须填写")
        return value

    def code(self, value: Any, path: str, kind: str) -> str:
        code = self.text(value, path)
        if not CODE_RE.match(code):
            self.fail(path, "编号只能由小写字母、数字和下划线组成，且以字母开头")
        if code in self.codes:
            self.fail(path, f"编号“{code}”重复（已用于{self.codes[code]}）")
        self.codes[code] = kind
        return code

    def keys(self, spec: Mapping[str, Any], path: str, allowed: set[str] | tuple[str, ...]) -> None:
        for key in spec:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), list(allowed), n=1)
                self.note(
                    f"{path}.{key}" if path else str(key), f"未知的字段{f'（是否为 {hint[0]}？）' if hint else ''}"
                )

    def guard(self, func: Any, *args: Any) -> Any:
        try:
            return func(*args)
        except _Invalid:
            return None

    # --- the document -------------------------------------------------------------------------------------------

    def run(self) -> RuleSet | None:
        if not isinstance(self.doc, Mapping):
            self.note("", "规则集必须是一个对象（键值对）")
            return None
        doc = self.doc
        self.keys(doc, "", TOP_KEYS)
        for key in TOP_REQUIRED:
            if doc.get(key) in (None, "", []):
                self.note(key, "必须填写")
        code = self.guard(self._code_top, doc.get("code"))
        version = None
        if isinstance(doc.get("version"), float | Decimal):
            self.note("version", '必须是文字（版本号请加引号，如 "2026.1"）')
        elif doc.get("version") is not None:
            version = self.guard(self.text, doc.get("version"), "version")
        name = self.guard(self.text, doc.get("name"), "name") if doc.get("name") is not None else None
        source = self.guard(self.text, doc.get("source"), "source") if doc.get("source") is not None else None
        valid_from = self.guard(self.date, doc.get("valid_from"), "valid_from") if doc.get("valid_from") else None
        valid_to = self.guard(self.date, doc.get("valid_to"), "valid_to") if doc.get("valid_to") else None
        if valid_from and valid_to and valid_to < valid_from:
            self.note("valid_to", "不能早于 valid_from")
        year_lag = 1
        if doc.get("year_lag") is not None:
            year_lag = self.guard(self.integer, doc["year_lag"], "year_lag", 0, 3) or 0
        notes = doc.get("notes") or []
        if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
            self.note("notes", "必须是文字列表")
            notes = []
        description = doc.get("description") or ""
        if not isinstance(description, str):
            self.note("description", "必须是文字")
            description = ""

        self.guard(self._inputs, doc.get("inputs"))
        self.guard(self._value_specs, doc.get("values"))
        # Codes of criteria are known before any is compiled, so criteria may refer to later ones.
        raw_criteria = doc.get("criteria")
        criteria_list: list[Any] = []
        if raw_criteria not in (None, [], ""):
            criteria_list = self.guard(self.listing, raw_criteria, "criteria") or []
        for i, spec in enumerate(criteria_list):
            path = f"criteria[{i}]"
            if not isinstance(spec, Mapping):
                self.note(path, "必须是对象（键值对）")
                continue
            c = self.guard(self.code, spec.get("code"), f"{path}.code", "判定条件")
            if c:
                self.criterion_specs[c] = (path, spec)
        score = None
        if doc.get("score") is not None:
            score = self.guard(self._points, doc["score"], "score")
        compiled: list[tuple[str, Condition]] = []
        for c in self.criterion_specs:
            condition = self.guard(self._criterion, c)
            if condition is not None:
                compiled.append((c, condition))
        decision = None
        if doc.get("decision") is not None:
            decision = self.guard(self._condition, doc["decision"], "decision", True)
        tests = self._tests(doc.get("test_defaults"), doc.get("tests"))
        if (
            self.issues
            or code is None
            or version is None
            or name is None
            or source is None
            or valid_from is None
            or decision is None
        ):
            return None
        return RuleSet(
            code=code,
            version=version,
            name=name,
            source=source,
            valid_from=valid_from,
            valid_to=valid_to,
            decision=decision,
            criteria=compiled,
            score=score,
            inputs=self.inputs,
            description=description,
            notes=list(notes),
            year_lag=year_lag,
            tests=tests,
            document=_copy(doc),
        )

    def _code_top(self, value: Any) -> str:
        code = self.text(value, "code")
        if not CODE_RE.match(code):
            self.fail("code", "编号只能由小写字母、数字和下划线组成，且以字母开头")
        return code

    # --- inputs and named values --------------------------------------------------------------------------------

    def _inputs(self, raw: Any) -> None:
        if raw is None:
            return
        for i, spec in enumerate(self.listing(raw, "inputs", min_len=0)):
            self.guard(self._input, spec, f"inputs[{i}]")

    def _input(self, raw: Any, path: str) -> None:
        spec = self.mapping(raw, path)
        self.keys(spec, path, {"code", "label", "kind", "type", "unit", "min", "max", "note"})
        code = self.code(spec.get("code"), f"{path}.code", "输入项")
        if code in YEARLY_FACTS or code in FLAGS:
            self.fail(f"{path}.code", f"“{code}”是事实名称，输入项请另取编号")
        label = self.text(spec.get("label"), f"{path}.label")
        kind = spec.get("kind")
        if kind not in {"expert", "declared"}:
            self.fail(f"{path}.kind", "必须是 expert（专家评分）或 declared（企业申报）")
        type_ = spec.get("type", "number")
        if type_ not in {"number", "flag", "text"}:
            self.fail(f"{path}.type", "必须是 number、flag 或 text")
        unit = spec.get("unit", "分" if kind == "expert" else "")
        if not isinstance(unit, str):
            self.fail(f"{path}.unit", "必须是文字")
        lo = self.number(spec["min"], f"{path}.min") if spec.get("min") is not None else None
        hi = self.number(spec["max"], f"{path}.max") if spec.get("max") is not None else None
        if kind == "expert" and type_ == "number" and hi is None:
            self.fail(f"{path}.max", "专家评分项必须给出满分（max）")
        if lo is not None and hi is not None and hi < lo:
            self.fail(f"{path}.max", "不能小于 min")
        note = spec.get("note") or ""
        self.inputs[code] = InputSpec(code, label, kind, type_, unit, lo, hi, str(note))

    def _value_specs(self, raw: Any) -> None:
        if raw is None:
            return
        specs = self.mapping(raw, "values")
        for name, spec in specs.items():
            path = f"values.{name}"
            if not CODE_RE.match(str(name)):
                self.note(path, "名称只能由小写字母、数字和下划线组成，且以字母开头")
            elif name in YEARLY_FACTS or name in self.inputs:
                self.note(path, f"“{name}”已是事实或输入项的名称，请另取名称")
            else:
                self.value_specs[str(name)] = spec
        for name in list(self.value_specs):
            self.guard(self._named, name, f"values.{name}")

    def _named(self, name: str, path: str) -> ValueNode:
        if name in self.values:
            return self.values[name]
        if name in self.value_stack:
            self.fail(path, f"循环引用：{' → '.join([*self.value_stack, name])}")
        self.value_stack.append(name)
        try:
            spec = self.value_specs[name]
            node = self._value(spec, f"values.{name}")
            label = spec.get("label") if isinstance(spec, Mapping) else None
            named = Named(name, node, str(label or node.label), node.unit)
            self.values[name] = named
            return named
        finally:
            self.value_stack.pop()

    # --- value expressions --------------------------------------------------------------------------------------

    def _value(self, spec: Any, path: str) -> ValueNode:
        if isinstance(spec, bool):
            self.fail(path, "必须是数值表达式，不能是 true/false")
        if isinstance(spec, int | Decimal | float):
            return Const(self.number(spec, path))
        if isinstance(spec, str):
            return self._value_name(spec, path)
        spec = self.mapping(spec, path)
        ops = [key for key in VALUE_OPS if key in spec]
        if len(ops) != 1:
            self.fail(path, f"必须且只能有一种运算（{'、'.join(VALUE_OPS)}）")
        op = ops[0]
        common = {"label", "unit"}
        node: ValueNode
        if op == "fact":
            self.keys(spec, path, {"fact", "year", "years", "agg", "operating_only", *common})
            node = self._fact(spec, path)
        elif op == "static":
            self.keys(spec, path, {"static", *common})
            name = self.text(spec["static"], f"{path}.static")
            if name not in STATIC_TEXT_FACTS:
                self.fail(f"{path}.static", f"未知的静态事实（可用：{'、'.join(STATIC_TEXT_FACTS)}）")
            node = TextFact(name, STATIC_TEXT_FACTS[name])
        elif op == "input":
            self.keys(spec, path, {"input", *common})
            node = self._input_value(spec["input"], f"{path}.input")
        elif op == "years_since":
            self.keys(spec, path, {"years_since", *common})
            name = self.text(spec["years_since"], f"{path}.years_since")
            if name not in STATIC_DATE_FACTS:
                self.fail(f"{path}.years_since", f"只能是日期型事实（{'、'.join(STATIC_DATE_FACTS)}）")
            node = YearsSince(name, STATIC_DATE_FACTS[name])
        elif op == "ref":
            self.keys(spec, path, {"ref", *common})
            name = self.text(spec["ref"], f"{path}.ref")
            if name not in self.value_specs:
                self.fail(f"{path}.ref", f"未定义的数值“{name}”（请在 values 中定义）")
            inner = self._named(name, f"{path}.ref")
            node = Named(name, inner, inner.label, inner.unit)
        elif op == "ratio":
            self.keys(spec, path, {"ratio", *common})
            items = self.listing(spec["ratio"], f"{path}.ratio", min_len=2)
            if len(items) != 2:
                self.fail(f"{path}.ratio", "必须恰好有两项：[分子, 分母]")
            node = Ratio(self._value(items[0], f"{path}.ratio[0]"), self._value(items[1], f"{path}.ratio[1]"))
        elif op in {"add", "sub", "mul", "div", "min", "max"}:
            self.keys(spec, path, {op, *common})
            items = self.listing(spec[op], f"{path}.{op}", min_len=2)
            node = Arithmetic(op, [self._value(item, f"{path}.{op}[{i}]") for i, item in enumerate(items)])
        elif op == "growth":
            self.keys(spec, path, {"growth", *common})
            node = Growth(self._value(spec["growth"], f"{path}.growth"))
        elif op == "cagr":
            self.keys(spec, path, {"cagr", "years", *common})
            years = self.integer(spec.get("years"), f"{path}.years", 1, 10)
            node = CompoundGrowth(self._value(spec["cagr"], f"{path}.cagr"), years)
        else:
            self.keys(spec, path, {"average_growth", "years", "operating_only", *common})
            years = self.integer(spec.get("years", 3), f"{path}.years", 2, 10)
            operating_only = self.boolean(spec.get("operating_only", False), f"{path}.operating_only")
            of = self._value(spec["average_growth"], f"{path}.average_growth")
            node = AverageGrowth(of, years, operating_only=operating_only)
        label = spec.get("label")
        unit = spec.get("unit")
        if label is not None and not isinstance(label, str):
            self.fail(f"{path}.label", "必须是文字")
        if unit is not None and not isinstance(unit, str):
            self.fail(f"{path}.unit", "必须是文字")
        return node.relabel(label, unit)

    def _value_name(self, name: str, path: str) -> ValueNode:
        if name in self.value_specs:
            return self._named(name, path)
        if name in YEARLY_FACTS:
            info = YEARLY_FACTS[name]
            return FactValue(name, info.label, info.unit)
        if name in self.inputs:
            return self._input_value(name, path)
        self.fail(path, self._unknown_name(name))

    def _unknown_name(self, name: str) -> str:
        pool = [*YEARLY_FACTS, *self.value_specs, *self.inputs]
        hint = difflib.get_close_matches(name, pool, n=1)
        suggestion = (
            f"（是否为 {hint[0]}？）" if hint else "（请使用 FORMATS.md 第2节的事实名称，或在 values/inputs 中定义）"
        )
        return f"未知的事实或数值名称“{name}”{suggestion}"

    def _fact(self, spec: Mapping[str, Any], path: str) -> ValueNode:
        name = self.text(spec["fact"], f"{path}.fact")
        if name not in YEARLY_FACTS:
            self.fail(f"{path}.fact", self._unknown_name(name))
        info = YEARLY_FACTS[name]
        offset, span = 0, 1
        if "year" in spec and "years" in spec:
            self.fail(path, "year（某一年）与 years（近N年）只能选一个")
        if "year" in spec:
            year = spec["year"]
            if year == "latest":
                offset = 0
            elif year == "previous":
                offset = -1
            else:
                offset = self.integer(year, f"{path}.year", -10, 0)
        if "years" in spec:
            span = self.integer(spec["years"], f"{path}.years", 1, 10)
        agg = spec.get("agg", "sum")
        if agg not in {"sum", "avg", "min", "max"}:
            self.fail(f"{path}.agg", "必须是 sum、avg、min 或 max")
        if "agg" in spec and "years" not in spec:
            self.fail(f"{path}.agg", "只有近N年（years）才能汇总")
        operating_only = False
        if "operating_only" in spec:
            operating_only = self.boolean(spec["operating_only"], f"{path}.operating_only")
        return FactValue(name, info.label, info.unit, offset=offset, span=span, agg=agg, operating_only=operating_only)

    def _input_value(self, raw: Any, path: str) -> ValueNode:
        code = self.text(raw, path)
        spec = self.inputs.get(code)
        if spec is None:
            self.fail(path, f"未声明的输入项“{code}”（请在 inputs 中声明）")
        if spec.type == "flag":
            self.fail(path, f"输入项“{code}”是是/否型，请用 flag 条件判断")
        return InputValue(code, spec.label, spec.unit, spec.kind_label)

    # --- criteria -----------------------------------------------------------------------------------------------

    def _criterion(self, code: str) -> Condition:
        if code in self.criteria:
            return self.criteria[code]
        if code in self.failed:
            raise _Invalid
        path, spec = self.criterion_specs[code]
        if code in self.criterion_stack:
            self.failed.update(self.criterion_stack)
            self.fail(path, f"循环引用：{' → '.join([*self.criterion_stack, code])}")
        self.criterion_stack.append(code)
        try:
            allowed = {
                "code",
                "label",
                "note",
                "subject",
                *CONDITION_KEYS,
                "op",
                "threshold",
                "threshold_by",
                "each_year",
                "expect",
                "levels",
            }
            self.keys(spec, path, allowed)
            if not spec.get("label"):
                self.note(f"{path}.label", "必须填写（判定条件的中文名称）")
            try:
                condition = self._condition(spec, path, True, top=True)
            except _Invalid:
                self.failed.add(code)
                raise
            self.criteria[code] = condition
            return condition
        finally:
            self.criterion_stack.pop()

    def _condition(self, spec: Any, path: str, allow_refs: bool, *, top: bool = False) -> Condition:
        if isinstance(spec, str):
            if not allow_refs:
                self.fail(path, "评分表的条件不能引用判定条件编号，请直接写出条件")
            if spec not in self.criterion_specs:
                self.fail(path, f"引用的判定条件“{spec}”不存在")
            if spec in self.failed:
                raise _Invalid
            if spec in self.criterion_stack:
                self.failed.update(self.criterion_stack)
                self.fail(path, f"循环引用：{' → '.join([*self.criterion_stack, spec])}")
            return Ref(spec, self._criterion(spec))
        spec = self.mapping(spec, path)
        kinds = [key for key in CONDITION_KEYS if key in spec]
        if len(kinds) != 1:
            self.fail(
                path,
                "必须且只能有一种条件：value（比较）、points（得分）、flag（是/否）、"
                "qualification（资质）、all、any 或 not",
            )
        kind = kinds[0]
        meta = {"label", "note", "subject"} | ({"code"} if top else set())
        label = spec.get("label")
        if label is not None and not isinstance(label, str):
            self.fail(f"{path}.label", "必须是文字")
        condition: Condition
        if kind == "value":
            if not top:
                self.keys(spec, path, {"value", "op", "threshold", "threshold_by", "each_year", *meta})
            condition = self._compare(spec, path)
        elif kind == "points":
            if not top:
                self.keys(spec, path, {"points", "op", "threshold", *meta})
            condition = self._points_compare(spec, path)
        elif kind == "flag":
            if not top:
                self.keys(spec, path, {"flag", "expect", *meta})
            condition = self._flag(spec, path)
        elif kind == "qualification":
            if not top:
                self.keys(spec, path, {"qualification", "levels", *meta})
            condition = self._qualification(spec, path)
        else:
            if not top:
                self.keys(spec, path, {kind, *meta})
            if kind == "not":
                children = [self._condition(spec["not"], f"{path}.not", allow_refs)]
            else:
                items = self.listing(spec[kind], f"{path}.{kind}")
                children = []
                for i, item in enumerate(items):
                    child = self.guard(self._condition, item, f"{path}.{kind}[{i}]", allow_refs)
                    if child is not None:
                        children.append(child)
                if len(children) != len(items):
                    raise _Invalid
            condition = Composite("", kind, children)
        condition.label = str(label) if label else condition.describe()
        return condition

    def _op(self, spec: Mapping[str, Any], path: str) -> str:
        raw = spec.get("op")
        if raw is None:
            self.fail(f"{path}.op", "必须填写（>=、>、<=、<、==、!=、between 或 in）")
        op = OPS.get(str(raw).strip()) or (str(raw).strip() if str(raw).strip() in RANGE_OPS else None)
        if op is None:
            self.fail(f"{path}.op", f"未知的比较方式“{raw}”（可用：>=、>、<=、<、==、!=、between、in）")
        return op

    def _operand(self, op: str, raw: Any, path: str, *, text: bool) -> object:
        if op == "between":
            items = self.listing(raw, path, min_len=2)
            if len(items) != 2:
                self.fail(path, "必须恰好有两项：[下限（含）, 上限（不含）]")
            lo = self.number(items[0], f"{path}[0]")
            hi = self.number(items[1], f"{path}[1]")
            if hi <= lo:
                self.fail(path, "上限必须大于下限")
            return (lo, hi)
        if op == "in":
            items = self.listing(raw, path)
            if text:
                return tuple(self.text(item, f"{path}[{i}]") for i, item in enumerate(items))
            return tuple(self.number(item, f"{path}[{i}]") for i, item in enumerate(items))
        if text:
            if op not in {"==", "!="}:
                self.fail(path, "文字型事实只能用 ==、!= 或 in 比较")
            return self.text(raw, path)
        return self.number(raw, path)

    def _compare(self, spec: Mapping[str, Any], path: str) -> Condition:
        value = self._value(spec["value"], f"{path}.value")
        op = self._op(spec, path)
        text = isinstance(value, TextFact) or (isinstance(value, InputValue) and self.inputs[value.code].type == "text")
        if "threshold" in spec and "threshold_by" in spec:
            self.fail(path, "threshold 与 threshold_by 只能选一个")
        if "threshold_by" in spec:
            if op not in NUMERIC_OPS:
                self.fail(f"{path}.op", "按档确定的要求只能用 >=、>、<=、< 比较")
            threshold = self._threshold_by(op, spec["threshold_by"], f"{path}.threshold_by")
        elif "threshold" in spec:
            threshold = Threshold(op, self._operand(op, spec["threshold"], f"{path}.threshold", text=text))
        else:
            self.fail(f"{path}.threshold", "必须填写")
        each_year = None
        if spec.get("each_year") is not None:
            each_year = self.integer(spec["each_year"], f"{path}.each_year", 1, 10)
            if text:
                self.fail(f"{path}.each_year", "文字型事实不分年度")
        subject = spec.get("subject") or value.label
        if not isinstance(subject, str):
            self.fail(f"{path}.subject", "必须是文字")
        return Compare("", subject, value, threshold, each_year)

    def _threshold_by(self, op: str, raw: Any, path: str) -> Threshold:
        spec = self.mapping(raw, path)
        self.keys(spec, path, {"value", "label", "rows"})
        selector = self._value(spec.get("value"), f"{path}.value")
        label = spec.get("label") or selector.label
        rows_raw = self.listing(spec.get("rows"), f"{path}.rows")
        rows = []
        for i, row_raw in enumerate(rows_raw):
            row_path = f"{path}.rows[{i}]"
            row = self.mapping(row_raw, row_path)
            self.keys(row, row_path, {"min", "above", "max", "below", "threshold"})
            bounds = self._bounds(row, row_path)
            if bounds.empty and i != len(rows_raw) - 1:
                self.fail(row_path, "只有最后一行可以不设范围")
            rows.append(ThresholdRow(bounds, self.number(row.get("threshold"), f"{row_path}.threshold")))
        return Threshold(op, selector=selector, selector_label=str(label), rows=rows)

    def _bounds(self, row: Mapping[str, Any], path: str) -> Bounds:
        values = {}
        for key in ("min", "above", "max", "below"):
            if row.get(key) is not None:
                values[key] = self.number(row[key], f"{path}.{key}")
        if "min" in values and "above" in values:
            self.fail(path, "min（含）与 above（不含）只能选一个")
        if "max" in values and "below" in values:
            self.fail(path, "max（含）与 below（不含）只能选一个")
        return Bounds(**values)

    def _flag(self, spec: Mapping[str, Any], path: str) -> Condition:
        name = self.text(spec["flag"], f"{path}.flag")
        if "expect" not in spec:
            self.fail(f"{path}.expect", "必须填写（true 或 false）")
        expect = self.boolean(spec["expect"], f"{path}.expect")
        if name in FLAGS:
            return FlagCheck("", name, expect, FLAGS[name])
        declared = self.inputs.get(name)
        if declared is not None:
            if declared.type != "flag":
                self.fail(f"{path}.flag", f"输入项“{name}”不是是/否型（type: flag）")
            return FlagCheck(declared.label, name, expect, None, is_input=True)
        hint = difflib.get_close_matches(name, [*FLAGS, *self.inputs], n=1)
        self.fail(f"{path}.flag", f"未知的是/否事实“{name}”{f'（是否为 {hint[0]}？）' if hint else ''}")

    def _qualification(self, spec: Mapping[str, Any], path: str) -> Condition:
        raw = spec["qualification"]
        types = [raw] if isinstance(raw, str) else raw
        types = self.listing(types, f"{path}.qualification")
        names = [self.text(t, f"{path}.qualification[{i}]") for i, t in enumerate(types)]
        levels: list[str] = []
        if spec.get("levels") is not None:
            levels = [
                self.text(v, f"{path}.levels[{i}]")
                for i, v in enumerate(self.listing(spec["levels"], f"{path}.levels"))
            ]
        return QualificationCheck("", names, levels)

    def _points_compare(self, spec: Mapping[str, Any], path: str) -> Condition:
        code = self.text(spec["points"], f"{path}.points")
        item = self.points.get(code)
        if code in self.failed:
            raise _Invalid
        if item is None:
            self.fail(f"{path}.points", f"评分项“{code}”不存在（请在 score 中定义）")
        op = self._op(spec, path)
        if "threshold" not in spec:
            self.fail(f"{path}.threshold", "必须填写")
        return PointsCompare("", item, op, self._operand(op, spec["threshold"], f"{path}.threshold", text=False))

    # --- scores -------------------------------------------------------------------------------------------------

    def _points(self, raw: Any, path: str) -> PointsNode:
        spec = self.mapping(raw, path)
        kinds = [key for key in ("bands", "input", "sum", "best_of") if key in spec]
        if len(kinds) != 1:
            self.fail(
                path, "评分项必须且只能有一种：bands（分档表）、input（专家评分）、sum（相加）或 best_of（取较高者）"
            )
        kind = kinds[0]
        code = self.code(spec.get("code"), f"{path}.code", "评分项")
        try:
            node = self._points_node(code, spec, path, kind)
        except _Invalid:
            self.failed.add(code)
            raise
        self.points[code] = node
        return node

    def _points_node(self, code: str, spec: Mapping[str, Any], path: str, kind: str) -> PointsNode:
        label = self.text(spec.get("label"), f"{path}.label")
        node: PointsNode
        if kind == "bands":
            self.keys(spec, path, {"code", "label", "note", "bands", "value", "subject", "if_undefined"})
            node = self._band_table(code, label, spec, path)
        elif kind == "input":
            self.keys(spec, path, {"code", "label", "note", "input"})
            input_code = self.text(spec["input"], f"{path}.input")
            declared = self.inputs.get(input_code)
            if declared is None:
                self.fail(f"{path}.input", f"未声明的输入项“{input_code}”（请在 inputs 中声明）")
            if declared.type != "number" or declared.max is None:
                self.fail(f"{path}.input", f"输入项“{input_code}”必须是数字型并给出满分（max）")
            lo = declared.min if declared.min is not None else Decimal(0)
            node = InputPoints(code, label, input_code, lo, declared.max, declared.kind_label)
        elif kind == "sum":
            self.keys(spec, path, {"code", "label", "note", "sum", "cap"})
            items = self._point_items(spec["sum"], f"{path}.sum", 1)
            cap = self.number(spec["cap"], f"{path}.cap") if spec.get("cap") is not None else None
            node = SumPoints(code, label, items, cap)
        else:
            self.keys(spec, path, {"code", "label", "note", "best_of"})
            node = BestOf(code, label, self._point_items(spec["best_of"], f"{path}.best_of", 2))
        return node

    def _point_items(self, raw: Any, path: str, min_len: int) -> list[PointsNode]:
        items = self.listing(raw, path, min_len=min_len)
        nodes = [self.guard(self._points, item, f"{path}[{i}]") for i, item in enumerate(items)]
        if any(node is None for node in nodes):
            raise _Invalid
        return [node for node in nodes if node is not None]

    def _points_value(self, raw: Any, path: str) -> tuple[Decimal, Decimal]:
        if isinstance(raw, list):
            if len(raw) != 2:
                self.fail(path, "分值区间必须是 [最低分, 最高分]")
            lo, hi = self.number(raw[0], f"{path}[0]"), self.number(raw[1], f"{path}[1]")
            if hi < lo:
                self.fail(path, "最高分不能小于最低分")
            return lo, hi
        value = self.number(raw, path)
        return value, value

    def _band_table(self, code: str, label: str, spec: Mapping[str, Any], path: str) -> PointsNode:
        value = self._value(spec["value"], f"{path}.value") if spec.get("value") is not None else None
        rows_raw = self.listing(spec["bands"], f"{path}.bands")
        bands: list[Band] = []
        for i, row_raw in enumerate(rows_raw):
            row_path = f"{path}.bands[{i}]"
            row = self.mapping(row_raw, row_path)
            self.keys(row, row_path, {"min", "above", "max", "below", "when", "points", "label"})
            if "points" not in row:
                self.fail(f"{row_path}.points", "必须填写")
            lo, hi = self._points_value(row["points"], f"{row_path}.points")
            bounds = self._bounds(row, row_path)
            when = None
            if row.get("when") is not None:
                if not bounds.empty:
                    self.fail(row_path, "同一行不能既设范围又设 when 条件")
                when = self._condition(row["when"], f"{row_path}.when", False)
            elif not bounds.empty and value is None:
                self.fail(row_path, "按范围分档时必须给出评分表的 value（被分档的数值）")
            band = Band(bounds, when, lo, hi)
            last = i == len(rows_raw) - 1
            if band.is_default and not last:
                self.fail(row_path, "只有最后一行可以不设条件（其余情形）")
            if last and not band.is_default:
                self.fail(row_path, "最后一行必须是不设条件的“其余”行（如 {points: 0}）")
            bands.append(band)
        self._check_band_order(bands, f"{path}.bands")
        if_undefined = None
        if spec.get("if_undefined") is not None:
            if value is None:
                self.fail(f"{path}.if_undefined", "只有按数值分档的评分表才能设置")
            if_undefined = self._points_value(spec["if_undefined"], f"{path}.if_undefined")
        subject = spec.get("subject")
        if subject is not None and not isinstance(subject, str):
            self.fail(f"{path}.subject", "必须是文字")
        return BandTable(code, label, bands, value=value, subject=subject, if_undefined=if_undefined)

    def _check_band_order(self, bands: list[Band], path: str) -> None:
        """With first-hit rows, a lower `min` before a higher one hides the higher band: flag it."""
        previous: Decimal | None = None
        for i, band in enumerate(bands):
            b = band.bounds
            floor = b.min if b.min is not None else b.above
            only_floor = b.max is None and b.below is None and floor is not None
            if not only_floor:
                previous = None
                continue
            assert floor is not None
            if previous is not None and floor >= previous:
                self.note(f"{path}[{i}]", "各档下限应从高到低排列（按顺序取第一个满足的档）")
            previous = floor

    # --- test cases ---------------------------------------------------------------------------------------------

    def _tests(self, defaults_raw: Any, raw: Any) -> list[TestCase]:
        defaults: Mapping[str, Any] = {}
        if defaults_raw is not None:
            found = self.guard(self.mapping, defaults_raw, "test_defaults")
            if found is not None:
                defaults = found
                self.keys(defaults, "test_defaults", {"as_of", "year", "facts"})
        if raw is None:
            return []
        items = self.guard(self.listing, raw, "tests", 0) or []
        cases = []
        for i, item in enumerate(items):
            case = self.guard(self._test, item, f"tests[{i}]", defaults)
            if case is not None:
                cases.append(case)
        return cases

    def _test(self, raw: Any, path: str, defaults: Mapping[str, Any]) -> TestCase:
        spec = self.mapping(raw, path)
        self.keys(spec, path, {"name", "as_of", "year", "facts", "expect", "note"})
        before = len(self.issues)
        name = self.guard(self.text, spec.get("name"), f"{path}.name")
        as_of_raw = spec.get("as_of", defaults.get("as_of"))
        as_of = None
        if as_of_raw is None:
            self.note(f"{path}.as_of", "必须填写（或在 test_defaults 中给出）")
        else:
            as_of = self.guard(self.date, as_of_raw, f"{path}.as_of")
        year_raw = spec.get("year", defaults.get("year"))
        year = self.guard(self.integer, year_raw, f"{path}.year", 1990, 2100) if year_raw is not None else None
        facts = merge_facts(defaults.get("facts") or {}, spec.get("facts") or {})
        try:
            Facts.from_json(facts)
        except FactsError as exc:
            self.note(f"{path}.facts", str(exc))
        expect = self.mapping(spec.get("expect"), f"{path}.expect")
        self.keys(expect, f"{path}.expect", {"result", "score", "validity", "criteria"})
        result = None
        if "result" in expect:
            result = self.guard(self._outcome, expect["result"], f"{path}.expect.result")
        score = None
        if "score" in expect:
            score = self.guard(self._points_value, expect["score"], f"{path}.expect.score")
        validity = None
        if "validity" in expect:
            try:
                validity = Validity(expect["validity"])
            except ValueError:
                self.note(f"{path}.expect.validity", "必须是 current、expired 或 not_yet_valid")
        criteria: dict[str, Outcome | tuple[Decimal, Decimal]] = {}
        for code, expected in (self.mapping(expect.get("criteria") or {}, f"{path}.expect.criteria")).items():
            where = f"{path}.expect.criteria.{code}"
            if code not in self.criterion_specs and code not in self.points:
                self.note(where, f"判定条件或评分项“{code}”不存在")
                continue
            if isinstance(expected, str):
                outcome = self.guard(self._outcome, expected, where)
                if outcome is not None:
                    criteria[code] = outcome
            else:
                if code not in self.points:
                    self.note(where, "判定条件的预期必须是 pass、fail 或 unknown")
                    continue
                points = self.guard(self._points_value, expected, where)
                if points is not None:
                    criteria[code] = points
        if len(self.issues) > before or name is None or as_of is None:
            raise _Invalid
        return TestCase(name, path, as_of, year, facts, result, score, validity, criteria)

    def _outcome(self, raw: Any, path: str) -> Outcome:
        try:
            return Outcome(raw)
        except ValueError:
            self.fail(path, "必须是 pass、fail 或 unknown")
