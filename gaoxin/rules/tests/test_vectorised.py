"""The vectorised (registry-wide) path agrees with the per-enterprise engine: result, score, every item's result,
actual (at the engine's JSON precision, 4 decimals), points and Chinese sentence — on generated enterprises full of
missing data, band edges, zero denominators, expired qualifications and missing expert inputs, on every shipped rule
set and on generated fund-item rule sets, and on each rule set's own test cases."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from functools import cache
from typing import Any

import polars as pl
import pytest

from gaoxin.rules.engine import Evaluation, Facts, RuleSet, check_publishable, load_shipped, shipped_rulesets
from gaoxin.rules.engine.compiler import compile_ruleset
from gaoxin.rules.engine.results import json_value
from gaoxin.rules.engine.vector import (
    VectorResult,
    build_frame,
    evaluate_batch,
    evaluate_frame,
    facts_from_row,
    fund_item_document,
    fund_item_rulesets,
    long_all,
    synthetic_facts,
)
from gaoxin.rules.engine.vector.evaluate import _long_read
from gaoxin.rules.engine.vector.numbers import Figure, display_sensitive, points_expr
from gaoxin.rules.engine.vector.synthetic import inputs_of, shipped_inputs
from gaoxin.rules.engine.wording import figure_signed, strip

from .helpers import D, ruleset, years

AS_OF = dt.date(2025, 6, 30)
CODES = sorted({rs.code for rs in shipped_rulesets()})


def as_of_for(rs: RuleSet) -> dt.date:
    """A date the rule set is in force (the 2026 小巨人 rules start on 2026-04-01)."""
    return AS_OF if rs.valid_from <= AS_OF else dt.date(2026, 6, 30)


@cache
def generated_facts(n: int, seed: int) -> tuple[Facts, ...]:
    return tuple(synthetic_facts(n, seed=seed, inputs=shipped_inputs() + inputs_of(fund_rulesets()), edge_share=0.4))


@cache
def fund_rulesets() -> tuple[RuleSet, ...]:
    return tuple(fund_item_rulesets(6, seed=3))


def disagreements(rs: RuleSet, facts: list[Facts] | tuple[Facts, ...], vr: VectorResult, as_of: dt.date) -> list[str]:
    problems: list[str] = []
    found = vr.criteria()
    for row, item_facts in enumerate(facts):
        expected: Evaluation = rs.evaluate(item_facts, as_of=as_of)
        if expected.result is not vr.result(row):
            problems.append(f"{row}: result {expected.result} ≠ {vr.result(row)}")
        if expected.score is not None and (expected.score.min, expected.score.max) != vr.score(row):
            problems.append(f"{row}: score {(expected.score.min, expected.score.max)} ≠ {vr.score(row)}")
        for want, got in zip(expected.criteria, found[row], strict=True):
            assert want.code == got.code
            if want.result is not got.result:
                problems.append(f"{row} {want.code}: result {want.result} ≠ {got.result}")
            if json_value(want.actual) != json_value(got.actual):
                problems.append(f"{row} {want.code}: actual {want.actual!r} ≠ {got.actual!r}")
            if (want.points_min, want.points_max) != (got.points_min, got.points_max):
                problems.append(f"{row} {want.code}: points {want.points_min, want.points_max} ≠ {got.points_min}")
            if want.message != got.message:
                problems.append(f"{row} {want.code}: {want.message!r} ≠ {got.message!r}")
    return problems


@pytest.mark.parametrize("code", CODES)
def test_shipped_rule_set_agrees_on_generated_enterprises(code: str) -> None:
    facts = generated_facts(1000, 11)
    frame = build_frame(facts)
    rs = load_shipped(code)
    as_of = as_of_for(rs)
    vr = evaluate_frame(rs, frame, as_of=as_of)
    problems = disagreements(rs, facts, vr, as_of)
    assert problems == [], "\n".join(problems[:20])
    assert vr.unsupported == {}
    # The generated population reaches every outcome of the overall result somewhere.
    assert set(vr.outcomes()["result"].to_list()) >= {"fail", "unknown"}


def test_generated_fund_items_agree() -> None:
    facts = generated_facts(250, 17)
    frame = build_frame(facts)
    for rs in fund_rulesets():
        vr = evaluate_frame(rs, frame, as_of=AS_OF)
        problems = disagreements(rs, facts, vr, AS_OF)
        assert problems == [], f"{rs.code}:\n" + "\n".join(problems[:20])


def test_side_by_side_evaluation_agrees_with_one_by_one() -> None:
    """`evaluate_batch` (every rule set side by side; values, and the computations of criteria that read only facts
    and values, computed once for all of them) gives each rule set exactly the columns, fallbacks and long form
    `evaluate_frame` gives it alone."""
    facts = generated_facts(600, 23)
    frame = build_frame(facts)
    rulesets = [*[rs for rs in shipped_rulesets() if rs.valid_to is None], *fund_rulesets()]
    jobs = [(rs, as_of_for(rs)) for rs in rulesets]
    together = evaluate_batch(jobs, frame)
    assert any(vr.fallback for vr in together)  # the exact path was exercised
    for (rs, as_of), vr in zip(jobs, together, strict=True):
        alone = evaluate_frame(rs, frame, as_of=as_of)
        assert vr.data.select(alone.data.columns).equals(alone.data), rs.code
        assert vr.fallback == alone.fallback, rs.code
        assert vr.exact_decision == alone.exact_decision, rs.code
        assert vr.long().equals(alone.long()), rs.code
        # long()'s expressions were built with the plan, for exactly the columns it finds.
        wanted = {f"{code}#{part}" for code in rs.codes for part in ("o", "a", "lo", "hi")}
        assert _long_read(vr.plan) == frozenset(wanted & set(vr.data.columns)), rs.code
    # The long forms of a batch side by side are each rule set's own.
    assert all(a.equals(vr.long()) for a, vr in zip(long_all(together), together, strict=True))
    # A value several rule sets use (the fund items share their comparisons) is one column of the shared frame.
    names = [set(vr.plan.values.stages[0]) for vr in together if vr.plan.values.stages]
    assert any(a & b for i, a in enumerate(names) for b in names[i + 1 :])
    # So is a criterion's computation that several fund items share: their columns are one buffer, renamed.
    pooled = [vr.plan.items[code].content.get(f"{code}#o") for vr in together[-6:] for code in vr.codes]
    found = [content[0] for content in pooled if content is not None]
    assert len(found) > len(set(found))
    assert disagreements(rulesets[-1], facts, together[-1], jobs[-1][1]) == []


@pytest.mark.parametrize("code", CODES)
def test_rule_set_test_cases_through_the_vectorised_path(code: str) -> None:
    """Each rule set's own YAML cases, evaluated together per (as-of date, year), give what they expect."""
    rs = load_shipped(code)
    groups: dict[tuple[dt.date, int | None], list[int]] = {}
    for i, case in enumerate(rs.tests):
        groups.setdefault((case.as_of, case.year), []).append(i)
    for (as_of, year), indexes in groups.items():
        facts = [Facts.from_json(rs.tests[i].facts) for i in indexes]
        vr = evaluate_frame(rs, build_frame(facts), as_of=as_of, year=year)
        found = vr.criteria()
        for row, i in enumerate(indexes):
            case = rs.tests[i]
            if case.expect_result is not None:
                assert vr.result(row) is case.expect_result, case.name
            if case.expect_score is not None:
                assert vr.score(row) == case.expect_score, case.name
            by_code = {c.code: c for c in found[row]}
            for item_code, expected in case.expect_criteria.items():
                got = by_code[item_code]
                if isinstance(expected, tuple):
                    assert (got.points_min, got.points_max) == expected, f"{case.name}: {item_code}"
                else:
                    assert got.result is expected, f"{case.name}: {item_code}"
        problems = disagreements(rs, facts, vr, as_of) if year is None else []
        assert problems == [], "\n".join(problems[:20])


