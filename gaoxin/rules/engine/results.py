"""What an evaluation returns: one `CriterionResult` per criterion and score item, and the `Evaluation` around them.

`as_json()` gives the shape of `evaluate_rules --json` (FORMATS.md section 3): `{"ruleset", "version", "result",
"score"?, "criteria": [{"code", "label", "result", "actual", "required", "points"?, "message"}]}`, extended with the
rule set's validity on the as-of date and what was missing. Decimals stay Decimals inside the engine; `as_json()`
turns them into JSON numbers (at most 4 decimals, half up) at the boundary only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from .outcome import Outcome
from .wording import join, points_text, strip


class Validity(StrEnum):
    """Whether the rule set was in force on the as-of date. Anything but `current` must be shown, never hidden."""

    CURRENT = "current"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"


def json_value(value: Any) -> Any:
    """Decimals → JSON numbers (int when whole, else at most 4 decimals); dates → ISO text; containers recursively."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, Decimal):
        shown = value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP).normalize()
        if shown == shown.to_integral_value():
            return int(shown)
        return float(shown)  # the boundary: JSON has only one number type
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


@dataclass(frozen=True, slots=True)
class CriterionResult:
    code: str
    label: str
    kind: str  # "criterion" or "score"
    result: Outcome
    actual: Any
    required: str
    message: str
    missing: tuple[str, ...] = ()
    threshold: Any = None
    points_min: Decimal | None = None
    points_max: Decimal | None = None

    @property
    def points(self) -> Decimal | None:
        """The points of a score item when they are determined; None for a range or a criterion."""
        if self.points_min is not None and self.points_min == self.points_max:
            return self.points_min
        return None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "label": self.label,
            "kind": self.kind,
            "result": self.result.value,
            "actual": json_value(self.actual),
            "required": self.required,
            "message": self.message,
        }
        if self.threshold is not None:
            data["threshold"] = json_value(self.threshold)
        if self.kind == "score":
            data["points"] = json_value(self.points)
            data["points_min"] = json_value(self.points_min)
            data["points_max"] = json_value(self.points_max)
        if self.missing:
            data["missing"] = list(self.missing)
        return data


@dataclass(frozen=True, slots=True)
class Reason:
    """A criterion that decides a fail (or leaves the result unknown): what an officer must look at."""

    code: str | None
    label: str


@dataclass(frozen=True, slots=True)
class ScoreResult:
    code: str
    label: str
    min: Decimal
    max: Decimal
    max_possible: Decimal
    threshold: str | None = None

    @property
    def value(self) -> Decimal | None:
        return self.min if self.min == self.max else None


@dataclass(slots=True)
class Evaluation:
    ruleset: str
    version: str
    name: str
    source: str
    subject: str | None
    as_of: dt.date
    year: int
    result: Outcome
    criteria: list[CriterionResult]
    score: ScoreResult | None
    validity: Validity
    warnings: list[str] = field(default_factory=list)
    #: Why the result is not a pass: the failing (or, if none fails, the unknown) criteria that decide it, named
    #: as specifically as the decision allows (a failed all() names its failing parts; a failed any() itself).
    reasons: list[Reason] = field(default_factory=list)

    @property
    def current(self) -> bool:
        """False when the rule set was not in force on the as-of date: the result must not be used as if it were."""
        return self.validity is Validity.CURRENT

    def criterion(self, code: str) -> CriterionResult:
        for item in self.criteria:
            if item.code == code:
                return item
        raise KeyError(code)

    def by_result(self, outcome: Outcome, *, kind: str = "criterion") -> list[CriterionResult]:
        return [c for c in self.criteria if c.result is outcome and c.kind == kind]

    @property
    def missing(self) -> list[str]:
        seen: dict[str, None] = {}
        for item in self.criteria:
            if item.result is Outcome.UNKNOWN:
                for m in item.missing:
                    seen.setdefault(m, None)
        return list(seen)

    @property
    def missing_for_decision(self) -> list[str]:
        """What is missing among the criteria that leave the result unknown (see `reasons`)."""
        by_code = {c.code: c for c in self.criteria}
        seen: dict[str, None] = {}
        for reason in self.reasons:
            item = by_code.get(reason.code or "")
            for m in item.missing if item is not None else ():
                seen.setdefault(m, None)
        return list(seen)

    @property
    def summary(self) -> str:
        """One Chinese sentence: "符合高新技术企业认定条件" / "不符合…：A、B" / "待核实…：缺少…"."""
        head = {Outcome.PASS: "符合", Outcome.FAIL: "不符合", Outcome.UNKNOWN: "待核实"}[self.result]
        text = f"{head}{self.name}条件"
        labels = [reason.label for reason in self.reasons]
        if self.result is Outcome.FAIL and labels:
            text += f"（未满足：{join(labels)}）"
        elif self.result is Outcome.UNKNOWN:
            missing = self.missing_for_decision
            parts = [f"待核实：{join(labels)}"] if labels else []
            if missing:
                parts.append(f"缺少：{join(missing[:6])}{'等' if len(missing) > 6 else ''}")
            text += f"（{'；'.join(parts)}）" if parts else ""
        if self.score is not None:
            text += f"；{self.score.label}{points_text(self.score.min, self.score.max)}"
        if self.warnings:
            text += "；" + "；".join(self.warnings)
        return text

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "ruleset": self.ruleset,
            "version": self.version,
            "name": self.name,
            "source": self.source,
            "uscc": self.subject,
            "as_of": self.as_of.isoformat(),
            "year": self.year,
            "validity": self.validity.value,
            "result": self.result.value,
            "summary": self.summary,
        }
        if self.score is not None:
            data["score"] = json_value(self.score.value)
            data["score_min"] = json_value(self.score.min)
            data["score_max"] = json_value(self.score.max)
            data["score_full"] = json_value(self.score.max_possible)
            if self.score.threshold:
                data["score_threshold"] = self.score.threshold
        data["reasons"] = [{"code": r.code, "label": r.label} for r in self.reasons]
        data["criteria"] = [c.as_json() for c in self.criteria]
        data["warnings"] = list(self.warnings)
        return data


def score_text(lo: Decimal, hi: Decimal) -> str:
    return f"{strip(lo)}" if lo == hi else f"{strip(lo)}–{strip(hi)}"
