"""The facts of enterprises as the rules engine reads them (FORMATS.md 2a), built from the registry and the fact store
in a few queries for any number of enterprises."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection

from gaoxin.indicators.models import AnnualFact
from gaoxin.registry.models import Enterprise, EnterpriseCheck, Qualification
from gaoxin.rules.engine.vector.frame import QUALIFICATION_SCHEMA, EnterpriseFrame, flag_column

#: Qualification levels in the words the rule sets use (data, not interface text: never translated).
LEVEL_WORDS = {"national": "国家级", "provincial": "省级", "city": "市级", "district": "区级"}


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _number(value: Decimal) -> int | float:
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def facts_documents(enterprises: Iterable[Enterprise] | None = None) -> dict[int, dict[str, Any]]:
    """{enterprise id: FORMATS.md 2a document}. Without `enterprises`: every enterprise in the registry.

    Yearly facts come from `AnnualFact`; qualifications from the registry (type by its catalogue name, level in
    Chinese); yes/no flags from the matters officers verified (`EnterpriseCheck`) — a matter nobody verified is left
    out (unknown to the engine, never false)."""
    rows = (
        Enterprise.objects.all()
        if enterprises is None
        else Enterprise.objects.filter(pk__in=[e.pk for e in enterprises])
    )
    docs: dict[int, dict[str, Any]] = {}
    for pk, uscc, founded, above, park, industry, stage in rows.values_list(
        "pk", "uscc", "founded_on", "is_above_scale", "park__code", "industry__code", "chain_stage"
    ):
        doc: dict[str, Any] = {"uscc": uscc, "is_above_scale": above, "qualifications": [], "years": {}}
        if founded:
            doc["registered_on"] = founded.isoformat()
        if park:
            doc["park"] = park
        if industry:
            doc["industry"] = industry
        if stage:
            doc["chain_link"] = stage
        docs[pk] = doc
    ids = list(docs)
    years: dict[int, dict[str, dict[str, Any]]] = defaultdict(lambda: defaultdict(dict))
    for chunk in _chunks(ids):
        for enterprise_id, year, name, value in AnnualFact.objects.filter(enterprise_id__in=chunk).values_list(
            "enterprise_id", "year", "name", "value"
        ):
            years[enterprise_id][str(year)][name] = _number(value)
        qualifications = Qualification.objects.filter(enterprise_id__in=chunk).values_list(
            "enterprise_id", "qtype__name", "level", "recognized_on", "valid_until"
        )
        for enterprise_id, type_name, level, since, until in qualifications:
            held: dict[str, Any] = {"type": type_name}
            if level:
                held["level"] = LEVEL_WORDS.get(level, level)
            if since:
                held["valid_from"] = since.isoformat()
            if until:
                held["valid_to"] = until.isoformat()
            docs[enterprise_id]["qualifications"].append(held)
        checks = EnterpriseCheck.objects.filter(enterprise_id__in=chunk).order_by("name")
        for enterprise_id, flag, answer in checks.values_list("enterprise_id", "name", "value"):
            docs[enterprise_id].setdefault("flags", {})[flag] = answer
    for enterprise_id, by_year in years.items():
        docs[enterprise_id]["years"] = {year: dict(values) for year, values in sorted(by_year.items())}
    for doc in docs.values():
        doc["qualifications"].sort(key=lambda q: (q["type"], q.get("valid_from", "")))
    return docs


def digest(document: dict[str, Any]) -> str:
    """The version of a facts document: a result computed from other facts is stale."""
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# --- the whole registry as one frame (registry-wide evaluation) ------------------------------------------------------


def registry_frame(enterprise_ids: Sequence[int] | None = None) -> tuple[list[int], EnterpriseFrame, list[str]]:
    """The facts of the registry (or of some enterprises) as the vectorised engine's frame — the same facts as
    `facts_documents`, read in three queries and pivoted by Polars instead of built enterprise by enterprise —
    with each enterprise's facts version. Returns (enterprise ids in row order, frame, versions).

    Yearly figures are read as floats (the frame's type; the exact path rebuilds each row's decimals from their
    shortest text, exact for figures of up to 15 significant digits — 4 decimals on up to 99,999,999,999 万元)."""
    enterprises = Enterprise.objects.order_by("pk")
    if enterprise_ids is not None:
        enterprises = enterprises.filter(pk__in=list(enterprise_ids))
    base = pl.DataFrame(
        list(
            enterprises.values_list(
                "pk", "uscc", "founded_on", "is_above_scale", "park__code", "industry__code", "chain_stage"
            )
        ),
        schema={
            "pk": pl.Int64,
            "uscc": pl.String,
            "registered_on": pl.Date,
            "above": pl.Boolean,
            "park": pl.String,
            "industry": pl.String,
            "chain_link": pl.String,
        },
        orient="row",
    ).with_row_index("row")
    ids: list[int] = base["pk"].to_list()
    keys = base.select("pk", "row")
    facts = _annual_facts(ids if enterprise_ids is not None else None)
    wide = base.select(
        "row",
        "uscc",
        pl.lit(None, dtype=pl.String).alias("name"),
        "registered_on",
        pl.lit(True).alias("quals_known"),
        "park",
        "industry",
        pl.when(pl.col("chain_link") != "").then(pl.col("chain_link")).alias("chain_link"),
        pl.col("above").alias(flag_column("is_above_scale")),
    )
    if facts.height:
        long = facts.join(keys, on="pk").select("row", pl.format("{}@{}", "name", "year").alias("column"), "value")
        wide = wide.hstack(_fact_columns(long, base.height))
    wide = wide.hstack(_check_columns(keys, ids if enterprise_ids is not None else None))
    data = wide.drop("row")
    quals = _qualifications(keys, ids if enterprise_ids is not None else None)
    frame = EnterpriseFrame(data, quals, None)
    return ids, frame, _versions(frame)


#: from this many enterprises on, the facts' columns are built by scattering each one's values (a pivot costs 0.4 s
#: more for the registry; scattering costs 15 ms more for the handful of enterprises of a page)
SCATTER_MIN_ENTERPRISES = 1000


def _fact_columns(long: pl.DataFrame, height: int) -> list[pl.Series]:
    """One column per fact and year (`name@year`, in name order) from the rows (row, column, value); a fact is
    unique per enterprise and year."""
    if height < SCATTER_MIN_ENTERPRISES:
        wide = long.pivot(on="column", index="row", values="value", aggregate_function="first")
        positions = pl.DataFrame({"row": pl.int_range(height, dtype=pl.UInt32, eager=True)})
        wide = positions.join(wide, on="row", how="left", maintain_order="left")
        return [wide[name] for name in sorted(c for c in wide.columns if c != "row")]
    columns = {
        name: pl.repeat(None, height, dtype=pl.Float64, eager=True)  # scatter writes in place: a new one each
        .scatter(part["row"], part["value"])
        .alias(name)
        for (name,), part in long.partition_by("column", as_dict=True).items()
    }
    return [columns[name] for name in sorted(columns)]


def _annual_facts(ids: list[int] | None) -> pl.DataFrame:
    table = connection.ops.quote_name(AnnualFact._meta.db_table)
    sql = f"SELECT enterprise_id, year, name, CAST(value AS DOUBLE PRECISION) FROM {table}"  # noqa: S608 (model name)
    schema = {"pk": pl.Int64, "year": pl.Int64, "name": pl.String, "value": pl.Float64}
    if connection.vendor == "sqlite":
        return _grouped_sqlite(table, ids, schema)
    return _read_rows(sql, ids, schema)


def _read_rows(sql: str, ids: list[int] | None, schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of `sql` (a SELECT of one table with its `enterprise_id` first) for these enterprises or all, as a
    frame: through COPY on PostgreSQL, in chunks of ids elsewhere."""
    if connection.vendor == "postgresql":
        if ids is None:
            return _copy_out(sql, None, schema)
        return _copy_out(f"{sql} WHERE enterprise_id = ANY(%s)", [list(ids)], schema)
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute(sql)
            rows = cursor.fetchall()
        else:
            for chunk in _chunks(ids):
                cursor.execute(f"{sql} WHERE enterprise_id IN ({', '.join(['%s'] * len(chunk))})", chunk)
                rows += cursor.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