# --- edges, by hand ------------------------------------------------------------------------------------------------


def evaluate_both(rs: RuleSet, many: list[dict[str, Any]], as_of: dt.date = AS_OF) -> VectorResult:
    facts = [Facts.from_json(f) for f in many]
    vr = evaluate_frame(rs, build_frame(facts), as_of=as_of)
    problems = disagreements(rs, facts, vr, as_of)
    assert problems == [], "\n".join(problems)
    return vr


def test_band_lower_bounds_are_inclusive_exactly() -> None:
    """科技人员 share exactly 30% earns 20 points; 29.99% earns 16 — and ratios computed from facts whose floats are
    inexact (0.3 = 3/10) decide like the Decimals."""
    rs = load_shipped("tech_sme")
    many = [
        years(y2024={"staff": 100, "tech_staff": 30}),
        years(y2024={"staff": 10000, "tech_staff": 2999}),
        years(y2024={"staff": 10, "tech_staff": 3}),
        years(y2024={"staff": 3, "tech_staff": Decimal("0.9")}),
        years(y2024={"staff": 20, "tech_staff": 2}),
    ]
    vr = evaluate_both(rs, many)
    points = [c.points for c in (vr.criterion(i, "tech_staff_points") for i in range(len(many)))]
    assert points == [D(20), D(16), D(20), D(20), D(4)]


