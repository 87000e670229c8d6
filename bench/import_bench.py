"""Benchmark (a): the registry import of FORMATS.md 1a at zone scale.

Writes an .xlsx of N generated enterprises (a title row above the header, every 1a column, valid USCCs, names
and contacts from the demo generator), creates a scratch SQLite database holding only the zone structure
(`seed_demo --enterprises 0`), then times `manage.py import_enterprises FILE --json` in a subprocess — once on
the empty registry (N new rows) and once more with the same file (N unchanged rows: the idempotent re-import).

Run by bench/run.py; on its own: `python bench/import_bench.py --rows 20000 --out result.json`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import IMPORT_TARGET_SECONDS, PYTHON, ROOT, django_env

HEADERS = (
    "统一社会信用代码",
    "企业名称",
    "所属园区",
    "所属产业",
    "国民经济行业代码",
    "产业链环节",
    "成立日期",
    "注册资本(万元)",
    "注册地址",
    "法定代表人",
    "联系人",
    "联系电话",
    "财务负责人",
    "财务负责人电话",
    "电子邮箱",
    "是否规上",
    "企业状态",
)


def write_workbook(path: Path, rows: int, seed: int) -> float:
    """The import file, from the demo generator (pure Python, no database). Returns the seconds it took."""
    import xlsxwriter
    from common import setup_django

    setup_django()
    from gaoxin.registry import demo
    from gaoxin.registry.models import ChainStage, EnterpriseStatus

    started = time.perf_counter()
    specs = demo.generate_enterprises(rows, seed=seed)
    parks = {p.code: p.name for p in demo.PARKS}
    leaves = demo.leaf_by_code()
    stages = {str(value): str(label) for value, label in ChainStage.choices}
    statuses = {str(value): str(label) for value, label in EnterpriseStatus.choices}
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("企业名录")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["珠海高新区企业名录（基准测试数据）"])
    sheet.write_row(1, 0, HEADERS)
    for r, s in enumerate(specs, start=2):
        sheet.write_string(r, 0, s.uscc)
        sheet.write_string(r, 1, s.name)
        sheet.write_string(r, 2, parks[s.park_code])
        sheet.write_string(r, 3, leaves[s.industry_code].name if s.industry_code else "")
        sheet.write_string(r, 4, s.nic_code)
        sheet.write_string(r, 5, stages.get(s.chain_stage, ""))
        sheet.write_datetime(r, 6, s.founded_on, date_format)
        sheet.write_number(r, 7, float(s.registered_capital / 10000))
        sheet.write_string(r, 8, s.address)
        sheet.write_string(r, 9, s.legal_representative)
        sheet.write_string(r, 10, s.contact_name)
        sheet.write_string(r, 11, s.contact_phone)
        sheet.write_string(r, 12, s.finance_contact_name)
        sheet.write_string(r, 13, s.finance_contact_phone)
        sheet.write_string(r, 14, s.email)
        sheet.write_string(r, 15, "是" if s.is_above_scale else "否")
        sheet.write_string(r, 16, statuses[s.status])
    book.close()
    return time.perf_counter() - started


def _manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def _timed_import(path: Path, env: dict[str, str]) -> dict[str, Any]:
    started = time.perf_counter()
    done = _manage(["import_enterprises", str(path), "--json"], env)
    seconds = time.perf_counter() - started
    try:
        payload = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}
    except json.JSONDecodeError:
        payload = {}
    return {
        "seconds": round(seconds, 2),
        "exit_code": done.returncode,
        "created": payload.get("created"),
        "updated": payload.get("updated"),
        "unchanged": payload.get("unchanged"),
        "errors": len(payload.get("errors", [])) if payload else None,
        "first_errors": (payload.get("errors") or [])[:3],
        "stderr_tail": done.stderr.strip().splitlines()[-5:] if done.returncode else [],
    }


def run(rows: int, seed: int) -> dict[str, Any]:
    command = ROOT / "gaoxin" / "registry" / "management" / "commands" / "import_enterprises.py"
    if not command.exists():
        return {"rows": rows, "skipped": "import_enterprises 命令尚不存在"}
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-import-") as tmp:
        workdir = Path(tmp)
        xlsx = workdir / f"enterprises-{rows}.xlsx"
        env = django_env(f"sqlite:///{workdir / 'import.sqlite3'}")
        for step in (["migrate", "--noinput", "-v0"], ["seed_demo", "--enterprises", "0", "--json"]):
            done = _manage(step, env)
            if done.returncode:
                raise RuntimeError(f"{' '.join(step)} 失败：{done.stderr[-2000:]}")
        generate = subprocess.run(
            [PYTHON, __file__, "--write-only", str(xlsx), "--rows", str(rows), "--seed", str(seed)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        first = _timed_import(xlsx, env)
        second = _timed_import(xlsx, env)
        return {
            "rows": rows,
            "file_bytes": xlsx.stat().st_size,
            "generate_seconds": round(float(generate.stdout.strip() or 0), 2),
            "first": first,
            "reimport": second,
            "target_seconds": IMPORT_TARGET_SECONDS,
            "ok": first["exit_code"] == 0 and first["created"] == rows and second["unchanged"] == rows,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description="企业名录导入基准")
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=4754)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--write-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_only:
        print(round(write_workbook(args.write_only, args.rows, args.seed), 2))
        return
    result = run(args.rows, args.seed)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
