"""Writes of policy cashing: the policy library and fund items; applications (draft, materials, submission with the
eligibility check, withdrawal, correction and resubmission); the review stages (pass / return / reject, one by one or
in bulk) with expert assignment and scoring; the award against the budget (a leader's override beyond it); public
notices with objections; disbursement batches; 免申即享 offers; precise push. Each step is audited, logged as an
`ApplicationEvent` and notified.

A denied or impossible step raises a domain error whose Chinese message names the reason; nothing is changed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
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
from gaoxin.core.display import money_yuan
from gaoxin.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from gaoxin.core.models import AuditAction
from gaoxin.core.numbering import last_serial, next_number
from gaoxin.core.permissions import require
from gaoxin.notifications.services import notify
from gaoxin.policy import amounts, matching, permissions, selectors, workflow
from gaoxin.policy.models import (
    COMMITTED_STATUSES,
    Application,
    ApplicationEvent,
    ApplicationFile,
    AppStatus,
    BatchStatus,
    Channel,
    DisbursementBatch,
    ExpertAssignment,
    ExpertConflict,
    FundItem,
    FundItemStatus,
    MaterialRequirement,
    NoticeStatus,
    Objection,
    ObjectionOutcome,
    Policy,
    PolicyAttachment,
    PolicyCategory,
    PolicyStatus,
    PublicNotice,
    PushKind,
    PushMute,
    PushRecord,
    ScoreAggregate,
    Stage,
)
from gaoxin.registry.models import Enterprise
from gaoxin.service.attachments import check_upload
from gaoxin.service.attachments import store as store_upload
from gaoxin.workcalendar.calendar import WorkCalendar
from gaoxin.workcalendar.selectors import work_calendar

MAX_FILES_PER_UPLOAD = 10
ZERO = Decimal("0.00")


def _label(actor: Any) -> str:
    if actor is None:
        return str(_("系统"))
    return getattr(actor, "display_name", "") or getattr(actor, "username", "") or str(actor)


def _event(
    application: Application, action: str, actor: Any, text: str = "", *, stage: str = "", public: bool = True
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_label(actor),
        stage=stage,
        action=action,
        text=text,
        public=public,
    )


def _enterprise_users(enterprise_id: int) -> QuerySet[User]:
    return User.objects.filter(role=Role.ENTERPRISE, enterprise_id=enterprise_id, is_active=True)


def _tell_enterprise(application: Application, title: str, body: str) -> None:
    notify(
        recipients=_enterprise_users(application.enterprise_id),
        title=title,
        body=body,
        link=reverse("policy:portal_application", args=[application.pk]),
        kind="policy",
    )


def _owners(item: FundItem, stage: str) -> list[User]:
    role = workflow.role_for(item, stage)
    users = User.objects.filter(role=role, is_active=True)
    if role == Role.OFFICER and item.department_id:
        users = users.filter(department_id=item.department_id) | users.filter(department__isnull=True)
    return list(users)


def _tell_owners(item: FundItem, stage: str, title: str, body: str, link: str) -> None:
    notify(recipients=_owners(item, stage), title=title, body=body, link=link, kind="policy")


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _yuan(value: Any, field_name: str, label: str, *, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(_("请填写%(label)s") % {"label": label}, data={"field": field_name})
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValidationFailed(_("%(label)s不是数字") % {"label": label}, data={"field": field_name}) from None
    if amount < 0:
        raise ValidationFailed(_("%(label)s不能为负数") % {"label": label}, data={"field": field_name})
    return amount


# --- the policy library ---------------------------------------------------------------------------------------------

POLICY_FIELDS = (
    "title",
    "number",
    "issuer",
    "level",
    "category",
    "effective_from",
    "expires_on",
    "summary",
    "body",
    "budget_yuan",
    "external_id",
)


def _check_policy(data: Mapping[str, Any]) -> None:
    if not str(data.get("title", "")).strip():
        raise ValidationFailed(_("请填写政策名称"), data={"field": "title"})
    if not str(data.get("issuer", "")).strip():
        raise ValidationFailed(_("请填写发文机关"), data={"field": "issuer"})
    if data.get("category") not in PolicyCategory.values:
        raise ValidationFailed(_("政策类别不正确"), data={"field": "category"})
    from gaoxin.policy.models import PolicyLevel

    if data.get("level") not in PolicyLevel.values:
        raise ValidationFailed(_("政策层级不正确"), data={"field": "level"})
    start, end = data.get("effective_from"), data.get("expires_on")
    if not isinstance(start, dt.date):
        raise ValidationFailed(_("请填写生效日期"), data={"field": "effective_from"})
    if end is not None and end < start:
        raise ValidationFailed(_("失效日期不能早于生效日期"), data={"field": "expires_on"})


@transaction.atomic
def policy_save(*, actor: Any, data: Mapping[str, Any], policy: Policy | None = None) -> Policy:
    """Create or edit a policy (a published one may still be corrected: every change is audited)."""
    require(permissions.can_manage_policies(actor))
    values = {name: data.get(name, getattr(policy, name, None) if policy else None) for name in POLICY_FIELDS}
    for name in ("title", "number", "issuer", "summary", "body", "external_id"):
        values[name] = str(values[name] or "").strip()
    values["budget_yuan"] = _yuan(values["budget_yuan"], "budget_yuan", str(_("政策资金总额")))
    _check_policy(values)
    if policy is None:
        policy = Policy.objects.create(created_by=actor, **values)
        audit.record(
            actor=actor, action=AuditAction.CREATE, target=policy, changes={str(_("政策")): [None, policy.title]}
        )
        return policy
    before = audit.snapshot(policy, POLICY_FIELDS)
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()
    changes = audit.diff(Policy, before, audit.snapshot(policy, POLICY_FIELDS))
    if changes:
        audit.record(actor=actor, action=AuditAction.UPDATE, target=policy, changes=changes)
    return policy


@transaction.atomic
def policy_publish(*, actor: Any, policy: Policy) -> Policy:
    require(permissions.can_manage_policies(actor))
    if policy.status == PolicyStatus.PUBLISHED:
        raise Conflict(_("该政策已发布"))
    if not policy.body.strip() and not policy.attachments.exists():
        raise ValidationFailed(_("发布前请填写政策全文或上传政策文件"), data={"field": "body"})
    before = policy.get_status_display()
    policy.status = PolicyStatus.PUBLISHED
    policy.published_at = timezone.now()
    policy.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.APPROVE,
        target=policy,
        changes={str(_("状态")): [str(before), str(_("已发布"))]},
    )
    return policy


@transaction.atomic
def policy_expire(*, actor: Any, policy: Policy, reason: str = "") -> Policy:
    require(permissions.can_manage_policies(actor))
    if policy.status == PolicyStatus.EXPIRED:
        raise Conflict(_("该政策已失效"))
    before = policy.get_status_display()
    policy.status = PolicyStatus.EXPIRED
    policy.save(update_fields=["status", "updated_at"])
    policy.items.filter(status=FundItemStatus.OPEN).update(status=FundItemStatus.CLOSED)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=policy,
        changes={str(_("状态")): [str(before), str(_("已失效"))]},
        reason=reason,
    )
    return policy


def expire_policies(*, today: dt.date) -> int:
    """Published policies past their expiry date become expired, their open items closed (the daily job)."""
    rows = list(Policy.objects.filter(status=PolicyStatus.PUBLISHED, expires_on__lt=today))
    for policy in rows:
        with transaction.atomic():
            policy.status = PolicyStatus.EXPIRED
            policy.save(update_fields=["status", "updated_at"])
            policy.items.filter(status=FundItemStatus.OPEN).update(status=FundItemStatus.CLOSED)
            audit.record(
                actor=None,
                action=AuditAction.UPDATE,
                target=policy,
                changes={str(_("状态")): [str(_("已发布")), str(_("已失效"))]},
                reason=str(_("已过失效日期")),
            )
    return len(rows)


@transaction.atomic
def policy_attach(*, actor: Any, policy: Policy, files: Sequence[Any]) -> list[PolicyAttachment]:
    require(permissions.can_manage_policies(actor))
    checked = [(upload, _check_file(upload)) for upload in files]
    stored = []
    for upload, kind in checked:
        row = store_upload(PolicyAttachment(policy=policy), upload, kind)
        stored.append(row)
        audit.record(
            actor=actor, action=AuditAction.CREATE, target=policy, changes={str(_("政策附件")): [None, row.name]}
        )
    return stored


def _check_file(upload: Any, kinds: Sequence[str] = ()) -> str:
    """The service desk's content check (PDF/JPG/PNG/Office by magic bytes) under this module's size limit, and the
    checklist line's file types when it names them."""
    name = Path(str(upload.name)).name
    limit = settings.POLICY_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationFailed(
            _("附件“%(name)s”超过%(mb)sMB的大小限制") % {"name": name, "mb": limit // (1024 * 1024)},
            data={"field": "files"},
        )
    kind = check_upload(upload)
    if kinds:
        allowed = {"jpeg" if k == "jpg" else k for k in kinds} | set(kinds)
        if kind not in allowed:
            raise ValidationFailed(
                _("附件“%(name)s”的类型不符合要求：本项材料只接受%(kinds)s")
                % {"name": name, "kinds": "、".join(k.upper() for k in kinds)},
                data={"field": "files"},
            )
    return kind


# --- fund items -----------------------------------------------------------------------------------------------------

ITEM_FIELDS = (
    "code",
    "name",
    "description",
    "department",
    "eligibility_code",
    "no_application",
    "amount_kind",
    "amount_fixed_yuan",
    "amount_fact",
    "amount_percent",
    "amount_cap_yuan",
    "amount_tiers",
    "budget_yuan",
    "opens_on",
    "closes_on",
    "stages",
    "stage_days",
    "stage_roles",
    "experts_per_application",
    "score_sheet",
    "score_aggregate",
    "notice_days",
    "offer_days",
    "commitments",
    "external_id",
)


def _check_item(values: dict[str, Any]) -> None:
    from gaoxin.policy.models import AmountKind

    if not values["code"]:
        raise ValidationFailed(_("请填写项目编码"), data={"field": "code"})
    if not values["name"]:
        raise ValidationFailed(_("请填写申报项目名称"), data={"field": "name"})
    kind = values["amount_kind"]
    if kind not in AmountKind.values:
        raise ValidationFailed(_("金额计算方式不正确"), data={"field": "amount_kind"})
    if kind == AmountKind.FIXED and values["amount_fixed_yuan"] is None:
        raise ValidationFailed(_("定额方式须填写定额金额"), data={"field": "amount_fixed_yuan"})
    if kind in (AmountKind.PERCENT, AmountKind.TIERS) and values["amount_fact"] not in amounts.FACT_LABELS:
        raise ValidationFailed(_("请选择计算依据的年度指标"), data={"field": "amount_fact"})
    if kind == AmountKind.PERCENT:
        pct = values["amount_percent"]
        if pct is None or not (Decimal(0) < pct <= Decimal(100)):
            raise ValidationFailed(_("比例须大于0且不超过100"), data={"field": "amount_percent"})
        if values["amount_cap_yuan"] is None:
            raise ValidationFailed(_("按比例计算须设定上限金额"), data={"field": "amount_cap_yuan"})
    if kind == AmountKind.TIERS:
        try:
            tiers = amounts.parse_tiers(values["amount_tiers"])
        except ValueError as exc:
            raise ValidationFailed(str(exc), data={"field": "amount_tiers"}) from None
        if not tiers:
            raise ValidationFailed(_("分档方式至少要有一档"), data={"field": "amount_tiers"})
        values["amount_tiers"] = [[format(a.normalize(), "f"), format(b, "f")] for a, b in tiers]
    if values["budget_yuan"] is None:
        raise ValidationFailed(_("请填写项目预算"), data={"field": "budget_yuan"})
    if not isinstance(values["opens_on"], dt.date) or not isinstance(values["closes_on"], dt.date):
        raise ValidationFailed(_("请填写申报开始和截止日期"), data={"field": "opens_on"})
    if values["closes_on"] < values["opens_on"]:
        raise ValidationFailed(_("申报截止日期不能早于开始日期"), data={"field": "closes_on"})
    values["stages"] = workflow.check_template(values["stages"], values["stage_roles"], values["stage_days"])
    if values["no_application"] and not values["eligibility_code"]:
        raise ValidationFailed(
            _("免申即享项目须指定申报条件（规则集），由系统比对产生名单"), data={"field": "eligibility_code"}
        )
    if values["eligibility_code"]:
        from gaoxin.rules.services import version_for

        try:
            version_for(values["eligibility_code"], timezone.localdate())
        except NotFound:
            raise ValidationFailed(
                _("规则集“%(code)s”不存在或尚未发布") % {"code": values["eligibility_code"]},
                data={"field": "eligibility_code"},
            ) from None
    if Stage.EXPERT in values["stages"] and not 1 <= int(values["experts_per_application"] or 0) <= 15:
        raise ValidationFailed(_("每件评审专家数须为1至15人"), data={"field": "experts_per_application"})
    for n, line in enumerate(values["score_sheet"] or [], start=1):
        if not isinstance(line, dict) or not line.get("label") or not _positive(line.get("max")):
            raise ValidationFailed(_("评分表第%(n)s项须有名称和满分") % {"n": n}, data={"field": "score_sheet"})
    if not 1 <= int(values["notice_days"] or 0) <= 30:
        raise ValidationFailed(_("公示期须为1至30个工作日"), data={"field": "notice_days"})


def _positive(value: Any) -> bool:
    try:
        return Decimal(str(value)) > 0
    except InvalidOperation:
        return False


@transaction.atomic
def fund_item_save(
    *,
    actor: Any,
    policy: Policy,
    data: Mapping[str, Any],
    item: FundItem | None = None,
    materials: Sequence[Mapping[str, Any]] | None = None,
) -> FundItem:
    """Create or edit a fund item and (optionally) replace its materials checklist."""
    require(permissions.can_manage_policies(actor))
    values: dict[str, Any] = {}
    for name in ITEM_FIELDS:
        default = getattr(item, name) if item is not None else None
        values[name] = data.get(name, default)
    for name in ("code", "name", "description", "eligibility_code", "amount_fact", "commitments", "external_id"):
        values[name] = str(values[name] or "").strip()
    for name, label in (
        ("amount_fixed_yuan", _("定额")),
        ("amount_cap_yuan", _("上限")),
        ("budget_yuan", _("项目预算")),
    ):
        values[name] = _yuan(values[name], name, str(label))
    try:
        values["amount_percent"] = (
            None if values["amount_percent"] in (None, "") else Decimal(str(values["amount_percent"]))
        )
    except InvalidOperation:
        raise ValidationFailed(_("比例不是数字"), data={"field": "amount_percent"}) from None
    values["no_application"] = bool(values["no_application"])
    values["amount_tiers"] = values["amount_tiers"] or []
    values["stages"] = values["stages"] or (
        workflow.NO_APPLICATION_STAGES if values["no_application"] else workflow.DEFAULT_STAGES
    )
    values["stage_days"] = values["stage_days"] or {}
    values["stage_roles"] = values["stage_roles"] or {}
    values["score_sheet"] = values["score_sheet"] or []
    values["score_aggregate"] = values["score_aggregate"] or ScoreAggregate.MEAN
    values["experts_per_application"] = values["experts_per_application"] or 3
    values["notice_days"] = values["notice_days"] or settings.POLICY_NOTICE_DAYS
    values["offer_days"] = values["offer_days"] or settings.POLICY_OFFER_DAYS
    _check_item(values)
    clash = FundItem.objects.filter(code=values["code"])
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise Conflict(_("项目编码“%(code)s”已被使用") % {"code": values["code"]}, data={"field": "code"})
    if item is None:
        item = FundItem.objects.create(policy=policy, **values)
        audit.record(
            actor=actor, action=AuditAction.CREATE, target=item, changes={str(_("申报项目")): [None, item.name]}
        )
    else:
        before = audit.snapshot(item, ITEM_FIELDS)
        for name, value in values.items():
            setattr(item, name, value)
        item.save()
        changes = audit.diff(FundItem, before, audit.snapshot(item, ITEM_FIELDS))
        if changes:
            audit.record(actor=actor, action=AuditAction.UPDATE, target=item, changes=changes)
    if materials is not None:
        _replace_materials(actor, item, materials)
    return item


def _replace_materials(actor: Any, item: FundItem, materials: Sequence[Mapping[str, Any]]) -> None:
    from gaoxin.service.attachments import SUFFIXES

    known = {s.lstrip(".") for suffixes in SUFFIXES.values() for s in suffixes}
    rows = []
    for n, line in enumerate(materials, start=1):
        name = str(line.get("name", "")).strip()
        if not name:
            continue
        kinds = [k.strip().lower().lstrip(".") for k in str(line.get("kinds", "pdf")).replace("，", ",").split(",")]
        kinds = [k for k in kinds if k]
        bad = [k for k in kinds if k not in known]
        if bad or not kinds:
            raise ValidationFailed(
                _("材料清单第%(n)s行“%(name)s”的文件类型不正确：%(kinds)s")
                % {"n": n, "name": name, "kinds": "、".join(bad) or "-"},
                data={"field": "materials"},
            )
        rows.append(
            MaterialRequirement(
                fund_item=item,
                name=name[:120],
                note=str(line.get("note", ""))[:300],
                kinds=",".join(kinds),
                required=bool(line.get("required", True)),
                sort_order=n,
            )
        )
    if item.applications.filter(files__requirement__isnull=False).exists():
        # Files already uploaded against the old lines keep their requirement: update in place by position.
        existing = list(item.materials.all())
        for old, new in zip(existing, rows, strict=False):
            old.name, old.note, old.kinds, old.required, old.sort_order = (
                new.name,
                new.note,
                new.kinds,
                new.required,
                new.sort_order,
            )
            old.save()
        for extra in rows[len(existing) :]:
            extra.save()
    else:
        item.materials.all().delete()
        MaterialRequirement.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=item,
        changes={str(_("申报材料")): [None, "、".join(r.name for r in rows)]},
    )


