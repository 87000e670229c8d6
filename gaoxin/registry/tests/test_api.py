"""The registry endpoints of /api/v1/: list, filter, search, paging, detail, qualifications, parks, industries,
the qualification catalogue, error answers and query budgets."""

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.accounts.services import api_token_issue
from gaoxin.api import PAGE_SIZE_MAX, UNAUTHORIZED_DETAIL
from gaoxin.registry import services
from gaoxin.registry.catalogue import QUALIFICATION_TYPES
from gaoxin.registry.models import (
    ChainStage,
    Enterprise,
    EnterpriseStatus,
    Industry,
    Park,
    QualificationLevel,
)
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db

NOT_FOUND = {"code": "not_found", "detail": "未找到该对象，或您无权查看", "data": {}}


@dataclass
class World:
    park_a: Park
    park_b: Park
    chips: Industry
    design: Industry
    huaxin: Enterprise
    yunfan: Enterprise
    haiyang: Enterprise
    officer: User
    token: str


def issue(user: User) -> str:
    return api_token_issue(actor=None, user=user)[1]


def get(client: Client, token: str | None, path: str, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(f"/api/v1{path}", params, headers=headers)


def items(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return response.json()["items"]


@pytest.fixture
def world() -> World:
    park_a = f.ParkFactory(code="JW", name="金湾园区", short_name="金湾")
    park_b = f.ParkFactory(code="HQ", name="横琴园区", short_name="横琴")
    chips = f.IndustryFactory(code="IC", name="集成电路")
    design = f.IndustryFactory(code="IC01", name="芯片设计", parent=chips)
    huaxin = f.EnterpriseFactory(
        uscc=f.make_uscc(101),
        name="珠海华芯微电子有限公司",
        park=park_a,
        industry=design,
        chain_stage=ChainStage.MIDSTREAM,
        is_above_scale=True,
        above_scale_since=dt.date(2022, 1, 1),
        registered_capital=Decimal("5000000.00"),
        nic_code="C3973",
        address="珠海市金湾区三灶镇机场东路1号",
        legal_representative="李华",
        contact_name="王芳",
        contact_phone="13900000001",
        finance_contact_name="赵敏",
        finance_contact_phone="13900000011",
        email="wf@huaxin.example.cn",
    )
    yunfan = f.EnterpriseFactory(
        uscc=f.make_uscc(102),
        name="珠海云帆软件科技有限公司",
        park=park_a,
        industry=chips,
        registered_capital=Decimal("1234567.89"),
        status=EnterpriseStatus.MOVED_OUT,
    )
    haiyang = f.EnterpriseFactory(
        uscc=f.make_uscc(103), name="横琴海洋生物有限公司", park=park_b, registered_capital=None
    )
    officer = f.officer()
    return World(park_a, park_b, chips, design, huaxin, yunfan, haiyang, officer, issue(officer))


def names(response: Any) -> set[str]:
    return {row["name"] for row in items(response)}


# Authentication and error answers ---------------------------------------------------------------------------


def test_unauthenticated_call_answers_401_in_chinese(client: Client, world: World) -> None:
    response = get(client, None, "/enterprises")
    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "detail": UNAUTHORIZED_DETAIL, "data": {}}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "未登录".encode() in response.content  # Chinese written as Chinese, not \\u escapes


@pytest.mark.parametrize("header", ["Bearer gx_not-a-real-token", "Bearer ", "Token abc", "gx_abc"])
def test_bad_credentials_answer_401(client: Client, world: World, header: str) -> None:
    response = client.get("/api/v1/enterprises", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_session_of_a_logged_in_user_works_but_not_before_password_change(client: Client, world: World) -> None:
    client.force_login(world.officer)
    assert client.get("/api/v1/enterprises").json()["count"] == 3
    world.officer.must_change_password = True
    world.officer.save()
    assert client.get("/api/v1/enterprises").status_code == 401


def test_unknown_path_answers_the_same_json_404(client: Client, world: World) -> None:
    response = get(client, world.token, "/no-such-thing")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_undeclared_method_answers_json_405(client: Client, world: World) -> None:
    response = client.post("/api/v1/enterprises", headers={"Authorization": f"Bearer {world.token}"})
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {"code": "method_not_allowed", "detail": "该接口不支持此请求方法", "data": {}}
    assert Enterprise.objects.count() == 3


def test_a_nul_character_answers_422_and_never_reaches_the_database(client: Client, world: World) -> None:
    """PostgreSQL text cannot hold NUL: refused in the query string and in a body's declared fields (an undeclared
    field is ignored, NUL or not)."""
    response = get(client, world.token, "/enterprises", q="华芯\x00")
    assert response.status_code == 422
    assert response.json()["data"] == {"errors": [{"field": "q", "message": "含有不允许的字符"}]}
    response = client.post(
        "/api/v1/appeals",
        data=json.dumps({"category": "ZC01", "title": "融资\u0000", "content": "内容", "extra\u0000": "\u0000"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.token}"},
    )
    assert response.status_code == 422
    assert response.json()["data"] == {"errors": [{"field": "title", "message": "含有不允许的字符"}]}


def test_invalid_parameter_answers_422_in_chinese(client: Client, world: World) -> None:
    response = get(client, world.token, "/enterprises", limit=0, park="abc")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    assert body["detail"] == "请求参数有误：park：应为整数；limit：不能小于 1"
    assert body["data"] == {
        "errors": [{"field": "park", "message": "应为整数"}, {"field": "limit", "message": "不能小于 1"}]
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": PAGE_SIZE_MAX + 1}, "limit：不能大于 200"),
        ({"offset": -1}, "offset：不能小于 0"),
        ({"status": "closed"}, "status：应为 'active', 'moved_out' or 'deregistered' 之一"),
        ({"above_scale": "maybe"}, "above_scale：应为 true 或 false"),
        ({"park": 2**63}, "park：不能大于 9223372036854775807"),
        ({"q": "a\x00b"}, "q：含有不允许的字符"),
        ({"q": "长" * 101}, "q：不能超过 100 个字符"),
    ],
)
def test_parameter_limits(client: Client, world: World, params: dict[str, Any], message: str) -> None:
    response = get(client, world.token, "/enterprises", **params)
    assert response.status_code == 422
    assert response.json()["detail"] == f"请求参数有误：{message}"


# The enterprise list ----------------------------------------------------------------------------------------


def test_list_summary_fields(client: Client, world: World) -> None:
    response = get(client, world.token, "/enterprises", q="华芯")
    assert response.json() == {
        "count": 1,
        "items": [
            {
                "id": world.huaxin.pk,
                "uscc": world.huaxin.uscc,
                "name": "珠海华芯微电子有限公司",
                "park": "金湾园区",
                "park_id": world.park_a.pk,
                "park_code": "JW",
                "industry": "芯片设计",
                "industry_id": world.design.pk,
                "chain_stage": "中游",
                "is_above_scale": True,
                "status": "存续",
            }
        ],
    }


def test_list_of_an_officer_is_the_whole_zone(client: Client, world: World) -> None:
    response = get(client, world.token, "/enterprises")
    assert response.json()["count"] == 3
    assert names(response) == {"珠海华芯微电子有限公司", "珠海云帆软件科技有限公司", "横琴海洋生物有限公司"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("华芯", {"珠海华芯微电子有限公司"}),
        ("珠海", {"珠海华芯微电子有限公司", "珠海云帆软件科技有限公司"}),
        ("zhhx", {"珠海华芯微电子有限公司"}),
        ("ZHYF", {"珠海云帆软件科技有限公司"}),
        ("hqhy", {"横琴海洋生物有限公司"}),
        ("不存在的企业", set()),
        ("%", set()),
    ],
)
def test_search_by_name_fragment_and_pinyin_initials(client: Client, world: World, q: str, expected: set[str]) -> None:
    assert names(get(client, world.token, "/enterprises", q=q)) == expected


def test_search_by_uscc_prefix(client: Client, world: World) -> None:
    prefix = world.haiyang.uscc[:12]
    assert not world.huaxin.uscc.startswith(prefix)
    assert not world.yunfan.uscc.startswith(prefix)
    assert names(get(client, world.token, "/enterprises", q=prefix)) == {"横琴海洋生物有限公司"}
    assert names(get(client, world.token, "/enterprises", q=world.haiyang.uscc.lower())) == {"横琴海洋生物有限公司"}


def test_search_finds_former_names(client: Client, world: World) -> None:
    services.enterprise_update(actor=world.officer, enterprise=world.haiyang, data={"name": "横琴蓝海生物科技有限公司"})
    assert names(get(client, world.token, "/enterprises", q="海洋生物")) == {"横琴蓝海生物科技有限公司"}


def test_filters(client: Client, world: World) -> None:
    f.QualificationFactory(enterprise=world.huaxin, qtype=f.qualification_type("hnte"))
    today = timezone.localdate()
    f.QualificationFactory(
        enterprise=world.yunfan,
        qtype=f.qualification_type("hnte"),
        recognized_on=today - dt.timedelta(days=1200),
        valid_until=today - dt.timedelta(days=1),
    )
    hnte = f.qualification_type("hnte").pk
    token = world.token
    assert names(get(client, token, "/enterprises", park=world.park_b.pk)) == {"横琴海洋生物有限公司"}
    assert names(get(client, token, "/enterprises", industry=world.chips.pk)) == {
        "珠海华芯微电子有限公司",
        "珠海云帆软件科技有限公司",
    }
    assert names(get(client, token, "/enterprises", industry=world.design.pk)) == {"珠海华芯微电子有限公司"}
    assert names(get(client, token, "/enterprises", chain_stage="midstream")) == {"珠海华芯微电子有限公司"}
    assert names(get(client, token, "/enterprises", above_scale="true")) == {"珠海华芯微电子有限公司"}
    assert names(get(client, token, "/enterprises", above_scale="false")) == {
        "珠海云帆软件科技有限公司",
        "横琴海洋生物有限公司",
    }
    assert names(get(client, token, "/enterprises", status="moved_out")) == {"珠海云帆软件科技有限公司"}
    # only a qualification valid today counts: 云帆's 高企 expired yesterday
    assert names(get(client, token, "/enterprises", qualification=hnte)) == {"珠海华芯微电子有限公司"}
    assert names(get(client, token, "/enterprises", park=world.park_a.pk, q="云帆", status="active")) == set()


def test_pagination_is_limit_offset_with_total_count(client: Client, world: World) -> None:
    first = get(client, world.token, "/enterprises", limit=2).json()
    second = get(client, world.token, "/enterprises", limit=2, offset=2).json()
    beyond = get(client, world.token, "/enterprises", limit=2, offset=10).json()
    assert (first["count"], len(first["items"])) == (3, 2)
    assert (second["count"], len(second["items"])) == (3, 1)
    assert beyond == {"count": 3, "items": []}
    ids = [row["id"] for row in first["items"] + second["items"]]
    assert sorted(ids) == sorted([world.huaxin.pk, world.yunfan.pk, world.haiyang.pk])


def test_default_page_size_is_50(client: Client, world: World) -> None:
    f.EnterpriseFactory.create_batch(52, park=world.park_a)
    body = get(client, world.token, "/enterprises").json()
    assert (body["count"], len(body["items"])) == (55, 50)


# Detail ----------------------------------------------------------------------------------------------------


def test_detail_fields(client: Client, world: World) -> None:
    today = timezone.localdate()
    current = f.QualificationFactory(
        enterprise=world.huaxin,
        qtype=f.qualification_type("srdi_sme"),
        level=QualificationLevel.PROVINCIAL,
        certificate_no="ZJTX-2025-001",
        recognized_on=today - dt.timedelta(days=10),
        valid_until=today + dt.timedelta(days=1000),
    )
    expired = f.QualificationFactory(
        enterprise=world.huaxin,
        qtype=f.qualification_type("tech_sme"),
        certificate_no="KX-2020-9",
        recognized_on=today - dt.timedelta(days=800),
        valid_until=today - dt.timedelta(days=1),
    )
    services.enterprise_update(actor=world.officer, enterprise=world.huaxin, data={"name": "珠海华芯半导体有限公司"})
    verified = {"value": False, "checked_on": dt.date(2026, 3, 2), "basis": "信用中国查询"}
    services.checks_update(
        actor=world.officer,
        enterprise=world.huaxin,
        answers={"serious_violation_listed": verified, "major_incident_last_year": {**verified, "basis": ""}},
    )
    body = get(client, world.token, f"/enterprises/{world.huaxin.pk}").json()
    assert body == {
        "id": world.huaxin.pk,
        "uscc": world.huaxin.uscc,
        "name": "珠海华芯半导体有限公司",
        "park": "金湾园区",
        "park_id": world.park_a.pk,
        "park_code": "JW",
        "industry": "芯片设计",
        "industry_id": world.design.pk,
        "chain_stage": "中游",
        "is_above_scale": True,
        "status": "存续",
        "uscc_check_overridden": False,
        "former_names": ["珠海华芯微电子有限公司"],
        "nic_code": "C3973",
        "founded_on": "2015-03-01",
        "registered_capital_wan": "500",
        "address": "珠海市金湾区三灶镇机场东路1号",
        "legal_representative": "李华",
        "above_scale_since": "2022-01-01",
        "contacts": {
            "contact_name": "王芳",
            "contact_phone": "13900000001",
            "finance_contact_name": "赵敏",
            "finance_contact_phone": "13900000011",
            "email": "wf@huaxin.example.cn",
        },
        "qualifications": [
            {
                "id": current.pk,
                "enterprise_id": world.huaxin.pk,
                "enterprise_name": "珠海华芯半导体有限公司",
                "type_id": f.qualification_type("srdi_sme").pk,
                "type": "专精特新中小企业",
                "level": "省级",
                "certificate_no": "ZJTX-2025-001",
                "recognized_on": (today - dt.timedelta(days=10)).isoformat(),
                "valid_until": (today + dt.timedelta(days=1000)).isoformat(),
                "valid_today": True,
            },
            {
                "id": expired.pk,
                "enterprise_id": world.huaxin.pk,
                "enterprise_name": "珠海华芯半导体有限公司",
                "type_id": f.qualification_type("tech_sme").pk,
                "type": "科技型中小企业",
                "level": "",
                "certificate_no": "KX-2020-9",
                "recognized_on": (today - dt.timedelta(days=800)).isoformat(),
                "valid_until": (today - dt.timedelta(days=1)).isoformat(),
                "valid_today": False,
            },
        ],
        # verified matters, in the vocabulary's order; the others are not verified (unknown to the criteria)
        "checks": [
            {
                "name": "major_incident_last_year",
                "label": "上年度重大安全、质量、环境事故",
                "value": False,
                "answer": "上年度未发生重大安全、质量、环境污染事故",
                "checked_on": "2026-03-02",
                "basis": "",
            },
            {
                "name": "serious_violation_listed",
                "label": "被列入严重违法失信名单",
                "value": False,
                "answer": "未被列入严重违法失信名单",
                "checked_on": "2026-03-02",
                "basis": "信用中国查询",
            },
        ],
    }


@pytest.mark.parametrize(
    ("yuan", "wan"),
    [
        (Decimal("1234567.89"), "123.456789"),
        (Decimal("5000000.00"), "500"),
        (Decimal("10000.00"), "1"),
        (Decimal("0.01"), "0.000001"),
        (Decimal("0"), "0"),
        (None, None),
    ],
)
def test_registered_capital_in_wan(client: Client, world: World, yuan: Decimal | None, wan: str | None) -> None:
    Enterprise.objects.filter(pk=world.yunfan.pk).update(registered_capital=yuan)
    assert get(client, world.token, f"/enterprises/{world.yunfan.pk}").json()["registered_capital_wan"] == wan


def test_qualification_not_yet_recognised_is_not_valid_today(client: Client, world: World) -> None:
    today = timezone.localdate()
    f.QualificationFactory(
        enterprise=world.haiyang, recognized_on=today + dt.timedelta(days=3), valid_until=today + dt.timedelta(days=900)
    )
    quals = get(client, world.token, f"/enterprises/{world.haiyang.pk}").json()["qualifications"]
    assert [q["valid_today"] for q in quals] == [False]


def test_missing_and_out_of_scope_ids_answer_the_same_404(client: Client, world: World) -> None:
    officer_a = issue(f.park_officer(world.park_a))
    missing = get(client, officer_a, f"/enterprises/{world.haiyang.pk + 1000}")
    hidden = get(client, officer_a, f"/enterprises/{world.haiyang.pk}")
    assert (missing.status_code, hidden.status_code) == (404, 404)
    assert missing.content == hidden.content
    assert hidden.json() == NOT_FOUND
    assert dict(missing.headers) == dict(hidden.headers)


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "1.5", str(2**63)])
def test_detail_id_must_be_a_positive_64_bit_integer(client: Client, world: World, bad: str) -> None:
    response = get(client, world.token, f"/enterprises/{bad}")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


