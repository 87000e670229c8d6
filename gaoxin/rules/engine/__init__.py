"""The rules engine (规则引擎): evaluates versioned rule sets over one enterprise's facts and explains every criterion.

Plain Python: nothing here imports Django (a test checks it), so the engine runs in a management command, a web
request, a background task or a notebook alike. Numbers are `Decimal` throughout; figures are written in Chinese by
the zone's rules (DOMAIN.md) through `gaoxin.core.display`.

Ideas taken from elsewhere, kept small for officers: from OpenFisca, values computed per period counted back from a
reference year, dated rule sets with their legal reference, and test cases written beside the rules; from decision
tables (GoRules, DMN), band tables with the first-hit policy.

Public API
==========
Loading and checking rule sets::

    load_ruleset(source: str | Path | Mapping) -> RuleSet        # YAML/JSON text, a file, or a parsed document
    validate_ruleset(source) -> list[Issue]                       # [] when valid; Issue(path, message), str(issue) =
                                                                  # "criteria[2].threshold：必须是数字"
    compile_ruleset(document: Mapping) -> RuleSet                 # raises RuleSetError(issues)
    shipped_rulesets() -> tuple[RuleSet, ...]                     # gaoxin/rules/rulesets/*.yaml, compiled once
    load_shipped(code: str, *, as_of: date | None = None) -> RuleSet   # the version in force on as_of
    parse_document(text) -> Any                                   # YAML/JSON text → data (Decimals, not floats)
    dump_document(document) -> str                                # → YAML text;  document_to_json(document) → JSON
    ruleset.document                                              # the document it was compiled from

Evaluating::

    ruleset.evaluate(facts: Facts | Mapping, *, as_of: date, year: int | None = None) -> Evaluation
    ruleset.evaluate_many(iterable_of_facts, *, as_of, year=None) -> list[Evaluation]
    evaluate(ruleset, facts, *, as_of, year=None) -> Evaluation   # the same, as a function
    Facts.from_json(mapping) -> Facts                             # FORMATS.md 2a; raises FactsError (Chinese)

`facts` is the JSON of FORMATS.md 2a (`uscc`, `registered_on`, `flags`, `qualifications`, `years`), plus two
optional keys: `is_above_scale` (the static fact) and `inputs` (figures a rule set declares: expert scores, declared
counts or yes/no answers, by the input's code). `year` is the reference ("latest") fiscal year; by default the
calendar year before `as_of` (`year_lag: 1` in the rule set).

Results::

    Evaluation: ruleset, version, name, source, subject (uscc), as_of, year, result: Outcome,
                criteria: list[CriterionResult], score: ScoreResult | None, validity: Validity, warnings: list[str],
                reasons: list[Reason]  (what decides a fail, or leaves it unknown: Reason(code, label))
                .current (False when the rule set was not in force on as_of), .summary (one Chinese sentence),
                .criterion(code), .by_result(outcome), .missing, .missing_for_decision, .as_json()
    CriterionResult: code, label, kind ("criterion" | "score"), result, actual, required, message, missing,
                threshold, points_min, points_max, .points (None while a range), .as_json()
    ScoreResult: code, label, min, max, max_possible, threshold, .value (None while a range)
    Outcome: PASS / FAIL / UNKNOWN ("pass" / "fail" / "unknown"); all_of, any_of, not_ (three-valued logic)
    Validity: CURRENT / EXPIRED / NOT_YET_VALID

`Evaluation.as_json()` is the output of `evaluate_rules --json` (FORMATS.md section 3): {"ruleset", "version",
"result", "score"?, "criteria": [{"code", "label", "result", "actual", "required", "points"?, "message"}]} plus
"name", "source", "uscc", "as_of", "year", "validity", "summary", "reasons", "score_min", "score_max",
"score_full", "score_threshold", "warnings", and per criterion "kind", "threshold", "points_min", "points_max",
"missing". `required` is the requirement in Chinese ("不低于5%"); `threshold` the number(s) behind it. The list
holds the criteria in the rule set's order, then the score items (kind "score") of the score tree, root first.
A score item's own result is unknown while its data are missing, else pass when it earns points, fail at 0.

Sentences follow the zone's writing (DOMAIN.md): "研发费用占销售收入比例（2024年）4.2%，低于要求的5%" — the period
in brackets, no spaces, rates with one decimal (more only when rounding would put the shown figure on the other side
of the limit: "4.993%，低于要求的5%"), money in 万元 or 亿元, a negative growth as "为负（下降3.6%）".

Publishing, editor and dry run::

    run_test_cases(ruleset) -> list[CaseResult]                   # CaseResult(name, passed, problems, evaluation)
    check_publishable(document_or_ruleset) -> list[str]           # [] when it compiles, has cases, and all pass
    describe_ruleset(ruleset) -> str                              # the Chinese reading, one sentence
    describe_criterion(ruleset, code) -> str                      # one criterion or score item
    diff_evaluations(before, after) -> EvaluationDiff             # gained / lost / changed / unchanged, by USCC
    tally(evaluations, group_of=None) -> {group: {"pass": n, "fail": n, "unknown": n}}

Three-valued logic
==================
Every criterion answers pass, fail or unknown. A fact that is absent is unknown, never zero, so missing data give
`unknown`, never `fail`. all(): any fail → fail; else any unknown → unknown; else pass. any(): any pass → pass;
else any unknown → unknown; else fail. not(): swaps pass and fail, keeps unknown. Scores are intervals: an item
whose data or expert score is missing counts as everything it could still be ([0, 20] for an expert's 0–20分), a
guideline band with a point range ("9–10分") as that range; a threshold on a score passes when the lowest possible
total meets it, fails when the highest does not, and is otherwise unknown, with a sentence on how many points the
open items must still bring ("若专家评分（…）合计≥X分即可达到").

Per enterprise a compiled rule set costs roughly 0.04–0.5 ms with every explanation (shipped sets, this machine);
registry-wide runs should compile the same trees to vectorised expressions and keep this path for single
explanations (the node classes in `values`, `conditions` and `scoring` are small and explicit for that purpose).

A rule set evaluated on a date outside [valid_from, valid_to] still gives its answer, but flagged:
`Evaluation.validity` is "expired" or "not_yet_valid", `current` is False and `warnings` says so in Chinese.
Callers (fund items, candidate lists) must check `current` and show the warning; never present it as current.

Rule-set document (YAML)
========================
::

    code: tech_sme                       # lower-case identifier (FORMATS.md rule-set codes)
    version: "2017.1"                    # text, quoted
    name: 科技型中小企业评价
    source: 国科发政〔2017〕115号《科技型中小企业评价办法》    # 文号
    valid_from: 2017-05-03
    valid_to: null                       # open-ended
    year_lag: 1                          # optional: reference year = as_of.year − year_lag
    notes: [how a detail was read, with its source]
    inputs:                              # what the vocabulary lacks: expert scores, declared figures or answers
      - {code: rd_management_score, label: 研究开发组织管理水平, kind: expert, min: 0, max: 20}
      - {code: equity_raised_3y, label: 近三年新增股权融资总额, kind: declared, unit: 万元}
      - {code: strategic_emerging, label: 主导产品属于战略性新兴产业, kind: declared, type: flag}
    values:                              # named values, reusable by name
      rd_ratio: {label: 研发费用占销售收入比例, ratio: [rd_expense, revenue]}
    criteria:                            # listed in this order in every result
      - code: staff_limit
        label: 职工总数不超过500人
        value: staff                     # a fact name (the reference year), a named value, or an expression
        op: "<="                         # >=  >  <=  <  ==  !=  between [lo, hi)  in [a, b]
        threshold: 500
      - code: rd_each_year
        label: 近两年研发费用占比均不低于3%
        value: rd_ratio
        op: ">="
        threshold: 3
        each_year: 2                     # must hold in each of the last 2 years
      - code: rd_ratio_by_size           # the requirement chosen by another value's band
        label: 研发费用占比
        value: {ratio: [{fact: rd_expense, years: 3}, {fact: revenue, years: 3}]}
        op: ">="
        threshold_by:
          value: revenue
          label: 近一年销售收入
          rows: [{max: 5000, threshold: 5}, {max: 20000, threshold: 4}, {threshold: 3}]
      - {code: no_incident, label: 无重大事故, flag: major_incident_last_year, expect: false}
      - {code: has_hnte, label: 有效高企证书, qualification: 高新技术企业}     # valid on the as-of date
      - {code: direct, label: 直通条件, any: [has_hnte, award]}   # all / any / not over codes or inline conditions
      - {code: score_ok, label: 评价得分不低于60分, points: total, op: ">=", threshold: 60}
    score:                               # one tree of score items; each appears in the results with its points
      code: total
      label: 评价得分
      sum:                               # optional cap: N
        - code: tech_staff_points
          label: 科技人员指标
          value: {ratio: [tech_staff, staff]}
          bands:                         # first hit, top to bottom; min inclusive, above exclusive, max, below
            - {min: 30, points: 20}
            - {min: 25, points: [15, 16]}        # a range: the experts choose within the band
            - {points: 0}                        # the last row is "其余"
          if_undefined: 0                # points when the value has no meaning (e.g. the 高企 Y2 = 0 rule)
        - {code: rd_points, label: 研发投入, best_of: [..., ...]}
        - {code: ip_points, label: 知识产权, bands: [{when: {value: ip_class1, op: ">=", threshold: 1}, points: 30},
                                                   {points: 0}]}
        - {code: org_points, label: 研究开发组织管理水平, input: rd_management_score}
    decision: {all: [staff_limit, no_incident, {any: [direct, score_ok]}]}
    test_defaults: {as_of: 2025-06-30, facts: {...}}     # merged under every case; null removes a fact
    tests:
      - name: 科技人员占比恰为30%（下限含本数）
        facts: {years: {2024: {tech_staff: 30}}}
        expect: {result: pass, score: 90, criteria: {tech_staff_points: 20, staff_limit: pass}}

Value expressions: a number; a name (fact of the reference year, named value or input); or one of
`{fact: NAME, year: latest|previous|-2}`, `{fact: NAME, years: 3, agg: sum|avg|min|max, operating_only: true}`,
`{static: park|industry|chain_link}`, `{input: CODE}`, `{years_since: registered_on}`, `{ratio: [a, b]}` (in %),
`{add|sub|mul|div|min|max: [a, b, …]}`, `{growth: X}` (YoY %), `{cagr: X, years: 2}` (compound growth %),
`{average_growth: X, years: 3}` (the 高企 formula ½ × (Y2/Y1 + Y3/Y2) − 1, Y1 = 0 → last two years, Y2 = 0 →
undefined), `{ref: NAME}`; any of them with `label:` and `unit:`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .cases import CaseResult, check_publishable, run_test_cases
from .compiler import Issue, RuleSetError, compile_ruleset, validate_document
from .describe import describe_criterion, describe_ruleset
from .diff import EvaluationDiff, diff_evaluations, tally
from .facts import Facts, FactsError, HeldQualification
from .loader import (
    RULESETS_DIR,
    document_to_json,
    dump_document,
    load_ruleset,
    load_shipped,
    parse_document,
    shipped_rulesets,
    validate_ruleset,
)
from .outcome import Outcome, all_of, any_of, not_
from .results import CriterionResult, Evaluation, Reason, ScoreResult, Validity
from .ruleset import InputSpec, RuleSet, TestCase


def evaluate(
    ruleset: RuleSet, facts: Facts | Mapping[str, Any], *, as_of: dt.date, year: int | None = None
) -> Evaluation:
    """One enterprise against one compiled rule set, as of a date."""
    return ruleset.evaluate(facts, as_of=as_of, year=year)


__all__ = [
    "RULESETS_DIR",
    "CaseResult",
    "CriterionResult",
    "Evaluation",
    "EvaluationDiff",
    "Facts",
    "FactsError",
    "HeldQualification",
    "InputSpec",
    "Issue",
    "Outcome",
    "Reason",
    "RuleSet",
    "RuleSetError",
    "ScoreResult",
    "TestCase",
    "Validity",
    "all_of",
    "any_of",
    "check_publishable",
    "compile_ruleset",
    "describe_criterion",
    "describe_ruleset",
    "diff_evaluations",
    "document_to_json",
    "dump_document",
    "evaluate",
    "load_ruleset",
    "load_shipped",
    "not_",
    "parse_document",
    "run_test_cases",
    "shipped_rulesets",
    "tally",
    "validate_document",
    "validate_ruleset",
]