@transaction.atomic
def fund_item_set_status(*, actor: Any, item: FundItem, status: str) -> FundItem:
    require(permissions.can_manage_policies(actor))
    if status not in FundItemStatus.values:
        raise ValidationFailed(_("状态不正确"))
    if status == FundItemStatus.OPEN and item.policy.status != PolicyStatus.PUBLISHED:
        raise ValidationFailed(_("所属政策尚未发布，不能发布申报项目"))
    if status == FundItemStatus.OPEN and not item.no_application and not item.materials.exists():
        raise ValidationFailed(_("发布前请先设置申报材料清单"), data={"field": "materials"})
    before = item.get_status_display()
    item.status = status
    item.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=item,
        changes={str(_("状态")): [str(before), str(item.get_status_display())]},
    )
    return item


# --- applications: the enterprise's side ----------------------------------------------------------------------------


#: 受理编号 ZC<year><serial>: digits of the serial
APPLICATION_SERIAL_DIGITS = 6


def _next_number(year: int) -> str:
    return next_number(Application.objects.all(), f"ZC{year}", APPLICATION_SERIAL_DIGITS)


def _create_application(**fields: Any) -> Application:
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return Application.objects.create(number=_next_number(timezone.localdate().year), **fields)
        except IntegrityError as exc:
            enterprise_id = fields["enterprise"].pk if "enterprise" in fields else fields["enterprise_id"]
            if (
                Application.objects.filter(fund_item=fields["fund_item"], enterprise_id=enterprise_id)
                .exclude(status__in=_DEAD)
                .exists()
            ):
                raise Conflict(_("贵企业已有该项目的申报，请在“我的申报”中继续办理")) from exc
            continue
    raise Conflict(_("受理编号冲突，请重试"))


