"""The economic monitoring endpoints of /api/v1/: the catalogue, rollups and an enterprise's monthly series —
permissions per role, the caller's scope, exact values and display strings, error answers and query budgets."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client

from gaoxin.accounts.models import User
from gaoxin.accounts.services import api_token_issue
from gaoxin.indicators.api import Grouping
from gaoxin.indicators.models import Indicator, OfficialRate, Target, TargetKind
from gaoxin.indicators.rollups import GROUPINGS
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.registry.models import Enterprise, Park
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db

NOT_FOUND = {"code": "not_found", "detail": "未找到该对象，或您无权查看", "data": {}}
FORBIDDEN = {"code": "permission_denied", "detail": "您的角色不能查看经济运行监测", "data": {}}
NO_TARGET = {
    "total": None,
    "growth": None,
    "issuer": "",
    "completion": None,
    "time_progress": 25.0,
    "schedule_gap": None,
    "growth_gap": None,
    "display": "",
}


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def put(enterprise: Enterprise, code: str, year: int, month: int, amount: int, cumulative: bool = False) -> None:
    facts_store(
        actor=None, inputs=[FactInput(enterprise.pk, ind(code), year, month, D(amount), is_cumulative=cumulative)]
    )


@dataclass
class World:
    park_a: Park
    park_b: Park
    huaxin: Enterprise
    yunfan: Enterprise
    haiyang: Enterprise
    commissioner: User


def issue(user: User) -> str:
    return api_token_issue(actor=None, user=user)[1]


def get(client: Client, token: str | None, path: str, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(f"/api/v1{path}", params, headers=headers)


def rollup(client: Client, token: str, **params: Any) -> Any:
    return get(client, token, "/indicators/rollup", **{"indicator": "工业总产值", "period": "2020-03", **params})


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def world() -> World:
    """华芯 (金湾): in both years, February 2020 not reported. 云帆 (金湾): entrant of 2020. 海洋 (横琴): both years.

    1-3月 工业总产值 (万元): 2020 华芯 270 + 云帆 90 + 海洋 180 = 540; comparable 华芯 270 + 海洋 180 = 450 over
    2019's 330 + 200 = 530 → −15.1%. 金湾 360 (270 over 330 → −18.2%), 横琴 180 (over 200 → −10.0%)."""
    park_a = f.ParkFactory(code="JW", name="金湾园区", short_name="金湾")
    park_b = f.ParkFactory(code="HQ", name="横琴园区", short_name="横琴")
    commissioner = f.commissioner()
    huaxin = f.EnterpriseFactory(name="珠海华芯微电子有限公司", park=park_a, commissioner=commissioner)
    yunfan = f.EnterpriseFactory(name="珠海云帆软件科技有限公司", park=park_a)
    haiyang = f.EnterpriseFactory(name="横琴海洋生物有限公司", park=park_b)
    for month, amount in [(1, 100), (2, 110), (3, 120)]:
        put(huaxin, "output_value", 2019, month, amount)
    put(haiyang, "output_value", 2019, 3, 200, cumulative=True)
    put(huaxin, "output_value", 2020, 1, 120)
    put(huaxin, "output_value", 2020, 3, 150)
    put(yunfan, "output_value", 2020, 3, 90, cumulative=True)
    put(haiyang, "output_value", 2020, 3, 180, cumulative=True)
    put(huaxin, "value_added", 2019, 3, 50, cumulative=True)
    put(huaxin, "value_added", 2020, 3, 55, cumulative=True)
    output = ind("output_value")
    Target.objects.create(year=2020, indicator=output, kind=TargetKind.TOTAL, value=2000, issuer="市工信局")
    Target.objects.create(year=2020, park=park_a, indicator=output, kind=TargetKind.TOTAL, value=1000)
    OfficialRate.objects.create(indicator=ind("value_added"), year=2020, month=3, rate=D("6.1"))
    return World(park_a, park_b, huaxin, yunfan, haiyang, commissioner)


# Permissions per role ---------------------------------------------------------------------------------------

