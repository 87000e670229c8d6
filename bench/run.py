"""`make bench`: the platform's benchmarks, with a table on the terminal and bench/results/latest.json.

(a) registry import — `manage.py import_enterprises FILE --json` on a 20,000-row .xlsx (FORMATS.md 1a) into a
    fresh scratch SQLite database, then the same file again (idempotent re-import). Target: under 20 s.
(b) enterprise list — /registry/enterprises/ with filters, search and paging over 50,000 enterprises
    (`seed_demo --enterprises 50000`), as the demo bureau officer, 30 requests per scenario, on SQLite and on
    PostgreSQL 15 (a throwaway server from scripts/with-postgres.sh). Target: median under 150 ms.

(c) monitoring rollups — bench/rollup_bench.py: a generated zone of monthly facts loaded straight into a scratch
    SQLite file and a throwaway PostgreSQL 15, and into an in-memory DuckDB from the same files. One tile
    (rollup(output_value, by="park"), comparable-basis YoY, 30 runs: for the whole zone, read from the pre-computed
    cells, and over a filtered scope, computed exactly; also its first read and its first read after a change) and
    the whole cockpit (GET /monitoring/ as a leader, 10 runs; also its first request and the first after an
    enterprise moves to another park). Targets: the tile within 3× of DuckDB on the same rows (SQLite for the
    reference zone, PostgreSQL for the large one); the cockpit under 300 ms (reference zone) and under 1 s (large
    zone). And the zone's monthly economic briefing (issue 8, `briefings.selectors.draft`: every rollup of its text
    on the same cells, its tables; 5 runs, plus Word, PDF and Excel), target under 5 s for the large zone (judged
    on PostgreSQL) and shown for the reference zone. By default only the reference zone (5,000 enterprises,
    5 years, ~5 M rows); `--rollup-zone large|both` adds the large zone (50,000 enterprises, 10 years, ~47 M rows),
    which takes about 15 minutes on a 2-core machine and is kept in bench/results/rollup-large.json, shown again
    by later runs.

(d) registry-wide rules evaluation — bench/rules_bench.py: 50,000 generated enterprises × the shipped rule sets and
    50 generated fund-item rule sets, vectorised and per enterprise (no database); then the platform's whole job and
    the profile page (bench/rules_registry_bench.py) on SQLite and on PostgreSQL. `--only rules` runs only this.

(e) enterprise service scoreboard — bench/service_bench.py: a year of 20,000 appeals across 30 departments in a
    scratch SQLite file; the scoreboard selector, the scoreboard page and the overdue notice page as a leader, 30 runs
    each. Target: median under 300 ms. `--only service` runs only this, `--skip-service` leaves it out.

(f) policy cashing — bench/policy_bench.py: the 免申即享 eligible list and the sending of its offers over 50,000
    enterprises, and the officer's application list over 10,000 applications (target: median under 200 ms).
    `--only policy` runs only this, `--skip-policy` leaves it out.

Every run works in scratch databases: the developer's var/db.sqlite3 is never touched. Options shrink the run
for a quick look, e.g. `python bench/run.py --enterprises 5000 --import-rows 2000 --requests 10`, or only the
rollups: `python bench/run.py --skip-import --skip-list`.
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
    COCKPIT_TARGET_MS,
    IMPORT_TARGET_SECONDS,
    LIST_TARGET_MEDIAN_MS,
    PYTHON,
    RESULTS,
    ROLLUP_TILE_RATIO_TARGET,
    ROLLUP_TILE_TARGET_DATABASE,
    ROOT,
    WITH_POSTGRES,
    django_env,
    table,
)

#: Wall time of the large rollup zone on the 2-core reference machine (generation, loads, index builds, runs).
LARGE_ZONE_MINUTES = 15
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "duckdb": "DuckDB"}
ZONE_LABELS = {"reference": "参考园区", "large": "大型园区"}
LARGE_RESULTS = RESULTS / "rollup-large.json"
#: Issue 8: the monthly briefing of the large zone in under 5 s.
BRIEFING_TARGET_MS = 5000.0


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


def run_rules(enterprises: int) -> dict[str, Any]:
    """(d) registry-wide rules evaluation — bench/rules_bench.py (engine only, facts in memory; prints its table)."""
    _step(f"全区规则评价：生成 {enterprises} 家企业和 50 个申报项目规则集，向量化与逐企业两条路径 …")
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-") as tmp:
        out = Path(tmp) / "rules.json"
        subprocess.run(
            [PYTHON, str(BENCH / "rules_bench.py"), "--enterprises", str(enterprises), "--out", str(out)],
            cwd=ROOT,
            env=django_env(),
            check=True,
        )
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result


def run_policy() -> dict[str, Any]:
    """(f) policy cashing — bench/policy_bench.py (its own scratch SQLite file; prints its figures as JSON)."""
    _step("政策兑现：5 万家企业的免申即享名单与发送，1 万件申报的科室列表页 …")
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-") as tmp:
        out = Path(tmp) / "policy.json"
        subprocess.run(
            [PYTHON, str(BENCH / "policy_bench.py"), "--out", str(out)], cwd=ROOT, env=django_env(), check=True
        )
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result


def run_service() -> dict[str, Any]:
    """(e) the service scoreboard — bench/service_bench.py (its own scratch SQLite file; prints its table)."""
    _step("部门考核：生成一年 20000 件企业诉求（30 个承办部门），测考核选择器、考核页和逾期通报页各 30 次 …")
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-") as tmp:
        out = Path(tmp) / "service.json"
        subprocess.run(
            [PYTHON, str(BENCH / "service_bench.py"), "--out", str(out)], cwd=ROOT, env=django_env(), check=True
        )
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result


def _postgres_available() -> bool:
    return bool(shutil.which("runuser")) or os.geteuid() != 0


def _rollup_measure(database: str, directory: Path, tile_runs: int, cockpit_runs: int) -> dict[str, Any]:
    out = directory / f"{database}.json"
    command = [
        PYTHON,
        str(BENCH / "rollup_bench.py"),
        "measure",
        "--dir",
        str(directory),
        "--tile-runs",
        str(tile_runs),
        "--cockpit-runs",
        str(cockpit_runs),
        "--out",
        str(out),
    ]
    scratch = directory / "rollup.sqlite3"
    if database == "sqlite":
        env = django_env(f"sqlite:///{scratch}")
    else:
        env = django_env()
        env.pop("DATABASE_URL", None)  # with-postgres.sh sets it
        command = [str(WITH_POSTGRES), *command]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, check=False)
    for leftover in directory.glob("rollup.sqlite3*"):
        leftover.unlink()  # the large zone's file is several GB
    if done.returncode or not out.exists():
        return {"database": database, "error": f"退出码 {done.returncode}"}
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    return result


def _close(a: str, b: str) -> bool:
    x, y = float(a), float(b)
    return abs(x - y) <= 0.01 + abs(y) * 1e-9


def _disagreements(ours: dict[str, Any], theirs: dict[str, Any], label: str) -> list[str]:
    """Differences between two results of the tile, park by park (counts exactly, sums to a hundredth)."""
    problems = []
    for park in sorted(set(ours) | set(theirs)):
        a, b = ours.get(park), theirs.get(park)
        if a is None or b is None:
            problems.append(f"{label}：园区 {park} 只在一边")
            continue
        for key in ("enterprises", "comparable_enterprises"):
            if a[key] != b[key]:
                problems.append(f"{label}：园区 {park} {key} {a[key]} ≠ {b[key]}")
        for key in ("value", "comparable_value", "base"):
            if not _close(a[key], b[key]):
                problems.append(f"{label}：园区 {park} {key} {a[key]} ≠ {b[key]}")
    return problems


def run_rollup(zone: str, tile_runs: int, cockpit_runs: int, postgres: bool) -> dict[str, Any]:
    label = ZONE_LABELS[zone]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-rollup-") as tmp:
        directory = Path(tmp)
        _step(f"经济运行汇总（{label}）：生成月度数据 …")
        generated = subprocess.run(
            [PYTHON, str(BENCH / "rollup_bench.py"), "generate", "--zone", zone, "--dir", str(directory)],
            cwd=ROOT,
            env=django_env(f"sqlite:///{directory / 'unused.sqlite3'}"),
            capture_output=True,
            text=True,
            check=True,
        )
        meta = json.loads(generated.stdout.strip().splitlines()[-1])
        result: dict[str, Any] = {"zone": zone, "meta": meta, "databases": []}
        for database in ["sqlite", "postgresql"] if postgres else ["sqlite"]:
            _step(f"经济运行汇总（{label}，{NAMES[database]}）：载入 {meta['rows']:,} 条，测一块 {tile_runs} 次、"
                  f"驾驶舱 {cockpit_runs} 次 …")  # fmt: skip
            result["databases"].append(_rollup_measure(database, directory, tile_runs, cockpit_runs))
        _step(f"经济运行汇总（{label}，DuckDB 内存库）：载入同一批数据，测同一块 {tile_runs} 次 …")
        out = directory / "duckdb.json"
        done = subprocess.run(
            [PYTHON, str(BENCH / "rollup_bench.py"), "duckdb", "--dir", str(directory), "--runs", str(tile_runs),
             "--out", str(out)],
            cwd=ROOT,
            check=False,
        )  # fmt: skip
        result["duckdb"] = (
            json.loads(out.read_text(encoding="utf-8")) if out.exists() else {"error": f"退出码 {done.returncode}"}
        )
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    _verdict(result)
    return result


def _verdict(result: dict[str, Any]) -> None:
    """Ratios to DuckDB, the targets met or not, and whether every engine computed the same tile."""
    zone = result["zone"]
    duck = result["duckdb"].get("variants", {})
    best = min(duck.values(), key=lambda v: v["median_ms"]) if duck else None
    best_name = next((name for name, v in duck.items() if v is best), None)
    problems: list[str] = []
    for r in result["databases"]:
        if "error" in r:
            continue
        if best is not None:
            r["tile"]["ratio_to_duckdb"] = round(r["tile"]["median_ms"] / best["median_ms"], 1)
            r["tile_one_statement"]["ratio_to_duckdb"] = round(
                r["tile_one_statement"]["median_ms"] / best["median_ms"], 1
            )
        r["cockpit"]["target_ms"] = COCKPIT_TARGET_MS[zone]
        r["cockpit"]["ok"] = r["cockpit"]["median_ms"] < COCKPIT_TARGET_MS[zone]
        if "briefing" in r:
            r["briefing"]["target_ms"] = BRIEFING_TARGET_MS
            r["briefing"]["ok"] = r["briefing"]["median_ms"] < BRIEFING_TARGET_MS
        for name, variant in duck.items():
            problems += _disagreements(r["tile"]["groups"], variant["groups"], f"{NAMES[r['database']]}/DuckDB {name}")
        if "tile_exact" in r:
            r["tile_exact"]["ratio_to_duckdb"] = (
                round(r["tile_exact"]["median_ms"] / best["median_ms"], 1) if best is not None else None
            )
            problems += _disagreements(
                r["tile_exact"]["groups"], r["tile"]["groups"], f"{NAMES[r['database']]} 明细查询/预计算"
            )
        if not r["tile_one_statement"]["agrees"]:
            problems.append(f"{NAMES[r['database']]} 单条 SQL 与 rollup 的企业数不一致")
    target_db = ROLLUP_TILE_TARGET_DATABASE[zone]
    judged = next((r for r in result["databases"] if r.get("database") == target_db and "tile" in r), None)
    result["targets"] = {
        "tile_ratio": ROLLUP_TILE_RATIO_TARGET,
        "tile_database": target_db,
        "duckdb_baseline": best_name,
        "tile_ok": None
        if judged is None or best is None
        else judged["tile"]["ratio_to_duckdb"] <= ROLLUP_TILE_RATIO_TARGET,
        "cockpit_ms": COCKPIT_TARGET_MS[zone],
    }
    result["agreement"] = {"ok": not problems, "problems": problems[:20]}


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


def _plan_lines(query: dict[str, Any], limit: int = 14) -> list[str]:
    return ["  " + query["sql"][:400], *("    " + line for line in query["plan"][:limit])]


def print_rollup(result: dict[str, Any], *, previous: bool = False) -> None:
    zone, meta = result["zone"], result["meta"]
    spec = meta["spec"]
    title = "上次实测 " if previous else ""
    print()
    print(f"{title}经济运行汇总（{ZONE_LABELS[zone]}：{spec['enterprises']:,} 家企业 · {spec['years']} 年 · "
          f"{meta['indicators']} 项指标 · {meta['rows']:,} 条月度数据，其中未报按0计 {meta['carried_rows']:,} 条；"
          f"最新期 {meta['year']}年1-{meta['month']}月）")  # fmt: skip
    if previous:
        print(f"（{result.get('measured_at', '')} 实测，本次未重跑）")
    done = [r for r in result["databases"] if "tile" in r]
    for r in result["databases"]:
        if "error" in r:
            print(f"  {NAMES[r['database']]} 失败：{r['error']}")
    duck = result["duckdb"]
    loads = [f"生成数据 {meta['generate_seconds']} 秒"]
    loads += [f"{NAMES[r['database']]} 载入 {r['load_seconds']} 秒 + 建索引 {r['index_seconds']} 秒" for r in done]
    if "variants" in duck:
        loads.append(f"DuckDB {duck['version']} 载入 {duck['load_seconds']} 秒")
    print(f"（{'；'.join(loads)}；全程 {result['wall_seconds']} 秒）")
    if "error" in duck:
        print(f"  DuckDB 失败：{duck['error']}")
    targets = result["targets"]
    judged = targets["tile_database"]
    print()
    print(f"一块：工业总产值按园区，可比口径累计同比（单位：毫秒；目标：{NAMES[judged]} 不超过 DuckDB 的 "
          f"{targets['tile_ratio']:.0f} 倍）")  # fmt: skip
    rows = []
    for r in done:
        tile, one = r["tile"], r["tile_one_statement"]
        ratio = tile.get("ratio_to_duckdb")
        ok = ratio is not None and ratio <= targets["tile_ratio"]
        mark = _mark(ok) if r["database"] == judged else ("（达标）" if ok else "（未达标，非考核库）")
        name = NAMES[r["database"]]
        times = [f"{tile['median_ms']:.1f}", f"{tile['p95_ms']:.1f}", str(tile["queries"])]
        rows.append([f"{name} · 平台代码 rollup()（全区：读预计算）", *times, f"{ratio}×" if ratio else "—", mark])
        if "tile_exact" in r:
            exact = r["tile_exact"]
            ratio = exact.get("ratio_to_duckdb")
            times = [f"{exact['median_ms']:.1f}", f"{exact['p95_ms']:.1f}", str(exact["queries"])]
            rows.append(
                [f"{name} · 平台代码 rollup()（部分范围：明细查询）", *times, f"{ratio}×" if ratio else "—", ""]
            )
        ratio = one.get("ratio_to_duckdb")
        rows.append([f"{NAMES[r['database']]} · 单条 SQL（对照）", f"{one['median_ms']:.1f}",
                     f"{one['p95_ms']:.1f}", "1", f"{ratio}×" if ratio is not None else "—", ""])  # fmt: skip
    names = {"cumulative": "DuckDB · 读第 N 月累计数", "scan": "DuckDB · 扫描 1-N 月当月数"}
    for name, variant in duck.get("variants", {}).items():
        base = "（基准）" if name == targets["duckdb_baseline"] else ""
        rows.append([names[name] + base, f"{variant['median_ms']:.1f}", f"{variant['p95_ms']:.1f}", "1", "", ""])
    print(table(["", "中位数", "P95", "SQL条数", "÷DuckDB", ""], rows, right=(1, 2, 3, 4)))
    print(f"（DuckDB：{duck.get('layout', '')}，{duck.get('threads', '?')} 线程；倍数以较快的一种 DuckDB 写法为基准）")
    print("（单条 SQL：同一块写成一条语句，本年第 N 月的行 LEFT JOIN 同一企业上年第 N 月的行；仅作对照，不是平台代码）")
    for r in done:
        tile = r["tile"]
        if "cold_ms" in tile:
            cold, changed = tile["cold_ms"], tile["after_change"]["median_ms"]
            print(
                f"（{NAMES[r['database']]}：载入后第一次读取（安装触发器、计算该期预计算）{cold:.0f} 毫秒；"
                f"一家企业改数后的第一次读取（重算该期）中位数 {changed:.1f} 毫秒）"
            )
    print()
    print(f"驾驶舱整页 GET /monitoring/（领导登录：{len(set(_cockpit_cards()))} 张指标卡 + 趋势 + 分园区 + 分产业；"
          f"目标中位数 < {targets['cockpit_ms']:.0f} 毫秒）")  # fmt: skip
    rows = [
        [NAMES[r["database"]], f"{r['cockpit']['median_ms']:.1f}", f"{r['cockpit']['p95_ms']:.1f}",
         str(r["cockpit"]["queries"]), f"{r['cockpit']['sql_ms']:.0f}", _mark(r["cockpit"]["ok"])]
        for r in done
    ]  # fmt: skip
    print(table(["", "中位数", "P95", "SQL条数", "其中SQL", ""], rows, right=(1, 2, 3, 4)))
    for r in done:
        page = r["cockpit"]
        if "cold_ms" in page:
            cold, moved = page["cold_ms"], page["after_registry_change_ms"]
            print(
                f"（{NAMES[r['database']]}：第一次打开（补算其余各期）{cold:.0f} 毫秒；"
                f"一家企业调整园区后第一次打开（各期全部重算）{moved:.0f} 毫秒）"
            )
    briefed = [r for r in done if "briefing" in r]
    if briefed:
        print()
        print(f"月度经济运行简报（全区，briefings.selectors.draft：正文各段的汇总 + 数据表；"
              f"目标 < {BRIEFING_TARGET_MS / 1000:.0f} 秒，以大型园区 PostgreSQL 为准）")  # fmt: skip
        rows = []
        for r in briefed:
            b = r["briefing"]
            exports = b.get("exports", {})
            rows.append([NAMES[r["database"]], f"{b['median_ms']:.0f}", f"{b['p95_ms']:.0f}", f"{b['cold_ms']:.0f}",
                         " / ".join(f"{exports[k]['ms']:.0f}" for k in ("docx", "pdf", "xlsx") if k in exports),
                         f"{b['paragraphs']} 段 · {b['tables']} 张表", _mark(b["ok"])])  # fmt: skip
        print(table(["", "中位数(毫秒)", "P95", "第一次", "Word / PDF / Excel", "篇幅", ""], rows, right=(1, 2, 3)))
    agreement = result["agreement"]
    if agreement["ok"]:
        print("各引擎结果一致：每个园区的企业数、可比企业数、本期、可比本期、上年同期 ✓")
    else:
        print("注意：各引擎结果不一致 ✗")
        for problem in agreement["problems"]:
            print("  " + problem)
    for r in done:
        name = NAMES[r["database"]]
        ratio = r["tile"].get("ratio_to_duckdb")
        if r["database"] == judged and ratio is not None and ratio > targets["tile_ratio"]:
            tile = r["tile"]
            print(f"\n{name} 一块超标：rollup() {tile['queries']} 条 SQL 合计 {tile['sql_ms']} 毫秒，最慢的一条：")
            print("\n".join(_plan_lines(r["tile"]["slowest"][0])))
        if not r["cockpit"]["ok"]:
            page = r["cockpit"]
            print(f"\n{name} 驾驶舱超标：{page['queries']} 条 SQL 合计 {page['sql_ms']} 毫秒，最慢的一条：")
            print("\n".join(_plan_lines(r["cockpit"]["slowest"][0])))


def _cockpit_cards() -> list[str]:
    """The cockpit's KPI cards (settings.COCKPIT_INDICATORS), read without configuring Django."""
    text = (ROOT / "gaoxin" / "settings" / "base.py").read_text(encoding="utf-8")
    block = text.split("COCKPIT_INDICATORS = env_list(", 1)[-1].split(")", 1)[0]
    return [line.strip().strip('",') for line in block.splitlines() if line.strip().startswith('"')][1:]


