"""Writes of appeals: intake (portal, officer, commissioner), duplicates and merging, triage (马上办 / 转办), the
departments' handling (accept, clarify, return, reply), the centre's review, extension, rating and reopening,
automatic closure, reminders and escalation. Each step is audited, logged as an `AppealEvent` and notified.

A denied or impossible step raises a domain error whose Chinese message names the reason; nothing is changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import audit
from gaoxin.core.errors import Conflict, NotFound, ValidationFailed
from gaoxin.core.models import AuditAction
from gaoxin.core.numbering import next_number
from gaoxin.core.permissions import require
from gaoxin.notifications.services import notify
from gaoxin.registry.models import Department, Enterprise
from gaoxin.registry.selectors import enterprise_scope
from gaoxin.service import deadlines, permissions, selectors
from gaoxin.service.attachments import check_upload, store
from gaoxin.service.models import (
    ACTIVE_DISPATCH,
    Appeal,
    AppealCategory,
    AppealEvent,
    AppealStatus,
    Attachment,
    Channel,
    Dispatch,
    DispatchReminder,
    DispatchRole,
    DispatchStatus,
    EscalationRoute,
    EventKind,
    HandlingMode,
    ProblemKind,
    Rating,
    ReminderKind,
    ServiceGrid,
    Urgency,
    Visit,
    VisitProblem,
)
from gaoxin.workcalendar.calendar import WorkCalendar
from gaoxin.workcalendar.selectors import work_calendar

MAX_FILES = 5


def _label(actor: Any) -> str:
    if actor is None:
        return str(_("系统"))
    return getattr(actor, "display_name", "") or getattr(actor, "username", "") or str(actor)


def _event(
    appeal: Appeal,
    kind: str,
    actor: Any,
    text: str,
    *,
    at: dt.datetime | None = None,
    department: Department | None = None,
    public: bool = True,
) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        at=at or timezone.now(),
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=_label(actor),
        department=department,
        text=text,
        public=public,
    )


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- recipients -------------------------------------------------------------------------------------------------


def _centre_users() -> QuerySet[User]:
    return User.objects.filter(role=Role.OFFICER, department__code=settings.SERVICE_CENTRE_DEPARTMENT, is_active=True)


def _department_users(department_id: int) -> QuerySet[User]:
    return User.objects.filter(role=Role.OFFICER, department_id=department_id, is_active=True)


def _enterprise_users(appeal: Appeal) -> QuerySet[User]:
    return User.objects.filter(role=Role.ENTERPRISE, enterprise_id=appeal.enterprise_id, is_active=True)


def _staff_link(appeal: Appeal) -> str:
    return reverse("service:appeal_detail", args=[appeal.pk])


def _portal_link(appeal: Appeal) -> str:
    return reverse("service:portal_detail", args=[appeal.pk])


def _tell_enterprise(appeal: Appeal, title: str, body: str) -> None:
    notify(recipients=_enterprise_users(appeal), title=title, body=body, link=_portal_link(appeal), kind="service")


def _tell_staff(users: Iterable[User], appeal: Appeal, title: str, body: str, kind: str = "service") -> int:
    users = list(users)
    notify(recipients=users, title=title, body=body, link=_staff_link(appeal), kind=kind)
    return len(users)


# --- intake ---------------------------------------------------------------------------------------------------------


def _next_number(year: int) -> str:
    return next_number(Appeal.objects.all(), f"SQ{year}", 5)


def _check_text(title: str, content: str) -> tuple[str, str]:
    title, content = title.strip(), content.strip()
    if not title:
        raise ValidationFailed(_("请填写诉求标题"), data={"field": "title"})
    if len(title) > 120:
        raise ValidationFailed(_("诉求标题不能超过120个字"), data={"field": "title"})
    if not content:
        raise ValidationFailed(_("请填写诉求内容"), data={"field": "content"})
    return title, content


def _check_category(category: AppealCategory) -> None:
    if not category.is_active:
        raise ValidationFailed(_("诉求分类“%(name)s”已停用") % {"name": category.name}, data={"field": "category"})
    if category.children.exists():
        raise ValidationFailed(_("请选择“%(name)s”下的具体分类") % {"name": category.name}, data={"field": "category"})


def _check_files(files: Sequence[Any]) -> list[tuple[Any, str]]:
    if len(files) > MAX_FILES:
        raise ValidationFailed(_("每次最多上传%(n)s个附件") % {"n": MAX_FILES}, data={"field": "files"})
    return [(upload, check_upload(upload)) for upload in files]


def _store_files(
    appeal: Appeal, checked: list[tuple[Any, str]], actor: Any, dispatch: Dispatch | None = None
) -> list[Attachment]:
    uploader = actor if getattr(actor, "pk", None) else None
    return [
        store(Attachment(appeal=appeal, dispatch=dispatch, uploaded_by=uploader), upload, kind)
        for upload, kind in checked
    ]


@dataclass
class IntakeResult:
    appeal: Appeal
    duplicates: list[Appeal] = field(default_factory=list)


def _create(
    *,
    actor: Any,
    enterprise: Enterprise,
    channel: str,
    category: AppealCategory,
    title: str,
    content: str,
    urgency: str,
    contact_name: str,
    contact_phone: str,
    files: Sequence[Any],
    received_at: dt.datetime | None,
    external_number: str = "",
    note: str = "",
    notify_centre: bool = True,
) -> IntakeResult:
    title, content = _check_text(title, content)
    _check_category(category)
    if urgency not in Urgency.values:
        raise ValidationFailed(_("紧急程度不正确"), data={"field": "urgency"})
    checked = _check_files(files)
    now = received_at or timezone.now()
    duplicates = selectors.duplicate_candidates(enterprise.pk, title, category.pk)
    appeal = None
    for _attempt in range(3):
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(
                    number=_next_number(timezone.localdate(now).year),
                    enterprise=enterprise,
                    channel=channel,
                    category=category,
                    title=title,
                    content=content,
                    urgency=urgency,
                    contact_name=contact_name.strip() or enterprise.contact_name,
                    contact_phone=contact_phone.strip() or enterprise.contact_phone,
                    received_at=now,
                    received_by=actor if getattr(actor, "pk", None) else None,
                    respond_by=deadlines.respond_by(now),
                    external_number=external_number,
                )
            break
        except IntegrityError:
            continue
    if appeal is None:
        raise Conflict(_("诉求编号冲突，请重新提交"))
    _store_files(appeal, checked, actor)
    channel_label = Channel(channel).label
    _event(
        appeal,
        EventKind.RECEIVED,
        actor,
        _("通过%(channel)s受理诉求，编号%(number)s") % {"channel": channel_label, "number": appeal.number} + note,
        at=now,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=appeal,
        enterprise_id=enterprise.pk,
        changes={
            str(_("诉求标题")): [None, title],
            str(_("诉求分类")): [None, category.path],
            str(_("受理渠道")): [None, str(channel_label)],
        },
    )
    if notify_centre:
        _tell_staff(
            _centre_users(),
            appeal,
            _("新的企业诉求：%(title)s") % {"title": title},
            _("%(enterprise)s通过%(channel)s提出诉求，请在1个工作小时内响应并分办。")
            % {"enterprise": enterprise.name, "channel": channel_label},
        )
    if channel != Channel.PORTAL:
        _tell_enterprise(
            appeal,
            _("您的诉求已受理：%(title)s") % {"title": title},
            _("诉求编号%(number)s，您可以在企业门户查看办理进度。") % {"number": appeal.number},
        )
    return IntakeResult(appeal, [d for d in duplicates if d.pk != appeal.pk])


@transaction.atomic
def appeal_submit(
    *,
    actor: Any,
    category: AppealCategory,
    title: str,
    content: str,
    urgency: str = Urgency.NORMAL,
    contact_name: str = "",
    contact_phone: str = "",
    files: Sequence[Any] = (),
) -> IntakeResult:
    """An enterprise user files an appeal in the portal."""
    require(permissions.can_file(actor))
    return _create(
        actor=actor,
        enterprise=actor.enterprise,
        channel=Channel.PORTAL,
        category=category,
        title=title,
        content=content,
        urgency=urgency,
        contact_name=contact_name or actor.display_name,
        contact_phone=contact_phone or actor.phone,
        files=files,
        received_at=None,
    )


@transaction.atomic
def appeal_record(
    *,
    actor: Any,
    enterprise: Enterprise,
    channel: str,
    category: AppealCategory,
    title: str,
    content: str,
    urgency: str = Urgency.NORMAL,
    contact_name: str = "",
    contact_phone: str = "",
    files: Sequence[Any] = (),
    received_at: dt.datetime | None = None,
) -> IntakeResult:
    """An officer records an appeal received by phone or visit (a commissioner: on a visit)."""
    require(permissions.can_record(actor))
    if not enterprise_scope(actor).filter(pk=enterprise.pk).exists():
        raise NotFound()
    if channel not in (Channel.PHONE, Channel.VISIT, Channel.COMMISSIONER):
        raise ValidationFailed(_("登记的受理渠道应为电话、来访或服务专员走访"), data={"field": "channel"})
    if received_at is not None and received_at > timezone.now():
        raise ValidationFailed(_("受理时间不能晚于现在"), data={"field": "received_at"})
    return _create(
        actor=actor,
        enterprise=enterprise,
        channel=channel,
        category=category,
        title=title,
        content=content,
        urgency=urgency,
        contact_name=contact_name,
        contact_phone=contact_phone,
        files=files,
        received_at=received_at,
    )


def appeal_import(
    *,
    actor: Any,
    enterprise: Enterprise,
    category: AppealCategory,
    title: str,
    content: str,
    received_at: dt.datetime,
    external_number: str,
    urgency: str = Urgency.NORMAL,
    contact_name: str = "",
    contact_phone: str = "",
    source: str = "",
) -> Appeal:
    """One row of a bulk import (channel 批量导入), checked by `imports.import_appeals`; the centre is told once per
    file (`tell_centre_imported`), not per appeal."""
    if actor is not None:
        require(permissions.can_import(actor))
    note = _("（外部编号%(number)s%(source)s）") % {
        "number": external_number,
        "source": _("，来源：%(s)s") % {"s": source} if source else "",
    }
    return _create(
        actor=actor,
        enterprise=enterprise,
        channel=Channel.IMPORT,
        category=category,
        title=title,
        content=content,
        urgency=urgency,
        contact_name=contact_name,
        contact_phone=contact_phone,
        files=(),
        received_at=received_at,
        external_number=external_number,
        note=note,
        notify_centre=False,
    ).appeal


def tell_centre_imported(count: int, filename: str) -> None:
    if not count:
        return
    notify(
        recipients=_centre_users(),
        title=_("批量导入企业诉求%(n)s件") % {"n": count},
        body=_("从%(file)s导入了%(n)s件企业诉求，已进入分办队列，请在1个工作小时内响应并分办。")
        % {"file": filename, "n": count},
        link=reverse("service:triage"),
        kind="service",
    )


@transaction.atomic
def appeal_supplement(*, actor: Any, appeal: Appeal, content: str, files: Sequence[Any] = ()) -> Appeal:
    """The enterprise adds to its open appeal (the duplicate suggestion's "补充到原诉求")."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    require(permissions.can_act_for_enterprise(actor, appeal))
    if not appeal.is_open:
        raise Conflict(_("该诉求已%(status)s，不能再补充") % {"status": appeal.get_status_display()})
    content = content.strip()
    if not content:
        raise ValidationFailed(_("请填写补充内容"), data={"field": "content"})
    checked = _check_files(files)
    _store_files(appeal, checked, actor)
    _event(appeal, EventKind.SUPPLEMENT, actor, _("企业补充：%(text)s") % {"text": content})
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=appeal,
        enterprise_id=appeal.enterprise_id,
        changes={str(_("补充内容")): [None, content]},
    )
    return appeal


