"""The amount formulas (fixed / percentage with a cap / tiers), worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.policy.amounts import Formula, compute, parse_tiers, total

AS_OF = dt.date(2026, 6, 30)  # reference year 2025
D = Decimal


def facts(**values: object) -> dict[str, object]:
    return {"uscc": "x", "years": {"2025": values, "2024": {"revenue": 1}}}


def test_fixed() -> None:
    result = compute(Formula("fixed", fixed_yuan=D("200000")), facts(), as_of=AS_OF)
    assert result.yuan == D("200000")
    assert result.explanation == "定额20万元"


def test_percent_under_and_over_the_cap() -> None:
    formula = Formula("percent", fact="rd_expense", percent=D("10"), cap_yuan=D("2000000"))
    # 研发费用 856.3万元 × 10% = 85.63万元
    under = compute(formula, facts(rd_expense=856.3), as_of=AS_OF)
    assert under.yuan == D("856300.00")
    assert under.explanation == "2025年研发费用856.3万元×10%=85.63万元"
    over = compute(formula, facts(rd_expense=30000), as_of=AS_OF)
    assert over.yuan == D("2000000")
    assert "超过上限，按上限200万元" in over.explanation


def test_percent_rounds_half_up_to_the_fen() -> None:
    formula = Formula("percent", fact="revenue", percent=D("0.125"), cap_yuan=D("1000000"))
    # 0.0001万元 = 1元; 1元 × 0.125% = 0.00125 → 0.00; 4元 → 0.005 → 0.01
    assert compute(formula, facts(revenue=0.0004), as_of=AS_OF).yuan == D("0.01")


def test_tiers_choose_the_highest_reached_band_lower_bound_inclusive() -> None:
    formula = Formula("tiers", fact="revenue", tiers=parse_tiers([["5000", "200000"], ["2000", "100000"]]))
    assert compute(formula, facts(revenue=1999.99), as_of=AS_OF).yuan == D("0.00")
    assert compute(formula, facts(revenue=2000), as_of=AS_OF).yuan == D("100000")
    assert compute(formula, facts(revenue=4999), as_of=AS_OF).yuan == D("100000")
    top = compute(formula, facts(revenue=5000), as_of=AS_OF)
    assert top.yuan == D("200000")
    assert top.explanation == "2025年营业收入5000万元，达到“不低于5000万元”一档：20万元"


def test_missing_fact_is_unknown_not_zero() -> None:
    formula = Formula("percent", fact="rd_expense", percent=D("10"), cap_yuan=D("1"))
    result = compute(formula, facts(revenue=1), as_of=AS_OF)
    assert result.yuan is None
    assert result.explanation == "缺少2025年研发费用，无法测算"


def test_total_counts_unknowns() -> None:
    formula = Formula("percent", fact="rd_expense", percent=D("10"), cap_yuan=D("100000"))
    amount, unknown = total(formula, [facts(rd_expense=50), facts(rd_expense=500), facts()], as_of=AS_OF)
    assert (amount, unknown) == (D("150000.00"), 1)


def test_bad_tiers() -> None:
    with pytest.raises(ValueError, match="第2档"):
        parse_tiers([["1", "2"], ["x", "3"]])
