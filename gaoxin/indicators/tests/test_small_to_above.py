"""小升规 candidates from annual revenue (DOMAIN.md: 1300–2000万元, or ≥1000万元 with growth ≥30%)."""

from decimal import Decimal as D

import pytest
from django.test import Client

from gaoxin.indicators.models import AnnualFact
from gaoxin.indicators.selectors import small_to_above_candidates
from gaoxin.registry.models import Enterprise, EnterpriseStatus
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def revenue(e: Enterprise, **by_year: str) -> None:
    for year, value in by_year.items():
        AnnualFact.objects.create(enterprise=e, year=int(year[1:]), name="revenue", value=D(value))


def test_candidates_and_reasons(client: Client) -> None:
    band = f.EnterpriseFactory(name="区间内公司")
    fast = f.EnterpriseFactory(name="高增长公司")
    slow = f.EnterpriseFactory(name="低增长公司")
    already = f.EnterpriseFactory(name="已规上公司", is_above_scale=True)
    gone = f.EnterpriseFactory(name="已迁出公司", status=EnterpriseStatus.MOVED_OUT)
    revenue(band, y2025="1500", y2024="1400")
    revenue(fast, y2025="1170", y2024="900")  # growth exactly 30%
    revenue(slow, y2025="1100", y2024="1000")
    revenue(already, y2025="1500")
    revenue(gone, y2025="1500")
    found = small_to_above_candidates(year=2025, enterprises=Enterprise.objects.all())
    assert [(c.enterprise.name, c.reason) for c in found] == [
        ("区间内公司", "营业收入在1300万至2000万元之间"),
        ("高增长公司", "营业收入超过1000万元且增长30%以上"),
    ]
    client.force_login(f.officer())
    html = client.get("/monitoring/small-to-above/?year=2025").content.decode()
    assert "2025年小升规培育对象" in html
    assert "高增长公司" in html
    assert "低增长公司" not in html
