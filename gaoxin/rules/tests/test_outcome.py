"""Three-valued logic (Kleene): missing data make unknown, never fail; a fail decides all(), a pass decides any()."""

from __future__ import annotations

import itertools

import pytest

from gaoxin.rules.engine import Outcome, all_of, any_of, not_

P, F, U = Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], P),
        ([P, P], P),
        ([P, U], U),
        ([U, U], U),
        ([P, F], F),
        ([F, U], F),  # a fail decides, whatever is unknown
        ([U, F, P], F),
    ],
)
def test_all_of(items: list[Outcome], expected: Outcome) -> None:
    assert all_of(items) is expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], F),
        ([F, F], F),
        ([F, U], U),
        ([U, U], U),
        ([P, F], P),
        ([U, P], P),  # a pass decides, whatever is unknown
    ],
)
def test_any_of(items: list[Outcome], expected: Outcome) -> None:
    assert any_of(items) is expected


def test_not() -> None:
    assert (not_(P), not_(F), not_(U)) == (F, P, U)


@pytest.mark.parametrize(("a", "b"), list(itertools.product(Outcome, repeat=2)))
def test_de_morgan_holds_in_three_values(a: Outcome, b: Outcome) -> None:
    assert not_(all_of([a, b])) is any_of([not_(a), not_(b)])
    assert not_(any_of([a, b])) is all_of([not_(a), not_(b)])


def test_outcome_of_and_labels() -> None:
    assert (Outcome.of(True), Outcome.of(False), Outcome.of(None)) == (P, F, U)
    assert (P.label, F.label, U.label) == ("符合", "不符合", "待核实")
    assert P == "pass"


def test_composites_in_a_rule_set_follow_the_same_logic() -> None:
    from gaoxin.rules.tests.helpers import AS_OF, ruleset

    rs = ruleset(
        [
            {"code": "a", "label": "甲", "flag": "leads_standard_5y", "expect": True},
            {"code": "b", "label": "乙", "flag": "national_award_5y", "expect": True},
            {"code": "both", "label": "甲且乙", "all": ["a", "b"]},
            {"code": "either", "label": "甲或乙", "any": ["a", "b"]},
            {"code": "neither", "label": "非甲", "not": "a"},
        ],
        decision="both",
    )
    unknown_b = rs.evaluate({"flags": {"leads_standard_5y": False}}, as_of=AS_OF)
    assert [unknown_b.criterion(c).result for c in ("a", "b", "both", "either", "neither")] == [F, U, F, U, P]
    assert unknown_b.criterion("both").message == "不满足：甲；另有待核实：乙"
    assert unknown_b.criterion("either").message == "待核实：乙（甲不满足）"
    one_pass = rs.evaluate({"flags": {"leads_standard_5y": True}}, as_of=AS_OF)
    assert [one_pass.criterion(c).result for c in ("both", "either", "neither")] == [U, P, F]
    assert one_pass.result is U
