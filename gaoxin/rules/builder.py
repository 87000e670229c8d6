"""The form-based rule builder: between what an officer picks in the editor (facts, periods, operators, thresholds,
qualifications, yes/no flags, test cases) and the engine's rule-set document. No code typing: every choice is a list.

A document the builder can show is one made of top-level criteria of three kinds — a comparison of a value (a fact,
the ratio of two facts, or a growth rate, for the latest year, summed or averaged over N years, or in each of N
years), a qualification held, a yes/no flag — combined by all or any. The shipped official rule sets (scores, bands,
nested alternatives) are richer: they are read-only in the editor and changed by a new file version.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from gaoxin.rules.engine.vocabulary import FLAGS, YEARLY_FACTS

OPERATORS = {">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "between": "介于"}
YES = {"是", "有", "true", "yes", "1", "y"}
NO = {"否", "无", "false", "no", "0", "n"}


@dataclass
class CriterionPlan:
    label: str = ""
    kind: str = "value"
    measure: str = "fact"
    fact: str = "revenue"
    denominator: str = ""
    period: str = "latest"
    years: int = 1
    op: str = ">="
    threshold: Decimal | None = None
    upper: Decimal | None = None
    qualification: str = ""
    flag: str = ""
    expect: bool = False


@dataclass
class CasePlan:
    name: str = ""
    expect: str = "pass"
    facts: str = ""


@dataclass
class RulePlan:
    code: str = ""
    name: str = ""
    version: str = ""
    source: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    decision: str = "all"
    as_of: dt.date | None = None
    criteria: list[CriterionPlan] = field(default_factory=list)
    cases: list[CasePlan] = field(default_factory=list)


class FactsTextError(ValueError):
    """A line of a test case's facts that cannot be read: the message names the line and the reason."""


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _value_spec(row: CriterionPlan) -> tuple[Any, int | None]:
    """(the `value` of a comparison, its `each_year` or None)."""
    span = max(1, row.years)
    if row.measure == "growth":
        return {"growth": row.fact}, None

    def over(name: str) -> Any:
        if row.period in ("sum", "avg") and span > 1:
            return {"fact": name, "years": span, "agg": row.period}
        return name

    if row.measure == "ratio":
        value: Any = {"ratio": [over(row.fact), over(row.denominator)]}
    else:
        value = over(row.fact)
    return value, (span if row.period == "each" and span > 1 else None)


def _subject(row: CriterionPlan, *, for_engine: bool = False) -> str:
    """What is compared, in words. The engine itself says "近N年每年" for an each-year check (`for_engine`)."""

    def name(code: str) -> str:
        info = YEARLY_FACTS.get(code)
        return info.label if info else code

    span = max(1, row.years)
    if row.measure == "growth":
        return f"{name(row.fact)}同比增长率"
    what = f"{name(row.fact)}占{name(row.denominator)}的比例" if row.measure == "ratio" else name(row.fact)
    if row.period == "sum" and span > 1:
        return f"近{span}年{what}合计" if row.measure == "fact" else f"近{span}年{what}"
    if row.period == "avg" and span > 1:
        return f"近{span}年平均{what}"
    if row.period == "each" and span > 1:
        return what if for_engine else f"近{span}年每年{what}"
    return f"上年度{what}"


def default_label(row: CriterionPlan) -> str:
    if row.kind == "qualification":
        return f"持有有效期内的{row.qualification}资质"
    if row.kind == "flag":
        info = FLAGS.get(row.flag)
        return (info.when_true if row.expect else info.when_false) if info else row.flag
    unit = (
        "%" if row.measure in ("ratio", "growth") else (YEARLY_FACTS[row.fact].unit if row.fact in YEARLY_FACTS else "")
    )
    if row.op == "between":
        return f"{_subject(row)}在{_text(row.threshold)}{unit}（含）至{_text(row.upper)}{unit}（不含）之间"
    return f"{_subject(row)}{OPERATORS.get(row.op, row.op)}{_text(row.threshold)}{unit}"


def _text(value: Decimal | None) -> str:
    if value is None:
        return "？"
    text = format(value.normalize(), "f")
    return text