ALLOWED: dict[str, Callable[[World], User]] = {
    "leader": lambda w: f.leader(),
    "officer": lambda w: f.officer(),
    "park_officer": lambda w: f.park_officer(w.park_a),
    "commissioner": lambda w: w.commissioner,
    "admin": lambda w: f.admin(),
}
REFUSED: dict[str, Callable[[World], User]] = {
    "expert": lambda w: f.expert(),
    "finance": lambda w: f.finance(),
    "enterprise": lambda w: f.enterprise_user(w.huaxin),
}


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_monitoring_roles_may_read_rollups_and_series(client: Client, world: World, role: str) -> None:
    token = issue(ALLOWED[role](world))
    assert ok(rollup(client, token))["indicator"] == "工业总产值"
    facts = ok(get(client, token, f"/enterprises/{world.huaxin.pk}/facts", indicator="output_value"))
    assert facts["count"] == 6


@pytest.mark.parametrize("role", sorted(REFUSED))
def test_other_roles_are_refused_with_403(client: Client, world: World, role: str) -> None:
    """403, as on the pages: the refusal depends on the role only, so it reveals nothing about any object."""
    token = issue(REFUSED[role](world))
    for response in (
        rollup(client, token),
        rollup(client, token, indicator="no-such-indicator", scope="NOPE"),
        get(client, token, f"/enterprises/{world.huaxin.pk}/facts", indicator="output_value"),
        get(client, token, f"/enterprises/{world.haiyang.pk + 1000}/facts", indicator="output_value"),
    ):
        assert response.status_code == 403
        assert response.json() == FORBIDDEN


@pytest.mark.parametrize("role", sorted(ALLOWED | REFUSED))
def test_every_signed_in_role_may_read_the_catalogue(client: Client, world: World, role: str) -> None:
    token = issue((ALLOWED | REFUSED)[role](world))
    codes = [row["code"] for row in ok(get(client, token, "/indicators"))]
    assert codes == list(Indicator.objects.filter(is_active=True).values_list("code", flat=True))


def test_unauthenticated_calls_answer_401(client: Client, world: World) -> None:
    for path in ("/indicators", "/indicators/rollup", f"/enterprises/{world.huaxin.pk}/facts"):
        response = get(client, None, path, indicator="工业总产值", period="2020-03")
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"


def test_token_and_session_authentication(client: Client, world: World) -> None:
    leader = f.leader()
    by_token = ok(rollup(client, issue(leader)))
    client.force_login(leader)
    by_session = ok(client.get("/api/v1/indicators/rollup", {"indicator": "工业总产值", "period": "2020-03"}))
    assert by_token == by_session


# Values and display strings ---------------------------------------------------------------------------------


def test_rollup_of_the_zone_by_park_exactly(client: Client, world: World) -> None:
    body = ok(rollup(client, issue(f.officer()), by="park"))
    assert body == {
        "indicator": "工业总产值",
        "unit": "万元",
        "period": "2020-03",
        "label": "2020年1-3月",
        "by": "park",
        "scope": "全区",
        "rows": [
            {
                "group": "金湾园区",
                "enterprises": 2,
                "comparable_enterprises": 1,
                "value": 360.0,
                "comparable_value": 270.0,
                "base": 330.0,
                "yoy": -18.1818,
                "official_yoy": None,
                "share": 66.6667,
                "rank_value": 1,
                "rank_yoy": 2,
                "display": "360万元，同比下降18.2%",
            },
            {
                "group": "横琴园区",
                "enterprises": 1,
                "comparable_enterprises": 1,
                "value": 180.0,
                "comparable_value": 180.0,
                "base": 200.0,
                "yoy": -10.0,
                "official_yoy": None,
                "share": 33.3333,
                "rank_value": 2,
                "rank_yoy": 1,
                "display": "180万元，同比下降10.0%",
            },
        ],
        "total": {
            "group": "全区",
            "enterprises": 3,
            "comparable_enterprises": 2,
            "value": 540.0,
            "comparable_value": 450.0,
            "base": 530.0,
            "yoy": -15.0943,
            "official_yoy": None,
            "share": None,
            "rank_value": None,
            "rank_yoy": None,
            "display": "540万元，同比下降15.1%",
        },
        "target": {
            "total": 2000.0,
            "growth": None,
            "issuer": "市工信局",
            "completion": 27.0,
            "time_progress": 25.0,
            "schedule_gap": 2.0,
            "growth_gap": None,
            "display": "完成年度任务(2000万元)的27.0%，超序时进度2.0个百分点",
        },
    }


