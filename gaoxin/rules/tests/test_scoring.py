"""Scores: band edges (lower bounds inclusive), ranges, first-hit rows with unknowns, caps, the better of two,
expert inputs, and the best/worst case of a total against its threshold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from gaoxin.rules.engine import Outcome, RuleSet, compile_ruleset
from gaoxin.rules.tests.helpers import AS_OF, D, document, years

P, F, U = Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN

BANDS = [
    {"min": 30, "points": 20},
    {"min": 25, "points": 16},
    {"above": 0, "points": [1, 2]},
    {"points": 0},
]


def scored(score: dict[str, Any], criteria: list[dict[str, Any]] | None = None, **extra: Any) -> RuleSet:
    criteria = criteria or [{"code": "ok", "label": "得分达标", "points": score["code"], "op": ">=", "threshold": 60}]
    return compile_ruleset(document(criteria, score=score, **extra))


TABLE = {"code": "s", "label": "科技人员指标", "value": {"ratio": ["tech_staff", "staff"]}, "bands": BANDS}


@pytest.mark.parametrize(
    ("tech", "points"),
    [
        ("30", (D(20), D(20))),  # exactly on the lower bound: that band
        ("29.99", (D(16), D(16))),
        ("25", (D(16), D(16))),
        ("24.99", (D(1), D(2))),
        ("0.01", (D(1), D(2))),
        ("0", (D(0), D(0))),  # "above 0" excludes 0
    ],
)
def test_band_edges(tech: str, points: tuple[Decimal, Decimal]) -> None:
    evaluation = scored(TABLE).evaluate(years(y2024={"tech_staff": tech, "staff": 100}), as_of=AS_OF)
    item = evaluation.criterion("s")
    assert (item.points_min, item.points_max) == points
    assert item.points == (points[0] if points[0] == points[1] else None)


def test_band_message() -> None:
    item = scored(TABLE).evaluate(years(y2024={"tech_staff": 26, "staff": 100}), as_of=AS_OF).criterion("s")
    assert item.message == "近一年科技人员数占近一年职工总数的比例（2024年）26.0%，属≥25%档，得16分"
    ranged = scored(TABLE).evaluate(years(y2024={"tech_staff": 5, "staff": 100}), as_of=AS_OF).criterion("s")
    assert ranged.message.endswith("属>0%档，得1–2分（档内分值由专家评定）")


def test_band_with_missing_value_spans_the_whole_table() -> None:
    item = scored(TABLE).evaluate(years(y2024={"staff": 100}), as_of=AS_OF).criterion("s")
    assert (item.result, item.points_min, item.points_max) == (U, D(0), D(20))


def test_if_undefined_gives_the_declared_points() -> None:
    table = {**TABLE, "if_undefined": 0}
    item = scored(table).evaluate(years(y2024={"tech_staff": 5, "staff": 0}), as_of=AS_OF).criterion("s")
    assert (item.result, item.points_min, item.points_max) == (F, D(0), D(0))
    assert "无法计算" in item.message


def test_below_bands_for_lower_is_better() -> None:
    table = {
        "code": "debt",
        "label": "资产负债率",
        "value": {"ratio": ["total_liabilities", "total_assets"]},
        "bands": [{"below": 55, "points": 10}, {"below": 75, "points": 5}, {"points": 0}],
    }
    rs = scored(table)
    for liabilities, expected in (("54.99", 10), ("55", 5), ("74.99", 5), ("75", 0)):
        facts = years(y2024={"total_liabilities": liabilities, "total_assets": 100})
        assert rs.evaluate(facts, as_of=AS_OF).criterion("debt").points == D(expected), liabilities


WHEN_TABLE = {
    "code": "ip",
    "label": "知识产权",
    "bands": [
        {"when": {"value": "ip_class1", "op": ">=", "threshold": 1}, "points": 30},
        {"when": {"value": "ip_class2", "op": ">=", "threshold": 4}, "points": 24},
        {"when": {"value": "ip_class2", "op": "==", "threshold": 1}, "points": 6},
        {"points": 0},
    ],
}


@pytest.mark.parametrize(
    ("facts", "points", "outcome"),
    [
        ({"ip_class1": 1}, (30, 30), P),  # first hit, class II not needed
        ({"ip_class1": 0, "ip_class2": 4}, (24, 24), P),
        ({"ip_class1": 0, "ip_class2": 2}, (0, 0), F),
        ({"ip_class2": 4}, (24, 30), U),  # class I unknown: could still be the first row
        ({"ip_class1": 0}, (0, 24), U),
        ({}, (0, 30), U),
    ],
)
def test_first_hit_rows_with_unknowns(facts: dict[str, int], points: tuple[int, int], outcome: Outcome) -> None:
    item = scored(WHEN_TABLE).evaluate(years(y2024=facts), as_of=AS_OF).criterion("ip")
    assert (item.points_min, item.points_max, item.result) == (D(points[0]), D(points[1]), outcome)


EXPERT = [{"code": "org", "label": "组织管理水平", "kind": "expert", "min": 0, "max": 20}]


def test_sum_cap_best_of_and_expert_input() -> None:
    score = {
        "code": "total",
        "label": "总分",
        "sum": [
            {"code": "capped", "label": "封顶项", "cap": 25, "sum": [TABLE, {**WHEN_TABLE, "code": "ip"}]},
            {
                "code": "best",
                "label": "较高者",
                "best_of": [
                    {
                        "code": "b1",
                        "label": "甲法",
                        "value": "rd_expense",
                        "bands": [{"min": 10, "points": 8}, {"points": 0}],
                    },
                    {
                        "code": "b2",
                        "label": "乙法",
                        "value": "total_cost",
                        "bands": [{"min": 10, "points": 5}, {"points": 0}],
                    },
                ],
            },
            {"code": "org_points", "label": "组织管理水平", "input": "org"},
        ],
    }
    rs = scored(score, inputs=EXPERT)
    facts = years(y2024={"tech_staff": 30, "staff": 100, "ip_class1": 1, "rd_expense": 10, "total_cost": 50})
    full = rs.evaluate({**facts, "inputs": {"org": 12}}, as_of=AS_OF)
    assert full.criterion("capped").points == D(25)  # 20 + 30, capped
    assert "超过25分的按25分计" in full.criterion("capped").message
    assert full.criterion("best").points == D(8)
    assert full.criterion("org_points").points == D(12)
    assert full.score is not None
    assert (full.score.min, full.score.max, full.score.value, full.score.max_possible) == (D(45), D(45), D(45), D(53))
    assert full.criterion("ok").result is F

    open_expert = rs.evaluate(facts, as_of=AS_OF)
    assert open_expert.score is not None
    assert (open_expert.score.min, open_expert.score.max, open_expert.score.value) == (D(33), D(53), None)
    assert open_expert.criterion("org_points").result is U
    assert open_expert.criterion("ok").result is F  # even 20 expert points leave it at 53 < 60


def test_out_of_range_expert_score_is_not_used() -> None:
    score = {"code": "total", "label": "总分", "sum": [{"code": "org_points", "label": "组织管理", "input": "org"}]}
    item = scored(score, inputs=EXPERT).evaluate({"inputs": {"org": 21}}, as_of=AS_OF).criterion("org_points")
    assert (item.result, item.points_min, item.points_max) == (U, D(0), D(20))
    assert "超出0–20分的范围" in item.message


def test_threshold_hint_tells_how_many_expert_points_are_needed() -> None:
    score = {
        "code": "total",
        "label": "评价得分",
        "sum": [TABLE, {"code": "org_points", "label": "研究开发组织管理水平", "input": "org"}],
    }
    criteria = [{"code": "ok", "label": "得分高于30分", "points": "total", "op": ">", "threshold": 30}]
    rs = scored(score, criteria, inputs=EXPERT)
    evaluation = rs.evaluate(years(y2024={"tech_staff": 26, "staff": 100}), as_of=AS_OF)
    ok = evaluation.criterion("ok")
    assert ok.result is U
    assert ok.message == (
        "评价得分待定：按待定项最低分计为16分，最高可达36分；若专家评分（研究开发组织管理水平）合计超过14分即可达到要求的30分"
    )
    assert ok.actual == [D(16), D(36)]
    decided = rs.evaluate({**years(y2024={"tech_staff": 26, "staff": 100}), "inputs": {"org": 15}}, as_of=AS_OF)
    assert decided.criterion("ok").result is P


def test_best_case_already_below_threshold_is_a_fail_even_with_open_items() -> None:
    score = {
        "code": "total",
        "label": "评价得分",
        "sum": [TABLE, {"code": "org_points", "label": "组织", "input": "org"}],
    }
    rs = scored(score, inputs=EXPERT)  # threshold ≥ 60, at most 20 + 20
    evaluation = rs.evaluate(years(y2024={"tech_staff": 26, "staff": 100}), as_of=AS_OF)
    assert evaluation.criterion("ok").result is F
    assert evaluation.criterion("ok").message == "评价得分16–36分，即使按最高分计也低于要求的60分"
    assert evaluation.result is F


def test_score_json_fields() -> None:
    evaluation = scored(TABLE).evaluate(years(y2024={"tech_staff": 5, "staff": 100}), as_of=dt.date(2025, 6, 30))
    data = evaluation.as_json()
    assert (data["score"], data["score_min"], data["score_max"], data["score_full"]) == (None, 1, 2, 20)
    item = next(c for c in data["criteria"] if c["code"] == "s")
    assert (item["kind"], item["points"], item["points_min"], item["points_max"]) == ("score", None, 1, 2)


def test_a_cap_that_is_already_reached_settles_open_items() -> None:
    score = {
        "code": "ip",
        "label": "知识产权",
        "cap": 10,
        "sum": [
            {"code": "qty", "label": "数量", "value": "ip_class1", "bands": [{"min": 1, "points": 10}, {"points": 0}]},
            {"code": "org_points", "label": "获得方式", "input": "org"},
        ],
    }
    rs = scored(score, [{"code": "ok", "label": "达标", "points": "ip", "op": ">=", "threshold": 10}], inputs=EXPERT)
    evaluation = rs.evaluate(years(y2024={"ip_class1": 2}), as_of=AS_OF)
    ip = evaluation.criterion("ip")
    assert (ip.points, ip.result, ip.missing) == (D(10), P, ())
    assert evaluation.criterion("org_points").result is U  # still shown as open, it just cannot matter
    assert evaluation.result is P


def test_rows_that_stay_unknown_but_give_the_same_points_do_not_leave_the_score_open() -> None:
    table = {
        "code": "s",
        "label": "规模",
        "bands": [
            {"when": {"value": "staff", "op": ">=", "threshold": 100}, "points": 5},
            {"when": {"value": "revenue", "op": ">=", "threshold": 100}, "points": 5},
            {"points": 5},
        ],
    }
    item = scored(table).evaluate({"years": {}}, as_of=AS_OF).criterion("s")
    assert (item.points, item.result) == (D(5), P)
    assert item.message == "规模得5分（部分条件待核实，但不影响得分）"
