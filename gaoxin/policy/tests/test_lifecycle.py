"""The whole life of an application through every stage, return and resubmission, the budget, 公示 and payment."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest

from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.core.models import AuditEntry
from gaoxin.notifications.models import Notification
from gaoxin.policy import selectors, services
from gaoxin.policy.models import Application, ApplicationEvent, AppStatus, ExpertConflict, Stage
from gaoxin.policy.tests.conftest import fake_pdf, fill_and_submit, pdf
from gaoxin.workcalendar.selectors import work_calendar


def _through_experts(z: dict[str, Any], application: Application, scores: list[tuple[int, int]]) -> None:
    services.experts_assign(actor=z["officer"], application=application, rng=random.Random(1))
    for assignment, (s1, s2) in zip(application.assignments.order_by("id"), scores, strict=True):
        services.expert_score(
            actor=assignment.expert, assignment=assignment, scores={"s1": s1, "s2": s2}, comment="成长性较好"
        )


def test_prefilled_draft_asks_nothing_the_zone_holds(zone: dict[str, Any]) -> None:
    application = services.application_start(actor=zone["a_user"], item=zone["item"])
    assert application.status == AppStatus.DRAFT
    assert application.facts["uscc"] == zone["a"].uscc
    assert application.facts["years"][str(zone["today"].year - 1)]["revenue"] == 1500
    # 10% of 1500万元 = 150万元, above the 20万元 cap
    assert application.requested_yuan == Decimal("200000.00")
    assert application.account_name == zone["a"].name
    assert application.number.startswith(f"ZC{zone['today'].year}")
    # starting again returns the same draft, never a second one
    assert services.application_start(actor=zone["a_user"], item=zone["item"]).pk == application.pk


def test_whole_life_through_every_stage(zone: dict[str, Any]) -> None:
    z = zone
    application = fill_and_submit(z, z["a_user"])
    assert (application.status, application.stage) == (AppStatus.IN_REVIEW, Stage.FORM)
    assert application.stage_due == work_calendar().add_working_days(z["today"], 5)
    assert application.eligibility["result"] == "pass"

    services.application_review(actor=z["officer"], application=application, action="pass")
    application.refresh_from_db()
    assert application.stage == Stage.EXPERT
    with pytest.raises(ValidationFailed, match="尚未指派足够的评审专家"):
        services.application_review(actor=z["officer"], application=application, action="pass")
    _through_experts(z, application, [(50, 30), (40, 30), (60, 40)])
    application.refresh_from_db()
    # trimmed mean of 80, 70, 100 drops 100 and 70 → 80
    assert application.score == Decimal("80.00")
    services.application_review(actor=z["officer"], application=application, action="pass")
    services.application_review(actor=z["officer"], application=application, action="pass", reason="材料齐全")
    application.refresh_from_db()
    assert application.stage == Stage.LEADER
    with pytest.raises(PermissionDenied):
        services.application_review(actor=z["officer"], application=application, action="pass")
    services.application_review(actor=z["leader"], application=application, action="pass", amount=Decimal("150000"))
    application.refresh_from_db()
    assert application.status == AppStatus.APPROVED
    assert application.awarded_yuan == Decimal("150000.00")
    assert selectors.item_budget(z["item"]).committed == Decimal("150000.00")

    notice = services.notice_publish(actor=z["officer"], item=z["item"], starts_on=dt.date(2026, 9, 28))
    # 2026-09-28 (Mon) + 7 working days counting the first day, over the National Day holiday
    assert notice.ends_on == work_calendar().notice_end(dt.date(2026, 9, 28), 7)
    application.refresh_from_db()
    assert application.status == AppStatus.IN_NOTICE
    with pytest.raises(ValidationFailed, match="期满后才能结束"):
        services.notice_close(actor=z["officer"], notice=notice, today=notice.ends_on)
    services.notice_close(actor=z["officer"], notice=notice, today=notice.ends_on + dt.timedelta(days=1))
    application.refresh_from_db()
    assert application.status == AppStatus.PAYABLE

    with pytest.raises(PermissionDenied):
        services.batch_create(actor=z["officer"], applications=[application])
    batch = services.batch_create(actor=z["finance"], applications=[application])
    services.batch_mark_paid(actor=z["finance"], batch=batch, paid_on=z["today"], voucher="GK2026-001")
    application.refresh_from_db()
    assert application.status == AppStatus.PAID
    assert application.paid_on == z["today"]
    budget = selectors.item_budget(z["item"])
    assert (budget.committed, budget.paid) == (Decimal("150000.00"), Decimal("150000.00"))
    actions = list(ApplicationEvent.objects.filter(application=application).values_list("action", flat=True))
    assert actions == [
        "draft",
        "submit",
        "pass",
        "assign",
        "score",
        "score",
        "score",
        "pass",
        "pass",
        "pass",
        "notice",
        "notice_end",
        "batch",
        "paid",
    ]
    paid = Notification.objects.filter(recipient=z["a_user"], title__startswith="资金已拨付").get()
    assert "15万元" in paid.body
    assert "尾号5678" in paid.body
    assert AuditEntry.objects.filter(target_type="policy.application", target_id=str(application.pk)).count() >= 10


def test_return_and_resubmit(zone: dict[str, Any]) -> None:
    z = zone
    application = fill_and_submit(z, z["a_user"])
    services.application_review(actor=z["officer"], application=application, action="pass")
    application.refresh_from_db()
    with pytest.raises(ValidationFailed, match="须写明原因"):
        services.application_review(actor=z["officer"], application=application, action="return")
    application.refresh_from_db()
    assert application.status == AppStatus.IN_REVIEW
    # back to form review: the officer returns it with a reason
    application.stage = Stage.FORM
    application.save()
    services.application_review(
        actor=z["officer"], application=application, action="return", reason="营业执照复印件不清晰，请重新上传"
    )
    application.refresh_from_db()
    assert application.status == AppStatus.RETURNED
    assert "不清晰" in application.reason
    licence = z["item"].materials.get(name="营业执照")
    old = application.files.get(requirement=licence)
    services.application_remove_file(actor=z["a_user"], file=old)
    with pytest.raises(ValidationFailed, match="营业执照"):
        services.application_submit(actor=z["a_user"], application=application)
    services.application_upload(
        actor=z["a_user"], application=application, requirement=licence, files=[pdf("执照.pdf")]
    )
    services.application_submit(actor=z["a_user"], application=application)
    application.refresh_from_db()
    assert (application.status, application.stage, application.reason) == (AppStatus.IN_REVIEW, Stage.FORM, "")
    assert application.events.filter(action="resubmit").exists()


def test_withdraw_only_before_review(zone: dict[str, Any]) -> None:
    z = zone
    application = fill_and_submit(z, z["a_user"])
    assert services.can_withdraw(application)
    services.application_review(actor=z["officer"], application=application, action="pass")
    application.refresh_from_db()
    with pytest.raises(Conflict, match="审核已经开始"):
        services.application_withdraw(actor=z["a_user"], application=application)
    second = fill_and_submit(z, z["b_user"])
    services.application_withdraw(actor=z["b_user"], application=second, reason="资料需要完善")
    second.refresh_from_db()
    assert second.status == AppStatus.WITHDRAWN
    # a withdrawn application does not block a new one
    again = services.application_start(actor=z["b_user"], item=z["item"])
    assert again.pk != second.pk


def test_reject_with_reason(zone: dict[str, Any]) -> None:
    z = zone
    application = fill_and_submit(z, z["a_user"])
    services.application_review(actor=z["officer"], application=application, action="reject", reason="不属于支持范围")
    application.refresh_from_db()
    assert application.status == AppStatus.REJECTED
    assert Notification.objects.filter(recipient=z["a_user"], body__contains="不属于支持范围").exists()


def test_failed_criterion_stops_submission_and_names_it(zone: dict[str, Any]) -> None:
    z = zone
    # 丙 is already 规上: the 小升规 rule fails on that criterion
    application = services.application_start(actor=z["c_user"], item=z["item"])
    services.application_save(
        actor=z["c_user"],
        application=application,
        project_name="x",
        bank_name="工行",
        bank_account="6222000011112222",
        commitments_accepted=True,
    )
    for requirement in z["item"].materials.all():
        services.application_upload(actor=z["c_user"], application=application, requirement=requirement, files=[pdf()])
    with pytest.raises(ValidationFailed, match="暂不符合申报条件") as caught:
        services.application_submit(actor=z["c_user"], application=application)
    assert caught.value.data["failed"]
    application.refresh_from_db()
    assert application.status == AppStatus.DRAFT


def test_bad_uploads_are_refused_and_nothing_is_stored(zone: dict[str, Any]) -> None:
    z = zone
    application = services.application_start(actor=z["a_user"], item=z["item"])
    audit = z["item"].materials.get(name="上年度财务审计报告")
    with pytest.raises(ValidationFailed, match="类型不被接受"):
        services.application_upload(actor=z["a_user"], application=application, requirement=audit, files=[fake_pdf()])
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    with pytest.raises(ValidationFailed, match="本项材料只接受PDF"):
        services.application_upload(actor=z["a_user"], application=application, requirement=audit, files=[png])
    assert application.files.count() == 0


def test_bank_account_and_commitments_are_required(zone: dict[str, Any]) -> None:
    z = zone
    application = services.application_start(actor=z["a_user"], item=z["item"])
    with pytest.raises(ValidationFailed, match="8至32位数字"):
        services.application_save(actor=z["a_user"], application=application, bank_account="abc")
    services.application_save(
        actor=z["a_user"], application=application, project_name="p", bank_name="中行", bank_account="6217000012345678"
    )
    with pytest.raises(ValidationFailed, match="承诺事项"):
        services.application_submit(actor=z["a_user"], application=application)


def test_budget_never_exceeded_without_a_leaders_override(zone: dict[str, Any]) -> None:
    z = zone
    item = z["item"]
    item.budget_yuan = Decimal("300000")
    item.stages = ["form", "leader", "notice", "payment"]
    item.save()
    first, second = fill_and_submit(z, z["a_user"]), fill_and_submit(z, z["b_user"])
    for application in (first, second):
        services.application_review(actor=z["officer"], application=application, action="pass")
    services.application_review(actor=z["leader"], application=first, action="pass")  # 20万 of 30万
    with pytest.raises(ValidationFailed, match="超出预算") as caught:
        services.application_review(actor=z["leader"], application=second, action="pass")  # 20万 > 10万 left
    assert "项目预算剩余10万元" in caught.value.message
    second.refresh_from_db()
    assert second.status == AppStatus.IN_REVIEW
    assert second.awarded_yuan is None
    assert selectors.item_budget(item).committed == Decimal("200000.00")
    with pytest.raises(ValidationFailed, match="写明理由"):
        services.application_review(actor=z["leader"], application=second, action="pass", override=True)
    services.application_review(
        actor=z["leader"], application=second, action="pass", override=True, override_reason="追加预算已报批"
    )
    second.refresh_from_db()
    assert second.budget_override
    assert second.awarded_yuan == Decimal("200000.00")
    assert "领导批准超预算" in second.events.last().text


def test_policy_budget_also_caps(zone: dict[str, Any]) -> None:
    z = zone
    policy = z["policy"]
    policy.budget_yuan = Decimal("100000")
    policy.save()
    item = z["item"]
    item.stages = ["form", "payment"]
    item.save()
    application = fill_and_submit(z, z["a_user"])
    with pytest.raises(ValidationFailed, match="政策资金剩余10万元"):
        services.application_review(actor=z["officer"], application=application, action="pass")


def test_bulk_actions_each_on_its_own(zone: dict[str, Any]) -> None:
    z = zone
    first, second = fill_and_submit(z, z["a_user"]), fill_and_submit(z, z["b_user"])
    services.application_review(actor=z["officer"], application=second, action="reject", reason="不符合")
    result = services.application_bulk_review(actor=z["officer"], applications=[first, second], action="pass")
    assert [a.pk for a in result.done] == [first.pk]
    assert result.failed[0][0].pk == second.pk
    assert "不在审核中" in result.failed[0][1]


def test_expert_assignment_excludes_conflicts(zone: dict[str, Any]) -> None:
    z = zone
    application = fill_and_submit(z, z["a_user"])
    services.application_review(actor=z["officer"], application=application, action="pass")
    conflicted = z["experts"][0]
    services.conflict_declare(actor=conflicted, expert=conflicted, enterprise=z["a"], relation="曾任该企业技术顾问")
    assert conflicted not in services.eligible_experts(application)
    with pytest.raises(ValidationFailed, match="回避关系"):
        services.experts_assign(actor=z["officer"], application=application, experts=[conflicted])
    for seed in range(10):
        rows = services.experts_assign(actor=z["officer"], application=application, rng=random.Random(seed))
        assert conflicted.pk not in [r.expert_id for r in rows]
        application.assignments.all().delete()
    assert ExpertConflict.objects.count() == 1


def test_too_few_experts_after_conflicts(zone: dict[str, Any]) -> None:
    z = zone
    application = fill_and_submit(z, z["a_user"])
    services.application_review(actor=z["officer"], application=application, action="pass")
    for expert in z["experts"][:3]:
        services.conflict_declare(actor=z["officer"], expert=expert, enterprise=z["a"], relation="亲属在该企业任职")
    with pytest.raises(ValidationFailed, match="回避后仅有2人"):
        services.experts_assign(actor=z["officer"], application=application)


def test_score_sheet_bounds(zone: dict[str, Any]) -> None:
    z = zone
    application = fill_and_submit(z, z["a_user"])
    services.application_review(actor=z["officer"], application=application, action="pass")
    services.experts_assign(actor=z["officer"], application=application, rng=random.Random(3))
    assignment = application.assignments.first()
    with pytest.raises(ValidationFailed, match="0至60分"):
        services.expert_score(actor=assignment.expert, assignment=assignment, scores={"s1": 61, "s2": 10}, comment="x")
    other = next(e for e in z["experts"] if e.pk != assignment.expert_id)
    with pytest.raises(PermissionDenied):
        services.expert_score(actor=other, assignment=assignment, scores={"s1": 1, "s2": 1}, comment="x")


def test_aggregate() -> None:
    D = Decimal
    assert services.aggregate([D(80), D(70), D(100)], "mean") == D("83.33")
    assert services.aggregate([D(80), D(70), D(100)], "trimmed") == D("80.00")
    assert services.aggregate([D(80), D(70)], "trimmed") == D("75.00")
    assert services.aggregate([], "mean") is None


def test_objection_upheld_drops_the_award(zone: dict[str, Any]) -> None:
    z = zone
    item = z["item"]
    item.stages = ["form", "notice", "payment"]
    item.save()
    first, second = fill_and_submit(z, z["a_user"]), fill_and_submit(z, z["b_user"])
    for application in (first, second):
        services.application_review(actor=z["officer"], application=application, action="pass")
    notice = services.notice_publish(actor=z["officer"], item=item, starts_on=z["today"])
    first.refresh_from_db()
    with pytest.raises(ValidationFailed, match="署名"):
        services.objection_record(actor=z["officer"], notice=notice, signed_by=" ", contact="x", content="y")
    objection = services.objection_record(
        actor=z["officer"],
        notice=notice,
        signed_by="张三",
        contact="13800000000",
        content="该企业营业收入数据不实",
        application=first,
        received_on=z["today"],
    )
    after = notice.ends_on + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed, match="1件异议未核查"):
        services.notice_close(actor=z["officer"], notice=notice, today=after)
    services.objection_decide(actor=z["officer"], objection=objection, outcome="upheld", finding="经核查收入数据有误")
    services.notice_close(actor=z["officer"], notice=notice, today=after)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == AppStatus.REJECTED
    assert "经核查收入数据有误" in first.reason
    assert second.status == AppStatus.PAYABLE
    assert selectors.item_budget(item).committed == second.awarded_yuan


def test_duplicate_funding_is_flagged(zone: dict[str, Any]) -> None:
    z = zone
    other = services.fund_item_save(
        actor=z["officer"],
        policy=z["policy"],
        data={
            "code": "JG-2026",
            "name": "技术改造补助",
            "amount_kind": "fixed",
            "amount_fixed_yuan": Decimal("100000"),
            "budget_yuan": Decimal("1000000"),
            "opens_on": z["today"] - dt.timedelta(days=1),
            "closes_on": z["today"] + dt.timedelta(days=5),
        },
        materials=[{"name": "项目说明", "kinds": "pdf"}],
    )
    services.fund_item_set_status(actor=z["officer"], item=other, status="open")
    fill_and_submit(z, z["a_user"])
    second = fill_and_submit(z, z["a_user"], item=other)
    assert "同一项目已申报" in second.duplicate_note
    assert "小升规培育奖励" in second.duplicate_note


def test_closed_window_refuses(zone: dict[str, Any]) -> None:
    z = zone
    item = z["item"]
    item.closes_on = z["today"] - dt.timedelta(days=1)
    item.save()
    with pytest.raises(ValidationFailed, match="申报时间为"):
        services.application_start(actor=z["a_user"], item=item)
    assert not Application.objects.exists()


def test_batch_refuses_what_is_not_payable(zone: dict[str, Any]) -> None:
    z = zone
    application = fill_and_submit(z, z["a_user"])
    with pytest.raises(ValidationFailed, match="不是待拨付状态"):
        services.batch_create(actor=z["finance"], applications=[application])
    from gaoxin.policy.models import DisbursementBatch

    assert not DisbursementBatch.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"stages": ["form", "leader"]}, "必须包含“拨付”环节"),
        ({"stages": ["notice", "payment"]}, "至少要有一个审核环节"),
        ({"stages": ["form", "payment"], "stage_roles": {"form": "expert"}}, "办理角色不正确"),
        ({"amount_kind": "percent", "amount_cap_yuan": None}, "须设定上限"),
        ({"amount_kind": "tiers", "amount_tiers": [["x", "1"]]}, "第1档"),
        ({"eligibility_code": "no_such_rule"}, "不存在或尚未发布"),
        ({"closes_on": dt.date(2020, 1, 1)}, "不能早于开始日期"),
        ({"no_application": True, "eligibility_code": ""}, "免申即享项目须指定申报条件"),
    ],
)
def test_fund_item_bad_input_names_the_reason(zone: dict[str, Any], changes: dict[str, Any], message: str) -> None:
    item = zone["item"]
    before = (item.stages, item.amount_kind, item.eligibility_code)
    data = {
        "code": item.code,
        "name": item.name,
        "amount_kind": "percent",
        "amount_fact": "revenue",
        "amount_percent": Decimal("10"),
        "amount_cap_yuan": Decimal("200000"),
        "budget_yuan": item.budget_yuan,
        "opens_on": item.opens_on,
        "closes_on": item.closes_on,
    } | changes
    with pytest.raises(ValidationFailed, match=message):
        services.fund_item_save(actor=zone["officer"], policy=zone["policy"], data=data, item=item)
    item.refresh_from_db()
    assert (item.stages, item.amount_kind, item.eligibility_code) == before


def test_rule_dry_run_shows_the_budget_the_fund_items_would_need(zone: dict[str, Any]) -> None:
    """A draft of a rule set that fund items use: the editor's dry run says, per item, what its amount formula would
    pay the enterprises that pass, against the item's budget."""
    from gaoxin.rules import services as rule_services
    from gaoxin.rules.models import RuleSetVersion

    shipped = RuleSetVersion.objects.filter(code="small_to_above", status="published").first()
    assert shipped is not None
    run = rule_services.dry_run(actor=zone["officer"], document=dict(shipped.document))
    passing = run.counts["pass"]
    assert [note.split("：")[0] for note in run.notes] == ["小升规培育对象奖励（免申即享）", "小升规培育奖励"]
    assert all(f"{passing}家企业按金额公式需" in note for note in run.notes)
    assert passing == 2
    assert run.notes[0] == "小升规培育对象奖励（免申即享）：2家企业按金额公式需10万元，项目预算10万元"  # 5万 each
    assert run.notes[1].endswith("项目预算100万元")
