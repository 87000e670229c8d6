"""Which fund items fit an enterprise: the live eligibility check before an application is submitted (the rule set in
force, over the enterprise's current facts) and precise push (政策精准推送) from the registry-wide evaluation's stored
results — the items it qualifies for and the near misses (exactly one criterion failed) with what it lacks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.core.errors import DomainError
from gaoxin.policy import amounts
from gaoxin.policy.models import FundItem, FundItemStatus, PolicyStatus
from gaoxin.registry.models import Enterprise
from gaoxin.rules import facts as rule_facts
from gaoxin.rules.selectors import ResultView, enterprise_results
from gaoxin.rules.services import evaluate_facts


@dataclass
class Check:
    """The eligibility of one enterprise for one fund item, as the enterprise and the officer read it."""

    result: str  # pass / fail / unknown / none (the item has no rule)
    summary: str
    failed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    ruleset: str = ""
    version: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "result": self.result,
            "summary": self.summary,
            "failed": self.failed,
            "unknown": self.unknown,
            "ruleset": self.ruleset,
            "version": self.version,
        }


def facts_of(enterprise: Enterprise) -> dict[str, Any]:
    return rule_facts.facts_documents([enterprise])[enterprise.pk]


def live_check(item: FundItem, facts: dict[str, Any], *, as_of: dt.date | None = None) -> Check:
    """The rule set of the item in force on `as_of`, over these facts (what submission relies on)."""
    if not item.eligibility_code:
        return Check("none", _("本项目不设系统核验条件，由形式审查核对"))
    try:
        evaluation = evaluate_facts(item.eligibility_code, facts, as_of=as_of)
    except DomainError as exc:
        return Check("unknown", exc.message, ruleset=item.eligibility_code)
    criteria = [c for c in evaluation.criteria if c.kind == "criterion"]
    outcome = evaluation.result.value
    # what decides: a pass needs no list; a fail names what failed; an unknown names what is still to be checked
    return Check(
        outcome,
        evaluation.summary,
        failed=[c.message for c in criteria if c.result.value == "fail"] if outcome == "fail" else [],
        unknown=[c.message for c in criteria if c.result.value == "unknown"] if outcome == "unknown" else [],
        ruleset=evaluation.ruleset,
        version=evaluation.version,
    )


def lacking(view: ResultView) -> list[str]:
    """The sentences of the criteria a stored result failed (FORMATS.md section 3 `criteria`)."""
    return [
        f"{c.get('label', '')}：{c.get('message', '')}" if c.get("label") else str(c.get("message", ""))
        for c in view.criteria
        if c.get("result") == "fail" and c.get("kind", "criterion") == "criterion"
    ]


@dataclass
class Match:
    item: FundItem
    kind: str  # eligible / near / open (no rule: anyone may apply)
    lacks: list[str]
    amount: Decimal | None
    amount_text: str
    stale: bool = False


def open_items(today: dt.date | None = None) -> list[FundItem]:
    today = today or timezone.localdate()
    return list(
        FundItem.objects.filter(
            status=FundItemStatus.OPEN, policy__status=PolicyStatus.PUBLISHED, closes_on__gte=today
        ).select_related("policy")
    )


def for_enterprise(enterprise: Enterprise, *, today: dt.date | None = None) -> list[Match]:
    """The open fund items the enterprise qualifies for, and the near misses with what it lacks (stored results)."""
    today = today or timezone.localdate()
    items = open_items(today)
    if not items:
        return []
    views = {v.row.ruleset.code: v for v in enterprise_results(enterprise)}
    facts = facts_of(enterprise)
    out: list[Match] = []
    for item in items:
        if item.eligibility_code:
            view = views.get(item.eligibility_code)
            if view is None:
                continue
            row = view.row
            if row.result == "pass":
                kind, lacks = "eligible", []
            elif row.result == "fail" and row.failed == 1:
                kind, lacks = "near", lacking(view)
            else:
                continue
            stale = view.stale
        else:
            kind, lacks, stale = "open", [], False
        amount = amounts.compute(amounts.Formula.of(item), facts, as_of=today)
        out.append(Match(item, kind, lacks, amount.yuan, amount.explanation, stale))
    order = {"eligible": 0, "open": 1, "near": 2}
    out.sort(key=lambda m: (order[m.kind], m.item.closes_on, m.item.code))
    return out