_DEAD = (AppStatus.WITHDRAWN, AppStatus.REJECTED, AppStatus.EXCLUDED, AppStatus.DECLINED, AppStatus.EXPIRED)


def _requested(item: FundItem, facts: Mapping[str, Any], today: dt.date) -> amounts.Amount:
    return amounts.compute(amounts.Formula.of(item), facts, as_of=today)


@transaction.atomic
def application_start(*, actor: Any, item: FundItem, today: dt.date | None = None) -> Application:
    """A draft for the actor's enterprise, prefilled from the registry and the fact store (nothing to re-type)."""
    require(permissions.can_apply(actor))
    today = today or timezone.localdate()
    if item.no_application:
        raise ValidationFailed(_("该项目为免申即享，无需申报：符合条件的企业将收到确认通知"))
    if item.status != FundItemStatus.OPEN or item.policy.status != PolicyStatus.PUBLISHED:
        raise ValidationFailed(_("该项目未在受理中"))
    if not item.opens_on <= today <= item.closes_on:
        raise ValidationFailed(
            _("该项目申报时间为%(a)s至%(b)s") % {"a": _date_text(item.opens_on), "b": _date_text(item.closes_on)}
        )
    enterprise = actor.enterprise
    existing = Application.objects.filter(fund_item=item, enterprise=enterprise).exclude(status__in=_DEAD).first()
    if existing is not None:
        return existing
    facts = matching.facts_of(enterprise)
    requested = _requested(item, facts, today)
    application = _create_application(
        fund_item=item,
        enterprise=enterprise,
        channel=Channel.APPLY,
        status=AppStatus.DRAFT,
        facts=facts,
        requested_yuan=requested.yuan,
        account_name=enterprise.name,
    )
    _event(application, "draft", actor, _("创建申报草稿，企业信息和年度数据已由平台带出"))
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=application,
        enterprise_id=enterprise.pk,
        changes={str(_("申报项目")): [None, item.name]},
    )
    return application


EDITABLE = (AppStatus.DRAFT, AppStatus.RETURNED)


def _editable(actor: Any, application: Application) -> None:
    require(permissions.can_act_for_enterprise(actor, application))
    if application.status not in EDITABLE:
        raise Conflict(_("该申报已提交，不能修改；如需修改请先撤回（受理前）或等待退回补正"))


@transaction.atomic
def application_save(
    *,
    actor: Any,
    application: Application,
    project_name: str = "",
    project_summary: str = "",
    bank_name: str = "",
    bank_account: str = "",
    account_name: str = "",
    commitments_accepted: bool = False,
) -> Application:
    """What only the enterprise can say: the project, the bank account for the payment, its commitments."""
    _editable(actor, application)
    fields = ["project_name", "project_summary", "bank_name", "bank_account", "account_name", "commitments_accepted"]
    before = audit.snapshot(application, fields)
    account = bank_account.replace(" ", "").strip()
    if account and (not account.isdigit() or not 8 <= len(account) <= 32):
        raise ValidationFailed(_("银行账号应为8至32位数字"), data={"field": "bank_account"})
    application.project_name = project_name.strip()[:200]
    application.project_summary = project_summary.strip()
    application.bank_name = bank_name.strip()[:100]
    application.bank_account = account
    application.account_name = account_name.strip()[:200] or application.enterprise.name
    application.commitments_accepted = bool(commitments_accepted)
    application.save()
    changes = audit.diff(Application, before, audit.snapshot(application, fields))
    if changes:
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=application,
            enterprise_id=application.enterprise_id,
            changes=changes,
        )
    return application


@transaction.atomic
def application_upload(
    *, actor: Any, application: Application, requirement: MaterialRequirement | None, files: Sequence[Any]
) -> list[ApplicationFile]:
    _editable(actor, application)
    if not files:
        raise ValidationFailed(_("请选择要上传的文件"), data={"field": "files"})
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise ValidationFailed(_("每次最多上传%(n)s个文件") % {"n": MAX_FILES_PER_UPLOAD}, data={"field": "files"})
    if requirement is not None and requirement.fund_item_id != application.fund_item_id:
        raise NotFound()
    kinds = requirement.kind_list if requirement is not None else []
    checked = [(upload, _check_file(upload, kinds)) for upload in files]
    stored = []
    for upload, kind in checked:
        row = ApplicationFile(application=application, requirement=requirement, uploaded_by=actor)
        stored.append(store_upload(row, upload, kind))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=application,
        enterprise_id=application.enterprise_id,
        changes={str(_("申报材料")): [None, "、".join(r.name for r in stored)]},
    )
    return stored


@transaction.atomic
def application_remove_file(*, actor: Any, file: ApplicationFile) -> None:
    application = file.application
    _editable(actor, application)
    name = file.name
    file.file.delete(save=False)
    file.delete()
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        target=application,
        enterprise_id=application.enterprise_id,
        changes={str(_("申报材料")): [name, None]},
    )


def missing_materials(application: Application) -> list[MaterialRequirement]:
    have = set(application.files.values_list("requirement_id", flat=True))
    return [m for m in application.fund_item.materials.all() if m.required and m.pk not in have]


def duplicate_of(application: Application) -> list[Application]:
    """The same enterprise's live applications for the same project under another fund item (duplicate funding)."""
    name = "".join(application.project_name.split())
    if not name:
        return []
    rows = (
        Application.objects.filter(enterprise_id=application.enterprise_id)
        .exclude(pk=application.pk)
        .exclude(fund_item_id=application.fund_item_id)
        .exclude(status__in=(*_DEAD, AppStatus.DRAFT))
        .select_related("fund_item")
    )
    return [a for a in rows if "".join(a.project_name.split()) == name]


@transaction.atomic
def application_submit(*, actor: Any, application: Application, today: dt.date | None = None) -> Application:
    """Submit (or resubmit after correction): materials complete, commitments accepted, the bank account given, and
    the eligibility rule passing on today's facts (a failed criterion stops the submission and is named)."""
    _editable(actor, application)
    today = today or timezone.localdate()
    item = application.fund_item
    if application.status == AppStatus.DRAFT and not item.opens_on <= today <= item.closes_on:
        raise ValidationFailed(_("该项目已于%(d)s截止申报") % {"d": _date_text(item.closes_on)})
    if not application.project_name:
        raise ValidationFailed(_("请填写项目名称"), data={"field": "project_name"})
    if not application.bank_account or not application.bank_name:
        raise ValidationFailed(_("请填写收款的开户银行和银行账号"), data={"field": "bank_account"})
    if item.commitments and not application.commitments_accepted:
        raise ValidationFailed(_("请阅读并确认承诺事项"), data={"field": "commitments_accepted"})
    missing = missing_materials(application)
    if missing:
        raise ValidationFailed(
            _("还缺少以下材料：%(names)s") % {"names": "、".join(m.name for m in missing)}, data={"field": "files"}
        )
    facts = matching.facts_of(application.enterprise)
    check = matching.live_check(item, facts, as_of=today)
    if check.result == "fail":
        raise ValidationFailed(
            _("贵企业暂不符合申报条件：%(why)s") % {"why": "；".join(check.failed) or check.summary},
            data={"field": "eligibility", "failed": check.failed},
        )
    duplicates = duplicate_of(application)
    application.duplicate_note = (
        str(
            _("同一项目已申报：%(list)s") % {"list": "、".join(f"{d.number}（{d.fund_item.name}）" for d in duplicates)}
        )
        if duplicates
        else ""
    )
    resubmission = application.status == AppStatus.RETURNED
    application.facts = facts
    application.eligibility = check.as_json()
    application.requested_yuan = _requested(item, facts, today).yuan
    application.status = AppStatus.IN_REVIEW
    first = workflow.first_stage(item)
    returned_stage = application.stage if resubmission and application.stage else first
    _enter_stage(application, returned_stage, today)
    application.submitted_at = timezone.now()
    application.reason = ""
    application.save()
    text = (
        _("补正后重新提交，回到“%(stage)s”环节") % {"stage": Stage(returned_stage).label}
        if resubmission
        else _("提交申报，受理编号%(number)s") % {"number": application.number}
    )
    if check.result == "unknown":
        text += str(_("；系统核验有待核实项：%(u)s") % {"u": "；".join(check.unknown)})
    _event(application, "resubmit" if resubmission else "submit", actor, text, stage=returned_stage)
    if application.duplicate_note:
        _event(application, "duplicate", None, application.duplicate_note, public=False)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=application,
        enterprise_id=application.enterprise_id,
        changes={str(_("状态")): [str(_("退回补正") if resubmission else _("草稿")), str(_("审核中"))]},
    )
    _tell_owners(
        item,
        returned_stage,
        _("新的政策申报：%(item)s") % {"item": item.name},
        _("%(enterprise)s提交了申报%(number)s，请在%(due)s前完成%(stage)s。")
        % {
            "enterprise": application.enterprise.name,
            "number": application.number,
            "due": _date_text(application.stage_due) if application.stage_due else "",
            "stage": Stage(returned_stage).label,
        },
        reverse("policy:application_detail", args=[application.pk]),
    )
    return application


