"""/api/v1/ of policy cashing: scope (404 outside it, experts without bank data), review, interop."""

from __future__ import annotations

import json
import random
from typing import Any

from gaoxin.accounts.services import api_token_issue
from gaoxin.policy import services
from gaoxin.policy.models import Application, AppStatus, Policy
from gaoxin.policy.tests.conftest import fill_and_submit


def call(client: Any, user: Any, method: str, url: str, body: Any = None, **params: Any) -> Any:
    token = api_token_issue(actor=None, user=user)[1]
    headers = {"Authorization": f"Bearer {token}"}
    if method == "GET":
        return client.get(url, params, headers=headers)
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_policies_and_items(client: Any, zone: dict[str, Any]) -> None:
    answer = call(client, zone["a_user"], "GET", "/api/v1/policies", q="上规模")
    assert answer.status_code == 200
    assert [p["number"] for p in answer.json()["items"]] == ["珠高新〔2026〕8号"]
    items = call(client, zone["a_user"], "GET", "/api/v1/fund-items", no_application="true").json()["items"]
    assert [i["code"] for i in items] == ["MSJX-2026"]
    detail = call(client, zone["officer"], "GET", f"/api/v1/fund-items/{zone['item'].pk}").json()
    assert detail["amount_kind"] == "percent"
    assert detail["materials"][0]["kinds"] == "pdf"


def test_applications_scope_and_expert_isolation(client: Any, zone: dict[str, Any]) -> None:
    application = fill_and_submit(zone, zone["a_user"])
    other = fill_and_submit(zone, zone["b_user"])
    url = f"/api/v1/policy-applications/{application.pk}"
    assert call(client, zone["b_user"], "GET", url).status_code == 404
    mine = call(client, zone["a_user"], "GET", url).json()
    assert mine["number"] == application.number
    assert mine["bank_account"] == "6217000012345678"
    services.application_review(actor=zone["officer"], application=application, action="pass")
    services.experts_assign(actor=zone["officer"], application=application, rng=random.Random(2))
    expert = application.assignments.first().expert
    seen = call(client, expert, "GET", url).json()
    assert seen["bank_account"] is None
    assert seen["account_name"] is None
    assert call(client, expert, "GET", f"/api/v1/policy-applications/{other.pk}").status_code == 404
    listing = call(client, expert, "GET", "/api/v1/policy-applications").json()["items"]
    assert [a["number"] for a in listing] == [application.number]


def test_review_through_the_api(client: Any, zone: dict[str, Any]) -> None:
    application = fill_and_submit(zone, zone["a_user"])
    url = f"/api/v1/policy-applications/{application.pk}/review"
    refused = call(client, zone["a_user"], "POST", url, {"action": "pass"})
    assert refused.status_code == 403
    missing = call(client, zone["officer"], "POST", url, {"action": "return"})
    assert missing.status_code == 422
    assert "须写明原因" in missing.json()["detail"]
    done = call(client, zone["officer"], "POST", url, {"action": "return", "reason": "缺少盖章页"})
    assert done.status_code == 200
    assert done.json()["status"] == "returned"


def test_policy_upsert_is_idempotent(client: Any, zone: dict[str, Any]) -> None:
    body = {
        "title": "广东省促进中小企业发展若干措施",
        "number": "粤府〔2026〕3号",
        "issuer": "广东省人民政府",
        "level": "provincial",
        "category": "industry_it",
        "effective_from": "2026-03-01",
        "external_id": "GD-HQ-0001",
    }
    first = call(client, zone["officer"], "POST", "/api/v1/policies", body)
    assert first.status_code == 201
    assert first.json()["status"] == "draft"
    second = call(client, zone["officer"], "POST", "/api/v1/policies", body | {"summary": "更新"})
    assert second.json()["id"] == first.json()["id"]
    assert Policy.objects.filter(external_id="GD-HQ-0001").count() == 1
    assert call(client, zone["a_user"], "POST", "/api/v1/policies", body).status_code == 403
    bad = call(client, zone["officer"], "POST", "/api/v1/policies", body | {"effective_from": "2026/03/01"})
    assert bad.status_code == 422


def test_eligible_list_import_and_awards(client: Any, zone: dict[str, Any]) -> None:
    url = f"/api/v1/fund-items/{zone['offer_item'].pk}/eligible"
    bad = call(
        client, zone["officer"], "POST", url, {"rows": [{"uscc": zone["a"].uscc}, {"uscc": "91440400MA00000000"}]}
    )
    assert bad.status_code == 200
    assert bad.json()["errors"] == ["第2行 统一社会信用代码: 企业库中没有91440400MA00000000"]
    assert not Application.objects.exists()
    good = call(client, zone["officer"], "POST", url, {"rows": [{"uscc": zone["a"].uscc, "amount_yuan": "30000"}]})
    assert good.json() == {"created": 1, "kept": 0, "errors": []}
    offer = Application.objects.get()
    assert offer.status == AppStatus.CANDIDATE
    assert str(offer.requested_yuan) == "30000.00"
    again = call(client, zone["officer"], "POST", url, {"rows": [{"uscc": zone["a"].uscc}]})
    assert again.json()["kept"] == 1
    services.offers_send(actor=zone["officer"], item=zone["offer_item"])
    offer.refresh_from_db()
    services.offer_confirm(
        actor=zone["a_user"],
        application=offer,
        bank_name="中行",
        bank_account="6217000012345678",
        commitments_accepted=True,
    )
    awards = call(client, zone["finance"], "GET", "/api/v1/policy-awards").json()["items"]
    assert awards == []  # finance sees awards once they wait for payment
    awards = call(client, zone["officer"], "GET", "/api/v1/policy-awards").json()["items"]
    assert [a["number"] for a in awards] == [offer.number]
