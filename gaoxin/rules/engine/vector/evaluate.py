"""Registry-wide evaluation: one rule set over every enterprise of a frame at once, with the same results, actuals,
points and Chinese sentences as the per-enterprise engine.

`evaluate_frame` computes every criterion and score item level by level (Polars, all rows at once; a tie at a
threshold or band edge is decided on the value's exact fraction in the same pass), then evaluates exactly — through
the per-enterprise engine, criterion by criterion — the few rows that still cannot be decided (compound growth near
an edge, figures with more than 4 decimals).
Sentences are not built during evaluation: `VectorResult.messages()` writes them when asked, for all rows or some,
from the vectorised values through templates whose text comes from the same wording helpers as the per-enterprise
engine (`wording`, `conditions.verdict_words` …); the rarer cases (missing data, undefined ratios, open expert
scores) share one sentence per distinct key, taken from the per-enterprise engine for one row of that key.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

from ..conditions import Check, Condition, Ref
from ..outcome import Outcome
from ..results import CriterionResult, Validity, json_value
from ..ruleset import RuleSet
from ..scoring import PointsNode
from ..values import Context
from .frame import EnterpriseFrame
from .numbers import POINT_SCALE, Figure, to_points
from .plan import DECISION, FAIL, PASS, UNKNOWN, ItemPlan, Part, Plan, Template

RESULT_ENUM = pl.Enum(["fail", "unknown", "pass"])
KIND_ENUM = pl.Enum(["criterion", "score"])
OUTCOME_CODE = {Outcome.FAIL: FAIL, Outcome.UNKNOWN: UNKNOWN, Outcome.PASS: PASS}
CODE_OUTCOME = {code: outcome for outcome, code in OUTCOME_CODE.items()}
ROW = "__row"

_PLANS: dict[tuple[int, frozenset[str], dt.date, int], Plan] = {}


def compile_plan(ruleset: RuleSet, columns: Iterable[str], *, as_of: dt.date, year: int | None = None) -> Plan:
    """The vectorised plan of a rule set for frames with these columns (cached per rule set, columns, date, year)."""
    ref_year = year if year is not None else ruleset.reference_year(as_of)
    key = (id(ruleset), frozenset(columns), as_of, ref_year)
    plan = _PLANS.get(key)
    if plan is None or plan.ruleset is not ruleset:
        if len(_PLANS) > 512:
            _PLANS.clear()
        plan = _PLANS[key] = Plan(ruleset, set(key[1]), as_of, ref_year)
        _long_parts(plan, _long_read(plan))  # (with the plan: building them cost more than running them)
    return plan


def _micro(value: Any) -> int | None:
    return to_points(value) if isinstance(value, Decimal) else None


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value))


def _points(value: int | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value) / POINT_SCALE).normalize() if value % POINT_SCALE else Decimal(value // POINT_SCALE)


@dataclass(slots=True)
class VectorResult:
    """One rule set over every row of an enterprise frame (see the module docstring)."""

    ruleset: RuleSet
    plan: Plan
    frame: EnterpriseFrame
    as_of: dt.date
    year: int
    #: the frame's columns plus, per item, `<code>#o` (0 fail, 1 unknown, 2 pass), `#lo`/`#hi` (points in millionths),
    #: `#a` (numeric actual) … and `__decision__#o`, the overall result
    data: pl.DataFrame
    #: rows evaluated by the per-enterprise engine, per item code: their exact `Check`
    exact: dict[str, dict[int, Check]] = field(default_factory=dict)
    #: the overall result of rows whose decision had to be taken exactly
    exact_decision: dict[int, Outcome] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    _checks: dict[tuple[str, int], Check] = field(default_factory=dict)
    _composite: dict[tuple[str, int], tuple[Any, ...]] = field(default_factory=dict)

    # --- summary ------------------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.data.height

    @property
    def validity(self) -> Validity:
        return self.ruleset.validity_on(self.as_of)

    @property
    def codes(self) -> list[str]:
        return self.ruleset.codes

    @property
    def fallback(self) -> dict[str, int]:
        """How many rows each item took through the exact path (all rows for an item that is not vectorised)."""
        counts = {code: len(rows) for code, rows in self.exact.items() if rows}
        if self.exact_decision:
            counts[DECISION] = len(self.exact_decision)
        return counts

    @property
    def unsupported(self) -> dict[str, str]:
        """Items the vectorised compiler does not handle (evaluated per row for every enterprise), with the reason."""
        found = {code: item.unsupported for code, item in self.plan.items.items() if item.unsupported}
        if self.plan.decision.unsupported:
            found[DECISION] = self.plan.decision.unsupported
        return found

    def outcomes(self) -> pl.DataFrame:
        """One row per enterprise: uscc, result, score_min, score_max (points), then each item's result."""
        exprs = [pl.col("uscc"), _enum(pl.col(f"{DECISION}#o")).alias("result")]
        score = self.ruleset.score
        if score is not None:
            exprs += [
                (pl.col(f"{score.code}#lo") / POINT_SCALE).alias("score_min"),
                (pl.col(f"{score.code}#hi") / POINT_SCALE).alias("score_max"),
            ]
        exprs += [_enum(pl.col(f"{code}#o")).alias(code) for code in self.codes]
        return self.data.select(exprs)

    def long(self, *, messages: bool = False) -> pl.DataFrame:
        """Every criterion's result, one row per enterprise × item: row (the frame's row; `uscc` is
        `frame.data["uscc"][row]`), code, kind, result, actual (numbers only; the points of a determined score),
        points_min, points_max [, message]. Cheap to store: an index, two small enums, an enum result and three
        floats per row; the rule set and version are those of the result."""
        codes = self.codes
        out = self._long_query().collect(engine="in-memory")
        if messages:
            texts = self.messages()
            out = out.with_columns(pl.concat([texts[code] for code in codes]).alias("message"))
        return out

    def _long_query(self) -> pl.LazyFrame:
        # Only the columns read (a query on the whole frame plans against hundreds of columns, part after part).
        read = frozenset(f"{code}#{part}" for code in self.codes for part in ("o", "a", "lo", "hi"))
        read &= set(self.data.columns)
        frame = self.data.select(sorted(read)).lazy()
        return pl.concat([frame.select(exprs) for exprs in _long_parts(self.plan, read)], how="vertical")

    # --- one enterprise -----------------------------------------------------------------------------------------------

    def result(self, row: int) -> Outcome:
        found = self.exact_decision.get(row)
        return found if found is not None else CODE_OUTCOME[self.data[f"{DECISION}#o"][row]]

    def score(self, row: int) -> tuple[Decimal, Decimal] | None:
        score = self.ruleset.score
        if score is None:
            return None
        lo, hi = self.data[f"{score.code}#lo"][row], self.data[f"{score.code}#hi"][row]
        return _points(lo) or Decimal(0), _points(hi) or Decimal(0)

    def criterion(self, row: int, code: str, *, message: str | None = None) -> CriterionResult:
        """One item of one enterprise as the per-enterprise engine's `CriterionResult` (result, actual, points and
        the sentence; `required`, `missing` and `threshold` are those of the exact path only for exact rows)."""
        item = self.plan.items[code]
        check = self.exact.get(code, {}).get(row)
        if check is None and self._unsure(item, row):
            check = self._row_check(item, row)
        if message is None:
            message = self.messages(rows=[row], codes=[code])[code][0]
        return self._criterion(item, row, self.data.row(row, named=True), message, check)

    def criteria(self, rows: Sequence[int] | None = None) -> list[list[CriterionResult]]:
        """Every item of the given rows (default all) as `CriterionResult`s, in the rule set's order — in bulk:
        one pass over the rows, the sentences written once for all of them."""
        rows = list(range(self.data.height)) if rows is None else list(rows)
        texts = self.messages(rows=rows)
        index = pl.Series(rows, dtype=pl.UInt32)
        records = self.data[index].iter_rows(named=True)
        flags: dict[str, list[bool]] = {}
        for code in self.codes:
            item = self.plan.items[code]
            if item.display:
                unsure = pl.lit(False)
                for flag in item.display:
                    unsure = unsure | flag.fill_null(False)
                flags[code] = self.data[index].with_columns(unsure.alias("__u"))["__u"].to_list()
        for code in self.codes:
            item = self.plan.items[code]
            if item.actual == "composite" and not item.unsupported:
                children = item.extra["children"]
                assert isinstance(children, list)
                names = [f"__c{k}" for k in range(len(children))]
                picked = (
                    self.data[index]
                    .with_columns([c.outcome.alias(name) for c, name in zip(children, names, strict=True)])
                    .select(names)
                )
                for row, outcomes in zip(rows, picked.iter_rows(), strict=True):
                    self._composite[(code, row)] = outcomes
        out = []
        for i, (row, record) in enumerate(zip(rows, records, strict=True)):
            found = []
            for code in self.codes:
                item = self.plan.items[code]
                check = self.exact.get(code, {}).get(row)
                if check is None and flags.get(code, [False] * (i + 1))[i]:
                    check = self._row_check(item, row)
                found.append(self._criterion(item, row, record, texts[code][i], check))
            out.append(found)
        return out

    def _criterion(
        self, item: ItemPlan, row: int, record: dict[str, Any], message: str | None, check: Check | None
    ) -> CriterionResult:
        code, label = item.code, item.label
        kind = "score" if item.kind == "score" else "criterion"
        text = message or ""
        if check is not None:
            return CriterionResult(
                code, label, kind, check.outcome, check.actual, check.required, text, check.missing,
                check.threshold, check.points_lo, check.points_hi,
            )  # fmt: skip
        outcome = CODE_OUTCOME[record[f"{code}#o"]]
        lo = _points(record.get(f"{code}#lo"))
        hi = _points(record.get(f"{code}#hi"))
        return CriterionResult(
            code, label, kind, outcome, self._actual(item, row, record), "", text,
            points_min=lo if kind == "score" else None, points_max=hi if kind == "score" else None,
        )  # fmt: skip

    def as_json(self, row: int) -> dict[str, Any]:
        """The FORMATS.md section 3 shape for one enterprise: ruleset, version, result, score?, criteria (code, label,
        result, actual, points?, message)."""
        items = self.criteria([row])[0]
        data: dict[str, Any] = {
            "ruleset": self.ruleset.code,
            "version": self.ruleset.version,
            "uscc": self.data["uscc"][row],
            "as_of": self.as_of.isoformat(),
            "year": self.year,
            "validity": self.validity.value,
            "result": self.result(row).value,
        }
        score = self.score(row)
        if score is not None:
            data["score"] = json_value(score[0] if score[0] == score[1] else None)
            data["score_min"], data["score_max"] = json_value(score[0]), json_value(score[1])
        data["criteria"] = [
            {
                key: value
                for key, value in c.as_json().items()
                if key in {"code", "label", "kind", "result", "actual", "message", "points", "points_min", "points_max"}
            }
            for c in items
        ]
        return data

    def _actual(self, item: ItemPlan, row: int, record: dict[str, Any]) -> Any:
        code = item.code
        kind = item.actual
        if kind == "value":
            number = record.get(f"{code}#a")
            return _decimal(number) if number is not None else record.get(f"{code}#t")
        if kind == "each_year":
            years = item.extra["years"]
            assert isinstance(years, list)
            out: dict[str, Any] = {}
            for y in years:
                number = record.get(f"{code}#a{y}")
                out[str(y)] = _decimal(number) if number is not None else record.get(f"{code}#t{y}")
            return out
        if kind == "flag":
            return record.get(f"{code}#b")
        if kind == "qualification":
            key = item.extra["qualification"]
            if not record.get(f"{key}#valid"):
                return None
            return {
                "type": record[f"{key}#type"],
                "level": record[f"{key}#level"],
                "valid_from": _iso(record[f"{key}#from"]),
                "valid_to": _iso(record[f"{key}#to"]),
            }
        if kind == "composite":
            condition = item.node
            assert isinstance(condition, Condition)
            children = item.extra["children"]
            assert isinstance(children, list)
            outcomes = self._composite.get((code, row))
            if outcomes is None:
                names = [f"__c{k}" for k in range(len(children))]
                outcomes = (
                    self.data.slice(row, 1)
                    .with_columns([c.outcome.alias(name) for c, name in zip(children, names, strict=True)])
                    .select(names)
                    .row(0)
                )
            labels = [child.label for child in condition.children]  # type: ignore[attr-defined]
            by: dict[str, list[str]] = {o.value: [] for o in Outcome}
            for outcome, label in zip(outcomes, labels, strict=True):
                by[CODE_OUTCOME[outcome].value].append(label)
            return by
        if kind == "points_compare":
            node: Any = item.node
            target = node.item
            lo, hi = _points(record[f"{target.code}#lo"]), _points(record[f"{target.code}#hi"])
            return lo if lo == hi else [lo, hi]
        if kind == "band":
            number = record.get(f"{code}#a")
            if number is not None:
                return _decimal(number)
            band = record.get(f"{code}#band")
            table: Any = item.node
            if band is not None and getattr(table, "value", None) is None:
                return table.bands[band].text(table.unit)
            return None
        if kind == "input":
            return _decimal(record.get(f"{code}#a"))
        lo, hi = record[f"{code}#lo"], record[f"{code}#hi"]
        return _points(lo) if lo == hi else None

    # --- sentences ----------------------------------------------------------------------------------------------------

    def messages(self, rows: Sequence[int] | None = None, codes: Sequence[str] | None = None) -> pl.DataFrame:
        """The Chinese sentence of each item (a column per code) for the given rows (default: every row), in row
        order — the same text the per-enterprise engine writes."""
        codes = list(codes) if codes is not None else self.codes
        if rows is not None:
            index = pl.Series(ROW, list(rows), dtype=pl.UInt32)
            base = self.data[index].with_columns(index).lazy()
        else:
            index = pl.Series(ROW, range(self.data.height), dtype=pl.UInt32)
            base = self.data.lazy().with_row_index(ROW)
        out: dict[str, list[str | None]] = {}
        position = {int(r): i for i, r in enumerate(index.to_list())}
        for code in codes:
            out[code] = self._item_messages(self.plan.items[code], base, position)
        return pl.DataFrame({code: pl.Series(code, texts, dtype=pl.String) for code, texts in out.items()})

    def _item_messages(self, item: ItemPlan, base: pl.LazyFrame, position: dict[int, int]) -> list[str | None]:
        texts: list[str | None] = [None] * len(position)
        exact = self.exact.get(item.code, {})
        for row, check in exact.items():
            if row in position:
                texts[position[row]] = check.message
        if item.unsupported:
            return texts
        exact_rows = pl.Series(list(exact), dtype=pl.UInt32)
        lf = base.filter(~pl.col(ROW).is_in(exact_rows.implode())) if exact else base
        templates = item.templates
        which = pl.lit(None, dtype=pl.Int32)
        for t in range(len(templates) - 1, -1, -1):
            which = pl.when(templates[t].cond).then(pl.lit(t, dtype=pl.Int32)).otherwise(which)
        base_text = pl.lit(None, dtype=pl.String)
        need_full = pl.lit(False)
        for t in range(len(templates) - 1, -1, -1):
            template = templates[t]
            base_text = pl.when(which == t).then(_concat(template, full=False)).otherwise(base_text)
            figures = [p for p in template.parts if isinstance(p, Figure)]
            if figures and any(f.limits for f in figures):
                flag = pl.lit(False)
                for f in figures:
                    if f.limits:
                        flag = flag | f.needs_full
                need_full = pl.when(which == t).then(flag).otherwise(need_full)
        unsure = pl.lit(False)
        for flag in item.display:
            unsure = unsure | flag.fill_null(False)
        frame = lf.select(
            pl.col(ROW), which.alias("which"), base_text.alias("text"), need_full.alias("full"), unsure.alias("unsure")
        ).collect(engine="in-memory")
        rows_list = frame[ROW].to_list()
        for row, text in zip(rows_list, frame["text"].to_list(), strict=True):
            texts[position[row]] = text
        # Rows whose figures sit on a half-way point of their rounding: written from the exact value.
        for row in frame.filter(pl.col("unsure") & pl.col("which").is_not_null())[ROW].to_list():
            texts[position[row]] = self._row_check(item, row).message
        frame = frame.filter(~pl.col("unsure") | pl.col("which").is_null())
        # Rows near a limit: the figure with the extra decimals `figure_against` writes there.
        full_rows = frame.filter(pl.col("full"))[ROW]
        if full_rows.len():
            sub = lf.filter(pl.col(ROW).is_in(full_rows.implode()))
            full_text = pl.lit(None, dtype=pl.String)
            unsure = pl.lit(False)
            for t in range(len(templates) - 1, -1, -1):
                template = templates[t]
                full_text = pl.when(which == t).then(_concat(template, full=True)).otherwise(full_text)
                flag = pl.lit(False)
                for fig, err in item.figures:
                    if any(fig is p for p in template.parts):
                        flag = flag | fig.sensitive_full(err)
                unsure = pl.when(which == t).then(flag).otherwise(unsure)
            fixed = sub.select(pl.col(ROW), full_text.alias("text"), unsure.alias("unsure")).collect(engine="in-memory")
            for row, text, unsure_row in fixed.iter_rows():
                texts[position[row]] = self._row_check(item, row).message if unsure_row else text
        # Everything else: one sentence per distinct key, from the per-enterprise engine.
        rest = frame.filter(pl.col("which").is_null())[ROW]
        if rest.len():
            keys = [k.alias(f"k{i}") for i, k in enumerate(item.key)]
            grouped = (
                lf.filter(pl.col(ROW).is_in(rest.implode()))
                .select(pl.col(ROW), *keys)
                .collect(engine="in-memory")
                .group_by([f"k{i}" for i in range(len(keys))], maintain_order=True)
                .agg(pl.col(ROW))
            )
            for group in grouped[ROW].to_list():
                text = self._row_check(item, group[0]).message
                for row in group:
                    texts[position[row]] = text
        return texts

    def _row_check(self, item: ItemPlan, row: int) -> Check:
        key = (item.code, row)
        found = self._checks.get(key)
        if found is None:
            found = self._checks[key] = row_check(self.ruleset, item, self.frame.facts_at(row), self.as_of, self.year)
        return found

    def _unsure(self, item: ItemPlan, row: int) -> bool:
        if not item.display:
            return False
        flags = [flag.fill_null(False).alias(f"d{i}") for i, flag in enumerate(item.display)]
        return any(self.data.slice(row, 1).with_columns(flags).select([f"d{i}" for i in range(len(flags))]).row(0))


