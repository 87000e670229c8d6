"""免申即享 from the eligible list to payment; precise push; the rules editor's budget hook; the daily job."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.notifications.models import Notification
from gaoxin.policy import matching, selectors, services
from gaoxin.policy.models import Application, AppStatus, Channel, PushMute, PushRecord
from gaoxin.policy.tests.conftest import facts
from gaoxin.rules import facts as rule_facts
from gaoxin.rules.services import evaluate_registry
from gaoxin.testing import factories as f
from gaoxin.workcalendar.selectors import work_calendar


@pytest.fixture
def evaluated(zone: dict[str, Any]) -> dict[str, Any]:
    # 戊 is already 规上 with a 小升规 revenue: it misses exactly one criterion (尚未纳入规上统计)
    e = f.EnterpriseFactory(name="珠海戊材料有限公司", park=zone["np"], is_above_scale=True)
    facts(e, zone["today"].year - 1, revenue=1500)
    zone["e"] = e
    zone["e_user"] = f.enterprise_user(e, username="e1", email="e@example.com")
    evaluate_registry(trigger="测试")
    return zone


def test_no_application_from_list_to_paid(evaluated: dict[str, Any]) -> None:
    z = evaluated
    item = z["offer_item"]
    run = services.offers_generate(actor=z["officer"], item=item)
    assert run.created == 2  # 甲 and 乙 pass 小升规; 丙 and 戊 are 规上
    rows = {a.enterprise_id: a for a in Application.objects.filter(fund_item=item)}
    assert set(rows) == {z["a"].pk, z["b"].pk}
    assert all(a.status == AppStatus.CANDIDATE and a.requested_yuan == Decimal("50000") for a in rows.values())
    # candidates are not shown to the enterprise until the officer has re-checked them
    assert not selectors.application_scope(z["a_user"]).filter(fund_item=item).exists()
    # generating again adds nobody
    assert services.offers_generate(actor=z["officer"], item=item).created == 0

    with pytest.raises(ValidationFailed, match="写明原因"):
        services.offer_exclude(actor=z["officer"], application=rows[z["b"].pk], reason="")
    services.offer_exclude(actor=z["officer"], application=rows[z["b"].pk], reason="存在未整改的安全生产问题")
    sent = services.offers_send(actor=z["officer"], item=item)
    assert sent == 1
    offer = Application.objects.get(pk=rows[z["a"].pk].pk)
    assert offer.status == AppStatus.OFFERED
    assert offer.offer_deadline == work_calendar().add_working_days(z["today"], item.offer_days)
    assert Notification.objects.filter(recipient=z["a_user"], title__startswith="免申即享").exists()
    assert not Notification.objects.filter(recipient=z["b_user"], title__startswith="免申即享").exists()

    with pytest.raises(PermissionDenied):
        services.offer_confirm(actor=z["b_user"], application=offer, bank_name="中行", bank_account="6217000012345678")
    with pytest.raises(ValidationFailed, match="承诺事项"):
        services.offer_confirm(actor=z["a_user"], application=offer, bank_name="中行", bank_account="6217000012345678")
    services.offer_confirm(
        actor=z["a_user"],
        application=offer,
        bank_name="中国银行珠海分行",
        bank_account="6217 0000 1234 5678",
        commitments_accepted=True,
    )
    offer.refresh_from_db()
    assert offer.status == AppStatus.APPROVED
    assert offer.awarded_yuan == Decimal("50000")
    assert offer.bank_account == "6217000012345678"
    notice = services.notice_publish(actor=z["officer"], item=item, starts_on=z["today"])
    services.notice_close(actor=z["officer"], notice=notice, today=notice.ends_on + dt.timedelta(days=1))
    batch = services.batch_create(actor=z["finance"], applications=[offer])
    services.batch_mark_paid(actor=z["finance"], batch=batch, paid_on=z["today"])
    offer.refresh_from_db()
    assert offer.status == AppStatus.PAID
    assert offer.channel == Channel.OFFER
    assert not offer.files.exists()  # nothing uploaded, nothing filled but the account


def test_offers_beyond_budget_need_a_leader(evaluated: dict[str, Any]) -> None:
    z = evaluated
    item = z["offer_item"]
    item.budget_yuan = Decimal("60000")
    item.save()
    services.offers_generate(actor=z["officer"], item=item)
    with pytest.raises(ValidationFailed, match="超出项目预算剩余6万元"):
        services.offers_send(actor=z["officer"], item=item)
    assert not Application.objects.filter(status=AppStatus.OFFERED).exists()
    with pytest.raises(PermissionDenied):
        services.offers_send(actor=z["officer"], item=item, override=True, override_reason="x")
    assert services.offers_send(actor=z["leader"], item=item, override=True, override_reason="追加预算") == 2


def test_unconfirmed_offers_get_reminded_then_expire(evaluated: dict[str, Any], settings: Any) -> None:
    z = evaluated
    item = z["offer_item"]
    services.offers_generate(actor=z["officer"], item=item)
    services.offers_send(actor=z["officer"], item=item)
    offer = Application.objects.get(fund_item=item, enterprise=z["a"])
    calendar = work_calendar()
    deadline = offer.offer_deadline
    # one working day before the deadline: a reminder, once a day
    day = deadline - dt.timedelta(days=1)
    while calendar.working_days_between(day, deadline) != 1:
        day -= dt.timedelta(days=1)
    first = services.run_daily(today=day, push=False)
    again = services.run_daily(today=day, push=False)
    assert (first.reminded, again.reminded) == (2, 0)
    services.offer_decline(actor=z["b_user"], application=Application.objects.get(fund_item=item, enterprise=z["b"]))
    result = services.run_daily(today=deadline + dt.timedelta(days=1), push=False)
    assert result.expired == 1
    offer.refresh_from_db()
    assert offer.status == AppStatus.EXPIRED
    with pytest.raises(Conflict):
        services.offer_confirm(actor=z["a_user"], application=offer, bank_name="x", bank_account="62170000123456")


def test_precise_push_eligible_and_near_with_what_is_lacking(evaluated: dict[str, Any]) -> None:
    z = evaluated
    result = services.push_run(today=z["today"])
    # the 免申即享 item is not pushed (the enterprise never applies); 甲, 乙 qualify; 戊 nearly
    assert result.enterprises == 3
    assert PushRecord.objects.filter(enterprise=z["e"], kind="near").count() == 1
    near = Notification.objects.get(recipient=z["e_user"])
    assert "差一项即可申报：小升规培育奖励" in near.body
    lines = [json.loads(line) for line in Path(settings.POLICY_SMS_FILE).read_text().splitlines()]
    assert {line["phone"] for line in lines} >= {z["a"].contact_phone, "13900000001"}
    # the same news is not sent twice
    assert services.push_run(today=z["today"]).enterprises == 0
    matches = matching.for_enterprise(z["e"], today=z["today"])
    near_match = next(m for m in matches if m.item.pk == z["item"].pk)
    assert near_match.kind == "near"
    assert near_match.lacks == ["尚未纳入规上统计：已纳入规模以上企业统计"]


def test_muted_category_is_not_pushed(evaluated: dict[str, Any]) -> None:
    z = evaluated
    services.mute_set(actor=z["a_user"], category="industry_it", muted=True)
    assert PushMute.objects.filter(enterprise=z["a"]).count() == 1
    services.push_run(today=z["today"])
    assert not PushRecord.objects.filter(enterprise=z["a"]).exists()
    assert not Notification.objects.filter(recipient=z["a_user"]).exists()
    with pytest.raises(ValidationFailed):
        services.mute_set(actor=z["a_user"], category="nonsense", muted=True)


def test_budget_for_dry_run(evaluated: dict[str, Any]) -> None:
    z = evaluated
    docs = rule_facts.facts_documents([z["a"], z["b"]])
    needs = {n.item.code: n for n in services.budget_for_dry_run("small_to_above", docs.values(), as_of=z["today"])}
    # 10% of 1500 and 1800万元, each capped at 20万元 → 40万元; fixed 5万元 × 2 → 10万元
    assert needs["XSG-2026"].total_yuan == Decimal("400000.00")
    assert needs["MSJX-2026"].total_yuan == Decimal("100000")
    assert not needs["XSG-2026"].over_budget
    assert needs["XSG-2026"].sentence() == "小升规培育奖励：2家企业按金额公式需40万元，项目预算100万元"
    assert services.budget_for_dry_run("hnte", docs.values()) == []
