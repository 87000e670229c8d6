"""The officers' bulk import pages: upload → preview (a dry run) → confirm, templates, and who may use them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from gaoxin.core.importing import open_workbook
from gaoxin.core.models import AuditEntry
from gaoxin.registry.identity import check_uscc
from gaoxin.registry.models import Enterprise, Qualification
from gaoxin.testing.factories import (
    EnterpriseFactory,
    ParkFactory,
    admin,
    commissioner,
    enterprise_user,
    leader,
    make_uscc,
    officer,
    park_officer,
)

pytestmark = pytest.mark.django_db

CODE_A = make_uscc(201)
CODE_B = make_uscc(202)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS_1A = [
    "统一社会信用代码",
    "企业名称",
    "所属园区",
    "所属产业",
    "国民经济行业代码",
    "产业链环节",
    "成立日期",
    "注册资本(万元)",
    "注册地址",
    "法定代表人",
    "联系人",
    "联系电话",
    "财务负责人",
    "财务负责人电话",
    "电子邮箱",
    "是否规上",
    "企业状态",
]
FORMATS_1B = ["统一社会信用代码", "资质类型", "级别", "证书编号", "认定日期", "有效期至"]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def park() -> Any:
    return ParkFactory(code="P01", name="高新一园")


@pytest.fixture
def client_officer(client: Client) -> Client:
    client.force_login(officer(full_name="钱科长"))
    return client


def xlsx(rows: list[list[Any]], name: str = "名录.xlsx") -> io.BytesIO:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def upload(client: Client, kind: str, file: io.BytesIO) -> Any:
    return client.post(reverse("registry:import_upload"), {"kind": kind, "file": file})


def token_of(response: Any) -> str:
    assert response.status_code == 302
    return str(response["Location"].rstrip("/").split("/")[-1])


def test_officer_sees_the_upload_page_and_nav(client_officer: Client) -> None:
    response = client_officer.get(reverse("registry:import_upload"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "上传并检查" in html
    assert reverse("registry:import_template", args=["enterprises"]) in html
    assert reverse("registry:import_template", args=["qualifications"]) in html
    assert f'href="{reverse("registry:import_upload")}">批量导入</a>' in html


@pytest.mark.parametrize("make", [leader, park_officer, commissioner, admin, enterprise_user])
def test_other_roles_are_refused(client: Client, make: Any, media: Path) -> None:
    client.force_login(make())
    before = Enterprise.objects.count()
    for url in (reverse("registry:import_upload"), reverse("registry:import_template", args=["enterprises"])):
        response = client.get(url)
        assert response.status_code == 403
        assert "只有科室人员可以批量导入企业库" in response.content.decode()
    response = client.post(reverse("registry:import_upload"), {"kind": "enterprises", "file": xlsx([["a"]])})
    assert response.status_code == 403
    assert Enterprise.objects.count() == before
    assert not (media / "imports").exists()


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(reverse("registry:import_upload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_enterprise_template(client_officer: Client, park: Any, tmp_path: Path) -> None:
    response = client_officer.get(reverse("registry:import_template", args=["enterprises"]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    path = tmp_path / "t.xlsx"
    path.write_bytes(response.content)
    book = open_workbook(path)
    assert book.sheet_names == ["企业名录", "填写说明"]
    rows = book.rows("企业名录")
    assert rows[0] == FORMATS_1A
    assert check_uscc(rows[1][0]).ok
    assert rows[1][2] == "高新一园"
    guide = [row[1] for row in book.rows("填写说明")]
    assert all(name in guide for name in FORMATS_1A)


def test_qualification_template(client_officer: Client, tmp_path: Path) -> None:
    response = client_officer.get(reverse("registry:import_template", args=["qualifications"]))
    path = tmp_path / "q.xlsx"
    path.write_bytes(response.content)
    book = open_workbook(path)
    rows = book.rows(book.sheet_names[0])
    assert rows[0] == FORMATS_1B
    assert check_uscc(rows[1][0]).ok
    assert rows[1][1] == "高新技术企业"
    assert "填写说明" in book.sheet_names
    assert client_officer.get(reverse("registry:import_template", args=["nothing"])).status_code == 404


def test_preview_then_commit(client_officer: Client, park: Any, media: Path) -> None:
    EnterpriseFactory(uscc=CODE_B, name="珠海旧名有限公司", park=park)
    file = xlsx(
        [
            ["统一社会信用代码", "企业名称", "所属园区", "是否规上"],
            [CODE_A, "珠海甲科技有限公司", "高新一园", "是"],
            [CODE_B, "珠海新名有限公司", "P01", ""],
        ]
    )
    token = token_of(upload(client_officer, "enterprises", file))
    assert len(list((media / "imports").iterdir())) == 1
    preview = client_officer.get(reverse("registry:import_preview", args=[token]))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert '<div class="h1 mb-0 text-success" id="count-created">1</div>' in html
    assert '<div class="h1 mb-0 text-primary" id="count-updated">1</div>' in html
    assert "珠海旧名有限公司 → 珠海新名有限公司" in html
    assert "确认导入" in html
    assert Enterprise.objects.count() == 1
    assert Enterprise.objects.get(uscc=CODE_B).name == "珠海旧名有限公司"

    done = client_officer.post(reverse("registry:import_commit", args=[token]))
    assert done.status_code == 200
    assert "企业名录导入：导入完成：新增1条，更新1条，未变化0条。" in done.content.decode()
    assert Enterprise.objects.get(uscc=CODE_A).is_above_scale is True
    assert Enterprise.objects.get(uscc=CODE_B).name == "珠海新名有限公司"
    entry = AuditEntry.objects.get(action="import_create")
    assert (entry.actor_label, entry.reason) == ("钱科长", "批量导入：名录.xlsx")
    assert list((media / "imports").iterdir()) == []
    assert client_officer.post(reverse("registry:import_commit", args=[token])).status_code == 404
    assert client_officer.get(reverse("registry:import_preview", args=[token])).status_code == 404


def test_errors_block_commit_unless_partial(client_officer: Client, park: Any) -> None:
    file = xlsx(
        [
            ["2024年新增企业"],
            ["统一社会信用代码", "企业名称", "所属园区"],
            [CODE_A, "珠海甲科技有限公司", "高新一园"],
            [CODE_B[:-1], "珠海乙科技有限公司", "高新九园"],
        ]
    )
    token = token_of(upload(client_officer, "enterprises", file))
    html = client_officer.get(reverse("registry:import_preview", args=[token])).content.decode()
    assert "发现2处错误（涉及1行）" in html
    assert "<td>统一社会信用代码</td><td>应为18位，实为17位</td>" in html
    assert "<td>所属园区</td><td>没有名称或编码为“高新九园”的园区</td>" in html
    assert '<td class="text-nowrap">第4行</td>' in html
    assert 'name="partial"' in html

    refused = client_officer.post(reverse("registry:import_commit", args=[token]))
    assert refused.status_code == 302
    assert refused["Location"] == reverse("registry:import_preview", args=[token])
    assert not Enterprise.objects.exists()
    assert not AuditEntry.objects.exists()
    follow = client_officer.get(refused["Location"]).content.decode()
    assert "文件有2处错误，未导入任何数据。请修改后重新上传，或勾选“只导入无误的行”。" in follow

    done = client_officer.post(reverse("registry:import_commit", args=[token]), {"partial": "1"})
    assert done.status_code == 200
    assert list(Enterprise.objects.values_list("uscc", flat=True)) == [CODE_A]


def test_qualifications_with_errors_cannot_be_committed(client_officer: Client, park: Any) -> None:
    EnterpriseFactory(uscc=CODE_A, park=park)
    file = xlsx(
        [
            ["统一社会信用代码", "资质类型", "证书编号", "认定日期"],
            [CODE_A, "高新技术企业", "GR1", "2024-12-11"],
            [CODE_A, "优秀企业", "X1", "2024-12-11"],
        ]
    )
    token = token_of(upload(client_officer, "qualifications", file))
    html = client_officer.get(reverse("registry:import_preview", args=[token])).content.decode()
    assert "资质目录中没有“优秀企业”" in html
    assert "确认导入" not in html
    response = client_officer.post(reverse("registry:import_commit", args=[token]), {"partial": "1"})
    assert response.status_code == 302
    assert not Qualification.objects.exists()


def test_qualifications_commit(client_officer: Client, park: Any) -> None:
    firm = EnterpriseFactory(uscc=CODE_A, park=park)
    file = xlsx([["统一社会信用代码", "资质类型", "证书编号", "认定日期"], [CODE_A, "高企", "GR1", "2024-12-11"]])
    token = token_of(upload(client_officer, "qualifications", file))
    assert client_officer.post(reverse("registry:import_commit", args=[token])).status_code == 200
    assert list(Qualification.objects.values_list("enterprise", "certificate_no")) == [(firm.pk, "GR1")]


def test_another_officer_cannot_use_the_token(client_officer: Client, park: Any) -> None:
    token = token_of(upload(client_officer, "enterprises", xlsx([["统一社会信用代码", "企业名称", "所属园区"]])))
    other = Client()
    other.force_login(officer())
    assert other.get(reverse("registry:import_preview", args=[token])).status_code == 404
    assert other.post(reverse("registry:import_commit", args=[token])).status_code == 404


def test_upload_checks_size_and_type(client_officer: Client, settings: Any) -> None:
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    big = io.BytesIO(b"x" * (1024 * 1024 + 1))
    big.name = "big.csv"
    response = upload(client_officer, "enterprises", big)
    assert response.status_code == 200
    assert "文件过大：不能超过1MB" in response.content.decode()
    doc = io.BytesIO(b"hello")
    doc.name = "名录.docx"
    response = upload(client_officer, "enterprises", doc)
    assert "只支持 Excel（.xlsx、.xls）和 CSV 文件" in response.content.decode()


def test_unreadable_upload_is_explained(client_officer: Client) -> None:
    broken = io.BytesIO(b"PK\x03\x04broken")
    broken.name = "坏文件.xlsx"
    token = token_of(upload(client_officer, "enterprises", broken))
    html = client_officer.get(reverse("registry:import_preview", args=[token])).content.decode()
    assert "无法读取文件：不是有效的Excel文件" in html
    assert "确认导入" not in html
