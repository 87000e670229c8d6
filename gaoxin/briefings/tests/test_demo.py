"""The demo briefings seed_demo writes (the lead adds `seed_briefings` to seed_demo)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gaoxin.briefings.demo import seed_briefings
from gaoxin.briefings.models import Briefing, BriefingTemplate, ReferenceFigure

pytestmark = pytest.mark.django_db


def test_seed_briefings(zone: dict[str, Any]) -> None:
    ReferenceFigure.objects.all().delete()
    result = seed_briefings(today=dt.date(2020, 12, 8))
    assert result.briefings == 2
    assert "2020年1-11月" in result.summary()
    assert BriefingTemplate.objects.get().is_default
    monthly = Briefing.objects.get(kind="monthly")
    assert monthly.schedule_key == "monthly:2020-11"
    assert monthly.organization == "科技产业局"
    assert "占全市36家高新技术企业的33.3%" in monthly.text  # 12 高企 ÷ 0.33
    assert Briefing.objects.get(kind="weekly").week == "2020-W50"
    again = seed_briefings(today=dt.date(2020, 12, 8))  # the same week and month: not twice
    assert again.briefings == 0
    assert Briefing.objects.count() == 2


def test_seed_briefings_without_figures(db: Any) -> None:
    assert seed_briefings(today=dt.date(2020, 12, 8)).briefings == 0
