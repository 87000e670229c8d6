"""Excel exports of on-screen tables: the same columns and figures the officer sees, as a workbook."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, note: str = "") -> bytes:
    """One sheet: a title row, an optional note, the header row and the rows. Decimals become numbers."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(title[:31].replace("/", "／"))
    bold = book.add_format({"bold": True, "font_size": 13})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    number = book.add_format({"num_format": "#,##0.00"})
    sheet.write(0, 0, title, bold)
    first = 1
    if note:
        sheet.write(1, 0, note)
        first = 2
    for col, text in enumerate(headers):
        sheet.write(first, col, text, header)
        sheet.set_column(col, col, max(10, min(40, len(text) * 2 + 4)))
    for r, row in enumerate(rows, start=first + 1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
                sheet.write_number(r, c, float(value), number)
            else:
                sheet.write_string(r, c, str(value))
    sheet.freeze_panes(first + 1, 0)
    book.close()
    return buffer.getvalue()


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}-{stamp}.xlsx"
    return response
