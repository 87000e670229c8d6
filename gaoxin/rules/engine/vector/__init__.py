"""Registry-wide evaluation (全区批量评价): every enterprise against a rule set at once, vectorised with Polars.

The per-enterprise engine (`gaoxin.rules.engine`) stays the reference and the path for single explanations; this
package compiles the same compiled rule sets (the node classes of `values`, `conditions`, `scoring`) into Polars
expressions over a wide frame of many enterprises, and gives the same result, criterion results, actuals, points,
score and Chinese sentences (tests compare both paths on thousands of generated enterprises, every shipped rule set
and generated fund-item rule sets).

API
===
::

    build_frame(facts_iterable, *, keep_facts=True) -> EnterpriseFrame    # FORMATS.md 2a facts → wide frame
    evaluate_frame(ruleset, frame, *, as_of, year=None) -> VectorResult    # one rule set over every row
    evaluate_many(rulesets, frame, *, as_of, year=None) -> list[VectorResult]   # side by side, one as-of date
    evaluate_batch([(ruleset, as_of), …], frame, *, year=None) -> list[VectorResult]  # each with its own date
    synthetic_facts(n, *, seed, year, as_of, inputs, edge_share) -> list[Facts]   # generated enterprises
    fund_item_document(i, *, seed) -> dict;  fund_item_rulesets(n, *, seed) -> list[RuleSet]

    VectorResult
      .outcomes() -> pl.DataFrame       # uscc, result, score_min, score_max, then each item's result (Enum)
      .long(messages=False)             # every criterion's result: row, code, kind, result, actual,
                                        # points_min, points_max [, message] — one row per enterprise × item
    long_all(results)                   # .long() of a batch's results, side by side in one parallel pass
      .messages(rows=None, codes=None)  # the Chinese sentence per item (a column per code), written on demand
      .result(row) / .score(row)        # Outcome; (min, max) points
      .criterion(row, code) / .criteria(rows=None) -> CriterionResult(s) like the per-enterprise engine's
      .as_json(row)                     # the FORMATS.md section 3 shape for one enterprise
      .fallback                         # rows per item that took the exact (per-enterprise) path
      .unsupported                      # items not vectorised (evaluated per row for every enterprise), with why

How exactness is kept
=====================
Facts are floats in the frame. A value read straight from the facts compares exactly (decimals of up to 15
significant digits keep their order and equalities as floats). A computed value (ratio, growth, sum) carries beside
its float an error bound and, where its facts have at most 4 decimals, its exact fraction (Int128 numerator and
denominator): a comparison with a threshold, band edge or zero is taken on the fraction where the row has one (so a
ratio exactly on 20% is decided in the main pass, ties included), else on the float. Rows within the error bound of
an edge without a fraction (compound growth, the 高企 average growth, figures with more decimals) are *unsure* and go
through the per-enterprise engine for that criterion. So lower bounds stay inclusive exactly and a float never flips
an edge.

Sentences are written on demand (`messages`) from the vectorised values: templates whose text comes from the same
wording helpers as the per-enterprise engine, figures written by a Polars transcription of `wording.figure_signed`
(tested against it); rows whose figure lies on a half-way point of its rounding, and the rarer sentences (missing
data, undefined ratios, open expert scores), come from the per-enterprise engine — once per distinct key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..ruleset import RuleSet
from .evaluate import VectorResult, compile_plan, evaluate_batch, evaluate_frame, long_all
from .frame import EnterpriseFrame, build_frame, facts_from_row
from .synthetic import fund_item_document, fund_item_rulesets, synthetic_facts


def evaluate_many(
    rulesets: Iterable[RuleSet], frame: EnterpriseFrame, *, as_of: dt.date, year: int | None = None
) -> list[VectorResult]:
    """Several rule sets over the same frame as of one date (e.g. every published rule set over the registry),
    evaluated side by side (`evaluate_batch`)."""
    return evaluate_batch([(ruleset, as_of) for ruleset in rulesets], frame, year=year)


__all__ = [
    "EnterpriseFrame",
    "VectorResult",
    "build_frame",
    "compile_plan",
    "evaluate_batch",
    "evaluate_frame",
    "evaluate_many",
    "facts_from_row",
    "fund_item_document",
    "fund_item_rulesets",
    "long_all",
    "synthetic_facts",
]
