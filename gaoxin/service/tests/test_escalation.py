"""Escalation of overdue dispatches (逾期督办) to the department head (部门负责人) and the leader in charge (分管领导),
set by the service centre or the administrator; without a leader in charge every zone leader is told."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from gaoxin.core.errors import PermissionDenied, ValidationFailed
from gaoxin.notifications.models import Notification
from gaoxin.service import services
from gaoxin.service.models import AppealEvent, EscalationRoute
from gaoxin.service.tests.conftest import category
from gaoxin.testing import factories as f
from gaoxin.workcalendar.selectors import work_calendar

pytestmark = pytest.mark.django_db


def overdue(zone: dict[str, Any]) -> Any:
    appeal = services.appeal_submit(actor=zone["a_user"], category=category("YD01"), title="用地", content="x").appeal
    (lead,) = services.appeal_dispatch(actor=zone["clerk"], appeal=appeal, lead=zone["gh"])
    services.run_daily(today=work_calendar().add_working_days(lead.due_date, 1))
    return appeal


def test_escalation_goes_to_the_head_and_the_leader_in_charge(zone) -> None:
    head = f.officer(username="gh_head", full_name="周局长", department=zone["gh"])
    in_charge = f.leader(username="vice1", full_name="孙主任")
    services.escalation_save(actor=zone["clerk"], department=zone["gh"], head=head, leader=in_charge)
    appeal = overdue(zone)
    told = {n.recipient.username for n in Notification.objects.filter(kind="service.overdue")}
    # the department (its officers, the head among them), the centre and the leader in charge — not leader1
    assert told == {"gh1", "gh_head", "centre1", "vice1"}
    event = AppealEvent.objects.get(appeal=appeal, kind="escalated")
    assert event.text.endswith("已督办部门负责人周局长、分管领导孙主任。")
    assert not event.public


def test_without_a_leader_in_charge_every_leader_is_told(zone) -> None:
    f.leader(username="vice1")
    overdue(zone)
    told = {n.recipient.username for n in Notification.objects.filter(kind="service.overdue")}
    assert told == {"gh1", "centre1", "leader1", "vice1"}


def test_route_refusals(zone) -> None:
    with pytest.raises(PermissionDenied, match="只有企业服务中心和管理员可以设置督办对象"):
        services.escalation_save(actor=zone["gh_officer"], department=zone["gh"], head=None, leader=None)
    with pytest.raises(ValidationFailed, match="部门负责人须是规划和自然资源局在职的科室人员"):
        services.escalation_save(actor=zone["clerk"], department=zone["gh"], head=zone["kj_officer"], leader=None)
    with pytest.raises(ValidationFailed, match="分管领导须是在职的领导账号"):
        services.escalation_save(actor=zone["clerk"], department=zone["gh"], head=None, leader=zone["bureau"])
    with pytest.raises(ValidationFailed, match="企业服务中心不承办转办件"):
        services.escalation_save(actor=zone["admin"], department=zone["centre"], head=None, leader=None)
    assert not EscalationRoute.objects.exists()


def test_route_pages(client, zone) -> None:
    client.force_login(zone["admin"])
    page = client.get(reverse("service:escalation_list")).content.decode()
    assert "规划和自然资源局" in page
    assert "未设置（督办全体领导）" in page
    response = client.post(
        reverse("service:escalation_edit", args=[zone["gh"].pk]),
        {"head": zone["gh_officer"].pk, "leader": zone["leader"].pk},
    )
    assert response.status_code == 302
    route = EscalationRoute.objects.get()
    assert (route.head, route.leader) == (zone["gh_officer"], zone["leader"])
    # only the department's own officers are offered as its head
    response = client.post(reverse("service:escalation_edit", args=[zone["gh"].pk]), {"head": zone["kj_officer"].pk})
    assert response.status_code == 200
    client.force_login(zone["gh_officer"])
    assert client.get(reverse("service:escalation_list")).status_code == 403
    client.force_login(zone["clerk"])
    assert "督办对象" in client.get(reverse("service:notice")).content.decode()
