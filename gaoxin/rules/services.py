"""Rule sets in the platform: the shipped ones loaded as published versions, evaluation of one enterprise (command,
API, profile) and of the whole registry (a background task), with results stored per enterprise and version."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.core.errors import NotFound, ValidationFailed
from gaoxin.rules import facts as facts_module
from gaoxin.rules.engine import (
    Evaluation,
    FactsError,
    RuleSet,
    RuleSetError,
    compile_ruleset,
    document_to_json,
    shipped_rulesets,
)
from gaoxin.rules.models import EnterpriseResult, EvaluationRun, RuleSetStatus, RuleSetVersion


def sync_shipped() -> int:
    """Load the shipped rule sets (gaoxin/rules/rulesets/*.yaml) as published versions; an existing version of the
    same code and number is left alone. Returns how many versions were added."""
    added = 0
    for ruleset in shipped_rulesets():
        _obj, created = RuleSetVersion.objects.get_or_create(
            code=ruleset.code,
            version=ruleset.version,
            defaults={
                "name": ruleset.name,
                "source": ruleset.source,
                "valid_from": ruleset.valid_from,
                "valid_to": ruleset.valid_to,
                "document": document_to_json(ruleset.document),
                "status": RuleSetStatus.PUBLISHED,
                "shipped": True,
                "published_at": timezone.now(),
            },
        )
        added += int(created)
    return added


@lru_cache(maxsize=256)
def _compiled(pk: int, stamp: str, document_json: str) -> RuleSet:
    import json

    return compile_ruleset(json.loads(document_json))


def compiled(version: RuleSetVersion) -> RuleSet:
    """The engine's rule set for a stored version (compiled once per process and version)."""
    import json

    try:
        return _compiled(version.pk, version.updated_at.isoformat(), json.dumps(version.document, ensure_ascii=False))
    except RuleSetError as exc:
        raise ValidationFailed(
            _("规则集%(code)s %(version)s无法编译：%(issues)s")
            % {"code": version.code, "version": version.version, "issues": "；".join(str(i) for i in exc.issues)}
        ) from None


def published_in_force(as_of: dt.date) -> list[RuleSetVersion]:
    """For each rule-set code, the published version in force on `as_of`; a code with none in force gives its most
    recent published version, which the engine then flags as expired or not yet valid (never silently applied)."""
    chosen: dict[str, RuleSetVersion] = {}
    fallback: dict[str, RuleSetVersion] = {}
    for version in RuleSetVersion.objects.filter(status=RuleSetStatus.PUBLISHED).order_by("code", "-valid_from"):
        in_force = (version.valid_from is None or version.valid_from <= as_of) and (
            version.valid_to is None or as_of <= version.valid_to
        )
        if in_force and version.code not in chosen:
            chosen[version.code] = version
        fallback.setdefault(version.code, version)
    return [chosen.get(code, fallback[code]) for code in sorted(fallback)]


def version_for(code: str, as_of: dt.date) -> RuleSetVersion:
    for version in published_in_force(as_of):
        if version.code == code:
            return version
    raise NotFound(_("没有已发布的规则集：%(code)s") % {"code": code})


def evaluate_facts(code: str, facts: Mapping[str, Any], *, as_of: dt.date | None = None) -> Evaluation:
    """One enterprise's facts (FORMATS.md 2a) against the rule set `code` in force on `as_of` (default today)."""
    as_of = as_of or timezone.localdate()
    version = version_for(code, as_of)
    try:
        return compiled(version).evaluate(facts, as_of=as_of)
    except FactsError as exc:
        raise ValidationFailed(str(exc)) from None


def _counts(evaluation: Evaluation) -> tuple[int, int]:
    failed = sum(1 for c in evaluation.criteria if c.kind == "criterion" and c.result.value == "fail")
    unknown = sum(1 for c in evaluation.criteria if c.kind == "criterion" and c.result.value == "unknown")
    return failed, unknown


def _result_row(
    version: RuleSetVersion, enterprise_id: int, evaluation: Evaluation, digest: str, now: dt.datetime
) -> EnterpriseResult:
    failed, unknown = _counts(evaluation)
    score = evaluation.score

    def dec(value: Decimal | None) -> Decimal | None:
        return None if value is None else value.quantize(Decimal("0.01"))

    return EnterpriseResult(
        ruleset=version,
        enterprise_id=enterprise_id,
        result=evaluation.result.value,
        score=dec(score.value) if score else None,
        score_min=dec(score.min) if score else None,
        score_max=dec(score.max) if score else None,
        failed=failed,
        unknown=unknown,
        summary=evaluation.summary,
        criteria=[c.as_json() for c in evaluation.criteria],
        as_of=evaluation.as_of,
        validity=evaluation.validity.value,
        facts_digest=digest,
        evaluated_at=now,
    )


def evaluate_registry(
    *, trigger: str, as_of: dt.date | None = None, enterprise_ids: Sequence[int] | None = None
) -> EvaluationRun:
    """All enterprises (or some) × every published rule set in force: evaluate and store each result with its
    explanations and the digest of the facts it used. Replaces the stored results of those versions."""
    started = time.perf_counter()
    as_of = as_of or timezone.localdate()
    run = EvaluationRun.objects.create(trigger=trigger[:100])
    versions = published_in_force(as_of)
    documents = facts_module.facts_documents(None if enterprise_ids is None else _enterprises(enterprise_ids))
    digests = {pk: facts_module.digest(doc) for pk, doc in documents.items()}
    now = timezone.now()
    rows: list[EnterpriseResult] = []
    for version in versions:
        ruleset = compiled(version)
        for enterprise_id, document in documents.items():
            evaluation = ruleset.evaluate(document, as_of=as_of)
            rows.append(_result_row(version, enterprise_id, evaluation, digests[enterprise_id], now))
    with transaction.atomic():
        stale = EnterpriseResult.objects.filter(ruleset__code__in=[v.code for v in versions])
        if enterprise_ids is not None:
            stale = stale.filter(enterprise_id__in=list(documents))
        stale.delete()
        EnterpriseResult.objects.bulk_create(rows, batch_size=1000)
    run.finished_at = timezone.now()
    run.enterprises, run.rulesets, run.results = len(documents), len(versions), len(rows)
    run.seconds = Decimal(str(round(time.perf_counter() - started, 2)))
    run.save()
    return run


def _enterprises(ids: Iterable[int]) -> list[Any]:
    from gaoxin.registry.models import Enterprise

    return list(Enterprise.objects.filter(pk__in=list(ids)).only("pk"))


def request_evaluation(trigger: str, enterprise_ids: Sequence[int] | None = None) -> None:
    """Queue a re-evaluation after the current transaction commits (facts or rules changed)."""
    from gaoxin.rules.tasks import evaluate_registry_task

    ids = list(enterprise_ids) if enterprise_ids is not None else None
    transaction.on_commit(lambda: evaluate_registry_task.enqueue(trigger, ids))