#: separators of the packed facts (ASCII unit and record separators: never in a fact's name)
UNIT, RECORD = "\x1f", "\x1e"


def _grouped_sqlite(table: str, ids: list[int] | None, schema: dict[str, Any]) -> pl.DataFrame:
    """SQLite: one row per enterprise with its facts packed into one text (name, year, value), unpacked by Polars —
    a Python object per enterprise rather than four per fact. A REAL is written with 15 significant digits, the
    precision the frame promises (see `registry_frame`)."""
    packed = "group_concat(name || char(31) || year || char(31) || CAST(value AS REAL), char(30))"
    sql = f"SELECT enterprise_id, {packed} FROM {table}"  # noqa: S608 (model name)
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute(f"{sql} GROUP BY enterprise_id")
            rows = cursor.fetchall()
        else:
            for chunk in _chunks(ids):
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"{sql} WHERE enterprise_id IN ({marks}) GROUP BY enterprise_id", chunk)
                rows += cursor.fetchall()
    if not rows:
        return pl.DataFrame(schema=schema)
    return (
        pl.DataFrame(rows, schema={"pk": pl.Int64, "packed": pl.String}, orient="row")
        .select("pk", pl.col("packed").str.split(RECORD))
        .explode("packed")
        .select("pk", pl.col("packed").str.split_exact(UNIT, 2).struct.rename_fields(["name", "year", "value"]))
        .unnest("packed")
        .select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
    )


