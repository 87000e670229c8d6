"""Comparing two evaluations of many enterprises (the dry run of a new rule-set version against the current one):
who gains, who loses, and which criteria changed for them. Also plain counts by result, overall or by group."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .outcome import Outcome
from .results import Evaluation


@dataclass(frozen=True, slots=True)
class CriterionChange:
    code: str
    label: str
    before: Outcome | None
    after: Outcome | None

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "before": self.before.value if self.before else None,
            "after": self.after.value if self.after else None,
        }


@dataclass(frozen=True, slots=True)
class EnterpriseChange:
    subject: str
    before: Outcome | None
    after: Outcome | None
    criteria: tuple[CriterionChange, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "uscc": self.subject,
            "before": self.before.value if self.before else None,
            "after": self.after.value if self.after else None,
            "criteria": [c.as_json() for c in self.criteria],
        }


@dataclass(slots=True)
class EvaluationDiff:
    counts_before: dict[str, int]
    counts_after: dict[str, int]
    gained: list[EnterpriseChange] = field(default_factory=list)  # now pass, did not before
    lost: list[EnterpriseChange] = field(default_factory=list)  # passed before, not now
    changed: list[EnterpriseChange] = field(default_factory=list)  # fail ↔ unknown, or evaluated on one side only
    unchanged: int = 0

    def summary(self) -> str:
        before = self.counts_before.get("pass", 0)
        after = self.counts_after.get("pass", 0)
        delta = after - before
        trend = f"增加{delta}家" if delta > 0 else f"减少{-delta}家" if delta < 0 else "持平"
        return (
            f"符合条件的企业由{before}家变为{after}家（{trend}）：新增符合{len(self.gained)}家，"
            f"不再符合{len(self.lost)}家，其他变化{len(self.changed)}家，结果不变{self.unchanged}家"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "counts_before": dict(self.counts_before),
            "counts_after": dict(self.counts_after),
            "gained": [c.as_json() for c in self.gained],
            "lost": [c.as_json() for c in self.lost],
            "changed": [c.as_json() for c in self.changed],
            "unchanged": self.unchanged,
            "summary": self.summary(),
        }


def _keyed(evaluations: Iterable[Evaluation], side: str) -> dict[str, Evaluation]:
    keyed: dict[str, Evaluation] = {}
    for evaluation in evaluations:
        if not evaluation.subject:
            raise ValueError(f"{side}的评价结果缺少统一社会信用代码（uscc），无法比较")
        if evaluation.subject in keyed:
            raise ValueError(f"{side}的评价结果中统一社会信用代码{evaluation.subject}重复")
        keyed[evaluation.subject] = evaluation
    return keyed


def _criteria_changes(before: Evaluation | None, after: Evaluation | None) -> tuple[CriterionChange, ...]:
    old = {c.code: c for c in before.criteria} if before else {}
    new = {c.code: c for c in after.criteria} if after else {}
    changes = []
    for code in [*old, *(c for c in new if c not in old)]:
        a, b = old.get(code), new.get(code)
        if a is not None and b is not None and a.result is b.result:
            continue
        shown = b or a
        label = shown.label if shown is not None else code
        changes.append(CriterionChange(code, label, a.result if a else None, b.result if b else None))
    return tuple(changes)


def diff_evaluations(before: Iterable[Evaluation], after: Iterable[Evaluation]) -> EvaluationDiff:
    """Compare two runs over the same enterprises (keyed by USCC), e.g. the published version and a draft."""
    old = _keyed(before, "原版本")
    new = _keyed(after, "新版本")
    diff = EvaluationDiff(counts_before=tally(old.values())["全部"], counts_after=tally(new.values())["全部"])
    for subject in [*old, *(s for s in new if s not in old)]:
        a, b = old.get(subject), new.get(subject)
        ra, rb = (a.result if a else None), (b.result if b else None)
        if ra is rb:
            diff.unchanged += 1
            continue
        change = EnterpriseChange(subject, ra, rb, _criteria_changes(a, b))
        if rb is Outcome.PASS:
            diff.gained.append(change)
        elif ra is Outcome.PASS:
            diff.lost.append(change)
        else:
            diff.changed.append(change)
    return diff


def tally(
    evaluations: Iterable[Evaluation], group_of: Callable[[Evaluation], str] | None = None
) -> dict[str, dict[str, int]]:
    """Counts of pass / fail / unknown, under "全部" and, with `group_of`, per group (park, industry…)."""
    groups: dict[str, Counter[str]] = {"全部": Counter()}
    for evaluation in evaluations:
        groups["全部"][evaluation.result.value] += 1
        if group_of is not None:
            groups.setdefault(group_of(evaluation), Counter())[evaluation.result.value] += 1
    return {name: {o.value: counter.get(o.value, 0) for o in Outcome} for name, counter in groups.items()}