# Qualifications, parks, industries, catalogue ----------------------------------------------------------------


def test_qualification_list_filters_and_scope(client: Client, world: World) -> None:
    hnte, tech = f.qualification_type("hnte"), f.qualification_type("tech_sme")
    q1 = f.QualificationFactory(enterprise=world.huaxin, qtype=hnte)
    q2 = f.QualificationFactory(enterprise=world.huaxin, qtype=tech, recognized_on=dt.date(2025, 3, 1))
    q3 = f.QualificationFactory(enterprise=world.haiyang, qtype=hnte)
    all_ids = {row["id"] for row in items(get(client, world.token, "/qualifications"))}
    assert all_ids == {q1.pk, q2.pk, q3.pk}
    by_enterprise = items(get(client, world.token, "/qualifications", enterprise=world.huaxin.pk))
    assert [row["id"] for row in by_enterprise] == [q2.pk, q1.pk]  # newest recognition first
    by_type = items(get(client, world.token, "/qualifications", type=hnte.pk))
    assert {row["id"] for row in by_type} == {q1.pk, q3.pk}
    officer_b = issue(f.park_officer(world.park_b))
    assert {row["id"] for row in items(get(client, officer_b, "/qualifications"))} == {q3.pk}
    assert get(client, officer_b, "/qualifications", enterprise=world.huaxin.pk).json() == {"count": 0, "items": []}
    assert items(get(client, world.token, "/qualifications", enterprise=world.huaxin.pk, limit=1)) == [
        {
            "id": q2.pk,
            "enterprise_id": world.huaxin.pk,
            "enterprise_name": "珠海华芯微电子有限公司",
            "type_id": tech.pk,
            "type": "科技型中小企业",
            "level": "",
            "certificate_no": q2.certificate_no,
            "recognized_on": "2025-03-01",
            "valid_until": "2027-11-30",
            "valid_today": q2.is_valid_on(timezone.localdate()),
        }
    ]