@pytest.mark.parametrize(
    ("by", "groups"),
    [
        ("industry", ["未分产业"]),
        ("chain", ["未标注环节"]),
        ("scale", ["规下"]),
        (None, ["全区"]),
    ],
)
def test_other_groupings(client: Client, world: World, by: str | None, groups: list[str]) -> None:
    params = {"by": by} if by else {}
    body = ok(rollup(client, issue(f.officer()), **params))
    assert [row["group"] for row in body["rows"]] == groups
    assert body["by"] == by
    assert body["total"]["display"] == "540万元，同比下降15.1%"


def test_groupings_are_those_of_the_rollups() -> None:
    assert tuple(Grouping) == GROUPINGS


def test_indicator_by_code_name_or_alias(client: Client, world: World) -> None:
    token = issue(f.officer())
    bodies = [ok(rollup(client, token, indicator=name)) for name in ("output_value", "工业总产值", "总产值")]
    assert bodies[0] == bodies[1] == bodies[2]


def test_comparable_price_indicator_shows_the_official_rate(client: Client, world: World) -> None:
    body = ok(rollup(client, issue(f.officer()), indicator="工业增加值"))
    assert body["total"]["display"] == "55万元，同比增长6.1%（统计部门核定）"
    assert body["total"]["official_yoy"] == 6.1


def test_monthly_series_of_an_enterprise(client: Client, world: World) -> None:
    token = issue(f.officer())
    body = ok(get(client, token, f"/enterprises/{world.huaxin.pk}/facts", indicator="工业总产值", year=2020))
    assert body == {
        "count": 3,
        "items": [
            {
                "year": 2020,
                "month": 1,
                "value": 120.0,
                "cumulative": 120.0,
                "source": "导入（当月数）",
                "reported_cumulative": False,
            },
            {
                "year": 2020,
                "month": 2,
                "value": 0.0,
                "cumulative": 120.0,
                "source": "未报（按0计）",
                "reported_cumulative": False,
            },
            {
                "year": 2020,
                "month": 3,
                "value": 150.0,
                "cumulative": 270.0,
                "source": "导入（当月数）",
                "reported_cumulative": False,
            },
        ],
    }
    cumulative = ok(get(client, token, f"/enterprises/{world.haiyang.pk}/facts", indicator="output_value"))
    assert [(r["year"], r["month"], r["value"], r["cumulative"]) for r in cumulative["items"]] == [
        (2019, 3, 200.0, 200.0),
        (2020, 3, 180.0, 180.0),
    ]
    assert {(r["source"], r["reported_cumulative"]) for r in cumulative["items"]} == {("导入（累计数）", True)}


def test_series_is_paged_in_year_and_month_order(client: Client, world: World) -> None:
    token = issue(f.officer())
    path = f"/enterprises/{world.huaxin.pk}/facts"
    first = ok(get(client, token, path, indicator="output_value", limit=4))
    rest = ok(get(client, token, path, indicator="output_value", limit=4, offset=4))
    assert (first["count"], len(first["items"]), len(rest["items"])) == (6, 4, 2)
    periods = [(r["year"], r["month"]) for r in first["items"] + rest["items"]]
    assert periods == [(2019, 1), (2019, 2), (2019, 3), (2020, 1), (2020, 2), (2020, 3)]
    assert ok(get(client, token, path, indicator="output_value", year=2018)) == {"count": 0, "items": []}


def test_series_of_a_ratio_indicator_is_404_with_a_reason(client: Client, world: World) -> None:
    response = get(client, issue(f.officer()), f"/enterprises/{world.huaxin.pk}/facts", indicator="研发费用占营收比")
    assert response.status_code == 404
    assert response.json()["detail"] == "比值类指标没有逐户数据，请查询其分子、分母指标"


def test_catalogue_entries(client: Client, world: World) -> None:
    body = {row["code"]: row for row in ok(get(client, issue(f.expert()), "/indicators"))}
    assert body["output_value"] == {
        "code": "output_value",
        "name": "工业总产值",
        "aliases": ["总产值", "规上工业总产值"],
        "unit": "万元",
        "frequency": "monthly",
        "temporal": "flow",
        "aggregation": "sum",
        "numerator": None,
        "denominator": None,
        "comparable_prices": False,
    }
    assert body["value_added"]["comparable_prices"] is True
    assert body["employees"]["temporal"] == "stock"
    assert (body["rd_intensity"]["aggregation"], body["rd_intensity"]["numerator"]) == ("ratio", "rd_expense")
    assert body["rd_intensity"]["denominator"] == "revenue"


