"""The generic spreadsheet reader and result (FORMATS.md section 1): header finding, aliases, row numbers as Excel
shows them, cell normalisation, CSV encodings, unreadable files, and the JSON and text output."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from gaoxin.core import importing
from gaoxin.core.importing import Column, ImportResult, Issue, UnreadableFile

COLUMNS = (
    Column("code", "统一社会信用代码", required=True, aliases=("信用代码", "社会信用代码"), parse=importing.cell_uscc),
    Column("name", "企业名称", required=True, parse=importing.cell_text(10)),
    Column("founded_on", "成立日期", parse=importing.cell_date),
    Column("capital", "注册资本(万元)", parse=importing.cell_decimal),
    Column("phone", "联系电话", parse=importing.cell_phone),
    Column("above", "是否规上", parse=importing.cell_yes_no),
    Column("email", "电子邮箱", parse=importing.cell_email),
    Column("stage", "产业链环节", parse=importing.cell_choice({"上游": "up", "下游": "down"}, "应为上游或下游")),
)


def write_xlsx(path: Path, rows: list[list[Any]], *, sheet: str = "Sheet1", first_row: int = 1) -> Path:
    """Rows written from `first_row` (1-based, as Excel numbers rows) with openpyxl: the rows above stay empty."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for offset, row in enumerate(rows):
        for col, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=first_row + offset, column=col, value=value)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def read(path: Path) -> tuple[importing.Table | None, ImportResult]:
    result = ImportResult()
    table = importing.read_table(importing.open_workbook(path), COLUMNS, result)
    return table, result


def test_header_below_title_rows_and_row_numbers_as_excel_shows_them(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "list.xlsx",
        [
            ["2024年企业名录"],
            [],
            ["企业名称", "统一社会信用代码"],
            ["甲公司", "91440400MA4UJ3XX1U"],
            [],
            ["乙公司", "91440400MA4UJ3XX2U"],
        ],
        first_row=3,
    )
    table, result = read(path)
    assert table is not None
    assert table.header_row == 5
    assert [(r.row, r.get("name"), r.get("code")) for r in table.records] == [
        (6, "甲公司", "91440400MA4UJ3XX1U"),
        (8, "乙公司", "91440400MA4UJ3XX2U"),
    ]
    assert result.errors == []
    assert result.warnings == []


def test_sheet_starting_at_a_later_column_keeps_excel_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "offset.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("企业")
    ws.write_row(3, 2, ["统一社会信用代码", "企业名称"])
    ws.write_row(4, 2, ["91440400MA4UJ3XX1U", "甲公司"])
    book.close()
    table, _ = read(path)
    assert table is not None
    assert (table.sheet, table.header_row, table.records[0].row) == ("企业", 4, 5)
    assert table.records[0].values["name"] == "甲公司"


def test_aliases_and_free_order(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [["企业名称", "社会信用代码 "], ["甲", "91440400MA4UJ3XX1U"]])
    table, _ = read(path)
    assert table is not None
    assert table.records[0].values["code"] == "91440400MA4UJ3XX1U"
    path = write_xlsx(tmp_path / "b.xlsx", [["信用代码*", "企业名称（必填）"], ["91440400MA4UJ3XX1U", "甲"]])
    table, _ = read(path)
    assert table is not None
    assert table.records[0].values == {"code": "91440400MA4UJ3XX1U", "name": "甲"}


def test_unknown_column_is_a_warning_and_ignored(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "w.xlsx", [["统一社会信用代码", "备注", "企业名称"], ["91440400MA4UJ3XX1U", "x", "甲"]]
    )
    table, result = read(path)
    assert table is not None
    assert result.errors == []
    assert result.warnings == [Issue("Sheet1", 1, "备注", "未识别的列，已忽略")]
    assert "备注" not in table.records[0].values


