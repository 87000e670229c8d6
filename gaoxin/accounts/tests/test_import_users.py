"""Importing user accounts (FORMATS.md 1f) with `manage.py import_users`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command

from gaoxin.accounts.imports import import_users
from gaoxin.accounts.models import User
from gaoxin.core.errors import PermissionDenied
from gaoxin.core.importing import Issue
from gaoxin.core.models import AuditEntry
from gaoxin.testing.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    ParkFactory,
    UserFactory,
    make_uscc,
    officer,
)

pytestmark = pytest.mark.django_db

HEADER = ["用户名", "姓名", "手机", "电子邮箱", "角色", "园区", "部门", "企业", "状态"]
CODE = make_uscc(301)


@pytest.fixture
def org() -> dict[str, Any]:
    return {
        "p1": ParkFactory(code="P01", name="高新一园", short_name="一园"),
        "p2": ParkFactory(code="P02", name="高新二园"),
        "dept": DepartmentFactory(code="D01", name="科技产业局"),
        "firm": EnterpriseFactory(uscc=CODE, name="珠海甲科技有限公司"),
    }


def user_row(username: str, **over: Any) -> list[Any]:
    row = dict.fromkeys(HEADER, None)
    row["用户名"] = username
    row.update(over)
    return [row[name] for name in HEADER]


def write(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "用户"
    ws.append(["高新区用户清单"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_users", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


ROWS = [
    user_row("zhangke", 姓名="张科长", 手机="13800138000", 角色="科室人员", 部门="科技产业局", 状态="启用"),
    user_row("liyuan", 姓名="李园", 角色="园区人员", 园区="一园、P02"),
    user_row("qiye01", 姓名="王经理", 电子邮箱="wang@example.com", 角色="企业用户", 企业=CODE.lower()),
    user_row("leader", 姓名="赵主任", 角色="领导", 状态="停用"),
]


def test_users_created_with_one_time_passwords(tmp_path: Path, org: dict[str, Any]) -> None:
    code, out, _ = run(str(write(tmp_path / "u.xlsx", ROWS)))
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == [
        "用户导入：导入完成：新增4条，更新0条，未变化0条。",
        "新用户的一次性密码（只显示这一次，首次登录须修改）：",
    ]
    printed = {line.split("\t")[0]: line.split("\t") for line in lines[2:]}
    assert set(printed) == {"zhangke", "liyuan", "qiye01", "leader"}
    assert printed["zhangke"][1:3] == ["张科长", "科室人员"]
    zhang = User.objects.get(username="zhangke")
    assert (zhang.role, zhang.department, zhang.phone, zhang.is_active, zhang.must_change_password) == (
        "officer",
        org["dept"],
        "13800138000",
        True,
        True,
    )
    assert zhang.check_password(printed["zhangke"][3])
    park_officer = User.objects.get(username="liyuan")
    assert sorted(park_officer.parks.values_list("code", flat=True)) == ["P01", "P02"]
    firm_user = User.objects.get(username="qiye01")
    assert (firm_user.role, firm_user.enterprise, firm_user.email) == ("enterprise", org["firm"], "wang@example.com")
    assert User.objects.get(username="leader").is_active is False
    entry = AuditEntry.objects.get(target_type="accounts.user", target_id=str(firm_user.pk))
    assert (entry.action, entry.enterprise_id, entry.changes) == (
        "import_create",
        org["firm"].pk,
        {"用户": [None, "qiye01（企业用户）"]},
    )


def test_reimport_changes_nothing_and_prints_no_password(tmp_path: Path, org: dict[str, Any]) -> None:
    path = write(tmp_path / "u.xlsx", ROWS)
    run(str(path))
    hashes = list(User.objects.order_by("username").values_list("password", flat=True))
    audits = AuditEntry.objects.count()
    code, out, _ = run(str(path))
    assert (code, out) == (0, "用户导入：导入完成：新增0条，更新0条，未变化4条。\n")
    assert list(User.objects.order_by("username").values_list("password", flat=True)) == hashes
    assert AuditEntry.objects.count() == audits


def test_existing_user_updated(tmp_path: Path, org: dict[str, Any]) -> None:
    user = UserFactory(username="ZhangKe", full_name="张三", role="commissioner")
    old_hash = user.password
    row = user_row("zhangke", 姓名="张科长", 角色="园区人员", 园区="高新二园", 状态="停用")
    result = import_users(write(tmp_path / "u.xlsx", [row]))
    assert (result.created, result.updated, result.errors) == (0, 1, [])
    user.refresh_from_db()
    assert (user.full_name, user.role, user.is_active, user.password) == ("张科长", "park_officer", False, old_hash)
    assert list(user.parks.values_list("code", flat=True)) == ["P02"]
    entry = AuditEntry.objects.get(target_type="accounts.user", target_id=str(user.pk))
    assert entry.changes == {
        "姓名": ["张三", "张科长"],
        "角色": ["服务专员", "园区人员"],
        "状态": ["启用", "停用"],
        "负责园区": [[], ["高新二园"]],
    }
    assert result.extra["passwords"] == []


def test_passwords_to_out_file(tmp_path: Path, org: dict[str, Any]) -> None:
    out_file = tmp_path / "passwords.csv"
    code, out, _ = run(str(write(tmp_path / "u.xlsx", ROWS[:2])), "--out", str(out_file))
    assert code == 0
    assert out.splitlines() == [
        "用户导入：导入完成：新增2条，更新0条，未变化0条。",
        f"2个新用户的一次性密码已写入 {out_file}（只此一份，请妥善转交后删除）",
    ]
    with out_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["用户名", "姓名", "角色", "一次性密码"]
    assert [row[:3] for row in rows[1:]] == [["zhangke", "张科长", "科室人员"], ["liyuan", "李园", "园区人员"]]
    assert User.objects.get(username="liyuan").check_password(rows[2][3])
    assert oct(out_file.stat().st_mode & 0o777) == "0o600"


def test_json_keeps_passwords_off_stdout(tmp_path: Path, org: dict[str, Any]) -> None:
    code, out, err = run(str(write(tmp_path / "u.xlsx", ROWS[:1])), "--json")
    assert code == 0
    assert json.loads(out) == {"created": 1, "updated": 0, "unchanged": 0, "errors": [], "warnings": []}
    assert err.splitlines()[1].startswith("zhangke\t张科长\t科室人员\t")


def test_dry_run_creates_nobody(tmp_path: Path, org: dict[str, Any]) -> None:
    code, out, _ = run(str(write(tmp_path / "u.xlsx", ROWS)), "--dry-run")
    assert (code, out) == (0, "用户导入：试导入（未写入）：将新增4条，更新0条，未变化0条。\n")
    assert not User.objects.exists()


USER_ERRORS = [
    (
        user_row("a1", 角色="局长"),
        "角色",
        "不是有效的角色（应为领导、科室人员、园区人员、服务专员、评审专家、财政人员、企业用户、管理员）",
    ),
    (user_row("a2", 角色="园区人员"), "园区", "园区人员须指定至少一个园区"),
    (user_row("a3", 角色="园区人员", 园区="一园、火星园"), "园区", "没有名称或编码为“火星园”的园区"),
    (user_row("a4", 角色="企业用户"), "企业", "企业用户须填写企业的统一社会信用代码"),
    (
        user_row("a5", 角色="企业用户", 企业=make_uscc(999)),
        "企业",
        f"企业库中没有统一社会信用代码为{make_uscc(999)}的企业",
    ),
    (user_row("a6", 角色="企业用户", 企业="91440400"), "企业", "应为18位，实为8位"),
    (user_row("a7", 角色="科室人员", 企业=CODE), "企业", "只有企业用户可以绑定企业"),
    (user_row("a8", 角色="科室人员", 部门="宣传部"), "部门", "没有名称或编码为“宣传部”的部门"),
    (
        user_row("a9", 角色="领导", 手机="1380013800"),
        "手机",
        "不是有效的手机号或固定电话（如 13800138000、0756-1234567）",
    ),
    (user_row("a10", 角色="领导", 状态="休假"), "状态", "应为启用或停用"),
    (user_row("a b", 角色="领导"), "用户名", "只能包含字母、数字、汉字和 @ . + - _"),
    (user_row("a12", 角色=None), "角色", "不能为空"),
    (user_row("a13", 角色="领导", 电子邮箱="a@"), "电子邮箱", "不是有效的电子邮箱"),
]


@pytest.mark.parametrize(("row", "column", "message"), USER_ERRORS)
def test_user_errors_create_nobody(
    tmp_path: Path, org: dict[str, Any], row: list[Any], column: str, message: str
) -> None:
    rows = [ROWS[0], row]
    code, out, _ = run(str(write(tmp_path / "u.xlsx", rows)), "--json")
    assert code == 1
    assert json.loads(out)["errors"] == [{"sheet": "用户", "row": 4, "column": column, "message": message}]
    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()


def test_duplicate_usernames(tmp_path: Path, org: dict[str, Any]) -> None:
    result = import_users(write(tmp_path / "u.xlsx", [ROWS[0], user_row("ZHANGKE", 角色="领导")]))
    assert result.errors == [
        Issue("用户", 3, "用户名", "文件中重复出现（第3、4行）"),
        Issue("用户", 4, "用户名", "文件中重复出现（第3、4行）"),
    ]


def test_park_given_to_another_role_is_a_warning(tmp_path: Path, org: dict[str, Any]) -> None:
    result = import_users(write(tmp_path / "u.xlsx", [user_row("c1", 角色="服务专员", 园区="一园")]))
    assert result.warnings == [Issue("用户", 3, "园区", "只有园区人员需要填写园区，已忽略")]
    assert result.created == 1
    assert not User.objects.get(username="c1").parks.exists()


def test_only_administrators_import_users(tmp_path: Path, org: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied, match="只有管理员可以管理用户和角色"):
        import_users(write(tmp_path / "u.xlsx", ROWS), actor=officer())