@transaction.atomic
def appeal_merge(*, actor: Any, appeal: Appeal, into: Appeal) -> Appeal:
    """The centre merges a duplicate into an open appeal of the same enterprise."""
    require(permissions.can_triage(actor))
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.pk == into.pk:
        raise ValidationFailed(_("不能把诉求合并到它自己"))
    if appeal.enterprise_id != into.enterprise_id:
        raise ValidationFailed(_("只能合并同一企业的诉求"))
    if appeal.status != AppealStatus.NEW:
        raise Conflict(_("该诉求已%(status)s，只有待分办的诉求可以合并") % {"status": appeal.get_status_display()})
    if not into.is_open:
        raise Conflict(_("目标诉求%(number)s已办结，不能合并进去") % {"number": into.number})
    appeal.status = AppealStatus.MERGED
    appeal.merged_into = into
    appeal.responded_at = appeal.responded_at or timezone.now()
    appeal.save(update_fields=["status", "merged_into", "responded_at", "updated_at"])
    _event(appeal, EventKind.MERGED, actor, _("与诉求%(number)s内容相同，已合并办理") % {"number": into.number})
    _event(
        into,
        EventKind.MERGED,
        actor,
        _("合并了诉求%(number)s：%(content)s") % {"number": appeal.number, "content": appeal.content},
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=appeal,
        enterprise_id=appeal.enterprise_id,
        changes={str(_("状态")): [str(AppealStatus.NEW.label), str(AppealStatus.MERGED.label)]},
        reason=into.number,
    )
    _tell_enterprise(
        appeal,
        _("您的诉求已合并办理"),
        _("诉求%(a)s与%(b)s内容相同，已合并到%(b)s办理。") % {"a": appeal.number, "b": into.number},
    )
    return appeal


