"""Results as JSON (FORMATS.md section 3), the Chinese readings, test-case runs, dry-run diffs and counts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from gaoxin.rules.engine import (
    Evaluation,
    Facts,
    FactsError,
    check_publishable,
    describe_criterion,
    describe_ruleset,
    diff_evaluations,
    evaluate,
    load_shipped,
    run_test_cases,
    tally,
)
from gaoxin.rules.tests.helpers import AS_OF, document, ruleset, years

CRITERION_KEYS = {"code", "label", "result", "actual", "required", "message"}


def test_as_json_has_the_shape_of_evaluate_rules() -> None:
    rs = load_shipped("tech_sme")
    data = evaluate(rs, rs.tests[0].facts, as_of=AS_OF).as_json()
    assert {"ruleset", "version", "result", "score", "criteria"} <= set(data)
    assert (data["ruleset"], data["version"], data["result"], data["score"]) == ("tech_sme", "2017.1", "pass", 64)
    for item in data["criteria"]:
        assert set(item) >= CRITERION_KEYS
        assert item["result"] in {"pass", "fail", "unknown"}
        assert isinstance(item["message"], str)
        assert item["message"]
        if item["kind"] == "score":
            assert "points" in item
    json.dumps(data, ensure_ascii=False)  # serialisable as it is
    assert next(c for c in data["criteria"] if c["code"] == "staff_limit") == {
        "code": "staff_limit",
        "label": "职工总数不超过500人",
        "kind": "criterion",
        "result": "pass",
        "actual": 400,
        "required": "不超过500人",
        "message": "职工总数（2024年）400人，不超过要求的500人",
        "threshold": 500,
    }


def test_unknown_is_not_fail_in_json() -> None:
    rs = load_shipped("above_scale_industry")
    data = rs.evaluate({"uscc": "X", "years": {"2024": {"revenue": 3000}}}, as_of=AS_OF).as_json()
    assert data["result"] == "unknown"
    (item,) = data["criteria"]
    assert (item["result"], item["actual"], item["missing"]) == ("unknown", None, ["2024年主营业务收入"])
    assert item["message"] == "年主营业务收入待核实：缺少2024年主营业务收入；要求不低于2000万元"
    assert "score" not in data  # this rule set has no score


def test_json_numbers_are_rounded_only_at_the_boundary() -> None:
    rs = ruleset(
        [{"code": "c", "label": "占比", "value": {"ratio": ["rd_expense", "revenue"]}, "op": ">=", "threshold": 3}]
    )
    evaluation = rs.evaluate(years(y2024={"rd_expense": 1, "revenue": 3}), as_of=AS_OF)
    assert evaluation.criterion("c").actual == Decimal(1) / 3 * 100  # full precision inside
    assert evaluation.as_json()["criteria"][0]["actual"] == 33.3333


def test_summary_and_reasons_name_what_decides() -> None:
    rs = load_shipped("tech_sme")
    base = rs.tests[0].facts
    failing = rs.evaluate({**base, "flags": {**base["flags"], "restricted_industry": True}}, as_of=AS_OF)
    assert (
        failing.summary == "不符合科技型中小企业评价条件（未满足：不属于禁止、限制类行业）；科技型中小企业评价得分64分"
    )
    assert [(r.code, r.label) for r in failing.reasons] == [("not_restricted", "不属于禁止、限制类行业")]
    low = rs.evaluate({**base, "years": {"2024": {**base["years"]["2024"], "tech_staff": 10}}}, as_of=AS_OF)
    assert [r.code for r in low.reasons] == ["direct_pass", "score_60", "tech_staff_nonzero"]
    unknown = rs.evaluate({**base, "years": {"2024": {**base["years"]["2024"], "rd_expense": None}}}, as_of=AS_OF)
    assert [r.code for r in unknown.reasons] == ["score_60"]
    assert unknown.summary.startswith(
        "待核实科技型中小企业评价条件（待核实：评价得分不低于60分；缺少：2024年研发费用）"
    )
    assert unknown.as_json()["reasons"] == [{"code": "score_60", "label": "评价得分不低于60分"}]


def test_describe_whole_rule_set_and_one_criterion() -> None:
    rs = load_shipped("small_to_above")
    assert describe_ruleset(rs) == (
        "小升规培育对象（高新区小升规培育工作口径（区内规则，见 DOMAIN.md“How the zone writes numbers”）；"
        "2020-01-01起施行）："
        "同时满足：尚未纳入规模以上企业统计；满足上年度营业收入在1300万元（含）至2000万元（不含）之间或"
        "同时满足上年度营业收入不低于1000万元、营业收入同比增长率不低于30%之一。"
    )
    tech = load_shipped("tech_sme")
    assert describe_criterion(tech, "tech_staff_points") == (
        "科技人员指标（满分20分）：科技人员占职工总数比例≥30%得20分，≥25%得16分，≥20%得12分，≥15%得8分，≥10%得4分，其余得0分"
    )
    assert (
        describe_criterion(tech, "rd_points")
        == "研发投入指标（满分50分）取按研发费用占销售收入比例与按研发费用占成本费用总额比例中的较高者"
    )
    with pytest.raises(KeyError):
        describe_criterion(tech, "nope")


def test_each_year_reading() -> None:
    assert describe_criterion(load_shipped("srdi_sme"), "rd_ratio_each") == "近两年每年研发费用占营业收入比重不低于3%"


def test_run_test_cases_reports_failures_in_chinese() -> None:
    doc = document(
        [{"code": "c", "label": "收入达标", "value": "revenue", "op": ">=", "threshold": 100}],
        test_defaults={"as_of": dt.date(2025, 6, 30), "facts": {"years": {"2024": {"revenue": 150}}}},
        tests=[
            {"name": "达标", "expect": {"result": "pass", "criteria": {"c": "pass"}}},
            {"name": "写错的预期", "expect": {"result": "fail"}},
        ],
    )
    results = run_test_cases(ruleset(doc["criteria"], **{k: v for k, v in doc.items() if k.startswith("test")}))
    assert [r.passed for r in results] == [True, False]
    assert results[1].problems == ["结果应为不符合（fail），实际为符合（pass）：符合测试规则集条件"]
    assert results[1].as_json()["passed"] is False
    assert check_publishable(doc) == [
        "测试用例“写错的预期”未通过：结果应为不符合（fail），实际为符合（pass）：符合测试规则集条件"
    ]
    assert check_publishable(document(doc["criteria"])) == ["规则集至少需要一个测试用例才能发布"]
    assert check_publishable({**doc, "version": None}) == ["version：必须填写"]


def _evaluations(revenues: dict[str, Any], threshold: int) -> list[Evaluation]:
    rs = ruleset([{"code": "c", "label": "收入达标", "value": "revenue", "op": ">=", "threshold": threshold}])
    facts = [
        {"uscc": uscc, "years": {"2024": {"revenue": rev}} if rev is not None else {}} for uscc, rev in revenues.items()
    ]
    return rs.evaluate_many(facts, as_of=AS_OF)


def test_diff_of_two_versions_over_many_enterprises() -> None:
    revenues = {"A": 1500, "B": 1200, "C": 900, "D": None, "E": 2500}
    before = _evaluations(revenues, 1000)  # A, B, E pass; C fails; D unknown
    after = _evaluations(revenues, 1300)  # A, E pass; B, C fail; D unknown
    diff = diff_evaluations(before, after)
    assert [c.subject for c in diff.lost] == ["B"]
    assert diff.gained == []
    assert diff.unchanged == 4
    assert diff.lost[0].criteria[0].as_json() == {"code": "c", "label": "收入达标", "before": "pass", "after": "fail"}
    assert diff.summary() == "符合条件的企业由3家变为2家（减少1家）：新增符合0家，不再符合1家，其他变化0家，结果不变4家"
    back = diff_evaluations(after, before)
    assert [c.subject for c in back.gained] == ["B"]
    assert back.as_json()["counts_after"] == {"pass": 3, "fail": 1, "unknown": 1}


def test_diff_needs_uscc_keys() -> None:
    rs = ruleset([{"code": "c", "label": "收入达标", "value": "revenue", "op": ">=", "threshold": 1}])
    nameless = rs.evaluate({"years": {}}, as_of=AS_OF)
    with pytest.raises(ValueError, match="缺少统一社会信用代码"):
        diff_evaluations([nameless], [])


def test_tally_by_group() -> None:
    evaluations = _evaluations({"A": 1500, "B": 1200, "C": 900, "D": None}, 1000)
    parks = {"A": "一园", "B": "二园", "C": "二园", "D": "一园"}
    counts = tally(evaluations, lambda e: parks[e.subject or ""])
    assert counts == {
        "全部": {"pass": 2, "fail": 1, "unknown": 1},
        "一园": {"pass": 1, "fail": 0, "unknown": 1},
        "二园": {"pass": 1, "fail": 1, "unknown": 0},
    }


def test_facts_parsing() -> None:
    facts = Facts.from_json(
        {
            "uscc": "91440400XXXXXXXXXX",
            "registered_on": "2015-03-01",
            "flags": {"major_incident_last_year": False, "restricted_industry": None},
            "qualifications": [{"type": "高新技术企业", "valid_from": "2022-12-19", "valid_to": "2025-12-18"}],
            "years": {"2023": {"revenue": 3200.1, "rd_expense": "180", "staff": 120, "tech_staff": None}},
            "is_above_scale": False,
            "park": "一园",
        }
    )
    assert facts.yearly(2023, "revenue") == Decimal("3200.1")  # the float's text, not its binary value
    assert facts.yearly(2023, "rd_expense") == Decimal(180)
    assert facts.yearly(2023, "tech_staff") is None
    assert facts.flags == {"major_incident_last_year": False, "is_above_scale": False}
    assert facts.registered_on == dt.date(2015, 3, 1)
    assert facts.texts == {"park": "一园"}
    assert facts.qualifications is not None
    assert facts.qualifications[0].valid_on(dt.date(2025, 12, 18))
    assert Facts.from_json({}).qualifications is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"years": {"2023": {"revenue": "三千"}}}, "years.2023.revenue：必须是数字"),
        ({"years": {"二三": {}}}, "years.二三：年度必须是四位数字"),
        ({"registered_on": "2015/03/01"}, "registered_on：日期格式应为 YYYY-MM-DD"),
        ({"flags": {"restricted_industry": "否"}}, "flags.restricted_industry：必须是 true 或 false"),
        ({"qualifications": [{"valid_to": "2025-01-01"}]}, "qualifications[0].type：必须填写资质类型"),
    ],
)
def test_facts_errors_are_chinese(data: dict[str, Any], message: str) -> None:
    with pytest.raises(FactsError, match=message.replace(".", r"\.").replace("[", r"\[").replace("]", r"\]")):
        Facts.from_json(data)


def test_documents_round_trip_through_yaml_and_json() -> None:
    from gaoxin.rules.engine import compile_ruleset, document_to_json, dump_document, load_ruleset

    rs = load_shipped("hnte")
    again_yaml = load_ruleset(dump_document(rs.document))
    again_json = compile_ruleset(json.loads(json.dumps(document_to_json(rs.document))))
    for other in (again_yaml, again_json):
        assert document_to_json(other.document) == document_to_json(rs.document)
        assert all(result.passed for result in run_test_cases(other))
