"""Three-valued outcomes (pass / fail / unknown) and their logic.

Missing data never fails a criterion: it makes it `unknown`. Composition follows Kleene's strong three-valued logic,
which is what an officer expects when some facts are not in yet:

| all()                                   | any()                                  | not()             |
|-----------------------------------------|----------------------------------------|-------------------|
| any child fail            → fail        | any child pass           → pass        | pass    → fail    |
| else any child unknown    → unknown     | else any child unknown   → unknown     | fail    → pass    |
| else (all pass, or empty) → pass        | else (all fail, or empty) → fail       | unknown → unknown |

So an enterprise that clearly fails one condition fails the whole, whatever else is unknown; one that meets one of
several direct-pass alternatives passes, whatever the others say.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Outcome(StrEnum):
    PASS = "pass"  # noqa: S105 — an outcome, not a password
    FAIL = "fail"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]

    @classmethod
    def of(cls, value: bool | None) -> Outcome:
        """True → pass, False → fail, None → unknown."""
        if value is None:
            return cls.UNKNOWN
        return cls.PASS if value else cls.FAIL


OUTCOME_LABELS = {Outcome.PASS: "符合", Outcome.FAIL: "不符合", Outcome.UNKNOWN: "待核实"}


def all_of(outcomes: Iterable[Outcome]) -> Outcome:
    seen_unknown = False
    for outcome in outcomes:
        if outcome is Outcome.FAIL:
            return Outcome.FAIL
        if outcome is Outcome.UNKNOWN:
            seen_unknown = True
    return Outcome.UNKNOWN if seen_unknown else Outcome.PASS


def any_of(outcomes: Iterable[Outcome]) -> Outcome:
    seen_unknown = False
    for outcome in outcomes:
        if outcome is Outcome.PASS:
            return Outcome.PASS
        if outcome is Outcome.UNKNOWN:
            seen_unknown = True
    return Outcome.UNKNOWN if seen_unknown else Outcome.FAIL


def not_(outcome: Outcome) -> Outcome:
    if outcome is Outcome.PASS:
        return Outcome.FAIL
    if outcome is Outcome.FAIL:
        return Outcome.PASS
    return Outcome.UNKNOWN
