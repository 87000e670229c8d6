"""Reads of rule sets and stored results. Results of an enterprise follow the registry's `enterprise_scope`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from gaoxin.registry.models import Enterprise
from gaoxin.registry.selectors import enterprise_get, enterprise_scope
from gaoxin.rules import facts as facts_module
from gaoxin.rules.models import EnterpriseResult, EvaluationRun, RuleSetStatus, RuleSetVersion
from gaoxin.rules.services import published_in_force


def published_overview(as_of: dt.date | None = None) -> list[dict[str, Any]]:
    as_of = as_of or timezone.localdate()
    rows = []
    for v in published_in_force(as_of):
        in_force = (v.valid_from is None or v.valid_from <= as_of) and (v.valid_to is None or as_of <= v.valid_to)
        rows.append(
            {
                "code": v.code,
                "version": v.version,
                "name": v.name,
                "source": v.source,
                "valid_from": v.valid_from,
                "valid_to": v.valid_to,
                "in_force": in_force,
                "pk": v.pk,
            }
        )
    return rows


def enterprise_for_rules(actor: Any, pk: int) -> Enterprise:
    return enterprise_get(actor, pk)


@dataclass
class ResultView:
    row: EnterpriseResult
    stale: bool

    def as_json(self) -> dict[str, Any]:
        r = self.row
        return {
            "ruleset": r.ruleset.code,
            "version": r.ruleset.version,
            "name": r.ruleset.name,
            "result": r.result,
            "failed": r.failed,
            "unknown": r.unknown,
            "score": float(r.score) if r.score is not None else None,
            "summary": r.summary,
            "as_of": r.as_of,
            "validity": r.validity,
            "stale": self.stale,
            "criteria": r.criteria,
        }


def enterprise_results(enterprise: Enterprise) -> list[ResultView]:
    """The stored results of one enterprise (the published versions in force), each marked stale when its facts have
    changed since it was computed."""
    current = {v.pk for v in published_in_force(timezone.localdate())}
    digest = facts_module.digest(facts_module.facts_documents([enterprise])[enterprise.pk])
    rows = (
        EnterpriseResult.objects.filter(enterprise=enterprise, ruleset_id__in=current)
        .select_related("ruleset")
        .order_by("ruleset__code")
    )
    return [ResultView(row, row.facts_digest != digest) for row in rows]


def candidates(
    actor: Any, version: RuleSetVersion, *, kind: str = "pass", park: int | None = None
) -> QuerySet[EnterpriseResult]:
    """The enterprises (in the caller's scope) that meet a rule set (`pass`), miss exactly one criterion (`near`:
    the list to cultivate), or cannot be decided for missing data (`unknown`)."""
    rows = EnterpriseResult.objects.filter(ruleset=version, enterprise__in=enterprise_scope(actor)).select_related(
        "enterprise", "enterprise__park"
    )
    if kind == "pass":
        rows = rows.filter(result="pass")
    elif kind == "near":
        rows = rows.filter(result="fail", failed=1)
    elif kind == "unknown":
        rows = rows.filter(result="unknown")
    if park:
        rows = rows.filter(enterprise__park_id=park)
    return rows.order_by("-score", "enterprise__name")


def candidate_counts(actor: Any, version: RuleSetVersion) -> dict[str, int]:
    rows = EnterpriseResult.objects.filter(ruleset=version, enterprise__in=enterprise_scope(actor))
    return {
        "pass": rows.filter(result="pass").count(),
        "near": rows.filter(result="fail", failed=1).count(),
        "unknown": rows.filter(result="unknown").count(),
        "fail": rows.filter(result="fail").count(),
    }


def version_get(pk: int) -> RuleSetVersion:
    from gaoxin.core.errors import NotFound

    try:
        return RuleSetVersion.objects.get(pk=pk, status=RuleSetStatus.PUBLISHED)
    except RuleSetVersion.DoesNotExist:
        raise NotFound() from None


def last_run() -> EvaluationRun | None:
    return EvaluationRun.objects.filter(finished_at__isnull=False).first()


def drafts() -> QuerySet[RuleSetVersion]:
    return (
        RuleSetVersion.objects.filter(status=RuleSetStatus.DRAFT).select_related("created_by").order_by("-updated_at")
    )


def draft_get(pk: int) -> RuleSetVersion:
    from gaoxin.core.errors import NotFound

    try:
        return RuleSetVersion.objects.get(pk=pk, status=RuleSetStatus.DRAFT)
    except RuleSetVersion.DoesNotExist:
        raise NotFound() from None