def test_parks_of_a_park_officer_are_their_own(client: Client, world: World) -> None:
    everyone = get(client, world.token, "/parks").json()
    assert {p["code"] for p in everyone} == {"JW", "HQ"}
    own = get(client, issue(f.park_officer(world.park_b)), "/parks").json()
    assert own == [{"id": world.park_b.pk, "code": "HQ", "name": "横琴园区", "short_name": "横琴"}]


def test_industries_are_the_flattened_tree(client: Client, world: World) -> None:
    body = get(client, world.token, "/industries").json()
    assert body == [
        {"id": world.chips.pk, "code": "IC", "name": "集成电路", "parent_id": None, "gbt_codes": ""},
        {"id": world.design.pk, "code": "IC01", "name": "芯片设计", "parent_id": world.chips.pk, "gbt_codes": ""},
    ]


def test_qualification_catalogue(client: Client, world: World) -> None:
    body = get(client, world.token, "/qualification-types").json()
    assert [row["code"] for row in body] == [entry[0] for entry in QUALIFICATION_TYPES]
    hnte = next(row for row in body if row["code"] == "hnte")
    assert hnte == {
        "id": f.qualification_type("hnte").pk,
        "code": "hnte",
        "name": "高新技术企业",
        "category": "梯度培育",
        "has_levels": False,
        "validity_years": 3,
    }


