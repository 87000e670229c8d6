"""The shipped rule sets: each compiles, names its source, carries at least 10 cases, and passes every one of them."""

from __future__ import annotations

import pytest

from gaoxin.rules.engine import check_publishable, load_shipped, shipped_rulesets
from gaoxin.rules.engine.cases import run_case
from gaoxin.rules.engine.loader import shipped_paths

CODES = ["tech_sme", "hnte", "innovative_sme", "srdi_sme", "little_giant", "above_scale_industry", "small_to_above"]
CASES = [(rs.code, i) for rs in shipped_rulesets() for i in range(len(rs.tests))]


def test_every_rule_set_of_formats_md_is_shipped() -> None:
    assert sorted(rs.code for rs in shipped_rulesets()) == sorted(CODES)
    assert [p.stem for p in shipped_paths()] == sorted(CODES)


@pytest.mark.parametrize("code", CODES)
def test_rule_set_metadata(code: str) -> None:
    rs = load_shipped(code)
    assert rs.name
    assert any(mark in rs.source for mark in ("号", "《", "口径"))  # a 文号 or document title, or the zone's own rule
    assert rs.version
    assert rs.valid_from.year >= 2011
    assert len(rs.tests) >= 10, f"{code} has {len(rs.tests)} test cases"
    assert rs.notes, "a rule set writes down how it read its source"


@pytest.mark.parametrize(("code", "index"), CASES, ids=[f"{c}-{i}" for c, i in CASES])
def test_shipped_case(code: str, index: int) -> None:
    rs = load_shipped(code)
    case = rs.tests[index]
    result = run_case(rs, case)
    assert result.passed, f"{case.name}: {result.problems}"


@pytest.mark.parametrize("code", CODES)
def test_shipped_rule_sets_are_publishable(code: str) -> None:
    assert check_publishable(load_shipped(code)) == []


def test_hnte_reading_states_the_rd_bands_and_threshold() -> None:
    from gaoxin.rules.engine import describe_criterion

    rs = load_shipped("hnte")
    assert describe_criterion(rs, "rd_ratio") == (
        "近三年研发费用总额占同期销售收入总额的比例不低于5%（最近一年销售收入不超过5000万元）、"
        "4%（最近一年销售收入超过5000万元且不超过2亿元）、3%（最近一年销售收入超过2亿元）"
    )
    assert describe_criterion(rs, "innovation_score") == "企业创新能力评价得分高于70分"