def long_all(results: Sequence[VectorResult]) -> list[pl.DataFrame]:
    """`long()` of several results (e.g. a batch), computed side by side in one parallel pass."""
    return pl.collect_all([result._long_query() for result in results], engine="in-memory")


_LONG: dict[tuple[int, frozenset[str]], tuple[Plan, list[list[pl.Expr]]]] = {}


def _long_read(plan: Plan) -> frozenset[str]:
    """The columns `VectorResult.long` will find for this plan: the items' own, and those the per-enterprise
    fallback writes for an item that is not vectorised (see `_exact_rows`)."""
    read: set[str] = set()
    for code in plan.ruleset.codes:
        item = plan.items[code]
        read.add(f"{code}#o")
        read.update(name for name in item.columns if name in {f"{code}#a", f"{code}#lo", f"{code}#hi"})
        if item.unsupported:
            read.add(f"{code}#a")
            if item.kind == "score":
                read.update((f"{code}#lo", f"{code}#hi"))
    return frozenset(read)


def _long_parts(plan: Plan, read: frozenset[str]) -> list[list[pl.Expr]]:
    """The select of each item's part of `VectorResult.long` (built once per plan and columns: building the
    expressions cost more than running them)."""
    key = (id(plan), read)
    found = _LONG.get(key)
    if found is not None and found[0] is plan:
        return found[1]
    codes = plan.ruleset.codes
    code_enum = pl.Enum(codes)
    parts = []
    for code in codes:
        item = plan.items[code]
        kind = "score" if item.kind == "score" else "criterion"
        lo, hi, actual = f"{code}#lo", f"{code}#hi", f"{code}#a"
        if actual in read:
            actual_expr = pl.col(actual)
        elif kind == "score":
            actual_expr = pl.when(pl.col(lo) == pl.col(hi)).then(pl.col(lo) / POINT_SCALE)
        else:
            actual_expr = pl.lit(None, dtype=pl.Float64)
        points = kind == "score"
        parts.append(
            [
                pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"),
                pl.lit(code).cast(code_enum).alias("code"),
                pl.lit(kind).cast(KIND_ENUM).alias("kind"),
                _enum(pl.col(f"{code}#o")).alias("result"),
                actual_expr.cast(pl.Float64).alias("actual"),
                (pl.col(lo) / POINT_SCALE if points else pl.lit(None, dtype=pl.Float64)).alias("points_min"),
                (pl.col(hi) / POINT_SCALE if points else pl.lit(None, dtype=pl.Float64)).alias("points_max"),
            ]
        )
    if len(_LONG) > 512:
        _LONG.clear()
    _LONG[key] = (plan, parts)
    return parts


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