def test_missing_required_column(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", [["标题"], ["企业名称", "成立日期"], ["甲", "2020-01-01"]])
    table, result = read(path)
    assert table is None
    assert result.errors == [Issue("Sheet1", 2, "统一社会信用代码", "缺少必填列")]
    assert result.errors[0].line() == "第2行 统一社会信用代码: 缺少必填列"


def test_no_header_at_all(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "n.xlsx", [["a", "b"], [1, 2]])
    table, result = read(path)
    assert table is None
    assert result.errors == [
        Issue("Sheet1", None, "", "前10行中找不到表头（应含“统一社会信用代码”、“企业名称”等列名）")
    ]


def test_same_column_twice_is_an_error(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "d.xlsx", [["统一社会信用代码", "企业名称", "信用代码"], ["91440400MA4UJ3XX1U", "甲", "x"]]
    )
    table, result = read(path)
    assert table is None
    assert result.errors == [Issue("Sheet1", 1, "信用代码", "与“统一社会信用代码”是同一列，请只保留一列")]


def test_cells_are_normalised(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "n.xlsx",
        [
            [
                "统一社会信用代码",
                "企业名称",
                "成立日期",
                "注册资本(万元)",
                "联系电话",
                "是否规上",
                "电子邮箱",
                "产业链环节",
            ],
            [
                "９１４４０４００ｍａ４ｕｊ３ｘｘ１ｕ",
                "  甲（珠海）  ",
                "2020年3月1日",
                "１,２３４.５",
                "１３８００１３８０００",
                "是",
                " a@b.cn ",
                "上游",
            ],
            ["91440400MA4UJ3XX2U", "乙", dt.datetime(2019, 5, 6), 12.5, 13900139000, "否", None, "下游"],
            ["91440400MA4UJ3XX3U", "丙", "2021/3/1", None, "(0756)3312345", None, None, None],
            ["91440400MA4UJ3XX4U", "丁", "2021.3.1", "", "", "", "", ""],
        ],
    )
    table, result = read(path)
    assert result.errors == []
    assert table is not None
    first, second, third, fourth = (r.values for r in table.records)
    assert first == {
        "code": "91440400MA4UJ3XX1U",
        "name": "甲(珠海)",
        "founded_on": dt.date(2020, 3, 1),
        "capital": Decimal("1234.5"),
        "phone": "13800138000",
        "above": True,
        "email": "a@b.cn",
        "stage": "up",
    }
    assert (second["founded_on"], second["capital"], second["phone"], second["above"], second["stage"]) == (
        dt.date(2019, 5, 6),
        Decimal("12.5"),
        "13900139000",
        False,
        "down",
    )
    assert (third["founded_on"], third["phone"], third["capital"]) == (dt.date(2021, 3, 1), "0756-3312345", None)
    assert fourth["founded_on"] == dt.date(2021, 3, 1)
    assert fourth["above"] is None


def test_cell_errors_name_row_and_column(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "e.xlsx",
        [
            [
                "统一社会信用代码",
                "企业名称",
                "成立日期",
                "注册资本(万元)",
                "联系电话",
                "是否规上",
                "电子邮箱",
                "产业链环节",
            ],
            ["91440400MA4UJ3XX1U", "", "2020-02-30", "十万", "12345", "可能", "not-an-email", "中游"],
            ["", "这个名称实在是太长了超过十个字", "明天", None, None, None, None, None],
        ],
    )
    table, result = read(path)
    assert table is not None
    assert [issue.line() for issue in result.errors] == [
        "第2行 企业名称: 不能为空",
        "第2行 成立日期: 不是有效的日期",
        "第2行 注册资本(万元): 不是有效的数字",
        "第2行 联系电话: 不是有效的手机号或固定电话（如 13800138000、0756-1234567）",
        "第2行 是否规上: 应填写“是”或“否”",
        "第2行 电子邮箱: 不是有效的电子邮箱",
        "第2行 产业链环节: 应为上游或下游",
        "第3行 统一社会信用代码: 不能为空",
        "第3行 企业名称: 不能超过10个字",
        "第3行 成立日期: 不是有效的日期，请写作 2020-03-01 或 2020年3月1日",
    ]
    assert [r.failed for r in table.records] == [True, True]
    assert result.failed_rows == 2


def test_uscc_stored_as_a_number_by_excel(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "num.xlsx", [["统一社会信用代码", "企业名称"], [914404001234567890, "甲"]])
    _, result = read(path)
    assert [issue.line() for issue in result.errors] == [
        "第2行 统一社会信用代码: 被Excel存成了数字，末几位已丢失；请把该列设为文本格式后重新填写"
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = write_csv(
        tmp_path / "企业名录.csv",
        [["企业名称", "统一社会信用代码", "注册资本(万元)"], ["珠海甲科技有限公司", "91440400MA4UJ3XX1U", "1,000"]],
        encoding,
    )
    table, result = read(path)
    assert result.errors == []
    assert table is not None
    assert table.sheet == "企业名录"
    assert table.records[0].values == {
        "name": "珠海甲科技有限公司",
        "code": "91440400MA4UJ3XX1U",
        "capital": Decimal("1000"),
    }
    assert table.records[0].row == 2


def test_unreadable_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableFile, match="不是有效的Excel文件"):
        importing.open_workbook(broken)
    with pytest.raises(UnreadableFile, match="找不到文件"):
        importing.open_workbook(tmp_path / "missing.xlsx")
    latin = tmp_path / "x.csv"
    latin.write_bytes(b"\xff\xfe\x00\x00abc")
    with pytest.raises(UnreadableFile):
        importing.open_workbook(latin)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableFile, match="文件是空的"):
        importing.open_workbook(empty)


