"""The Excel export: exactly the filtered list, in the import template's columns, so it can be re-imported."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client

from gaoxin.registry.exports import COLUMNS
from gaoxin.registry.imports import import_enterprises
from gaoxin.registry.models import Enterprise
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def _rows(response: object) -> list[list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_export_is_the_filtered_list_with_template_columns(client: Client) -> None:
    tjw = f.ParkFactory(code="TJW", name="唐家湾主园区")
    other = f.ParkFactory(code="NP", name="南屏科技园")
    a = f.EnterpriseFactory(
        name="珠海甲科技有限公司",
        park=tjw,
        registered_capital=Decimal("5000000.00"),
        founded_on=dt.date(2018, 5, 2),
        is_above_scale=True,
        above_scale_since=dt.date(2022, 1, 1),
    )
    f.EnterpriseFactory(name="珠海乙科技有限公司", park=other)
    client.force_login(f.officer())
    response = client.get("/registry/enterprises/export.xlsx", {"park": tjw.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = _rows(response)
    assert rows[0] == [title for title, _ in COLUMNS]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["统一社会信用代码"] == a.uscc
    assert row["企业名称"] == "珠海甲科技有限公司"
    assert row["所属园区"] == "唐家湾主园区"
    assert row["注册资本(万元)"] == 500
    assert row["成立日期"] == dt.datetime(2018, 5, 2)
    assert row["是否规上"] == "是"
    assert row["企业状态"] == "存续"


def test_export_respects_the_park_officers_scope(client: Client) -> None:
    mine, theirs = f.ParkFactory(), f.ParkFactory()
    f.EnterpriseFactory(park=mine, name="本园区企业")
    f.EnterpriseFactory(park=theirs, name="别的园区企业")
    client.force_login(f.park_officer(mine))
    names = [row[1] for row in _rows(client.get("/registry/enterprises/export.xlsx"))[1:]]
    assert names == ["本园区企业"]


def test_exported_file_reimports_unchanged(client: Client, tmp_path: object) -> None:
    park = f.ParkFactory(code="TJW", name="唐家湾主园区")
    f.EnterpriseFactory(name="珠海甲科技有限公司", park=park, registered_capital=Decimal("1234500.00"))
    f.EnterpriseFactory(name="珠海乙科技有限公司", park=park, contact_phone="0756-3312345")
    client.force_login(f.officer())
    path = tmp_path / "export.xlsx"  # type: ignore[operator]
    path.write_bytes(client.get("/registry/enterprises/export.xlsx").content)
    before = list(Enterprise.objects.order_by("id").values())
    result = import_enterprises(str(path))
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert list(Enterprise.objects.order_by("id").values()) == before