#: the results in the order of their codes (FAIL 0, UNKNOWN 1, PASS 2): a code is a position in it
_RESULTS = pl.Series("result", ["fail", "unknown", "pass"], dtype=RESULT_ENUM)
assert [_RESULTS[code] for code in (FAIL, UNKNOWN, PASS)] == ["fail", "unknown", "pass"]


def _enum(outcome: pl.Expr) -> pl.Expr:
    """Result codes as the result enum (a gather from the three names: several times faster than a mapping)."""
    return pl.lit(_RESULTS).gather(outcome)


def _part(part: Part, *, full: bool) -> pl.Expr:
    if isinstance(part, str):
        return pl.lit(part)
    if isinstance(part, Figure):
        return part.full if full else part.base
    return part


def _concat(template: Template, *, full: bool) -> pl.Expr:
    parts = [p for p in template.parts if not (isinstance(p, str) and not p)]
    if len(parts) == 1:
        return _part(parts[0], full=full)
    return pl.concat_str([_part(p, full=full) for p in parts])


def row_check(ruleset: RuleSet, item: ItemPlan, facts: Any, as_of: dt.date, year: int) -> Check:
    """One item of one enterprise through the per-enterprise engine."""
    ctx = Context(facts, as_of, year)
    node = item.node
    if isinstance(node, PointsNode):
        return node.evaluate(ctx)
    assert isinstance(node, Condition)
    if item.kind == "decision":
        return node.evaluate(ctx)
    return Ref(item.code, node).evaluate(ctx)


