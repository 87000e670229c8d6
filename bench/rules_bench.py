"""Registry-wide rules evaluation benchmark (issue 5): 50,000 generated enterprises × (the shipped rule sets + 50
generated fund-item rule sets), every criterion's result kept.

Measured, facts in memory (no database):
(a) frame — the wide Polars frame built from the parsed facts (`build_frame`);
(b) vectorised — `evaluate_batch`: every rule set side by side (compiling the plans, once per version, measured
    apart; `--runs` times, the first run and the median reported), with every criterion's result kept
    (`long_all`: each rule set's `long()`, enterprise × item with result, actual value and points — what a
    criterion's explanation is made of; its requirement is the item's). Apart from that: the Chinese
    sentences written out by `messages()` for every enterprise of the shipped rule sets and of `--message-funds`
    fund items, the other fund items estimated from their average (labelled as such, to keep the run near a
    minute). The platform writes sentences on demand, for the enterprises a page shows;
(c) per-enterprise — the `Decimal` engine (`RuleSet.evaluate`, sentences included) on `--sample` enterprises,
    extrapolated to all of them.
It also checks that both paths agree on the sample (results and sentences). Target (issue 5): (b) — evaluating
and keeping every criterion's result, actual value and points — under 0.5 s. Run alone:
`python bench/rules_bench.py`, or `python bench/run.py --only rules`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import polars as pl  # noqa: E402
from common import table  # noqa: E402

from gaoxin.rules.engine import RuleSet, shipped_rulesets  # noqa: E402
from gaoxin.rules.engine.vector import (  # noqa: E402
    build_frame,
    compile_plan,
    evaluate_batch,
    fund_item_rulesets,
    long_all,
    synthetic_facts,
)
from gaoxin.rules.engine.vector.synthetic import inputs_of  # noqa: E402

TARGET_SECONDS = 0.5
AS_OF = dt.date(2025, 6, 30)


def _as_of(ruleset: RuleSet) -> dt.date:
    return AS_OF if ruleset.valid_from <= AS_OF else dt.date(2026, 6, 30)


def _current(rulesets: list[RuleSet]) -> list[RuleSet]:
    """The version of each shipped rule set in force on its evaluation date (one per code)."""
    by_code: dict[str, RuleSet] = {}
    for rs in sorted(rulesets, key=lambda r: r.valid_from):
        by_code[rs.code] = rs
    return list(by_code.values())


def run(enterprises: int, fund_items: int, sample: int, message_funds: int, seed: int, runs: int = 5) -> dict[str, Any]:
    started = time.perf_counter()
    rulesets = _current(list(shipped_rulesets())) + fund_item_rulesets(fund_items, seed=seed)
    facts = synthetic_facts(enterprises, seed=seed, inputs=inputs_of(rulesets), edge_share=0.05)
    # The facts stay for the whole run: keep the collector from walking millions of long-lived objects.
    gc.collect()
    gc.freeze()
    generated = time.perf_counter() - started

    t0 = time.perf_counter()
    frame = build_frame(facts)
    frame_seconds = time.perf_counter() - t0

    measured_funds = 0
    fund_message_seconds = 0.0
    sample_rows = list(range(min(sample, enterprises)))
    agree_rows = sample_rows[: min(len(sample_rows), 200)]
    per_ruleset: list[dict[str, Any]] = []
    kept: list[pl.DataFrame] = []
    message_seconds = per_row_seconds = 0.0
    sentences = disagreements = 0
    jobs = [(rs, _as_of(rs)) for rs in rulesets]
    t = time.perf_counter()
    for rs, as_of in jobs:
        compile_plan(rs, frame.data.columns, as_of=as_of)
    compile_seconds = time.perf_counter() - t
    # (b) evaluated and kept `runs` times: the first run, and the median (a worker that has run before)
    evaluate_runs: list[float] = []
    keep_runs: list[float] = []
    for _ in range(runs):
        kept = []
        t = time.perf_counter()
        together = evaluate_batch(jobs, frame)
        evaluate_runs.append(time.perf_counter() - t)
        t = time.perf_counter()
        kept = long_all(together)
        keep_runs.append(time.perf_counter() - t)
    totals = [e + k for e, k in zip(evaluate_runs, keep_runs, strict=True)]
    median = sorted(range(runs), key=lambda i: totals[i])[runs // 2]
    evaluate_seconds, keep_seconds = evaluate_runs[median], keep_runs[median]
    for rs, vr in zip(rulesets, together, strict=True):
        as_of = _as_of(rs)
        fund = rs.code.startswith("fund_item_")
        if not fund or measured_funds < message_funds:
            t = time.perf_counter()
            sentences += vr.messages().height * len(vr.codes)
            spent_messages = time.perf_counter() - t
            message_seconds += spent_messages
            if fund:
                measured_funds += 1
                fund_message_seconds += spent_messages
        t = time.perf_counter()
        evaluations = [rs.evaluate(facts[i], as_of=as_of) for i in sample_rows]
        per_row_seconds += time.perf_counter() - t
        found = vr.criteria(agree_rows)
        for row in agree_rows:
            want = evaluations[row]
            disagreements += want.result is not vr.result(row)
            disagreements += sum(
                1
                for w, g in zip(want.criteria, found[row], strict=True)
                if (w.result, w.message) != (g.result, g.message)
            )
        per_ruleset.append(
            {
                "code": rs.code,
                "items": len(rs.codes),
                "exact_rows": sum(vr.fallback.values()),
                "not_vectorised": vr.unsupported,
            }
        )
    del together
    criteria_results = sum(k.height for k in kept)
    unmeasured = fund_items - measured_funds
    message_estimate = message_seconds + unmeasured * fund_message_seconds / max(measured_funds, 1)
    per_row_scale = enterprises / max(len(sample_rows), 1)

    vectorised_total = evaluate_seconds + keep_seconds
    return {
        "runs": runs,
        "first_evaluate_seconds": round(evaluate_runs[0], 3),
        "first_keep_seconds": round(keep_runs[0], 3),
        "enterprises": enterprises,
        "rulesets": len(rulesets),
        "shipped": sum(1 for rs in rulesets if not rs.code.startswith("fund_item_")),
        "fund_items": fund_items,
        "criteria_results": criteria_results,
        "generate_seconds": round(generated, 2),
        "frame_seconds": round(frame_seconds, 2),
        "compile_seconds": round(compile_seconds, 2),
        "evaluate_seconds": round(evaluate_seconds, 3),
        "keep_seconds": round(keep_seconds, 3),
        "message_rulesets_measured": len(rulesets) - unmeasured,
        "message_seconds_measured": round(message_seconds, 2),
        "message_sentences_measured": sentences,
        "message_seconds_estimated": round(message_estimate, 1),
        "vectorised_seconds": round(vectorised_total, 3),
        "all_messages_seconds_estimated": round(vectorised_total + message_estimate, 1),
        "per_row_sample": len(sample_rows),
        "per_row_seconds_measured": round(per_row_seconds, 2),
        "per_row_seconds_extrapolated": round(per_row_seconds * per_row_scale, 1),
        "agreement_rows": len(agree_rows),
        "disagreements": disagreements,
        "target_seconds": TARGET_SECONDS,
        "ok": disagreements == 0 and vectorised_total < TARGET_SECONDS,
        "per_ruleset": per_ruleset,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }


def print_rules(result: dict[str, Any]) -> None:
    n = result["enterprises"]
    print()
    print(
        f"全区规则评价（{n} 家企业 × {result['rulesets']} 个规则集：{result['shipped']} 个正式 + "
        f"{result['fund_items']} 个生成的申报项目；每项判定结果 {result['criteria_results']} 条全部保留）"
    )
    per_row_scale = n // max(result["per_row_sample"], 1)
    rows = [
        ["(a) 由内存中的企业数据构建宽表", f"{result['frame_seconds']:.2f} 秒", ""],
        ["    编译规则集为向量化表达式（每个版本一次，任务进程内缓存）", f"{result['compile_seconds']:.2f} 秒", ""],
        [f"(b) 向量化评价（全部规则集并排；结果、实际值、得分；{result['runs']} 次的中位数）",
         f"{result['evaluate_seconds']:.2f} 秒", f"首次 {result['first_evaluate_seconds']:.2f} 秒"],
        ["    保留每项结果（企业×判定项长表：结果、实际值、得分）", f"{result['keep_seconds']:.2f} 秒",
         f"首次 {result['first_keep_seconds']:.2f} 秒"],
        ["    (b) 合计", f"{result['vectorised_seconds']:.2f} 秒",
         f"目标 < {result['target_seconds']} 秒 {'✓' if result['ok'] else '✗ 超标'}"],
        [
            f"另：一次写出全部中文说明（平台按页面所需逐企业生成；{result['message_rulesets_measured']} 个规则集实测 "
            f"{result['message_seconds_measured']:.1f} 秒，其余按实测的申报项目平均推算）",
            f"{result['message_seconds_estimated']:.1f} 秒",
            "部分推算",
        ],
        [
            f"(c) 逐企业引擎（{result['per_row_sample']} 家实测 "
            f"{result['per_row_seconds_measured']:.1f} 秒 ×{per_row_scale}）",
            f"{result['per_row_seconds_extrapolated']:.1f} 秒",
            "推算",
        ],
    ]  # fmt: skip
    print(table(["", "用时", ""], rows, right=(1,)))
    exact = sum(r["exact_rows"] for r in result["per_ruleset"])
    print(
        f"（两条路径在 {result['agreement_rows']} 家企业上比对结果与说明：不一致 {result['disagreements']} 处；"
        f"分数判定后仍需逐企业引擎精确计算的企业×判定项 {exact} 个）"
    )
    missing = {r["code"]: r["not_vectorised"] for r in result["per_ruleset"] if r["not_vectorised"]}
    if missing:
        print(f"（未向量化、逐企业计算的判定项：{missing}）")


def run_registry(enterprises: int, fund_items: int, seed: int) -> dict[str, Any]:
    """The platform's job and pages over the same generated enterprises (its own process and scratch database):
    on SQLite, then on PostgreSQL when a throwaway server can be started (scripts/with-postgres.sh)."""
    import os
    import shutil
    import subprocess
    import tempfile

    from common import PYTHON, WITH_POSTGRES, django_env

    databases = ["sqlite"]
    if shutil.which("runuser") or os.geteuid() != 0:
        databases.append("postgresql")
    found: dict[str, Any] = {}
    for database in databases:
        print(f"▶ 全库评估任务（{database}）：写入同样的企业和年度数据，运行评估任务并测企业画像页 …", flush=True)
        with tempfile.TemporaryDirectory(prefix="gaoxin-bench-") as tmp:
            out = Path(tmp) / "registry.json"
            command = [PYTHON, str(ROOT / "bench" / "rules_registry_bench.py"), "--enterprises", str(enterprises)]
            command += ["--fund-items", str(fund_items), "--seed", str(seed), "--out", str(out)]
            command += ["--database", database]
            env = django_env()
            if database == "postgresql":
                env.pop("DATABASE_URL", None)  # with-postgres.sh sets it
                command = [str(WITH_POSTGRES), *command]
            subprocess.run(command, cwd=ROOT, env=env, check=True)
            found[database] = json.loads(out.read_text(encoding="utf-8"))
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="全区规则评价基准（向量化与逐企业两条路径）")
    parser.add_argument("--enterprises", type=int, default=50_000, help="企业数（默认 50000）")
    parser.add_argument("--fund-items", type=int, default=50, help="生成的申报项目规则集个数（默认 50）")
    parser.add_argument("--sample", type=int, default=500, help="逐企业引擎实测的企业数（默认 500，再推算）")
    parser.add_argument(
        "--message-funds", type=int, default=5, help="全部企业实测写出说明的申报项目个数（默认 5，其余按平均推算）"
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=5, help="(b) 评价并保留的次数（默认 5，报首次与中位数）")
    parser.add_argument("--out", type=Path, help="把结果写成 JSON 文件")
    parser.add_argument(
        "--skip-registry", action="store_true", help="不跑数据库中的全库评估任务与页面（bench/rules_registry_bench.py）"
    )
    args = parser.parse_args(argv)
    result = run(args.enterprises, args.fund_items, args.sample, args.message_funds, args.seed, max(args.runs, 1))
    print_rules(result)
    if not args.skip_registry:
        result["registry"] = run_registry(args.enterprises, args.fund_items, args.seed)
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
