"""/api/v1/ for appeals: create (enterprise and officer), read and status within the scope (404 outside), the
scoreboard for leaders and officers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gaoxin.accounts.services import api_token_issue
from gaoxin.service import services
from gaoxin.service.models import Appeal
from gaoxin.service.tests.conftest import category

pytestmark = pytest.mark.django_db


def call(client: Any, user: Any, method: str, url: str, body: Any = None, **params: Any) -> Any:
    token = api_token_issue(actor=None, user=user)[1]
    headers = {"Authorization": f"Bearer {token}"}
    if method == "get":
        return client.get(url, params, headers=headers)
    return client.post(url, body, content_type="application/json", headers=headers)


def test_enterprise_files_and_follows_its_appeal(client, zone) -> None:
    response = call(
        client,
        zone["a_user"],
        "post",
        "/api/v1/appeals",
        {"category": "YD02", "title": "厂房租赁", "content": "需要2000平方米", "urgency": "urgent"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    appeal = Appeal.objects.get()
    assert (body["number"], body["channel"], body["status"], body["category_name"]) == (
        appeal.number,
        "portal",
        "new",
        "用地 / 厂房租赁",
    )
    services.appeal_dispatch(actor=zone["clerk"], appeal=appeal, lead=zone["gh"], now=None)
    lead = appeal.dispatches.get()
    services.dispatch_reply(actor=zone["gh_officer"], dispatch=lead, reply="已协调")
    status = call(client, zone["a_user"], "get", f"/api/v1/appeals/{appeal.pk}/status").json()
    assert (status["status"], status["dispatches"]) == ("handling", [])  # the reply is not reviewed yet
    services.dispatch_review(actor=zone["clerk"], dispatch=lead, approve=True)
    detail = call(client, zone["a_user"], "get", f"/api/v1/appeals/{appeal.pk}").json()
    assert detail["status_label"] == "已答复待评价"
    assert [(d["department"], d["status"], d["reply"]) for d in detail["dispatches"]] == [
        ("规划和自然资源局", "approved", "已协调")
    ]
    assert [e["kind"] for e in detail["events"]] == ["received", "dispatched", "replied", "approved"]
    listing = call(client, zone["a_user"], "get", "/api/v1/appeals").json()
    assert (listing["count"], listing["items"][0]["enterprise"]) == (1, "珠海甲科技有限公司")


def test_scope_and_refusals(client, zone) -> None:
    mine = services.appeal_submit(actor=zone["a_user"], category=category("RC01"), title="人才", content="x").appeal
    assert call(client, zone["b_user"], "get", f"/api/v1/appeals/{mine.pk}").status_code == 404
    assert call(client, zone["b_user"], "get", f"/api/v1/appeals/{mine.pk}/status").status_code == 404
    assert call(client, zone["gh_officer"], "get", "/api/v1/appeals").json()["count"] == 0
    assert call(client, zone["clerk"], "get", "/api/v1/appeals").json()["count"] == 1
    body = {"category": "RC01", "title": "人才", "content": "y", "enterprise_id": zone["a"].pk, "channel": "phone"}
    assert call(client, zone["park_officer"], "post", "/api/v1/appeals", body).status_code == 404  # not 南屏's
    response = call(client, zone["leader"], "post", "/api/v1/appeals", body)
    assert response.status_code == 403
    assert response.json()["detail"] == "只有科室人员、园区人员和服务专员可以登记企业诉求"
    missing = call(client, zone["commissioner"], "post", "/api/v1/appeals", {**body, "channel": None})
    assert missing.status_code == 422
    assert call(client, zone["a_user"], "post", "/api/v1/appeals", {**body, "category": "NOPE"}).status_code == 404
    assert call(client, zone["commissioner"], "post", "/api/v1/appeals", body).status_code == 201
    assert Appeal.objects.count() == 2


def test_scoreboard(client, zone) -> None:
    appeal = services.appeal_submit(actor=zone["a_user"], category=category("RC01"), title="人才", content="x").appeal
    services.appeal_answer(actor=zone["clerk"], appeal=appeal, reply="已答复")
    today = dt.date.today().isoformat()
    response = call(client, zone["leader"], "get", "/api/v1/service/scoreboard", start="2026-01-01", end=today)
    assert response.status_code == 200
    body = response.json()
    assert (body["received"], body["immediate"], body["dispatched"]) == (1, 1, 0)
    assert body["summary"].startswith("受理企业诉求1件，其中马上办1件，办结率100.0%")
    assert call(client, zone["a_user"], "get", "/api/v1/service/scoreboard").status_code == 403


def test_paused_days_and_external_number(client, zone) -> None:
    from gaoxin.service.imports import import_appeals
    from gaoxin.service.tests.conftest import at
    from gaoxin.service.tests.test_import import csv_file, good_rows

    import_appeals(csv_file(*good_rows(zone)))
    appeal = Appeal.objects.get(external_number="12345-0001")
    (lead,) = services.appeal_dispatch(actor=zone["clerk"], appeal=appeal, lead=zone["gh"], now=at(2026, 2, 12, 9))
    services.dispatch_clarify(actor=zone["gh_officer"], dispatch=lead, question="面积?", now=at(2026, 2, 13, 9))
    services.appeal_clarify_answer(actor=zone["a_user"], appeal=appeal, answer="300", now=at(2026, 2, 24, 9))
    detail = call(client, zone["clerk"], "get", f"/api/v1/appeals/{appeal.pk}").json()
    assert (detail["channel"], detail["external_number"]) == ("import", "12345-0001")
    assert [(d["paused_days"], d["due_date"]) for d in detail["dispatches"]] == [(2, "2026-02-27")]
    listing = call(client, zone["clerk"], "get", "/api/v1/appeals").json()
    assert {item["external_number"] for item in listing["items"]} == {"12345-0001", "12345-0002"}