# --- evaluation ------------------------------------------------------------------------------------------------------


def _qualification_columns(
    plan: Plan, frame: EnterpriseFrame, as_of: dt.date, seen: dict[tuple[Any, ...], list[pl.Series]] | None = None
) -> list[pl.Series]:
    """Per qualification check of the plan: whether each enterprise holds a valid one on the as-of date, and which
    (`seen`: the columns already found for the same check and date by other rule sets of a batch, reused)."""
    n = len(frame)
    out: list[pl.Series] = []
    for key, check in plan.qualifications:
        signature = (frozenset(check.types), frozenset(check.levels), as_of)
        if seen is not None and signature in seen:
            out += [column.alias(f"{key}#{column.name.split('#', 1)[1]}") for column in seen[signature]]
            continue
        start = len(out)
        q = frame.qualifications.filter(pl.col("type").is_in(list(check.types)))
        if check.levels:
            q = q.filter(pl.col("level").is_in(list(check.levels)))
        q = q.with_columns(
            valid=(pl.col("valid_from").is_null() | (pl.col("valid_from") <= as_of))
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= as_of)),
            expired=pl.col("valid_to").is_not_null() & (pl.col("valid_to") < as_of),
            sort_key=pl.col("valid_to").fill_null(as_of.replace(year=9999)),
        )
        best = (
            q.filter(pl.col("valid"))
            .sort(["row", "sort_key", "pos"], descending=[False, True, False])
            .group_by("row", maintain_order=True)
            .first()
            .select("row", "type", "level", "valid_from", "valid_to")
        )
        summary = q.group_by("row").agg(
            pl.col("valid").any().alias("valid"),
            pl.col("expired").any().alias("expired"),
            pl.col("valid_to").filter(pl.col("expired")).max().alias("last"),
        )
        rows = pl.DataFrame({"row": pl.int_range(n, dtype=pl.UInt32, eager=True)})
        joined = (
            rows.join(summary.with_columns(pl.lit(True).alias("match")), on="row", how="left")
            .join(best, on="row", how="left")
            .sort("row")
        )
        out += [
            joined["valid"].fill_null(False).alias(f"{key}#valid"),
            joined["match"].fill_null(False).alias(f"{key}#match"),
            joined["expired"].fill_null(False).alias(f"{key}#expired"),
            joined["last"].alias(f"{key}#last"),
            joined["type"].alias(f"{key}#type"),
            joined["level"].alias(f"{key}#level"),
            joined["valid_from"].alias(f"{key}#from"),
            joined["valid_to"].alias(f"{key}#to"),
        ]
        if seen is not None:
            seen[signature] = out[start:]
    return out