def main() -> None:
    parser = argparse.ArgumentParser(description="高新区平台基准测试（导入、企业库列表页、经济运行汇总）")
    parser.add_argument("--import-rows", type=int, default=20000, help="导入基准的行数（默认 20000）")
    parser.add_argument("--enterprises", type=int, default=50000, help="列表页基准的企业数（默认 50000）")
    parser.add_argument("--requests", type=int, default=30, help="每个场景的请求次数（默认 30）")
    parser.add_argument("--skip-import", action="store_true", help="不跑导入基准")
    parser.add_argument("--skip-list", action="store_true", help="不跑列表页基准")
    parser.add_argument("--skip-postgres", action="store_true", help="列表页和经济运行汇总只测 SQLite")
    parser.add_argument(
        "--rollup-zone",
        choices=("reference", "large", "both", "none"),
        default="reference",
        help="经济运行汇总基准的园区规模（默认 reference：5000 家企业、5 年；large：5 万家企业、10 年，"
        f"2 核机器上约 {LARGE_ZONE_MINUTES} 分钟；both 两个都跑；none 不跑）",
    )
    parser.add_argument("--rollup-tile-runs", type=int, default=30, help="一块汇总的测量次数（默认 30）")
    parser.add_argument("--rollup-cockpit-runs", type=int, default=10, help="驾驶舱整页的请求次数（默认 10）")
    parser.add_argument("--skip-rules", action="store_true", help="不跑全区规则评价基准")
    parser.add_argument("--rules-enterprises", type=int, default=50000, help="规则评价基准的企业数（默认 50000）")
    parser.add_argument("--skip-service", action="store_true", help="不跑部门考核基准")
    parser.add_argument("--skip-policy", action="store_true", help="不跑政策兑现基准")
    parser.add_argument(
        "--only",
        choices=("rules", "service", "policy"),
        help="只跑某一项基准（rules：全区规则评价；service：部门考核；policy：政策兑现）",
    )
    args = parser.parse_args()
    if args.only:
        args.skip_import, args.skip_list, args.rollup_zone = True, True, "none"
        args.skip_rules, args.skip_service = args.only != "rules", args.only != "service"
        args.skip_policy = args.only != "policy"

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
        if not args.skip_postgres and _postgres_available():
            databases.append("postgresql")
        report["list"] = [run_list(db, args.enterprises, args.requests) for db in databases]
    zones = {"reference": ["reference"], "large": ["large"], "both": ["reference", "large"], "none": []}
    if zones[args.rollup_zone]:
        postgres = not args.skip_postgres and _postgres_available()
        report["rollup"] = {
            "targets": {
                "tile_ratio_to_duckdb": ROLLUP_TILE_RATIO_TARGET,
                "tile_database": ROLLUP_TILE_TARGET_DATABASE,
                "cockpit_ms": COCKPIT_TARGET_MS,
            },
            "zones": [
                run_rollup(zone, args.rollup_tile_runs, args.rollup_cockpit_runs, postgres)
                for zone in zones[args.rollup_zone]
            ],
        }
        for result in report["rollup"]["zones"]:
            if result["zone"] == "large":
                RESULTS.mkdir(parents=True, exist_ok=True)
                result["measured_at"] = report["generated_at"]
                LARGE_RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        if "large" not in zones[args.rollup_zone]:
            report["rollup"]["not_run"] = {
                "large": "默认只跑参考园区：大型园区（5 万家企业、10 年、约 4700 万条）在 2 核机器上约需 "
                f"{LARGE_ZONE_MINUTES} 分钟（生成、两种数据库的载入和建索引、测量），"
                "用 --rollup-zone large 或 both 运行"
            }
            if LARGE_RESULTS.exists():
                report["rollup"]["large_last_run"] = json.loads(LARGE_RESULTS.read_text(encoding="utf-8"))
    if not args.skip_rules:
        report["rules"] = run_rules(args.rules_enterprises)
    if not args.skip_service:
        report["service"] = run_service()
    if not args.skip_policy:
        report["policy"] = run_policy()
    report["total_seconds"] = round(time.perf_counter() - started, 1)

    if "import" in report:
        print_import(report["import"])
    if "list" in report:
        print_list(report["list"])
    if "rollup" in report:
        for result in report["rollup"]["zones"]:
            print_rollup(result)
        if "not_run" in report["rollup"]:
            print(f"\n大型园区未跑：{report['rollup']['not_run']['large']}。")
            if "large_last_run" in report["rollup"]:
                print_rollup(report["rollup"]["large_last_run"], previous=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    latest = RESULTS / "latest.json"
    latest.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\n共用时 {report['total_seconds']} 秒；结果已写入 {latest.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
