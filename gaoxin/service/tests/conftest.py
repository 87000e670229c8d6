"""A small zone for the service tests: the centre and three departments with an officer each, two parks, three
enterprises with their users, a leader, a park officer and a commissioner."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gaoxin.service.models import AppealCategory
from gaoxin.testing import factories as f


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    """Uploaded attachments go to a temporary folder, not the platform's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """An aware Asia/Shanghai moment."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def category(code: str) -> AppealCategory:
    return AppealCategory.objects.get(code=code)


@pytest.fixture
def zone(db: Any) -> dict[str, Any]:
    centre = f.DepartmentFactory(code="QYFW", name="企业服务中心")
    kj = f.DepartmentFactory(code="KJCY", name="科技产业局")
    gh = f.DepartmentFactory(code="GHZY", name="规划和自然资源局")
    jf = f.DepartmentFactory(code="JJFZ", name="经济发展局")
    tjw = f.ParkFactory(code="TJW", name="唐家湾主园区")
    np = f.ParkFactory(code="NP", name="南屏科技园")
    commissioner = f.commissioner(username="zhuanyuan")
    a = f.EnterpriseFactory(name="珠海甲科技有限公司", park=tjw, commissioner=commissioner)
    b = f.EnterpriseFactory(name="珠海乙制造有限公司", park=np)
    return {
        "centre": centre,
        "kj": kj,
        "gh": gh,
        "jf": jf,
        "tjw": tjw,
        "np": np,
        "a": a,
        "b": b,
        "clerk": f.officer(username="centre1", department=centre, email="centre@zone.gov.cn"),
        "kj_officer": f.officer(username="kj1", department=kj, email="kj@zone.gov.cn"),
        "gh_officer": f.officer(username="gh1", department=gh),
        "jf_officer": f.officer(username="jf1", department=jf),
        "bureau": f.officer(username="bureau1"),
        "leader": f.leader(username="leader1", email="leader@zone.gov.cn"),
        "admin": f.admin(username="admin1"),
        "park_officer": f.park_officer(np, username="np1"),
        "commissioner": commissioner,
        "a_user": f.enterprise_user(a, username="a1", email="a@example.com"),
        "b_user": f.enterprise_user(b, username="b1"),
    }