# The OpenAPI document ---------------------------------------------------------------------------------------


def test_openapi_document_declares_errors_and_chinese_summaries(client: Client) -> None:
    doc = json.loads(client.get("/api/v1/openapi.json").content)
    operations = {
        (path, method): op
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if op["tags"] == ["企业库"]  # the registry's operations (other apps test theirs)
    }
    assert set(operations) == {
        ("/api/v1/enterprises", "get"),
        ("/api/v1/enterprises/{enterprise_id}", "get"),
        ("/api/v1/qualifications", "get"),
        ("/api/v1/qualification-types", "get"),
        ("/api/v1/parks", "get"),
        ("/api/v1/industries", "get"),
    }
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    for (path, _), op in operations.items():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"]), path
        assert any("\u4e00" <= ch <= "\u9fff" for ch in op["description"]), path
        assert op["responses"]["401"]["content"]["application/json"]["schema"] == error_ref
        assert op["responses"]["422"]["content"]["application/json"]["schema"] == error_ref
        assert ("404" in op["responses"]) == ("{" in path), path
    assert doc["components"]["schemas"]["ErrorOut"]["required"] == ["code", "detail"]
    detail = doc["components"]["schemas"]["EnterpriseDetail"]["properties"]
    assert "null" in json.dumps(detail["contacts"])
    assert set(doc["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}


# Query budgets: a page of the list costs the same number of queries whatever its size -------------------------

BUDGETS = {
    # token lookup, COUNT, one page (parks and industries joined)
    "/enterprises": 3,
    "/qualifications": 3,
    # token lookup, one query
    "/parks": 2,
    "/industries": 2,
    "/qualification-types": 2,
}


@pytest.mark.parametrize("path", sorted(BUDGETS))
@pytest.mark.parametrize("rows", [2, 30])
def test_list_endpoints_query_budget(
    client: Client, world: World, django_assert_num_queries: Any, path: str, rows: int
) -> None:
    for _ in range(rows):
        park = f.ParkFactory()
        industry = f.IndustryFactory(parent=world.chips)
        e = f.EnterpriseFactory(park=park, industry=industry)
        f.QualificationFactory(enterprise=e)
    get(client, world.token, "/parks")  # records last_used_at now; later calls within a minute do not write
    with django_assert_num_queries(BUDGETS[path]):
        response = get(client, world.token, path, limit=PAGE_SIZE_MAX)
    assert response.status_code == 200


@pytest.mark.parametrize("qualifications", [1, 12])
def test_detail_query_budget(client: Client, world: World, django_assert_num_queries: Any, qualifications: int) -> None:
    f.QualificationFactory.create_batch(qualifications, enterprise=world.huaxin)
    for n in range(qualifications):
        services.enterprise_update(actor=world.officer, enterprise=world.huaxin, data={"name": f"珠海华芯{n}有限公司"})
    get(client, world.token, "/parks")
    # token lookup, the enterprise with park and industry, former names, verified matters, qualifications with types
    with django_assert_num_queries(5):
        body = get(client, world.token, f"/enterprises/{world.huaxin.pk}").json()
    assert (len(body["qualifications"]), len(body["former_names"])) == (qualifications, qualifications)
