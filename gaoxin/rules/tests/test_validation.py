"""Structural checks of rule-set documents: every problem with its path and a Chinese reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gaoxin.rules.engine import RuleSetError, compile_ruleset, load_ruleset, validate_ruleset
from gaoxin.rules.tests.helpers import document

RD = {"code": "rd", "label": "研发", "value": "rd_expense", "op": ">=", "threshold": 5}


def issues(doc: Any) -> list[str]:
    return [str(issue) for issue in validate_ruleset(doc)]


def test_a_valid_document_has_no_issues() -> None:
    assert issues(document([RD])) == []


def test_threshold_must_be_a_number() -> None:
    doc = document([RD, {**RD, "code": "b"}, {**RD, "code": "c", "threshold": "五"}])
    assert issues(doc) == ["criteria[2].threshold：必须是数字"]


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        ({**RD, "value": "revenu"}, "criteria[0].value：未知的事实或数值名称“revenu”（是否为 revenue？）"),
        (
            {**RD, "value": {"fact": "sales"}},
            "criteria[0].value.fact：未知的事实或数值名称“sales”"
            "（请使用 FORMATS.md 第2节的事实名称，或在 values/inputs 中定义）",
        ),
        ({**RD, "op": "=>"}, "criteria[0].op：未知的比较方式“=>”（可用：>=、>、<=、<、==、!=、between、in）"),
        ({**RD, "op": "between", "threshold": [5]}, "criteria[0].threshold：至少需要2项"),
        ({**RD, "op": "between", "threshold": [5, 3]}, "criteria[0].threshold：上限必须大于下限"),
        ({**RD, "each_year": 0}, "criteria[0].each_year：必须在1到10之间"),
        (
            {**RD, "value": {"fact": "revenue", "years": 3, "year": -1}},
            "criteria[0].value：year（某一年）与 years（近N年）只能选一个",
        ),
        ({**RD, "value": {"ratio": ["revenue"]}}, "criteria[0].value.ratio：至少需要2项"),
        ({**RD, "value": {"input": "nope"}}, "criteria[0].value.input：未声明的输入项“nope”（请在 inputs 中声明）"),
        ({**RD, "value": {"static": "park"}, "op": ">="}, "criteria[0].threshold：文字型事实只能用 ==、!= 或 in 比较"),
        ({**RD, "value": True}, "criteria[0].value：必须是数值表达式，不能是 true/false"),
        (
            {"code": "rd", "label": "研发", "flag": "big_company", "expect": True},
            "criteria[0].flag：未知的是/否事实“big_company”",
        ),
        (
            {"code": "rd", "label": "研发", "flag": "major_incident_last_year"},
            "criteria[0].expect：必须填写（true 或 false）",
        ),
        (
            {"code": "rd", "label": "研发", "points": "total", "op": ">=", "threshold": 60},
            "criteria[0].points：评分项“total”不存在（请在 score 中定义）",
        ),
        ({"code": "rd", "label": "研发", "all": ["missing"]}, "criteria[0].all[0]：引用的判定条件“missing”不存在"),
        (
            {"code": "Rd", "label": "研发", "value": "rd_expense", "op": ">=", "threshold": 5},
            "criteria[0].code：编号只能由小写字母、数字和下划线组成，且以字母开头",
        ),
    ],
)
def test_criterion_issues(criterion: dict[str, Any], expected: str) -> None:
    doc = document([criterion], decision={"all": []} if criterion["code"] == "Rd" else criterion["code"])
    assert expected in issues(doc)


def test_unknown_field_with_a_suggestion() -> None:
    doc = document([{"code": "rd", "label": "研发", "value": "rd_expense", "op": ">=", "treshold": 5}])
    assert issues(doc) == ["criteria[0].treshold：未知的字段（是否为 threshold？）", "criteria[0].threshold：必须填写"]


def test_duplicate_codes_and_cycles() -> None:
    assert issues(document([RD, {**RD, "label": "再一次"}])) == ["criteria[1].code：编号“rd”重复（已用于判定条件）"]
    cyclic = document(
        [{"code": "a", "label": "甲", "all": ["b"]}, {"code": "b", "label": "乙", "any": ["a"]}], decision="a"
    )
    assert issues(cyclic) == ["criteria[1].any[0]：循环引用：a → b → a"]


def test_top_level_issues() -> None:
    doc = {
        "code": "Bad Code",
        "version": 2016.1,
        "valid_from": "2020-13-01",
        "criteria": [],
        "decision": "x",
        "colour": "red",
    }
    assert issues(doc) == [
        "colour：未知的字段",
        "name：必须填写",
        "source：必须填写",
        "criteria：必须填写",
        "code：编号只能由小写字母、数字和下划线组成，且以字母开头",
        'version：必须是文字（版本号请加引号，如 "2026.1"）',
        "valid_from：必须是日期（YYYY-MM-DD）",
        "decision：引用的判定条件“x”不存在",
    ]
    assert issues(document([RD], valid_to=dt.date(2019, 1, 1))) == ["valid_to：不能早于 valid_from"]
    assert issues([1, 2]) == ["规则集必须是一个对象（键值对）"]


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        (
            [{"min": 10, "points": 1}, {"min": 20, "points": 2}, {"points": 0}],
            "score.bands[1]：各档下限应从高到低排列（按顺序取第一个满足的档）",
        ),
        (
            [{"min": 10, "points": 1}, {"min": 5, "points": 2}],
            "score.bands[1]：最后一行必须是不设条件的“其余”行（如 {points: 0}）",
        ),
        (
            [{"points": 0}, {"min": 5, "points": 2}, {"points": 0}],
            "score.bands[0]：只有最后一行可以不设条件（其余情形）",
        ),
        ([{"min": 10, "points": "x"}, {"points": 0}], "score.bands[0].points：必须是数字"),
        ([{"min": 10, "points": [3, 1]}, {"points": 0}], "score.bands[0].points：最高分不能小于最低分"),
        ([{"min": 10, "above": 5, "points": 1}, {"points": 0}], "score.bands[0]：min（含）与 above（不含）只能选一个"),
    ],
)
def test_band_table_issues(bands: list[dict[str, Any]], expected: str) -> None:
    score = {"code": "total", "label": "总分", "value": "revenue", "bands": bands}
    doc = document([{"code": "ok", "label": "达标", "points": "total", "op": ">=", "threshold": 1}], score=score)
    assert issues(doc) == [expected]


def test_expert_inputs_need_a_maximum() -> None:
    doc = document([RD], inputs=[{"code": "org", "label": "组织管理", "kind": "expert"}])
    assert issues(doc) == ["inputs[0].max：专家评分项必须给出满分（max）"]
    doc = document([RD], inputs=[{"code": "revenue", "label": "收入", "kind": "declared"}])
    assert issues(doc) == ["inputs[0].code：“revenue”是事实名称，输入项请另取编号"]


def test_test_case_issues() -> None:
    doc = document(
        [RD],
        tests=[
            {
                "name": "甲",
                "facts": {"years": {"2024": {"revenue": "abc"}}},
                "expect": {"result": "ok", "criteria": {"zz": "pass"}},
            },
            {"expect": {"score": 5}},
            {"name": "丙", "as_of": "2025-06-30", "expect": {"criteria": {"rd": 5}}},
        ],
    )
    assert issues(doc) == [
        "tests[0].as_of：必须填写（或在 test_defaults 中给出）",
        "tests[0].facts：years.2024.revenue：必须是数字",
        "tests[0].expect.result：必须是 pass、fail 或 unknown",
        "tests[0].expect.criteria.zz：判定条件或评分项“zz”不存在",
        "tests[1].name：必须填写",
        "tests[1].as_of：必须填写（或在 test_defaults 中给出）",
        "tests[2].expect.criteria.rd：判定条件的预期必须是 pass、fail 或 unknown",
    ]


def test_yaml_syntax_errors_name_the_line() -> None:
    assert issues("code: tech_sme\nversion: [1\n") == [
        "YAML 格式错误第3行第1列：expected ',' or ']', but got '<stream end>'"
    ]


def test_compile_raises_with_every_issue() -> None:
    with pytest.raises(RuleSetError) as caught:
        compile_ruleset(document([{**RD, "threshold": "x"}, {**RD, "code": "b", "op": "?"}]))
    assert [str(i) for i in caught.value.issues] == [
        "criteria[0].threshold：必须是数字",
        "criteria[1].op：未知的比较方式“?”（可用：>=、>、<=、<、==、!=、between、in）",
    ]
    assert "criteria[0].threshold：必须是数字" in str(caught.value)


def test_yaml_decimals_are_exact() -> None:
    text = """
code: t
version: "1"
name: 测试
source: 测试〔2025〕1号
valid_from: 2020-01-01
criteria:
  - {code: a, label: 甲, value: revenue, op: ">=", threshold: 0.1}
decision: a
"""
    rs = load_ruleset(text)
    evaluation = rs.evaluate({"years": {"2024": {"revenue": "0.1"}}}, as_of=dt.date(2025, 6, 30))
    assert evaluation.result.value == "pass"
    assert type(evaluation.criterion("a").threshold).__name__ == "Decimal"