def evaluate_frame(
    ruleset: RuleSet, frame: EnterpriseFrame, *, as_of: dt.date, year: int | None = None
) -> VectorResult:
    """Every enterprise of `frame` against `ruleset` as of a date (`year`: the reference fiscal year, by default
    the rule set's `year_lag` before as_of), with the per-enterprise engine's results."""
    return evaluate_batch([(ruleset, as_of)], frame, year=year)[0]


def evaluate_batch(
    jobs: Sequence[tuple[RuleSet, dt.date]], frame: EnterpriseFrame, *, year: int | None = None
) -> list[VectorResult]:
    """Several rule sets (each with its as-of date) over the same frame, with the results `evaluate_frame` gives
    each alone (tested). Rule sets are evaluated side by side, level by level: the same level of every rule set is
    one parallel Polars pass (`collect_all`); only the per-enterprise fallback for the rows still unsure runs rule
    set by rule set."""
    started = time.perf_counter()
    plans = [compile_plan(ruleset, frame.data.columns, as_of=as_of, year=year) for ruleset, as_of in jobs]
    compiled = time.perf_counter()
    # The values of every rule set, computed once: a value is named after what it computes (`ValueCompiler`), so
    # a value that several rule sets use is one column.
    stages: list[dict[str, pl.Expr]] = []
    for plan in plans:
        for depth, stage in enumerate(plan.values.stages):
            if len(stages) <= depth:
                stages.append({})
            stages[depth].update(stage)
    # So are the items' computations that read only facts and values (the same comparison in ten fund items, the
    # first passes of band tables): each is computed once, under its content name, and renamed for each item.
    # A band table's intermediate columns are named by content too, so what reads them can be shared in turn.
    readable = set(frame.data.columns).union(*(stage.keys() for stage in stages))
    pooled: dict[str, pl.Expr] = {}
    depth_of: dict[str, int] = {}
    for plan in plans:
        for level in plan.levels:
            for item in level:
                if item.unsupported:
                    continue
                for step in item.passes:
                    for name, expr in step.items():
                        content = item.content.get(name)
                        if content is None or content[0] in pooled or not content[1] <= readable:
                            continue
                        pooled[content[0]] = expr
                        depth_of[content[0]] = 1 + max((depth_of[r] for r in content[1] if r in depth_of), default=-1)
                        readable.add(content[0])
    pooled_stages: list[list[pl.Expr]] = [[] for _ in range(max(depth_of.values(), default=-1) + 1)]
    for name, expr in pooled.items():
        pooled_stages[depth_of[name]].append(expr.alias(name))
    shared = frame.data
    if any(stages) or pooled:
        lazy = shared.lazy()
        for stage in stages:
            if stage:
                lazy = lazy.with_columns([expr.alias(name) for name, expr in stage.items()])
        for exprs in pooled_stages:
            lazy = lazy.with_columns(exprs)
        shared = lazy.collect(engine="in-memory")
    results: list[VectorResult] = []
    held: dict[tuple[Any, ...], list[pl.Series]] = {}
    for (ruleset, as_of), plan in zip(jobs, plans, strict=True):
        data = shared
        if plan.qualifications:
            data = data.hstack(_qualification_columns(plan, frame, as_of, held))
        results.append(VectorResult(ruleset, plan, frame, as_of, plan.year, data))
    for depth in range(max((len(r.plan.levels) for r in results), default=0)):
        batch = [(r, r.plan.levels[depth]) for r in results if depth < len(r.plan.levels)]
        lazies = [_level_query(r.data.lazy(), level, pooled) for r, level in batch]
        for (r, _level), data in zip(batch, pl.collect_all(lazies, engine="in-memory"), strict=True):
            r.data = data
        for r, level in batch:
            unsure = _unsure_rows(r.data, level)
            data = r.data
            for item in level:
                rows = list(range(data.height)) if item.unsupported else unsure.get(item.code, [])
                if rows:
                    data = _exact_rows(r, item, data, rows)
            r.data = data
    finished = time.perf_counter()
    for r in results:
        r.timings = {"compile": compiled - started, "evaluate": finished - compiled}
    return results