def test_threshold_ties_on_computed_values() -> None:
    """Values that floats cannot hold exactly, exactly on a threshold: 0.1 + 0.2 ≥ 0.3, a 3% ratio of 0.03/1,
    growth of exactly 5% and compound growth of exactly 5% (1.05² = 1.1025)."""
    rs = ruleset(
        [
            {"code": "sum", "label": "和", "value": {"add": ["rd_expense", "tax_paid"]}, "op": ">=", "threshold": 0.3},
            {"code": "ratio", "label": "比", "value": {"ratio": ["rd_expense", "revenue"]}, "op": ">=", "threshold": 3},
            {"code": "growth", "label": "增", "value": {"growth": "revenue"}, "op": ">=", "threshold": 5},
            {"code": "cagr", "label": "复", "value": {"cagr": "revenue", "years": 2}, "op": ">=", "threshold": 5},
            {"code": "zero", "label": "零", "value": {"sub": ["revenue", "total_cost"]}, "op": "==", "threshold": 0},
        ]
    )
    many = [
        years(
            y2022={"revenue": 10000},
            y2023={"revenue": Decimal("3.33")},
            y2024={
                "rd_expense": Decimal("0.1"),
                "tax_paid": Decimal("0.2"),
                "revenue": Decimal("3.3333"),
                "total_cost": Decimal("3.3333"),
            },
        ),
        years(
            y2022={"revenue": 10000},
            y2023={"revenue": 10500},
            y2024={"rd_expense": Decimal("0.03"), "tax_paid": Decimal("0.19"), "revenue": 11025, "total_cost": 11025},
        ),
        years(y2023={"revenue": 100}, y2024={"rd_expense": Decimal("2.99"), "revenue": 105, "tax_paid": 1}),
    ]
    vr = evaluate_both(rs, many)
    assert [vr.criterion(0, c).result.value for c in ("sum", "zero")] == ["pass", "pass"]
    assert [vr.criterion(1, c).result.value for c in ("growth", "cagr", "zero")] == ["pass", "pass", "pass"]
    assert vr.criterion(2, "ratio").result.value == "fail"
    # The sum, the ratio, the growth and the difference are settled on their exact fractions in the vectorised pass;
    # only the compound growth rate (a root) on its threshold is handed to the per-enterprise engine.
    assert set(vr.fallback) == {"cagr"}


def test_unknown_never_fail_and_zero_denominators() -> None:
    rs = load_shipped("hnte")
    base = {
        "uscc": "91440400MA4VECTOR1",
        "registered_on": "2015-03-01",
        "flags": {"core_ip_supports_products": True, "in_supported_hightech_field": True},
        "years": {
            "2024": {"revenue": 0, "staff": 0, "tech_staff": 0, "net_assets": 10},
            "2023": {"revenue": 0, "net_assets": 0},
            "2022": {"revenue": 100, "net_assets": 5},
        },
    }
    vr = evaluate_both(rs, [base, {**base, "years": {}}, {**base, "registered_on": None}])
    assert vr.criterion(0, "tech_staff_ratio").result.value == "unknown"
    assert vr.criterion(0, "sales_growth_points").points == D(0)  # Y2 = 0 → 0 points (if_undefined)
    assert vr.result(1).value in {"unknown", "fail"}
    assert vr.criterion(2, "registered_1y").result.value == "unknown"


