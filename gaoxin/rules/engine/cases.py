"""A rule set's own test cases (OpenFisca-style: facts in, expected result out), run before a version is published.

Each case gives facts (merged onto the rule set's `test_defaults`), an as-of date, and what must come out: the
result, the score (a number, or [lowest, highest] while expert items are open), the validity flag, and the outcome
or points of selected criteria. A version whose cases do not all pass cannot be published (`check_publishable`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .compiler import RuleSetError, compile_ruleset
from .facts import Facts, FactsError
from .outcome import Outcome
from .results import Evaluation, json_value
from .ruleset import RuleSet, TestCase
from .wording import points_text


@dataclass(slots=True)
class CaseResult:
    name: str
    passed: bool
    problems: list[str] = field(default_factory=list)
    evaluation: Evaluation | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "passed": self.passed,
            "problems": list(self.problems),
            "result": self.evaluation.result.value if self.evaluation else None,
            "score": json_value(self.evaluation.score.value) if self.evaluation and self.evaluation.score else None,
        }


def run_case(ruleset: RuleSet, case: TestCase) -> CaseResult:
    try:
        facts = Facts.from_json(case.facts)
    except FactsError as exc:
        return CaseResult(case.name, False, [f"企业数据有误：{exc}"])
    evaluation = ruleset.evaluate(facts, as_of=case.as_of, year=case.year)
    problems: list[str] = []
    if case.expect_result is not None and evaluation.result is not case.expect_result:
        problems.append(
            f"结果应为{case.expect_result.label}（{case.expect_result}），实际为{evaluation.result.label}"
            f"（{evaluation.result}）：{evaluation.summary}"
        )
    if case.expect_score is not None:
        if evaluation.score is None:
            problems.append("预期有得分，但规则集没有评分")
        else:
            got = (evaluation.score.min, evaluation.score.max)
            if got != case.expect_score:
                problems.append(f"得分应为{points_text(*case.expect_score)}，实际为{points_text(*got)}")
    if case.expect_validity is not None and evaluation.validity is not case.expect_validity:
        problems.append(f"有效性应为{case.expect_validity}，实际为{evaluation.validity}")
    for code, expected in case.expect_criteria.items():
        try:
            item = evaluation.criterion(code)
        except KeyError:
            problems.append(f"{code}：结果中没有该项")
            continue
        if isinstance(expected, Outcome):
            if item.result is not expected:
                problems.append(
                    f"{code}（{item.label}）应为{expected.label}（{expected}），实际为{item.result.label}"
                    f"（{item.result}）：{item.message}"
                )
        else:
            got_points = (item.points_min or Decimal(0), item.points_max or Decimal(0))
            if got_points != expected:
                problems.append(
                    f"{code}（{item.label}）应得{points_text(*expected)}，实际{points_text(*got_points)}："
                    f"{item.message}"
                )
    return CaseResult(case.name, not problems, problems, evaluation)


def run_test_cases(ruleset: RuleSet) -> list[CaseResult]:
    """Run every test case of a compiled rule set."""
    return [run_case(ruleset, case) for case in ruleset.tests]


def check_publishable(document: Mapping[str, Any] | RuleSet) -> list[str]:
    """Why a rule-set version cannot be published, in Chinese; [] when it can: it must compile, carry at least one
    test case, and pass them all."""
    if isinstance(document, RuleSet):
        ruleset = document
    else:
        try:
            ruleset = compile_ruleset(document)
        except RuleSetError as exc:
            return [str(issue) for issue in exc.issues]
    if not ruleset.tests:
        return ["规则集至少需要一个测试用例才能发布"]
    problems: list[str] = []
    for result in run_test_cases(ruleset):
        if not result.passed:
            problems.extend(f"测试用例“{result.name}”未通过：{p}" for p in result.problems)
    return problems