# --- triage ---------------------------------------------------------------------------------------------------------


def _lock_new(appeal: Appeal) -> Appeal:
    appeal = Appeal.objects.select_for_update().select_related("enterprise", "category").get(pk=appeal.pk)
    if appeal.status != AppealStatus.NEW:
        raise Conflict(
            _("诉求%(number)s当前状态为“%(status)s”，不能再分办")
            % {"number": appeal.number, "status": appeal.get_status_display()}
        )
    return appeal


@transaction.atomic
def appeal_answer(*, actor: Any, appeal: Appeal, reply: str) -> Appeal:
    """马上办: the service centre answers the appeal itself; the enterprise sees the answer at once."""
    require(permissions.can_triage(actor))
    reply = reply.strip()
    if not reply:
        raise ValidationFailed(_("请填写答复内容"), data={"field": "reply"})
    appeal = _lock_new(appeal)
    if appeal.dispatches.filter(handling_round=appeal.handling_round, status__in=ACTIVE_DISPATCH).exists():
        raise Conflict(_("该诉求已转办部门办理中，不能再按马上办答复"))
    now = timezone.now()
    appeal.mode = appeal.mode or HandlingMode.IMMEDIATE
    appeal.status = AppealStatus.REPLIED
    appeal.reply = reply
    appeal.replied_at = now
    appeal.responded_at = appeal.responded_at or now
    appeal.due_date = appeal.due_date or deadlines.due_date(
        timezone.localdate(appeal.received_at), deadlines.default_limit_days(appeal.category.is_consultation)
    )
    appeal.save()
    _event(appeal, EventKind.IMMEDIATE, actor, _("企业服务中心马上办答复：%(reply)s") % {"reply": reply}, at=now)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=appeal,
        enterprise_id=appeal.enterprise_id,
        changes={str(_("状态")): [str(AppealStatus.NEW.label), str(AppealStatus.REPLIED.label)]},
    )
    _tell_enterprise(
        appeal,
        _("您的诉求已答复：%(title)s") % {"title": appeal.title},
        _("企业服务中心已答复诉求%(number)s，请查看并评价。") % {"number": appeal.number},
    )
    return appeal


@transaction.atomic
def appeal_dispatch(
    *,
    actor: Any,
    appeal: Appeal,
    lead: Department,
    co: Iterable[Department] = (),
    lead_days: int | None = None,
    co_days: int | None = None,
    now: dt.datetime | None = None,
) -> list[Dispatch]:
    """转办: one lead department and any co-departments, each with a time limit in working days (default by the
    "124" rule: 咨询 2, other appeals 4), due on the N-th working day after today (today not counted)."""
    require(permissions.can_triage(actor))
    appeal = _lock_new(appeal)
    co = list(co)
    if lead.pk in {d.pk for d in co}:
        raise ValidationFailed(_("主办部门不能同时是协办部门"), data={"field": "co"})
    if lead.code == settings.SERVICE_CENTRE_DEPARTMENT:
        raise ValidationFailed(_("企业服务中心自己办理的诉求请选择“马上办”"), data={"field": "lead"})
    default = deadlines.default_limit_days(appeal.category.is_consultation)
    lead_days = lead_days or default
    co_days = co_days or lead_days
    for days in (lead_days, co_days):
        if not 1 <= days <= 60:
            raise ValidationFailed(_("办理时限应在1到60个工作日之间"), data={"field": "lead_days"})
    taken = set(
        appeal.dispatches.filter(handling_round=appeal.handling_round)
        .exclude(status=DispatchStatus.RETURNED)
        .values_list("department_id", flat=True)
    )
    for department in [lead, *co]:
        if department.pk in taken:
            raise Conflict(_("%(name)s已在办理该诉求") % {"name": department.name})
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = work_calendar()
    return_due = calendar.add_working_days(today, settings.SERVICE_RETURN_DAYS)
    rows = []
    for department, role, days in [(lead, DispatchRole.LEAD, lead_days)] + [(d, DispatchRole.CO, co_days) for d in co]:
        rows.append(
            Dispatch.objects.create(
                appeal=appeal,
                department=department,
                role=role,
                handling_round=appeal.handling_round,
                limit_days=days,
                dispatched_at=now,
                dispatched_by=actor,
                due_date=calendar.add_working_days(today, days),
                return_due=return_due,
            )
        )
    appeal.mode = HandlingMode.DISPATCH
    appeal.status = AppealStatus.HANDLING
    appeal.responded_at = appeal.responded_at or now
    appeal.due_date = max(d.due_date for d in rows)
    appeal.save(update_fields=["mode", "status", "responded_at", "due_date", "updated_at"])
    names = "、".join(d.name for d in co)
    text = _("转办%(lead)s主办，%(days)s个工作日内（%(due)s前）办结") % {
        "lead": lead.name,
        "days": lead_days,
        "due": _date_text(rows[0].due_date),
    }
    if names:
        text += _("；%(co)s协办") % {"co": names}
    _event(appeal, EventKind.DISPATCHED, actor, text, at=now, department=lead)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=appeal,
        enterprise_id=appeal.enterprise_id,
        changes={
            str(_("状态")): [str(AppealStatus.NEW.label), str(AppealStatus.HANDLING.label)],
            str(_("主办部门")): [None, lead.name],
            str(_("协办部门")): [None, names or None],
        },
    )
    for dispatch in rows:
        _tell_staff(
            _department_users(dispatch.department_id),
            appeal,
            _("转办件：%(title)s") % {"title": appeal.title},
            _("企业服务中心将%(enterprise)s的诉求转%(department)s%(role)s，请于%(due)s前办结。")
            % {
                "enterprise": appeal.enterprise.name,
                "department": dispatch.department.name,
                "role": dispatch.get_role_display(),
                "due": _date_text(dispatch.due_date),
            },
        )
    _tell_enterprise(appeal, _("您的诉求已转办：%(title)s") % {"title": appeal.title}, text)
    return rows


# --- the department's handling --------------------------------------------------------------------------------------


def _lock_dispatch(dispatch: Dispatch) -> Dispatch:
    return Dispatch.objects.select_for_update().select_related("appeal", "department").get(pk=dispatch.pk)


def _refuse_state(dispatch: Dispatch, action: str) -> None:
    raise Conflict(
        _("该转办件当前状态为“%(status)s”，不能%(action)s")
        % {"status": dispatch.get_status_display(), "action": action}
    )


def _set_status(
    actor: Any,
    dispatch: Dispatch,
    status: str,
    fields: list[str],
    reason: str = "",
    due_before: dt.date | None = None,
) -> None:
    before = dispatch.get_status_display()
    dispatch.status = status
    dispatch.save(update_fields=["status", *fields])
    changes: dict[str, list[Any]] = {str(_("状态")): [str(before), str(dispatch.get_status_display())]}
    if due_before is not None and due_before != dispatch.due_date:
        changes[str(_("办结时限"))] = [due_before.isoformat(), dispatch.due_date.isoformat()]
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=dispatch,
        enterprise_id=dispatch.appeal.enterprise_id,
        changes=changes,
        reason=reason,
    )