def _enter_stage(application: Application, stage: str, today: dt.date, calendar: WorkCalendar | None = None) -> None:
    calendar = calendar or work_calendar()
    application.stage = stage
    application.stage_started = today
    application.stage_due = calendar.add_working_days(today, workflow.days_for(application.fund_item, stage))


def can_withdraw(application: Application) -> bool:
    """Before review: a draft, a returned application, or one still waiting in its first stage untouched."""
    if application.status in EDITABLE:
        return application.channel == Channel.APPLY
    if application.status != AppStatus.IN_REVIEW or application.channel != Channel.APPLY:
        return False
    if application.stage != workflow.first_stage(application.fund_item):
        return False
    return not application.assignments.exists()


@transaction.atomic
def application_withdraw(*, actor: Any, application: Application, reason: str = "") -> Application:
    require(permissions.can_act_for_enterprise(actor, application))
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not can_withdraw(application):
        raise Conflict(_("审核已经开始，不能撤回；如有问题请联系主管部门"))
    before = application.get_status_display()
    application.status = AppStatus.WITHDRAWN
    application.reason = reason.strip()[:500]
    application.save()
    _event(application, "withdraw", actor, reason.strip() or str(_("企业撤回申报")))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=application,
        enterprise_id=application.enterprise_id,
        changes={str(_("状态")): [str(before), str(_("已撤回"))]},
        reason=reason,
    )
    return application


# --- the review stages ----------------------------------------------------------------------------------------------


@dataclass
class BulkResult:
    done: list[Application] = field(default_factory=list)
    failed: list[tuple[Application, str]] = field(default_factory=list)


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("fund_item", "fund_item__policy", "enterprise")
        .get(pk=application.pk)
    )


def _check_budget(application: Application, amount: Decimal, actor: Any, override: bool, reason: str) -> bool:
    """True when the award fits the item's and the policy's remaining budget; beyond it only with a leader's explicit
    override (with a reason); else ValidationFailed naming the shortfall."""
    item = application.fund_item
    item_budget = selectors.item_budget(item)
    policy_budget = selectors.policy_budget(item.policy)
    shortfalls = []
    if item_budget.remaining is not None and amount > item_budget.remaining:
        shortfalls.append(str(_("项目预算剩余%(left)s") % {"left": money_yuan(max(item_budget.remaining, ZERO))}))
    if policy_budget.remaining is not None and amount > policy_budget.remaining:
        shortfalls.append(str(_("政策资金剩余%(left)s") % {"left": money_yuan(max(policy_budget.remaining, ZERO))}))
    if not shortfalls:
        return False
    if not override:
        raise ValidationFailed(
            _("核定金额%(amount)s超出预算（%(why)s），须由领导明确批准超预算")
            % {"amount": money_yuan(amount), "why": "，".join(shortfalls)},
            data={"field": "override"},
        )
    require(permissions.can_override_budget(actor))
    if not reason.strip():
        raise ValidationFailed(_("批准超预算须写明理由"), data={"field": "override_reason"})
    return True


def _decide(
    actor: Any,
    application: Application,
    today: dt.date,
    *,
    amount: Decimal | None,
    override: bool,
    override_reason: str,
) -> None:
    """The last review stage passed: the award is fixed and committed against the budget."""
    award = amount if amount is not None else application.requested_yuan
    if award is None:
        raise ValidationFailed(_("无法测算核定金额（缺少计算依据），请填写核定金额"), data={"field": "amount"})
    if application.requested_yuan is not None and award > application.requested_yuan and not override:
        raise ValidationFailed(
            _("核定金额不能高于按政策测算的%(max)s") % {"max": money_yuan(application.requested_yuan)},
            data={"field": "amount"},
        )
    overrode = _check_budget(application, award, actor, override, override_reason)
    application.awarded_yuan = award
    application.decided_at = timezone.now()
    if overrode:
        application.budget_override = True
        application.budget_override_reason = override_reason.strip()[:300]
    item = application.fund_item
    application.status = AppStatus.APPROVED if workflow.has_notice(item) else AppStatus.PAYABLE
    application.stage = Stage.NOTICE if workflow.has_notice(item) else Stage.PAYMENT
    application.stage_started = today
    application.stage_due = None


@transaction.atomic
def application_review(
    *,
    actor: Any,
    application: Application,
    action: str,
    reason: str = "",
    amount: Decimal | None = None,
    override: bool = False,
    override_reason: str = "",
    today: dt.date | None = None,
) -> Application:
    """Pass the current stage (to the next, or — after the last — to the award), return it for correction, or reject
    it; a return or a rejection needs a reason the enterprise will read."""
    today = today or timezone.localdate()
    application = _lock(application)
    if application.status != AppStatus.IN_REVIEW:
        raise Conflict(_("该申报当前不在审核中（%(s)s）") % {"s": application.get_status_display()})
    item, stage = application.fund_item, application.stage
    require(permissions.can_handle_stage(actor, item, stage))
    reason = reason.strip()
    stage_label = Stage(stage).label
    if action in ("return", "reject") and not reason:
        raise ValidationFailed(_("退回或不予支持须写明原因，企业将看到该原因"), data={"field": "reason"})
    if action == "pass":
        if stage == Stage.EXPERT:
            _check_scored(application)
        nxt = workflow.next_stage(item, stage)
        if nxt is None:
            _decide(actor, application, today, amount=amount, override=override, override_reason=override_reason)
            text = _("%(stage)s通过，核定金额%(amount)s") % {
                "stage": stage_label,
                "amount": money_yuan(application.awarded_yuan),
            }
            if application.budget_override:
                text += str(_("（领导批准超预算：%(r)s）") % {"r": application.budget_override_reason})
        else:
            _enter_stage(application, nxt, today)
            text = _("%(stage)s通过，进入%(next)s") % {"stage": stage_label, "next": Stage(nxt).label}
        if reason:
            text += f"。{reason}"
        after = str(workflow.enterprise_label(application))
        event_action = "pass"
    elif action == "return":
        application.status = AppStatus.RETURNED
        application.reason = reason[:500]
        text = _("%(stage)s退回补正：%(reason)s") % {"stage": stage_label, "reason": reason}
        after = str(_("退回补正"))
        event_action = "return"
    elif action == "reject":
        application.status = AppStatus.REJECTED
        application.reason = reason[:500]
        application.decided_at = timezone.now()
        text = _("%(stage)s不予支持：%(reason)s") % {"stage": stage_label, "reason": reason}
        after = str(_("未通过"))
        event_action = "reject"
    else:
        raise ValidationFailed(_("未知的审核操作"), data={"field": "action"})
    application.save()
    _event(application, event_action, actor, str(text), stage=stage)
    audit.record(
        actor=actor,
        action=AuditAction.REJECT if action in ("return", "reject") else AuditAction.APPROVE,
        target=application,
        enterprise_id=application.enterprise_id,
        changes={str(_("环节")): [str(stage_label), after]},
        reason=reason,
    )
    if action == "pass" and application.status == AppStatus.IN_REVIEW:
        _tell_owners(
            item,
            application.stage,
            _("待办：%(item)s %(number)s") % {"item": item.name, "number": application.number},
            _("%(enterprise)s的申报已进入%(stage)s。")
            % {
                "enterprise": application.enterprise.name,
                "stage": Stage(application.stage).label,
            },
            reverse("policy:application_detail", args=[application.pk]),
        )
    elif action == "return":
        _tell_enterprise(
            application,
            _("申报%(number)s被退回补正") % {"number": application.number},
            _("退回原因：%(reason)s。请在企业门户修改后重新提交。") % {"reason": reason},
        )
    elif action == "reject":
        _tell_enterprise(
            application,
            _("申报%(number)s未获支持") % {"number": application.number},
            _("原因：%(reason)s") % {"reason": reason},
        )
    elif application.status in (AppStatus.APPROVED, AppStatus.PAYABLE):
        _tell_enterprise(
            application,
            _("申报%(number)s审核通过") % {"number": application.number},
            _("拟支持金额%(amount)s，%(next)s。")
            % {
                "amount": money_yuan(application.awarded_yuan),
                "next": _("公示无异议后拨付") if application.status == AppStatus.APPROVED else _("等待拨付"),
            },
        )
    return application


def application_bulk_review(
    *, actor: Any, applications: Iterable[Application], action: str, reason: str = "", today: dt.date | None = None
) -> BulkResult:
    """The same action on many similar applications; each one on its own (one refusal does not stop the others)."""
    result = BulkResult()
    for application in applications:
        try:
            with transaction.atomic():
                result.done.append(
                    application_review(actor=actor, application=application, action=action, reason=reason, today=today)
                )
        except DomainError as exc:
            result.failed.append((application, exc.message))
    return result


