"""Registry imports (FORMATS.md 1a enterprises, 1b qualifications, 1g zone structure) and their commands."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command

from gaoxin.core.importing import Issue
from gaoxin.core.models import AuditEntry
from gaoxin.registry import imports
from gaoxin.registry.identity import search_text
from gaoxin.registry.models import (
    Chain,
    ChainLink,
    Department,
    Enterprise,
    EnterpriseCheck,
    EnterpriseFormerName,
    Industry,
    Park,
    Qualification,
)
from gaoxin.testing.factories import (
    EnterpriseFactory,
    IndustryFactory,
    ParkFactory,
    QualificationFactory,
    bad_check_digit,
    make_uscc,
    officer,
    qualification_type,
)

pytestmark = pytest.mark.django_db

CODE_A = make_uscc(101)
CODE_B = make_uscc(102)
CODE_C = make_uscc(103)


@pytest.fixture
def zone() -> dict[str, Any]:
    parks = [ParkFactory(code="P01", name="高新一园", short_name="一园"), ParkFactory(code="P02", name="高新二园")]
    ic = IndustryFactory(code="I01", name="集成电路")
    chips = IndustryFactory(code="I0101", name="芯片设计", parent=ic)
    bio = IndustryFactory(code="I02", name="生物医药")
    return {"parks": parks, "ic": ic, "chips": chips, "bio": bio}


def enterprise_row(code: str = CODE_A, **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "统一社会信用代码": code,
        "企业名称": "珠海华芯微电子有限公司",
        "所属园区": "高新一园",
        "所属产业": "集成电路",
        "国民经济行业代码": "C3973",
        "产业链环节": "中游",
        "成立日期": "2018-06-01",
        "注册资本(万元)": "1,000.5",
        "注册地址": "珠海市高新区科技六路1号",
        "法定代表人": "张三",
        "联系人": "李四",
        "联系电话": "13800138000",
        "财务负责人": "王五",
        "财务负责人电话": "0756-3312345",
        "电子邮箱": "hx@example.com",
        "是否规上": "是",
        "企业状态": "存续",
    }
    row.update(over)
    return row


def write_book(path: Path, rows: list[dict[str, Any]], *, titles: int = 0, sheet: str = "企业名录") -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for index in range(titles):
        ws.append([f"标题{index + 1}"])
    header = list(rows[0]) if rows else list(enterprise_row())
    ws.append(header)
    for row in rows:
        ws.append([row.get(name) for name in header])
    book.save(path)
    return path


def run(command: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def snapshot() -> tuple[list[tuple[Any, ...]], int, int, int]:
    rows = list(Enterprise.objects.order_by("uscc").values_list("uscc", "name", "park_id", "contact_phone", "status"))
    return rows, AuditEntry.objects.count(), EnterpriseFormerName.objects.count(), Qualification.objects.count()


# Enterprises ---------------------------------------------------------------------------------------------------


def test_import_creates_enterprise_with_every_field(tmp_path: Path, zone: dict[str, Any]) -> None:
    path = write_book(tmp_path / "e.xlsx", [enterprise_row()])
    code, out, _ = run("import_enterprises", str(path))
    assert code == 0
    assert out.splitlines() == ["企业名录导入：导入完成：新增1条，更新0条，未变化0条。"]
    e = Enterprise.objects.get(uscc=CODE_A)
    assert (e.name, e.park, e.industry, e.nic_code, e.chain_stage) == (
        "珠海华芯微电子有限公司",
        zone["parks"][0],
        zone["ic"],
        "C3973",
        "midstream",
    )
    assert e.founded_on == dt.date(2018, 6, 1)
    assert e.registered_capital == Decimal("10005000.00")
    assert (e.address, e.legal_representative, e.contact_name, e.contact_phone) == (
        "珠海市高新区科技六路1号",
        "张三",
        "李四",
        "13800138000",
    )
    assert (e.finance_contact_name, e.finance_contact_phone, e.email) == ("王五", "0756-3312345", "hx@example.com")
    assert (e.is_above_scale, e.status) == (True, "active")
    assert e.search_text == search_text("珠海华芯微电子有限公司", [])
    entry = AuditEntry.objects.get(enterprise_id=e.pk)
    assert (entry.action, entry.actor_id, entry.actor_label, entry.target_type, entry.target_id) == (
        "import_create",
        None,
        "系统",
        "registry.enterprise",
        str(e.pk),
    )
    assert entry.reason == "批量导入：e.xlsx"
    assert entry.changes["统一社会信用代码"] == [None, CODE_A]
    assert entry.changes["所属园区"] == [None, "高新一园"]
    assert entry.changes["产业链环节"] == [None, "中游"]
    assert entry.changes["注册资本(元)"] == [None, "10005000"]
    assert entry.changes["是否规上"] == [None, "是"]


def test_header_below_titles_aliases_unknown_column_and_full_width(tmp_path: Path, zone: dict[str, Any]) -> None:
    row = {
        "企业名称": "珠海甲科技有限公司",
        "信用代码": CODE_A.lower().replace("9", "９"),
        "园区": "P02",
        "产业": "I0101",
        "注册资本": "１,２００",
        "电话": "１３９００１３９０００",
        "备注": "重点企业",
    }
    path = write_book(tmp_path / "alias.xlsx", [row], titles=2)
    code, out, _ = run("import_enterprises", str(path), "--json")
    assert code == 0
    assert json.loads(out) == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
        "warnings": [{"sheet": "企业名录", "row": 3, "column": "备注", "message": "未识别的列，已忽略"}],
    }
    e = Enterprise.objects.get(uscc=CODE_A)
    assert (e.park.code, e.industry.code if e.industry else None) == ("P02", "I0101")
    assert (e.registered_capital, e.contact_phone, e.status, e.is_above_scale) == (
        Decimal("12000000.00"),
        "13900139000",
        "active",
        False,
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_in_utf8_bom_and_gb18030(tmp_path: Path, zone: dict[str, Any], encoding: str) -> None:
    path = tmp_path / "名录.csv"
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["统一社会信用代码", "企业名称", "所属园区", "产业链环节", "是否规上"])
        writer.writerow([CODE_A, "珠海甲科技有限公司", "一园", "上游", "否"])
        writer.writerow([CODE_B, "珠海乙生物医药有限公司", "高新二园", "下游", "是"])
    code, out, _ = run("import_enterprises", str(path), "--json")
    assert code == 0
    assert json.loads(out)["created"] == 2
    assert list(Enterprise.objects.order_by("name").values_list("name", "park__code", "chain_stage")) == [
        ("珠海乙生物医药有限公司", "P02", "downstream"),
        ("珠海甲科技有限公司", "P01", "upstream"),
    ]


BAD_CELLS = [
    ({"统一社会信用代码": ""}, "统一社会信用代码", "不能为空"),
    ({"企业名称": "  "}, "企业名称", "不能为空"),
    ({"统一社会信用代码": "9144040012"}, "统一社会信用代码", "应为18位，实为10位"),
    (
        {"统一社会信用代码": CODE_A[:10] + "I" + CODE_A[11:]},
        "统一社会信用代码",
        "含有不允许的字符（前8位为数字，其余为数字或除I、O、Z、S、V外的大写字母）",
    ),
    ({"所属园区": "第九园区"}, "所属园区", "没有名称或编码为“第九园区”的园区"),
    ({"所属产业": "人工智能"}, "所属产业", "没有名称或编码为“人工智能”的产业"),
    ({"产业链环节": "上中游"}, "产业链环节", "应为上游、中游或下游"),
    ({"成立日期": "2020-02-30"}, "成立日期", "不是有效的日期"),
    ({"成立日期": "去年"}, "成立日期", "不是有效的日期，请写作 2020-03-01 或 2020年3月1日"),
    ({"注册资本(万元)": "一千万"}, "注册资本(万元)", "不是有效的数字"),
    ({"注册资本(万元)": "-5"}, "注册资本(万元)", "不能为负数"),
    ({"国民经济行业代码": "3973"}, "国民经济行业代码", "应为门类字母加4位数字，如 C3973"),
    ({"联系电话": "12345"}, "联系电话", "不是有效的手机号或固定电话（如 13800138000、0756-1234567）"),
    ({"财务负责人电话": "电话"}, "财务负责人电话", "不是有效的手机号或固定电话（如 13800138000、0756-1234567）"),
    ({"电子邮箱": "hx.example.com"}, "电子邮箱", "不是有效的电子邮箱"),
    ({"是否规上": "大概"}, "是否规上", "应填写“是”或“否”"),
    ({"企业状态": "吊销"}, "企业状态", "应为存续、迁出或注销"),
    ({"企业名称": "名" * 201}, "企业名称", "不能超过200个字"),
]


@pytest.mark.parametrize(("over", "column", "message"), BAD_CELLS)
def test_each_error_is_reported_and_nothing_changes(
    tmp_path: Path, zone: dict[str, Any], over: dict[str, Any], column: str, message: str
) -> None:
    EnterpriseFactory(uscc=CODE_C, name="已有企业", park=zone["parks"][1])
    before = snapshot()
    path = write_book(tmp_path / "bad.xlsx", [enterprise_row(CODE_B), enterprise_row(**over)])
    result = imports.import_enterprises(path)
    assert result.errors == [Issue("企业名录", 3, column, message)]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert result.aborted
    assert snapshot() == before


def test_checksum_error_message(tmp_path: Path, zone: dict[str, Any]) -> None:
    wrong = bad_check_digit(CODE_A)
    path = write_book(tmp_path / "c.xlsx", [enterprise_row(wrong)])
    code, out, _ = run("import_enterprises", str(path))
    assert code == 1
    assert out.splitlines() == [
        "企业名录导入：导入发现1处错误（涉及1行），未导入任何数据；无误的行中可新增0条，更新0条，未变化0条。请修改后重新导入。",
        "错误：",
        f"第2行 统一社会信用代码: 校验位错误（按GB 32100-2015应为{CODE_A[-1]}）",
    ]
    assert not Enterprise.objects.exists()


def test_missing_required_column(tmp_path: Path, zone: dict[str, Any]) -> None:
    row = enterprise_row()
    del row["所属园区"]
    path = write_book(tmp_path / "m.xlsx", [row])
    code, out, _ = run("import_enterprises", str(path), "--json")
    assert code == 1
    assert json.loads(out)["errors"] == [{"sheet": "企业名录", "row": 1, "column": "所属园区", "message": "缺少必填列"}]
    assert not Enterprise.objects.exists()


def test_duplicate_uscc_in_one_file(tmp_path: Path, zone: dict[str, Any]) -> None:
    rows = [enterprise_row(CODE_A), enterprise_row(CODE_B), enterprise_row(CODE_A.lower(), 企业名称="另一个名称")]
    result = imports.import_enterprises(write_book(tmp_path / "d.xlsx", rows), partial=True)
    assert result.errors == [
        Issue("企业名录", 2, "统一社会信用代码", "文件中重复出现（第2、4行）"),
        Issue("企业名录", 4, "统一社会信用代码", "文件中重复出现（第2、4行）"),
    ]
    assert list(Enterprise.objects.values_list("uscc", flat=True)) == [CODE_B]


def test_ambiguous_industry_name(tmp_path: Path, zone: dict[str, Any]) -> None:
    IndustryFactory(code="I0201", name="集成电路", parent=zone["bio"])
    result = imports.import_enterprises(write_book(tmp_path / "a.xlsx", [enterprise_row()]))
    assert result.errors == [Issue("企业名录", 2, "所属产业", "名称“集成电路”对应多个产业，请改填产业编码")]


def test_non_above_scale_with_since_date(tmp_path: Path, zone: dict[str, Any]) -> None:
    path = write_book(tmp_path / "s.xlsx", [enterprise_row(是否规上="否", 入统日期="2020-01-01")])
    result = imports.import_enterprises(path)
    assert result.errors == [Issue("企业名录", 2, "入统日期", "非规上企业不填入统日期")]


def test_dry_run_changes_nothing(tmp_path: Path, zone: dict[str, Any]) -> None:
    existing = EnterpriseFactory(uscc=CODE_B, name="旧名称有限公司", park=zone["parks"][0])
    before = snapshot()
    path = write_book(tmp_path / "d.xlsx", [enterprise_row(CODE_A), enterprise_row(CODE_B)])
    code, out, _ = run("import_enterprises", str(path), "--dry-run")
    assert code == 0
    assert out.splitlines() == ["企业名录导入：试导入（未写入）：将新增1条，更新1条，未变化0条。"]
    assert snapshot() == before
    existing.refresh_from_db()
    assert existing.name == "旧名称有限公司"


def test_one_bad_row_changes_nothing(tmp_path: Path, zone: dict[str, Any]) -> None:
    EnterpriseFactory(uscc=CODE_C, name="老企业", park=zone["parks"][0], contact_phone="13700137000")
    before = snapshot()
    rows = [
        enterprise_row(CODE_A),
        enterprise_row(CODE_C, 企业名称="老企业改名"),
        enterprise_row(CODE_B, 所属园区="火星园"),
    ]
    code, out, _ = run("import_enterprises", str(path := write_book(tmp_path / "x.xlsx", rows)), "--json")
    assert code == 1
    assert json.loads(out) == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "errors": [{"sheet": "企业名录", "row": 4, "column": "所属园区", "message": "没有名称或编码为“火星园”的园区"}],
        "warnings": [],
    }
    assert snapshot() == before
    assert path.exists()


def test_partial_imports_the_good_rows(tmp_path: Path, zone: dict[str, Any]) -> None:
    rows = [
        enterprise_row(CODE_A),
        enterprise_row(CODE_B, 成立日期="不知道"),
        enterprise_row(CODE_C, 企业名称="珠海丙科技有限公司"),
    ]
    code, out, _ = run("import_enterprises", str(write_book(tmp_path / "p.xlsx", rows)), "--partial")
    assert code == 1
    assert out.splitlines() == [
        "企业名录导入：导入完成：新增2条，更新0条，未变化0条；1行有错误，已跳过（共1处）。",
        "错误：",
        "第3行 成立日期: 不是有效的日期，请写作 2020-03-01 或 2020年3月1日",
    ]
    assert sorted(Enterprise.objects.values_list("uscc", flat=True)) == sorted([CODE_A, CODE_C])
    assert AuditEntry.objects.filter(action="import_create").count() == 2


def test_reimport_is_idempotent(tmp_path: Path, zone: dict[str, Any]) -> None:
    path = write_book(tmp_path / "i.xlsx", [enterprise_row(CODE_A), enterprise_row(CODE_B, 企业名称="珠海乙有限公司")])
    assert run("import_enterprises", str(path))[0] == 0
    audits = AuditEntry.objects.count()
    stamps = list(Enterprise.objects.order_by("id").values_list("updated_at", flat=True))
    code, out, _ = run("import_enterprises", str(path), "--json")
    assert code == 0
    assert json.loads(out) == {"created": 0, "updated": 0, "unchanged": 2, "errors": [], "warnings": []}
    assert AuditEntry.objects.count() == audits
    assert list(Enterprise.objects.order_by("id").values_list("updated_at", flat=True)) == stamps


def test_update_renames_keeps_former_name_and_audits(tmp_path: Path, zone: dict[str, Any]) -> None:
    e = EnterpriseFactory(
        uscc=CODE_A,
        name="珠海旧名有限公司",
        park=zone["parks"][1],
        contact_name="赵六",
        email="old@example.com",
        is_above_scale=True,
        above_scale_since=dt.date(2020, 1, 1),
    )
    EnterpriseFormerName.objects.create(enterprise=e, name="珠海更早名有限公司", until=dt.date(2019, 1, 1))
    row = {
        "统一社会信用代码": CODE_A,
        "企业名称": "珠海新名有限公司",
        "所属园区": "高新一园",
        "联系人": "",
        "是否规上": "否",
    }
    actor = officer(full_name="钱科长")
    result = imports.import_enterprises(write_book(tmp_path / "u.xlsx", [row]), actor=actor)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    e.refresh_from_db()
    assert (e.name, e.park, e.contact_name, e.email) == (
        "珠海新名有限公司",
        zone["parks"][0],
        "赵六",
        "old@example.com",
    )
    assert (e.is_above_scale, e.above_scale_since) == (False, None)
    assert list(e.former_names.order_by("id").values_list("name", flat=True)) == [
        "珠海更早名有限公司",
        "珠海旧名有限公司",
    ]
    assert e.search_text == search_text("珠海新名有限公司", ["珠海旧名有限公司", "珠海更早名有限公司"])
    entry = AuditEntry.objects.get(enterprise_id=e.pk)
    assert (entry.action, entry.actor, entry.actor_label) == ("import_update", actor, "钱科长")
    assert entry.changes == {
        "企业名称": ["珠海旧名有限公司", "珠海新名有限公司"],
        "所属园区": ["高新二园", "高新一园"],
        "是否规上": ["是", "否"],
        "入统日期": ["2020-01-01", None],
    }
    assert result.changes[0].changes == entry.changes


def test_overridden_code_is_accepted_for_its_enterprise(tmp_path: Path, zone: dict[str, Any]) -> None:
    wrong = bad_check_digit(CODE_A)
    e = EnterpriseFactory(uscc=wrong, name="早期试点企业", uscc_override_reason="早期试点代码，已核对执照")
    result = imports.import_enterprises(
        write_book(tmp_path / "o.xlsx", [enterprise_row(wrong, 企业名称="早期试点企业")])
    )
    assert result.errors == []
    assert result.updated == 1
    e.refresh_from_db()
    assert e.park == zone["parks"][0]


def test_only_officers_may_import(tmp_path: Path, zone: dict[str, Any]) -> None:
    from gaoxin.core.errors import PermissionDenied
    from gaoxin.testing.factories import park_officer

    with pytest.raises(PermissionDenied, match="只有科室人员可以批量导入企业库"):
        imports.import_enterprises(write_book(tmp_path / "p.xlsx", [enterprise_row()]), actor=park_officer())
    assert not Enterprise.objects.exists()


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a workbook")
    code, out, _ = run("import_enterprises", str(path), "--json")
    assert code == 2
    data = json.loads(out)
    assert (data["created"], data["errors"][0]["row"]) == (0, None)
    assert data["errors"][0]["message"].startswith("无法读取文件")
    assert run("import_enterprises", str(tmp_path / "none.xlsx"))[:2] == (
        2,
        f"企业名录导入：文件无法读取，未导入任何数据。\n错误：\n找不到文件：{tmp_path / 'none.xlsx'}\n",
    )


def test_queries_do_not_grow_with_rows(
    tmp_path: Path, zone: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for n in range(50):
        EnterpriseFactory(uscc=make_uscc(5000 + n), name=f"已有企业{n}", park=zone["parks"][0])
    rows = [enterprise_row(make_uscc(5000 + n), 企业名称=f"已有企业{n}改") for n in range(50)]
    rows += [enterprise_row(make_uscc(9000 + n), 企业名称=f"新企业{n}") for n in range(250)]
    path = write_book(tmp_path / "big.xlsx", rows)
    with django_assert_max_num_queries(20):
        result = imports.import_enterprises(path)
    assert (result.created, result.updated, result.errors) == (250, 50, [])
    assert EnterpriseFormerName.objects.count() == 50
    assert AuditEntry.objects.filter(action="import_update").count() == 50


# Qualifications -----------------------------------------------------------------------------------------------


def qualification_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    header = {
        "统一社会信用代码": None,
        "资质类型": None,
        "级别": None,
        "证书编号": None,
        "认定日期": None,
        "有效期至": None,
    }
    return [{**header, **row} for row in rows]


@pytest.fixture
def firms(zone: dict[str, Any]) -> tuple[Enterprise, Enterprise]:
    return (
        EnterpriseFactory(uscc=CODE_A, name="珠海甲科技有限公司", park=zone["parks"][0]),
        EnterpriseFactory(uscc=CODE_B, name="珠海乙科技有限公司", park=zone["parks"][1]),
    )


def test_qualifications_created_with_default_validity(tmp_path: Path, firms: tuple[Enterprise, Enterprise]) -> None:
    rows = qualification_rows(
        [
            {"统一社会信用代码": CODE_A, "资质类型": "高企", "证书编号": "GR202444000123", "认定日期": "2024-12-11"},
            {"统一社会信用代码": CODE_B, "资质类型": "企业技术中心", "级别": "省级", "认定日期": "2023年5月1日"},
            {
                "统一社会信用代码": CODE_B,
                "资质类型": '专精特新"小巨人"企业',
                "认定日期": "2024/7/1",
                "有效期至": "2027-06-30",
            },
        ]
    )
    code, out, _ = run("import_qualifications", str(write_book(tmp_path / "q.xlsx", rows, sheet="资质")))
    assert code == 0
    assert out.splitlines() == ["资质导入：导入完成：新增3条，更新0条，未变化0条。"]
    hnte = Qualification.objects.get(enterprise=firms[0])
    assert (hnte.qtype.code, hnte.certificate_no, hnte.recognized_on, hnte.valid_until, hnte.level) == (
        "hnte",
        "GR202444000123",
        dt.date(2024, 12, 11),
        dt.date(2027, 12, 10),
        "",
    )
    centre = Qualification.objects.get(enterprise=firms[1], qtype__code="tech_centre")
    assert (centre.level, centre.valid_until) == ("provincial", None)
    giant = Qualification.objects.get(enterprise=firms[1], qtype__code="little_giant")
    assert giant.valid_until == dt.date(2027, 6, 30)
    entry = AuditEntry.objects.get(target_type="registry.qualification", target_id=str(hnte.pk))
    assert (entry.action, entry.enterprise_id) == ("import_create", firms[0].pk)
    assert entry.changes == {
        "资质类型": [None, "高新技术企业"],
        "证书编号": [None, "GR202444000123"],
        "认定日期": [None, "2024-12-11"],
        "有效期至": [None, "2027-12-10"],
    }
    assert (
        run("import_qualifications", str(tmp_path / "q.xlsx"), "--json")[1]
        == json.dumps({"created": 0, "updated": 0, "unchanged": 3, "errors": [], "warnings": []}, ensure_ascii=False)
        + "\n"
    )
    assert AuditEntry.objects.filter(target_type="registry.qualification").count() == 3


def test_qualification_updated_by_certificate_number(tmp_path: Path, firms: tuple[Enterprise, Enterprise]) -> None:
    held = QualificationFactory(
        enterprise=firms[0],
        qtype=qualification_type("hnte"),
        certificate_no="GR2021",
        recognized_on=dt.date(2021, 12, 1),
        valid_until=dt.date(2024, 11, 30),
    )
    undated = QualificationFactory(
        enterprise=firms[1], qtype=qualification_type("tech_sme"), certificate_no="", recognized_on=dt.date(2024, 5, 1)
    )
    rows = qualification_rows(
        [
            {"统一社会信用代码": CODE_A, "资质类型": "高新技术企业", "证书编号": "GR2021", "有效期至": "2025-11-30"},
            {"统一社会信用代码": CODE_B, "资质类型": "科小", "证书编号": "2024440400A0001", "认定日期": "2024-05-01"},
        ]
    )
    result = imports.import_qualifications(write_book(tmp_path / "u.xlsx", rows))
    assert (result.created, result.updated, result.errors) == (0, 2, [])
    held.refresh_from_db()
    undated.refresh_from_db()
    assert held.valid_until == dt.date(2025, 11, 30)
    assert undated.certificate_no == "2024440400A0001"
    entry = AuditEntry.objects.get(target_type="registry.qualification", target_id=str(held.pk))
    assert entry.changes == {"有效期至": ["2024-11-30", "2025-11-30"]}
    assert entry.enterprise_id == firms[0].pk


QUALIFICATION_ERRORS = [
    ({"资质类型": "优秀企业"}, "资质类型", "资质目录中没有“优秀企业”"),
    ({"级别": "省级"}, "级别", "高新技术企业不分级别，请留空"),
    ({"资质类型": "企业技术中心", "级别": "乡级"}, "级别", "应为国家级、省级、市级或区级"),
    ({"认定日期": "2024-12-11", "有效期至": "2024-01-01"}, "有效期至", "早于认定日期"),
    ({"证书编号": None, "认定日期": None}, "证书编号", "证书编号和认定日期至少填写一项"),
    ({"统一社会信用代码": CODE_C}, "统一社会信用代码", "企业库中没有该企业，请先导入企业名录"),
    (
        {"统一社会信用代码": bad_check_digit(CODE_A)},
        "统一社会信用代码",
        f"校验位错误（按GB 32100-2015应为{CODE_A[-1]}）",
    ),
    ({"认定日期": "2024-13-01"}, "认定日期", "不是有效的日期"),
]


@pytest.mark.parametrize(("over", "column", "message"), QUALIFICATION_ERRORS)
def test_qualification_errors(
    tmp_path: Path, firms: tuple[Enterprise, Enterprise], over: dict[str, Any], column: str, message: str
) -> None:
    good = {"统一社会信用代码": CODE_B, "资质类型": "瞪羚企业", "认定日期": "2024-01-01"}
    bad = {"统一社会信用代码": CODE_A, "资质类型": "高新技术企业", "证书编号": "GR1", **over}
    result = imports.import_qualifications(
        write_book(tmp_path / "e.xlsx", qualification_rows([good, bad]), sheet="资质")
    )
    assert result.errors == [Issue("资质", 3, column, message)]
    assert not Qualification.objects.exists()
    assert not AuditEntry.objects.exists()


def test_qualification_duplicates_and_name_mismatch(tmp_path: Path, firms: tuple[Enterprise, Enterprise]) -> None:
    rows = [
        {"统一社会信用代码": CODE_A, "企业名称": "珠海甲科技有限公司", "资质类型": "高企", "证书编号": "GR1"},
        {"统一社会信用代码": CODE_B, "企业名称": "别的名字", "资质类型": "高企", "证书编号": "GR2"},
        {"统一社会信用代码": CODE_A, "企业名称": "珠海甲科技有限公司", "资质类型": "高新技术企业", "证书编号": "GR1"},
    ]
    result = imports.import_qualifications(write_book(tmp_path / "d.xlsx", rows, sheet="资质"))
    assert result.errors == [
        Issue("资质", 2, "资质类型", "文件中重复出现（第2、4行）"),
        Issue("资质", 4, "资质类型", "文件中重复出现（第2、4行）"),
    ]
    assert result.warnings == [
        Issue("资质", 3, "企业名称", "与企业库中的名称“珠海乙科技有限公司”不一致，已按统一社会信用代码导入")
    ]
    assert not Qualification.objects.exists()


# Verified matters (核实事项) ------------------------------------------------------------------------------------


def test_checks_imported_audited_idempotent_and_overwritten(
    tmp_path: Path, firms: tuple[Enterprise, Enterprise]
) -> None:
    rows = [
        {"统一社会信用代码": CODE_A, "核实事项": "被列入严重违法失信名单", "核实结果": "否", "核实日期": "2026-03-02",
         "核实依据": "信用中国查询"},
        {"统一社会信用代码": CODE_A, "核实事项": "重大事故", "核实结果": "否", "核实日期": "2026年3月5日"},
        {"统一社会信用代码": CODE_B, "核实事项": "restricted_industry", "核实结果": "是", "核实日期": "2026/3/2"},
    ]  # fmt: skip
    path = write_book(tmp_path / "c.xlsx", rows, sheet="核实事项")
    code, out, _ = run("import_checks", str(path))
    assert (code, out.splitlines()) == (0, ["核实事项导入：导入完成：新增3条，更新0条，未变化0条。"])
    found = {(c.enterprise_id, c.name): (c.value, c.checked_on, c.basis) for c in EnterpriseCheck.objects.all()}
    assert found == {
        (firms[0].pk, "serious_violation_listed"): (False, dt.date(2026, 3, 2), "信用中国查询"),
        (firms[0].pk, "major_incident_last_year"): (False, dt.date(2026, 3, 5), ""),
        (firms[1].pk, "restricted_industry"): (True, dt.date(2026, 3, 2), ""),
    }
    entry = AuditEntry.objects.get(enterprise_id=firms[1].pk)
    assert (entry.action, entry.changes) == ("import_create", {"属于禁止、限制类行业": [None, "是（2026-03-02）"]})
    # Again: nothing changes. A later sweep overwrites the answer, and says from what to what.
    assert run("import_checks", str(path))[1].splitlines() == ["核实事项导入：导入完成：新增0条，更新0条，未变化3条。"]
    rows[2] |= {"核实结果": "否", "核实日期": "2026-04-01", "核实依据": "发改局函复"}
    result = imports.import_checks(write_book(tmp_path / "c2.xlsx", rows, sheet="核实事项"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    entry = AuditEntry.objects.filter(enterprise_id=firms[1].pk).latest("pk")
    assert (entry.action, entry.changes) == (
        "import_update",
        {"属于禁止、限制类行业": ["是（2026-03-02）", "否（2026-04-01，发改局函复）"]},
    )


CHECK_ERRORS = [
    ({"核实事项": "优秀企业"}, "核实事项", "不是认定条件中的是否事项（见说明中的事项名称）"),
    ({"核实结果": "也许"}, "核实结果", "应填写“是”或“否”"),
    ({"核实结果": None}, "核实结果", "不能为空"),
    ({"核实日期": None}, "核实日期", "不能为空"),
    ({"核实日期": "2099-01-01"}, "核实日期", "不能晚于今天"),
    ({"统一社会信用代码": CODE_C}, "统一社会信用代码", "企业库中没有该企业，请先导入企业名录"),
]


@pytest.mark.parametrize(("over", "column", "message"), CHECK_ERRORS)
def test_check_errors_name_the_row_and_change_nothing(
    tmp_path: Path, firms: tuple[Enterprise, Enterprise], over: dict[str, Any], column: str, message: str
) -> None:
    good = {"统一社会信用代码": CODE_B, "核实事项": "失信", "核实结果": "否", "核实日期": "2026-03-02"}
    bad = {"统一社会信用代码": CODE_A, "核实事项": "失信", "核实结果": "否", "核实日期": "2026-03-02", **over}
    result = imports.import_checks(write_book(tmp_path / "e.xlsx", [good, bad], sheet="核实事项"))
    assert result.errors == [Issue("核实事项", 3, column, message)]
    assert not EnterpriseCheck.objects.exists()
    assert not AuditEntry.objects.exists()


def test_check_duplicates_in_one_file(tmp_path: Path, firms: tuple[Enterprise, Enterprise]) -> None:
    rows = [
        {"统一社会信用代码": CODE_A, "核实事项": "失信名单", "核实结果": "否", "核实日期": "2026-03-02"},
        {"统一社会信用代码": CODE_A, "核实事项": "被列入严重违法失信名单", "核实结果": "是", "核实日期": "2026-03-02"},
    ]
    result = imports.import_checks(write_book(tmp_path / "d.xlsx", rows, sheet="核实事项"))
    assert result.errors == [
        Issue("核实事项", 2, "核实事项", "文件中重复出现（第2、3行）"),
        Issue("核实事项", 3, "核实事项", "文件中重复出现（第2、3行）"),
    ]
    assert not EnterpriseCheck.objects.exists()


# Zone structure -----------------------------------------------------------------------------------------------


def write_zone(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


ZONE = {
    "园区": [["编码", "名称", "简称"], ["P01", "高新一园", "一园"], ["P02", "高新二园", "二园"]],
    "部门": [["编码", "名称"], ["D01", "科技产业局"]],
    "产业": [
        ["编码", "名称", "上级编码", "国民经济行业代码"],
        ["I0101", "芯片设计", "I01", "I6520"],
        ["I01", "集成电路", "", "C3973、C3974"],
    ],
    "产业链": [["链名称", "环节", "产业编码"], ["集成电路产业链", "上游", "I0101"], ["集成电路产业链", "中游", "I01"]],
}


def test_zone_setup_and_reimport(tmp_path: Path) -> None:
    path = write_zone(tmp_path / "zone.xlsx", ZONE)
    code, out, _ = run("import_zone", str(path), "--json")
    assert code == 0
    assert json.loads(out) == {"created": 7, "updated": 0, "unchanged": 0, "errors": [], "warnings": []}
    assert list(Park.objects.values_list("code", "name", "short_name")) == [
        ("P01", "高新一园", "一园"),
        ("P02", "高新二园", "二园"),
    ]
    assert list(Department.objects.values_list("code", "name")) == [("D01", "科技产业局")]
    chips = Industry.objects.get(code="I0101")
    assert (chips.parent.code if chips.parent else None, chips.gbt_codes) == ("I01", "I6520")
    assert Industry.objects.get(code="I01").gbt_codes == "C3973,C3974"
    assert [str(link) for link in ChainLink.objects.order_by("stage")] == [
        "集成电路产业链 · 中游 · 集成电路",
        "集成电路产业链 · 上游 · 芯片设计",
    ]
    assert AuditEntry.objects.filter(action="import_create").count() == 8
    audits = AuditEntry.objects.count()
    code, out, _ = run("import_zone", str(path), "--json")
    assert json.loads(out)["unchanged"] == 7
    assert AuditEntry.objects.count() == audits


def test_zone_renames_and_never_deletes(tmp_path: Path) -> None:
    run("import_zone", str(write_zone(tmp_path / "z1.xlsx", ZONE)))
    renamed = {"园区": [["编码", "名称"], ["P02", "高新区第二园区"]]}
    code, out, _ = run("import_zone", str(write_zone(tmp_path / "z2.xlsx", renamed)))
    assert code == 0
    assert out.splitlines() == [
        "园区结构导入：导入完成：新增0条，更新1条，未变化0条；另有3条提示。",
        "提示：",
        "[部门] 工作簿中没有“部门”工作表，已跳过",
        "[产业] 工作簿中没有“产业”工作表，已跳过",
        "[产业链] 工作簿中没有“产业链”工作表，已跳过",
    ]
    assert list(Park.objects.values_list("code", "name", "short_name")) == [
        ("P01", "高新一园", "一园"),
        ("P02", "高新区第二园区", "二园"),
    ]
    assert (Department.objects.count(), Industry.objects.count(), Chain.objects.count()) == (1, 2, 1)


def test_zone_errors_change_nothing(tmp_path: Path) -> None:
    run("import_zone", str(write_zone(tmp_path / "z1.xlsx", ZONE)))
    audits = AuditEntry.objects.count()
    bad = {
        "园区": [["编码", "名称"], ["P03", "高新一园"], ["P04", "高新四园"], ["P04", "高新五园"]],
        "产业": [
            ["编码", "名称", "上级编码"],
            ["I03", "新能源", "I99"],
            ["I04", "储能", "I0101"],
            ["I05", "自己", "I05"],
            ["I01", "集成电路", "I06"],
            ["I06", "电子信息", ""],
        ],
        "产业链": [["链名称", "环节", "产业编码"], ["新能源产业链", "上游", "I77"]],
    }
    code, out, _ = run("import_zone", str(write_zone(tmp_path / "bad.xlsx", bad)), "--json")
    assert code == 1
    assert [(e["sheet"], e["row"], e["column"], e["message"]) for e in json.loads(out)["errors"]] == [
        ("园区", 2, "名称", "与编码为P01的园区重名"),
        ("园区", 3, "编码", "文件中重复出现（第3、4行）"),
        ("园区", 4, "编码", "文件中重复出现（第3、4行）"),
        ("产业", 2, "上级编码", "上级编码“I99”不存在"),
        ("产业", 3, "上级编码", "上级产业须为主导产业（上级编码为空的产业）"),
        ("产业", 4, "上级编码", "不能以自己为上级"),
        ("产业", 5, "上级编码", "该产业下已有细分领域，不能再设上级"),
        ("产业链", 2, "产业编码", "产业编码“I77”不存在"),
    ]
    assert (Park.objects.count(), Industry.objects.count(), AuditEntry.objects.count()) == (2, 2, audits)


def test_zone_needs_a_workbook_with_known_sheets(tmp_path: Path) -> None:
    path = tmp_path / "zone.csv"
    path.write_text("编码,名称\nP01,高新一园\n", encoding="utf-8")
    code, out, _ = run("import_zone", str(path))
    assert code == 1
    assert out.splitlines()[-1] == "[zone] 工作簿中没有“园区”“部门”“产业”“产业链”中的任何一个工作表"
    assert not Park.objects.exists()


def test_templates_import_cleanly(tmp_path: Path, zone: dict[str, Any]) -> None:
    actor = officer()
    path = tmp_path / "t.xlsx"
    path.write_bytes(imports.enterprise_template(actor))
    result = imports.import_enterprises(path, dry_run=True)
    assert (result.created, result.errors, result.warnings) == (1, [], [])
    firm = EnterpriseFactory(uscc=imports.EXAMPLE_USCC)
    path.write_bytes(imports.qualification_template(actor))
    result = imports.import_qualifications(path, dry_run=True)
    assert (result.created, result.errors, result.warnings) == (1, [], [])
    path.write_bytes(imports.check_template(actor))
    result = imports.import_checks(path, dry_run=True)
    assert (result.created, result.errors, result.warnings) == (1, [], [])
    assert firm.pk