@transaction.atomic
def dispatch_accept(*, actor: Any, dispatch: Dispatch) -> Dispatch:
    dispatch = _lock_dispatch(dispatch)
    require(permissions.can_handle(actor, dispatch))
    if dispatch.status != DispatchStatus.PENDING:
        _refuse_state(dispatch, _("接收"))
    dispatch.accepted_at = timezone.now()
    _set_status(actor, dispatch, DispatchStatus.ACCEPTED, ["accepted_at"])
    _event(
        dispatch.appeal,
        EventKind.ACCEPTED,
        actor,
        _("%(department)s已接收，正在办理") % {"department": dispatch.department.name},
        department=dispatch.department,
    )
    return dispatch


@transaction.atomic
def dispatch_clarify(*, actor: Any, dispatch: Dispatch, question: str, now: dt.datetime | None = None) -> Dispatch:
    """The department needs more from the enterprise: the question goes to the enterprise, which answers it. The
    dispatch's clock stops from that day until the answer (see `_resume`)."""
    dispatch = _lock_dispatch(dispatch)
    require(permissions.can_handle(actor, dispatch))
    question = question.strip()
    if not question:
        raise ValidationFailed(_("请写明需要企业澄清的问题"), data={"field": "question"})
    if dispatch.status not in (DispatchStatus.PENDING, DispatchStatus.ACCEPTED):
        _refuse_state(dispatch, _("要求澄清"))
    now = now or timezone.now()
    dispatch.question = question
    dispatch.accepted_at = dispatch.accepted_at or now
    dispatch.paused_on = timezone.localdate(now)
    _set_status(actor, dispatch, DispatchStatus.CLARIFY, ["question", "accepted_at", "paused_on"], reason=question)
    text = _("%(department)s请企业澄清：%(question)s（等待澄清期间暂停计时）") % {
        "department": dispatch.department.name,
        "question": question,
    }
    _event(dispatch.appeal, EventKind.CLARIFY, actor, text, department=dispatch.department)
    _tell_enterprise(dispatch.appeal, _("请补充说明您的诉求：%(title)s") % {"title": dispatch.appeal.title}, text)
    return dispatch


def _resume(dispatch: Dispatch, today: dt.date, calendar: WorkCalendar) -> int:
    """End a clarification pause: the working days spent waiting — those after the day the question was asked, up to
    and including the day the answer came (the day of receipt rule: the limit goes on from the next working day) —
    move the due date and the return limit on, and are kept out of the handling time. Returns those days."""
    asked = dispatch.paused_on or today
    waited = calendar.working_days_between(asked, today)
    if waited:
        dispatch.due_date = calendar.add_working_days(dispatch.due_date, waited)
        dispatch.return_due = calendar.add_working_days(dispatch.return_due, waited)
    dispatch.paused_days += waited
    dispatch.paused_on = None
    return waited


def _refresh_due(appeal: Appeal) -> None:
    """The appeal's due date is the latest of its current round's dispatches (returned ones aside)."""
    dues = list(
        appeal.dispatches.filter(handling_round=appeal.handling_round)
        .exclude(status=DispatchStatus.RETURNED)
        .values_list("due_date", flat=True)
    )
    if dues:
        appeal.due_date = max(dues)
        appeal.save(update_fields=["due_date", "updated_at"])


@transaction.atomic
def appeal_clarify_answer(*, actor: Any, appeal: Appeal, answer: str, now: dt.datetime | None = None) -> Appeal:
    """The enterprise answers the departments' questions; their dispatches go back to 已接收 and their due dates move
    on by the working days spent waiting (shown in the history: "等待企业澄清2个工作日，办结时限顺延至…")."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    require(permissions.can_act_for_enterprise(actor, appeal))
    answer = answer.strip()
    if not answer:
        raise ValidationFailed(_("请填写澄清内容"), data={"field": "answer"})
    asking = list(appeal.dispatches.filter(status=DispatchStatus.CLARIFY).select_related("department", "appeal"))
    if not asking:
        raise Conflict(_("目前没有部门需要您澄清该诉求"))
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = work_calendar()
    _event(appeal, EventKind.CLARIFIED, actor, _("企业澄清：%(answer)s") % {"answer": answer}, at=now)
    for dispatch in asking:
        before = dispatch.due_date
        waited = _resume(dispatch, today, calendar)
        _set_status(
            actor,
            dispatch,
            DispatchStatus.ACCEPTED,
            ["due_date", "return_due", "paused_days", "paused_on"],
            reason=answer,
            due_before=before,
        )
        if waited:
            text = _("%(department)s等待企业澄清%(days)s个工作日，办结时限顺延至%(due)s（原%(before)s）") % {
                "department": dispatch.department.name,
                "days": waited,
                "due": _date_text(dispatch.due_date),
                "before": _date_text(before),
            }
        else:
            text = _("%(department)s当日收到企业澄清，办结时限仍为%(due)s") % {
                "department": dispatch.department.name,
                "due": _date_text(dispatch.due_date),
            }
        _event(appeal, EventKind.CLARIFIED, None, text, at=now, department=dispatch.department)
        _tell_staff(
            _department_users(dispatch.department_id),
            appeal,
            _("企业已澄清：%(title)s") % {"title": appeal.title},
            f"{answer}\n{text}",
        )
    _refresh_due(appeal)
    return appeal


@transaction.atomic
def dispatch_return(*, actor: Any, dispatch: Dispatch, reason: str, today: dt.date | None = None) -> Dispatch:
    """A misrouted item goes back to the centre with a reason, within SERVICE_RETURN_DAYS working days of dispatch.
    When the lead department returns it, the appeal waits for the centre's triage again."""
    dispatch = _lock_dispatch(dispatch)
    require(permissions.can_handle(actor, dispatch))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("请写明退回原因"), data={"field": "reason"})
    if dispatch.status not in (DispatchStatus.PENDING, DispatchStatus.ACCEPTED):
        _refuse_state(dispatch, _("退回"))
    today = today or timezone.localdate()
    if today > dispatch.return_due:
        raise Conflict(
            _("已超过%(days)s个工作日的退回时限（%(due)s），请继续办理或申请延期")
            % {"days": settings.SERVICE_RETURN_DAYS, "due": _date_text(dispatch.return_due)}
        )
    dispatch.return_reason = reason
    _set_status(actor, dispatch, DispatchStatus.RETURNED, ["return_reason"], reason=reason)
    appeal = Appeal.objects.select_for_update().get(pk=dispatch.appeal_id)
    if dispatch.role == DispatchRole.LEAD:
        appeal.status = AppealStatus.NEW
        appeal.save(update_fields=["status", "updated_at"])
    _event(
        appeal,
        EventKind.RETURNED,
        actor,
        _("%(department)s退回：%(reason)s") % {"department": dispatch.department.name, "reason": reason},
        department=dispatch.department,
    )
    _tell_staff(
        _centre_users(),
        appeal,
        _("转办件被退回：%(title)s") % {"title": appeal.title},
        _("%(department)s退回了诉求%(number)s，原因：%(reason)s")
        % {"department": dispatch.department.name, "number": appeal.number, "reason": reason},
    )
    return dispatch


