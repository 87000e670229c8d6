"""Service grids (网格): a grid commissioner serves the grid's enterprises (their appeals, visits and coverage) and
nothing else; grids are kept by the service centre and the administrator; bad input names the line and the reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from gaoxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gaoxin.registry.selectors import SCOPE_EXTENSIONS, enterprise_scope
from gaoxin.service import selectors, services
from gaoxin.service.models import Channel, GridKind, ServiceGrid
from gaoxin.service.tests.conftest import category
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid(zone: dict[str, Any]) -> dict[str, Any]:
    """南屏科技园's grid in 网格专员's care: enterprise b and a third one; enterprise a stays with its one-to-one
    commissioner."""
    keeper = f.commissioner(username="wangge", full_name="刘网格")
    c = f.EnterpriseFactory(name="珠海丙电子有限公司", park=zone["np"])
    row = services.grid_save(
        actor=zone["clerk"],
        grid=None,
        name="南屏科技园A区",
        kind=GridKind.PARK,
        park=zone["np"],
        commissioner=keeper,
        enterprises=f"{zone['b'].uscc}\n\n{c.name}\n",
    )
    return {"keeper": keeper, "c": c, "grid": row}


def file_appeal(zone: dict[str, Any], user: str) -> Any:
    return services.appeal_submit(actor=zone[user], category=category("RC01"), title="人才公寓申请", content="x").appeal


def test_the_grid_commissioner_sees_the_grids_enterprises_and_their_appeals_only(zone, grid) -> None:
    keeper = grid["keeper"]
    assert set(grid["grid"].enterprises.values_list("pk", flat=True)) == {zone["b"].pk, grid["c"].pk}
    mine, other = file_appeal(zone, "b_user"), file_appeal(zone, "a_user")
    assert list(selectors.appeal_scope(keeper)) == [mine]
    assert selectors.appeal_get(keeper, mine.pk) == mine
    with pytest.raises(NotFound):
        selectors.appeal_get(keeper, other.pk)
    # the one-to-one commissioner keeps theirs and does not see the grid's
    assert list(selectors.appeal_scope(zone["commissioner"])) == [other]
    assert set(enterprise_scope(keeper)) == {zone["b"], grid["c"]}
    # the registry's scope extension is registered and answers for commissioners only
    assert selectors.grid_scope_provider in SCOPE_EXTENSIONS
    assert set(selectors.grid_scope_provider(keeper).values_list("pk", flat=True)) == {zone["b"].pk, grid["c"].pk}
    assert selectors.grid_scope_provider(zone["leader"]) is None
    # they record appeals and log visits for the grid's enterprises, not for others
    recorded = services.appeal_record(
        actor=keeper,
        enterprise=grid["c"],
        channel=Channel.COMMISSIONER,
        category=category("RC01"),
        title="t",
        content="c",
    ).appeal
    assert recorded.enterprise == grid["c"]
    assert selectors.enterprise_lookup(keeper, grid["c"].uscc) == grid["c"]
    with pytest.raises(NotFound):
        selectors.enterprise_lookup(keeper, zone["a"].uscc)
    with pytest.raises(NotFound):
        services.visit_log(actor=keeper, enterprise=zone["a"], visited_on=dt.date(2026, 11, 20), people_met="x")
    visit = services.visit_log(
        actor=keeper, enterprise=zone["b"], visited_on=dt.date(2026, 11, 20), people_met="总经理"
    )
    assert selectors.visit_get(keeper, visit.pk) == visit
    with pytest.raises(NotFound):
        selectors.visit_get(zone["commissioner"], visit.pk)


def test_coverage_counts_grid_enterprises(zone, grid) -> None:
    keeper = grid["keeper"]
    services.visit_log(actor=keeper, enterprise=zone["b"], visited_on=dt.date(2026, 11, 20), people_met="总经理")
    report = selectors.coverage(keeper, dt.date(2026, 11, 23))
    lines = {line.enterprise.name: line for line in report.lines}
    assert set(lines) == {"珠海乙制造有限公司", "珠海丙电子有限公司"}
    assert lines["珠海乙制造有限公司"].covered
    assert not lines["珠海丙电子有限公司"].covered
    assert lines["珠海乙制造有限公司"].grids == ["南屏科技园A区"]
    assert lines["珠海乙制造有限公司"].commissioners == ["刘网格"]
    assert (report.covered, len(report.lines)) == (1, 2)
    # the leader's report has the one-to-one enterprise and the grid's: 3 in all
    assert len(selectors.coverage(zone["leader"], dt.date(2026, 11, 23)).lines) == 3
    # a grid switched off gives nothing any more
    services.grid_save(
        actor=zone["admin"], grid=grid["grid"], name="南屏科技园A区", kind=GridKind.PARK, commissioner=keeper,
        park=zone["np"], enterprises=zone["b"].uscc, is_active=False,
    )  # fmt: skip
    assert list(selectors.appeal_scope(keeper)) == []
    assert selectors.coverage(keeper, dt.date(2026, 11, 23)).lines == []


def test_grid_refusals_name_the_reason_and_change_nothing(zone, grid) -> None:
    keeper = grid["keeper"]
    base: dict[str, Any] = {"grid": None, "kind": GridKind.BUILDING, "commissioner": keeper}
    with pytest.raises(PermissionDenied, match="只有企业服务中心和管理员可以维护服务网格"):
        services.grid_save(actor=zone["kj_officer"], name="科创大厦", **base)
    with pytest.raises(PermissionDenied):
        services.grid_save(actor=keeper, name="科创大厦", **base)
    with pytest.raises(Conflict, match="已有名为“南屏科技园A区”的网格"):
        services.grid_save(actor=zone["clerk"], name="南屏科技园A区", **base)
    with pytest.raises(ValidationFailed, match="企业清单第2行：没有统一社会信用代码或名称为“不存在的公司”的企业"):
        services.grid_save(actor=zone["clerk"], name="科创大厦", enterprises=f"{zone['a'].uscc}\n不存在的公司", **base)
    with pytest.raises(ValidationFailed, match="网格服务专员须是在职的服务专员账号"):
        services.grid_save(actor=zone["clerk"], name="科创大厦", **{**base, "commissioner": zone["kj_officer"]})
    with pytest.raises(ValidationFailed, match="请先选择所在园区"):
        services.grid_save(actor=zone["clerk"], name="科创大厦", include_park=True, **base)
    assert ServiceGrid.objects.count() == 1
    # a park grid can take the whole park at once
    whole = services.grid_save(
        actor=zone["clerk"], name="唐家湾全园", park=zone["tjw"], include_park=True, **{**base, "kind": GridKind.PARK}
    )
    assert list(whole.enterprises.all()) == [zone["a"]]


def test_grid_pages(client, zone, grid) -> None:
    client.force_login(zone["clerk"])
    assert "南屏科技园A区" in client.get(reverse("service:grid_list")).content.decode()
    page = client.get(reverse("service:grid_edit", args=[grid["grid"].pk])).content.decode()
    assert zone["b"].uscc in page
    assert "珠海丙电子有限公司" in page
    response = client.post(
        reverse("service:grid_create"),
        {
            "name": "科创大厦",
            "kind": "building",
            "commissioner": grid["keeper"].pk,
            "enterprises": "没有这家",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "企业清单第1行：没有统一社会信用代码或名称为“没有这家”的企业" in response.content.decode()
    response = client.post(
        reverse("service:grid_create"),
        {"name": "科创大厦", "kind": "building", "commissioner": grid["keeper"].pk, "enterprises": zone["a"].uscc},
    )
    assert response.status_code == 302
    assert ServiceGrid.objects.get(name="科创大厦").enterprises.get() == zone["a"]
    client.force_login(zone["kj_officer"])
    assert client.get(reverse("service:grid_list")).status_code == 403
    client.force_login(zone["admin"])
    assert client.get(reverse("service:grid_list")).status_code == 200
    # the visits page names the grid and its commissioner
    client.force_login(grid["keeper"])
    page = client.get(reverse("service:visit_list")).content.decode()
    assert "南屏科技园A区" in page
    assert "刘网格" in page
