"""Commissioners' visits: the log, problems turned into appeals in one click, coverage and the ledger's resolution
rate, and who sees which visits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from gaoxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gaoxin.service import selectors, services
from gaoxin.service.models import Appeal, Visit
from gaoxin.service.tests.conftest import category
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def test_visit_and_raise_a_problem_in_one_click(client, zone) -> None:
    visit = services.visit_log(
        actor=zone["commissioner"],
        enterprise=zone["a"],
        visited_on=dt.date(2026, 11, 20),
        people_met="总经理 陈伟",
        findings="三季度订单增长20%，产能不足",
        problems="扩产缺少厂房\n高企复审材料不清楚",
        needs="招聘高级技工",
    )
    problems = selectors.visit_problems(visit)
    assert [(p.kind, p.text) for p in problems] == [
        ("problem", "扩产缺少厂房"),
        ("problem", "高企复审材料不清楚"),
        ("need", "招聘高级技工"),
    ]
    client.force_login(zone["commissioner"])
    response = client.post(reverse("service:problem_raise", args=[problems[0].pk]), {"category": category("YD02").pk})
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert (appeal.channel, appeal.title, appeal.enterprise) == ("commissioner", "扩产缺少厂房", zone["a"])
    assert "走访情况（2026-11-20）：三季度订单增长20%，产能不足" in appeal.content
    with pytest.raises(Conflict, match=f"该问题已转为诉求{appeal.number}"):
        services.problem_raise(actor=zone["commissioner"], problem=problems[0], category=category("YD02"))
    assert Appeal.objects.count() == 1
    page = client.get(reverse("service:visit_detail", args=[visit.pk])).content.decode()
    assert appeal.number in page


def test_refusals(zone) -> None:
    with pytest.raises(NotFound):  # 乙 is not the commissioner's
        services.visit_log(actor=zone["commissioner"], enterprise=zone["b"], visited_on=TODAY, people_met="x")
    with pytest.raises(PermissionDenied, match="只有服务专员、园区人员和企业服务中心可以登记走访"):
        services.visit_log(actor=zone["kj_officer"], enterprise=zone["a"], visited_on=TODAY, people_met="x")
    with pytest.raises(ValidationFailed, match="请填写接待人员"):
        services.visit_log(actor=zone["commissioner"], enterprise=zone["a"], visited_on=TODAY, people_met=" ")
    with pytest.raises(ValidationFailed, match="走访日期不能晚于今天"):
        services.visit_log(
            actor=zone["commissioner"], enterprise=zone["a"], visited_on=dt.date(2099, 1, 1), people_met="x"
        )
    assert Visit.objects.count() == 0


@override_settings(SERVICE_VISIT_INTERVAL_DAYS=30)
def test_coverage_and_resolution_rate(zone) -> None:
    """Three assigned enterprises: 甲 visited 10 days ago, 丙 40 days ago (late), 丁 never → 1 of 3 covered (33.3%).
    Ledger: 2 problems and 1 need; one problem raised and answered (马上办) → resolution 1 ÷ 3 (33.3%)."""
    c = zone["commissioner"]
    third = f.EnterpriseFactory(name="珠海丙电子有限公司", park=zone["tjw"], commissioner=c)
    f.EnterpriseFactory(name="珠海丁生物有限公司", park=zone["tjw"], commissioner=c)
    recent = services.visit_log(
        actor=c, enterprise=zone["a"], visited_on=TODAY - dt.timedelta(days=10), people_met="x", problems="缺厂房"
    )
    services.visit_log(
        actor=c,
        enterprise=third,
        visited_on=TODAY - dt.timedelta(days=40),
        people_met="y",
        problems="停车难",
        needs="人才公寓",
    )
    appeal = services.problem_raise(actor=c, problem=selectors.visit_problems(recent)[0], category=category("YD02"))
    services.appeal_answer(actor=zone["clerk"], appeal=appeal, reply="已推荐三期厂房")
    report = selectors.coverage(c, TODAY)
    assert [(line.enterprise.name, line.days_since, line.covered) for line in report.lines] == [
        ("珠海丁生物有限公司", None, False),
        ("珠海丙电子有限公司", 40, False),
        ("珠海甲科技有限公司", 10, True),
    ]
    assert (report.covered, round(report.rate, 1)) == (1, Decimal("33.3"))
    assert (report.problems, report.needs, report.raised, report.resolved) == (2, 1, 1, 1)
    assert round(report.resolution_rate, 1) == Decimal("33.3")


def test_who_sees_visits(client, zone) -> None:
    visit = services.visit_log(actor=zone["commissioner"], enterprise=zone["a"], visited_on=TODAY, people_met="x")
    for role, visible in [
        ("commissioner", True),
        ("clerk", True),
        ("leader", True),
        ("park_officer", False),  # 南屏 only
        ("kj_officer", False),  # other departments do not read visit logs
        ("a_user", False),
    ]:
        assert selectors.visit_scope(zone[role]).filter(pk=visit.pk).exists() is visible, role
    client.force_login(zone["park_officer"])
    assert client.get(reverse("service:visit_detail", args=[visit.pk])).status_code == 404
    client.force_login(zone["commissioner"])
    assert client.get(reverse("service:visit_list")).status_code == 200
    assert client.get(reverse("service:visit_create")).status_code == 200
    client.force_login(zone["kj_officer"])
    assert client.get(reverse("service:visit_list")).status_code == 403


def test_visit_form(client, zone) -> None:
    client.force_login(zone["commissioner"])
    response = client.post(
        reverse("service:visit_create"),
        {"enterprise": zone["a"].uscc, "visited_on": "2026-11-20", "people_met": "陈伟", "problems": "用电紧张"},
    )
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert [p.text for p in visit.problems.all()] == ["用电紧张"]
