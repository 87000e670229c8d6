"""Benchmark (c): the monitoring rollups (DOMAIN.md's comparable basis) at zone scale, against DuckDB on the same rows.

Two zones (`--zone`): the reference zone (5,000 enterprises, 5 years, 25 indicators, about 5 M monthly rows) and the
large zone (50,000 enterprises, 10 years, about 47 M rows). Three steps, each a subprocess of bench/run.py:

- `generate`: writes the zone as tab-separated files (pure Python, deterministic for a seed): enterprises.tsv (id,
  park, 产业) and facts.tsv (indicator id, year, month, enterprise id, 当月数, 累计数, source), in the order monthly
  imports would write them (period by period). 5 parks, the demo industries, the 16 sum indicators of the catalogue
  plus 7 synthetic sum indicators (with the 2 ratio indicators of the catalogue: 25), every series continuous as
  the fact store keeps it (carried months inside the window, cumulative = running sum of the monthly values), with
  entrants (no row last year: outside the comparable set) and leavers (rows last year, none this year).
- `measure`: in the scratch database of DATABASE_URL (a fresh SQLite file, or PostgreSQL 15 from
  scripts/with-postgres.sh): migrates, writes the registry rows with bulk_create and the facts straight into
  indicators_fact through the driver (SQLite executemany, PostgreSQL COPY; indexes dropped and rebuilt around the
  load, as a bulk load does), analyses, then times through the real code: one tile =
  `rollups.rollup(output_value, by="park")` for the latest month over `Enterprise.objects.all()` — the whole zone,
  answered from the pre-computed cells (median and p95 of `--tile-runs`; also the first call, which installs the
  change-recording triggers and builds the period's cells, and the first call after one enterprise's figure of the
  period is rewritten, which rebuilds them) — and the same tile over `Enterprise.objects.filter(pk__gt=0)`, a scope
  that is not the whole zone and is computed exactly (as for a park officer or a commissioner); and the whole
  cockpit = GET /monitoring/ as a leader through Django's test client (every KPI card, the trend's two
  monthly_totals, by park, by industry; median of `--cockpit-runs`, plus the first request and the first after an
  enterprise moves to another park, which makes every period stale), with the SQL of one run, its slowest statements
  and their plans; and the zone's monthly briefing (issue 8: `briefings.selectors.draft`, every rollup of the text,
  median of `--briefing-runs`, plus its first call and its Word, PDF and Excel exports).
- `duckdb`: loads the same files into an in-memory DuckDB (sorted by indicator, year, month, enterprise: its best
  layout) and times the same tile in SQL two ways: scanning the monthly values (Σ 当月数 of months 1..N, what the
  issue's figures assume) and reading 累计数 at month N (what our store reads). Both must agree with our rollup.

On its own: `python bench/rollup_bench.py generate --zone reference --dir /tmp/z`, then
`DATABASE_URL=sqlite:////tmp/z/r.sqlite3 python bench/rollup_bench.py measure --dir /tmp/z --out s.json` and
`python bench/rollup_bench.py duckdb --dir /tmp/z --out d.json`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import sys
import time
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import summary_ms

TILE_INDICATOR = "output_value"


@dataclass(frozen=True)
class ZoneSpec:
    name: str
    label: str
    enterprises: int
    years: int
    #: probability that an enterprise reports each optional indicator (the 8 core ones are reported by everyone)
    optional: float
    #: share of enterprises that enter the statistics during the window (the rest are there from its first month)
    entrants: float
    #: share of enterprises that stop reporting during the window (停产/迁出)
    leavers: float


ZONES = {
    "reference": ZoneSpec("reference", "参考园区", 5000, 5, 0.85, 0.25, 0.06),
    "large": ZoneSpec("large", "大型园区", 50000, 10, 0.15, 0.40, 0.06),
}

#: Reported by every enterprise; the other sum indicators by a share `ZoneSpec.optional` of them.
CORE = ("output_value", "value_added", "revenue", "main_business_revenue", "tax", "electricity", "energy", "employees")
#: Extra monthly sum indicators so that the catalogue has 25 (code, name).
SYNTHETIC = (
    ("bench_new_products", "新产品产值"),
    ("bench_hightech_output", "高新技术产品产值"),
    ("bench_software_revenue", "软件业务收入"),
    ("bench_tech_revenue", "技术收入"),
    ("bench_wages", "应付职工薪酬"),
    ("bench_water", "用水量"),
    ("bench_gas", "用气量"),
)
#: Parks of the demo zone and their weights.
PARK_WEIGHTS = {"TJW": 8.0, "NP": 3.0, "XQ": 3.0, "SZ": 2.0, "FS": 1.5}
SEASON = (0.86, 0.68, 1.0, 1.0, 1.02, 1.06, 1.0, 1.0, 1.04, 1.02, 1.06, 1.26)
#: Monthly figures as whole ten-thousandths (the fact store keeps 4 decimal places), so that 累计数 is exactly the
#: running sum of 当月数.
SCALE = 10000


def last_complete_month(today: dt.date) -> tuple[int, int]:
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def sum_indicator_ids() -> dict[str, int]:
    """Indicator ids in a fresh database: the catalogue migration creates the 16 sum then the 2 ratio indicators
    (ids 1–18), `measure` creates the synthetic ones after them (19–25). `measure` checks this before loading."""
    from gaoxin.indicators.catalogue import RATIO_INDICATORS, SUM_INDICATORS

    ids = {code: i for i, (code, *_rest) in enumerate(SUM_INDICATORS, start=1)}
    first = len(SUM_INDICATORS) + len(RATIO_INDICATORS) + 1
    ids |= {code: i for i, (code, _name) in enumerate(SYNTHETIC, start=first)}
    return ids


def _fmt(v: int) -> str:
    whole, fraction = divmod(v, SCALE)
    return f"{whole}.{fraction:04d}"


# generate -------------------------------------------------------------------------------------------------------


def generate(zone: ZoneSpec, directory: Path, seed: int, today: dt.date) -> dict[str, Any]:
    """Write enterprises.tsv, facts.tsv and meta.json for `zone` into `directory`."""
    from common import setup_django

    setup_django()
    from gaoxin.indicators.catalogue import SUM_INDICATORS
    from gaoxin.registry import demo

    started = time.perf_counter()
    rng = random.Random(f"{seed}:{zone.name}")
    end_year, end_month = last_complete_month(today)
    first_year = end_year - zone.years + 1
    first_period, last_period = first_year * 12, end_year * 12 + end_month - 1  # period = year*12 + month-1
    ids = sum_indicator_ids()
    stock = {code for code, *rest in SUM_INDICATORS if rest[3] == "stock"}
    leaves = sorted(demo.leaf_by_code())
    roots = {code: code[:2] for code in leaves}
    parks, weights = list(PARK_WEIGHTS), list(PARK_WEIGHTS.values())

    n = zone.enterprises
    entry = [first_period] * (n + 1)  # first period with figures
    leave = [last_period + 1] * (n + 1)  # first period without figures (carried to the end of that year)
    with (directory / "enterprises.tsv").open("w", encoding="utf-8") as out:
        for e in range(1, n + 1):
            if rng.random() < zone.entrants:
                entry[e] = rng.randint(first_period + 1, last_period)
            if rng.random() < zone.leavers:
                leave[e] = rng.randint(entry[e] + 1, last_period + 1)
            park = rng.choices(parks, weights)[0]
            leaf = rng.choice(leaves) if rng.random() < 0.9 else ""
            out.write(f"{e}\t{park}\t{leaf}\t{roots.get(leaf, '')}\t{int(leave[e] <= last_period)}\n")

    # Who reports what: the level of each (indicator, enterprise) as a share of the enterprise's output.
    size = [0.0] + [math.exp(rng.gauss(math.log(15000), 0.9)) / 12 for _ in range(n)]  # 万元 a month
    growth = [0.0] + [max(-0.5, rng.gauss(0.06, 0.12)) for _ in range(n)]
    reporters: dict[str, list[tuple[int, float]]] = {}
    for code in ids:
        core = code in CORE
        ratio = 1.0 if code == TILE_INDICATOR else 0.0
        reporters[code] = [
            (e, size[e] * (ratio or rng.uniform(0.02, 0.9)))
            for e in range(1, n + 1)
            if core or rng.random() < zone.optional
        ]

    rows = carried = 0
    cumulative: dict[str, list[int]] = {code: [0] * (n + 1) for code in ids}
    with (directory / "facts.tsv").open("w", encoding="utf-8") as out:
        for period in range(first_period, last_period + 1):
            year, month = divmod(period, 12)
            month += 1
            season = SEASON[month - 1]
            lines: list[str] = []
            for code, firms in reporters.items():
                ind = ids[code]
                is_stock = code in stock
                cum = cumulative[code]
                head = f"{ind}\t{year}\t{month}\t"
                for e, level in firms:
                    if period < entry[e]:
                        continue
                    if month == 1 or period == entry[e]:
                        cum[e] = 0
                    gone = period >= leave[e]
                    if gone and leave[e] <= year * 12:
                        continue  # stopped before this year: no reported month, so no series this year
                    if gone or (period > entry[e] and month > 1 and rng.random() < 0.004):
                        # not reported: a carried month, 0 (the cumulative of a flow is carried forward)
                        value = 0
                        if is_stock:
                            cum[e] = 0
                        source = "carried"
                        carried += 1
                    else:
                        if is_stock:
                            value = int(level / 150 * (1 + growth[e]) ** (year - first_year)) * SCALE + SCALE
                            cum[e] = value
                        else:
                            grown = level * (1 + growth[e]) ** ((period - first_period) / 12)
                            value = int(grown * season * (0.93 + 0.14 * rng.random()) * SCALE)
                            cum[e] += value
                        source = "import"
                    lines.append(f"{head}{e}\t{_fmt(value)}\t{_fmt(cum[e])}\t{source}\n")
            out.writelines(lines)
            rows += len(lines)
    meta = {
        "zone": zone.name,
        "spec": asdict(zone),
        "seed": seed,
        "rows": rows,
        "carried_rows": carried,
        "indicators": len(ids) + 2,
        "indicators_with_rows": len(ids),
        "first_period": f"{first_year}-01",
        "year": end_year,
        "month": end_month,
        "indicator_ids": ids,
        "facts_bytes": (directory / "facts.tsv").stat().st_size,
        "generate_seconds": round(time.perf_counter() - started, 1),
    }
    (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return meta


# measure --------------------------------------------------------------------------------------------------------


def _registry(directory: Path, meta: dict[str, Any]) -> Any:
    """Zone structure, the synthetic indicators, the enterprises (ids 1..N) and a leader; returns the leader."""
    from gaoxin.accounts.models import User
    from gaoxin.accounts.roles import Role
    from gaoxin.indicators.models import Indicator
    from gaoxin.registry import demo
    from gaoxin.registry.models import Enterprise, EnterpriseStatus, Industry, Park

    demo.seed_structure()
    for order, (code, name) in enumerate(SYNTHETIC, start=1):
        Indicator.objects.create(code=code, name=name, unit="万元", sort_order=1000 + order)
    actual = dict(Indicator.objects.filter(code__in=meta["indicator_ids"]).values_list("code", "pk"))
    if actual != meta["indicator_ids"]:
        raise RuntimeError(f"指标 id 与生成的数据不一致：{actual}")
    parks = dict(Park.objects.values_list("code", "pk"))
    industries = dict(Industry.objects.values_list("code", "pk"))
    first = dt.date.fromisoformat(meta["first_period"] + "-01")
    firms = []
    with (directory / "enterprises.tsv").open(encoding="utf-8") as rows:
        for line in rows:
            pk, park, leaf, _root, left = line.rstrip("\n").split("\t")
            firms.append(
                Enterprise(
                    pk=int(pk),
                    uscc=f"91440400MA{int(pk):08d}",
                    name=f"基准测试企业{int(pk):06d}有限公司",
                    park_id=parks[park],
                    industry_id=industries[leaf] if leaf else None,
                    is_above_scale=True,
                    above_scale_since=first,
                    status=EnterpriseStatus.MOVED_OUT if left == "1" else EnterpriseStatus.ACTIVE,
                )
            )
    Enterprise.objects.bulk_create(firms, batch_size=2000)
    leader = User.objects.create(username="bench-leader", full_name="基准测试领导", role=Role.LEADER)
    leader.set_unusable_password()
    leader.save()
    return leader


def _load_sqlite(facts: Path) -> tuple[float, float]:
    """executemany on the driver's connection, the table's indexes dropped during the load and rebuilt after."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    indexes = raw.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'indicators_fact' AND sql IS NOT NULL"
    ).fetchall()
    started = time.perf_counter()
    raw.execute("PRAGMA synchronous = OFF")
    raw.execute("BEGIN")
    for name, _sql in indexes:
        raw.execute(f'DROP INDEX "{name}"')
    with facts.open(encoding="utf-8") as rows:
        raw.executemany(
            "INSERT INTO indicators_fact (indicator_id, year, month, enterprise_id, value, cumulative, source, "
            "reported_cumulative, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, datetime('now'))",
            (line.rstrip("\n").split("\t") for line in rows),
        )
    raw.execute("COMMIT")
    loaded = time.perf_counter()
    raw.execute("BEGIN")
    for _name, sql in indexes:
        raw.execute(sql)
    raw.execute("COMMIT")
    raw.execute("PRAGMA synchronous = NORMAL")
    return loaded - started, time.perf_counter() - loaded