# --- experts --------------------------------------------------------------------------------------------------------


def _check_scored(application: Application) -> None:
    rows = list(application.assignments.all())
    needed = application.fund_item.experts_per_application
    if len(rows) < needed:
        raise ValidationFailed(_("尚未指派足够的评审专家（需%(n)s人，已指派%(m)s人）") % {"n": needed, "m": len(rows)})
    open_rows = [r for r in rows if r.scored_at is None]
    if open_rows:
        raise ValidationFailed(_("还有%(n)s位专家未提交评分") % {"n": len(open_rows)})


def eligible_experts(application: Application) -> list[User]:
    """Active experts without a declared conflict with the enterprise and not of the enterprise itself."""
    pool = list(selectors.experts())
    conflicts = selectors.conflicts_of([e.pk for e in pool])
    taken = set(application.assignments.values_list("expert_id", flat=True))
    return [
        e
        for e in pool
        if application.enterprise_id not in conflicts.get(e.pk, set())
        and e.enterprise_id != application.enterprise_id
        and e.pk not in taken
    ]


@transaction.atomic
def experts_assign(
    *,
    actor: Any,
    application: Application,
    experts: Sequence[User] | None = None,
    rng: random.Random | None = None,
) -> list[ExpertAssignment]:
    """Assign experts by hand (`experts`) or draw the missing ones at random; declared conflicts are excluded."""
    application = _lock(application)
    item = application.fund_item
    require(permissions.can_handle_stage(actor, item, Stage.EXPERT))
    if application.status != AppStatus.IN_REVIEW or application.stage != Stage.EXPERT:
        raise Conflict(_("该申报不在专家评审环节"))
    pool = eligible_experts(application)
    allowed = {e.pk for e in pool}
    have = application.assignments.count()
    if experts:
        bad = [e for e in experts if e.pk not in allowed]
        if bad:
            raise ValidationFailed(
                _("以下专家与该企业有回避关系、已指派或不是在岗专家：%(names)s")
                % {"names": "、".join(e.display_name for e in bad)},
                data={"field": "experts"},
            )
        chosen, random_draw = list(experts), False
    else:
        need = item.experts_per_application - have
        if need <= 0:
            raise ValidationFailed(_("已指派足够的评审专家"))
        if len(pool) < need:
            raise ValidationFailed(
                _("可抽取的专家不足：需%(n)s人，回避后仅有%(m)s人") % {"n": need, "m": len(pool)},
                data={"field": "experts"},
            )
        chosen, random_draw = (rng or random.SystemRandom()).sample(pool, need), True
    rows = [
        ExpertAssignment.objects.create(application=application, expert=e, assigned_by=actor, random=random_draw)
        for e in chosen
    ]
    names = "、".join(e.display_name for e in chosen)
    _event(
        application,
        "assign",
        actor,
        _("%(how)s指派评审专家：%(names)s") % {"how": _("随机抽取") if random_draw else _("人工"), "names": names},
        stage=Stage.EXPERT,
        public=False,
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=application,
        enterprise_id=application.enterprise_id,
        changes={str(_("评审专家")): [None, names]},
    )
    notify(
        recipients=chosen,
        title=_("新的评审任务：%(item)s") % {"item": item.name},
        body=_("请在%(due)s前完成评分。") % {"due": _date_text(application.stage_due) if application.stage_due else ""},
        link=reverse("policy:expert_list"),
        kind="policy",
    )
    return rows


def aggregate(scores: Sequence[Decimal], method: str) -> Decimal | None:
    """Mean, or the trimmed mean (one highest and one lowest dropped) when at least three experts scored."""
    values = sorted(scores)
    if not values:
        return None
    if method == ScoreAggregate.TRIMMED and len(values) >= 3:
        values = values[1:-1]
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))


@transaction.atomic
def expert_score(
    *, actor: Any, assignment: ExpertAssignment, scores: Mapping[str, Any], comment: str = ""
) -> ExpertAssignment:
    require(permissions.can_score(actor, assignment))
    application = _lock(assignment.application)
    if application.status != AppStatus.IN_REVIEW or application.stage != Stage.EXPERT:
        raise Conflict(_("专家评审环节已结束，不能再修改评分"))
    sheet = application.fund_item.score_sheet or [{"code": "total", "label": str(_("总分")), "max": 100}]
    clean: dict[str, str] = {}
    total = Decimal(0)
    for line in sheet:
        code = str(line.get("code") or line["label"])
        raw = scores.get(code)
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, TypeError):
            raise ValidationFailed(
                _("请为“%(label)s”打分") % {"label": line["label"]}, data={"field": f"score_{code}"}
            ) from None
        top = Decimal(str(line["max"]))
        if not Decimal(0) <= value <= top:
            raise ValidationFailed(
                _("“%(label)s”的得分须在0至%(max)s分之间")
                % {"label": line["label"], "max": format(top.normalize(), "f")},
                data={"field": f"score_{code}"},
            )
        clean[code] = format(value, "f")
        total += value
    if not comment.strip():
        raise ValidationFailed(_("请填写评审意见"), data={"field": "comment"})
    assignment.scores, assignment.total = clean, total.quantize(Decimal("0.01"))
    assignment.comment, assignment.scored_at = comment.strip(), timezone.now()
    assignment.save()
    done = [a.total for a in application.assignments.all() if a.total is not None]
    application.score = aggregate(done, application.fund_item.score_aggregate)
    application.save(update_fields=["score", "updated_at"])
    _event(application, "score", actor, _("专家提交评分"), stage=Stage.EXPERT, public=False)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=application,
        enterprise_id=application.enterprise_id,
        changes={str(_("专家评分")): [None, format(assignment.total, "f")]},
    )
    return assignment


@transaction.atomic
def conflict_declare(*, actor: Any, expert: User, enterprise: Enterprise, relation: str) -> ExpertConflict:
    require(permissions.can_declare_conflict(actor))
    if actor.role == Role.EXPERT and expert.pk != actor.pk:
        raise PermissionDenied(_("专家只能登记本人的回避关系"))
    if expert.role != Role.EXPERT:
        raise ValidationFailed(_("只能为评审专家登记回避关系"), data={"field": "expert"})
    if not relation.strip():
        raise ValidationFailed(_("请说明与该企业的关系"), data={"field": "relation"})
    row, _created = ExpertConflict.objects.update_or_create(
        expert=expert, enterprise=enterprise, defaults={"relation": relation.strip()[:200]}
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=row,
        enterprise_id=enterprise.pk,
        changes={str(_("回避关系")): [None, f"{expert.display_name}：{relation.strip()}"]},
    )
    return row


# --- public notice (公示) -------------------------------------------------------------------------------------------


@transaction.atomic
def notice_publish(
    *,
    actor: Any,
    item: FundItem,
    starts_on: dt.date | None = None,
    days: int | None = None,
    contact: str = "",
    calendar: WorkCalendar | None = None,
) -> PublicNotice:
    """Publish the list of proposed awards (status 拟支持) of a fund item for `days` working days (its first day
    counted when it is a working day), on the public page without login."""
    require(permissions.can_handle_stage(actor, item, Stage.NOTICE))
    calendar = calendar or work_calendar()
    starts_on = starts_on or timezone.localdate()
    days = days or item.notice_days
    if not 1 <= days <= 30:
        raise ValidationFailed(_("公示期须为1至30个工作日"), data={"field": "days"})
    entries = list(Application.objects.select_for_update().filter(fund_item=item, status=AppStatus.APPROVED))
    if not entries:
        raise ValidationFailed(_("没有待公示的拟支持名单"))
    notice = PublicNotice.objects.create(
        fund_item=item,
        title=str(_("关于%(item)s拟支持名单的公示") % {"item": item.name}),
        starts_on=starts_on,
        ends_on=calendar.notice_end(starts_on, days),
        days=days,
        contact=contact.strip()[:300] or settings.POLICY_NOTICE_CONTACT,
        published_by=actor,
    )
    for application in entries:
        application.status = AppStatus.IN_NOTICE
        application.notice = notice
        application.stage = Stage.NOTICE
        application.stage_started = starts_on
        application.stage_due = notice.ends_on
        application.save()
        _event(
            application,
            "notice",
            actor,
            _("拟支持名单公示：%(a)s至%(b)s") % {"a": _date_text(starts_on), "b": _date_text(notice.ends_on)},
            stage=Stage.NOTICE,
        )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=notice,
        changes={str(_("公示")): [None, f"{notice.title}（{len(entries)}家，{starts_on}—{notice.ends_on}）"]},
    )
    return notice


