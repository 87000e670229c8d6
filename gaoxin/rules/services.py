"""Rule sets in the platform: the shipped ones loaded as published versions, evaluation of one enterprise (command,
API, profile) and of the whole registry (a background task), with results stored per enterprise and version."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.core.errors import NotFound, ValidationFailed
from gaoxin.core.permissions import require
from gaoxin.rules import facts as facts_module
from gaoxin.rules.engine import (
    Evaluation,
    FactsError,
    Outcome,
    RuleSet,
    RuleSetError,
    compile_ruleset,
    document_to_json,
    shipped_rulesets,
)
from gaoxin.rules.engine.vector import VectorResult, evaluate_batch
from gaoxin.rules.engine.vector.numbers import POINT_SCALE
from gaoxin.rules.engine.vector.plan import DECISION, FAIL, PASS, UNKNOWN
from gaoxin.rules.models import EnterpriseResult, EvaluationRun, RuleSetStatus, RuleSetVersion

#: The stored result frame's columns (before the run's date and time are added).
RESULT_SCHEMA = {
    "ruleset_id": pl.Int64, "enterprise_id": pl.Int64, "result": pl.String, "score": pl.Float64,
    "score_min": pl.Float64, "score_max": pl.Float64, "failed": pl.Int32, "unknown": pl.Int32, "items": pl.String,
    "validity": pl.String, "facts_digest": pl.String,
}  # fmt: skip
#: From this many enterprises the registry-wide evaluation takes the vectorised engine (below it, building the
#: frame costs more than it saves).
VECTOR_MIN_ENTERPRISES = 200


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


#: One letter per item in a stored result's `criteria` string (the rule set's item order): every criterion's result
#: is kept, compactly; the sentences are written from the facts when a page shows them (`selectors.explain`).
RESULT_LETTER = {"pass": "p", "fail": "f", "unknown": "u"}
LETTER_RESULT = {letter: result for result, letter in RESULT_LETTER.items()}
#: the vectorised engine's outcome codes
CODE_RESULT = {FAIL: "fail", UNKNOWN: "unknown", PASS: "pass"}
DIGIT_LETTER_CODE = {code: RESULT_LETTER[result] for code, result in CODE_RESULT.items()}


def _counts(evaluation: Evaluation) -> tuple[int, int]:
    failed = sum(1 for c in evaluation.criteria if c.kind == "criterion" and c.result.value == "fail")
    unknown = sum(1 for c in evaluation.criteria if c.kind == "criterion" and c.result.value == "unknown")
    return failed, unknown


def _dec(value: Decimal | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


#: The stored columns of a result, in the order `_store` writes them.
RESULT_COLUMNS = (
    "ruleset_id", "enterprise_id", "result", "score", "score_min", "score_max", "failed", "unknown", "items",
    "as_of", "validity", "facts_digest", "evaluated_at",
)  # fmt: skip


def result_row(version: RuleSetVersion, enterprise_id: int, evaluation: Evaluation, digest: str) -> dict[str, Any]:
    """The stored form of one enterprise's evaluation (the per-enterprise path)."""
    failed, unknown = _counts(evaluation)
    score = evaluation.score

    def points(value: Decimal | None) -> float | None:
        return None if value is None else float(value.quantize(Decimal("0.01")))

    return {
        "ruleset_id": version.pk,
        "enterprise_id": enterprise_id,
        "result": evaluation.result.value,
        "score": points(score.value) if score else None,
        "score_min": points(score.min) if score else None,
        "score_max": points(score.max) if score else None,
        "failed": failed,
        "unknown": unknown,
        "items": "".join(RESULT_LETTER[c.result.value] for c in evaluation.criteria),
        "validity": evaluation.validity.value,
        "facts_digest": digest,
    }


