"""Shared helpers of the benchmarks: paths, the environment of the Django subprocesses, statistics, tables.

The benchmarks never touch the developer's database: each one works in a scratch SQLite file or a throwaway
PostgreSQL server (scripts/with-postgres.sh), always through a subprocess whose DATABASE_URL says which.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
WITH_POSTGRES = ROOT / "scripts" / "with-postgres.sh"
PYTHON = sys.executable

#: Targets from the issue: a 20,000-row registry import under 20 s, the enterprise list under 150 ms (median).
IMPORT_TARGET_SECONDS = 20.0
LIST_TARGET_MEDIAN_MS = 150.0
#: Rollups: one tile within 3× of DuckDB on the same rows (judged on SQLite for the reference zone, on PostgreSQL
#: for the large zone); the whole cockpit under 300 ms (reference zone) and under 1 s (large zone).
ROLLUP_TILE_RATIO_TARGET = 3.0
ROLLUP_TILE_TARGET_DATABASE = {"reference": "sqlite", "large": "postgresql"}
COCKPIT_TARGET_MS = {"reference": 300.0, "large": 1000.0}


def django_env(database_url: str | None = None) -> dict[str, str]:
    """The environment of a benchmark subprocess: development settings with debug off (as served), quiet."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "gaoxin.settings.dev",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "PYTHONWARNINGS": "ignore",
            "PYTHONPATH": str(ROOT),
        }
    )
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return env


def setup_django() -> None:
    """For the subprocess scripts: make the project importable and configure Django from the environment."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings.dev")
    import django

    django.setup()


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 30 samples is the 29th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "median_ms": round(statistics.median(ms), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "min_ms": round(min(ms), 1),
        "max_ms": round(max(ms), 1),
    }


def width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()) -> str:
    """A plain-text table with columns aligned by display width; `right` lists right-aligned columns."""
    widths = [max(width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - width(str(cell)))
            out.append(pad + str(cell) if i in right else str(cell) + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("─" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])