def _copy_out(sql: str, params: Sequence[Any] | None, schema: dict[str, Any]) -> pl.DataFrame:
    """PostgreSQL: a query's rows through COPY … TO STDOUT, as CSV read by Polars (millions of rows without a Python
    object for each; doubles are written in their shortest exact form)."""
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
        for block in copy:
            buffer.write(block)
    if not buffer.getbuffer().nbytes:
        return pl.DataFrame(schema=schema)
    buffer.seek(0)
    return pl.read_csv(buffer, has_header=False, new_columns=list(schema), schema=schema)


def _check_columns(keys: pl.DataFrame, ids: list[int] | None) -> list[pl.Series]:
    """One Boolean column (`flag:<name>`) per matter verified for any of these enterprises, null where not. Read
    like the yearly facts (a zone verifies several matters per enterprise: hundreds of thousands of rows)."""
    table = connection.ops.quote_name(EnterpriseCheck._meta.db_table)
    # (the answer as 1/0: PostgreSQL's COPY writes booleans as t/f)
    sql = f"SELECT enterprise_id, name, CASE WHEN value THEN 1 ELSE 0 END FROM {table}"  # noqa: S608 (model name)
    found = _read_rows(sql, ids, {"pk": pl.Int64, "name": pl.String, "value": pl.Int64})
    found = found.with_columns(pl.col("value").cast(pl.Boolean))
    rows_found = found.join(keys, on="pk")
    positions = keys.select("row")
    out = []
    for (name,), part in sorted(rows_found.partition_by("name", as_dict=True).items()):
        column = positions.join(part.select("row", "value"), on="row", how="left", maintain_order="left")["value"]
        out.append(column.alias(flag_column(name)))
    return out


def _qualifications(keys: pl.DataFrame, ids: list[int] | None) -> pl.DataFrame:
    held = Qualification.objects.all() if ids is None else Qualification.objects.filter(enterprise_id__in=ids)
    rows = list(held.values_list("enterprise_id", "qtype__name", "level", "recognized_on", "valid_until"))
    frame = pl.DataFrame(
        rows,
        schema={"pk": pl.Int64, "type": pl.String, "level": pl.String, "valid_from": pl.Date, "valid_to": pl.Date},
        orient="row",
    ).with_columns(
        pl.when(pl.col("level") != "")
        .then(pl.col("level").replace_strict(LEVEL_WORDS, default=pl.col("level")))
        .alias("level")
    )
    # The order of facts_documents: by type, then by the start of validity (none first).
    ordered = frame.join(keys, on="pk").sort(["row", "type", pl.col("valid_from").fill_null(dt.date.min)])
    ordered = ordered.with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).over("row").alias("pos"))
    return ordered.select([pl.col(name).cast(dtype) for name, dtype in QUALIFICATION_SCHEMA.items()])


def _versions(frame: EnterpriseFrame) -> list[str]:
    """Each row's facts version: a hash of every known fact (name=value, nulls left out, columns in name order)
    and of the qualifications held. Computed the same way for one enterprise or for the registry, so a stored
    result whose version differs from the current one is stale."""
    data = frame.data
    columns = sorted(c for c in data.columns if c != "name")
    text = data.select(
        pl.concat_str(
            [pl.lit(f"{c}=") + pl.col(c).cast(pl.String) for c in columns], separator=";", ignore_nulls=True
        ).alias("facts")
    )
    quals = (
        frame.qualifications.sort(["row", "pos"])
        .group_by("row", maintain_order=True)
        .agg(
            pl.concat_str(
                [
                    pl.col("type"),
                    pl.col("level").fill_null(""),
                    pl.col("valid_from").cast(pl.String).fill_null(""),
                    pl.col("valid_to").cast(pl.String).fill_null(""),
                ],
                separator="|",
            ).str.join(";")
        )
    )
    joined = (
        text.with_row_index("row")
        .with_columns(pl.col("row").cast(pl.UInt32))
        .join(quals.rename({"type": "quals"}), on="row", how="left")
        .sort("row")
    )
    out = []
    for facts_text, quals_text in joined.select("facts", pl.col("quals").fill_null("")).iter_rows():
        out.append(hashlib.sha256(f"{facts_text}#{quals_text}".encode()).hexdigest()[:32])
    return out