def _vector_rows(version: RuleSetVersion, result: VectorResult, ids: pl.Series, digests: pl.Series) -> pl.DataFrame:
    """The stored form of a vectorised evaluation, computed in Polars for every enterprise at once (rows the floats
    could not decide were taken exactly by the engine and written into the frame)."""
    ruleset = result.ruleset
    no_score = pl.lit(None, dtype=pl.Float64)
    if ruleset.score is not None:
        lo = (pl.col(f"{ruleset.score.code}#lo") / POINT_SCALE).round(2)
        hi = (pl.col(f"{ruleset.score.code}#hi") / POINT_SCALE).round(2)
    else:
        lo = hi = no_score
    rows = result.data.select(
        pl.lit(version.pk, dtype=pl.Int64).alias("ruleset_id"),
        ids,
        pl.col(f"{DECISION}#o").replace_strict(CODE_RESULT, return_dtype=pl.String).alias("result"),
        pl.when(lo == hi).then(lo).alias("score"),
        lo.alias("score_min"),
        hi.alias("score_max"),
        *_item_outcomes(result),
    )
    return _with_item_columns(rows, result).with_columns(pl.lit(result.validity.value).alias("validity"), digests)


#: item outcomes packed into one integer (base 3) fit an unsigned 64-bit integer up to this many items
PACKED_ITEMS = 40


def _item_outcomes(result: VectorResult) -> list[pl.Expr]:
    """Every item's outcome code (0 fail, 1 unknown, 2 pass), packed into one integer `pattern` (base 3, item k
    the k-th digit) when the rule set has at most `PACKED_ITEMS` items, else as columns `#0`, `#1` …"""
    outcomes = [pl.col(f"{code}#o").cast(pl.UInt64) for code in result.codes]
    if len(outcomes) > PACKED_ITEMS:
        return [o.alias(f"#{k}") for k, o in enumerate(outcomes)]
    packed = [o * 3**k for k, o in enumerate(outcomes)] or [pl.lit(0, dtype=pl.UInt64)]
    return [pl.sum_horizontal(packed).alias("pattern")]


def _with_item_columns(rows: pl.DataFrame, result: VectorResult) -> pl.DataFrame:
    """Per enterprise: every item's letter (p/f/u, in rule order) and the number of failed and unknown criteria
    (score items left out of the counts). Enterprises share patterns of outcomes, so with a packed pattern the
    letters and counts are written once per distinct pattern and joined back."""
    criterion = [result.plan.items[code].kind != "score" for code in result.codes]
    packed = "pattern" in rows.columns
    source = rows.select(pl.col("pattern").unique()) if packed else rows
    digits = [pl.col("pattern") // 3**k % 3 if packed else pl.col(f"#{k}") for k in range(len(result.codes))]
    letters = [d.replace_strict(DIGIT_LETTER_CODE, return_dtype=pl.String) for d in digits]
    table = source.with_columns(
        (pl.concat_str(letters) if letters else pl.lit("")).alias("items"),
        _count([d for d, crit in zip(digits, criterion, strict=True) if crit], FAIL).alias("failed"),
        _count([d for d, crit in zip(digits, criterion, strict=True) if crit], UNKNOWN).alias("unknown"),
    )
    if not packed:
        return table.drop([f"#{k}" for k in range(len(result.codes))])
    return rows.join(table, on="pattern", how="left", maintain_order="left").drop("pattern")


def _count(digits: list[pl.Expr], outcome: int) -> pl.Expr:
    return pl.sum_horizontal([(d == outcome).cast(pl.Int32) for d in digits] or [pl.lit(0, dtype=pl.Int32)])


def _store(frames: list[pl.DataFrame], as_of: dt.date, now: dt.datetime) -> int:
    """Insert the results (COPY on PostgreSQL, batches of one prepared INSERT elsewhere; no model instances:
    millions of rows)."""
    from django.db import connection

    table = EnterpriseResult._meta.db_table
    ops = connection.ops
    as_of_value = ops.adapt_datefield_value(as_of)
    now_value = ops.adapt_datetimefield_value(now)
    names = ", ".join(connection.ops.quote_name(c) for c in RESULT_COLUMNS)
    marks = ", ".join(["%s"] * len(RESULT_COLUMNS))
    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})"  # noqa: S608 (model names)
    if not frames:
        return 0
    # In the order of the indexes (version, enterprise): appended to, not inserted into at random (see the model).
    values = (
        pl.concat(frames, how="vertical_relaxed")
        .sort(["ruleset_id", "enterprise_id"])
        .with_columns(pl.lit(as_of_value).alias("as_of"), pl.lit(now_value).alias("evaluated_at"))
        .select(RESULT_COLUMNS)
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, table, values)
            return values.height
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -131072")  # 128 MB of page cache for this connection's big writes
        for start in range(0, values.height, 50_000):
            batch = values.slice(start, 50_000)
            # Rows zipped from whole columns: ~40% faster than converting them row by row.
            cursor.executemany(sql, list(zip(*(batch.get_column(c).to_list() for c in RESULT_COLUMNS), strict=True)))
    return values.height