def to_document(plan: RulePlan) -> dict[str, Any]:
    criteria = []
    for i, row in enumerate(plan.criteria, start=1):
        spec: dict[str, Any] = {"code": f"c{i}", "label": row.label.strip() or default_label(row)}
        if row.kind == "qualification":
            spec["qualification"] = [row.qualification]
        elif row.kind == "flag":
            spec["flag"] = row.flag
            spec["expect"] = row.expect
        else:
            value, each = _value_spec(row)
            spec["value"] = value
            spec["subject"] = _subject(row, for_engine=True)
            spec["op"] = row.op
            if row.op == "between":
                spec["threshold"] = [
                    _number(row.threshold) if row.threshold is not None else None,
                    _number(row.upper) if row.upper is not None else None,
                ]
            else:
                spec["threshold"] = _number(row.threshold) if row.threshold is not None else None
            if each:
                spec["each_year"] = each
        criteria.append(spec)
    document: dict[str, Any] = {
        "code": plan.code,
        "version": plan.version,
        "name": plan.name,
        "source": plan.source,
        "valid_from": plan.valid_from.isoformat() if plan.valid_from else None,
        "valid_to": plan.valid_to.isoformat() if plan.valid_to else None,
        "criteria": criteria,
        "decision": {plan.decision: [c["code"] for c in criteria]},
    }
    if plan.cases:
        as_of = plan.as_of or plan.valid_from
        if as_of is None:
            raise FactsTextError("请填写测试用例的评估基准日")
        document["test_defaults"] = {"as_of": as_of.isoformat()}
        document["tests"] = [
            {"name": case.name or f"用例{i}", "facts": parse_facts(case.facts), "expect": {"result": case.expect}}
            for i, case in enumerate(plan.cases, start=1)
        ]
    return document


_LINE = re.compile(r"[\s,，:：=]+")


def _fact_code(word: str) -> str | None:
    if word in YEARLY_FACTS:
        return word
    for code, info in YEARLY_FACTS.items():
        if word in (info.label, info.label.replace("(", "（").replace(")", "）")):
            return code
    return None


def _flag_code(word: str) -> str | None:
    if word in FLAGS:
        return word
    for code, info in FLAGS.items():
        if word == info.label:
            return code
    return None


def _yes_no(word: str, number: int) -> bool:
    if word.lower() in YES:
        return True
    if word.lower() in NO:
        return False
    raise FactsTextError(f"第{number}行：“{word}”应为“是”或“否”")


def parse_facts(text: str) -> dict[str, Any]:
    """A test case's facts as an officer writes them, one per line:
    "2025 营业收入 1500" (a yearly fact by its Chinese name or code), "成立日期 2015-03-01", "规上 否",
    "资质 高新技术企业 2024-12-01 2027-11-30" (from, to optional), "重大安全事故 否" (a flag by its name or code)."""
    facts: dict[str, Any] = {"uscc": "91440400TEST00000X", "qualifications": [], "years": {}}
    for number, raw in enumerate(text.splitlines(), start=1):
        words = [w for w in _LINE.split(raw.strip()) if w]
        if not words:
            continue
        head = words[0]
        if re.fullmatch(r"(19|20)\d{2}", head):
            if len(words) != 3:
                raise FactsTextError(f"第{number}行：应为“年度 事实 数值”，如 2025 营业收入 1500")
            code = _fact_code(words[1])
            if code is None:
                raise FactsTextError(f"第{number}行：不认识的事实“{words[1]}”")
            try:
                value = Decimal(words[2])
            except InvalidOperation:
                raise FactsTextError(f"第{number}行：“{words[2]}”不是数字") from None
            facts["years"].setdefault(head, {})[code] = _number(value)
        elif head == "成立日期" and len(words) == 2:
            facts["registered_on"] = _date(words[1], number)
        elif head == "规上" and len(words) == 2:
            facts["is_above_scale"] = _yes_no(words[1], number)
        elif head == "资质" and len(words) >= 2:
            held: dict[str, Any] = {"type": words[1]}
            if len(words) >= 3:
                held["valid_from"] = _date(words[2], number)
            if len(words) >= 4:
                held["valid_to"] = _date(words[3], number)
            facts["qualifications"].append(held)
        elif (flag := _flag_code(head)) is not None and len(words) == 2:
            facts.setdefault("flags", {})[flag] = _yes_no(words[1], number)
        else:
            raise FactsTextError(
                f"第{number}行：看不懂“{raw.strip()}”；可写“2025 营业收入 1500”“成立日期 2015-03-01”“规上 否”"
                "“资质 高新技术企业 2024-12-01 2027-11-30”"
            )
    return facts


def _date(word: str, number: int) -> str:
    try:
        return dt.date.fromisoformat(word).isoformat()
    except ValueError:
        raise FactsTextError(f"第{number}行：日期“{word}”应写作2025-03-01") from None


