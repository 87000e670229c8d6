"""The reporting pages: the enterprise's form, the officer's round page, exports, and who may open what."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from gaoxin.indicators.models import Fact, FactSource, Indicator
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.notifications.models import Notification
from gaoxin.reporting import services
from gaoxin.reporting.models import ReportingRound, RoundEnterprise
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


@pytest.fixture
def z() -> dict[str, Any]:
    tjw = f.ParkFactory(name="唐家湾主园区", short_name="唐家湾")
    np = f.ParkFactory(name="南屏科技园", short_name="南屏")
    a = f.EnterpriseFactory(name="珠海甲制造有限公司", park=tjw, is_above_scale=True, contact_phone="13800000001")
    b = f.EnterpriseFactory(name="珠海乙制造有限公司", park=np, is_above_scale=True)
    for e in (a, b):
        facts_store(
            actor=None,
            inputs=[
                FactInput(e.pk, ind("output_value"), 2026, 9, D(1200)),
                FactInput(e.pk, ind("output_value"), 2026, 8, D(1000)),
            ],
        )
    officer = f.officer()
    round_ = services.round_open(
        actor=officer,
        year=2026,
        month=10,
        deadline=timezone.now() + dt.timedelta(days=4),
        indicators=[ind("output_value")],
    )
    return {
        "tjw": tjw,
        "np": np,
        "a": a,
        "b": b,
        "officer": officer,
        "round": round_,
        "a_user": f.enterprise_user(a),
        "member_a": RoundEnterprise.objects.get(round=round_, enterprise=a),
        "member_b": RoundEnterprise.objects.get(round=round_, enterprise=b),
    }


def test_portal_form_is_prefilled_and_shows_the_cumulative(client: Client, z: dict[str, Any]) -> None:
    client.force_login(z["a_user"])
    html = client.get(f"/portal/reports/{z['member_a'].pk}/").content.decode()
    pk = ind("output_value").pk
    assert f'name="value_{pk}" value="1200"' in html  # last month, prefilled
    assert 'data-base="2200"' in html
    assert ">3400<" in html  # 2200 + the prefilled 1200


def test_portal_submission_and_its_errors(client: Client, z: dict[str, Any]) -> None:
    client.force_login(z["a_user"])
    url = f"/portal/reports/{z['member_a'].pk}/"
    pk = ind("output_value").pk
    response = client.post(url, {f"value_{pk}": "2000"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "工业总产值：比上月增长66.7%，超过30.0%的波动阈值，请填写说明" in html
    assert not Fact.objects.filter(year=2026, month=10, source=FactSource.REPORT).exists()
    response = client.post(url, {f"value_{pk}": "2000", f"note_{pk}": "新订单集中交付"})
    assert response.status_code == 302
    fact = Fact.objects.get(enterprise=z["a"], year=2026, month=10)
    assert (fact.value, fact.cumulative) == (D(2000), D(4200))
    assert "2026年10月数据已报送" in client.get(url).content.decode()


def test_portal_list_and_home_card(client: Client, z: dict[str, Any]) -> None:
    client.force_login(z["a_user"])
    assert "开始填报" in client.get("/portal/reports/").content.decode()
    assert "请在" in client.get("/").content.decode()


def test_enterprise_cannot_open_another_firms_form_or_the_workbench_pages(client: Client, z: dict[str, Any]) -> None:
    client.force_login(z["a_user"])
    assert client.get(f"/portal/reports/{z['member_b'].pk}/").status_code == 404
    assert client.get("/reporting/").status_code == 403
    assert client.get(f"/reporting/members/{z['member_a'].pk}/").status_code == 404


def test_locked_form_is_read_only(client: Client, z: dict[str, Any]) -> None:
    ReportingRound.objects.filter(pk=z["round"].pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    client.force_login(z["a_user"])
    html = client.get(f"/portal/reports/{z['member_a'].pk}/").content.decode()
    assert "填报已截止" in html
    assert '<input class="form-control' not in html
    response = client.post(f"/portal/reports/{z['member_a'].pk}/", {f"value_{ind('output_value').pk}": "1300"})
    assert response.status_code == 403


def test_round_page_lists_the_missing_and_exports_them(client: Client, z: dict[str, Any]) -> None:
    services.report_submit(
        actor=z["a_user"], member=z["member_a"], values={ind("output_value").pk: "1300"}, explanations={}
    )
    client.force_login(z["officer"])
    html = client.get(f"/reporting/{z['round'].pk}/").content.decode()
    assert "1 / 2" in html
    assert "珠海乙制造有限公司" in html
    assert "珠海甲制造有限公司" not in html
    response = client.get(f"/reporting/{z['round'].pk}/?status=missing&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][:2] == ["统一社会信用代码", "企业名称"]
    assert values[2][1] == "珠海乙制造有限公司"
    assert values[2][8] == "2026年9月"


def test_remind_button_and_park_officer_scope(client: Client, z: dict[str, Any]) -> None:
    f.enterprise_user(z["b"])
    park_officer = f.park_officer(z["tjw"])
    client.force_login(park_officer)
    html = client.get(f"/reporting/{z['round'].pk}/?status=all").content.decode()
    assert "珠海甲制造有限公司" in html
    assert "珠海乙制造有限公司" not in html
    assert client.get(f"/reporting/members/{z['member_b'].pk}/").status_code == 404
    response = client.post(f"/reporting/{z['round'].pk}/remind/", follow=True)
    assert "已向1家未报企业的1位用户发送催报提醒" in response.content.decode()
    assert Notification.objects.filter(kind="reporting.reminder", recipient=z["a_user"]).exists()


def test_correction_form_on_the_member_page(client: Client, z: dict[str, Any]) -> None:
    client.force_login(z["officer"])
    url = f"/reporting/members/{z['member_b'].pk}/"
    pk = ind("output_value").pk
    response = client.post(url, {"indicator": pk, "value": "1210", "reason": ""})
    assert response.status_code == 200
    assert "更正原因：这个字段是必填项。" in response.content.decode()
    assert not Fact.objects.filter(year=2026, month=10, source=FactSource.CORRECTION).exists()
    response = client.post(url, {"indicator": pk, "value": "1210", "reason": "电话核实"}, follow=True)
    html = response.content.decode()
    assert "工业总产值已更正" in html
    assert "电话核实" in html
    assert Fact.objects.get(enterprise=z["b"], year=2026, month=10).value == D(1210)


def test_open_round_form_and_leader_read_only(client: Client, z: dict[str, Any]) -> None:
    client.force_login(f.leader())
    assert client.get("/reporting/").status_code == 200
    assert client.get("/reporting/new/").status_code == 403
    assert client.post(f"/reporting/{z['round'].pk}/close/").status_code == 302
    assert not ReportingRound.objects.get(pk=z["round"].pk).locked  # refused, with a message
    client.force_login(z["officer"])
    html = client.get("/reporting/new/").content.decode()
    assert "发起填报" in html
    assert "上月报送过的企业" in html


def test_weekly_page_links_the_missing_list_to_the_round(client: Client, z: dict[str, Any]) -> None:
    client.force_login(z["officer"])
    html = client.get("/monitoring/weekly/?period=2026-10").content.decode()
    assert f"/reporting/{z['round'].pk}/?status=missing" in html