def _copy(cursor: Any, table: str, values: pl.DataFrame) -> None:
    """PostgreSQL: the rows through COPY (text written by Polars in batches; several times faster than INSERT)."""
    from django.db import connection

    names = ", ".join(connection.ops.quote_name(c) for c in values.columns)
    statement = f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with cursor.cursor.copy(statement) as copy:
        for start in range(0, values.height, 200_000):
            copy.write(values.slice(start, 200_000).write_csv(include_header=False, null_value="\\N"))


def evaluate_registry(
    *, trigger: str, as_of: dt.date | None = None, enterprise_ids: Sequence[int] | None = None
) -> EvaluationRun:
    """All enterprises (or some) × every published rule set in force: evaluate and store each result (the result,
    the score, every item's result, and the digest of the facts it used). Replaces the stored results of those
    versions. Many enterprises go through the vectorised engine (one Polars frame for all of them; both engines
    agree, tested); a handful through the per-enterprise engine."""
    started = time.perf_counter()
    as_of = as_of or timezone.localdate()
    run = EvaluationRun.objects.create(trigger=trigger[:100])
    versions = published_in_force(as_of)
    phases: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = phases.get(name, 0.0) + now - mark
        mark = now

    ids, frame, digests = facts_module.registry_frame(enterprise_ids)
    lap("facts")
    frames: list[pl.DataFrame] = []
    if len(ids) >= VECTOR_MIN_ENTERPRISES:
        results = evaluate_batch([(compiled(version), as_of) for version in versions], frame)
        lap("evaluate")
        enterprise_ids_column = pl.Series("enterprise_id", ids, dtype=pl.Int64)
        digests_column = pl.Series("facts_digest", digests, dtype=pl.String)
        for version, result in zip(versions, results, strict=True):
            frames.append(_vector_rows(version, result, enterprise_ids_column, digests_column))
        del results
        lap("rows")
    else:
        for version in versions:
            ruleset = compiled(version)
            records = [
                result_row(version, pk, ruleset.evaluate(frame.facts_at(row), as_of=as_of), digests[row])
                for row, pk in enumerate(ids)
            ]
            frames.append(pl.DataFrame(records, schema=RESULT_SCHEMA))
        lap("evaluate")
    with transaction.atomic():
        stale = EnterpriseResult.objects.filter(ruleset__code__in=[v.code for v in versions])
        if enterprise_ids is not None:
            stale = stale.filter(enterprise_id__in=ids)
        stale._raw_delete(stale.db)
        written = _store(frames, as_of, timezone.now())
    lap("store")
    run.phases = phases  # type: ignore[attr-defined]  # for the benchmark: seconds per phase of this run
    run.finished_at = timezone.now()
    run.enterprises, run.rulesets, run.results = len(ids), len(versions), written
    run.seconds = Decimal(str(round(time.perf_counter() - started, 2)))
    run.save()
    return run


