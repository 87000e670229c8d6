"""Exports: the .docx opens in python-docx with the official headings and fonts, the PDF renders Chinese (a page
is turned into a PNG with pdftoppm for a person to look at), the Excel workbook's numbers equal the rollups, and
`manage.py briefing` as FORMATS.md section 3 describes."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from docx import Document

from gaoxin.briefings import selectors
from gaoxin.briefings.document import font
from gaoxin.briefings.exports import Sheet, render, to_txt
from gaoxin.briefings.generator import Wording
from gaoxin.briefings.models import DEFAULT_SECTIONS
from gaoxin.indicators.models import Indicator
from gaoxin.indicators.rollups import rollup
from gaoxin.registry.models import Enterprise

pytestmark = pytest.mark.django_db
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def run(*args: str) -> str:
    """A poppler or fontconfig tool, by its full path (fixed arguments: our own files)."""
    command = shutil.which(args[0])
    assert command is not None, f"{args[0]} is not installed"
    done = subprocess.run([command, *args[1:]], capture_output=True, text=True, check=True)  # noqa: S603
    return done.stdout


def sheet() -> Sheet:
    draft = selectors.draft(
        year=2020, month=11, park=None, wording=Wording(sections=list(DEFAULT_SECTIONS), organization="科技产业局")
    )
    g = draft.generated
    return Sheet(g.title, g.organization, "2020年12月5日", g.text, [t.as_json() for t in g.tables])


def test_docx_opens_with_the_official_headings(zone: dict[str, Any]) -> None:
    document = Document(io.BytesIO(render(sheet(), "docx")))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert paragraphs[0] == ("Title", "高新区2020年1-11月经济运行简报")
    assert paragraphs[1] == ("Subtitle", "科技产业局　2020年12月5日")
    headings = [(style, text) for style, text in paragraphs if style.startswith("Heading")]
    assert headings == [
        ("Heading 1", "一、主要经济指标"),
        ("Heading 2", "（一）工业经济"),
        ("Heading 2", "（二）固定资产投资"),
        ("Heading 2", "（三）软信业和服务业"),
        ("Heading 2", "（四）外贸和消费"),
        ("Heading 2", "（五）能源消费"),
        ("Heading 2", "（六）企业“小升规”"),
        ("Heading 1", "二、创新驱动指标"),
        ("Heading 1", "三、需要关注的问题"),
    ]
    body = next(p for p in document.paragraphs if p.text.startswith("工业产值方面"))
    assert "实现总产值297.99亿元，同比下降3.6%" in body.text
    normal = document.styles["Normal"]
    assert normal.font.size.pt == 16
    assert normal.element.rPr.rFonts.get(f"{W}eastAsia") == font("body")
    for name, role in (("Title", "title"), ("Heading 1", "heading"), ("Heading 2", "subheading")):
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(f"{W}eastAsia") == font(role)
        assert fonts.get(f"{W}eastAsiaTheme") is None  # no theme font to override it
    item = next(p for p in document.paragraphs if p.text.startswith("1.拖累增长的企业。"))
    assert item.runs[0].bold
    assert item.runs[0].text == "1.拖累增长的企业。"
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer
    assert "fldChar" in footer
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.top_margin.cm, 1) == 3.7


def test_body_font_is_an_installed_cjk_font_or_the_last_fallback() -> None:
    installed = run("fc-list", ":", "family")
    chosen = font("body")
    assert chosen in installed  # on this machine: Noto Serif CJK SC (no 仿宋 installed)


def test_pdf_renders_chinese(zone: dict[str, Any], output_dir: Path, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:  # never skipped: CI installs it, and a silent skip would prove nothing
        pytest.fail("此测试需要 poppler-utils（pdftoppm、pdftotext、pdffonts）：请运行 .ci/run 安装")
    pdf = render(sheet(), "pdf")
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "briefing.pdf"
    path.write_bytes(pdf)
    text = run("pdftotext", "-layout", str(path), "-")
    assert "高新区2020年1-11月经济运行简报" in text
    flat = text.replace("\n", "").replace(" ", "")
    assert "实现总产值297.99亿元" in flat
    assert "—1—" in flat
    assert "—3—" in flat
    fonts = run("pdffonts", str(path))
    assert "CJK" in fonts or "WenQuanYi" in fonts  # embedded CJK fonts, not boxes
    shots = output_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    run("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(path), str(shots / "80_briefing_pdf"))
    assert (shots / "80_briefing_pdf.png").stat().st_size > 20_000


def test_excel_numbers_equal_the_rollups(zone: dict[str, Any]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(render(sheet(), "xlsx")))
    assert book.sheetnames[0] == "说明"
    assert book.sheetnames[1:3] == ["主要经济指标", "工业总产值分产业"]
    main = book["主要经济指标"]
    rows = {row[0]: row for row in main.iter_rows(min_row=3, values_only=True)}
    everyone = Enterprise.objects.all()
    for code in ("output_value", "value_added", "industrial_investment", "tech_upgrade_investment", "import_export"):
        indicator = Indicator.objects.get(code=code)
        r = rollup(indicator, year=2020, month=11, enterprises=everyone)
        row = rows[indicator.name]
        assert row[2] == r.total.enterprises
        assert row[3] == float(r.total.value)
        assert row[5] == float(r.total.comparable_value)
        assert row[6] == float(r.total.base)
        assert row[7] == pytest.approx(float(r.total.yoy))
        if r.target_total is not None:
            assert row[9] == float(r.target_total)
            assert row[10] == pytest.approx(float(r.completion or 0))
    assert rows["工业增加值"][8] == 5.8
    assert rows["工业增加值"][12] == 2.5
    industries = book["工业总产值分产业"]
    by_industry = rollup(
        Indicator.objects.get(code="output_value"), year=2020, month=11, enterprises=everyone, by="industry"
    )
    got = {row[0]: row for row in industries.iter_rows(min_row=3, values_only=True)}
    for group in by_industry.rows:
        assert got[group.group][2] == float(group.value)
        assert got[group.group][5] == pytest.approx(float(group.yoy)) if group.yoy is not None else True
    retail = book["社消零分限额"]
    assert [row[0] for row in retail.iter_rows(min_row=3, values_only=True)] == ["限额以上", "限额以下", "合计"]


def test_txt_has_title_office_and_date(zone: dict[str, Any]) -> None:
    lines = to_txt(sheet()).splitlines()
    assert lines[:3] == ["高新区2020年1-11月经济运行简报", "科技产业局　2020年12月5日", "一、主要经济指标"]


def test_command_prints_the_text_and_writes_files(zone: dict[str, Any], tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("briefing", "--period", "2020-11", stdout=out)
    text = out.getvalue()
    assert text.startswith("高新区2020年1-11月经济运行简报\n")
    assert "实现总产值297.99亿元，同比下降3.6%" in text
    for fmt in ("docx", "pdf", "xlsx", "txt"):
        target = tmp_path / f"b.{fmt}"
        out = io.StringIO()
        call_command(
            "briefing", "--period", "2020-11", "--scope", "TJW", "--format", fmt, "--out", str(target), stdout=out
        )
        assert target.stat().st_size > 0
        assert out.getvalue().startswith("已生成唐家湾主园区2020年1-11月经济运行简报")
    out = io.StringIO()
    call_command("briefing", "--period", "2020-11", "--scope", "NP", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["scope"] == "NP"
    assert summary["title"] == "南屏科技园2020年1-11月经济运行简报"
    assert any("南屏科技园规上工业企业共计2家" in line for line in summary["paragraphs"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2020-13"], "月份应在1到12之间"),
        (["--period", "20x0"], "不是有效的统计期"),
        (["--period", "2020-11", "--scope", "XX"], "没有编码为“XX”的园区"),
        (["--period", "2020-11", "--format", "docx"], "需要用 --out 指定输出文件"),
        (["--period", "2019-03"], "没有可写入简报的数据"),
    ],
)
def test_command_refuses_bad_input(zone: dict[str, Any], args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("briefing", *args, stdout=io.StringIO())
