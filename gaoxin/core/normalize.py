"""Normalising what officers type or paste into spreadsheets (FORMATS.md section 1, "Cells are normalised").

Full-width digits, letters and brackets become half-width (NFKC), whitespace is trimmed, thousands separators
are removed from numbers. Dates and periods accept the spellings officers use.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

_SPACES = re.compile(r"\s+")
EXCEL_EPOCH = dt.date(1899, 12, 30)


class CellError(ValueError):
    """A cell that cannot be read; its message is the Chinese reason shown to the officer."""


def text(value: Any) -> str:
    """Trimmed, half-width text; '' for an empty cell. Excel floats like 3.0 become '3'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    result = unicodedata.normalize("NFKC", str(value))
    result = result.replace("\u3000", " ").replace("\ufeff", "")
    return _SPACES.sub(" ", result).strip()


def uscc(value: Any) -> str:
    """A USCC as typed: half-width, upper-case, inner spaces and dashes removed."""
    return re.sub(r"[\s\-]", "", text(value)).upper()


def decimal(value: Any) -> Decimal | None:
    """A number: '1,234.50', '１２３４', 1234.5 -> Decimal; '' -> None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("不是有效的数字"))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raw = text(value).replace(",", "").replace("，", "").replace(" ", "")
    if raw in {"", "-", "—"}:
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation as exc:
        raise CellError(_("不是有效的数字")) from exc
    if not number.is_finite():
        raise CellError(_("不是有效的数字"))
    return number


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def date(value: Any) -> dt.date | None:
    """Excel dates, '2020-03-01', '2020/3/1', '2020.3.1', '2020年3月1日', '20200301'; '' -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial day numbers (1900 date system)
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError(_("不是有效的日期"))
    raw = text(value)
    if not raw:
        return None
    raw = raw.split(" ")[0].split("T")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError as exc:
                raise CellError(_("不是有效的日期")) from exc
    raise CellError(_("不是有效的日期，请写作 2020-03-01 或 2020年3月1日"))


_PERIOD_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月份?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
]


def period(value: Any) -> tuple[int, int] | None:
    """'2020-11', '2020/11', '202011', '2020年11月', or an Excel date -> (2020, 11)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.year, value.month
    raw = text(value)
    for pattern in _PERIOD_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12:
                return year, month
            raise CellError(_("月份应在1到12之间"))
    raise CellError(_("不是有效的统计期，请写作 2020-11 或 2020年11月"))


_YES = {"是", "Y", "YES", "TRUE", "1", "√", "✓"}
_NO = {"否", "N", "NO", "FALSE", "0", "×", "X"}


def yes_no(value: Any) -> bool | None:
    raw = text(value).upper()
    if raw == "":
        return None
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellError(_("应填写“是”或“否”"))


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def phone(value: Any) -> str:
    """A mainland mobile (13800138000) or landline (0756-1234567, 075612345678, with an optional extension)."""
    raw = text(value).replace(" ", "").replace("（", "(").replace("）", ")")
    raw = re.sub(r"^\+?86-?", "", raw)
    raw = re.sub(r"^\((0\d{2,3})\)", r"\1-", raw)
    if raw == "":
        return ""
    if _MOBILE.match(raw) or _LANDLINE.match(raw):
        return raw
    raise CellError(_("不是有效的手机号或固定电话（如 13800138000、0756-1234567）"))