# Scope ------------------------------------------------------------------------------------------------------


def test_park_officer_rolls_up_their_parks_only(client: Client, world: World) -> None:
    token = issue(f.park_officer(world.park_a))
    zone = ok(rollup(client, token, by="park"))
    assert [row["group"] for row in zone["rows"]] == ["金湾园区"]
    assert (zone["total"]["value"], zone["total"]["display"]) == (360.0, "360万元，同比下降18.2%")
    # their share of the zone is not the zone: the zone's annual target does not apply to it
    assert zone["target"] == NO_TARGET

    own = ok(rollup(client, token, scope="JW"))
    assert (own["scope"], own["total"]["display"]) == ("金湾园区", "360万元，同比下降18.2%")
    assert own["target"]["display"] == "完成年度任务(1000万元)的36.0%，超序时进度11.0个百分点"


def test_park_outside_the_scope_answers_the_same_404_as_a_missing_one(client: Client, world: World) -> None:
    token = issue(f.park_officer(world.park_a))
    other = rollup(client, token, scope="HQ")
    missing = rollup(client, token, scope="NOPE")
    assert (other.status_code, missing.status_code) == (404, 404)
    assert other.json() == NOT_FOUND
    assert other.content == missing.content
    assert ok(rollup(client, issue(f.officer()), scope="HQ"))["total"]["value"] == 180.0


def test_series_outside_the_scope_answers_the_same_404_as_a_missing_one(client: Client, world: World) -> None:
    token = issue(f.park_officer(world.park_a))
    hidden = get(client, token, f"/enterprises/{world.haiyang.pk}/facts", indicator="output_value")
    missing = get(client, token, f"/enterprises/{world.haiyang.pk + 1000}/facts", indicator="output_value")
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.json() == NOT_FOUND
    assert hidden.content == missing.content
    commissioner = issue(world.commissioner)
    assert get(client, commissioner, f"/enterprises/{world.yunfan.pk}/facts", indicator="总产值").status_code == 404


def test_commissioner_rolls_up_their_enterprises_without_the_zones_targets_and_rates(
    client: Client, world: World
) -> None:
    token = issue(world.commissioner)
    output = ok(rollup(client, token))
    assert (output["total"]["enterprises"], output["total"]["display"]) == (1, "270万元，同比下降18.2%")
    assert output["target"] == NO_TARGET
    value_added = ok(rollup(client, token, indicator="工业增加值"))
    assert value_added["total"]["official_yoy"] is None
    assert value_added["total"]["display"] == "55万元，现价增长10.0%（可比价增速待统计部门核定）"
    assert ok(rollup(client, token, scope="HQ"))["total"] == {
        "group": "横琴园区",
        "enterprises": 0,
        "comparable_enterprises": 0,
        "value": 0.0,
        "comparable_value": 0.0,
        "base": 0.0,
        "yoy": None,
        "official_yoy": None,
        "share": None,
        "rank_value": None,
        "rank_yoy": None,
        "display": "0万元",
    }


# Error answers ----------------------------------------------------------------------------------------------


def test_unknown_indicator_answers_404_in_chinese(client: Client, world: World) -> None:
    token = issue(f.officer())
    response = rollup(client, token, indicator="产值X")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "没有名为“产值X”的指标", "data": {}}
    facts = get(client, token, f"/enterprises/{world.huaxin.pk}/facts", indicator="产值X")
    assert facts.json() == response.json()


@pytest.mark.parametrize("period", ["2020-13", "2020-00", "2020/03", "202003", "2020-3", "2020年3月", "1899-12", ""])
def test_bad_period_answers_422(client: Client, world: World, period: str) -> None:
    response = rollup(client, issue(f.officer()), period=period)
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_failed",
        "detail": "请求参数有误：period：应写作 YYYY-MM，如 2020-11",
        "data": {"errors": [{"field": "period", "message": "应写作 YYYY-MM，如 2020-11"}]},
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"indicator": None}, "indicator：必须填写"),
        ({"period": None}, "period：必须填写"),
        ({"by": "region"}, "by：应为 'park', 'industry', 'chain', 'scale' or 'qualification' 之一"),
        ({"scope": "园" * 21}, "scope：不能超过 20 个字符"),
    ],
)
def test_other_bad_parameters_answer_422(client: Client, world: World, params: dict[str, Any], message: str) -> None:
    query = {"indicator": "工业总产值", "period": "2020-03", **params}
    response = get(client, issue(f.officer()), "/indicators/rollup", **{k: v for k, v in query.items() if v})
    assert response.status_code == 422
    assert response.json()["detail"] == f"请求参数有误：{message}"


