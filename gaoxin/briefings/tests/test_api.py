"""/api/v1/briefings: the list and one briefing within the scope (404 outside, 403 for other roles)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gaoxin.accounts.services import api_token_issue
from gaoxin.briefings import services
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def get(client: Client, user: Any, url: str, **params: Any) -> Any:
    token = api_token_issue(actor=None, user=user)[1]
    return client.get(url, params, headers={"Authorization": f"Bearer {token}"})


def test_list_and_detail_within_the_scope(client: Client, zone: dict[str, Any]) -> None:
    officer = f.officer()
    whole = services.briefing_generate(actor=officer, year=2020, month=11, park=None, template=None)
    park = services.briefing_generate(actor=officer, year=2020, month=11, park=zone["parks"]["TJW"], template=None)
    services.briefing_edit(actor=officer, briefing=whole, title=whole.title, text=whole.text + "\n补充一段。")
    body = get(client, f.leader(), "/api/v1/briefings").json()
    assert body["count"] == 2
    assert {(i["scope"], i["edited"], i["period"]) for i in body["items"]} == {
        ("zone", True, "2020-11"),
        ("TJW", False, "2020-11"),
    }
    detail = get(client, officer, f"/api/v1/briefings/{whole.pk}").json()
    assert detail["text"].endswith("补充一段。")
    assert not detail["generated_text"].endswith("补充一段。")
    main = detail["tables"][0]
    assert main["rows"][0][:4] == ["工业总产值", "万元", 5, 2979900.0]
    keeper = f.park_officer(zone["parks"]["TJW"])
    assert [i["id"] for i in get(client, keeper, "/api/v1/briefings").json()["items"]] == [park.pk]
    assert get(client, keeper, f"/api/v1/briefings/{whole.pk}").status_code == 404
    assert get(client, keeper, f"/api/v1/briefings/{park.pk}").status_code == 200
    assert get(client, f.leader(), "/api/v1/briefings/999999").status_code == 404
    assert get(client, f.leader(), "/api/v1/briefings", kind="weekly").json()["count"] == 0


@pytest.mark.parametrize("role", ["commissioner", "expert", "finance", "enterprise_user"])
def test_other_roles_get_403(client: Client, zone: dict[str, Any], role: str) -> None:
    assert get(client, getattr(f, role)(), "/api/v1/briefings").status_code == 403
