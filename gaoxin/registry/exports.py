"""Excel export of any filtered enterprise list (XlsxWriter in constant-memory mode: 50,000 rows stream out)."""

from __future__ import annotations

import io
from collections.abc import Iterable

import xlsxwriter
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from gaoxin.registry.models import Enterprise

COLUMNS = [
    ("统一社会信用代码", 22),
    ("企业名称", 36),
    ("所属园区", 14),
    ("所属产业", 16),
    ("国民经济行业代码", 10),
    ("产业链环节", 8),
    ("成立日期", 12),
    ("注册资本(万元)", 14),
    ("注册地址", 36),
    ("法定代表人", 10),
    ("联系人", 10),
    ("联系电话", 15),
    ("财务负责人", 10),
    ("财务负责人电话", 15),
    ("电子邮箱", 22),
    ("是否规上", 8),
    ("入统日期", 12),
    ("企业状态", 8),
]


def enterprise_rows(enterprises: Iterable[Enterprise]) -> Iterable[list[object]]:
    for e in enterprises:
        yield [
            e.uscc,
            e.name,
            e.park.name,
            e.industry.name if e.industry else "",
            e.nic_code,
            e.get_chain_stage_display() if e.chain_stage else "",
            e.founded_on,
            float(e.registered_capital / 10000) if e.registered_capital is not None else None,
            e.address,
            e.legal_representative,
            e.contact_name,
            e.contact_phone,
            e.finance_contact_name,
            e.finance_contact_phone,
            e.email,
            "是" if e.is_above_scale else "否",
            e.above_scale_since,
            e.get_status_display(),
        ]


def enterprises_xlsx(enterprises: QuerySet[Enterprise]) -> bytes:
    """The same columns as the import template (FORMATS.md 1a), so an export can be edited and re-imported."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("企业名单")
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    money = book.add_format({"num_format": "#,##0.00"})
    for col, (title, width) in enumerate(COLUMNS):
        sheet.set_column(
            col, col, width, date if title in {"成立日期", "入统日期"} else (money if "万元" in title else None)
        )
        sheet.write(0, col, title, header)
    sheet.freeze_panes(1, 0)
    for row_number, row in enumerate(enterprise_rows(enterprises.iterator(chunk_size=2000)), start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if col in (6, 16):
                sheet.write_datetime(row_number, col, value, date)  # type: ignore[arg-type]
            elif col == 7:
                sheet.write_number(row_number, col, value, money)  # type: ignore[arg-type]
            else:
                sheet.write_string(row_number, col, str(value))
    book.close()
    return buffer.getvalue()


def enterprises_xlsx_response(enterprises: QuerySet[Enterprise]) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        enterprises_xlsx(enterprises),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''enterprises-{stamp}.xlsx"
    return response