@transaction.atomic
def dispatch_reply(
    *, actor: Any, dispatch: Dispatch, reply: str, files: Sequence[Any] = (), now: dt.datetime | None = None
) -> Dispatch:
    """The department's answer; the centre reviews it before the enterprise sees it."""
    dispatch = _lock_dispatch(dispatch)
    require(permissions.can_handle(actor, dispatch))
    reply = reply.strip()
    if not reply:
        raise ValidationFailed(_("请填写答复内容"), data={"field": "reply"})
    if dispatch.status == DispatchStatus.CLARIFY:
        raise Conflict(_("正在等待企业澄清，收到澄清后才能答复"))
    if dispatch.status not in (DispatchStatus.PENDING, DispatchStatus.ACCEPTED):
        _refuse_state(dispatch, _("答复"))
    checked = _check_files(files)
    now = now or timezone.now()
    calendar = work_calendar()
    dispatch.reply = reply
    dispatch.replied_at = now
    dispatch.replied_by = actor
    dispatch.accepted_at = dispatch.accepted_at or now
    dispatch.working_days = handling_days(dispatch, now, calendar)
    dispatch.in_time = timezone.localdate(now) <= dispatch.due_date
    _set_status(
        actor,
        dispatch,
        DispatchStatus.REPLIED,
        ["reply", "replied_at", "replied_by", "accepted_at", "working_days", "in_time"],
    )
    _store_files(dispatch.appeal, checked, actor, dispatch)
    _event(
        dispatch.appeal,
        EventKind.REPLIED,
        actor,
        _("%(department)s已答复，待企业服务中心审核") % {"department": dispatch.department.name},
        at=now,
        department=dispatch.department,
    )
    _tell_staff(
        _centre_users(),
        dispatch.appeal,
        _("部门答复待审核：%(title)s") % {"title": dispatch.appeal.title},
        _("%(department)s已答复诉求%(number)s，请审核。")
        % {"department": dispatch.department.name, "number": dispatch.appeal.number},
    )
    return dispatch


def handling_days(dispatch: Dispatch, end: dt.datetime, calendar: WorkCalendar) -> int:
    """Working days from the dispatch to `end`, the days spent waiting for the enterprise's clarification left out."""
    taken = calendar.working_days_between(timezone.localdate(dispatch.dispatched_at), timezone.localdate(end))
    return max(0, taken - dispatch.paused_days)


def _close_co_dispatches(actor: Any, appeal: Appeal, lead: Dispatch, now: dt.datetime) -> list[Dispatch]:
    """The lead's approved answer is the zone's answer to the enterprise (主办负责制): the co-departments' parts
    still open (待接收, 已接收, 需澄清) are closed as 协办完成. Each counts as received and closed for its department,
    in time if closed by its own due date, its handling time up to now (a pending clarification's days left out);
    a co-reply already written (已答复) still goes through the centre's review and is added to the answer."""
    calendar = work_calendar()
    today = timezone.localdate(now)
    closed = []
    rows = (
        appeal.dispatches.filter(handling_round=lead.handling_round, role=DispatchRole.CO, status__in=ACTIVE_DISPATCH)
        .select_related("department", "appeal")
        .select_for_update()
    )
    for dispatch in rows:
        due_before = dispatch.due_date
        if dispatch.status == DispatchStatus.CLARIFY:
            _resume(dispatch, today, calendar)
        dispatch.working_days = handling_days(dispatch, now, calendar)
        dispatch.in_time = today <= dispatch.due_date
        _set_status(
            actor,
            dispatch,
            DispatchStatus.CO_DONE,
            ["due_date", "return_due", "paused_days", "paused_on", "working_days", "in_time"],
            reason=str(_("主办部门答复已审核通过")),
            due_before=due_before,
        )
        _event(
            appeal,
            EventKind.CO_DONE,
            actor,
            _("主办部门%(lead)s的答复已审核通过，%(department)s协办完成")
            % {"lead": lead.department.name, "department": dispatch.department.name},
            at=now,
            department=dispatch.department,
        )
        _tell_staff(
            _department_users(dispatch.department_id),
            appeal,
            _("协办完成：%(title)s") % {"title": appeal.title},
            _("主办部门%(lead)s已答复诉求%(number)s并经企业服务中心审核通过，贵部门的协办件已办结。")
            % {"lead": lead.department.name, "number": appeal.number},
        )
        closed.append(dispatch)
    return closed


def _compose_reply(appeal: Appeal) -> str:
    approved = appeal.dispatches.filter(
        handling_round=appeal.handling_round, status=DispatchStatus.APPROVED
    ).select_related("department")
    return "\n\n".join(f"【{d.department.name}】{d.reply}" for d in approved.order_by("-role", "id"))


@transaction.atomic
def dispatch_review(
    *, actor: Any, dispatch: Dispatch, approve: bool, note: str = "", now: dt.datetime | None = None
) -> Dispatch:
    """The centre approves a reply (the enterprise then sees it; the lead's approval answers the appeal) or sends it
    back to the department with a note."""
    require(permissions.can_review(actor))
    dispatch = _lock_dispatch(dispatch)
    if dispatch.status != DispatchStatus.REPLIED:
        _refuse_state(dispatch, _("审核"))
    note = note.strip()
    if not approve and not note:
        raise ValidationFailed(_("退回重办时请写明审核意见"), data={"field": "note"})
    dispatch.review_note = note
    now = now or timezone.now()
    dispatch.reviewed_at = now
    appeal = Appeal.objects.select_for_update().get(pk=dispatch.appeal_id)
    if not approve:
        dispatch.working_days = None
        dispatch.in_time = None
        _set_status(
            actor, dispatch, DispatchStatus.ACCEPTED, ["review_note", "reviewed_at", "working_days", "in_time"], note
        )
        _event(
            appeal,
            EventKind.SENT_BACK,
            actor,
            _("企业服务中心审核未通过%(department)s的答复，退回重办：%(note)s")
            % {"department": dispatch.department.name, "note": note},
            department=dispatch.department,
            public=False,
        )
        _tell_staff(
            _department_users(dispatch.department_id),
            appeal,
            _("答复被退回重办：%(title)s") % {"title": appeal.title},
            note,
        )
        return dispatch
    _set_status(actor, dispatch, DispatchStatus.APPROVED, ["review_note", "reviewed_at"], note)
    _event(
        appeal,
        EventKind.APPROVED,
        actor,
        _("企业服务中心审核通过%(department)s的答复") % {"department": dispatch.department.name},
        at=now,
        department=dispatch.department,
    )
    appeal.reply = _compose_reply(appeal)
    if dispatch.role == DispatchRole.LEAD and appeal.status == AppealStatus.HANDLING:
        appeal.status = AppealStatus.REPLIED
        appeal.replied_at = now
        _close_co_dispatches(actor, appeal, dispatch, appeal.replied_at)
    elif dispatch.role == DispatchRole.CO and appeal.status in (AppealStatus.REPLIED, AppealStatus.CLOSED):
        _tell_enterprise(
            appeal,
            _("您的诉求有补充答复：%(title)s") % {"title": appeal.title},
            _("诉求%(number)s收到%(department)s的补充答复，请查看。")
            % {"number": appeal.number, "department": dispatch.department.name},
        )
        _tell_enterprise(
            appeal,
            _("您的诉求已答复：%(title)s") % {"title": appeal.title},
            _("诉求%(number)s已由%(department)s答复，请查看并评价。")
            % {"number": appeal.number, "department": dispatch.department.name},
        )
    appeal.save(update_fields=["reply", "status", "replied_at", "updated_at"])
    return dispatch


