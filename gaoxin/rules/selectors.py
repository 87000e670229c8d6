"""Reads of rule sets and stored results. Results of an enterprise follow the registry's `enterprise_scope`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from gaoxin.registry.models import Enterprise
from gaoxin.registry.selectors import enterprise_get, enterprise_scope
from gaoxin.rules import facts as facts_module
from gaoxin.rules.engine import Evaluation
from gaoxin.rules.models import EnterpriseResult, EvaluationRun, RuleSetStatus, RuleSetVersion
from gaoxin.rules.services import compiled, published_in_force


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
                # "差一项" says something only where there is more than one criterion to miss.
                "several": len(compiled(v).criteria) > 1,
            }
        )
    return rows


def enterprise_for_rules(actor: Any, pk: int) -> Enterprise:
    return enterprise_get(actor, pk)


@dataclass
class ResultView:
    """A stored result with its explanation: the Chinese summary and each criterion's sentence, written by the
    per-enterprise engine from the enterprise's facts (`explain`). `stale`: the facts changed after the result was
    stored (the explanation then speaks of the current facts; the stored result waits for the re-evaluation)."""

    row: EnterpriseResult
    stale: bool
    evaluation: Evaluation | None = None

    @property
    def summary(self) -> str:
        return self.evaluation.summary if self.evaluation is not None else ""

    @property
    def criteria(self) -> list[dict[str, Any]]:
        if self.evaluation is None:
            return []
        return [c.as_json() for c in self.evaluation.criteria]

    @property
    def open_criteria(self) -> list[dict[str, Any]]:
        """The criteria not met (failed or unknown), as the lists show them."""
        return [c for c in self.criteria if c["kind"] == "criterion" and c["result"] != "pass"]

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
            "summary": self.summary,
            "as_of": r.as_of,
            "validity": r.validity,
            "stale": self.stale,
            "criteria": self.criteria,
        }


def explain(rows: Iterable[EnterpriseResult]) -> list[ResultView]:
    """Stored results with their sentences: the facts of their enterprises read at once (`registry_frame`), each
    result re-told by the per-enterprise engine on its own as-of date (a fraction of a millisecond per result)."""
    rows = list(rows)
    wanted = sorted({r.enterprise_id for r in rows})
    ids, frame, versions = facts_module.registry_frame(wanted) if wanted else ([], None, [])
    position = {pk: i for i, pk in enumerate(ids)}
    facts: dict[int, Any] = {}
    out = []
    for r in rows:
        i = position.get(r.enterprise_id)
        if i is None or frame is None:
            out.append(ResultView(r, True))
            continue
        if i not in facts:
            facts[i] = frame.facts_at(i)  # rebuilt from the frame's row once per enterprise
        evaluation = compiled(r.ruleset).evaluate(facts[i], as_of=r.as_of)
        out.append(ResultView(r, r.facts_digest != versions[i], evaluation))
    return out


def enterprise_results(enterprise: Enterprise) -> list[ResultView]:
    """The stored results of one enterprise (the published versions in force) with their explanations, each
    marked stale when its facts have changed since it was computed."""
    current = {v.pk for v in published_in_force(timezone.localdate())}
    rows = (
        EnterpriseResult.objects.filter(enterprise=enterprise, ruleset_id__in=current)
        .select_related("ruleset")
        .order_by("ruleset__code")
    )
    return explain(rows)


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