@transaction.atomic
def objection_record(
    *,
    actor: Any,
    notice: PublicNotice,
    signed_by: str,
    contact: str,
    content: str,
    received_on: dt.date | None = None,
    application: Application | None = None,
) -> Objection:
    """A written objection, signed (anonymous ones are not accepted), received within the notice period."""
    require(permissions.can_handle_stage(actor, notice.fund_item, Stage.NOTICE))
    received_on = received_on or timezone.localdate()
    if not signed_by.strip():
        raise ValidationFailed(_("异议须署名，匿名异议不予受理"), data={"field": "signed_by"})
    if not contact.strip():
        raise ValidationFailed(_("请填写异议人的联系方式"), data={"field": "contact"})
    if not content.strip():
        raise ValidationFailed(_("请填写异议内容"), data={"field": "content"})
    if not notice.starts_on <= received_on <= notice.ends_on:
        raise ValidationFailed(
            _("异议须在公示期内（%(a)s至%(b)s）提出")
            % {"a": _date_text(notice.starts_on), "b": _date_text(notice.ends_on)},
            data={"field": "received_on"},
        )
    if application is not None and application.notice_id != notice.pk:
        raise ValidationFailed(_("所涉企业不在本次公示名单中"), data={"field": "application"})
    row = Objection.objects.create(
        notice=notice,
        application=application,
        signed_by=signed_by.strip()[:100],
        contact=contact.strip()[:100],
        content=content.strip(),
        received_on=received_on,
        recorded_by=actor,
    )
    if application is not None:
        _event(application, "objection", actor, _("公示期间收到书面异议，待核查"), stage=Stage.NOTICE, public=False)
    audit.record(
        actor=actor, action=AuditAction.CREATE, target=notice, changes={str(_("公示异议")): [None, row.signed_by]}
    )
    return row


@transaction.atomic
def objection_decide(*, actor: Any, objection: Objection, outcome: str, finding: str) -> Objection:
    require(permissions.can_handle_stage(actor, objection.notice.fund_item, Stage.NOTICE))
    if outcome not in (ObjectionOutcome.UPHELD, ObjectionOutcome.DISMISSED):
        raise ValidationFailed(_("请选择核查结论"), data={"field": "outcome"})
    if not finding.strip():
        raise ValidationFailed(_("请填写核查意见"), data={"field": "finding"})
    if objection.notice.status != NoticeStatus.OPEN:
        raise Conflict(_("公示已结束"))
    objection.outcome, objection.finding = outcome, finding.strip()
    objection.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=objection.notice,
        changes={str(_("异议核查")): [objection.signed_by, str(objection.get_outcome_display())]},
        reason=finding,
    )
    return objection


@transaction.atomic
def notice_close(*, actor: Any, notice: PublicNotice, today: dt.date | None = None) -> PublicNotice:
    """After the last day of the notice, with every objection checked: awards with an upheld objection are not
    supported (the objection's finding is the reason), the others wait for payment."""
    today = today or timezone.localdate()
    require(permissions.can_handle_stage(actor, notice.fund_item, Stage.NOTICE))
    notice = PublicNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != NoticeStatus.OPEN:
        raise Conflict(_("公示已结束"))
    if today <= notice.ends_on:
        raise ValidationFailed(_("公示期至%(d)s，期满后才能结束") % {"d": _date_text(notice.ends_on)})
    pending = notice.objections.filter(outcome=ObjectionOutcome.PENDING).count()
    if pending:
        raise ValidationFailed(_("还有%(n)s件异议未核查") % {"n": pending})
    upheld = {
        o.application_id: o.finding
        for o in notice.objections.filter(outcome=ObjectionOutcome.UPHELD, application__isnull=False)
    }
    for application in Application.objects.select_for_update().filter(notice=notice, status=AppStatus.IN_NOTICE):
        application.stage_started, application.stage_due = today, None
        if application.pk in upheld:
            application.status = AppStatus.REJECTED
            application.reason = str(_("公示期间异议经核查成立：%(f)s") % {"f": upheld[application.pk]})[:500]
            application.save()
            _event(application, "reject", actor, application.reason, stage=Stage.NOTICE)
            _tell_enterprise(application, _("申报%(n)s未获支持") % {"n": application.number}, application.reason)
        else:
            application.status = AppStatus.PAYABLE
            application.stage = Stage.PAYMENT
            application.save()
            _event(application, "notice_end", actor, _("公示期满无异议，等待拨付"), stage=Stage.NOTICE)
    notice.status, notice.closed_at = NoticeStatus.CLOSED, timezone.now()
    notice.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=notice,
        changes={str(_("状态")): [str(_("公示中")), str(_("公示结束"))]},
    )
    return notice


# --- disbursement (拨付) --------------------------------------------------------------------------------------------


def _next_batch_number(year: int) -> str:
    return next_number(DisbursementBatch.objects.all(), f"BF{year}", 4)


@transaction.atomic
def batch_create(*, actor: Any, applications: Sequence[Application], title: str = "") -> DisbursementBatch:
    require(permissions.can_pay(actor))
    if not applications:
        raise ValidationFailed(_("请选择要拨付的项目"), data={"field": "applications"})
    rows = list(
        Application.objects.select_for_update().select_related("fund_item").filter(pk__in=[a.pk for a in applications])
    )
    bad = [a for a in rows if a.status != AppStatus.PAYABLE or a.batch_id is not None]
    if bad:
        raise ValidationFailed(
            _("以下申报不是待拨付状态或已在其他批次：%(n)s") % {"n": "、".join(a.number for a in bad)},
            data={"field": "applications"},
        )
    no_account = [a for a in rows if not a.bank_account]
    if no_account:
        raise ValidationFailed(
            _("以下申报缺少收款账号：%(n)s") % {"n": "、".join(a.number for a in no_account)},
            data={"field": "applications"},
        )
    batch = DisbursementBatch.objects.create(
        number=_next_batch_number(timezone.localdate().year),
        title=title.strip()[:200] or str(_("%(d)s拨付批次") % {"d": _date_text(timezone.localdate())}),
        created_by=actor,
    )
    for application in rows:
        application.batch = batch
        application.save(update_fields=["batch", "updated_at"])
        _event(
            application, "batch", actor, _("列入拨付批次%(n)s") % {"n": batch.number}, stage=Stage.PAYMENT, public=False
        )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=batch,
        changes={str(_("拨付批次")): [None, f"{batch.number}（{len(rows)}笔）"]},
    )
    return batch


@transaction.atomic
def batch_mark_paid(*, actor: Any, batch: DisbursementBatch, paid_on: dt.date, voucher: str = "") -> DisbursementBatch:
    require(permissions.can_pay(actor))
    batch = DisbursementBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == BatchStatus.PAID:
        raise Conflict(_("该批次已确认拨付"))
    if paid_on > timezone.localdate():
        raise ValidationFailed(_("拨付日期不能晚于今天"), data={"field": "paid_on"})
    rows = list(batch.applications.select_related("fund_item"))
    if not rows:
        raise ValidationFailed(_("批次中没有项目"))
    batch.status, batch.paid_on, batch.voucher, batch.paid_by = BatchStatus.PAID, paid_on, voucher.strip()[:60], actor
    batch.save()
    for application in rows:
        _mark_paid(actor, application, paid_on, batch.number)
    audit.record(
        actor=actor,
        action=AuditAction.APPROVE,
        target=batch,
        changes={str(_("状态")): [str(_("待拨付")), str(_("已拨付"))], str(_("拨付日期")): [None, paid_on.isoformat()]},
    )
    return batch


def _mark_paid(actor: Any, application: Application, paid_on: dt.date, reference: str) -> None:
    application.status, application.paid_on = AppStatus.PAID, paid_on
    application.stage, application.stage_due = Stage.PAYMENT, None
    application.save()
    _event(
        application,
        "paid",
        actor,
        _("已拨付%(amount)s（%(date)s）")
        % {"amount": money_yuan(application.awarded_yuan), "date": _date_text(paid_on)},
        stage=Stage.PAYMENT,
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=application,
        enterprise_id=application.enterprise_id,
        changes={str(_("状态")): [str(_("待拨付")), str(_("已拨付"))]},
        reason=reference,
    )
    _tell_enterprise(
        application,
        _("资金已拨付：%(item)s") % {"item": application.fund_item.name},
        _("%(amount)s已于%(date)s拨付至贵企业账户（尾号%(tail)s）。")
        % {
            "amount": money_yuan(application.awarded_yuan),
            "date": _date_text(paid_on),
            "tail": application.bank_account[-4:],
        },
    )


# --- 免申即享 (no-application grants) ----------------------------------------------------------------------------


@dataclass
class OfferRun:
    created: int = 0
    kept: int = 0
    unknown_amount: int = 0


@transaction.atomic
def offers_generate(*, actor: Any, item: FundItem, today: dt.date | None = None) -> OfferRun:
    """The eligible list of a 免申即享 item from the registry-wide evaluation's stored results: each enterprise that
    passes the item's rule set becomes a candidate (待核定) with its amount; existing live offers are kept."""
    require(permissions.can_handle_stage(actor, item, workflow.review_stages(item)[0]))
    return _generate(actor, item, today or timezone.localdate())