def test_qualifications_and_expert_inputs() -> None:
    rs = load_shipped("tech_sme")
    quals = [
        [{"type": "高新技术企业", "valid_from": "2022-06-30", "valid_to": "2025-06-30"}],  # last day: valid
        [{"type": "高新技术企业", "valid_from": "2022-06-29", "valid_to": "2025-06-29"}],  # expired the day before
        [{"type": "高新技术企业", "valid_from": "2025-07-01"}],  # not yet valid
        [],
        None,
    ]
    many = [{"uscc": f"U{i}", "qualifications": q, "years": {}} for i, q in enumerate(quals)]
    vr = evaluate_both(rs, many)
    assert [vr.criterion(i, "has_hnte").result.value for i in range(5)] == ["pass", "fail", "fail", "fail", "unknown"]
    hnte = load_shipped("hnte")
    experts = [{}, {"rd_management_score": 20}, {"rd_management_score": 21}, {"rd_management_score": Decimal("7.5")}]
    vr = evaluate_both(hnte, [{"uscc": f"E{i}", "inputs": e, "years": {}} for i, e in enumerate(experts)])
    assert [vr.criterion(i, "rd_management_points").result.value for i in range(4)] == [
        "unknown", "pass", "unknown", "pass",
    ]  # fmt: skip


def test_frame_rebuilt_facts_and_long_form() -> None:
    facts = list(generated_facts(1000, 11)[:300])
    frame = build_frame(facts, keep_facts=False)
    for row in (0, 7, 123, 299):
        rebuilt = facts_from_row(frame, row)
        original = facts[row]
        assert rebuilt.years == {y: v for y, v in original.years.items() if v}
        assert rebuilt.flags == original.flags
        assert rebuilt.inputs == original.inputs
        assert rebuilt.qualifications == original.qualifications
    rs = load_shipped("tech_sme")
    vr = evaluate_frame(rs, frame, as_of=AS_OF)
    assert disagreements(rs, facts, vr, AS_OF) == []
    long = vr.long(messages=True)
    assert long.height == 300 * len(rs.codes)
    assert long.columns == ["row", "code", "kind", "result", "actual", "points_min", "points_max", "message"]
    assert long["message"].null_count() == 0
    one = vr.as_json(5)
    expected = rs.evaluate(facts[5], as_of=AS_OF).as_json()
    assert one["result"] == expected["result"]
    assert [c["message"] for c in one["criteria"]] == [c["message"] for c in expected["criteria"]]


def test_figures_written_like_the_wording_module() -> None:
    rng = random.Random(5)
    values = [Decimal(repr(round(rng.uniform(-m, m), rng.choice((0, 1, 2, 3, 4))))) for m in (1, 100, 2e4, 3e5)
              for _ in range(200)]  # fmt: skip
    values = [v if v != 0 else Decimal(0) for v in values]
    values += [Decimal(x) for x in ("4.96", "4.95", "4.993", "5.04", "9999.994", "19999.996", "20000", "0.9999", "1")]
    df = pl.DataFrame({"x": [float(v) for v in values]})
    for unit in ("万元", "%", "人", "分", "年", "吨标准煤", ""):
        for limits in ([], [D(5)], [D(20000)], [D(1), Decimal("0.5")]):
            for growth in (False, True):
                fig = Figure(pl.col("x"), unit, limits, growth=growth)
                unsure = display_sensitive(pl.col("x"), None, unit, limits) | fig.sensitive_full(None)
                out = df.select(fig.full.alias("f"), fig.base.alias("b"), fig.needs_full.alias("n"), unsure.alias("u"))
                for v, (full, base, needs, unsure_row) in zip(values, out.iter_rows(), strict=True):
                    if unsure_row:
                        continue  # a half-way point of the rounding: such rows are written from the exact value
                    want = figure_signed(v, unit, limits, growth=growth)
                    assert full == want, (v, unit, limits, growth)
                    assert (full if needs else base) == want, (v, unit, limits, growth)
    micro = [0, 1, 4999, 5000, -5000, 7_500_000, 123_456_789, -1_005_000]
    out = pl.DataFrame({"p": micro}).select(points_expr(pl.col("p")).alias("t"))["t"].to_list()
    assert out == [strip(Decimal(p) / 1_000_000) for p in micro]


def test_generated_fund_items_are_valid_and_publishable() -> None:
    for i in range(1, 6):
        document = fund_item_document(i, seed=3)
        compiled = compile_ruleset(document)
        assert 5 <= sum(1 for c in document["criteria"] if "value" in c) <= 12
        assert check_publishable(compiled) == []
