"""The weekly overdue notice (逾期通报) as a Word document laid out as an official notice: the title, the date, a
summarising sentence, a table by department (件数, 最长逾期), then each department's overdue items with the working
days overdue, and the issuing office and date at the foot."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gaoxin.service.selectors import OverdueLine

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (the numbering of a notice's sections)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc: Any, text: str, *, size: float = 16, font: str = BODY_FONT, bold: bool = False,
               align: Any = None, indent: bool = False) -> Any:  # fmt: skip
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _table(doc: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(str(text)), TABLE_FONT, 10.5, bold=True)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(value)), TABLE_FONT, 10.5)
    return table


def summary_sentence(lines: Sequence[OverdueLine], today: dt.date) -> str:
    if not lines:
        return _("截至%(day)s，没有超过办结时限未办结的转办诉求。") % {"day": date_text(today)}
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.dispatch.department.name] = counts.get(line.dispatch.department.name, 0) + 1
    parts = "、".join(_("%(name)s%(n)s件") % {"name": name, "n": n} for name, n in counts.items())
    return _(
        "截至%(day)s，共有%(total)s件转办诉求超过办结时限未办结，涉及%(departments)s个部门（%(parts)s），"
        "最长逾期%(longest)s个工作日。请相关部门高度重视，抓紧办理，尽快答复企业。"
    ) % {
        "day": date_text(today),
        "total": len(lines),
        "departments": len(counts),
        "parts": parts,
        "longest": max(line.overdue_days for line in lines),
    }


def notice_docx(lines: Sequence[OverdueLine], today: dt.date, issuer: str) -> bytes:
    doc = Document()
    _paragraph(doc, _("关于企业诉求逾期未办结情况的通报"), size=22, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, _("（截至%(day)s）") % {"day": date_text(today)}, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, _("各有关部门："))
    _paragraph(doc, summary_sentence(lines, today), indent=True)
    by_department: dict[str, list[OverdueLine]] = {}
    for line in lines:
        by_department.setdefault(line.dispatch.department.name, []).append(line)
    if by_department:
        _paragraph(doc, _("一、各部门逾期情况"), font="黑体", indent=True)
        _table(
            doc,
            [_("序号"), _("承办部门"), _("逾期件数"), _("最长逾期(工作日)")],
            [
                [i, name, len(items), max(item.overdue_days for item in items)]
                for i, (name, items) in enumerate(by_department.items(), start=1)
            ],
        )
        _paragraph(doc, _("二、逾期诉求明细"), font="黑体", indent=True)
        for number, (name, items) in enumerate(by_department.items(), start=1):
            _paragraph(
                doc,
                _("（%(no)s）%(name)s（%(n)s件）") % {"no": chinese_number(number), "name": name, "n": len(items)},
                font="楷体_GB2312",
                indent=True,
            )
            _table(
                doc,
                [_("诉求编号"), _("企业"), _("诉求标题"), _("承办方式"), _("办结时限"), _("逾期(工作日)")],
                [
                    [
                        item.dispatch.appeal.number,
                        item.dispatch.appeal.enterprise.name,
                        item.dispatch.appeal.title,
                        item.dispatch.get_role_display(),
                        date_text(item.dispatch.due_date),
                        item.overdue_days,
                    ]
                    for item in items
                ],
            )
    _paragraph(doc, "")
    _paragraph(doc, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, date_text(today), align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