def _unsure_rows(data: pl.DataFrame, level: list[ItemPlan]) -> dict[str, list[int]]:
    """Per item of a level, the rows its sensitivity `#s` flags (the columns stay in the frame: dropping them from
    a frame hundreds of columns wide cost more than keeping them)."""
    items = [item for item in level if item.sensitive]
    if not items:
        return {}
    found: dict[str, list[int]] = {}
    for item in items:
        flags = data.get_column(f"{item.code}#s")  # (Series calls: a query on a wide frame costs its width)
        found[item.code] = flags.arg_true().to_list() if flags.any() else []
    return found


def _level_query(lazy: pl.LazyFrame, level: list[ItemPlan], pooled: dict[str, pl.Expr]) -> pl.LazyFrame:
    """The columns of a level's items (and each item's sensitivity `#s`) added to a frame; a computation already
    in the frame under its content name (`pooled`) is only renamed."""
    items = [item for item in level if not item.unsupported]
    steps = [item.passes for item in items]
    for depth in range(max((len(found) for found in steps), default=0)):
        exprs: dict[str, pl.Expr] = {}  # (two items of a rule set may compute the same intermediate column)
        for item, found in zip(items, steps, strict=True):
            if depth < len(found):
                for name, expr in found[depth].items():
                    content = item.content.get(name)
                    if content is not None and content[0] in pooled:
                        if name != content[0]:  # (else it is in the frame already, under its own name)
                            exprs[name] = pl.col(content[0]).alias(name)
                    else:
                        exprs[name] = expr.alias(name)
        if exprs:
            lazy = lazy.with_columns(list(exprs.values()))
    return lazy


