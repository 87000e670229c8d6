"""The workbench pages: who may read, generate and edit (a park outside the caller's scope → 404), generating keeps
the generated text when the text is edited, downloads, templates, the city's totals, and bad input."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from docx import Document

from gaoxin.briefings import services
from gaoxin.briefings.models import Briefing, BriefingTemplate, ReferenceFigure
from gaoxin.core.models import AuditEntry
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def generate(user: Any, **data: str) -> Any:
    return client_for(user).post("/briefings/new/", {"kind": "monthly", "period": "2020-11", "scope": "zone", **data})


def test_officer_generates_edits_and_both_versions_are_kept(zone: dict[str, Any]) -> None:
    officer = f.officer(username="tongji", full_name="统计员")
    response = generate(officer)
    briefing = Briefing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/briefings/{briefing.pk}/"
    assert briefing.generated_by == officer
    assert briefing.park is None
    assert "实现总产值297.99亿元，同比下降3.6%" in briefing.generated_text
    assert briefing.text == briefing.generated_text
    assert not briefing.edited
    page = client_for(officer).get(f"/briefings/{briefing.pk}/").content.decode()
    assert "实现总产值297.99亿元，同比下降3.6%" in page
    assert "高新区2020年1-11月经济运行简报" in page
    edited = briefing.text.replace("需重点跟踪走访。", "需重点跟踪走访，由经发局牵头。")
    response = client_for(officer).post(f"/briefings/{briefing.pk}/edit/", {"title": briefing.title, "text": edited})
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.text == edited
    assert "由经发局牵头" not in briefing.generated_text
    assert briefing.edited
    assert briefing.edited_by == officer
    assert briefing.edited_at is not None
    assert AuditEntry.objects.filter(target_type="briefings.briefing", action="update").exists()
    generated_view = client_for(officer).get(f"/briefings/{briefing.pk}/?version=generated").content.decode()
    assert "由经发局牵头" not in generated_view
    docx = client_for(officer).get(f"/briefings/{briefing.pk}/download/docx/")
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "由经发局牵头" in text  # exports read the edited text
    client_for(officer).post(f"/briefings/{briefing.pk}/restore/")
    briefing.refresh_from_db()
    assert briefing.text == briefing.generated_text


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_downloads(zone: dict[str, Any], fmt: str) -> None:
    leader = f.leader()
    briefing = services.briefing_generate(actor=f.officer(), year=2020, month=11, park=None, template=None)
    response = client_for(leader).get(f"/briefings/{briefing.pk}/download/{fmt}/")
    assert response.status_code == 200
    assert len(response.content) > 1000
    assert "attachment" in response["Content-Disposition"]
    assert client_for(leader).get(f"/briefings/{briefing.pk}/download/exe/").status_code == 404


def test_park_officer_sees_and_writes_only_their_parks(zone: dict[str, Any]) -> None:
    tjw, np_ = zone["parks"]["TJW"], zone["parks"]["NP"]
    officer = f.officer()
    zone_briefing = services.briefing_generate(actor=officer, year=2020, month=11, park=None, template=None)
    other = services.briefing_generate(actor=officer, year=2020, month=11, park=np_, template=None)
    keeper = f.park_officer(tjw)
    c = client_for(keeper)
    assert generate(keeper, scope="TJW").status_code == 302
    own = Briefing.objects.get(park=tjw)
    assert "唐家湾主园区规上工业企业共计2家" in own.text
    assert c.get(f"/briefings/{own.pk}/").status_code == 200
    for pk in (zone_briefing.pk, other.pk):  # out of scope: as if it did not exist
        assert c.get(f"/briefings/{pk}/").status_code == 404
        assert c.get(f"/briefings/{pk}/download/docx/").status_code == 404
        assert c.post(f"/briefings/{pk}/edit/", {"title": "x", "text": "y"}).status_code == 404
    listed = c.get("/briefings/").content.decode()
    assert own.title in listed
    assert other.title not in listed
    assert zone_briefing.title not in listed
    # generating for another park or for the zone: 404 on the form, nothing saved
    for scope in ("NP", "zone"):
        response = generate(keeper, scope=scope)
        assert response.status_code == 200
        assert Briefing.objects.filter(generated_by=keeper).count() == 1
    page = c.get("/briefings/new/").content.decode()
    assert 'value="TJW"' in page
    assert 'value="NP"' not in page
    assert 'value="zone"' not in page


def test_park_officer_scope_outside_is_not_found_in_the_service(zone: dict[str, Any]) -> None:
    from gaoxin.core.errors import NotFound

    keeper = f.park_officer(zone["parks"]["TJW"])
    with pytest.raises(NotFound):
        services.briefing_generate(actor=keeper, year=2020, month=11, park=zone["parks"]["NP"], template=None)
    with pytest.raises(NotFound):
        services.briefing_generate(actor=keeper, year=2020, month=11, park=None, template=None)


@pytest.mark.parametrize("role", ["commissioner", "expert", "finance", "enterprise_user", "admin"])
def test_other_roles_are_refused(zone: dict[str, Any], role: str) -> None:
    briefing = services.briefing_generate(actor=f.officer(), year=2020, month=11, park=None, template=None)
    user = getattr(f, role)()
    c = client_for(user)
    assert c.get("/briefings/").status_code == 403
    assert c.get(f"/briefings/{briefing.pk}/").status_code == 404
    assert c.get("/briefings/new/").status_code == 403


def test_leader_reads_but_does_not_write(zone: dict[str, Any]) -> None:
    briefing = services.briefing_generate(actor=f.officer(), year=2020, month=11, park=None, template=None)
    c = client_for(f.leader())
    assert c.get("/briefings/").status_code == 200
    assert c.get(f"/briefings/{briefing.pk}/").status_code == 200
    assert c.get("/briefings/new/").status_code == 403
    assert c.post(f"/briefings/{briefing.pk}/edit/", {"title": "x", "text": "y"}).status_code == 403
    briefing.refresh_from_db()
    assert briefing.title != "x"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period": "2020-13"}, "月份应在1到12之间"),
        ({"period": "abc"}, "不是有效的统计期"),
        ({"period": "2018-05"}, "2018年1-5月没有可写入简报的数据"),
        ({"scope": "NOPE"}, "选择一个有效的选项"),
    ],
)
def test_generate_refuses_bad_input_and_saves_nothing(zone: dict[str, Any], data: dict[str, str], message: str) -> None:
    response = generate(f.officer(), **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Briefing.objects.exists()


def test_edit_refuses_an_empty_text(zone: dict[str, Any]) -> None:
    officer = f.officer()
    briefing = services.briefing_generate(actor=officer, year=2020, month=11, park=None, template=None)
    response = client_for(officer).post(f"/briefings/{briefing.pk}/edit/", {"title": "标题", "text": "   "})
    assert response.status_code == 200
    assert "正文" in response.content.decode()
    briefing.refresh_from_db()
    assert briefing.text == briefing.generated_text
    assert briefing.edited_by is None


def test_template_chooses_and_orders_sections_and_wording(zone: dict[str, Any]) -> None:
    officer = f.officer()
    c = client_for(officer)
    data = {
        "name": "月报（领导版）",
        "title": "经济运行情况",
        "zone_name": "我区",
        "park_term": "片区",
        "organization": "经济发展局",
        "is_default": "on",
    }
    order = {"innovation": 1, "industry": 2, "risks": 3}
    for code in ("industry", "investment", "services", "trade", "energy", "small_to_above", "innovation", "risks"):
        data[f"order_{code}"] = str(order.get(code, 9))
        if code in order:
            data[f"use_{code}"] = "on"
    assert c.post("/briefings/templates/new/", data).status_code == 302
    template = BriefingTemplate.objects.get()
    assert template.sections == ["innovation", "industry", "risks"]
    assert template.is_default
    generate(officer, template=str(template.pk))
    briefing = Briefing.objects.get()
    assert briefing.title == "我区2020年1-11月经济运行情况"
    assert briefing.organization == "经济发展局"
    lines = briefing.text.splitlines()
    assert lines[0] == "一、创新驱动指标"
    assert "二、主要经济指标" in lines
    assert "（一）工业经济" in lines
    assert "固定资产投资方面" not in briefing.text
    assert "分片区看" in briefing.text
    # no section at all is refused; a park officer may not keep templates
    data.pop("use_innovation"), data.pop("use_industry"), data.pop("use_risks")
    response = c.post(f"/briefings/templates/{template.pk}/", data)
    assert response.status_code == 200
    assert "至少选择一个章节" in response.content.decode()
    assert client_for(f.park_officer(zone["parks"]["TJW"])).get("/briefings/templates/new/").status_code == 403


def test_city_totals_are_entered_by_officers_and_used(zone: dict[str, Any]) -> None:
    officer = f.officer()
    c = client_for(officer)
    response = c.post(
        "/briefings/city-figures/?year=2020",
        {"year": "2020", "key": "city_little_giant", "value": "8", "source": "市工信局"},
    )
    assert response.status_code == 302
    assert ReferenceFigure.objects.get(key="city_little_giant").value == 8
    assert "8家" in c.get("/briefings/city-figures/?year=2020").content.decode()
    briefing = services.briefing_generate(actor=officer, year=2020, month=11, park=None, template=None)
    assert "拥有专精特新“小巨人”企业2家，占全市8家“小巨人”企业的25.0%。" in briefing.text
    response = c.post("/briefings/city-figures/", {"year": "2020", "key": "city_hnte", "value": "-3"})
    assert response.status_code == 200
    assert ReferenceFigure.objects.get(key="city_hnte").value == 40
    leader = client_for(f.leader())
    assert leader.get("/briefings/city-figures/").status_code == 200
    assert (
        leader.post("/briefings/city-figures/", {"year": "2020", "key": "city_hnte", "value": "9"}).status_code == 403
    )


def test_weekly_briefing_from_the_form(zone: dict[str, Any]) -> None:
    from django.utils import timezone

    from gaoxin.briefings.services import iso_week

    response = generate(f.officer(), kind="weekly")
    assert response.status_code == 302
    briefing = Briefing.objects.get()
    week = iso_week(timezone.localdate())
    year, number = week.split("-W")
    assert (briefing.kind, briefing.week) == ("weekly", week)
    assert briefing.title == f"高新区经济运行每周研判（{year}年第{int(number)}周）"
    assert briefing.text.startswith("本期研判使用2020年1-11月数据。\n一、主要经济指标")
