"""Registry-wide rules evaluation as the platform runs it (issue 5): the whole job in a database, and the pages.

In a scratch SQLite database (a fresh file in a temporary directory: DATABASE_URL is set here, whatever the
environment says), or with `--database postgresql` in the throwaway PostgreSQL server of scripts/with-postgres.sh
(the production database of a large zone, ARCHITECTURE.md), it migrates (the shipped rule sets are published
by migrate), adds the demo zone's structure and `--enterprises` demo enterprises with their qualifications
(`registry.demo`), three fiscal years of yearly facts for every enterprise taken from the generated enterprises of
the engine benchmark (`synthetic_facts`: figures spread around every threshold, as `AnnualFact` rows, and their
yes/no flags as verified matters, `EnterpriseCheck`), and publishes `--fund-items` generated fund-item rule sets.

Measured:
(a) the whole job — `rules.services.evaluate_registry` over every enterprise × every published rule set in force,
    as the background task runs it: reading the facts from the database, building the frame, the vectorised
    evaluation, and replacing the stored results (one row per enterprise × rule set with the result, score, counts
    and every item's result) — with its phases. Target: under 30 s.
(b) the enterprise profile page (GET /registry/enterprises/<pk>/ as the zone leader: the registry card and the
    rules card, whose sentences are written from the facts by the per-enterprise engine) and the 培育名单 "差一项"
    page of 高企 (50 rows with their sentences): `--runs` times each (default 30) after three warm-ups. Target:
    profile median under 100 ms.

Run alone: `python bench/rules_registry_bench.py [--enterprises 50000] [--fund-items 50] [--out r.json]`; `make
bench` runs it after the engine benchmark (bench/rules_bench.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import django_env, setup_django, summary_ms, table

JOB_TARGET_SECONDS = 30.0
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
PAGE_TARGET_MS = 100.0
AS_OF = dt.date(2026, 6, 30)


def _seed(enterprises: int, fund_items: int, seed: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from gaoxin.indicators.models import AnnualFact
    from gaoxin.registry.demo import generate_enterprises, seed_structure, write_enterprises
    from gaoxin.registry.models import CHECK_NAMES, EnterpriseCheck
    from gaoxin.rules.engine import document_to_json
    from gaoxin.rules.engine.vector import fund_item_document, fund_item_rulesets, synthetic_facts
    from gaoxin.rules.engine.vector.synthetic import inputs_of
    from gaoxin.rules.models import RuleSetStatus, RuleSetVersion
    from gaoxin.rules.services import compiled, published_in_force

    timings: dict[str, float] = {}
    t = time.perf_counter()
    structure = seed_structure()
    written = write_enterprises(generate_enterprises(enterprises, seed=seed, today=AS_OF), structure)
    timings["enterprises"] = time.perf_counter() - t

    t = time.perf_counter()
    shipped = [compiled(v) for v in published_in_force(AS_OF)]
    funds = fund_item_rulesets(fund_items, seed=seed)
    facts = synthetic_facts(
        enterprises, seed=seed, year=AS_OF.year - 1, as_of=AS_OF, inputs=inputs_of([*shipped, *funds]), edge_share=0.05
    )
    table_name = AnnualFact._meta.db_table
    now = timezone.now()
    rows = [
        (e.pk, year, name, str(value), "bench", now)
        for e, fact in zip(written, facts, strict=True)
        for year, values in fact.years.items()
        for name, value in values.items()
    ]
    columns = "enterprise_id, year, name, value, source, updated_at"
    with transaction.atomic(), connection.cursor() as cursor:
        sql = f"INSERT INTO {table_name} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)"  # noqa: S608 (model names)
        cursor.executemany(sql, rows)
    # The yes/no flags of the generated enterprises, as the matters officers verified (核实事项).
    checks = [
        EnterpriseCheck(enterprise_id=e.pk, name=name, value=value, checked_on=AS_OF - dt.timedelta(days=30))
        for e, fact in zip(written, facts, strict=True)
        for name, value in fact.flags.items()
        if name in CHECK_NAMES and value is not None
    ]
    EnterpriseCheck.objects.bulk_create(checks, batch_size=5000)
    timings["facts"] = time.perf_counter() - t

    t = time.perf_counter()
    for ruleset, i in zip(funds, range(1, fund_items + 1), strict=True):
        RuleSetVersion.objects.create(
            code=ruleset.code,
            version=ruleset.version,
            name=ruleset.name,
            source=ruleset.source,
            valid_from=ruleset.valid_from,
            valid_to=ruleset.valid_to,
            document=document_to_json(fund_item_document(i, seed=seed)),
            status=RuleSetStatus.PUBLISHED,
            published_at=now,
        )
    timings["fund_items"] = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"timings": timings, "annual_facts": len(rows), "checks": len(checks), "enterprises": written}


def run(enterprises: int, fund_items: int, runs: int, seed: int, database: str = "sqlite") -> dict[str, Any]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-rules-") as tmp:
        if database == "sqlite":
            os.environ.update(django_env(f"sqlite:///{Path(tmp) / 'rules.sqlite3'}"))
        elif not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            raise SystemExit("--database postgresql：请在 scripts/with-postgres.sh 下运行（它设置 DATABASE_URL）")
        else:
            os.environ.update(django_env(os.environ["DATABASE_URL"]))
        setup_django()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from gaoxin.accounts.models import User
        from gaoxin.accounts.roles import Role
        from gaoxin.rules import services
        from gaoxin.rules.models import EnterpriseResult

        call_command("migrate", verbosity=0, interactive=False)
        world = _seed(enterprises, fund_items, seed)

        t = time.perf_counter()
        evaluation = services.evaluate_registry(trigger="基准测试", as_of=AS_OF)
        job_seconds = time.perf_counter() - t
        phases = dict(getattr(evaluation, "phases", {}))
        stored = EnterpriseResult.objects.count()
        counts = {kind: EnterpriseResult.objects.filter(result=kind).count() for kind in ("pass", "fail", "unknown")}

        leader = User.objects.create_user(username="bench-leader", password=None, role=Role.LEADER)
        client = Client()
        client.force_login(leader, backend="django.contrib.auth.backends.ModelBackend")
        rng = random.Random(seed)
        ids = [e.pk for e in world["enterprises"]]
        hnte = services.version_for("hnte", AS_OF)

        def measure(urls: list[str]) -> dict[str, Any]:
            for url in urls[:3]:
                assert client.get(url).status_code == 200, url
            samples = []
            with CaptureQueriesContext(connection) as captured:
                for url in urls[3:]:
                    t0 = time.perf_counter()
                    response = client.get(url)
                    samples.append(time.perf_counter() - t0)
                    assert response.status_code == 200, url
            out = summary_ms(samples)
            out["queries_per_request"] = round(len(captured.captured_queries) / max(len(samples), 1), 1)
            return out

        profile = measure([f"/registry/enterprises/{rng.choice(ids)}/" for _ in range(runs + 3)])
        near = measure([f"/rules/{hnte.pk}/candidates/?kind=near"] * (runs + 3))
        return {
            "database": connection.vendor,
            "enterprises": enterprises,
            "fund_items": fund_items,
            "rulesets": evaluation.rulesets,
            "annual_facts": world["annual_facts"],
            "checks": world["checks"],
            "setup_seconds": {k: round(v, 1) for k, v in world["timings"].items()},
            "job_seconds": round(job_seconds, 1),
            "phases": {k: round(v, 2) for k, v in phases.items()},
            "results_stored": stored,
            "results_by_kind": counts,
            "profile_ms": profile,
            "near_list_ms": near,
            "job_target_seconds": JOB_TARGET_SECONDS,
            "page_target_ms": PAGE_TARGET_MS,
            "ok": job_seconds < JOB_TARGET_SECONDS and profile["median_ms"] < PAGE_TARGET_MS,
            "wall_seconds": round(time.perf_counter() - started, 1),
        }


def print_registry(result: dict[str, Any]) -> None:
    phases = result["phases"]
    names = {
        "facts": "读取企业数据（数据库）",
        "frame": "构建宽表",
        "evaluate": "向量化评价",
        "rows": "整理结果行",
        "store": "写入结果（替换旧结果）",
    }
    print()
    print(
        f"全库评估任务（{DATABASE_NAMES[result['database']]}：{result['enterprises']} 家企业、"
        f"{result['annual_facts']} 条年度数据、{result.get('checks', 0)} 条核实事项 × "
        f"{result['rulesets']} 个规则集 = {result['results_stored']} 条结果）"
    )
    rows = [[f"    {names.get(k, k)}", f"{v:.2f} 秒", ""] for k, v in phases.items()]
    ok_job = result["job_seconds"] < result["job_target_seconds"]
    rows.insert(
        0,
        ["(a) 整个任务", f"{result['job_seconds']:.1f} 秒", f"目标 < {result['job_target_seconds']:.0f} 秒 "
         f"{'✓' if ok_job else '✗ 超标'}"],
    )  # fmt: skip
    p, n = result["profile_ms"], result["near_list_ms"]
    ok_page = p["median_ms"] < result["page_target_ms"]
    rows.append(
        ["(b) 企业画像页（含认定条件评估）", f"中位 {p['median_ms']:.0f} 毫秒 / p95 {p['p95_ms']:.0f}",
         f"目标 < {result['page_target_ms']:.0f} 毫秒 {'✓' if ok_page else '✗ 超标'}"]
    )  # fmt: skip
    rows.append(
        ["    高企“差一项”名单页（50 家及其说明）", f"中位 {n['median_ms']:.0f} 毫秒 / p95 {n['p95_ms']:.0f}", ""]
    )
    print(table(["", "用时", ""], rows, right=(1,)))
    kinds = result["results_by_kind"]
    setup = "，".join(f"{k} {v} 秒" for k, v in result["setup_seconds"].items())
    print(f"（结论：符合 {kinds['pass']}，不符合 {kinds['fail']}，待核实 {kinds['unknown']}；准备数据：{setup}）")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="全库评估任务与页面基准（临时 SQLite 库或临时 PostgreSQL）")
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--fund-items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="sqlite：临时文件库（默认）；postgresql：DATABASE_URL 所指的库（在 scripts/with-postgres.sh 下运行）",
    )
    args = parser.parse_args(argv)
    result = run(args.enterprises, args.fund_items, args.runs, args.seed, args.database)
    print_registry(result)
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