@transaction.atomic
def dispatch_extend(*, actor: Any, dispatch: Dispatch, days: int, reason: str) -> Dispatch:
    """Move the due date on by `days` working days, once, with a reason."""
    dispatch = _lock_dispatch(dispatch)
    require(permissions.can_extend(actor, dispatch))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("请写明延期原因"), data={"field": "reason"})
    if dispatch.extended:
        raise Conflict(
            _("该转办件已延期过一次（原时限%(due)s），不能再延期")
            % {"due": _date_text(dispatch.original_due or dispatch.due_date)}
        )
    if not dispatch.is_active:
        _refuse_state(dispatch, _("延期"))
    if not 1 <= days <= settings.SERVICE_EXTENSION_MAX_DAYS:
        raise ValidationFailed(
            _("延期天数应在1到%(max)s个工作日之间") % {"max": settings.SERVICE_EXTENSION_MAX_DAYS},
            data={"field": "days"},
        )
    before = dispatch.due_date
    dispatch.original_due = before
    dispatch.due_date = work_calendar().add_working_days(before, days)
    dispatch.extension_reason = reason
    dispatch.save(update_fields=["original_due", "due_date", "extension_reason"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=dispatch,
        enterprise_id=dispatch.appeal.enterprise_id,
        changes={str(_("办结时限")): [before.isoformat(), dispatch.due_date.isoformat()]},
        reason=reason,
    )
    appeal = Appeal.objects.select_for_update().get(pk=dispatch.appeal_id)
    appeal.due_date = max(appeal.due_date or dispatch.due_date, dispatch.due_date)
    appeal.save(update_fields=["due_date", "updated_at"])
    _event(
        appeal,
        EventKind.EXTENDED,
        actor,
        _("%(department)s的办结时限延期至%(due)s，原因：%(reason)s")
        % {"department": dispatch.department.name, "due": _date_text(dispatch.due_date), "reason": reason},
        department=dispatch.department,
    )
    return dispatch


# --- rating, reopening, closure -------------------------------------------------------------------------------------


@transaction.atomic
def appeal_rate(*, actor: Any, appeal: Appeal, rating: str, comment: str = "") -> Appeal:
    """The enterprise rates the answer. 不满意 (with a reason) reopens the appeal once for a second handling; any
    other rating, or 不满意 the second time, closes it."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    require(permissions.can_act_for_enterprise(actor, appeal))
    if rating not in Rating.values:
        raise ValidationFailed(_("请选择满意、基本满意或不满意"), data={"field": "rating"})
    if appeal.status != AppealStatus.REPLIED:
        raise Conflict(_("该诉求当前状态为“%(status)s”，不能评价") % {"status": appeal.get_status_display()})
    comment = comment.strip()
    if rating == Rating.DISSATISFIED and not comment:
        raise ValidationFailed(_("请说明不满意的原因，以便重新办理"), data={"field": "comment"})
    now = timezone.now()
    label = Rating(rating).label
    appeal.dispatches.filter(handling_round=appeal.handling_round, status=DispatchStatus.APPROVED).update(rating=rating)
    text = _("企业评价：%(rating)s") % {"rating": label}
    if comment:
        text += _("。%(comment)s") % {"comment": comment}
    _event(appeal, EventKind.RATED, actor, text, at=now)
    before = appeal.get_status_display()
    if rating == Rating.DISSATISFIED and not appeal.reopened:
        appeal.first_rating = rating
        appeal.reopened = True
        appeal.handling_round += 1
        appeal.status = AppealStatus.NEW
        appeal.rating = ""
        appeal.rating_comment = comment
        appeal.rated_at = now
        appeal.save()
        _event(appeal, EventKind.REOPENED, None, _("企业不满意，诉求重新办理（第二次办理）"), at=now)
        _tell_staff(
            _centre_users(),
            appeal,
            _("企业不满意，诉求重新办理：%(title)s") % {"title": appeal.title},
            comment,
        )
    else:
        appeal.rating = rating
        appeal.rating_comment = comment
        appeal.rated_at = now
        appeal.status = AppealStatus.CLOSED
        appeal.closed_at = now
        appeal.save()
        _event(appeal, EventKind.CLOSED, None, _("诉求办结"), at=now)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=appeal,
        enterprise_id=appeal.enterprise_id,
        changes={
            str(_("评价")): [None, str(label)],
            str(_("状态")): [str(before), str(appeal.get_status_display())],
        },
        reason=comment,
    )
    return appeal


def close_unrated(*, today: dt.date | None = None, calendar: WorkCalendar | None = None) -> list[Appeal]:
    """Close the answered appeals the enterprise has not rated within SERVICE_AUTO_CLOSE_DAYS working days."""
    today = today or timezone.localdate()
    calendar = calendar or work_calendar()
    closed = []
    for appeal in selectors.unrated_replied():
        assert appeal.replied_at is not None
        replied_on = timezone.localdate(appeal.replied_at)
        if calendar.working_days_between(replied_on, today) < settings.SERVICE_AUTO_CLOSE_DAYS:
            continue
        with transaction.atomic():
            locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
            if locked.status != AppealStatus.REPLIED:
                continue
            locked.status = AppealStatus.CLOSED
            locked.auto_closed = True
            locked.closed_at = timezone.now()
            locked.save(update_fields=["status", "auto_closed", "closed_at", "updated_at"])
            _event(
                locked,
                EventKind.CLOSED,
                None,
                _("答复后%(days)s个工作日未评价，系统自动办结") % {"days": settings.SERVICE_AUTO_CLOSE_DAYS},
            )
            audit.record(
                actor=None,
                action=AuditAction.UPDATE,
                target=locked,
                enterprise_id=locked.enterprise_id,
                changes={str(_("状态")): [str(AppealStatus.REPLIED.label), str(AppealStatus.CLOSED.label)]},
                reason=str(_("逾期未评价自动办结")),
            )
            closed.append(locked)
    return closed


# --- reminders and escalation ---------------------------------------------------------------------------------------


@dataclass
class DailyResult:
    reminded: list[Dispatch] = field(default_factory=list)
    escalated: list[Dispatch] = field(default_factory=list)
    closed: list[Appeal] = field(default_factory=list)


def _log_once(dispatch: Dispatch, kind: str, day: dt.date) -> DispatchReminder | None:
    try:
        with transaction.atomic():
            return DispatchReminder.objects.create(dispatch=dispatch, kind=kind, day=day)
    except IntegrityError:
        return None


def run_daily(*, today: dt.date | None = None) -> DailyResult:
    """The daily job (`manage.py service_reminders`), harmless to run twice a day:
    - open dispatches due in SERVICE_REMINDER_WORKDAYS working days: the department is reminded (once a day);
    - open dispatches past their due date: escalated once to the department, its head (部门负责人), the centre and
      the department's leader in charge (分管领导) — every zone leader when the department has none set;
    - a dispatch waiting for the enterprise's clarification is neither reminded nor escalated (its clock stopped);
    - answered appeals left unrated for SERVICE_AUTO_CLOSE_DAYS working days are closed."""
    today = today or timezone.localdate()
    calendar = work_calendar()
    result = DailyResult()
    leaders = list(User.objects.filter(role=Role.LEADER, is_active=True))
    centre = list(_centre_users())
    routes = {r.department_id: r for r in EscalationRoute.objects.select_related("head", "leader")}
    for dispatch in selectors.open_dispatches():
        appeal = dispatch.appeal
        if dispatch.due_date >= today:
            left = calendar.working_days_between(today, dispatch.due_date)
            if left not in settings.SERVICE_REMINDER_WORKDAYS:
                continue
            with transaction.atomic():
                log = _log_once(dispatch, ReminderKind.DUE, today)
                if log is None:
                    continue
                log.recipients = _tell_staff(
                    _department_users(dispatch.department_id),
                    appeal,
                    _("转办件即将到期：%(title)s") % {"title": appeal.title},
                    _("诉求%(number)s的办结时限为%(due)s，还剩%(left)s个工作日。")
                    % {"number": appeal.number, "due": _date_text(dispatch.due_date), "left": left},
                    kind="service.reminder",
                )
                log.save(update_fields=["recipients"])
                _event(
                    appeal,
                    EventKind.REMINDED,
                    None,
                    _("提醒%(department)s：%(due)s到期")
                    % {"department": dispatch.department.name, "due": _date_text(dispatch.due_date)},
                    department=dispatch.department,
                    public=False,
                )
            result.reminded.append(dispatch)
            continue
        if DispatchReminder.objects.filter(dispatch=dispatch, kind=ReminderKind.OVERDUE).exists():
            continue
        with transaction.atomic():
            log = _log_once(dispatch, ReminderKind.OVERDUE, today)
            if log is None:
                continue
            overdue = calendar.working_days_between(dispatch.due_date, today)
            body = _(
                "%(department)s承办的诉求%(number)s（%(enterprise)s）已超过办结时限%(due)s，逾期%(days)s个工作日。"
            ) % {
                "department": dispatch.department.name,
                "number": appeal.number,
                "enterprise": appeal.enterprise.name,
                "due": _date_text(dispatch.due_date),
                "days": overdue,
            }
            route = routes.get(dispatch.department_id)
            head = route.head if route and route.head and route.head.is_active else None
            leader = route.leader if route and route.leader and route.leader.is_active else None
            if head or leader:
                body += _("已督办%(whom)s。") % {
                    "whom": "、".join(
                        [
                            *([_("部门负责人%(name)s") % {"name": head.display_name}] if head else []),
                            *([_("分管领导%(name)s") % {"name": leader.display_name}] if leader else []),
                        ]
                    )
                }
            recipients = {u.pk: u for u in [*_department_users(dispatch.department_id), *centre]}
            for person in [head, *([leader] if leader else leaders)]:
                if person is not None:
                    recipients[person.pk] = person
            log.recipients = _tell_staff(
                recipients.values(),
                appeal,
                _("逾期督办：%(title)s") % {"title": appeal.title},
                body,
                kind="service.overdue",
            )
            log.save(update_fields=["recipients"])
            _event(appeal, EventKind.ESCALATED, None, body, department=dispatch.department, public=False)
        result.escalated.append(dispatch)
    result.closed = close_unrated(today=today, calendar=calendar)
    return result


# --- the category tree ----------------------------------------------------------------------------------------------


@transaction.atomic
def category_save(
    *,
    actor: Any,
    category: AppealCategory | None,
    code: str,
    name: str,
    parent: AppealCategory | None,
    is_consultation: bool,
    is_active: bool = True,
    sort_order: int = 0,
) -> AppealCategory:
    """Add or change a node of the category tree (two levels: a category and its children)."""
    require(permissions.can_manage_categories(actor))
    code, name = code.strip().upper(), name.strip()
    if not code or not name:
        raise ValidationFailed(_("请填写编码和名称"), data={"field": "name"})
    if parent is not None and (parent.parent_id is not None or (category is not None and parent.pk == category.pk)):
        raise ValidationFailed(_("上级分类只能是一级分类"), data={"field": "parent"})
    clash = AppealCategory.objects.filter(code=code)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise Conflict(_("编码%(code)s已被使用") % {"code": code}, data={"field": "code"})
    row = category or AppealCategory()
    fields = ["code", "name", "parent", "is_consultation", "is_active", "sort_order"]
    before = audit.snapshot(row, fields) if category else {}
    row.code, row.name, row.parent = code, name, parent
    row.is_consultation, row.is_active, row.sort_order = is_consultation, is_active, sort_order
    row.save()
    after = audit.snapshot(row, fields)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if category else AuditAction.CREATE,
        target=row,
        changes=audit.diff(AppealCategory, before, after) if category else {str(_("名称")): [None, row.path]},
    )
    return row


# --- commissioners' visits (走访) -----------------------------------------------------------------------------------


def _lines(text: str | Sequence[str]) -> list[str]:
    items = text.splitlines() if isinstance(text, str) else list(text)
    return [line.strip() for line in items if line.strip()]


@transaction.atomic
def visit_log(
    *,
    actor: Any,
    enterprise: Enterprise,
    visited_on: dt.date,
    people_met: str,
    findings: str = "",
    problems: str | Sequence[str] = (),
    needs: str | Sequence[str] = (),
) -> Visit:
    """A visit to an enterprise in the caller's scope, with the problems and needs raised (one per line)."""
    require(permissions.can_log_visit(actor))
    if not enterprise_scope(actor).filter(pk=enterprise.pk).exists():
        raise NotFound()
    if visited_on > timezone.localdate():
        raise ValidationFailed(_("走访日期不能晚于今天"), data={"field": "visited_on"})
    people_met = people_met.strip()
    if not people_met:
        raise ValidationFailed(_("请填写接待人员"), data={"field": "people_met"})
    problem_lines, need_lines = _lines(problems), _lines(needs)
    for line in [*problem_lines, *need_lines]:
        if len(line) > 300:
            raise ValidationFailed(_("每条问题或需求不能超过300个字"), data={"field": "problems"})
    visit = Visit.objects.create(
        enterprise=enterprise, visitor=actor, visited_on=visited_on, people_met=people_met, findings=findings.strip()
    )
    VisitProblem.objects.bulk_create(
        [VisitProblem(visit=visit, kind=ProblemKind.PROBLEM, text=line) for line in problem_lines]
        + [VisitProblem(visit=visit, kind=ProblemKind.NEED, text=line) for line in need_lines]
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=visit,
        enterprise_id=enterprise.pk,
        changes={
            str(_("走访日期")): [None, visited_on.isoformat()],
            str(_("问题")): [None, len(problem_lines)],
            str(_("需求")): [None, len(need_lines)],
        },
    )
    return visit


@transaction.atomic
def problem_raise(*, actor: Any, problem: VisitProblem, category: AppealCategory) -> Appeal:
    """One click: a problem or need raised on a visit becomes an appeal (channel 服务专员走访) of the enterprise."""
    problem = VisitProblem.objects.select_for_update().select_related("visit", "visit__enterprise").get(pk=problem.pk)
    require(permissions.can_record(actor))
    if problem.appeal_id is not None:
        raise Conflict(_("该问题已转为诉求%(number)s") % {"number": problem.appeal.number if problem.appeal else ""})
    visit = problem.visit
    content = problem.text
    if visit.findings:
        content += "\n\n" + _("走访情况（%(day)s）：%(findings)s") % {
            "day": visit.visited_on.isoformat(),
            "findings": visit.findings,
        }
    result = appeal_record(
        actor=actor,
        enterprise=visit.enterprise,
        channel=Channel.COMMISSIONER,
        category=category,
        title=problem.text[:120],
        content=content,
    )
    problem.appeal = result.appeal
    problem.save(update_fields=["appeal"])
    return result.appeal


# --- service grids (网格) -------------------------------------------------------------------------------------------


def _grid_enterprises(lines: str | Sequence[str]) -> list[Enterprise]:
    """One enterprise per line, by USCC or full name; a line that matches nothing is refused, naming the line."""
    found: dict[int, Enterprise] = {}
    for number, raw in enumerate(lines.splitlines() if isinstance(lines, str) else list(lines), start=1):
        text = raw.strip()
        if not text:
            continue
        enterprise = (
            Enterprise.objects.filter(uscc=text.upper()).first() or Enterprise.objects.filter(name=text).first()
        )
        if enterprise is None:
            raise ValidationFailed(
                _("企业清单第%(n)s行：没有统一社会信用代码或名称为“%(text)s”的企业") % {"n": number, "text": text},
                data={"field": "enterprises"},
            )
        found[enterprise.pk] = enterprise
    return list(found.values())


@transaction.atomic
def grid_save(
    *,
    actor: Any,
    grid: ServiceGrid | None,
    name: str,
    kind: str,
    commissioner: User,
    park: Any = None,
    enterprises: str | Sequence[str] = "",
    include_park: bool = False,
    note: str = "",
    is_active: bool = True,
) -> ServiceGrid:
    """Create or change a service grid: its name, its commissioner and its enterprises (the list replaces the old
    one; `include_park` adds every enterprise of the grid's park)."""
    require(permissions.can_manage_grids(actor))
    name = name.strip()
    if not name:
        raise ValidationFailed(_("请填写网格名称"), data={"field": "name"})
    clash = ServiceGrid.objects.filter(name=name)
    if grid is not None:
        clash = clash.exclude(pk=grid.pk)
    if clash.exists():
        raise Conflict(_("已有名为“%(name)s”的网格") % {"name": name}, data={"field": "name"})
    if getattr(commissioner, "role", None) != Role.COMMISSIONER or not commissioner.is_active:
        raise ValidationFailed(_("网格服务专员须是在职的服务专员账号"), data={"field": "commissioner"})
    if include_park and park is None:
        raise ValidationFailed(_("请先选择所在园区"), data={"field": "park"})
    members = {e.pk: e for e in _grid_enterprises(enterprises)}
    if include_park:
        members.update({e.pk: e for e in Enterprise.objects.filter(park=park)})
    row = grid or ServiceGrid()
    before_members = set(row.enterprises.values_list("pk", flat=True)) if grid else set()
    before_commissioner = grid.commissioner.display_name if grid else None
    row.name, row.kind, row.park, row.commissioner = name, kind, park, commissioner
    row.note, row.is_active = note.strip()[:300], is_active
    row.save()
    row.enterprises.set(list(members.values()))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if grid else AuditAction.CREATE,
        target=row,
        changes={
            str(_("网格服务专员")): [before_commissioner, commissioner.display_name],
            str(_("网格企业")): [len(before_members), len(members)],
        },
    )
    return row


