"""Annual targets and official rates entered by bureau officers: permissions, validation, audit, effect on rollups."""

from decimal import Decimal as D

import pytest
from django.test import Client

from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.core.models import AuditEntry
from gaoxin.indicators import services
from gaoxin.indicators.models import Indicator, OfficialRate, Target, TargetKind
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def test_officer_creates_a_target_through_the_page(client: Client) -> None:
    client.force_login(f.officer())
    response = client.post(
        "/monitoring/targets/new/",
        {
            "year": 2026,
            "park": "",
            "indicator": ind("industrial_investment").pk,
            "kind": "total",
            "value": "480000",
            "issuer": "市政府",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.year, target.park, target.kind, target.value, target.issuer) == (
        2026,
        None,
        "total",
        D(480000),
        "市政府",
    )
    assert AuditEntry.objects.filter(target_type="indicators.target", action="create").count() == 1
    html = client.get("/monitoring/targets/?year=2026").content.decode()
    assert "工业投资" in html
    assert "480000 万元" in html


def test_duplicate_and_negative_targets_refused() -> None:
    officer = f.officer()
    data = {
        "year": 2026,
        "park": None,
        "indicator": ind("tax"),
        "kind": TargetKind.TOTAL,
        "value": D(1000),
        "issuer": "",
    }
    services.target_save(actor=officer, data=data)
    with pytest.raises(Conflict):
        services.target_save(actor=officer, data=data)
    with pytest.raises(ValidationFailed, match="总量目标不能为负数"):
        services.target_save(actor=officer, data={**data, "indicator": ind("revenue"), "value": D(-1)})
    assert Target.objects.count() == 1


def test_only_officers_manage_targets(client: Client) -> None:
    with pytest.raises(PermissionDenied):
        services.target_save(
            actor=f.leader(),
            data={"year": 2026, "park": None, "indicator": ind("tax"), "kind": TargetKind.TOTAL, "value": D(1)},
        )
    client.force_login(f.leader())
    assert client.get("/monitoring/targets/").status_code == 200  # leaders read
    assert client.get("/monitoring/targets/new/").status_code == 403
    assert not Target.objects.exists()


def test_editing_a_target_is_audited_with_before_and_after(client: Client) -> None:
    officer = f.officer()
    target = services.target_save(
        actor=officer,
        data={"year": 2026, "park": None, "indicator": ind("tax"), "kind": TargetKind.TOTAL, "value": D(1000)},
    )
    client.force_login(officer)
    client.post(
        f"/monitoring/targets/{target.pk}/edit/",
        {"year": 2026, "park": "", "indicator": ind("tax").pk, "kind": "total", "value": "1200", "issuer": ""},
    )
    entry = AuditEntry.objects.get(target_type="indicators.target", action="update")
    assert entry.changes == {"目标值": ["1000", "1200"]}


def test_official_rate_entered_and_used_by_rollups(client: Client) -> None:
    client.force_login(f.officer())
    response = client.post(
        "/monitoring/rates/new/",
        {
            "indicator": ind("value_added").pk,
            "year": 2026,
            "month": 10,
            "park": "",
            "rate": "6.1",
            "source": "区统计局快报",
        },
    )
    assert response.status_code == 302
    rate = OfficialRate.objects.get()
    assert (rate.month, rate.rate, rate.source) == (10, D("6.1"), "区统计局快报")
    with pytest.raises(ValidationFailed):
        services.official_rate_save(
            actor=f.officer(), data={"indicator": ind("value_added"), "year": 2026, "month": 13, "rate": D(1)}
        )
