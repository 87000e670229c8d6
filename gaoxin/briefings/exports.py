"""Exports of a briefing: Word (.docx) laid out as an official document (GB/T 9704 proportions: A4, title in
二号 小标宋-like type, body in 三号 仿宋-like type at a fixed 28-point line, headings 一、 in 黑体, （一） in 楷体,
1. run-in in bold, page numbers "— 1 —" at the foot), PDF through WeasyPrint with the same layout, and an Excel
workbook with every table the text cites (the rollups' own figures). Fonts: `document.font` (the first installed
of BRIEFING_FONTS)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.template.loader import render_to_string
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from gaoxin.briefings.document import Block, font, font_stack, parse

BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
FOOTER_PT = 14  # 四号
LINE_PT = 28


@dataclass(frozen=True)
class Sheet:
    """What an export needs of a briefing (a saved Briefing or a draft of the command line)."""

    title: str
    organization: str
    date: str
    text: str
    tables: list[dict[str, Any]]


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
}


def render(sheet: Sheet, fmt: str) -> bytes:
    if fmt == "docx":
        return to_docx(sheet)
    if fmt == "pdf":
        return to_pdf(sheet)
    if fmt == "xlsx":
        return to_xlsx(sheet)
    if fmt == "txt":
        return to_txt(sheet).encode("utf-8")
    raise ValueError(fmt)


def to_txt(sheet: Sheet) -> str:
    head = [sheet.title, "　".join(part for part in (sheet.organization, sheet.date) if part), ""]
    return "\n".join(head) + sheet.text.strip() + "\n"


def response(sheet: Sheet, fmt: str) -> HttpResponse:
    content = render(sheet, fmt)
    out = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = re.sub(r'[\\/:*?"<>|\s]+', "", sheet.title) or "briefing"
    out["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.{fmt}"
    return out


# Word -------------------------------------------------------------------------------------------------------


def _fonts(run_or_style: Any, name: str) -> None:
    """Set both the Latin and the East Asian font (Word reads Chinese text from w:eastAsia)."""
    run_or_style.font.name = name
    r_pr = run_or_style.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):  # a theme font would win in Word
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]


def _style(document: Any, name: str, family: str, size: int, *, bold: bool = False, center: bool = False) -> Any:
    style = document.styles[name]
    _fonts(style, family)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT if size <= BODY_PT else TITLE_PT + 12)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.keep_with_next = name.startswith("Heading")
    if center:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.first_line_indent = Pt(0)
    else:
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = Pt(BODY_PT * 2)
    return style


def _page_number(paragraph: Any, family: str) -> None:
    """'— PAGE —' as a field, so Word numbers every page."""

    def run(text: str = "") -> Any:
        r = paragraph.add_run(text)
        _fonts(r, family)
        r.font.size = Pt(FOOTER_PT)
        return r

    run("— ")
    for kind, value in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        r = run()
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = value
        elif kind == "text":
            node = OxmlElement("w:t")
            node.text = value
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        r._r.append(node)
    run(" —")


def to_docx(sheet: Sheet) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.0)
    body, title, heading, subheading = font("body"), font("title"), font("heading"), font("subheading")
    _style(document, "Normal", body, BODY_PT)
    _style(document, "Title", title, TITLE_PT, center=True)
    _style(document, "Subtitle", body, BODY_PT, center=True)
    _style(document, "Heading 1", heading, BODY_PT)
    _style(document, "Heading 2", subheading, BODY_PT)
    _style(document, "Heading 3", body, BODY_PT, bold=True)
    for name in ("Title", "Subtitle"):  # Word's built-in title styles draw a border and add space
        p_pr = document.styles[name].element.get_or_add_pPr()
        for border in p_pr.findall(qn("w:pBdr")):
            p_pr.remove(border)
    document.core_properties.title = sheet.title
    document.core_properties.author = sheet.organization or "经济运行简报"
    document.add_paragraph(sheet.title, style="Title")
    meta = "　".join(part for part in (sheet.organization, sheet.date) if part)
    if meta:
        document.add_paragraph(meta, style="Subtitle")
    document.add_paragraph("")
    for block in parse(sheet.text):
        _docx_block(document, block)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer, body)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_block(document: Any, block: Block) -> None:
    if block.kind == "chapter":
        document.add_paragraph(block.text, style="Heading 1")
    elif block.kind == "section":
        document.add_paragraph(block.text, style="Heading 2")
    elif block.kind == "item":
        paragraph = document.add_paragraph(style="Normal")
        if block.lead:
            lead = paragraph.add_run(block.lead)
            lead.bold = True
        paragraph.add_run(block.text)
    else:
        document.add_paragraph(block.text, style="Normal")


# PDF --------------------------------------------------------------------------------------------------------


def to_html(sheet: Sheet) -> str:
    return render_to_string(
        "briefings/document.html",
        {
            "sheet": sheet,
            "blocks": parse(sheet.text),
            "fonts": {role: font_stack(role) for role in ("body", "title", "heading", "subheading")},
            "sizes": {"body": BODY_PT, "title": TITLE_PT, "footer": FOOTER_PT, "line": LINE_PT},
        },
    )


def to_pdf(sheet: Sheet) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=to_html(sheet)).write_pdf())


# Excel ------------------------------------------------------------------------------------------------------


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "", title)[:28] or "表"
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name[:26]}{n}", n + 1
    used.add(candidate)
    return candidate


def to_xlsx(sheet: Sheet) -> bytes:
    """A cover sheet (title, office, date, which tables follow), then one sheet per table: its title, the header
    row and the rows; numbers are the rollups' own (unrounded), shown with two decimals."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "font_size": 13})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    number = book.add_format({"num_format": "#,##0.00"})
    integer = book.add_format({"num_format": "#,##0"})
    used: set[str] = set()
    cover = book.add_worksheet(_sheet_name("说明", used))
    cover.set_column(0, 0, 90)
    cover.write(0, 0, sheet.title, bold)
    cover.write(1, 0, "　".join(part for part in (sheet.organization, sheet.date) if part))
    cover.write(3, 0, "本工作簿各表为简报正文引用的数据，取自经济运行监测的汇总（可比口径），未作四舍五入：")
    for i, table in enumerate(sheet.tables, start=4):
        cover.write(i, 0, f"{i - 3}. {table['title']}")
    for table in sheet.tables:
        ws = book.add_worksheet(_sheet_name(table.get("sheet") or table["title"], used))
        ws.write(0, 0, table["title"], bold)
        for col, text in enumerate(table["headers"]):
            ws.write(1, col, text, header)
            ws.set_column(col, col, 26 if col == 0 else 16)
        for r, row in enumerate(table["rows"], start=2):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool):
                    ws.write_string(r, c, "是" if value else "否")
                elif isinstance(value, int):
                    ws.write_number(r, c, value, integer)
                elif isinstance(value, float):
                    ws.write_number(r, c, value, number)
                else:
                    ws.write_string(r, c, str(value))
        ws.freeze_panes(2, 1)
    book.close()
    return buffer.getvalue()
