"""Policy cashing benchmark (issue 6): a 免申即享 run over 50,000 enterprises, and the officer's application list.

In a scratch SQLite database (a fresh file in a temporary directory: DATABASE_URL is set here, whatever the environment
says) it migrates, adds the demo zone's structure and `--enterprises` enterprises (default 50,000) each with last
year's 营业收入, and stores a registry-wide result of the rule set `above_scale_industry` for every one of them (about a
third passing, as the evaluation writes them: the evaluation has its own benchmark, bench/rules_registry_bench.py).

Measured:
(a) the eligible list of a 免申即享 item (`services.offers_generate`: stored results → candidates with their amounts,
    from the facts of every passing enterprise) and sending the offers (`services.offers_send`: deadlines, events,
    one in-app message per enterprise user) — seconds, once each;
(b) with `--applications` applications (default 10,000) spread over the stages of an ordinary item, the officer's list
    filtered by stage: GET /policy/applications/?stage=expert through Django's test client (middleware, view, scoped
    selector, paginator, template), and the selector's count alone — `--runs` times after three warm-ups: median, p95,
    SQL queries. Target: median < 200 ms.

Run: `python bench/policy_bench.py [--enterprises 50000] [--applications 10000] [--out r.json]`, or
`python bench/run.py --only policy`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_MEDIAN_MS = 200.0


def _measure(call: Any, runs: int) -> dict[str, Any]:
    from django.db import connection

    for _ in range(3):
        call()
    samples = []
    statements: list[str] = []

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        call()
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(ordered[max(0, int(0.95 * len(ordered) + 0.999) - 1)], 1),
        "queries": len(statements),
        "runs": runs,
    }


def _world(enterprises: int, seed: int, today: dt.date) -> dict[str, Any]:
    from gaoxin.accounts.models import User
    from gaoxin.accounts.roles import Role
    from gaoxin.indicators.models import AnnualFact
    from gaoxin.registry.demo import generate_enterprises, seed_structure, write_enterprises
    from gaoxin.rules.models import EnterpriseResult
    from gaoxin.rules.services import version_for

    structure = seed_structure()
    rows = write_enterprises(generate_enterprises(enterprises, seed=seed, today=today), structure)
    rng = random.Random(seed)
    facts, results = [], []
    version = version_for("above_scale_industry", today)
    now = dt.datetime.now(dt.UTC)
    for enterprise in rows:
        revenue = Decimal(int(rng.lognormvariate(7.5, 1.0)))
        facts.append(AnnualFact(enterprise=enterprise, year=today.year - 1, name="revenue", value=revenue))
        results.append(
            EnterpriseResult(
                ruleset=version,
                enterprise=enterprise,
                result="pass" if rng.random() < 0.33 else "fail",
                failed=0,
                unknown=0,
                as_of=today,
                validity="current",
                facts_digest="bench",
                evaluated_at=now,
            )
        )
    AnnualFact.objects.bulk_create(facts, batch_size=5000)
    EnterpriseResult.objects.bulk_create(results, batch_size=5000)
    department = next(iter(structure.departments.values()))
    officer = User.objects.create_user(username="officer", full_name="陈思敏", role=Role.OFFICER, department=department)
    for enterprise in rows[: len(rows) // 10]:  # a tenth of the enterprises have a bound user
        User.objects.create(username=f"e{enterprise.pk}", role=Role.ENTERPRISE, enterprise=enterprise)
    return {"enterprises": rows, "officer": officer, "department": department}


def _items(officer: Any, department: Any, today: dt.date) -> tuple[Any, Any]:
    from gaoxin.policy import services

    policy = services.policy_save(
        actor=officer,
        data={
            "title": "基准测试政策",
            "number": "珠高新〔2026〕99号",
            "issuer": "管委会",
            "level": "zone",
            "category": "talent",
            "effective_from": dt.date(today.year, 1, 1),
            "body": "正文",
        },
    )
    services.policy_publish(actor=officer, policy=policy)
    offer_item = services.fund_item_save(
        actor=officer,
        policy=policy,
        data={
            "code": "MS-BENCH",
            "name": "规上工业企业人才租房补贴（免申即享）",
            "department": department,
            "eligibility_code": "above_scale_industry",
            "no_application": True,
            "amount_kind": "tiers",
            "amount_fact": "revenue",
            "amount_tiers": [["0", "10000"], ["2000", "30000"], ["10000", "50000"]],
            "budget_yuan": Decimal("1000000000"),
            "opens_on": today - dt.timedelta(days=10),
            "closes_on": today + dt.timedelta(days=30),
        },
    )
    item = services.fund_item_save(
        actor=officer,
        policy=policy,
        data={
            "code": "YF-BENCH",
            "name": "研发费用补助",
            "department": department,
            "amount_kind": "fixed",
            "amount_fixed_yuan": Decimal("100000"),
            "budget_yuan": Decimal("10000000000"),
            "opens_on": today - dt.timedelta(days=60),
            "closes_on": today + dt.timedelta(days=30),
        },
        materials=[{"name": "审计报告", "kinds": "pdf"}],
    )
    return offer_item, item


def _applications(item: Any, enterprises: list[Any], count: int, seed: int, today: dt.date) -> dict[str, int]:
    from django.utils import timezone

    from gaoxin.policy.models import Application, AppStatus, Stage

    rng = random.Random(seed + 1)
    states = [
        (AppStatus.IN_REVIEW, Stage.FORM),
        (AppStatus.IN_REVIEW, Stage.EXPERT),
        (AppStatus.IN_REVIEW, Stage.DEPARTMENT),
        (AppStatus.IN_REVIEW, Stage.LEADER),
        (AppStatus.APPROVED, Stage.NOTICE),
        (AppStatus.PAYABLE, Stage.PAYMENT),
        (AppStatus.PAID, Stage.PAYMENT),
        (AppStatus.REJECTED, Stage.FORM),
        (AppStatus.RETURNED, Stage.FORM),
    ]
    chosen = rng.sample(enterprises, min(count, len(enterprises)))
    rows: list[Any] = []
    counts: dict[str, int] = {}
    for n, enterprise in enumerate(chosen, start=1):
        status, stage = rng.choice(states)
        key = f"{status}:{stage}"
        counts[key] = counts.get(key, 0) + 1
        rows.append(
            Application(
                number=f"ZB{today.year}{n:06d}",
                fund_item=item,
                enterprise=enterprise,
                status=status,
                stage=stage,
                stage_due=today + dt.timedelta(days=rng.randint(-5, 10)),
                requested_yuan=Decimal("100000"),
                awarded_yuan=Decimal("100000") if status in ("approved", "payable", "paid") else None,
                submitted_at=timezone.now() - dt.timedelta(days=rng.randint(1, 60), minutes=n),
                project_name=f"项目{n}",
            )
        )
    Application.objects.bulk_create(rows, batch_size=2000)
    return counts


def run(enterprises: int, applications: int, runs: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-policy-") as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'policy.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings.dev")
        os.environ["DEBUG"] = "0"
        os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.utils import timezone

        from gaoxin.policy import selectors, services
        from gaoxin.policy.models import Application, AppStatus

        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
        call_command("migrate", verbosity=0, interactive=False)
        today = timezone.localdate()
        world = _world(enterprises, seed, today)
        seeded = time.perf_counter()
        officer = world["officer"]
        offer_item, item = _items(officer, world["department"], today)

        t0 = time.perf_counter()
        generated = services.offers_generate(actor=officer, item=offer_item, today=today)
        t1 = time.perf_counter()
        sent = services.offers_send(actor=officer, item=offer_item, today=today)
        t2 = time.perf_counter()
        offered_total = sum(
            (
                a or 0
                for a in Application.objects.filter(status=AppStatus.OFFERED).values_list("requested_yuan", flat=True)
            ),
            Decimal(0),
        )

        counts = _applications(item, world["enterprises"], applications, seed, today)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        client = Client()
        client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
        url = f"/policy/applications/?item={item.pk}&stage=expert"

        def page() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        def count() -> None:
            selectors.application_list(officer, fund_item=item.pk, stage="expert").count()

        listed = selectors.application_list(officer, fund_item=item.pk, stage="expert").count()
        result: dict[str, Any] = {
            "database": connection.vendor,
            "enterprises": enterprises,
            "seconds_setup": round(seeded - started, 1),
            "no_application": {
                "eligible_candidates": generated.created,
                "offers_sent": sent,
                "offers_total_yuan": str(offered_total),
                "generate_seconds": round(t1 - t0, 2),
                "send_seconds": round(t2 - t1, 2),
            },
            "application_list": {
                "applications": applications,
                "by_state": counts,
                "expert_stage_rows": listed,
                "page": {"url": url, **_measure(page, runs)},
                "selector_count": _measure(count, runs),
                "target_median_ms": TARGET_MEDIAN_MS,
            },
        }
        result["application_list"]["met"] = result["application_list"]["page"]["median_ms"] < TARGET_MEDIAN_MS
        connection.close()
        return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="政策兑现基准：免申即享名单与申报列表")
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    result = run(args.enterprises, args.applications, args.runs, args.seed)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    sys.stdout.write(text + "\n")
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