def request_evaluation(trigger: str, enterprise_ids: Sequence[int] | None = None) -> None:
    """Queue a re-evaluation after the current transaction commits (facts or rules changed)."""
    from gaoxin.rules.tasks import evaluate_registry_task

    ids = list(enterprise_ids) if enterprise_ids is not None else None
    transaction.on_commit(lambda: evaluate_registry_task.enqueue(trigger, ids))


# --- the editor: drafts, dry run, publishing ----------------------------------------------------------------------


def _require_editor(actor: Any) -> None:
    from gaoxin.rules.permissions import can_edit_rules

    require(can_edit_rules(actor))


@transaction.atomic
def draft_create(*, actor: Any, base: RuleSetVersion | None = None) -> RuleSetVersion:
    """A new draft: a copy of `base` under a new version number, or an empty rule set."""
    from gaoxin.core import audit
    from gaoxin.core.models import AuditAction
    from gaoxin.rules.builder import from_document

    _require_editor(actor)
    today = timezone.localdate()
    if base is not None:
        if from_document(dict(base.document)) is None:
            raise ValidationFailed(_("该规则集含评分表等复杂结构，不能在表单中编辑；请由平台维护人员发布新版本文件"))
        document = dict(base.document)
        code, name = base.code, base.name
    else:
        code, name, document = "", "", {}
    version = f"{today:%Y.%m.%d}"
    taken = set(RuleSetVersion.objects.filter(code=code).values_list("version", flat=True)) if code else set()
    suffix = 1
    while f"{version}-{suffix}" in taken:
        suffix += 1
    version = f"{version}-{suffix}"
    document.update({"version": version, "valid_from": today.isoformat(), "valid_to": None})
    draft = RuleSetVersion.objects.create(
        code=code or f"draft_{timezone.now():%Y%m%d%H%M%S}",
        version=version,
        name=name or str(_("新规则集")),
        source=document.get("source", ""),
        valid_from=today,
        document=document,
        status=RuleSetStatus.DRAFT,
        created_by=actor,
    )
    audit.record(
        actor=actor, action=AuditAction.CREATE, target=draft, changes={str(_("规则集草稿")): [None, str(draft)]}
    )
    return draft


@transaction.atomic
def draft_save(*, actor: Any, draft: RuleSetVersion, document: dict[str, Any]) -> list[str]:
    """Store the editor's document in the draft; returns the problems that would stop publishing (the draft is
    saved anyway, so work is never lost)."""
    from gaoxin.core.errors import Conflict
    from gaoxin.rules.engine import check_publishable

    _require_editor(actor)
    if draft.status != RuleSetStatus.DRAFT:
        raise Conflict(_("已发布的版本不能修改，请新建版本"))
    code, version = str(document.get("code", "")), str(document.get("version", ""))
    if RuleSetVersion.objects.filter(code=code, version=version).exclude(pk=draft.pk).exists():
        raise Conflict(
            _("规则集%(code)s已有版本%(version)s，请换一个版本号") % {"code": code, "version": version},
            data={"field": "version"},
        )
    draft.code, draft.version = code, version
    draft.name = str(document.get("name", ""))
    draft.source = str(document.get("source", ""))
    draft.valid_from = _date_or_none(document.get("valid_from"))
    draft.valid_to = _date_or_none(document.get("valid_to"))
    draft.document = document
    draft.save()
    return check_publishable(document)


