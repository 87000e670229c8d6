"""Receipt numbers (受理编号, 批次号): a prefix such as `SQ2026` followed by a serial counted up within the prefix."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


def last_serial(rows: QuerySet[Any], prefix: str, *, field: str = "number") -> int:
    """The highest serial already given under `prefix` among `rows` (0 when none)."""
    last = rows.filter(**{f"{field}__startswith": prefix}).order_by(f"-{field}").values_list(field, flat=True).first()
    return int(last[len(prefix) :]) if last else 0


def next_number(rows: QuerySet[Any], prefix: str, width: int, *, field: str = "number") -> str:
    """The next number under `prefix`, its serial zero-padded to `width` digits."""
    return f"{prefix}{last_serial(rows, prefix, field=field) + 1:0{width}d}"