def facts_text(facts: dict[str, Any]) -> str:
    """The inverse of `parse_facts`, for showing a stored case in the editor."""
    lines = []
    if facts.get("registered_on"):
        lines.append(f"成立日期 {facts['registered_on']}")
    if "is_above_scale" in facts:
        lines.append(f"规上 {'是' if facts['is_above_scale'] else '否'}")
    for held in facts.get("qualifications") or []:
        lines.append(
            " ".join(str(x) for x in ("资质", held["type"], held.get("valid_from", ""), held.get("valid_to", "")) if x)
        )
    for name, value in (facts.get("flags") or {}).items():
        label = FLAGS[name].label if name in FLAGS else name
        lines.append(f"{label} {'是' if value else '否'}")
    for year, values in sorted((facts.get("years") or {}).items()):
        for code, value in values.items():
            label = YEARLY_FACTS[code].label if code in YEARLY_FACTS else code
            lines.append(f"{year} {label} {value}")
    return "\n".join(lines)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def from_document(document: dict[str, Any]) -> RulePlan | None:
    """The editor's plan of a document, or None when the document uses more than the builder offers."""
    decision = document.get("decision") or {}
    if set(document) - {
        "code",
        "version",
        "name",
        "source",
        "valid_from",
        "valid_to",
        "criteria",
        "decision",
        "test_defaults",
        "tests",
        "description",
        "notes",
    }:
        return None
    if len(decision) != 1 or next(iter(decision)) not in ("all", "any"):
        return None
    kind = next(iter(decision))
    codes = [c.get("code") for c in document.get("criteria") or []]
    if decision[kind] != codes:
        return None
    rows = []
    for spec in document.get("criteria") or []:
        row = _criterion_plan(spec)
        if row is None:
            return None
        rows.append(row)
    cases = [
        CasePlan(
            name=t.get("name", ""),
            expect=(t.get("expect") or {}).get("result", "pass"),
            facts=facts_text(t.get("facts") or {}),
        )
        for t in document.get("tests") or []
    ]
    as_of = (document.get("test_defaults") or {}).get("as_of")
    return RulePlan(
        code=document.get("code", ""),
        name=document.get("name", ""),
        version=str(document.get("version", "")),
        source=document.get("source", ""),
        valid_from=_iso(document.get("valid_from")),
        valid_to=_iso(document.get("valid_to")),
        decision=kind,
        as_of=_iso(as_of),
        criteria=rows,
        cases=cases,
    )


def _iso(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _criterion_plan(spec: dict[str, Any]) -> CriterionPlan | None:
    label = spec.get("label", "")
    if "qualification" in spec:
        types = spec["qualification"]
        if spec.get("levels") or not isinstance(types, list) or len(types) != 1:
            return None
        return CriterionPlan(label=label, kind="qualification", qualification=types[0])
    if "flag" in spec:
        return CriterionPlan(label=label, kind="flag", flag=spec["flag"], expect=bool(spec.get("expect")))
    if "value" not in spec or spec.get("threshold_by") is not None:
        return None
    row = CriterionPlan(label=label, kind="value", op=spec.get("op", ">="))
    threshold = spec.get("threshold")
    if row.op == "between":
        if not isinstance(threshold, list) or len(threshold) != 2:
            return None
        row.threshold, row.upper = _decimal(threshold[0]), _decimal(threshold[1])
    elif row.op in OPERATORS:
        row.threshold = _decimal(threshold)
    else:
        return None
    value = spec["value"]
    if spec.get("each_year"):
        row.period, row.years = "each", int(spec["each_year"])
    if isinstance(value, str):
        row.fact = value
        return row
    if isinstance(value, dict) and set(value) == {"growth"} and isinstance(value["growth"], str):
        row.measure, row.fact = "growth", value["growth"]
        return row
    if isinstance(value, dict) and "fact" in value and set(value) <= {"fact", "years", "agg"}:
        row.fact, row.years, row.period = value["fact"], int(value.get("years", 1)), value.get("agg", "sum")
        return row
    if isinstance(value, dict) and set(value) == {"ratio"} and len(value["ratio"]) == 2:
        top, bottom = value["ratio"]
        row.measure = "ratio"
        if isinstance(top, str) and isinstance(bottom, str):
            row.fact, row.denominator = top, bottom
            return row
        if isinstance(top, dict) and isinstance(bottom, dict) and top.get("years") == bottom.get("years"):
            row.fact, row.denominator = top.get("fact", ""), bottom.get("fact", "")
            row.years, row.period = int(top.get("years", 1)), top.get("agg", "sum")
            return row
    return None