def _date_or_none(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


@transaction.atomic
def draft_publish(*, actor: Any, draft: RuleSetVersion) -> RuleSetVersion:
    """Publish a draft whose document compiles and whose test cases all pass; then re-evaluate the registry."""
    from gaoxin.core import audit
    from gaoxin.core.errors import Conflict
    from gaoxin.core.models import AuditAction
    from gaoxin.rules.engine import check_publishable

    _require_editor(actor)
    draft = RuleSetVersion.objects.select_for_update().get(pk=draft.pk)
    if draft.status != RuleSetStatus.DRAFT:
        raise Conflict(_("该版本已发布"))
    problems = check_publishable(draft.document)
    if problems:
        raise ValidationFailed(
            _("不能发布：%(problems)s") % {"problems": "；".join(problems)}, data={"problems": problems}
        )
    draft.status = RuleSetStatus.PUBLISHED
    draft.published_by = actor
    draft.published_at = timezone.now()
    draft.save()
    audit.record(
        actor=actor,
        action=AuditAction.APPROVE,
        target=draft,
        changes={str(_("状态")): [str(RuleSetStatus.DRAFT.label), str(RuleSetStatus.PUBLISHED.label)]},
    )
    request_evaluation(str(_("发布规则集%(name)s") % {"name": str(draft)}))
    return draft


@dataclass(frozen=True)
class DryRun:
    """What a draft would give over the caller's scope; `notes`: what other modules add (e.g. the budget the fund
    items that use this rule set would need for the enterprises that pass)."""

    counts: dict[str, int]
    by_park: dict[str, dict[str, int]]
    by_industry: dict[str, dict[str, int]]
    diff: Any  # EvaluationDiff | None (no previous published version)
    names: dict[str, str]  # USCC -> enterprise name, for the diff lists
    previous: RuleSetVersion | None
    notes: list[str] = field(default_factory=list)


#: Providers other apps register (from their AppConfig.ready): (rule-set code, the FORMATS.md 2a facts of the
#: enterprises that pass the draft, as-of date) -> Chinese sentences shown under the dry run.
DRY_RUN_EXTENSIONS: list[Callable[[str, list[Mapping[str, Any]], dt.date], list[str]]] = []


def dry_run(*, actor: Any, document: dict[str, Any]) -> DryRun:
    """Evaluate a draft over every enterprise in the caller's scope: counts overall, by park and by 主导产业, and
    who gains or loses against the published version of the same code in force today."""
    from gaoxin.registry.selectors import enterprise_scope
    from gaoxin.rules.engine import diff_evaluations, tally

    _require_editor(actor)
    try:
        ruleset = compile_ruleset(document)
    except RuleSetError as exc:
        raise ValidationFailed("；".join(str(i) for i in exc.issues)) from None
    as_of = timezone.localdate()
    enterprises = list(
        enterprise_scope(actor)
        .select_related("park", "industry", "industry__parent")
        .only("pk", "uscc", "name", "park__name", "industry__name", "industry__parent__name")
    )
    documents = facts_module.facts_documents(enterprises)

    def industry_of(e: Any) -> str:
        if e.industry is None:
            return str(_("未分产业"))
        return str((e.industry.parent or e.industry).name)

    groups = {e.uscc: (e.park.name if e.park_id else str(_("未分园区")), industry_of(e)) for e in enterprises}
    after = [ruleset.evaluate(documents[e.pk], as_of=as_of) for e in enterprises]
    previous = next((v for v in published_in_force(as_of) if v.code == ruleset.code), None)
    diff = None
    if previous is not None:
        before = [compiled(previous).evaluate(documents[e.pk], as_of=as_of) for e in enterprises]
        diff = diff_evaluations(before, after)
    return DryRun(
        counts=tally(after)["全部"] if after else {"pass": 0, "fail": 0, "unknown": 0},
        by_park={k: v for k, v in tally(after, lambda ev: groups[str(ev.subject)][0]).items() if k != "全部"},
        by_industry={k: v for k, v in tally(after, lambda ev: groups[str(ev.subject)][1]).items() if k != "全部"},
        diff=diff,
        names={e.uscc: e.name for e in enterprises},
        previous=previous,
        notes=[
            note
            for provider in DRY_RUN_EXTENSIONS
            for note in provider(
                ruleset.code,
                [documents[e.pk] for e, ev in zip(enterprises, after, strict=True) if ev.result is Outcome.PASS],
                as_of,
            )
        ],
    )


@transaction.atomic
def draft_delete(*, actor: Any, draft: RuleSetVersion) -> None:
    from gaoxin.core.errors import Conflict

    _require_editor(actor)
    if draft.status != RuleSetStatus.DRAFT:
        raise Conflict(_("已发布的版本不能删除"))
    draft.delete()
