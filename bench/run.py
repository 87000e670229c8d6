"""`make bench`: the platform's benchmarks, with a table on the terminal and bench/results/latest.json.

(a) registry import — `manage.py import_enterprises FILE --json` on a 20,000-row .xlsx (FORMATS.md 1a) into a
    fresh scratch SQLite database, then the same file again (idempotent re-import). Target: under 20 s.
(b) enterprise list — /registry/enterprises/ with filters, search and paging over 50,000 enterprises
    (`seed_demo --enterprises 50000`), as the demo bureau officer, 30 requests per scenario, on SQLite and on
    PostgreSQL 15 (a throwaway server from scripts/with-postgres.sh). Target: median under 150 ms.

Every run works in scratch databases: the developer's var/db.sqlite3 is never touched. Options shrink the run
for a quick look, e.g. `python bench/run.py --enterprises 5000 --import-rows 2000 --requests 10`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    BENCH,
    IMPORT_TARGET_SECONDS,
    LIST_TARGET_MEDIAN_MS,
    PYTHON,
    RESULTS,
    ROOT,
    WITH_POSTGRES,
    django_env,
    table,
)


def _step(text: str) -> None:
    print(f"▶ {text}", flush=True)


def run_import(rows: int) -> dict[str, Any]:
    _step(f"企业名录导入：生成 {rows} 行 .xlsx，导入空的 SQLite 库，再重复导入一次 …")
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-") as tmp:
        out = Path(tmp) / "import.json"
        subprocess.run(
            [PYTHON, str(BENCH / "import_bench.py"), "--rows", str(rows), "--out", str(out)],
            cwd=ROOT,
            env=django_env(),
            check=True,
        )
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result


def run_list(database: str, enterprises: int, requests: int) -> dict[str, Any]:
    label = "SQLite" if database == "sqlite" else "PostgreSQL"
    _step(f"企业库列表页（{label}）：生成 {enterprises} 家企业，每个场景 {requests} 次请求 …")
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-") as tmp:
        out = Path(tmp) / "list.json"
        command = [
            PYTHON,
            str(BENCH / "list_bench.py"),
            "--enterprises",
            str(enterprises),
            "--requests",
            str(requests),
            "--out",
            str(out),
        ]
        if database == "sqlite":
            env = django_env(f"sqlite:///{Path(tmp) / 'list.sqlite3'}")
        else:
            env = django_env()
            env.pop("DATABASE_URL", None)  # with-postgres.sh sets it
            command = [str(WITH_POSTGRES), *command]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, check=False)
        if done.returncode or not out.exists():
            return {"database": database, "error": f"退出码 {done.returncode}"}
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        result["wall_seconds"] = round(time.perf_counter() - started, 1)
        return result


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗ 超标"


def print_import(result: dict[str, Any]) -> None:
    print()
    print(f"企业名录导入（{result.get('rows')} 行，目标 < {IMPORT_TARGET_SECONDS:.0f} 秒）")
    if "skipped" in result:
        print(f"  跳过：{result['skipped']}")
        return
    first, again = result["first"], result["reimport"]
    rows = [
        ["首次导入", f"{first['seconds']:.1f} 秒", str(first["created"]), str(first["unchanged"]), str(first["errors"]),
         _mark(first["seconds"] < IMPORT_TARGET_SECONDS and first["exit_code"] == 0)],
        ["重复导入（应全部不变）", f"{again['seconds']:.1f} 秒", str(again["created"]), str(again["unchanged"]),
         str(again["errors"]), _mark(again["seconds"] < IMPORT_TARGET_SECONDS and again["exit_code"] == 0)],
    ]  # fmt: skip
    print(table(["", "用时", "新增", "不变", "错误", ""], rows, right=(1, 2, 3, 4)))
    if not result.get("ok"):
        print("  注意：导入结果与预期不符", first.get("first_errors") or first.get("stderr_tail"))


def print_list(results: list[dict[str, Any]]) -> None:
    done = [r for r in results if "scenarios" in r]
    for r in results:
        if "error" in r:
            print(f"\n企业库列表页（{r['database']}）失败：{r['error']}")
    if not done:
        return
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    enterprises = done[0]["enterprises"]
    print()
    target = f"目标中位数 < {LIST_TARGET_MEDIAN_MS:.0f} 毫秒"
    print(f"企业库列表页 /registry/enterprises/（{enterprises} 家企业，科室人员登录，{target}）")
    seeds = "，".join(f"{names[r['database']]} 生成演示数据 {r['seed_seconds']} 秒" for r in done)
    print(f"（{seeds}；单位：毫秒；查询数为一次请求的 SQL 条数）")
    header = ["场景"]
    for r in done:
        name = names[r["database"]]
        header += [f"{name} 中位数", "P95", "查询数"]
    header += ["命中", ""]
    rows = []
    for i, scenario in enumerate(done[0]["scenarios"]):
        row = [scenario["scenario"]]
        ok = True
        for r in done:
            s = r["scenarios"][i]
            row += [f"{s['median_ms']:.1f}", f"{s['p95_ms']:.1f}", str(s["queries"])]
            ok = ok and s["median_ms"] < LIST_TARGET_MEDIAN_MS
        row += [str(scenario["matches"]), _mark(ok)]
        rows.append(row)
    right = tuple(range(1, len(header) - 1))
    print(table(header, rows, right=right))
    for r in done:
        slow = [s for s in r["scenarios"] if s["median_ms"] >= LIST_TARGET_MEDIAN_MS]
        for s in slow:
            print(f"\n{names[r['database']]}「{s['scenario']}」超标：最慢的一条 SQL {s['slowest_query_ms']} 毫秒")
            print("  " + s["slowest_sql"][:600])
            for line in s["plan"][:12]:
                print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description="高新区平台基准测试（导入、企业库列表页）")
    parser.add_argument("--import-rows", type=int, default=20000, help="导入基准的行数（默认 20000）")
    parser.add_argument("--enterprises", type=int, default=50000, help="列表页基准的企业数（默认 50000）")
    parser.add_argument("--requests", type=int, default=30, help="每个场景的请求次数（默认 30）")
    parser.add_argument("--skip-import", action="store_true", help="不跑导入基准")
    parser.add_argument("--skip-list", action="store_true", help="不跑列表页基准")
    parser.add_argument("--skip-postgres", action="store_true", help="列表页只测 SQLite")
    args = parser.parse_args()

    started = time.perf_counter()
    report: dict[str, Any] = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "targets": {"import_seconds": IMPORT_TARGET_SECONDS, "list_median_ms": LIST_TARGET_MEDIAN_MS},
    }
    if not args.skip_import:
        report["import"] = run_import(args.import_rows)
    if not args.skip_list:
        databases = ["sqlite"]
        if args.skip_postgres:
            pass
        elif shutil.which("runuser") or os.geteuid() != 0:
            databases.append("postgresql")
        report["list"] = [run_list(db, args.enterprises, args.requests) for db in databases]
    report["total_seconds"] = round(time.perf_counter() - started, 1)

    if "import" in report:
        print_import(report["import"])
    if "list" in report:
        print_list(report["list"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    latest = RESULTS / "latest.json"
    latest.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\n共用时 {report['total_seconds']} 秒；结果已写入 {latest.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
