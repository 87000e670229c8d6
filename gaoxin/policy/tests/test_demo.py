"""The demo policy cashing: a dozen policies, applications in every state, never beyond a budget, idempotent."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from gaoxin.policy import selectors
from gaoxin.policy.demo import seed_policies
from gaoxin.policy.models import Application, AppStatus, FundItem, Policy
from gaoxin.registry import demo as registry_demo
from gaoxin.rules.demo import seed_annual_facts
from gaoxin.rules.services import evaluate_registry

pytestmark = pytest.mark.django_db


def test_demo_policies(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    registry_demo.seed_demo(enterprises=150, years=1, seed=5)
    seed_annual_facts(today=today, seed=5)
    evaluate_registry(trigger="测试")
    result = seed_policies(today=today, seed=5)
    assert (result.policies, result.items) == (12, 11)
    assert Policy.objects.filter(status="expired").count() == 1
    statuses = set(Application.objects.values_list("status", flat=True))
    for status in (
        AppStatus.DRAFT,
        AppStatus.IN_REVIEW,
        AppStatus.RETURNED,
        AppStatus.REJECTED,
        AppStatus.WITHDRAWN,
        AppStatus.APPROVED,
        AppStatus.IN_NOTICE,
        AppStatus.PAYABLE,
        AppStatus.PAID,
    ):
        assert status in statuses, status
    stages = set(Application.objects.filter(status=AppStatus.IN_REVIEW).values_list("stage", flat=True))
    assert stages == {"form", "expert", "department", "leader"}
    assert FundItem.objects.filter(no_application=True).count() == 1
    for item in FundItem.objects.all():
        budget = selectors.item_budget(item)
        assert budget.committed <= item.budget_yuan, item.code
    for application in Application.objects.filter(status=AppStatus.PAID):
        assert application.paid_on is not None
        assert application.batch is not None
    again = seed_policies(today=today, seed=5)
    assert again.policies == 0
