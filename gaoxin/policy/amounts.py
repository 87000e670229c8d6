"""The amount formula of a fund item, as pure functions over an enterprise's facts (FORMATS.md 2a).

Three kinds, as zone policies write them:
- 定额 (fixed): the same amount for every supported enterprise ("给予一次性奖励20万元");
- 按比例 (percent) with a cap: a percentage of a yearly fact of the reference year, at most the cap ("按上年度研发费用
  的10%给予补助，最高不超过200万元"); facts are in 万元, amounts in yuan;
- 分档 (tiers): the band of a yearly fact decides the amount
  ("营业收入首次超过2000万元奖励10万元，超过5000万元奖励20万元"):
  the highest tier whose lower bound the value reaches (lower bounds are inclusive).

The reference year is the calendar year before `as_of` (the last complete fiscal year), as the rules engine counts.
A fact that is absent gives no amount (None) with the reason, never zero. Amounts are rounded half up to the fen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from gaoxin.core.display import money_yuan

YUAN_PER_WAN = Decimal(10_000)
FEN = Decimal("0.01")

#: Facts whose values are money in 万元 (FORMATS.md section 2); others are counts or tce.
MONEY_FACTS = frozenset(
    {
        "revenue",
        "main_business_revenue",
        "hightech_revenue",
        "rd_expense",
        "rd_expense_domestic",
        "total_cost",
        "total_assets",
        "total_liabilities",
        "net_assets",
        "output_value",
        "value_added",
        "tax_paid",
        "export_value",
        "net_profit",
    }
)
FACT_LABELS = {
    "revenue": "营业收入",
    "main_business_revenue": "主营业务收入",
    "hightech_revenue": "高新技术产品(服务)收入",
    "rd_expense": "研发费用",
    "rd_expense_domestic": "境内研发费用",
    "total_cost": "成本费用总额",
    "total_assets": "资产总额",
    "total_liabilities": "负债总额",
    "net_assets": "净资产",
    "output_value": "工业总产值",
    "value_added": "工业增加值",
    "tax_paid": "实缴税费",
    "export_value": "出口额",
    "net_profit": "净利润",
    "staff": "职工总数",
    "tech_staff": "科技人员数",
    "rd_staff": "研发人员数",
    "energy_tce": "综合能源消费量",
}


@dataclass(frozen=True)
class Formula:
    kind: str  # fixed / percent / tiers
    fixed_yuan: Decimal | None = None
    fact: str = ""
    percent: Decimal | None = None
    cap_yuan: Decimal | None = None
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()

    @classmethod
    def of(cls, item: Any) -> Formula:
        return cls(
            kind=item.amount_kind,
            fixed_yuan=item.amount_fixed_yuan,
            fact=item.amount_fact,
            percent=item.amount_percent,
            cap_yuan=item.amount_cap_yuan,
            tiers=parse_tiers(item.amount_tiers),
        )


@dataclass(frozen=True)
class Amount:
    yuan: Decimal | None
    explanation: str


def parse_tiers(raw: Sequence[Any]) -> tuple[tuple[Decimal, Decimal], ...]:
    """[[lower, yuan], …] → sorted pairs of Decimals; ValueError naming the bad tier."""
    tiers = []
    for n, pair in enumerate(raw or [], start=1):
        try:
            lower, yuan = Decimal(str(pair[0])), Decimal(str(pair[1]))
        except (InvalidOperation, IndexError, TypeError, KeyError):
            raise ValueError(_("第%(n)s档的下限或金额不是数字") % {"n": n}) from None
        if yuan < 0:
            raise ValueError(_("第%(n)s档的金额不能为负数") % {"n": n})
        tiers.append((lower, yuan))
    return tuple(sorted(tiers))


def reference_year(as_of: dt.date) -> int:
    return as_of.year - 1


def fact_value(facts: Mapping[str, Any], name: str, year: int) -> Decimal | None:
    value = (facts.get("years") or {}).get(str(year), {}).get(name)
    if value is None:
        return None
    return Decimal(str(value))


def _fact_text(name: str, value: Decimal, year: int) -> str:
    label = FACT_LABELS.get(name, name)
    shown = money_yuan(value * YUAN_PER_WAN) if name in MONEY_FACTS else format(value.normalize(), "f")
    return _("%(year)s年%(label)s%(value)s") % {"year": year, "label": label, "value": shown}


def compute(formula: Formula, facts: Mapping[str, Any], *, as_of: dt.date) -> Amount:
    """The amount one enterprise would receive, with the sentence that shows how it was reached."""
    if formula.kind == "fixed":
        if formula.fixed_yuan is None:
            return Amount(None, _("未设定定额"))
        return Amount(formula.fixed_yuan, _("定额%(amount)s") % {"amount": money_yuan(formula.fixed_yuan)})
    year = reference_year(as_of)
    value = fact_value(facts, formula.fact, year)
    label = FACT_LABELS.get(formula.fact, formula.fact)
    if value is None:
        return Amount(None, _("缺少%(year)s年%(label)s，无法测算") % {"year": year, "label": label})
    basis = _fact_text(formula.fact, value, year)
    if formula.kind == "percent":
        if formula.percent is None:
            return Amount(None, _("未设定比例"))
        base_yuan = value * YUAN_PER_WAN if formula.fact in MONEY_FACTS else value
        raw = (base_yuan * formula.percent / Decimal(100)).quantize(FEN, rounding=ROUND_HALF_UP)
        if raw < 0:
            raw = Decimal("0.00")
        text = _("%(basis)s×%(pct)s%%") % {"basis": basis, "pct": format(formula.percent.normalize(), "f")}
        if formula.cap_yuan is not None and raw > formula.cap_yuan:
            return Amount(
                formula.cap_yuan,
                _("%(text)s=%(raw)s，超过上限，按上限%(cap)s")
                % {"text": text, "raw": money_yuan(raw), "cap": money_yuan(formula.cap_yuan)},
            )
        return Amount(raw, _("%(text)s=%(raw)s") % {"text": text, "raw": money_yuan(raw)})
    if formula.kind == "tiers":
        chosen: tuple[Decimal, Decimal] | None = None
        for lower, yuan in formula.tiers:
            if value >= lower:
                chosen = (lower, yuan)
        if chosen is None:
            return Amount(Decimal("0.00"), _("%(basis)s，未达到最低一档") % {"basis": basis})
        bound = chosen[0]
        bound_text = money_yuan(bound * YUAN_PER_WAN) if formula.fact in MONEY_FACTS else format(bound.normalize(), "f")
        return Amount(
            chosen[1],
            _("%(basis)s，达到“不低于%(lower)s”一档：%(amount)s")
            % {"basis": basis, "lower": bound_text, "amount": money_yuan(chosen[1])},
        )
    return Amount(None, _("金额计算方式不正确"))


def total(formula: Formula, documents: Sequence[Mapping[str, Any]], *, as_of: dt.date) -> tuple[Decimal, int]:
    """The sum of the amounts over many enterprises, and how many of them could not be computed (missing facts)."""
    amount, unknown = Decimal("0.00"), 0
    for facts in documents:
        result = compute(formula, facts, as_of=as_of)
        if result.yuan is None:
            unknown += 1
        else:
            amount += result.yuan
    return amount, unknown
