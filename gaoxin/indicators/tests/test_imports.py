"""Imports into economic monitoring (FORMATS.md 1c monthly indicators, 1d annual facts and the 火炬统计 layout,
1e annual targets) and their commands."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.db.models import F

from gaoxin.core.errors import PermissionDenied
from gaoxin.core.importing import Issue
from gaoxin.core.models import AuditEntry
from gaoxin.indicators import imports
from gaoxin.indicators.models import AnnualFact, Fact, Indicator, Target
from gaoxin.registry.models import Enterprise
from gaoxin.testing.factories import (
    EnterpriseFactory,
    ParkFactory,
    ZoneFactory,
    bad_check_digit,
    make_uscc,
    officer,
    park_officer,
)

pytestmark = pytest.mark.django_db

CODE_A = make_uscc(201)
CODE_B = make_uscc(202)
CODE_X = make_uscc(299)  # not in the registry
NAME_A = "珠海华芯微电子有限公司"
NAME_B = "珠海乙生物医药有限公司"


@pytest.fixture
def firms() -> dict[str, Enterprise]:
    park = ParkFactory(code="P01", name="高新一园", short_name="一园")
    return {
        "a": EnterpriseFactory(uscc=CODE_A, name=NAME_A, park=park),
        "b": EnterpriseFactory(uscc=CODE_B, name=NAME_B, park=park),
    }


def write_book(path: Path, header: list[str], rows: list[list[Any]], *, titles: int = 0, sheet: str = "数据") -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for index in range(titles):
        ws.append([f"标题{index + 1}"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def run(command: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def facts(code: str = "output_value") -> list[tuple[str, int, int, D, D, bool, str]]:
    """(enterprise name, year, month, value, cumulative, reported cumulative, source) of one indicator."""
    rows = Fact.objects.filter(indicator__code=code).order_by("enterprise__name", "year", "month")
    return list(
        rows.values_list("enterprise__name", "year", "month", "value", "cumulative", "reported_cumulative", "source")
    )


def fact_state() -> tuple[list[tuple[Any, ...]], int]:
    rows = list(Fact.objects.order_by("id").values_list("indicator_id", "enterprise_id", "year", "month", "value"))
    return rows, AuditEntry.objects.count()


MONTHLY = ["统一社会信用代码", "企业名称", "统计期", "工业总产值(万元)", "营业收入"]


# Monthly indicators (1c) --------------------------------------------------------------------------------------


def test_monthly_import_stores_each_figure(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    path = write_book(
        tmp_path / "m.xlsx",
        MONTHLY,
        [
            [CODE_A, NAME_A, "2020-01", 100, "50.5"],
            [CODE_A, NAME_A, "2020年2月", "1,150", None],
            [CODE_B, NAME_B, 202002, 80, 30],
        ],
        titles=1,
    )
    code, out = run("import_indicators", str(path))
    assert code == 0
    assert out.splitlines() == ["月度指标导入：导入完成：新增5条，更新0条，未变化0条。"]
    assert facts() == [
        (NAME_B, 2020, 2, D(80), D(80), False, "import"),
        (NAME_A, 2020, 1, D(100), D(100), False, "import"),
        (NAME_A, 2020, 2, D(1150), D(1250), False, "import"),
    ]
    # A did not report 营业收入 for February, which B did: February is carried (0, cumulative carried).
    assert facts("revenue") == [
        (NAME_B, 2020, 2, D(30), D(30), False, "import"),
        (NAME_A, 2020, 1, D("50.5"), D("50.5"), False, "import"),
        (NAME_A, 2020, 2, D(0), D("50.5"), False, "carried"),
    ]


def test_missing_month_between_reported_months_is_carried(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    rows = [[CODE_A, "2020-01", 100], [CODE_A, "2020-03", 30]]
    path = write_book(tmp_path / "gap.xlsx", ["统一社会信用代码", "统计期", "工业总产值"], rows)
    result = imports.import_indicators(path)
    assert (result.created, result.updated, result.unchanged, result.errors) == (2, 0, 0, [])
    assert result.extra["carried"] == 1
    assert facts() == [
        (NAME_A, 2020, 1, D(100), D(100), False, "import"),
        (NAME_A, 2020, 2, D(0), D(100), False, "carried"),
        (NAME_A, 2020, 3, D(30), D(130), False, "import"),
    ]
    # Reporting the missing month later replaces the carried row and counts as new.
    again = imports.import_indicators(
        write_book(tmp_path / "feb.xlsx", ["统一社会信用代码", "统计期", "工业总产值"], [[CODE_A, "2020-02", 20]])
    )
    assert (again.created, again.updated, again.unchanged) == (1, 0, 0)
    assert [row[3:5] for row in facts()] == [(D(100), D(100)), (D(20), D(120)), (D(30), D(150))]


@pytest.mark.parametrize(
    "header", ["工业总产值(万元)(累计)", "工业总产值（累计）", "1-N月工业总产值（万元）", "总产值1-N月份"]
)
def test_cumulative_columns_derive_monthly_values(tmp_path: Path, firms: dict[str, Enterprise], header: str) -> None:
    rows = [[CODE_A, "2020-01", 100], [CODE_A, "2020-02", 250], [CODE_A, "2020-03", 270]]
    path = write_book(tmp_path / "c.xlsx", ["统一社会信用代码", "统计期", header], rows)
    code, out = run("import_indicators", str(path), "--json")
    assert code == 0
    assert json.loads(out) == {"created": 3, "updated": 0, "unchanged": 0, "errors": [], "warnings": []}
    assert facts() == [
        (NAME_A, 2020, 1, D(100), D(100), True, "import_cumulative"),
        (NAME_A, 2020, 2, D(150), D(250), True, "import_cumulative"),
        (NAME_A, 2020, 3, D(20), D(270), True, "import_cumulative"),
    ]


def test_one_to_n_month_header_with_the_period_month(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    header = ["统一社会信用代码", "统计期", "1-11月工业总产值(万元)", "用电量(万千瓦时)"]
    path = write_book(tmp_path / "n.xlsx", header, [[CODE_A, "2020年11月", 1100, 7], [CODE_B, "2020-10", 500, 3]])
    result = imports.import_indicators(path)
    assert result.errors == [Issue("数据", 3, "1-11月工业总产值(万元)", "统计期为10月，与列名中的1-11月不一致")]
    assert not Fact.objects.exists()
    path = write_book(tmp_path / "ok.xlsx", header, [[CODE_A, "2020年11月", 1100, 7]])
    result = imports.import_indicators(path)
    assert (result.created, result.errors) == (2, [])
    assert facts() == [(NAME_A, 2020, 11, D(1100), D(1100), True, "import_cumulative")]
    assert facts("electricity") == [(NAME_A, 2020, 11, D(7), D(7), False, "import")]


def test_cumulative_option_reads_every_column_as_cumulative(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    rows = [[CODE_A, NAME_A, "2020-01", 100, 10], [CODE_A, NAME_A, "2020-02", 250, 25]]
    path = write_book(tmp_path / "all.xlsx", MONTHLY, rows)
    code, out = run("import_indicators", str(path), "--cumulative")
    assert code == 0
    assert out.splitlines() == ["月度指标导入：导入完成：新增4条，更新0条，未变化0条。"]
    assert [row[2:6] for row in facts()] == [(1, D(100), D(100), True), (2, D(150), D(250), True)]
    assert [row[2:6] for row in facts("revenue")] == [(1, D(10), D(10), True), (2, D(15), D(25), True)]


def test_stock_indicator_is_the_period_end_figure(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    rows = [[CODE_A, "2020-01", 120], [CODE_A, "2020-02", 118]]
    path = write_book(tmp_path / "s.xlsx", ["统一社会信用代码", "统计期", "从业人员(人)"], rows)
    assert imports.import_indicators(path, cumulative=True).created == 2
    assert [row[2:7] for row in facts("employees")] == [
        (1, D(120), D(120), False, "import"),
        (2, D(118), D(118), False, "import"),
    ]


def test_cumulative_lower_than_last_month_is_a_warning(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    rows = [[CODE_A, "2020-01", 100], [CODE_A, "2020-02", 90]]
    path = write_book(tmp_path / "w.xlsx", ["统一社会信用代码", "统计期", "工业总产值(累计)"], rows)
    code, out = run("import_indicators", str(path))
    assert code == 0
    assert out.splitlines() == [
        "月度指标导入：导入完成：新增2条，更新0条，未变化0条；另有1条提示。",
        "提示：",
        "第3行 工业总产值(累计): 累计值小于上月累计，当月数为负",
    ]
    assert [row[2:5] for row in facts()] == [(1, D(100), D(100)), (2, D(-10), D(90))]


def test_monthly_change_before_a_stored_cumulative_warns(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    header = ["统一社会信用代码", "统计期", "工业总产值(累计)"]
    imports.import_indicators(
        write_book(tmp_path / "c.xlsx", header, [[CODE_A, "2020-01", 100], [CODE_A, "2020-02", 150]])
    )
    path = write_book(tmp_path / "m.xlsx", ["统一社会信用代码", "统计期", "工业总产值"], [[CODE_A, "2020-01", 200]])
    result = imports.import_indicators(path)
    assert (result.created, result.updated, result.errors) == (0, 1, [])
    assert result.warnings == [
        Issue("数据", None, "", f"{NAME_A} 2020年2月工业总产值：已有的累计值小于上月累计，当月数为负")
    ]
    assert [row[2:5] for row in facts()] == [(1, D(200), D(200)), (2, D(-50), D(150))]


def test_unit_mismatch_and_computed_indicator_are_header_errors(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    header = ["统一社会信用代码", "统计期", "工业总产值(亿元)", "研发费用占营收比(%)", "营业收入（万元）", "备注"]
    path = write_book(tmp_path / "u.xlsx", header, [[CODE_A, "2020-01", 1, 5, 100, "x"]], titles=2)
    code, out = run("import_indicators", str(path), "--json")
    assert code == 1
    assert json.loads(out) == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "errors": [
            {"sheet": "数据", "row": 3, "column": "工业总产值(亿元)", "message": "单位应为万元"},
            {
                "sheet": "数据",
                "row": 3,
                "column": "研发费用占营收比(%)",
                "message": "研发费用占营收比是计算指标（研发费用÷营业收入），不能导入",
            },
        ],
        "warnings": [{"sheet": "数据", "row": 3, "column": "备注", "message": "未识别的列，已忽略"}],
    }
    assert not Fact.objects.exists()


def test_same_indicator_twice_in_the_header(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    header = ["统一社会信用代码", "统计期", "工业总产值", "总产值(累计)"]
    result = imports.import_indicators(write_book(tmp_path / "t.xlsx", header, [[CODE_A, "2020-01", 1, 1]]))
    assert result.errors == [Issue("数据", 1, "总产值(累计)", "与“工业总产值”是同一列，请只保留一列")]


def test_no_indicator_column(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    result = imports.import_indicators(
        write_book(tmp_path / "e.xlsx", ["统一社会信用代码", "统计期"], [[CODE_A, "2020-01"]])
    )
    assert result.errors == [
        Issue("数据", 1, "", "表头中没有可导入的指标列（列名应为指标目录中的指标名称，如 工业总产值(万元)）")
    ]


def test_row_errors_and_name_warning(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    rows = [
        [CODE_A, "珠海华芯有限公司", "2020-01", 100, 10],
        [CODE_X, "某企业", "2020-01", 100, 10],
        [bad_check_digit(CODE_B), NAME_B, "2020-01", 100, 10],
        [CODE_B, NAME_B, "2020-13", 100, 10],
        [CODE_B, NAME_B, "去年", 100, 10],
        [CODE_B, NAME_B, "2020-02", -5, "很多"],
        [CODE_B, NAME_B, "2020-03", None, None],
    ]
    result = imports.import_indicators(write_book(tmp_path / "r.xlsx", MONTHLY, rows))
    assert result.errors == [
        Issue("数据", 3, "统一社会信用代码", "企业库中没有该企业，请先导入企业名录"),
        Issue("数据", 4, "统一社会信用代码", f"校验位错误（按GB 32100-2015应为{CODE_B[-1]}）"),
        Issue("数据", 5, "统计期", "月份应在1到12之间"),
        Issue("数据", 6, "统计期", "不是有效的统计期，请写作 2020-11 或 2020年11月"),
        Issue("数据", 7, "工业总产值(万元)", "不能为负数"),
        Issue("数据", 7, "营业收入", "不是有效的数字"),
    ]
    assert result.warnings == [
        Issue("数据", 2, "企业名称", f"与企业库中的名称“{NAME_A}”不一致，已按统一社会信用代码导入"),
        Issue("数据", 8, "", "该行没有填写任何指标，已跳过"),
    ]
    assert result.aborted
    assert result.planned == {"created": 2, "updated": 0, "unchanged": 0}
    assert not Fact.objects.exists()


def test_duplicate_rows_are_all_errors_and_nothing_is_written(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    imports.import_indicators(write_book(tmp_path / "first.xlsx", MONTHLY, [[CODE_B, NAME_B, "2020-01", 7, 7]]))
    before = fact_state()
    rows = [
        [CODE_A, NAME_A, "2020-01", 100, 10],
        [CODE_A, NAME_A, "2020年1月", 120, None],
        [CODE_A, NAME_A, "2020-02", 100, None],
        [CODE_A, NAME_A, "2020-02", None, 20],
        [CODE_B, NAME_B, "2020-01", 8, 7],
    ]
    code, out = run("import_indicators", str(write_book(tmp_path / "d.xlsx", MONTHLY, rows)))
    assert code == 1
    assert out.splitlines() == [
        "月度指标导入：导入发现2处错误（涉及2行），未导入任何数据；"
        "无误的行中可新增2条，更新1条，未变化1条。请修改后重新导入。",
        "错误：",
        "第2行 工业总产值(万元): 文件中重复出现（第2、3行）",
        "第3行 工业总产值(万元): 文件中重复出现（第2、3行）",
    ]
    assert fact_state() == before


def test_dry_run_counts_exactly_and_writes_nothing(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    rows = [[CODE_A, NAME_A, "2020-01", 100, 10], [CODE_A, NAME_A, "2020-02", 50, None]]
    imports.import_indicators(write_book(tmp_path / "first.xlsx", MONTHLY, rows))
    before = fact_state()
    rows = [
        [CODE_A, NAME_A, "2020-01", 100, 12],  # 总产值 unchanged, 营业收入 corrected
        [CODE_A, NAME_A, "2020-02", 50, 11],  # 营业收入 February was carried: new
        [CODE_B, NAME_B, "2020-03", 40, None],  # new
    ]
    path = write_book(tmp_path / "second.xlsx", MONTHLY, rows)
    code, out = run("import_indicators", str(path), "--dry-run", "--json")
    assert code == 0
    assert json.loads(out) == {"created": 2, "updated": 1, "unchanged": 2, "errors": [], "warnings": []}
    assert fact_state() == before
    code, out = run("import_indicators", str(path), "--dry-run")
    assert out.splitlines() == ["月度指标导入：试导入（未写入）：将新增2条，更新1条，未变化2条。"]
    assert fact_state() == before
    code, out = run("import_indicators", str(path), "--json")
    assert json.loads(out)["created"] == 2
    assert json.loads(out)["updated"] == 1


def test_reimport_is_idempotent(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    rows = [[CODE_A, NAME_A, "2020-01", 100, "0.30000000000000004"], [CODE_B, NAME_B, "2020-03", 40, 5]]
    path = write_book(tmp_path / "i.xlsx", MONTHLY, rows)
    assert run("import_indicators", str(path))[0] == 0
    before = list(Fact.objects.order_by("id").values_list("value", "cumulative", "source", "updated_at"))
    audits = AuditEntry.objects.count()
    code, out = run("import_indicators", str(path), "--json")
    assert code == 0
    assert json.loads(out) == {"created": 0, "updated": 0, "unchanged": 4, "errors": [], "warnings": []}
    assert list(Fact.objects.order_by("id").values_list("value", "cumulative", "source", "updated_at")) == before
    assert AuditEntry.objects.count() == audits
    assert Fact.objects.get(indicator__code="revenue", enterprise=firms["a"], month=1).value == D("0.3")


def test_correction_is_audited_with_before_and_after(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    header = ["统一社会信用代码", "统计期", "工业总产值(万元)"]
    imports.import_indicators(
        write_book(tmp_path / "a.xlsx", header, [[CODE_A, "2020-01", 100], [CODE_A, "2020-02", 50]])
    )
    assert not AuditEntry.objects.exists()
    actor = officer(full_name="钱科长")
    path = write_book(tmp_path / "fix.xlsx", header, [[CODE_A, "2020-01", 120], [CODE_A, "2020-02", 50]])
    result = imports.import_indicators(path, actor=actor)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert result.changes[0].changes == {"工业总产值（2020年1月当月）": ["100", "120"]}
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.enterprise_id, entry.target_type) == (
        "update",
        actor,
        firms["a"].pk,
        "indicators.indicator",
    )
    assert entry.reason == "批量导入：fix.xlsx"
    ((name, (old, new)),) = entry.changes.items()
    assert name == "工业总产值（2020年1月当月）"
    assert (D(old), D(new)) == (D(100), D(120))
    assert [row[3:5] for row in facts()] == [(D(120), D(120)), (D(50), D(170))]


def test_csv_import(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    path = tmp_path / "指标.csv"
    with path.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["信用代码", "统计期", "税收(万元)", "综合能耗(吨标煤)"])
        writer.writerow([CODE_A, "2020/5", "12.5", "3"])
    code, out = run("import_indicators", str(path), "--json")
    assert (code, json.loads(out)["created"]) == (0, 2)
    assert facts("tax") == [(NAME_A, 2020, 5, D("12.5"), D("12.5"), False, "import")]


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    for command in ("import_indicators", "import_annual_facts", "import_targets"):
        code, out = run(command, str(path), "--json")
        assert code == 2
        data = json.loads(out)
        assert set(data) == {"created", "updated", "unchanged", "errors", "warnings"}
        assert data["errors"] == [
            {
                "sheet": "broken",
                "row": None,
                "column": "",
                "message": "无法读取文件：不是有效的Excel文件（.xlsx/.xls），或文件已损坏、加了密码",
            }
        ]


def test_only_officers_may_import(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    path = write_book(tmp_path / "p.xlsx", MONTHLY, [[CODE_A, NAME_A, "2020-01", 1, 1]])
    with pytest.raises(PermissionDenied, match="只有科室人员可以批量导入经济指标"):
        imports.import_indicators(path, actor=park_officer())
    with pytest.raises(PermissionDenied, match="只有科室人员可以批量导入企业年度数据"):
        imports.import_annual_facts(path, actor=park_officer())
    with pytest.raises(PermissionDenied, match="只有科室人员可以导入年度目标"):
        imports.import_targets(path, actor=park_officer())
    assert not Fact.objects.exists()


# Annual enterprise facts (1d) ---------------------------------------------------------------------------------

ANNUAL = [
    "统一社会信用代码",
    "企业名称",
    "年度",
    "营业收入(万元)",
    "研发费用",
    "净资产（所有者权益）",
    "职工总数(人)",
    "Ⅰ类知识产权数 (有效)",
    "高新技术产品（服务）收入",
]


def annual() -> list[tuple[str, int, str, D, str]]:
    rows = AnnualFact.objects.order_by("enterprise__name", "year", "name")
    return list(rows.values_list("enterprise__name", "year", "name", "value", "source"))


def test_annual_facts_import_update_and_audit(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    rows = [
        [CODE_A, NAME_A, 2023, "3,200", 180, -20, 120, 2, None],
        [CODE_B, NAME_B, "2023年", 800, None, 500, 45, None, "600.5"],
    ]
    code, out = run("import_annual_facts", str(write_book(tmp_path / "y.xlsx", ANNUAL, rows)))
    assert code == 0
    assert out.splitlines() == ["企业年度数据导入：导入完成：新增2条，更新0条，未变化0条。"]
    assert annual() == [
        (NAME_B, 2023, "hightech_revenue", D("600.5"), "import"),
        (NAME_B, 2023, "net_assets", D(500), "import"),
        (NAME_B, 2023, "revenue", D(800), "import"),
        (NAME_B, 2023, "staff", D(45), "import"),
        (NAME_A, 2023, "ip_class1", D(2), "import"),
        (NAME_A, 2023, "net_assets", D(-20), "import"),
        (NAME_A, 2023, "rd_expense", D(180), "import"),
        (NAME_A, 2023, "revenue", D(3200), "import"),
        (NAME_A, 2023, "staff", D(120), "import"),
    ]
    created = AuditEntry.objects.filter(action="import_create", enterprise_id=firms["a"].pk)
    assert all(len(entry.changes) == 1 for entry in created)
    assert sorted(item for entry in created for item in entry.changes.items()) == sorted(
        [
            ("Ⅰ类知识产权数（2023年）", [None, "2"]),
            ("净资产(所有者权益)（2023年）", [None, "-20"]),
            ("研发费用（2023年）", [None, "180"]),
            ("营业收入（2023年）", [None, "3200"]),
            ("职工总数（2023年）", [None, "120"]),
        ]
    )
    assert all(entry.target_type == "indicators.annualfact" and entry.target_id != "None" for entry in created)

    code, out = run("import_annual_facts", str(tmp_path / "y.xlsx"), "--json")
    assert json.loads(out) == {"created": 0, "updated": 0, "unchanged": 2, "errors": [], "warnings": []}
    audits = AuditEntry.objects.count()

    rows = [[CODE_A, NAME_A, 2023, 3300, 180, None, None, None, None], [CODE_A, NAME_A, 2022, 3000, 150, 0, 0, 0, 0]]
    result = imports.import_annual_facts(write_book(tmp_path / "y2.xlsx", ANNUAL, rows))
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    entry = AuditEntry.objects.get(action="import_update")
    assert (entry.enterprise_id, entry.changes, entry.reason) == (
        firms["a"].pk,
        {"营业收入（2023年）": ["3200", "3300"]},
        "批量导入：y2.xlsx",
    )
    assert AuditEntry.objects.count() == audits + 1 + 6
    assert AnnualFact.objects.get(enterprise=firms["a"], year=2023, name="revenue").value == D(3300)
    assert AnnualFact.objects.get(enterprise=firms["a"], year=2023, name="staff").value == D(120)  # empty cell kept


def test_annual_facts_errors(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    header = ["统一社会信用代码", "年度", "营业收入(千元)", "职工总数", "研发人员数", "综合能源消费量(吨标准煤)"]
    rows = [
        [CODE_A, 2023, 1, 12.5, -1, 3],
        [CODE_X, "二〇二三", 1, 1, 1, 3],
        [CODE_B, 2023, 1, 1, 1, 3],
        [CODE_B, "2023年度", 1, 1, 1, 3],
    ]
    code, out = run("import_annual_facts", str(write_book(tmp_path / "e.xlsx", header, rows)), "--json")
    assert code == 1
    assert [(e["row"], e["column"], e["message"]) for e in json.loads(out)["errors"]] == [
        (1, "营业收入(千元)", "单位应为万元"),
        (2, "职工总数", "应为整数"),
        (2, "研发人员数", "不能为负数"),
        (3, "统一社会信用代码", "企业库中没有该企业，请先导入企业名录"),
        (3, "年度", "不是有效的年度，请写作 2023"),
        (4, "统一社会信用代码", "文件中重复出现（第4、5行）"),
        (5, "统一社会信用代码", "文件中重复出现（第4、5行）"),
    ]
    assert not AnnualFact.objects.exists()
    assert not AuditEntry.objects.exists()


TORCH = ["组织机构代码", "单位详细名称", "年份", "qc05_0", "工业总产值(qc02)", "QD01", "qj20(千元)", "qc12", "qc99"]


def test_torch_layout_converts_thousands_of_yuan(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    org_b = CODE_B[8:17]
    rows = [
        [CODE_A, NAME_A, 2023, 32000, "15,005", 120, 1805, -300, 1],
        [org_b, NAME_B, 2023, 1, None, None, None, None, 1],
    ]
    code, out = run("import_annual_facts", str(write_book(tmp_path / "torch.xlsx", TORCH, rows)), "--torch", "--json")
    assert code == 0
    assert json.loads(out) == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
        "warnings": [{"sheet": "数据", "row": 1, "column": "qc99", "message": "未识别的列，已忽略"}],
    }
    assert annual() == [
        (NAME_B, 2023, "revenue", D("0.1"), "torch"),
        (NAME_A, 2023, "net_profit", D(-30), "torch"),
        (NAME_A, 2023, "output_value", D("1500.5"), "torch"),
        (NAME_A, 2023, "rd_expense", D("180.5"), "torch"),
        (NAME_A, 2023, "revenue", D(3200), "torch"),
        (NAME_A, 2023, "staff", D(120), "torch"),
    ]
    code, out = run("import_annual_facts", str(tmp_path / "torch.xlsx"), "--torch")
    assert out.splitlines()[0] == "火炬统计导入：导入完成：新增0条，更新0条，未变化2条；另有1条提示。"


def test_torch_layout_checks_units_and_needs_codes(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    header = ["统一社会信用代码", "年度", "营业收入qc05_0(万元)", "qd01(人)"]
    result = imports.import_annual_facts(write_book(tmp_path / "t.xlsx", header, [[CODE_A, 2023, 1, 1]]), torch=True)
    assert result.errors == [Issue("数据", 1, "营业收入qc05_0(万元)", "火炬统计中应为千元")]
    header = ["统一社会信用代码", "年度", "营业收入"]
    result = imports.import_annual_facts(write_book(tmp_path / "n.xlsx", header, [[CODE_A, 2023, 1]]), torch=True)
    assert result.errors == [Issue("数据", 1, "", "表头中没有可导入的数据列（如 qc05_0）")]
    assert result.warnings == [Issue("数据", 1, "营业收入", "未识别的列，已忽略")]


# Annual targets (1e) ------------------------------------------------------------------------------------------

TARGETS = ["年度", "范围", "指标", "目标类型", "目标值", "下达单位"]


def targets() -> list[tuple[int, str | None, str, str, D, str]]:
    # NULL (全区) first on SQLite and PostgreSQL alike
    rows = Target.objects.order_by("year", F("park__code").asc(nulls_first=True), "indicator__sort_order", "kind")
    return list(rows.values_list("year", "park__code", "indicator__name", "kind", "value", "issuer"))


def test_targets_import_and_update(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    ZoneFactory()
    rows = [
        [2021, "全区", "工业投资", "总量", 480000, None],
        [2021, "全区", "工业增加值", "增速", 2.5, "市政府"],
        [2021, "一园", "营收", "总量", "12,000", None],
        [2021, "珠海高新区", "研发费用占营收比", "增速", -1, None],
    ]
    code, out = run("import_targets", str(write_book(tmp_path / "t.xlsx", TARGETS, rows)))
    assert code == 0
    assert out.splitlines() == ["年度目标导入：导入完成：新增4条，更新0条，未变化0条。"]
    assert targets() == [
        (2021, None, "工业增加值", "growth", D("2.5"), "市政府"),
        (2021, None, "工业投资", "total", D(480000), ""),
        (2021, None, "研发费用占营收比", "growth", D(-1), ""),
        (2021, "P01", "营业收入", "total", D(12000), ""),
    ]
    entry = AuditEntry.objects.get(target_id=str(Target.objects.get(indicator__code="value_added").pk))
    assert (entry.action, entry.target_type, entry.changes) == (
        "import_create",
        "indicators.target",
        {"目标值": [None, "2.5"], "下达单位": [None, "市政府"]},
    )

    code, out = run("import_targets", str(tmp_path / "t.xlsx"), "--json")
    assert json.loads(out) == {"created": 0, "updated": 0, "unchanged": 4, "errors": [], "warnings": []}

    rows = [[2021, "全区", "工业投资", "总量", 500000, "区管委会"], [2021, "全区", "工业增加值", "增速", 2.5, None]]
    result = imports.import_targets(write_book(tmp_path / "t2.xlsx", TARGETS, rows), dry_run=True)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Target.objects.get(indicator__code="industrial_investment").value == D(480000)
    result = imports.import_targets(write_book(tmp_path / "t2.xlsx", TARGETS, rows))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    entry = AuditEntry.objects.get(action="import_update")
    assert entry.changes == {"目标值": ["480000", "500000"], "下达单位": [None, "区管委会"]}
    assert targets()[1] == (2021, None, "工业投资", "total", D(500000), "区管委会")
    assert targets()[0][5] == "市政府"  # an empty 下达单位 keeps the stored one


def test_target_errors(tmp_path: Path, firms: dict[str, Enterprise]) -> None:
    rows = [
        [2021, "火星园", "工业投资", "总量", 1, None],
        [2021, "全区", "GDP", "总量", 1, None],
        [2021, "全区", "工业投资", "存量", 1, None],
        [2021, "全区", "工业投资", "总量", -1, None],
        [2021, "全区", "工业增加值", "增速", "-2.5", None],
        [2021, "全区", "增加值", "增速", 3, None],
        [None, "全区", "税收", "总量", None, None],
    ]
    code, out = run("import_targets", str(write_book(tmp_path / "t.xlsx", TARGETS, rows)))
    assert code == 1
    assert out.splitlines() == [
        "年度目标导入：导入发现8处错误（涉及7行），未导入任何数据；无误的行中可新增0条，更新0条，未变化0条。"
        "请修改后重新导入。",
        "错误：",
        "第2行 范围: 没有名称或编码为“火星园”的园区；全区目标请填“全区”",
        "第3行 指标: 指标目录中没有“GDP”",
        "第4行 目标类型: 应为总量或增速",
        "第5行 目标值: 总量目标不能为负数",
        "第6行 指标: 文件中重复出现（第6、7行）",
        "第7行 指标: 文件中重复出现（第6、7行）",
        "第8行 年度: 不能为空",
        "第8行 目标值: 不能为空",
    ]
    assert not Target.objects.exists()
    assert Indicator.objects.filter(code="value_added").exists()
