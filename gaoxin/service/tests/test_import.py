"""Bulk import of appeals: the dry run names each bad row's field and reason and stores nothing; a good file becomes
appeals of channel 批量导入 waiting for triage; importing it again creates nothing; the command and the page."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gaoxin.core.errors import PermissionDenied
from gaoxin.notifications.models import Notification
from gaoxin.service.imports import import_appeals
from gaoxin.service.models import Appeal, AppealStatus, Channel
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db

HEADER = "外部编号,统一社会信用代码,企业名称,诉求分类,诉求标题,诉求内容,受理时间,紧急程度,来源,联系人,联系电话"


def csv_file(*rows: str, name: str = "12345工单.csv") -> io.BytesIO:
    data = io.BytesIO("\n".join([HEADER, *rows]).encode("utf-8-sig"))
    data.name = name
    return data


def good_rows(zone: dict[str, Any]) -> list[str]:
    a, b = zone["a"].uscc, zone["b"].uscc
    return [
        f"12345-0001,{a},珠海甲科技有限公司,用地 / 厂房租赁,扩产需要新增厂房,现有厂房不足,2026-11-20 14:30,紧急,"
        "12345热线,陈工,13800138000",
        f"12345-0002,{b},珠海乙制造有限公司,RC01,人才认定咨询,如何申报人才认定,2026/11/19,,12345热线,,",
    ]


def test_dry_run_then_import_then_the_same_file_again(zone) -> None:
    result = import_appeals(csv_file(*good_rows(zone)), dry_run=True)
    assert (result.ok, result.created, result.unchanged) == (True, 2, 0)
    assert Appeal.objects.count() == 0
    result = import_appeals(csv_file(*good_rows(zone)))
    assert (result.ok, result.created) == (True, 2)
    first = Appeal.objects.get(external_number="12345-0001")
    assert (first.channel, first.status, first.enterprise, first.urgency) == (
        Channel.IMPORT,
        AppealStatus.NEW,
        zone["a"],
        "urgent",
    )
    assert first.category.code == "YD02"
    assert timezone.localtime(first.received_at).replace(tzinfo=None) == dt.datetime(2026, 11, 20, 14, 30)
    # Friday 14:30 + 1 working hour
    assert timezone.localtime(first.respond_by).replace(tzinfo=None) == dt.datetime(2026, 11, 20, 15, 30)
    assert (first.contact_name, first.contact_phone) == ("陈工", "13800138000")
    second = Appeal.objects.get(external_number="12345-0002")
    assert timezone.localtime(second.received_at).replace(tzinfo=None) == dt.datetime(2026, 11, 19, 9, 0)
    assert first.events.get().text == f"通过批量导入受理诉求，编号{first.number}（外部编号12345-0001，来源：12345热线）"
    # the centre hears once for the whole file; each enterprise hears of its appeal
    assert Notification.objects.filter(recipient=zone["clerk"]).count() == 1
    assert Notification.objects.filter(recipient=zone["a_user"]).count() == 1
    # the same file again: nothing new
    again = import_appeals(csv_file(*good_rows(zone)))
    assert (again.ok, again.created, again.unchanged) == (True, 0, 2)
    assert Appeal.objects.count() == 2


def test_one_bad_row_stores_nothing_and_each_problem_names_row_field_and_reason(zone) -> None:
    a = zone["a"].uscc
    unknown = f.make_uscc(99)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    rows = [
        *good_rows(zone),
        f"12345-0003,{unknown},,RC01,标题,内容,2026-11-20,,,,",
        f"12345-0004,{a},,不存在的分类,标题,内容,2026-11-20,,,,",
        f"12345-0005,{a},,RC01,标题,内容,2026-13-45,,,,",
        f"12345-0006,{a},,RC01,,内容,2026-11-20,,,,",
        f"12345-0007,{a},,用地,标题,内容,2026-11-20,,,,",
        f"12345-0008,{a},,RC01,标题,内容,{future},,,,",
        f"12345-0009,{a},,RC01,标题,内容,2026-11-20,很急,,,",
        f"12345-0001,{a},,RC01,重复编号,内容,2026-11-20,,,,",
        f"12345-0010,{a[:17]}X,,RC01,标题,内容,2026-11-20,,,,",
    ]
    result = import_appeals(csv_file(*rows), dry_run=True)
    lines = [issue.line() for issue in result.errors]
    assert lines == [
        "第2行 外部编号: 文件中重复出现（第2、11行）",
        f"第4行 统一社会信用代码: 企业库中没有统一社会信用代码为{unknown}的企业",
        "第5行 诉求分类: 没有编码或名称为“不存在的分类”的诉求分类",
        "第6行 受理时间: 不是有效的日期",
        "第7行 诉求标题: 不能为空",
        "第8行 诉求分类: 请填写“用地”下的具体分类",
        "第9行 受理时间: 受理时间不能晚于现在",
        "第10行 紧急程度: 应为“一般”或“紧急”",
        "第11行 外部编号: 文件中重复出现（第2、11行）",
        lines[-1],
    ]
    assert lines[-1].startswith("第12行 统一社会信用代码: ")
    assert result.aborted
    assert result.planned["created"] == 1
    assert "未导入任何数据" in result.summary()
    # not a dry run: still nothing
    result = import_appeals(csv_file(*rows))
    assert result.aborted
    assert result.created == 0
    assert Appeal.objects.count() == 0


def test_a_name_that_differs_from_the_registry_is_a_warning(zone) -> None:
    row = f"W-1,{zone['a'].uscc},珠海甲科技公司,RC01,标题,内容,2026-11-20,,,,"
    result = import_appeals(csv_file(row), dry_run=True)
    assert result.ok
    assert [w.line() for w in result.warnings] == [
        "第2行 企业名称: 与企业库名称“珠海甲科技有限公司”不一致，按统一社会信用代码导入"
    ]


def test_only_the_centre_imports(zone) -> None:
    with pytest.raises(PermissionDenied, match="只有企业服务中心可以批量导入企业诉求"):
        import_appeals(csv_file(*good_rows(zone)), actor=zone["kj_officer"])
    assert import_appeals(csv_file(*good_rows(zone)), actor=zone["clerk"]).created == 2


def test_the_command(zone, tmp_path, capsys) -> None:
    path = tmp_path / "appeals.csv"
    path.write_bytes(csv_file(*good_rows(zone)).getvalue())
    call_command("import_appeals", str(path), "--dry-run")
    assert "试导入（未写入）：将新增2条" in capsys.readouterr().out
    assert Appeal.objects.count() == 0
    call_command("import_appeals", str(path))
    assert Appeal.objects.count() == 2
    call_command("import_appeals", str(path), "--json")
    assert '"created": 0, "updated": 0, "unchanged": 2' in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file(f"X-1,{zone['a'].uscc},,RC01,,内容,2026-11-20,,,,").getvalue())
    with pytest.raises(SystemExit) as stop:
        call_command("import_appeals", str(bad))
    assert stop.value.code == 1
    assert "第2行 诉求标题: 不能为空" in capsys.readouterr().out


def test_the_page_template_dry_run_and_commit(client, zone) -> None:
    client.force_login(zone["clerk"])
    page = client.get(reverse("service:import_upload")).content.decode()
    assert "外部编号" in page
    assert "下载导入模板（Excel）" in page
    template = client.get(reverse("service:import_template", args=["xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    header = [cell.value for cell in book["企业诉求"][1]]
    assert header == HEADER.split(",")
    csv_template = client.get(reverse("service:import_template", args=["csv"])).content.decode("utf-8-sig")
    assert csv_template.splitlines()[0] == HEADER
    # a bad file: the errors, no commit button
    bad = SimpleUploadedFile("bad.csv", csv_file(f"X-1,{zone['a'].uscc},,RC01,,内容,2026-11-20,,,,").getvalue())
    response = client.post(reverse("service:import_upload"), {"file": bad}, follow=True)
    body = response.content.decode()
    assert "不能为空" in body
    assert "第2行" in body
    assert "import-commit-form" not in body
    # a good file: the dry run, then the commit
    good = SimpleUploadedFile("good.csv", csv_file(*good_rows(zone)).getvalue())
    response = client.post(reverse("service:import_upload"), {"file": good})
    preview = response["Location"]
    body = client.get(preview).content.decode()
    assert "确认导入2件诉求" in body
    assert Appeal.objects.count() == 0
    response = client.post(preview + "commit/")
    assert response.status_code == 200
    assert Appeal.objects.count() == 2
    assert "导入完成：新增2条" in response.content.decode()
    # the token is spent
    assert client.get(preview).status_code == 404
    client.force_login(zone["kj_officer"])
    assert client.get(reverse("service:import_upload")).status_code == 403