def _load_postgres(facts: Path) -> tuple[float, float]:
    """COPY on the driver's connection; unique and foreign-key constraints and indexes dropped during the load and
    rebuilt after (every row is checked again when they are), then VACUUM ANALYZE — the steady state autovacuum
    reaches within a minute of a load, as in the list benchmark."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cur:
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = 'indicators_fact'::regclass AND contype IN ('u', 'f')"
        )
        constraints = cur.fetchall()
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'indicators_fact' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'indicators_fact'::regclass)"
        )
        indexes = cur.fetchall()
        started = time.perf_counter()
        for name, _definition, _kind in constraints:
            cur.execute(f'ALTER TABLE indicators_fact DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("ALTER TABLE indicators_fact ALTER COLUMN reported_cumulative SET DEFAULT false")
        cur.execute("ALTER TABLE indicators_fact ALTER COLUMN updated_at SET DEFAULT now()")
        with (
            facts.open("rb") as source,
            cur.copy(
                "COPY indicators_fact (indicator_id, year, month, enterprise_id, value, cumulative, source) FROM STDIN"
            ) as copy,
        ):
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        cur.execute("ALTER TABLE indicators_fact ALTER COLUMN reported_cumulative DROP DEFAULT")
        cur.execute("ALTER TABLE indicators_fact ALTER COLUMN updated_at DROP DEFAULT")
        loaded = time.perf_counter()
        cur.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cur.execute(definition)
        for name, definition, _kind in sorted(constraints, key=lambda c: c[2] != "u"):
            cur.execute(f'ALTER TABLE indicators_fact ADD CONSTRAINT "{name}" {definition}')
        cur.execute("VACUUM ANALYZE")
    return loaded - started, time.perf_counter() - loaded


ONE_STATEMENT_TILE = """
    SELECT e.park_id, COUNT(*), SUM(n.cumulative), COUNT(p.id),
           SUM(CASE WHEN p.id IS NOT NULL THEN n.cumulative END), SUM(p.cumulative)
    FROM indicators_fact n
    JOIN registry_enterprise e ON e.id = n.enterprise_id
    LEFT JOIN indicators_fact p
      ON p.enterprise_id = n.enterprise_id AND p.year = %s AND p.month = %s AND p.indicator_id = %s
    WHERE n.indicator_id = %s AND n.year = %s AND n.month = %s
    GROUP BY e.park_id"""


def _indexes() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "indicators_fact")
    return sorted(
        f"{name}({', '.join(c['columns'])})" + (" UNIQUE" if c["unique"] else "")
        for name, c in constraints.items()
        if (c["index"] or c["unique"]) and not c["primary_key"] and not c["foreign_key"] and not c["check"]
    )


def _explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [" ".join(str(c) for c in row[1:]) for row in cursor.fetchall()]


def _queries(captured: list[dict[str, str]], slowest: int) -> dict[str, Any]:
    """How many statements one run took, their total time, and the slowest ones with their plans."""
    ranked = sorted(captured, key=lambda q: -float(q["time"]))
    return {
        "queries": len(captured),
        "sql_ms": round(sum(float(q["time"]) for q in captured) * 1000, 1),
        "slowest": [
            {
                "ms": round(float(q["time"]) * 1000, 1),
                "sql": q["sql"][:3000],
                "plan": _explain(q["sql"]) if q["sql"].lstrip().upper().startswith("SELECT") else [],
            }
            for q in ranked[:slowest]
        ],
    }


def _timed(call: Any, runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        call()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return timings


def measure_briefing(year: int, month: int, runs: int) -> dict[str, Any]:
    """The monthly briefing of the whole zone (issue 8): `briefings.selectors.draft` — every rollup of the text
    (the cockpit's, on the same cells), the registry counts, the dragging enterprises and the missing reports, the
    text and its tables — as `manage.py briefing` and the scheduled job write it; then its Word, PDF and Excel.
    The first call follows the cockpit's registry change, so it also rebuilds the cells of the periods it reads
    that the cockpit does not show."""
    from gaoxin.briefings import selectors
    from gaoxin.briefings.exports import Sheet, render

    wording = selectors.wording_of(None)

    def generate() -> Any:
        return selectors.draft(year=year, month=month, park=None, wording=wording)

    started = time.perf_counter()
    draft = generate()
    cold_ms = (time.perf_counter() - started) * 1000
    timings = _timed(generate, runs, warmup=1)
    generated = draft.generated
    sheet = Sheet(generated.title, "", "", generated.text, [t.as_json() for t in generated.tables])
    exports = {}
    for fmt in ("docx", "pdf", "xlsx"):
        started = time.perf_counter()
        size = len(render(sheet, fmt))
        exports[fmt] = {"ms": round((time.perf_counter() - started) * 1000, 1), "bytes": size}
    return {
        "call": f"briefings.selectors.draft(year={year}, month={month}, park=None)",
        "runs": runs,
        **summary_ms(timings),
        "cold_ms": round(cold_ms, 1),
        "paragraphs": sum(1 for line in generated.text.splitlines() if line.strip()),
        "characters": len(generated.text),
        "tables": len(generated.tables),
        "exports": exports,
        "first_paragraph": next((line for line in generated.text.splitlines() if "方面" in line), "")[:200],
    }


def measure(directory: Path, tile_runs: int, cockpit_runs: int, briefing_runs: int = 5) -> dict[str, Any]:
    from common import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gaoxin.indicators.models import Fact, Indicator
    from gaoxin.indicators.rollups import rollup
    from gaoxin.registry.models import Enterprise, Park

    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    leader = _registry(directory, meta)
    registry_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        load_seconds, index_seconds = _load_postgres(directory / "facts.tsv")
    else:
        load_seconds, index_seconds = _load_sqlite(directory / "facts.tsv")
    rows = Fact.objects.count()
    if rows != meta["rows"]:
        raise RuntimeError(f"载入 {rows} 行，应为 {meta['rows']} 行")

    year, month = meta["year"], meta["month"]
    indicator = Indicator.objects.get(code=TILE_INDICATOR)
    codes = dict(Park.objects.values_list("pk", "code"))

    def tile(enterprises: Any = None) -> Any:
        scope = Enterprise.objects.all() if enterprises is None else enterprises
        return rollup(indicator, year=year, month=month, enterprises=scope, by="park")

    def groups_of(result: Any) -> dict[str, Any]:
        return {
            codes[row.key]: {
                "enterprises": row.enterprises,
                "comparable_enterprises": row.comparable_enterprises,
                "value": str(row.value),
                "comparable_value": str(row.comparable_value),
                "base": str(row.base),
                "yoy": None if row.yoy is None else float(round(row.yoy, 6)),
            }
            for row in result.rows
        }

    # The first read after the load finds neither the change-recording triggers nor any pre-computed cell: it
    # installs the triggers and builds the cells of the period (rollups.py).
    started = time.perf_counter()
    tile()
    tile_cold_ms = (time.perf_counter() - started) * 1000
    tile_timings = _timed(tile, tile_runs)
    with CaptureQueriesContext(connection) as captured:
        result = tile()
    tile_queries = _queries(captured.captured_queries, 2)
    tile_groups = groups_of(result)

    # The same tile over a scope that is not the whole zone (every enterprise, through a filter): the exact statement,
    # as for a park officer's or a commissioner's enterprises.
    def tile_exact() -> Any:
        return tile(Enterprise.objects.filter(pk__gt=0))

    exact_timings = _timed(tile_exact, tile_runs)
    with CaptureQueriesContext(connection) as captured_exact:
        exact = tile_exact()
    exact_queries = _queries(captured_exact.captured_queries, 1)

    # One enterprise's figure of the period is written again (as a correction would be): the period's cells are
    # stale, and the next read rebuilds them before answering.
    touch_sql = (
        "UPDATE indicators_fact SET cumulative = cumulative "
        "WHERE indicator_id = %s AND year = %s AND month = %s AND enterprise_id = %s"
    )
    touched = list(
        Fact.objects.filter(indicator=indicator, year=year, month=month).values_list("enterprise_id", flat=True)[:5]
    )
    refresh_timings = []
    for enterprise_id in touched:
        with connection.cursor() as cursor:
            cursor.execute(touch_sql, [indicator.pk, year, month, enterprise_id])
        started = time.perf_counter()
        tile()
        refresh_timings.append(time.perf_counter() - started)

    # For comparison only (not the platform's code): the same tile as one statement, last year's row joined to this
    # year's, without the rest of rollup() (names, rates, targets).
    def tile_sql() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(ONE_STATEMENT_TILE, [year - 1, month, indicator.pk, indicator.pk, year, month])
            return cursor.fetchall()

    sql_timings = _timed(tile_sql, tile_runs)
    one_statement = {str(codes[park]): n for park, n, *_rest in tile_sql()}

    client = Client()
    client.force_login(leader, backend="django.contrib.auth.backends.ModelBackend")

    def cockpit() -> None:
        response = client.get("/monitoring/")
        if response.status_code != 200:
            raise RuntimeError(f"/monitoring/ 返回 {response.status_code}")

    # The first cockpit builds the cells it still lacks (the other cards' periods, the trend's 24 months).
    started = time.perf_counter()
    cockpit()
    cockpit_cold_ms = (time.perf_counter() - started) * 1000
    cockpit_timings = _timed(cockpit, cockpit_runs, warmup=2)
    with CaptureQueriesContext(connection) as cockpit_captured:
        cockpit()
    cockpit_queries = _queries(cockpit_captured.captured_queries, 3)  # now: the next request clears the log
    # An enterprise moves to another park: every period is stale, the next cockpit rebuilds what it shows.
    mover = Enterprise.objects.filter(pk=touched[0]).values_list("pk", "park_id").get()
    Enterprise.objects.filter(pk=mover[0]).update(park_id=next(pk for pk in codes if pk != mover[1]))
    started = time.perf_counter()
    cockpit()
    cockpit_registry_ms = (time.perf_counter() - started) * 1000
    briefing = measure_briefing(year, month, briefing_runs)
    return {
        "database": connection.vendor,
        "zone": meta["zone"],
        "rows": rows,
        "period": f"{year}-{month:02d}",
        "registry_seconds": round(registry_seconds, 1),
        "load_seconds": round(load_seconds, 1),
        "index_seconds": round(index_seconds, 1),
        "tile": {
            "call": f"rollup({TILE_INDICATOR}, year={year}, month={month}, by='park')",
            "runs": tile_runs,
            **summary_ms(tile_timings),
            **tile_queries,
            "cold_ms": round(tile_cold_ms, 1),
            "after_change": {"runs": len(refresh_timings), **summary_ms(refresh_timings)},
            "total": {
                "enterprises": result.total.enterprises,
                "comparable_enterprises": result.total.comparable_enterprises,
                "value": str(result.total.value),
                "comparable_value": str(result.total.comparable_value),
                "base": str(result.total.base),
                "yoy": None if result.total.yoy is None else float(round(result.total.yoy, 6)),
            },
            "groups": tile_groups,
        },
        "tile_exact": {
            "call": "the same over Enterprise.objects.filter(pk__gt=0): computed exactly, never from the cells",
            "runs": tile_runs,
            **summary_ms(exact_timings),
            **exact_queries,
            "groups": groups_of(exact),
        },
        "tile_one_statement": {
            "sql": " ".join(ONE_STATEMENT_TILE.split()),
            "runs": tile_runs,
            **summary_ms(sql_timings),
            "agrees": one_statement == {code: g["enterprises"] for code, g in tile_groups.items()},
        },
        "indexes": _indexes(),
        "cockpit": {
            "url": "/monitoring/",
            "runs": cockpit_runs,
            **summary_ms(cockpit_timings),
            **cockpit_queries,
            "cold_ms": round(cockpit_cold_ms, 1),
            "after_registry_change_ms": round(cockpit_registry_ms, 1),
        },
        "briefing": briefing,
    }


# duckdb ---------------------------------------------------------------------------------------------------------

DUCKDB_TILE = {
    # Σ 当月数 of months 1..N per enterprise and year: what the DuckDB figures assume.
    "scan": """
        WITH now AS (SELECT enterprise_id, sum(value) AS v FROM fact
                     WHERE indicator_id = $ind AND year = $year AND month <= $month GROUP BY enterprise_id),
             prev AS (SELECT enterprise_id, sum(value) AS v FROM fact
                      WHERE indicator_id = $ind AND year = $year - 1 AND month <= $month GROUP BY enterprise_id)
        SELECT e.park, count(*), sum(now.v), count(prev.v), sum(now.v) FILTER (WHERE prev.v IS NOT NULL),
               sum(prev.v)
        FROM now JOIN enterprise e ON e.id = now.enterprise_id LEFT JOIN prev USING (enterprise_id)
        GROUP BY e.park""",
    # 累计数 at month N: one period per year, as the fact store reads it.
    "cumulative": """
        WITH now AS (SELECT enterprise_id, cumulative AS v FROM fact
                     WHERE indicator_id = $ind AND year = $year AND month = $month),
             prev AS (SELECT enterprise_id, cumulative AS v FROM fact
                      WHERE indicator_id = $ind AND year = $year - 1 AND month = $month)
        SELECT e.park, count(*), sum(now.v), count(prev.v), sum(now.v) FILTER (WHERE prev.v IS NOT NULL),
               sum(prev.v)
        FROM now JOIN enterprise e ON e.id = now.enterprise_id LEFT JOIN prev USING (enterprise_id)
        GROUP BY e.park""",
}


def measure_duckdb(directory: Path, runs: int) -> dict[str, Any]:
    import duckdb

    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    con = duckdb.connect(":memory:")
    started = time.perf_counter()
    con.execute(
        "CREATE TABLE enterprise AS SELECT * FROM read_csv($path, delim = '\t', header = false, "
        "columns = {'id': 'INTEGER', 'park': 'VARCHAR', 'leaf': 'VARCHAR', 'root': 'VARCHAR', 'left': 'BOOLEAN'})",
        {"path": str(directory / "enterprises.tsv")},
    )
    con.execute(
        "CREATE TABLE fact AS SELECT * FROM read_csv($path, delim = '\t', header = false, columns = {"
        "'indicator_id': 'SMALLINT', 'year': 'SMALLINT', 'month': 'TINYINT', 'enterprise_id': 'INTEGER', "
        "'value': 'DECIMAL(18,4)', 'cumulative': 'DECIMAL(18,4)', 'source': 'VARCHAR'}) "
        "ORDER BY indicator_id, year, month, enterprise_id",
        {"path": str(directory / "facts.tsv")},
    )
    load_seconds = time.perf_counter() - started
    rows = con.execute("SELECT count(*) FROM fact").fetchone()
    params = {"ind": meta["indicator_ids"][TILE_INDICATOR], "year": meta["year"], "month": meta["month"]}
    variants: dict[str, Any] = {}
    for name, sql in DUCKDB_TILE.items():

        def query(sql: str = sql) -> list[Any]:
            return con.execute(sql, params).fetchall()

        timings = _timed(query, runs)
        groups = {
            park: {
                "enterprises": n,
                "comparable_enterprises": comparable_n,
                "value": str(value),
                "comparable_value": str(comparable or Decimal(0)),
                "base": str(base or Decimal(0)),
            }
            for park, n, value, comparable_n, comparable, base in query()
        }
        variants[name] = {"runs": runs, **summary_ms(timings), "groups": groups}
    return {
        "database": "duckdb",
        "version": duckdb.__version__,
        "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],  # type: ignore[index]
        "zone": meta["zone"],
        "rows": rows[0] if rows else 0,
        "load_seconds": round(load_seconds, 1),
        "layout": "内存表，按 (indicator, year, month, enterprise) 排序载入；DECIMAL(18,4)",
        "variants": variants,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="经济运行汇总（rollup）基准")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--zone", choices=sorted(ZONES), default="reference")
    gen.add_argument("--dir", type=Path, required=True)
    gen.add_argument("--seed", type=int, default=2026)
    meas = sub.add_parser("measure")
    meas.add_argument("--dir", type=Path, required=True)
    meas.add_argument("--tile-runs", type=int, default=30)
    meas.add_argument("--cockpit-runs", type=int, default=10)
    meas.add_argument("--briefing-runs", type=int, default=5)
    meas.add_argument("--out", type=Path)
    duck = sub.add_parser("duckdb")
    duck.add_argument("--dir", type=Path, required=True)
    duck.add_argument("--runs", type=int, default=30)
    duck.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.command == "generate":
        args.dir.mkdir(parents=True, exist_ok=True)
        result = generate(ZONES[args.zone], args.dir, args.seed, dt.datetime.now().astimezone().date())
        print(json.dumps({k: v for k, v in result.items() if k != "indicator_ids"}, ensure_ascii=False))
        return
    if args.command == "measure":
        result = measure(args.dir, args.tile_runs, args.cockpit_runs, args.briefing_runs)
    else:
        result = measure_duckdb(args.dir, args.runs)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