# --- escalation routes (督办对象) -------------------------------------------------------------------------------------


@transaction.atomic
def escalation_save(*, actor: Any, department: Department, head: User | None, leader: User | None) -> EscalationRoute:
    """Set a department's head (an officer of the department) and its leader in charge (a zone leader)."""
    require(permissions.can_manage_escalation(actor))
    if department.code == settings.SERVICE_CENTRE_DEPARTMENT:
        raise ValidationFailed(_("企业服务中心不承办转办件，无需设置督办对象"), data={"field": "department"})
    if head is not None and (head.role != Role.OFFICER or head.department_id != department.pk or not head.is_active):
        raise ValidationFailed(
            _("部门负责人须是%(department)s在职的科室人员") % {"department": department.name}, data={"field": "head"}
        )
    if leader is not None and (leader.role != Role.LEADER or not leader.is_active):
        raise ValidationFailed(_("分管领导须是在职的领导账号"), data={"field": "leader"})
    route, _made = EscalationRoute.objects.get_or_create(department=department)
    before = [route.head.display_name if route.head else None, route.leader.display_name if route.leader else None]
    route.head, route.leader = head, leader
    route.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=route,
        changes={
            str(_("部门负责人")): [before[0], head.display_name if head else None],
            str(_("分管领导")): [before[1], leader.display_name if leader else None],
        },
        reason=department.name,
    )
    return route
