"""The cockpit and analysis pages: who may open them, the scope they show, and the drill-down path."""

from decimal import Decimal as D

import pytest
from django.test import Client

from gaoxin.indicators.models import Indicator, Target, TargetKind
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.registry.models import Enterprise
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def put(e: Enterprise, code: str, year: int, month: int, amount: str) -> None:
    ind = Indicator.objects.get(code=code)
    facts_store(actor=None, inputs=[FactInput(e.pk, ind, year, month, D(amount), is_cumulative=True)])


@pytest.fixture
def data() -> dict[str, object]:
    tjw = f.ParkFactory(name="唐家湾主园区", short_name="唐家湾")
    np = f.ParkFactory(name="南屏科技园", short_name="南屏")
    a = f.EnterpriseFactory(name="珠海甲制造有限公司", park=tjw)
    b = f.EnterpriseFactory(name="珠海乙制造有限公司", park=np)
    for e, last, now in [(a, "100000", "120000"), (b, "50000", "45000")]:
        put(e, "output_value", 2025, 10, last)
        put(e, "output_value", 2026, 10, now)
    Target.objects.create(
        year=2026, indicator=Indicator.objects.get(code="output_value"), kind=TargetKind.TOTAL, value=D(200000)
    )
    return {"tjw": tjw, "np": np, "a": a, "b": b}


@pytest.mark.parametrize(
    ("maker", "status"),
    [(f.leader, 200), (f.officer, 200), (f.admin, 200), (f.commissioner, 200), (f.expert, 403), (f.finance, 403)],
)
def test_who_may_open_the_cockpit(client: Client, data: dict[str, object], maker: object, status: int) -> None:
    client.force_login(maker())  # type: ignore[operator]
    assert client.get("/monitoring/").status_code == status


def test_enterprise_user_may_not(client: Client, data: dict[str, object]) -> None:
    client.force_login(f.enterprise_user(data["a"]))  # type: ignore[arg-type]
    assert client.get("/monitoring/").status_code == 403
    assert client.get("/monitoring/enterprises/?indicator=output_value").status_code == 403


def test_cockpit_card_shows_value_growth_and_target(client: Client, data: dict[str, object]) -> None:
    client.force_login(f.leader())
    html = client.get("/monitoring/").content.decode()
    assert "16.50亿元" in html
    assert "同比增长10.0%" in html  # (165000 ÷ 150000 − 1)
    assert "完成年度任务(20亿元)的82.5%，落后序时进度0.8个百分点" in html


def test_park_officer_sees_only_their_park(client: Client, data: dict[str, object]) -> None:
    client.force_login(f.park_officer(data["np"]))  # type: ignore[arg-type]
    html = client.get("/monitoring/breakdown/?indicator=output_value&by=park").content.decode()
    assert "南屏科技园" in html
    assert "唐家湾主园区" not in html
    assert "4.50亿元，同比下降10.0%" in html
    other = data["tjw"].pk  # type: ignore[attr-defined]
    assert client.get(f"/monitoring/enterprises/?indicator=output_value&by=park&key={other}").status_code == 404


def test_enterprises_behind_a_park_figure_with_contributions(client: Client, data: dict[str, object]) -> None:
    client.force_login(f.officer())
    park = data["tjw"].pk  # type: ignore[attr-defined]
    html = client.get(f"/monitoring/enterprises/?indicator=output_value&by=park&key={park}").content.decode()
    assert "珠海甲制造有限公司" in html
    assert "珠海乙制造有限公司" not in html
    assert "12.00亿元，同比增长20.0%" in html
    assert ">20.00<" in html  # 拉动: (120000 − 100000) ÷ 100000 × 100 百分点


def test_drag_list_puts_the_largest_drop_first(client: Client, data: dict[str, object]) -> None:
    client.force_login(f.leader())
    html = client.get("/monitoring/enterprises/?indicator=output_value&order=drag").content.decode()
    assert html.index("珠海乙制造有限公司") < html.index("珠海甲制造有限公司")


def test_no_data_yet_is_explained(client: Client) -> None:
    client.force_login(f.leader())
    response = client.get("/monitoring/")
    assert response.status_code == 404
    assert "还没有月度经济数据" in response.content.decode()


def test_tables_export_to_excel_with_the_same_figures(client: Client, data: dict[str, object]) -> None:
    import io

    import openpyxl

    client.force_login(f.leader())
    response = client.get("/monitoring/breakdown/?indicator=output_value&by=park&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "工业总产值（2026年1-10月，按园区）"
    assert rows[1][0] == "完成年度任务(20亿元)的82.5%，落后序时进度0.8个百分点"
    assert rows[2][:3] == ("园区", "企业数", "累计(万元)")
    assert rows[3][:3] == ("唐家湾主园区", 1, 120000)
    assert rows[-1][0] == "全区"
    assert rows[-1][7] == "16.50亿元，同比增长10.0%"

    park = data["np"].pk  # type: ignore[attr-defined]
    response = client.get(f"/monitoring/enterprises/?indicator=output_value&by=park&key={park}&format=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[3][1:6] == ("珠海乙制造有限公司", "南屏科技园", 45000, 50000, -10)


def test_a_park_officer_is_not_shown_the_zones_target_as_its_own(client: Client, data: dict[str, object]) -> None:
    client.force_login(f.park_officer(data["np"]))  # type: ignore[arg-type]
    html = client.get("/monitoring/").content.decode()
    assert "4.50亿元" in html
    assert "完成年度任务" not in html
