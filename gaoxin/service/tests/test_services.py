"""Every step of an appeal, and the refused ones: a refusal names its reason in Chinese and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from gaoxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gaoxin.core.models import AuditEntry
from gaoxin.notifications.models import Notification
from gaoxin.service import selectors, services
from gaoxin.service.models import Appeal, AppealEvent, AppealStatus, Attachment, Dispatch, DispatchStatus
from gaoxin.service.tests.conftest import at, category
from gaoxin.workcalendar.selectors import work_calendar

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def submit(zone: dict[str, Any], title: str = "厂房漏水维修", code: str = "JCSS02", **kw: Any) -> Appeal:
    return services.appeal_submit(
        actor=zone["a_user"], category=category(code), title=title, content="二号厂房屋顶漏水，影响生产", **kw
    ).appeal


def dispatched(zone: dict[str, Any], **kw: Any) -> tuple[Appeal, Dispatch, Dispatch]:
    appeal = submit(zone)
    lead, co = services.appeal_dispatch(actor=zone["clerk"], appeal=appeal, lead=zone["gh"], co=[zone["kj"]], **kw)
    return appeal, lead, co


def state(obj: Any) -> tuple[Any, ...]:
    obj.refresh_from_db()
    return (obj.status, getattr(obj, "due_date", None), getattr(obj, "reply", None))


# --- intake ---------------------------------------------------------------------------------------------------------


def test_portal_submission(zone) -> None:
    result = services.appeal_submit(
        actor=zone["a_user"],
        category=category("JCSS02"),
        title="厂房漏水维修",
        content="二号厂房屋顶漏水",
        files=[file("现场照片.png", PNG), file("报告.pdf", PDF)],
    )
    appeal = result.appeal
    year = timezone.localdate().year
    assert appeal.number == f"SQ{year}00001"
    assert (appeal.status, appeal.channel, appeal.enterprise) == (AppealStatus.NEW, "portal", zone["a"])
    assert appeal.contact_name == zone["a_user"].display_name
    assert [(a.name, a.kind) for a in appeal.attachments.all()] == [("现场照片.png", "png"), ("报告.pdf", "pdf")]
    assert list(appeal.events.values_list("kind", flat=True)) == ["received"]
    assert AuditEntry.objects.filter(target_type="service.appeal", target_id=str(appeal.pk)).count() == 1
    assert Notification.objects.filter(recipient=zone["clerk"], title="新的企业诉求：厂房漏水维修").exists()
    assert submit(zone, title="另一件事", code="RC01").number == f"SQ{year}00002"


def test_only_a_bound_enterprise_user_files_in_the_portal(zone) -> None:
    with pytest.raises(PermissionDenied, match="只有已绑定企业的企业用户可以在门户提交诉求"):
        services.appeal_submit(actor=zone["clerk"], category=category("RC01"), title="x", content="y")
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize(
    ("code", "title", "content", "message"),
    [
        ("RC", "人才", "内容", "请选择“人才”下的具体分类"),
        ("RC01", " ", "内容", "请填写诉求标题"),
        ("RC01", "人才", "", "请填写诉求内容"),
    ],
)
def test_bad_submissions_are_refused(zone, code, title, content, message) -> None:
    with pytest.raises(ValidationFailed, match=message):
        services.appeal_submit(actor=zone["a_user"], category=category(code), title=title, content=content)
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.pdf", b"MZ\x90\x00" + b"\x00" * 40, "类型不被接受"),
        ("照片.pdf", PNG, "类型不被接受"),  # a PNG named .pdf: the content decides
        ("表格.xlsx", b"PK\x03\x04" + b"\x00" * 40, "不是有效的Office文档"),
        ("空.pdf", b"", "是空文件"),
    ],
)
def test_attachments_are_checked_by_content(zone, name, content, message) -> None:
    with pytest.raises(ValidationFailed, match=message):
        submit(zone, files=[file(name, content)])
    assert (Appeal.objects.count(), Attachment.objects.count()) == (0, 0)


@override_settings(SERVICE_ATTACHMENT_MAX_BYTES=1024 * 1024)
def test_attachments_have_a_size_limit(zone) -> None:
    with pytest.raises(ValidationFailed, match="超过1MB的大小限制"):
        submit(zone, files=[file("大文件.pdf", PDF + b"0" * (1024 * 1024))])
    assert Appeal.objects.count() == 0


def test_office_documents_are_accepted(zone) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    appeal = submit(
        zone,
        files=[file("说明.docx", buffer.getvalue()), file("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 8)],
    )
    assert sorted(appeal.attachments.values_list("kind", flat=True)) == ["docx", "xls"]


def test_officer_records_a_phone_call_within_scope(zone) -> None:
    result = services.appeal_record(
        actor=zone["park_officer"],
        enterprise=zone["b"],
        channel="phone",
        category=category("SP04"),
        title="营业执照变更",
        content="电话咨询经营范围变更",
        received_at=at(2026, 11, 20, 11, 30),
    )
    assert (result.appeal.channel, result.appeal.received_by) == ("phone", zone["park_officer"])
    assert result.appeal.respond_by == at(2026, 11, 20, 14, 30)
    assert Notification.objects.filter(recipient=zone["b_user"], title="您的诉求已受理：营业执照变更").exists()
    with pytest.raises(NotFound):  # the park officer's scope is the 南屏 park
        services.appeal_record(
            actor=zone["park_officer"], enterprise=zone["a"], channel="visit", category=category("SP04"),
            title="x", content="y",
        )  # fmt: skip
    with pytest.raises(PermissionDenied, match="只有科室人员、园区人员和服务专员可以登记企业诉求"):
        services.appeal_record(
            actor=zone["leader"], enterprise=zone["a"], channel="visit", category=category("SP04"),
            title="x", content="y",
        )  # fmt: skip
    assert Appeal.objects.count() == 1


def test_a_similar_open_appeal_is_offered_for_merging(zone) -> None:
    first = submit(zone, title="二号厂房屋顶漏水维修")
    result = services.appeal_submit(
        actor=zone["a_user"], category=category("JCSS02"), title="二号厂房屋顶漏水", content="又下雨了"
    )
    assert result.duplicates == [first]
    other = services.appeal_submit(
        actor=zone["a_user"], category=category("RC03"), title="子女入学", content="人才子女入学"
    )
    assert other.duplicates == []
    assert selectors.merge_candidates(result.appeal) == [first]
    services.appeal_supplement(actor=zone["a_user"], appeal=first, content="漏水面积扩大到30平方米")
    assert first.events.filter(kind="supplement").get().text == "企业补充：漏水面积扩大到30平方米"
    merged = services.appeal_merge(actor=zone["clerk"], appeal=result.appeal, into=first)
    assert (merged.status, merged.merged_into) == (AppealStatus.MERGED, first)
    with pytest.raises(Conflict, match="只有待分办的诉求可以合并"):
        services.appeal_merge(actor=zone["clerk"], appeal=merged, into=first)
    with pytest.raises(PermissionDenied):
        services.appeal_merge(actor=zone["kj_officer"], appeal=other.appeal, into=first)


# --- triage ---------------------------------------------------------------------------------------------------------


def test_immediate_answer(zone) -> None:
    appeal = submit(zone, title="高企申报时间", code="ZCZX02")
    with pytest.raises(PermissionDenied, match="只有企业服务中心可以分办"):
        services.appeal_answer(actor=zone["kj_officer"], appeal=appeal, reply="x")
    with pytest.raises(ValidationFailed, match="请填写答复内容"):
        services.appeal_answer(actor=zone["clerk"], appeal=appeal, reply="  ")
    assert state(appeal)[0] == AppealStatus.NEW
    services.appeal_answer(actor=zone["clerk"], appeal=appeal, reply="今年申报截止6月30日")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.mode, appeal.reply) == (AppealStatus.REPLIED, "immediate", "今年申报截止6月30日")
    assert appeal.responded_at is not None
    assert Notification.objects.filter(recipient=zone["a_user"], title="您的诉求已答复：高企申报时间").exists()
    with pytest.raises(Conflict, match="当前状态为“已答复待评价”，不能再分办"):
        services.appeal_answer(actor=zone["clerk"], appeal=appeal, reply="again")


def test_dispatch_to_a_lead_and_a_co_department(zone) -> None:
    appeal, lead, co = dispatched(zone, now=at(2026, 11, 20, 10))
    appeal.refresh_from_db()
    assert (appeal.status, appeal.mode, appeal.due_date) == (AppealStatus.HANDLING, "dispatch", dt.date(2026, 11, 26))
    assert (lead.department, lead.role, lead.status, lead.due_date) == (
        zone["gh"],
        "lead",
        DispatchStatus.PENDING,
        dt.date(2026, 11, 26),
    )
    assert co.role == "co"
    assert appeal.events.get(kind="dispatched").text == (
        "转办规划和自然资源局主办，4个工作日内（2026年11月26日前）办结；科技产业局协办"
    )
    assert Notification.objects.filter(recipient=zone["kj_officer"], title="转办件：厂房漏水维修").exists()
    with pytest.raises(Conflict, match="当前状态为“办理中”，不能再分办"):
        services.appeal_dispatch(actor=zone["clerk"], appeal=appeal, lead=zone["jf"])
    assert Dispatch.objects.count() == 2


@pytest.mark.parametrize(
    ("lead", "co", "days", "error", "message"),
    [
        ("gh", ["gh"], None, ValidationFailed, "主办部门不能同时是协办部门"),
        ("centre", [], None, ValidationFailed, "请选择“马上办”"),
        ("gh", [], 61, ValidationFailed, "办理时限应在1到60个工作日之间"),
    ],
)
def test_bad_dispatches_are_refused(zone, lead, co, days, error, message) -> None:
    appeal = submit(zone)
    with pytest.raises(error, match=message):
        services.appeal_dispatch(
            actor=zone["clerk"], appeal=appeal, lead=zone[lead], co=[zone[c] for c in co], lead_days=days
        )
    assert (state(appeal)[0], Dispatch.objects.count()) == (AppealStatus.NEW, 0)


# --- the department -------------------------------------------------------------------------------------------------


def test_accept_only_by_the_department_and_once(zone) -> None:
    _appeal, lead, _co = dispatched(zone)
    with pytest.raises(PermissionDenied, match="只有规划和自然资源局的科室人员可以办理该转办件"):
        services.dispatch_accept(actor=zone["kj_officer"], dispatch=lead)
    assert state(lead)[0] == DispatchStatus.PENDING
    services.dispatch_accept(actor=zone["gh_officer"], dispatch=lead)
    assert state(lead)[0] == DispatchStatus.ACCEPTED
    with pytest.raises(Conflict, match="当前状态为“已接收”，不能接收"):
        services.dispatch_accept(actor=zone["gh_officer"], dispatch=lead)


def test_return_within_two_working_days(zone) -> None:
    appeal, lead, co = dispatched(zone, now=at(2026, 11, 20, 10))  # Friday: return by Tuesday 11-24
    assert lead.return_due == dt.date(2026, 11, 24)
    with pytest.raises(ValidationFailed, match="请写明退回原因"):
        services.dispatch_return(actor=zone["gh_officer"], dispatch=lead, reason="", today=dt.date(2026, 11, 23))
    with pytest.raises(Conflict, match="已超过2个工作日的退回时限（2026年11月24日）"):
        services.dispatch_return(
            actor=zone["gh_officer"], dispatch=lead, reason="不是本局职责", today=dt.date(2026, 11, 25)
        )
    assert state(lead)[0] == DispatchStatus.PENDING
    services.dispatch_return(
        actor=zone["gh_officer"], dispatch=lead, reason="屋面维修属物业管理", today=dt.date(2026, 11, 24)
    )
    assert (state(lead)[0], lead.return_reason) == (DispatchStatus.RETURNED, "屋面维修属物业管理")
    assert state(appeal)[0] == AppealStatus.NEW  # back in the centre's queue
    assert state(co)[0] == DispatchStatus.PENDING
    assert Notification.objects.filter(recipient=zone["clerk"], title="转办件被退回：厂房漏水维修").exists()
    # the centre dispatches it again, to another lead
    (again,) = services.appeal_dispatch(actor=zone["clerk"], appeal=appeal, lead=zone["jf"])
    assert again.role == "lead"
    services.dispatch_return(actor=zone["jf_officer"], dispatch=again, reason="也不是本局", today=dt.date(2026, 11, 20))
    with pytest.raises(Conflict, match="科技产业局已在办理该诉求"):
        services.appeal_dispatch(actor=zone["clerk"], appeal=appeal, lead=zone["kj"])


def test_clarification_round_trip(zone) -> None:
    appeal, lead, _co = dispatched(zone)
    services.dispatch_clarify(actor=zone["gh_officer"], dispatch=lead, question="请提供厂房产权证号")
    assert state(lead)[0] == DispatchStatus.CLARIFY
    with pytest.raises(Conflict, match="正在等待企业澄清"):
        services.dispatch_reply(actor=zone["gh_officer"], dispatch=lead, reply="x")
    with pytest.raises(PermissionDenied):
        services.appeal_clarify_answer(actor=zone["b_user"], appeal=appeal, answer="x")
    assert [d.question for d in selectors.open_questions(appeal)] == ["请提供厂房产权证号"]
    services.appeal_clarify_answer(actor=zone["a_user"], appeal=appeal, answer="粤(2020)珠海市不动产权第001号")
    assert state(lead)[0] == DispatchStatus.ACCEPTED
    with pytest.raises(Conflict, match="目前没有部门需要您澄清该诉求"):
        services.appeal_clarify_answer(actor=zone["a_user"], appeal=appeal, answer="x")


def test_reply_review_and_what_the_enterprise_sees(zone) -> None:
    appeal, lead, co = dispatched(zone, now=at(2026, 11, 20, 10))
    services.dispatch_reply(
        actor=zone["gh_officer"], dispatch=lead, reply="已协调物业维修", files=[file("维修单.pdf", PDF)],
        now=at(2026, 11, 24, 15),
    )  # fmt: skip
    lead.refresh_from_db()
    assert (lead.status, lead.working_days, lead.in_time) == (DispatchStatus.REPLIED, 2, True)
    # not yet reviewed: the enterprise sees neither the reply nor its attachment
    assert selectors.appeal_dispatches(zone["a_user"], appeal) == []
    assert selectors.appeal_attachments(zone["a_user"], appeal) == []
    with pytest.raises(PermissionDenied, match="只有企业服务中心可以审核部门答复"):
        services.dispatch_review(actor=zone["gh_officer"], dispatch=lead, approve=True)
    with pytest.raises(ValidationFailed, match="退回重办时请写明审核意见"):
        services.dispatch_review(actor=zone["clerk"], dispatch=lead, approve=False)
    services.dispatch_review(actor=zone["clerk"], dispatch=lead, approve=False, note="请写明维修完成时间")
    lead.refresh_from_db()
    assert (lead.status, lead.working_days, lead.in_time) == (DispatchStatus.ACCEPTED, None, None)
    assert not appeal.events.get(kind="sent_back").public
    services.dispatch_reply(
        actor=zone["gh_officer"], dispatch=lead, reply="已协调物业，11月27日前修复", now=at(2026, 11, 27, 9)
    )
    lead.refresh_from_db()
    assert (lead.working_days, lead.in_time) == (5, False)  # due 11-26: a day late
    # the co-department replied too; its reply waits for the centre's review
    services.dispatch_reply(actor=zone["kj_officer"], dispatch=co, reply="可申报技改补贴")
    services.dispatch_review(actor=zone["clerk"], dispatch=lead, approve=True)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REPLIED
    assert appeal.reply == "【规划和自然资源局】已协调物业，11月27日前修复"
    assert [d.pk for d in selectors.appeal_dispatches(zone["a_user"], appeal)] == [lead.pk]
    assert [a.name for a in selectors.appeal_attachments(zone["a_user"], appeal)] == ["维修单.pdf"]
    with pytest.raises(Conflict, match="当前状态为“中心已审核”，不能审核"):
        services.dispatch_review(actor=zone["clerk"], dispatch=lead, approve=True)
    # the co-department's reply, written before the lead's approval, joins the answer once approved
    assert state(co)[0] == DispatchStatus.REPLIED
    services.dispatch_review(actor=zone["clerk"], dispatch=co, approve=True)
    appeal.refresh_from_db()
    assert appeal.reply == "【规划和自然资源局】已协调物业，11月27日前修复\n\n【科技产业局】可申报技改补贴"


def test_extension_once_with_a_reason(zone) -> None:
    appeal, lead, _co = dispatched(zone, now=at(2026, 11, 20, 10))
    with pytest.raises(ValidationFailed, match="请写明延期原因"):
        services.dispatch_extend(actor=zone["gh_officer"], dispatch=lead, days=3, reason="")
    with pytest.raises(PermissionDenied, match="只有承办部门或企业服务中心可以申请延期"):
        services.dispatch_extend(actor=zone["kj_officer"], dispatch=lead, days=3, reason="x")
    services.dispatch_extend(actor=zone["gh_officer"], dispatch=lead, days=3, reason="需现场勘查")
    lead.refresh_from_db()
    assert (lead.original_due, lead.due_date) == (dt.date(2026, 11, 26), dt.date(2026, 12, 1))
    assert state(appeal)[1] == dt.date(2026, 12, 1)
    with pytest.raises(Conflict, match="已延期过一次（原时限2026年11月26日），不能再延期"):
        services.dispatch_extend(actor=zone["clerk"], dispatch=lead, days=1, reason="再等等")
    assert state(lead)[1] == dt.date(2026, 12, 1)


# --- rating ---------------------------------------------------------------------------------------------------------


def answered(zone: dict[str, Any]) -> tuple[Appeal, Dispatch]:
    appeal, lead, _co = dispatched(zone)
    services.dispatch_reply(actor=zone["gh_officer"], dispatch=lead, reply="已处理")
    services.dispatch_review(actor=zone["clerk"], dispatch=lead, approve=True)
    appeal.refresh_from_db()
    return appeal, lead


def test_dissatisfied_reopens_once(zone) -> None:
    appeal, lead = answered(zone)
    with pytest.raises(PermissionDenied, match="只有提出诉求的企业可以评价"):
        services.appeal_rate(actor=zone["b_user"], appeal=appeal, rating="satisfied")
    with pytest.raises(ValidationFailed, match="请说明不满意的原因"):
        services.appeal_rate(actor=zone["a_user"], appeal=appeal, rating="dissatisfied")
    assert state(appeal)[0] == AppealStatus.REPLIED
    services.appeal_rate(actor=zone["a_user"], appeal=appeal, rating="dissatisfied", comment="仍在漏水")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reopened, appeal.handling_round, appeal.first_rating) == (
        AppealStatus.NEW,
        True,
        2,
        "dissatisfied",
    )
    assert state(lead)[0] == DispatchStatus.APPROVED
    assert lead.rating == "dissatisfied"
    assert list(appeal.events.values_list("kind", flat=True))[-2:] == ["rated", "reopened"]
    # second handling: the same department may be dispatched again (a new round)
    (again,) = services.appeal_dispatch(actor=zone["clerk"], appeal=appeal, lead=zone["gh"])
    assert again.handling_round == 2
    services.dispatch_reply(actor=zone["gh_officer"], dispatch=again, reply="已更换防水层")
    services.dispatch_review(actor=zone["clerk"], dispatch=again, approve=True)
    appeal.refresh_from_db()
    assert appeal.reply == "【规划和自然资源局】已更换防水层"
    services.appeal_rate(actor=zone["a_user"], appeal=appeal, rating="dissatisfied", comment="还是不行")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.rating) == (AppealStatus.CLOSED, "dissatisfied")  # no third handling
    with pytest.raises(Conflict, match="当前状态为“已办结”，不能评价"):
        services.appeal_rate(actor=zone["a_user"], appeal=appeal, rating="satisfied")


def test_satisfied_closes(zone) -> None:
    appeal, lead = answered(zone)
    services.appeal_rate(actor=zone["a_user"], appeal=appeal, rating="basic", comment="基本解决")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.rating, appeal.closed_at is not None) == (AppealStatus.CLOSED, "basic", True)
    assert Dispatch.objects.get(pk=lead.pk).rating == "basic"


def test_unrated_answers_close_after_the_configured_working_days(zone) -> None:
    appeal, _lead = answered(zone)
    replied = timezone.localdate(appeal.replied_at)
    calendar = work_calendar()
    assert services.close_unrated(today=calendar.add_working_days(replied, 4)) == []
    closed = services.close_unrated(today=calendar.add_working_days(replied, 5))
    assert [a.pk for a in closed] == [appeal.pk]
    appeal.refresh_from_db()
    assert (appeal.status, appeal.auto_closed) == (AppealStatus.CLOSED, True)
    assert appeal.events.filter(kind="closed").get().text == "答复后5个工作日未评价，系统自动办结"
    assert services.close_unrated(today=calendar.add_working_days(replied, 6)) == []


def test_every_step_is_in_the_event_log(zone) -> None:
    appeal, _lead = answered(zone)
    kinds = list(AppealEvent.objects.filter(appeal=appeal).values_list("kind", flat=True))
    assert kinds == ["received", "dispatched", "replied", "approved", "co_done"]
    public = [e.kind for e in selectors.appeal_events(zone["a_user"], appeal)]
    assert public == kinds
