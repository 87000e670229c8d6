"""Benchmark (b): the enterprise list page /registry/enterprises/ over a large registry.

Runs against whatever DATABASE_URL names (bench/run.py gives it a scratch SQLite file, then a throwaway PostgreSQL
server through scripts/with-postgres.sh): migrates, seeds `seed_demo --enterprises N`, logs in as the demo bureau
officer and requests each scenario (filters, search, paging, the htmx fragment) through Django's test client —
the whole middleware stack, view, selector, template; no network — after three warm-up requests. Reports median,
p95, the number of SQL queries of one request, the matching rows, and the slowest query with its plan.

On its own: `DATABASE_URL=sqlite:////tmp/b.sqlite3 python bench/list_bench.py --enterprises 50000 --out r.json`.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import LIST_TARGET_MEDIAN_MS, setup_django, summary_ms

URL = "/registry/enterprises/"


def scenarios() -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """(label, query, extra headers). Ids are looked up in the seeded zone."""
    from gaoxin.registry.models import Enterprise, Industry, Park, QualificationType

    park = str(Park.objects.get(code="TJW").pk)  # the largest park
    small_park = str(Park.objects.get(code="NP").pk)
    leading = str(Industry.objects.get(code="01").pk)  # 集成电路 and its 细分领域
    leaf = str(Industry.objects.get(code="0203").pk)  # 医疗器械
    hnte = str(QualificationType.objects.get(code="hnte").pk)
    giant = str(QualificationType.objects.get(code="little_giant").pk)
    names = Enterprise.objects.order_by("id").values_list("name", flat=True)
    sample = names[min(777, names.count() - 1)]
    fragment = sample.replace("珠海市", "").replace("珠海", "")[:4]
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{URL}"}
    return [
        ("全部企业（第1页）", {}, {}),
        ("全部企业（第2页）", {"page": "2"}, {}),
        ("全部企业（第1000页）", {"page": "1000"}, {}),
        ("园区筛选（唐家湾）", {"park": park}, {}),
        ("主导产业（集成电路，含细分）", {"industry": leading}, {}),
        ("细分领域（医疗器械）第2页", {"industry": leaf, "page": "2"}, {}),
        ("规上企业", {"above_scale": "1"}, {}),
        ("资质：高新技术企业", {"qualification": hnte}, {}),
        ("资质：小巨人", {"qualification": giant}, {}),
        ("名称片段（医疗器械）", {"q": "医疗器械"}, {}),
        (f"名称片段（{fragment}）", {"q": fragment}, {}),
        ("拼音首字母（zhhx）", {"q": "zhhx"}, {}),
        ("信用代码前缀（91440400MA5）", {"q": "91440400MA5"}, {}),
        ("组合：园区+产业+规上+高企", {"park": small_park, "industry": leading, "above_scale": "1",
                                       "qualification": hnte}, {}),
        ("排序：成立日期从新到旧", {"sort": "-founded_on"}, {}),
        ("htmx 局部刷新：拼音+园区", {"q": "zhhx", "park": park}, htmx),
    ]  # fmt: skip


def _matches(officer: Any, query: dict[str, str]) -> int:
    from django.http import QueryDict

    from gaoxin.registry import forms, selectors

    data = QueryDict(mutable=True)
    data.update(query)
    form = forms.EnterpriseFilterForm(data, actor=officer)
    return selectors.enterprise_list(officer, form.filters()).count()


def _explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [" ".join(str(c) for c in row[1:]) for row in cursor.fetchall()]


def run(enterprises: int, requests: int, seed: int) -> dict[str, Any]:
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gaoxin.accounts.models import User

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    call_command("seed_demo", enterprises=enterprises, seed=seed, stdout=io.StringIO())
    seed_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # the steady state of a live server: autovacuum would have vacuumed and analysed the freshly loaded tables
        # within a minute; measuring while it runs would only add noise
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    officer = User.objects.get(username="officer")
    client = Client()
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    results = []
    for label, query, headers in scenarios():
        url = URL + ("?" + urlencode(query) if query else "")
        for _ in range(3):
            response = client.get(url, **headers)  # type: ignore[arg-type]
            assert response.status_code == 200, (url, response.status_code)
        timings = []
        for _ in range(requests):
            t0 = time.perf_counter()
            response = client.get(url, **headers)  # type: ignore[arg-type]
            timings.append(time.perf_counter() - t0)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(url, **headers)  # type: ignore[arg-type]
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
        slow_sql = slowest["sql"]
        results.append(
            {
                "scenario": label,
                "url": url,
                "htmx": bool(headers),
                **summary_ms(timings),
                "queries": len(captured.captured_queries),
                "matches": _matches(officer, query),
                "sql": [q["sql"][:160] for q in captured.captured_queries],
                "slowest_query_ms": round(float(slowest["time"]) * 1000, 1),
                "slowest_sql": slow_sql[:2000],
                "plan": _explain(slow_sql) if slow_sql.lstrip().upper().startswith("SELECT") else [],
            }
        )
    return {
        "database": connection.vendor,
        "enterprises": enterprises,
        "seed_seconds": round(seed_seconds, 1),
        "requests_per_scenario": requests,
        "target_median_ms": LIST_TARGET_MEDIAN_MS,
        "scenarios": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="企业库列表页基准")
    parser.add_argument("--enterprises", type=int, default=50000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    text = json.dumps(run(args.enterprises, args.requests, args.seed), ensure_ascii=False, indent=2)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