def _generate(actor: Any, item: FundItem, today: dt.date) -> OfferRun:
    from gaoxin.rules import facts as rule_facts
    from gaoxin.rules.models import EnterpriseResult
    from gaoxin.rules.services import version_for

    if not item.no_application:
        raise ValidationFailed(_("该项目不是免申即享项目"))
    version = version_for(item.eligibility_code, today)
    passing = list(
        EnterpriseResult.objects.filter(ruleset=version, result="pass", enterprise__status="active").values_list(
            "enterprise_id", flat=True
        )
    )
    taken = set(
        Application.objects.filter(fund_item=item).exclude(status__in=_DEAD).values_list("enterprise_id", flat=True)
    )
    fresh = [pk for pk in passing if pk not in taken]
    formula = amounts.Formula.of(item)
    run = OfferRun(kept=len(taken))
    year = timezone.localdate().year
    prefix = f"ZC{year}"
    serial = last_serial(Application.objects.all(), prefix)
    names = dict(Enterprise.objects.filter(pk__in=fresh).values_list("pk", "name"))
    rows = []
    chunk = 2000
    for start in range(0, len(fresh), chunk):
        ids = fresh[start : start + chunk]
        documents = rule_facts.facts_documents([Enterprise(pk=pk) for pk in ids])
        for pk in ids:
            amount = amounts.compute(formula, documents[pk], as_of=today)
            if amount.yuan is None:
                run.unknown_amount += 1
            serial += 1
            rows.append(
                Application(
                    number=f"{prefix}{serial:0{APPLICATION_SERIAL_DIGITS}d}",
                    fund_item=item,
                    enterprise_id=pk,
                    channel=Channel.OFFER,
                    status=AppStatus.CANDIDATE,
                    facts=documents[pk],
                    eligibility={"result": "pass", "ruleset": version.code, "version": version.version},
                    requested_yuan=amount.yuan,
                    account_name=names.get(pk, ""),
                )
            )
    Application.objects.bulk_create(rows, batch_size=1000)
    run.created = len(rows)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=item,
        changes={str(_("免申即享名单")): [None, str(_("新增%(n)s家") % {"n": run.created})]},
    )
    return run


@transaction.atomic
def offer_exclude(*, actor: Any, application: Application, reason: str) -> Application:
    application = _lock(application)
    item = application.fund_item
    require(permissions.can_handle_stage(actor, item, workflow.review_stages(item)[0]))
    if application.status != AppStatus.CANDIDATE:
        raise Conflict(_("只能排除待核定名单中的企业"))
    if not reason.strip():
        raise ValidationFailed(_("排除须写明原因"), data={"field": "reason"})
    application.status, application.reason = AppStatus.EXCLUDED, reason.strip()[:500]
    application.save()
    _event(application, "exclude", actor, _("复核排除：%(r)s") % {"r": reason.strip()}, public=False)
    audit.record(
        actor=actor,
        action=AuditAction.REJECT,
        target=application,
        enterprise_id=application.enterprise_id,
        changes={str(_("状态")): [str(_("待核定")), str(_("已排除"))]},
        reason=reason,
    )
    return application


@transaction.atomic
def offers_send(
    *,
    actor: Any,
    item: FundItem,
    today: dt.date | None = None,
    override: bool = False,
    override_reason: str = "",
    calendar: WorkCalendar | None = None,
) -> int:
    """After the re-check, each remaining candidate gets an offer to confirm by a deadline (working days); the offers'
    total must fit the remaining budget (a leader may override, with a reason)."""
    today = today or timezone.localdate()
    if override:
        require(permissions.can_override_budget(actor))
    else:
        require(permissions.can_handle_stage(actor, item, workflow.review_stages(item)[0]))
    calendar = calendar or work_calendar()
    rows = list(Application.objects.select_for_update().filter(fund_item=item, status=AppStatus.CANDIDATE))
    if not rows:
        raise ValidationFailed(_("没有待发送的名单"))
    missing = [a for a in rows if a.requested_yuan is None]
    if missing:
        raise ValidationFailed(
            _("以下企业缺少测算依据，无法确定金额，请先排除或补充数据：%(n)s")
            % {"n": "、".join(a.number for a in missing[:20])}
        )
    total = sum((a.requested_yuan or ZERO for a in rows), ZERO)
    budget = selectors.item_budget(item)
    outstanding = sum(
        (a.requested_yuan or ZERO for a in Application.objects.filter(fund_item=item, status=AppStatus.OFFERED)), ZERO
    )
    if budget.remaining is not None and total + outstanding > budget.remaining:
        if not override:
            raise ValidationFailed(
                _("名单合计%(total)s，超出项目预算剩余%(left)s，须由领导明确批准超预算")
                % {"total": money_yuan(total + outstanding), "left": money_yuan(max(budget.remaining, ZERO))},
                data={"field": "override"},
            )
        require(permissions.can_override_budget(actor))
        if not override_reason.strip():
            raise ValidationFailed(_("批准超预算须写明理由"), data={"field": "override_reason"})
    deadline = calendar.add_working_days(today, item.offer_days)
    for application in rows:
        application.status = AppStatus.OFFERED
        application.offer_deadline = deadline
        application.submitted_at = timezone.now()
        if override:
            application.budget_override, application.budget_override_reason = True, override_reason.strip()[:300]
        application.save()
    events = [
        ApplicationEvent(
            application=a,
            actor=actor,
            actor_label=_label(actor),
            action="offer",
            text=str(
                _("经数据比对，贵企业符合条件，可享受%(amount)s，请于%(d)s前确认")
                % {"amount": money_yuan(a.requested_yuan), "d": _date_text(deadline)}
            ),
        )
        for a in rows
    ]
    ApplicationEvent.objects.bulk_create(events, batch_size=1000)
    audit.record(
        actor=actor,
        action=AuditAction.APPROVE,
        target=item,
        changes={
            str(_("免申即享通知")): [None, str(_("发送%(n)s家，确认截止%(d)s") % {"n": len(rows), "d": deadline})]
        },
        reason=override_reason,
    )
    by_enterprise = {a.enterprise_id: a for a in rows}
    users = User.objects.filter(role=Role.ENTERPRISE, is_active=True, enterprise_id__in=list(by_enterprise))
    for user in users:
        a = by_enterprise[user.enterprise_id or 0]
        notify(
            recipients=[user],
            title=_("免申即享：%(item)s") % {"item": item.name},
            body=_("贵企业符合条件，无需申报，可享受%(amount)s。请于%(d)s前登录企业门户确认收款账户。")
            % {"amount": money_yuan(a.requested_yuan), "d": _date_text(deadline)},
            link=reverse("policy:portal_application", args=[a.pk]),
            kind="policy",
        )
    return len(rows)


@transaction.atomic
def offer_confirm(
    *,
    actor: Any,
    application: Application,
    bank_name: str,
    bank_account: str,
    account_name: str = "",
    commitments_accepted: bool = False,
    today: dt.date | None = None,
) -> Application:
    """The enterprise confirms it wants the money: its bank account and its commitments (nothing to fill or upload).
    The award is then approved like an application's and goes to 公示 (if the item has one) and payment."""
    today = today or timezone.localdate()
    require(permissions.can_act_for_enterprise(actor, application))
    application = _lock(application)
    if application.status != AppStatus.OFFERED:
        raise Conflict(_("该通知当前不能确认（%(s)s）") % {"s": application.get_status_display()})
    if application.offer_deadline and today > application.offer_deadline:
        raise ValidationFailed(_("确认期限已过"))
    account = bank_account.replace(" ", "").strip()
    if not bank_name.strip():
        raise ValidationFailed(_("请填写开户银行"), data={"field": "bank_name"})
    if not account.isdigit() or not 8 <= len(account) <= 32:
        raise ValidationFailed(_("银行账号应为8至32位数字"), data={"field": "bank_account"})
    if application.fund_item.commitments and not commitments_accepted:
        raise ValidationFailed(_("请阅读并确认承诺事项"), data={"field": "commitments_accepted"})
    item = application.fund_item
    application.bank_name, application.bank_account = bank_name.strip()[:100], account
    application.account_name = account_name.strip()[:200] or application.enterprise.name
    application.commitments_accepted = True
    application.confirmed_at = timezone.now()
    application.awarded_yuan = application.requested_yuan
    application.decided_at = timezone.now()
    application.status = AppStatus.APPROVED if workflow.has_notice(item) else AppStatus.PAYABLE
    application.stage = Stage.NOTICE if workflow.has_notice(item) else Stage.PAYMENT
    application.stage_started, application.stage_due = today, None
    application.save()
    _event(application, "confirm", actor, _("企业确认享受，收款账户尾号%(t)s") % {"t": account[-4:]})
    audit.record(
        actor=actor,
        action=AuditAction.APPROVE,
        target=application,
        enterprise_id=application.enterprise_id,
        changes={str(_("状态")): [str(_("待企业确认")), str(workflow.enterprise_label(application))]},
    )
    return application


@transaction.atomic
def offer_decline(*, actor: Any, application: Application, reason: str = "") -> Application:
    require(permissions.can_act_for_enterprise(actor, application))
    application = _lock(application)
    if application.status != AppStatus.OFFERED:
        raise Conflict(_("该通知当前不能放弃"))
    application.status, application.reason = AppStatus.DECLINED, reason.strip()[:500]
    application.save()
    _event(application, "decline", actor, reason.strip() or str(_("企业明确放弃")))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=application,
        enterprise_id=application.enterprise_id,
        changes={str(_("状态")): [str(_("待企业确认")), str(_("企业放弃"))]},
        reason=reason,
    )
    return application


# --- the daily job --------------------------------------------------------------------------------------------------


@dataclass
class DailyResult:
    reminded: int = 0
    expired: int = 0
    overdue_stages: int = 0
    notices_due: int = 0
    policies_expired: int = 0
    pushed: int = 0

    def summary(self) -> str:
        return str(
            _(
                "免申即享提醒%(r)s家、逾期未确认%(e)s家；超时环节%(o)s件；待结束公示%(n)s个；"
                "到期失效政策%(p)s个；精准推送%(push)s家"
            )
            % {
                "r": self.reminded,
                "e": self.expired,
                "o": self.overdue_stages,
                "n": self.notices_due,
                "p": self.policies_expired,
                "push": self.pushed,
            }
        )


