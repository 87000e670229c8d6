"""Value expressions: facts by period, arithmetic, ratios, growth (YoY, compound, the 高企 average formula)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.rules.engine import Outcome
from gaoxin.rules.tests.helpers import AS_OF, D, actual, one, years

FACTS = years(
    y2021={"revenue": 900},
    y2022={"revenue": 1000, "rd_expense": 40},
    y2023={"revenue": 1200, "rd_expense": 60},
    y2024={"revenue": 1500, "rd_expense": 90, "staff": 50, "tech_staff": 12, "total_cost": 1000},
)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("revenue", D("1500")),  # a bare fact name is the reference year (as-of 2025-06-30 → 2024)
        ({"fact": "revenue"}, D("1500")),
        ({"fact": "revenue", "year": "latest"}, D("1500")),
        ({"fact": "revenue", "year": "previous"}, D("1200")),
        ({"fact": "revenue", "year": -3}, D("900")),
        ({"fact": "revenue", "years": 3}, D("3700")),  # the last 3 fiscal years, summed
        ({"fact": "revenue", "years": 3, "agg": "avg"}, D("3700") / 3),
        ({"fact": "revenue", "years": 4, "agg": "min"}, D("900")),
        ({"fact": "revenue", "years": 2, "agg": "max"}, D("1500")),
        ({"ratio": ["rd_expense", "revenue"]}, D("6")),  # in %
        ({"ratio": [{"fact": "rd_expense", "years": 3}, {"fact": "revenue", "years": 3}]}, D("190") / 3700 * 100),
        ({"add": ["revenue", "total_cost", 10]}, D("2510")),
        ({"sub": ["revenue", "total_cost"]}, D("500")),
        ({"mul": ["staff", 2]}, D("100")),
        ({"div": ["revenue", "staff"]}, D("30")),
        ({"min": ["revenue", "total_cost"]}, D("1000")),
        ({"max": ["revenue", "total_cost"]}, D("1500")),
        ({"growth": "revenue"}, D("25")),  # 1500 / 1200 − 1
        ({"cagr": "revenue", "years": 2}, (D("1.5").sqrt() - 1) * 100),
        (12.5, D("12.5")),
    ],
)
def test_value_expressions(expr: object, expected: Decimal) -> None:
    got = actual(expr, FACTS)
    assert isinstance(got, Decimal)
    assert abs(got - expected) < D("1e-12")


def test_named_values_and_inputs() -> None:
    got = actual(
        {"ref": "rd_share"},
        {**FACTS, "inputs": {"experts": 7}},
        values={"rd_share": {"label": "研发占比", "ratio": ["rd_expense", "revenue"]}},
    )
    assert got == D("6")
    inputs = [{"code": "experts", "label": "专家分", "kind": "expert", "max": 10}]
    assert actual({"input": "experts"}, {**FACTS, "inputs": {"experts": 7}}, inputs=inputs) == D("7")
    assert actual("experts", {**FACTS, "inputs": {"experts": 7}}, inputs=inputs) == D("7")


def test_a_missing_year_makes_the_sum_unknown_and_says_which() -> None:
    facts = years(y2022={"revenue": 1000}, y2024={"revenue": 1500})
    result = one({"value": {"fact": "revenue", "years": 3}, "op": ">=", "threshold": 1}, facts).criterion("c")
    assert result.result is Outcome.UNKNOWN
    assert result.missing == ("2023年营业收入",)
    assert "缺少2023年营业收入" in result.message


def test_a_zero_fact_is_known_not_missing() -> None:
    facts = years(y2024={"revenue": 0})
    assert one({"value": "revenue", "op": ">=", "threshold": 1}, facts).result is Outcome.FAIL


def test_operating_only_counts_the_years_since_registration() -> None:
    facts = {**years(y2023={"revenue": 100}, y2024={"revenue": 200}), "registered_on": "2023-04-01"}
    expr = {"fact": "revenue", "years": 3, "operating_only": True}
    assert actual(expr, facts) == D("300")
    assert one({"value": {"fact": "revenue", "years": 3}, "op": ">=", "threshold": 1}, facts).result is Outcome.UNKNOWN


def test_ratio_over_zero_is_undefined_and_unknown() -> None:
    result = one(
        {"value": {"ratio": ["rd_expense", "revenue"]}, "op": ">=", "threshold": 3},
        years(y2024={"rd_expense": 5, "revenue": 0}),
    ).criterion("c")
    assert result.result is Outcome.UNKNOWN
    assert "无法计算（2024年营业收入为0）" in result.message


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ((100, 135, "182.25"), D("35")),  # ½ × (1.35 + 1.35) − 1
        ((100, 120, 150), D("22.5")),  # ½ × (1.2 + 1.25) − 1
        ((100, 100, 100), D("0")),
        ((100, 90, 81), D("-10")),
        ((0, 100, 150), D("50")),  # Y1 = 0: the last two years, 150 / 100 − 1
    ],
)
def test_hnte_average_growth(series: tuple[object, object, object], expected: Decimal) -> None:
    facts = years(**{f"y{2022 + i}": {"net_assets": v} for i, v in enumerate(series)})
    assert actual({"average_growth": "net_assets", "years": 3}, facts) == expected


def test_hnte_average_growth_second_year_zero_is_undefined() -> None:
    facts = years(y2022={"net_assets": 100}, y2023={"net_assets": 0}, y2024={"net_assets": 50})
    result = one({"value": {"average_growth": "net_assets"}, "op": ">=", "threshold": 0}, facts).criterion("c")
    assert result.result is Outcome.UNKNOWN
    assert "2023年净资产为0" in result.message


def test_hnte_average_growth_before_registration_counts_as_zero() -> None:
    facts = {**years(y2023={"net_assets": 100}, y2024={"net_assets": 130}), "registered_on": "2023-02-01"}
    expr = {"average_growth": "net_assets", "operating_only": True}
    assert actual(expr, facts) == D("30")


@pytest.mark.parametrize(
    ("base", "now", "years_", "expected"),
    [
        ("10000", "11025", 2, D("5")),  # exactly 5%: the boundary stays on the boundary
        ("100", "133.1", 3, D("10")),
        ("100", "105", 1, D("5")),
        ("100", "0", 2, D("-100")),
    ],
)
def test_compound_growth(base: str, now: str, years_: int, expected: Decimal) -> None:
    facts = years(**{f"y{2024 - years_}": {"revenue": base}, "y2024": {"revenue": now}})
    assert actual({"cagr": "revenue", "years": years_}, facts) == expected


def test_compound_growth_from_a_non_positive_base_is_undefined() -> None:
    facts = years(y2022={"revenue": 0}, y2024={"revenue": 100})
    result = one({"value": {"cagr": "revenue", "years": 2}, "op": ">=", "threshold": 5}, facts).criterion("c")
    assert result.result is Outcome.UNKNOWN
    assert "不为正数" in result.message


def test_growth_with_a_missing_previous_year_is_unknown() -> None:
    result = one({"value": {"growth": "revenue"}, "op": ">=", "threshold": 30}, years(y2024={"revenue": 10}))
    assert result.criterion("c").missing == ("2023年营业收入",)


def test_negative_growth_is_written_with_a_word_not_a_minus_sign() -> None:
    facts = years(y2023={"revenue": 1000}, y2024={"revenue": 964})
    message = one({"value": {"growth": "revenue"}, "op": ">=", "threshold": 0}, facts).criterion("c").message
    assert "为负（下降3.6%）" in message
    assert "-" not in message.replace("2023–2024", "")


@pytest.mark.parametrize(
    ("registered", "as_of", "expected"),
    [
        ("2024-06-30", dt.date(2025, 6, 30), D(1)),  # the anniversary counts
        ("2024-07-01", dt.date(2025, 6, 30), D(0)),
        ("2020-02-29", dt.date(2024, 2, 28), D(3)),
        ("2020-02-29", dt.date(2024, 2, 29), D(4)),
    ],
)
def test_years_since_registration(registered: str, as_of: dt.date, expected: Decimal) -> None:
    result = one(
        {"value": {"years_since": "registered_on"}, "op": ">=", "threshold": 0},
        {"registered_on": registered},
        as_of=as_of,
    )
    assert result.criterion("c").actual == expected


def test_reference_year_can_be_given() -> None:
    rs_eval = one({"value": "revenue", "op": ">=", "threshold": 1000}, FACTS)
    assert rs_eval.year == 2024
    from gaoxin.rules.tests.helpers import ruleset

    rs = ruleset([{"code": "c", "label": "条件", "value": "revenue", "op": ">=", "threshold": 1000}])
    assert rs.evaluate(FACTS, as_of=AS_OF, year=2021).result is Outcome.FAIL  # 900 in 2021
    assert rs.evaluate(FACTS, as_of=AS_OF, year=2022).result is Outcome.PASS
