"""Every comparison operator, threshold tables, "each of the last N years", flags and qualifications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from gaoxin.rules.engine import Outcome
from gaoxin.rules.engine.conditions import compare_interval
from gaoxin.rules.tests.helpers import D, one, ruleset, years

P, F, U = Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN


@pytest.mark.parametrize(
    ("op", "threshold", "value", "expected"),
    [
        (">=", 5, "5", P),
        (">=", 5, "4.99", F),
        ("≥", 5, "5", P),
        (">", 5, "5", F),
        (">", 5, "5.01", P),
        ("<=", 500, "500", P),
        ("<=", 500, "501", F),
        ("≤", 500, "500", P),
        ("<", 55, "55", F),
        ("<", 55, "54.99", P),
        ("==", 3, "3", P),
        ("==", 3, "3.0", P),
        ("==", 3, "2", F),
        ("!=", 3, "2", P),
        ("!=", 3, "3", F),
        ("between", [1300, 2000], "1300", P),  # lower bound included
        ("between", [1300, 2000], "1999.99", P),
        ("between", [1300, 2000], "2000", F),  # upper bound excluded
        ("between", [1300, 2000], "1299.99", F),
        ("in", [1, 2], "2", P),
        ("in", [1, 2], "3", F),
    ],
)
def test_numeric_operators(op: str, threshold: Any, value: str, expected: Outcome) -> None:
    result = one({"value": "staff", "op": op, "threshold": threshold}, years(y2024={"staff": value}))
    assert result.criterion("c").result is expected


@pytest.mark.parametrize("op", [">=", ">", "<=", "<", "==", "!=", "between", "in"])
def test_every_operator_answers_unknown_without_data(op: str) -> None:
    threshold: Any = [1, 2] if op in {"between", "in"} else 1
    result = one({"value": "staff", "op": op, "threshold": threshold}, years(y2024={}))
    assert result.criterion("c").result is U
    assert result.result is U


@pytest.mark.parametrize(
    ("op", "threshold", "park", "expected"),
    [
        ("==", "一园", "一园", P),
        ("==", "一园", "二园", F),
        ("!=", "一园", "二园", P),
        ("in", ["一园", "三园"], "三园", P),
        ("in", ["一园", "三园"], "二园", F),
        ("in", ["一园", "三园"], None, U),
    ],
)
def test_text_operators(op: str, threshold: Any, park: str | None, expected: Outcome) -> None:
    result = one({"value": {"static": "park"}, "op": op, "threshold": threshold}, {"park": park})
    assert result.criterion("c").result is expected


def test_messages_say_value_requirement_and_verdict() -> None:
    spec = {
        "value": {"ratio": ["rd_expense", "revenue"]},
        "subject": "研发费用占销售收入比例",
        "op": ">=",
        "threshold": 5,
    }
    low = one(spec, years(y2024={"rd_expense": 42, "revenue": 1000})).criterion("c")
    assert low.message == "研发费用占销售收入比例（2024年）4.2%，低于要求的5%"
    assert (low.actual, low.required, low.threshold) == (D("4.2"), "不低于5%", D("5"))
    ok = one(spec, years(y2024={"rd_expense": 61, "revenue": 1000})).criterion("c")
    assert ok.message == "研发费用占销售收入比例（2024年）6.1%，不低于要求的5%"


def test_rounding_never_puts_the_shown_figure_on_the_wrong_side() -> None:
    spec = {"value": {"ratio": ["rd_expense", "revenue"]}, "subject": "研发占比", "op": ">=", "threshold": 5}
    result = one(spec, years(y2024={"rd_expense": "49.96", "revenue": 1000})).criterion("c")
    assert result.message == "研发占比（2024年）4.996%，低于要求的5%"


def test_money_is_written_in_wan_or_yi() -> None:
    spec = {"value": "revenue", "subject": "营业收入", "op": "<=", "threshold": 20000}
    assert one(spec, years(y2024={"revenue": 32000})).criterion("c").message == (
        "营业收入（2024年）3.20亿元，超过要求的2亿元"
    )
    assert one(spec, years(y2024={"revenue": 3200})).criterion("c").message == (
        "营业收入（2024年）3200万元，不超过要求的2亿元"
    )
    # 2亿 and a cent: "2.00亿元" would look equal to the limit, so the figure is written in 万元
    assert one(spec, years(y2024={"revenue": "20000.01"})).criterion("c").message == (
        "营业收入（2024年）20000.01万元，超过要求的2亿元"
    )


THRESHOLD_BY = {
    "value": {"ratio": [{"fact": "rd_expense", "years": 3}, {"fact": "revenue", "years": 3}]},
    "subject": "研发费用占比",
    "op": ">=",
    "threshold_by": {
        "value": "revenue",
        "label": "最近一年销售收入",
        "rows": [{"max": 5000, "threshold": 5}, {"max": 20000, "threshold": 4}, {"threshold": 3}],
    },
}


def _three_years(latest: str, rd_total: str) -> dict[str, Any]:
    return years(
        y2022={"revenue": 10000, "rd_expense": rd_total},
        y2023={"revenue": 10000, "rd_expense": 0},
        y2024={"revenue": latest, "rd_expense": 0},
    )


@pytest.mark.parametrize(
    ("latest", "rd_total", "expected", "threshold"),
    [
        ("5000", "1250", P, D(5)),  # 1250 / 25000 = 5%, sales 5000 (included) → 5%
        ("5000", "1249", F, D(5)),
        ("5000.01", "1000.0004", P, D(4)),  # → 4%
        ("20000", "1599", F, D(4)),  # 1599 / 40000 < 4%
        ("20000.01", "1200.0003", P, D(3)),  # 2亿 and up → 3%
    ],
)
def test_threshold_chosen_by_band(latest: str, rd_total: str, expected: Outcome, threshold: Decimal) -> None:
    result = one(THRESHOLD_BY, _three_years(latest, rd_total)).criterion("c")
    assert (result.result, result.threshold) == (expected, threshold)


def test_threshold_band_unknown_selector_decides_when_every_band_agrees() -> None:
    facts = years(y2022={"revenue": 1, "rd_expense": 1}, y2023={"revenue": 1, "rd_expense": 1})
    facts["years"]["2024"] = {"rd_expense": 1}  # latest revenue missing: the sum is unknown too
    assert one(THRESHOLD_BY, facts).criterion("c").result is U
    spec = {**THRESHOLD_BY, "value": {"ratio": ["rd_expense", "total_cost"]}}
    high = one(spec, years(y2024={"rd_expense": 10, "total_cost": 100})).criterion("c")  # 10% ≥ every band
    assert high.result is P
    low = one(spec, years(y2024={"rd_expense": 1, "total_cost": 100})).criterion("c")  # 1% < every band
    assert low.result is F
    mid = one(spec, years(y2024={"rd_expense": 4, "total_cost": 100})).criterion("c")
    assert mid.result is U
    assert "无法确定适用的标准" in mid.message


def test_threshold_band_message_names_the_band() -> None:
    result = one(THRESHOLD_BY, _three_years("6000", "1300")).criterion("c")
    assert result.message.endswith("低于要求的4%（最近一年销售收入6000万元，超过5000万元且不超过2亿元）")


EACH = {
    "value": {"ratio": ["rd_expense", "revenue"]},
    "subject": "研发占比",
    "op": ">=",
    "threshold": 3,
    "each_year": 2,
}


def test_each_of_the_last_two_years() -> None:
    both = one(EACH, years(y2023={"rd_expense": 3, "revenue": 100}, y2024={"rd_expense": 4, "revenue": 100}))
    result = both.criterion("c")
    assert result.result is P
    assert result.actual == {"2023": D(3), "2024": D(4)}
    assert result.message == "研发占比：2023年3.0%、2024年4.0%，各年均不低于要求的3%"
    one_low = one(EACH, years(y2023={"rd_expense": "2.9", "revenue": 100}, y2024={"rd_expense": 9, "revenue": 100}))
    assert one_low.criterion("c").result is F
    assert one_low.criterion("c").message.endswith("2023年低于要求的3%")
    missing = one(EACH, years(y2024={"rd_expense": 9, "revenue": 100}))
    assert missing.criterion("c").result is U
    # a failing year decides even when the other is unknown
    failing = one(EACH, years(y2024={"rd_expense": 1, "revenue": 100}))
    assert failing.criterion("c").result is F


def test_flags() -> None:
    spec = {"flag": "major_incident_last_year", "expect": False}
    assert one(spec, {"flags": {"major_incident_last_year": False}}).criterion("c").result is P
    bad = one(spec, {"flags": {"major_incident_last_year": True}}).criterion("c")
    assert (bad.result, bad.message) == (F, "上年度发生过重大安全、质量或环境污染事故")
    assert one(spec, {"flags": {}}).criterion("c").result is U
    assert one({"flag": "is_above_scale", "expect": False}, {"is_above_scale": False}).criterion("c").result is P


def test_declared_yes_no_inputs() -> None:
    inputs = [{"code": "award", "label": "获省级奖励", "kind": "declared", "type": "flag"}]
    spec = {"flag": "award", "expect": True}
    assert one(spec, {"inputs": {"award": True}}, inputs=inputs).criterion("c").result is P
    assert one(spec, {"flags": {"award": False}}, inputs=inputs).criterion("c").result is F
    assert one(spec, {}, inputs=inputs).criterion("c").result is U


QUAL = {"qualification": ["高新技术企业", "高企"]}


@pytest.mark.parametrize(
    ("held", "expected"),
    [
        ([{"type": "高新技术企业", "valid_from": "2023-12-01", "valid_to": "2026-11-30"}], P),
        ([{"type": "高企", "valid_from": "2023-12-01", "valid_to": "2025-06-30"}], P),  # last valid day
        ([{"type": "高新技术企业", "valid_from": "2021-12-01", "valid_to": "2025-06-29"}], F),  # expired
        ([{"type": "高新技术企业", "valid_from": "2025-07-01", "valid_to": "2028-06-30"}], F),  # not yet
        ([{"type": "高新技术企业"}], P),  # no dates: open-ended
        ([{"type": "科技型中小企业", "valid_to": "2025-12-31"}], F),
        ([], F),  # holds none
        (None, U),  # not known
    ],
)
def test_qualification_valid_on_the_as_of_date(held: list[dict[str, str]] | None, expected: Outcome) -> None:
    facts: dict[str, Any] = {} if held is None else {"qualifications": held}
    assert one(QUAL, facts).criterion("c").result is expected


def test_qualification_messages_and_levels() -> None:
    expired = one(QUAL, {"qualifications": [{"type": "高企", "valid_to": "2024-12-18"}]}).criterion("c")
    assert expired.message == "所持高新技术企业资质已于2024-12-18到期，评价日2025-06-30不在有效期内"
    spec = {"qualification": "企业技术中心", "levels": ["国家级", "省级"]}
    city = {"qualifications": [{"type": "企业技术中心", "level": "市级"}]}
    province = {"qualifications": [{"type": "企业技术中心", "level": "省级"}]}
    assert one(spec, city).criterion("c").result is F
    assert one(spec, province).criterion("c").result is P
    assert one(spec, province, as_of=dt.date(2030, 1, 1)).criterion("c").result is P


@pytest.mark.parametrize(
    ("op", "lo", "hi", "operand", "expected"),
    [
        (">=", "60", "80", D(60), P),
        (">=", "50", "80", D(60), U),
        (">=", "40", "59", D(60), F),
        (">", "70", "75", D(70), U),
        (">", "71", "75", D(70), P),
        (">", "65", "70", D(70), F),
        ("<=", "10", "20", D(20), P),
        ("<", "10", "20", D(20), U),
        ("==", "5", "5", D(5), P),
        ("==", "4", "6", D(5), U),
        ("==", "6", "8", D(5), F),
        ("!=", "6", "8", D(5), P),
        ("between", "10", "20", (D(10), D(30)), P),
        ("between", "5", "20", (D(10), D(30)), U),
        ("between", "30", "40", (D(10), D(30)), F),
        ("in", "4", "6", (D(1), D(5)), U),
        ("in", "6", "8", (D(1), D(5)), F),
    ],
)
def test_comparisons_on_score_intervals(op: str, lo: str, hi: str, operand: object, expected: Outcome) -> None:
    assert compare_interval(op, D(lo), D(hi), operand) is expected


def test_criteria_refer_to_each_other_and_are_evaluated_once() -> None:
    rs = ruleset(
        [
            {"code": "big", "label": "规模", "value": "revenue", "op": ">=", "threshold": 100},
            {
                "code": "both",
                "label": "两次",
                "all": ["big", {"not": {"value": "revenue", "op": "<", "threshold": 100}}],
            },
        ],
        decision={"any": ["both", "big"]},
    )
    evaluation = rs.evaluate(years(y2024={"revenue": 150}), as_of=dt.date(2025, 6, 30))
    assert evaluation.result is P
    assert [c.code for c in evaluation.criteria] == ["big", "both"]
