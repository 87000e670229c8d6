"""Query budgets of the registry's main pages: the enterprise list and the enterprise profile (企业画像) cost the
same number of queries for 2 rows as for 30, so an N+1 cannot creep in unnoticed. (The API's budgets are in
test_api.py.)

List: session, user, the park and industry choices of the filter form, COUNT, one page, the zone of the layout,
the unread-message count of the top bar's bell, and the session save. Profile: session, user, the enterprise (scope
re-checked for the history), former names, qualifications with their types, the ladder's catalogue, the history with
its actors, the zone, the unread-message count, the session save; and the card of rule-set results: the published
versions, the enterprise's facts (itself, yearly facts, qualifications) to tell stale results, the stored results.
"""

from typing import Any

import pytest
from django.test import Client

from gaoxin.registry import services
from gaoxin.registry.models import Enterprise
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db

LIST_BUDGET = 12
PROFILE_BUDGET = 20


@pytest.mark.parametrize("rows", [2, 30])
def test_enterprise_list_page_budget(client: Client, django_assert_max_num_queries: Any, rows: int) -> None:
    officer = f.officer()
    leading = f.IndustryFactory()
    for _ in range(rows):
        e = f.EnterpriseFactory(park=f.ParkFactory(), industry=f.IndustryFactory(parent=leading))
        f.QualificationFactory(enterprise=e)
    client.force_login(officer)
    client.get("/registry/enterprises/")
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get("/registry/enterprises/", {"q": "珠海", "sort": "name"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(rows, 25)


@pytest.mark.parametrize("rows", [2, 30])
def test_enterprise_profile_page_budget(client: Client, django_assert_max_num_queries: Any, rows: int) -> None:
    officer = f.officer()
    leading = f.IndustryFactory()
    e: Enterprise = f.EnterpriseFactory(
        industry=f.IndustryFactory(parent=leading), commissioner=f.commissioner(), contact_phone="13900000001"
    )
    f.QualificationFactory.create_batch(rows, enterprise=e)
    for n in range(rows):
        services.enterprise_update(
            actor=officer, enterprise=e, data={"name": f"珠海华芯{n}有限公司", "contact_phone": f"1390000{n:04d}"}
        )
    client.force_login(officer)
    with django_assert_max_num_queries(PROFILE_BUDGET):
        response = client.get(f"/registry/enterprises/{e.pk}/")
    assert response.status_code == 200
    assert len(response.context["history"]) == rows  # one audit entry per update
    assert len(response.context["e"].former_names.all()) == rows