def test_result_json_shape_and_summary() -> None:
    result = ImportResult(title="企业名录导入")
    result.count(importing.CREATED, sheet="S", row=2, label="甲", changes={"企业名称": [None, "甲"]})
    result.count(importing.UNCHANGED)
    result.error("S", 12, "统一社会信用代码", "校验位错误（按GB 32100-2015应为X）")
    result.warn("S", 1, "备注", "未识别的列，已忽略")
    assert result.to_json() == {
        "created": 1,
        "updated": 0,
        "unchanged": 1,
        "errors": [
            {"sheet": "S", "row": 12, "column": "统一社会信用代码", "message": "校验位错误（按GB 32100-2015应为X）"}
        ],
        "warnings": [{"sheet": "S", "row": 1, "column": "备注", "message": "未识别的列，已忽略"}],
    }
    assert result.exit_code == 1
    result.abort()
    assert (result.created, result.unchanged, result.planned) == (0, 0, {"created": 1, "updated": 0, "unchanged": 1})
    assert result.lines() == [
        "企业名录导入：导入发现1处错误（涉及1行），未导入任何数据；无误的行中可新增1条，更新0条，未变化1条；"
        "另有1条提示。请修改后重新导入。",
        "错误：",
        "第12行 统一社会信用代码: 校验位错误（按GB 32100-2015应为X）",
        "提示：",
        "第1行 备注: 未识别的列，已忽略",
    ]


def test_summaries() -> None:
    done = ImportResult(title="资质导入", created=2, updated=1, unchanged=3)
    assert done.summary() == "资质导入：导入完成：新增2条，更新1条，未变化3条。"
    assert done.exit_code == 0
    dry = ImportResult(title="资质导入", dry_run=True, created=2)
    assert dry.summary() == "资质导入：试导入（未写入）：将新增2条，更新0条，未变化0条。"
    partial = ImportResult(title="企业名录导入", partial=True, created=1)
    partial.error("S", 3, "企业名称", "不能为空")
    assert partial.summary() == "企业名录导入：导入完成：新增1条，更新0条，未变化0条；1行有错误，已跳过（共1处）。"
    unreadable = ImportResult.for_unreadable("文件是空的", title="企业名录导入", sheet="x")
    assert unreadable.exit_code == 2
    assert unreadable.to_json()["errors"] == [{"sheet": "x", "row": None, "column": "", "message": "文件是空的"}]


def test_issue_line_with_sheet() -> None:
    assert (
        Issue("产业", 3, "上级编码", "不能以自己为上级").line(with_sheet=True)
        == "[产业] 第3行 上级编码: 不能以自己为上级"
    )
    assert Issue("部门", None, "", "工作簿中没有“部门”工作表，已跳过").line() == "工作簿中没有“部门”工作表，已跳过"


def test_split_list_and_lookup_key() -> None:
    assert importing.split_list("一园、二园,三园，四园") == ["一园", "二园", "三园", "四园"]
    assert importing.lookup_key("专精特新“小巨人”企业") == importing.lookup_key('专精特新"小巨人"企业')


def test_template_has_exact_headers_and_a_guide(tmp_path: Path) -> None:
    data = importing.template_xlsx(
        [importing.TemplateSheet("企业名录", COLUMNS, [{"code": "91440400MA4UJ3XX1U", "name": "甲"}])],
        notes=["说明"],
    )
    path = tmp_path / "t.xlsx"
    path.write_bytes(data)
    book = importing.open_workbook(path)
    assert book.sheet_names == ["企业名录", "填写说明"]
    rows = book.rows("企业名录")
    assert rows[0] == [column.label for column in COLUMNS]
    assert rows[1][:2] == ["91440400MA4UJ3XX1U", "甲"]
    guide = book.rows("填写说明")
    assert guide[2][:3] == ["工作表", "列名", "是否必填"]
    assert guide[3][:3] == ["企业名录", "统一社会信用代码", "必填"]