def _exact_rows(result: VectorResult, item: ItemPlan, data: pl.DataFrame, rows: list[int]) -> pl.DataFrame:
    """Evaluate some rows of one item through the per-enterprise engine and write their results into the frame."""
    code = item.code
    if item.kind == "decision":
        updates = []
        for row in rows:
            ctx = Context(result.frame.facts_at(row), result.as_of, result.year)
            outcome = result.ruleset.decision.evaluate(ctx).outcome
            result.exact_decision[row] = outcome
            updates.append(OUTCOME_CODE[outcome])
        return _scatter(data, f"{code}#o", rows, updates, pl.UInt8)
    checks = result.exact.setdefault(code, {})
    o, m, lo, hi, a = [], [], [], [], []
    for row in rows:
        check = row_check(result.ruleset, item, result.frame.facts_at(row), result.as_of, result.year)
        checks[row] = check
        o.append(OUTCOME_CODE[check.outcome])
        m.append(bool(check.missing))
        lo.append(_micro(check.points_lo))
        hi.append(_micro(check.points_hi))
        a.append(float(check.actual) if isinstance(check.actual, Decimal) else None)
    data = _scatter(data, f"{code}#o", rows, o, pl.UInt8)
    if item.kind == "score" or f"{code}#m" in data.columns:
        data = _scatter(data, f"{code}#m", rows, m, pl.Boolean)
    if item.kind == "score" or f"{code}#lo" in data.columns:
        data = _scatter(data, f"{code}#lo", rows, lo, pl.Int64)
        data = _scatter(data, f"{code}#hi", rows, hi, pl.Int64)
    if f"{code}#a" in data.columns or item.unsupported:
        data = _scatter(data, f"{code}#a", rows, a, pl.Float64)
    return data


def _scatter(data: pl.DataFrame, name: str, rows: list[int], values: list[Any], dtype: Any) -> pl.DataFrame:
    column = data[name] if name in data.columns else pl.Series(name, [None] * data.height, dtype=dtype)
    return data.with_columns(column.scatter(rows, pl.Series(values, dtype=dtype)).alias(name))
