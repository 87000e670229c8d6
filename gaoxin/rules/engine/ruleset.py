"""A compiled rule set (规则集): metadata, declared inputs, criteria, score, decision and its own test cases.

Compiled once (`compiler.compile_ruleset`), then evaluated over any number of enterprises: per enterprise the work is
a walk over small node trees with a memo, no parsing. The rule set keeps the document it was compiled from, so the
platform can store exactly what it published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .conditions import Check, Composite, Condition, Ref
from .facts import Facts, as_facts
from .outcome import Outcome
from .results import CriterionResult, Evaluation, Reason, ScoreResult, Validity
from .scoring import PointsCompare, PointsNode
from .values import Context

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class InputSpec:
    """A figure the rule set needs that is not in the fact vocabulary: an expert's score or a declared answer."""

    code: str
    label: str
    kind: str  # "expert" (专家评分) or "declared" (企业申报，需核实)
    type: str  # "number", "flag" or "text"
    unit: str = ""
    min: Decimal | None = None
    max: Decimal | None = None
    note: str = ""

    @property
    def kind_label(self) -> str:
        return "专家评分" if self.kind == "expert" else "企业申报"


@dataclass(frozen=True, slots=True)
class TestCase:
    name: str
    path: str
    as_of: dt.date
    year: int | None
    facts: dict[str, Any]
    expect_result: Outcome | None = None
    expect_score: tuple[Decimal, Decimal] | None = None
    expect_validity: Validity | None = None
    expect_criteria: dict[str, Outcome | tuple[Decimal, Decimal]] = field(default_factory=dict)


@dataclass(slots=True)
class RuleSet:
    code: str
    version: str
    name: str
    source: str
    valid_from: dt.date
    valid_to: dt.date | None
    decision: Condition
    criteria: list[tuple[str, Condition]]
    score: PointsNode | None = None
    inputs: dict[str, InputSpec] = field(default_factory=dict)
    description: str = ""
    notes: list[str] = field(default_factory=list)
    year_lag: int = 1
    tests: list[TestCase] = field(default_factory=list)
    document: dict[str, Any] = field(default_factory=dict)

    # --- time ---------------------------------------------------------------------------------------------------

    def validity_on(self, day: dt.date) -> Validity:
        if day < self.valid_from:
            return Validity.NOT_YET_VALID
        if self.valid_to is not None and day > self.valid_to:
            return Validity.EXPIRED
        return Validity.CURRENT

    def reference_year(self, as_of: dt.date) -> int:
        """The latest fiscal year the rule looks at: by default the calendar year before the as-of date."""
        return as_of.year - self.year_lag

    # --- lookup -------------------------------------------------------------------------------------------------

    @property
    def score_items(self) -> list[PointsNode]:
        return list(self.score.walk()) if self.score is not None else []

    def criterion(self, code: str) -> Condition | PointsNode:
        for item_code, condition in self.criteria:
            if item_code == code:
                return condition
        for node in self.score_items:
            if node.code == code:
                return node
        raise KeyError(code)

    @property
    def codes(self) -> list[str]:
        return [code for code, _ in self.criteria] + [node.code for node in self.score_items]

    # --- evaluation ---------------------------------------------------------------------------------------------

    def evaluate(self, facts: Facts | Mapping[str, Any], *, as_of: dt.date, year: int | None = None) -> Evaluation:
        """One enterprise, as of a date. `year` overrides the reference (latest fiscal) year."""
        parsed = as_facts(facts)
        ctx = Context(parsed, as_of, year if year is not None else self.reference_year(as_of))
        score_checks: list[tuple[PointsNode, Check]] = []
        if self.score is not None:
            self.score.evaluate(ctx)
            for node in self.score.walk():
                found = ctx.memo.get(f"points:{node.code}")
                assert isinstance(found, Check)
                score_checks.append((node, found))
        results: list[CriterionResult] = []
        for code, condition in self.criteria:
            check = Ref(code, condition).evaluate(ctx)
            results.append(
                CriterionResult(
                    code=code,
                    label=condition.label,
                    kind="criterion",
                    result=check.outcome,
                    actual=check.actual,
                    required=check.required,
                    message=check.message,
                    missing=check.missing,
                    threshold=check.threshold,
                )
            )
        outcome = self.decision.evaluate(ctx).outcome
        reasons = [] if outcome is Outcome.PASS else _reasons(self.decision, ctx, outcome)
        for node, check in score_checks:
            results.append(
                CriterionResult(
                    code=node.code,
                    label=node.label,
                    kind="score",
                    result=check.outcome,
                    actual=check.actual,
                    required=check.required,
                    message=check.message,
                    missing=check.missing,
                    points_min=check.points_lo,
                    points_max=check.points_hi,
                )
            )
        score = None
        if self.score is not None:
            root = score_checks[0][1]
            score = ScoreResult(
                code=self.score.code,
                label=self.score.label,
                min=root.points_lo if root.points_lo is not None else ZERO,
                max=root.points_hi if root.points_hi is not None else ZERO,
                max_possible=self.score.max_points,
                threshold=self._score_threshold(),
            )
        validity = self.validity_on(as_of)
        return Evaluation(
            ruleset=self.code,
            version=self.version,
            name=self.name,
            source=self.source,
            subject=parsed.uscc,
            as_of=as_of,
            year=ctx.year,
            result=outcome,
            criteria=results,
            score=score,
            validity=validity,
            warnings=self._validity_warnings(validity),
            reasons=list(dict.fromkeys(reasons)),
        )

    def evaluate_many(
        self, many: Iterable[Facts | Mapping[str, Any]], *, as_of: dt.date, year: int | None = None
    ) -> list[Evaluation]:
        """Many enterprises with the same compiled rule set (a plain loop: the compiled trees carry no state)."""
        return [self.evaluate(facts, as_of=as_of, year=year) for facts in many]

    def _score_threshold(self) -> str | None:
        for _, condition in self.criteria:
            if isinstance(condition, PointsCompare) and condition.item is self.score:
                return condition.describe()
        return None

    def _validity_warnings(self, validity: Validity) -> list[str]:
        if validity is Validity.EXPIRED:
            assert self.valid_to is not None
            return [
                f"规则集“{self.name}”（{self.version}版）已于{self.valid_to.isoformat()}失效，本结果仅供参考，不能作为现行认定依据"
            ]
        if validity is Validity.NOT_YET_VALID:
            return [
                f"规则集“{self.name}”（{self.version}版）自{self.valid_from.isoformat()}起施行，评价日尚未生效，本结果仅供参考"
            ]
        return []


def _reasons(condition: Condition, ctx: Context, outcome: Outcome) -> list[Reason]:
    """The criteria that make `condition` come out as `outcome` (fail or unknown), as specific as the tree allows."""
    if isinstance(condition, Ref):
        target = condition.target
        if isinstance(target, Composite) and target.kind == "all":
            return _reasons(target, ctx, outcome)
        if isinstance(target, Composite) and target.kind == "any" and outcome is Outcome.UNKNOWN:
            return _reasons(target, ctx, outcome)
        return [Reason(condition.code, condition.label)]
    if isinstance(condition, Composite) and condition.kind != "not":
        found: list[Reason] = []
        for child in condition.children:
            if child.evaluate(ctx).outcome is outcome:
                found.extend(_reasons(child, ctx, outcome))
        return found
    return [Reason(None, condition.label)]
