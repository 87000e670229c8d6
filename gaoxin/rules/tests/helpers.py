"""Small builders for rule-set documents in tests (plain functions, no fixtures, no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from gaoxin.rules.engine import Evaluation, RuleSet, compile_ruleset

AS_OF = dt.date(2025, 6, 30)  # reference year 2024


def document(criteria: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "code": "sample",
        "version": "1",
        "name": "测试规则集",
        "source": "测试〔2025〕1号",
        "valid_from": dt.date(2020, 1, 1),
        "criteria": criteria,
        "decision": {"all": [c["code"] for c in criteria]} if criteria else "x",
    }
    doc.update(extra)
    return doc


def ruleset(criteria: list[dict[str, Any]], **extra: Any) -> RuleSet:
    return compile_ruleset(document(criteria, **extra))


def one(spec: dict[str, Any], facts: dict[str, Any], *, as_of: dt.date = AS_OF, **extra: Any) -> Evaluation:
    """Evaluate a rule set with the single criterion `spec` (code "c")."""
    return ruleset([{"code": "c", "label": "条件", **spec}], **extra).evaluate(facts, as_of=as_of)


def actual(spec_value: Any, facts: dict[str, Any], **extra: Any) -> Any:
    """The actual value a value expression takes (through a `>= 0` comparison)."""
    return one({"value": spec_value, "op": ">=", "threshold": -1000000}, facts, **extra).criterion("c").actual


def years(**by_year: dict[str, Any]) -> dict[str, Any]:
    return {"uscc": "91440400MA4TESTXXX", "years": {k.lstrip("y"): v for k, v in by_year.items()}}


def D(text: str | int) -> Decimal:
    return Decimal(text)