def test_bad_series_parameters_answer_422(client: Client, world: World) -> None:
    token = issue(f.officer())
    for path, params in [
        (f"/enterprises/{world.huaxin.pk}/facts", {}),
        (f"/enterprises/{world.huaxin.pk}/facts", {"indicator": "总产值", "year": "二〇二〇"}),
        (f"/enterprises/{world.huaxin.pk}/facts", {"indicator": "总产值", "year": 1800}),
        ("/enterprises/0/facts", {"indicator": "总产值"}),
    ]:
        assert get(client, token, path, **params).status_code == 422, (path, params)


def test_openapi_document_declares_the_monitoring_answers(client: Client) -> None:
    doc = json.loads(client.get("/api/v1/openapi.json").content)
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    operations = {
        path: item["get"]
        for path, item in doc["paths"].items()
        if path in {"/api/v1/indicators", "/api/v1/indicators/rollup", "/api/v1/enterprises/{enterprise_id}/facts"}
    }
    assert len(operations) == 3
    for path, op in operations.items():
        assert op["tags"] == ["经济运行"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"] + op["description"]), path
        for status in ("401", "422"):
            assert op["responses"][status]["content"]["application/json"]["schema"] == error_ref
    for path in ("/api/v1/indicators/rollup", "/api/v1/enterprises/{enterprise_id}/facts"):
        for status in ("403", "404"):
            assert operations[path]["responses"][status]["content"]["application/json"]["schema"] == error_ref
    period = next(p for p in operations["/api/v1/indicators/rollup"]["parameters"] if p["name"] == "period")
    assert period["schema"]["pattern"] == r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"


# Query budgets: constant whatever the number of enterprises and months ----------------------------------------


@pytest.mark.parametrize("extra", [1, 20])
def test_rollup_query_budget(client: Client, world: World, django_assert_num_queries: Any, extra: int) -> None:
    for _ in range(extra):
        e = f.EnterpriseFactory(park=f.ParkFactory())
        put(e, "output_value", 2019, 3, 10, cumulative=True)
        put(e, "output_value", 2020, 3, 12, cumulative=True)
    token = issue(f.officer())
    ok(get(client, token, "/indicators"))  # records last_used_at now; later calls within a minute do not write
    ok(rollup(client, token, by="park"))  # builds the period's pre-computed cells (see test_rollups)
    # token, indicator, whether the cells are current, the cells by park, park names, official rates, targets
    with django_assert_num_queries(7):
        body = ok(rollup(client, token, by="park"))
    assert len(body["rows"]) == 2 + extra
    park_officer = issue(f.park_officer(world.park_a))
    ok(get(client, park_officer, "/indicators"))
    # token, indicator, the park, one aggregate (a park officer's scope is computed exactly), official rates, targets
    with django_assert_num_queries(6):
        ok(rollup(client, park_officer, scope="JW"))


@pytest.mark.parametrize("months", [2, 12])
def test_series_query_budget(client: Client, world: World, django_assert_num_queries: Any, months: int) -> None:
    e = f.EnterpriseFactory(park=world.park_a)
    facts_store(
        actor=None,
        inputs=[FactInput(e.pk, ind("output_value"), 2021, month, D(10)) for month in range(1, months + 1)],
    )
    token = issue(f.officer())
    ok(get(client, token, "/indicators"))
    # token, the enterprise in scope, indicator, COUNT, one page
    with django_assert_num_queries(5):
        body = ok(get(client, token, f"/enterprises/{e.pk}/facts", indicator="output_value"))
    assert body["count"] == months


def test_catalogue_query_budget(client: Client, world: World, django_assert_num_queries: Any) -> None:
    token = issue(f.officer())
    ok(get(client, token, "/indicators"))
    with django_assert_num_queries(2):  # token, the indicators with their numerators and denominators
        ok(get(client, token, "/indicators"))