def run_daily(*, today: dt.date | None = None, push: bool = True) -> DailyResult:
    """Reminders before the offers' deadlines, expiry of unconfirmed offers, overdue stages to their owners, notices
    whose period has ended, expired policies, and precise push of new matches. Idempotent for a day."""
    today = today or timezone.localdate()
    calendar = work_calendar()
    result = DailyResult()
    result.policies_expired = expire_policies(today=today)
    reminder_days = set(settings.POLICY_OFFER_REMINDER_WORKDAYS)
    for application in Application.objects.filter(status=AppStatus.OFFERED).select_related("fund_item"):
        deadline = application.offer_deadline
        if deadline is None:
            continue
        if today > deadline:
            with transaction.atomic():
                application.status = AppStatus.EXPIRED
                application.save(update_fields=["status", "updated_at"])
                _event(application, "expire", None, _("确认期限已过，视为放弃"))
                audit.record(
                    actor=None,
                    action=AuditAction.UPDATE,
                    target=application,
                    enterprise_id=application.enterprise_id,
                    changes={str(_("状态")): [str(_("待企业确认")), str(_("逾期未确认"))]},
                )
            result.expired += 1
            continue
        left = calendar.working_days_between(today, deadline)
        if left in reminder_days and application.offer_reminded_on != today:
            application.offer_reminded_on = today
            application.save(update_fields=["offer_reminded_on", "updated_at"])
            _tell_enterprise(
                application,
                _("请尽快确认：%(item)s") % {"item": application.fund_item.name},
                _("贵企业可享受%(amount)s，确认截止%(d)s，逾期视为放弃。")
                % {"amount": money_yuan(application.requested_yuan), "d": _date_text(deadline)},
            )
            result.reminded += 1
    overdue = Application.objects.filter(status=AppStatus.IN_REVIEW, stage_due__lt=today).select_related(
        "fund_item", "enterprise"
    )
    for application in overdue:
        result.overdue_stages += 1
        due = application.stage_due
        if due is not None and (today - due).days == 1:  # told once, on the first day overdue
            _tell_owners(
                application.fund_item,
                application.stage,
                _("环节超时：%(n)s") % {"n": application.number},
                _("%(e)s的申报在“%(s)s”环节已超过时限（%(d)s）。")
                % {"e": application.enterprise.name, "s": Stage(application.stage).label, "d": _date_text(due)},
                reverse("policy:application_detail", args=[application.pk]),
            )
    result.notices_due = PublicNotice.objects.filter(status=NoticeStatus.OPEN, ends_on__lt=today).count()
    if push:
        result.pushed = push_run(today=today).enterprises
    return result


# --- precise push (政策精准推送) ----------------------------------------------------------------------------


@dataclass
class PushResult:
    enterprises: int = 0
    messages: int = 0
    sms: int = 0


def push_run(*, today: dt.date | None = None, enterprise_ids: Sequence[int] | None = None) -> PushResult:
    """Tell each enterprise the open fund items it newly qualifies for (or nearly: what it lacks), once per item and
    kind; muted categories are left out. In-app and e-mail to its users; SMS to its 负责人 and 财务负责人."""
    from gaoxin.policy import sms
    from gaoxin.rules.models import EnterpriseResult
    from gaoxin.rules.services import version_for

    today = today or timezone.localdate()
    result = PushResult()
    items = [i for i in matching.open_items(today) if i.eligibility_code and not i.no_application]
    if not items:
        return result
    sent = set(PushRecord.objects.filter(fund_item__in=items).values_list("enterprise_id", "fund_item_id", "kind"))
    mutes: dict[int, set[str]] = {}
    for enterprise_id, category in PushMute.objects.values_list("enterprise_id", "category"):
        mutes.setdefault(enterprise_id, set()).add(category)
    news: dict[int, list[tuple[FundItem, str]]] = {}
    for item in items:
        try:
            version = version_for(item.eligibility_code, today)
        except NotFound:
            continue
        rows = EnterpriseResult.objects.filter(ruleset=version, enterprise__status="active").filter(
            result__in=("pass", "fail")
        )
        if enterprise_ids is not None:
            rows = rows.filter(enterprise_id__in=list(enterprise_ids))
        for enterprise_id, outcome, failed in rows.values_list("enterprise_id", "result", "failed"):
            kind = PushKind.ELIGIBLE if outcome == "pass" else (PushKind.NEAR if failed == 1 else None)
            if kind is None or (enterprise_id, item.pk, kind) in sent:
                continue
            if item.policy.category in mutes.get(enterprise_id, set()):
                continue
            if (
                Application.objects.filter(fund_item=item, enterprise_id=enterprise_id)
                .exclude(status__in=_DEAD)
                .exists()
            ):
                continue
            news.setdefault(enterprise_id, []).append((item, kind))
    if not news:
        return result
    users: dict[int, list[User]] = {}
    for user in User.objects.filter(role=Role.ENTERPRISE, is_active=True, enterprise_id__in=list(news)):
        users.setdefault(user.enterprise_id or 0, []).append(user)
    enterprises = Enterprise.objects.in_bulk(list(news))
    backend = sms.backend()
    link = reverse("policy:for_me")
    for enterprise_id, found in news.items():
        enterprise = enterprises[enterprise_id]
        eligible = [i.name for i, k in found if k == PushKind.ELIGIBLE]
        near = [i.name for i, k in found if k == PushKind.NEAR]
        parts = []
        if eligible:
            parts.append(str(_("符合申报条件：%(l)s") % {"l": "、".join(eligible)}))
        if near:
            parts.append(str(_("差一项即可申报：%(l)s（缺什么请见“适合我的政策”）") % {"l": "、".join(near)}))
        body = "；".join(parts)
        title = str(_("适合贵企业的政策：%(n)s项") % {"n": len(found)})
        with transaction.atomic():
            PushRecord.objects.bulk_create(
                [PushRecord(enterprise_id=enterprise_id, fund_item=i, kind=k) for i, k in found], ignore_conflicts=True
            )
            if users.get(enterprise_id):
                notify(recipients=users[enterprise_id], title=title, body=body, link=link, kind="policy")
                result.messages += len(users[enterprise_id])
        for phone in {enterprise.contact_phone, enterprise.finance_contact_phone} - {""}:
            if phone.startswith("1") and len(phone) == 11:
                backend.send(phone, f"【{settings.POLICY_SMS_SIGNATURE}】{title}：{body}")
                result.sms += 1
        result.enterprises += 1
    return result


@transaction.atomic
def mute_set(*, actor: Any, category: str, muted: bool) -> None:
    require(permissions.can_apply(actor))
    if category not in PolicyCategory.values:
        raise ValidationFailed(_("政策类别不正确"), data={"field": "category"})
    if muted:
        PushMute.objects.get_or_create(enterprise_id=actor.enterprise_id, category=category)
    else:
        PushMute.objects.filter(enterprise_id=actor.enterprise_id, category=category).delete()


# --- the rules editor's dry run -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetNeed:
    """What a fund item using a rule set would need if the enterprises that pass a draft all received their amount."""

    item: FundItem
    enterprises: int
    total_yuan: Decimal
    unknown: int  # enterprises whose amount cannot be computed (missing facts)
    budget_yuan: Decimal
    committed_yuan: Decimal

    @property
    def over_budget(self) -> bool:
        return self.total_yuan > self.budget_yuan

    def sentence(self) -> str:
        text = _("%(item)s：%(n)s家企业按金额公式需%(total)s，项目预算%(budget)s") % {
            "item": self.item.name,
            "n": self.enterprises,
            "total": money_yuan(self.total_yuan),
            "budget": money_yuan(self.budget_yuan),
        }
        if self.over_budget:
            text += str(_("，超出%(d)s") % {"d": money_yuan(self.total_yuan - self.budget_yuan)})
        if self.unknown:
            text += str(_("；%(n)s家缺少测算依据未计入") % {"n": self.unknown})
        return str(text)


def budget_for_dry_run(
    code: str, passing_facts: Iterable[Mapping[str, Any]], *, as_of: dt.date | None = None
) -> list[BudgetNeed]:
    """For the rules editor's dry run: every fund item (not closed) whose eligibility is the rule-set `code`, with the
    total its amount formula would pay the enterprises that pass (their FORMATS.md 2a facts documents)."""
    as_of = as_of or timezone.localdate()
    documents = list(passing_facts)
    needs = []
    for item in FundItem.objects.filter(eligibility_code=code).exclude(status=FundItemStatus.CLOSED).order_by("code"):
        total, unknown = amounts.total(amounts.Formula.of(item), documents, as_of=as_of)
        needs.append(
            BudgetNeed(
                item=item,
                enterprises=len(documents),
                total_yuan=total,
                unknown=unknown,
                budget_yuan=item.budget_yuan,
                committed_yuan=selectors.item_budget(item).committed,
            )
        )
    return needs


def committed_statuses() -> tuple[str, ...]:
    return tuple(str(s) for s in COMMITTED_STATUSES)


def dry_run_budget_notes(code: str, passing_facts: list[Mapping[str, Any]], as_of: dt.date) -> list[str]:
    """The rules editor's dry run (registered in `rules.services.DRY_RUN_EXTENSIONS`): one sentence per fund item
    that uses the rule set, with the budget its amount formula would need for the enterprises that pass."""
    return [need.sentence() for need in budget_for_dry_run(code, passing_facts, as_of=as_of)]
