"""Writes of reporting rounds: open, extend, close, members, the enterprise's submission, officers' corrections and
reminders (催报). Figures enter the fact store only through `indicators.services.facts_store`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import audit, display
from gaoxin.core.errors import Conflict, ValidationFailed
from gaoxin.core.models import AuditAction
from gaoxin.core.permissions import require
from gaoxin.indicators.models import Aggregation, Fact, FactSource, Frequency, Indicator
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.notifications.services import notify
from gaoxin.registry.models import Enterprise, EnterpriseStatus
from gaoxin.reporting import permissions, selectors
from gaoxin.reporting.models import ReminderKind, ReportEntry, ReportingRound, RoundEnterprise, RoundReminder

HUNDRED = Decimal(100)
MAX_PLACES = 4


class Selection:
    """Which enterprises a new round asks to report."""

    ABOVE_SCALE = "above_scale"
    PREVIOUS = "previous"
    ACTIVE = "active"


def _deadline_text(when: dt.datetime) -> str:
    local = timezone.localtime(when)
    return f"{local.month}月{local.day}日{local:%H:%M}"


def default_deadline(year: int, month: int) -> dt.datetime:
    """The configured day of the month after the period, at the end of the day (Asia/Shanghai)."""
    next_year, next_month = (year, month + 1) if month < 12 else (year + 1, 1)
    day = dt.date(next_year, next_month, min(settings.REPORTING_DEADLINE_DAY, 28))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def reportable_indicators() -> QuerySet[Indicator]:
    """Indicators an enterprise can fill: monthly, summed (ratios are derived from their parts), in use."""
    return Indicator.objects.filter(is_active=True, frequency=Frequency.MONTHLY, aggregation=Aggregation.SUM)


def _select(selection: str, year: int, month: int, parks: Iterable[Any]) -> QuerySet[Enterprise]:
    enterprises = Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)
    if selection == Selection.ABOVE_SCALE:
        enterprises = enterprises.filter(is_above_scale=True)
    elif selection == Selection.PREVIOUS:
        previous_year, previous_month = (year, month - 1) if month > 1 else (year - 1, 12)
        reported = Fact.objects.filter(year=previous_year, month=previous_month).exclude(source=FactSource.CARRIED)
        enterprises = enterprises.filter(pk__in=reported.values("enterprise_id"))
    elif selection != Selection.ACTIVE:
        raise ValidationFailed(_("未知的企业范围：%(value)s") % {"value": selection}, data={"field": "selection"})
    park_ids = [getattr(p, "pk", p) for p in parks]
    if park_ids:
        enterprises = enterprises.filter(park_id__in=park_ids)
    return enterprises


@transaction.atomic
def round_open(
    *,
    actor: Any,
    year: int,
    month: int,
    deadline: dt.datetime,
    indicators: Iterable[Indicator],
    selection: str = Selection.ABOVE_SCALE,
    parks: Iterable[Any] = (),
    jump_threshold: Decimal | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> ReportingRound:
    """Open the round of a month: fix its enterprises and indicators and tell the enterprises' users."""
    require(permissions.can_manage_rounds(actor))
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not 1 <= month <= 12:
        raise ValidationFailed(_("月份应在1到12之间"), data={"field": "month"})
    if (year, month) > (today.year, today.month):
        raise ValidationFailed(
            _("%(year)s年%(month)s月尚未开始，不能发起填报") % {"year": year, "month": month}, data={"field": "month"}
        )
    if deadline <= now:
        raise ValidationFailed(_("截止时间应晚于现在"), data={"field": "deadline"})
    chosen = list(indicators)
    if not chosen:
        raise ValidationFailed(_("请至少选择一个填报指标"), data={"field": "indicators"})
    allowed = set(reportable_indicators().values_list("pk", flat=True))
    for indicator in chosen:
        if indicator.pk not in allowed:
            raise ValidationFailed(
                _("%(name)s不是企业可按月填报的指标（比值类指标由其分子分母计算）") % {"name": indicator.name},
                data={"field": "indicators"},
            )
    threshold = jump_threshold if jump_threshold is not None else Decimal(settings.REPORTING_JUMP_THRESHOLD)
    if threshold <= 0:
        raise ValidationFailed(_("环比波动阈值应大于0"), data={"field": "jump_threshold"})
    if ReportingRound.objects.filter(year=year, month=month).exists():
        raise Conflict(
            _("%(year)s年%(month)s月的填报已发起过，请在原批次中追加企业或延期") % {"year": year, "month": month},
            data={"field": "month"},
        )
    enterprise_ids = list(_select(selection, year, month, parks).values_list("pk", flat=True))
    if not enterprise_ids:
        raise ValidationFailed(_("所选范围内没有需要填报的企业"), data={"field": "selection"})
    try:
        with transaction.atomic():
            round_ = ReportingRound.objects.create(
                year=year, month=month, deadline=deadline, jump_threshold=threshold, note=note.strip(), created_by=actor
            )
    except IntegrityError:
        raise Conflict(_("该月的填报已发起过")) from None
    round_.indicators.set(chosen)
    RoundEnterprise.objects.bulk_create(
        [RoundEnterprise(round=round_, enterprise_id=pk) for pk in enterprise_ids], batch_size=1000
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=round_,
        changes={
            str(_("截止时间")): [None, _deadline_text(deadline)],
            str(_("应报企业")): [None, len(enterprise_ids)],
            str(_("填报指标")): [None, "、".join(i.name for i in chosen)],
        },
    )
    _tell_enterprises(
        round_,
        enterprise_ids,
        title=_("请填报%(round)s经济指标") % {"round": str(round_)},
        body=_("%(round)s经济指标填报已开始，请于%(deadline)s前在企业服务平台填报。")
        % {"round": str(round_), "deadline": _deadline_text(deadline)},
        kind="reporting.opened",
    )
    return round_


def _enterprise_users(enterprise_ids: Iterable[int]) -> QuerySet[User]:
    return User.objects.filter(role=Role.ENTERPRISE, enterprise_id__in=list(enterprise_ids), is_active=True)


def _tell_enterprises(round_: ReportingRound, enterprise_ids: list[int], *, title: str, body: str, kind: str) -> int:
    users = list(_enterprise_users(enterprise_ids))
    notify(recipients=users, title=title, body=body, link=reverse("portal:report_list"), kind=kind)
    return len(users)


@transaction.atomic
def round_extend(*, actor: Any, round_: ReportingRound, deadline: dt.datetime, reason: str) -> ReportingRound:
    """Move the deadline (also reopens a round closed early). Audited with the reason."""
    require(permissions.can_manage_rounds(actor))
    if not reason.strip():
        raise ValidationFailed(_("请填写延期原因"), data={"field": "reason"})
    if deadline <= timezone.now():
        raise ValidationFailed(_("新的截止时间应晚于现在"), data={"field": "deadline"})
    before = _deadline_text(round_.deadline)
    round_.deadline = deadline
    round_.closed_at = None
    round_.save(update_fields=["deadline", "closed_at", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=round_,
        changes={str(_("截止时间")): [before, _deadline_text(deadline)]},
        reason=reason.strip(),
    )
    return round_


@transaction.atomic
def round_close(*, actor: Any, round_: ReportingRound, reason: str = "") -> ReportingRound:
    """Lock the round before its deadline (e.g. the statistics bureau has closed the period)."""
    require(permissions.can_manage_rounds(actor))
    if round_.locked:
        raise Conflict(_("该填报已经截止"))
    round_.closed_at = timezone.now()
    round_.save(update_fields=["closed_at", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=round_,
        changes={str(_("状态")): [str(_("填报中")), str(_("已截止"))]},
        reason=reason.strip(),
    )
    return round_


@transaction.atomic
def member_add(*, actor: Any, round_: ReportingRound, enterprise: Enterprise) -> RoundEnterprise:
    require(permissions.can_manage_rounds(actor))
    if round_.members.filter(enterprise=enterprise).exists():
        raise Conflict(_("%(name)s已在本次应报名单中") % {"name": enterprise.name})
    member = RoundEnterprise.objects.create(round=round_, enterprise=enterprise)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=member,
        enterprise_id=enterprise.pk,
        changes={str(_("应报企业")): [None, f"{round_} {enterprise.name}"]},
    )
    if not round_.locked:
        _tell_enterprises(
            round_,
            [enterprise.pk],
            title=_("请填报%(round)s经济指标") % {"round": str(round_)},
            body=_("贵企业已列入%(round)s经济指标填报名单，请于%(deadline)s前填报。")
            % {"round": str(round_), "deadline": _deadline_text(round_.deadline)},
            kind="reporting.opened",
        )
    return member


@transaction.atomic
def member_remove(*, actor: Any, member: RoundEnterprise, reason: str) -> None:
    """Take an enterprise off the list (停产、迁出 …); not once it has reported."""
    require(permissions.can_manage_rounds(actor))
    if not reason.strip():
        raise ValidationFailed(_("请填写移出原因"), data={"field": "reason"})
    member = RoundEnterprise.objects.select_for_update().select_related("round", "enterprise").get(pk=member.pk)
    if member.submitted:
        raise Conflict(_("该企业已经报送，不能移出名单"))
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        target=member,
        enterprise_id=member.enterprise_id,
        changes={str(_("应报企业")): [f"{member.round} {member.enterprise.name}", None]},
        reason=reason.strip(),
    )
    member.delete()


# --- the enterprise's submission -------------------------------------------------------------------------------


@dataclass
class SubmitResult:
    member: RoundEnterprise
    resubmitted: bool
    stored: int
    warnings: list[str] = field(default_factory=list)


def parse_amount(raw: Any) -> Decimal | None:
    """A figure as typed: blanks are None; thousands separators and full-width digits are accepted."""
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        return raw
    text = str(raw).strip().replace(",", "").replace("，", "").replace(" ", "")
    text = text.translate(str.maketrans("０１２３４５６７８９．－", "0123456789.-"))
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def change_percent(value: Decimal, previous: Decimal | None) -> Decimal | None:
    """Month-on-month change in %, or None when last month is missing or zero (no base to compare with)."""
    if previous is None or previous == 0:
        return None
    return (value - previous) / abs(previous) * HUNDRED


def check_sheet(
    rows: list[selectors.SheetRow],
    threshold: Decimal,
    values: Mapping[int, Any],
    explanations: Mapping[int, str],
) -> tuple[dict[int, Decimal], dict[int, str]]:
    """Validate a submitted form: (figures by indicator id, errors by indicator id). Pure apart from the rows."""
    figures: dict[int, Decimal] = {}
    errors: dict[int, str] = {}
    for row in rows:
        indicator = row.indicator
        try:
            value = parse_amount(values.get(indicator.pk))
        except ValueError:
            errors[indicator.pk] = _("%(name)s：“%(raw)s”不是数字") % {
                "name": indicator.name,
                "raw": values.get(indicator.pk),
            }
            continue
        if value is None:
            errors[indicator.pk] = _("%(name)s：必填，本月没有发生请填0") % {"name": indicator.name}
            continue
        if indicator.non_negative and value < 0:
            errors[indicator.pk] = _("%(name)s：不能为负数") % {"name": indicator.name}
            continue
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -MAX_PLACES:
            errors[indicator.pk] = _("%(name)s：最多保留4位小数") % {"name": indicator.name}
            continue
        change = change_percent(value, row.previous)
        if change is not None and abs(change) > threshold and not explanations.get(indicator.pk, "").strip():
            word = _("增长") if change > 0 else _("下降")
            errors[indicator.pk] = _("%(name)s：比上月%(word)s%(change)s，超过%(threshold)s的波动阈值，请填写说明") % {
                "name": indicator.name,
                "word": word,
                "change": display.rate(abs(change)),
                "threshold": display.rate(threshold),
            }
            continue
        figures[indicator.pk] = value
    return figures, errors


@transaction.atomic
def report_submit(
    *, actor: Any, member: RoundEnterprise, values: Mapping[int, Any], explanations: Mapping[int, str]
) -> SubmitResult:
    """The enterprise's figures for the month: all indicators of the round, validated, stored as 企业填报.

    Nothing is stored unless every figure passes. A second submission before the deadline replaces the first
    (the fact store audits each changed figure)."""
    member = RoundEnterprise.objects.select_for_update().select_related("round", "enterprise").get(pk=member.pk)
    require(permissions.can_submit(actor, member))
    round_ = member.round
    rows = selectors.sheet(member)
    figures, errors = check_sheet(rows, round_.jump_threshold, values, explanations)
    if errors:
        first = next(iter(errors.values()))
        raise ValidationFailed(
            _("有%(count)s项未通过校验，未保存任何数据。%(first)s") % {"count": len(errors), "first": first},
            data={"errors": errors},
        )
    resubmitted = member.submitted
    for row in rows:
        ReportEntry.objects.update_or_create(
            member=member,
            indicator=row.indicator,
            defaults={
                "value": figures[row.indicator.pk],
                "previous": row.previous,
                "explanation": explanations.get(row.indicator.pk, "").strip(),
            },
        )
    stored = facts_store(
        actor=actor,
        inputs=[
            FactInput(member.enterprise_id, row.indicator, round_.year, round_.month, figures[row.indicator.pk])
            for row in rows
        ],
        source=FactSource.REPORT,
        reason=str(_("企业重新报送")) if resubmitted else str(_("企业填报")),
    )
    member.submitted_at = timezone.now()
    member.submitted_by = actor
    member.save(update_fields=["submitted_at", "submitted_by"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if resubmitted else AuditAction.CREATE,
        target=member,
        enterprise_id=member.enterprise_id,
        changes={
            f"{row.indicator.name}（{round_}）": [None, display.amount(figures[row.indicator.pk], row.indicator.unit)]
            for row in rows
        },
        reason=str(_("重新报送")) if resubmitted else str(_("报送")),
    )
    return SubmitResult(member, resubmitted, stored.created + stored.updated)


@transaction.atomic
def report_correct(*, actor: Any, member: RoundEnterprise, indicator: Indicator, value: Decimal, reason: str) -> None:
    """An officer's correction of one figure (or entering it for an enterprise that did not report), with a reason.

    The enterprise's own submission is kept as it was; the fact store holds the corrected figure."""
    require(permissions.can_correct(actor))
    if not reason.strip():
        raise ValidationFailed(_("请填写更正原因"), data={"field": "reason"})
    round_ = member.round
    if not round_.indicators.filter(pk=indicator.pk).exists():
        raise ValidationFailed(
            _("%(name)s不在本次填报的指标中") % {"name": indicator.name}, data={"field": "indicator"}
        )
    if indicator.non_negative and value < 0:
        raise ValidationFailed(_("%(name)s：不能为负数") % {"name": indicator.name}, data={"field": "value"})
    had_figure = (
        Fact.objects.filter(
            indicator=indicator, year=round_.year, month=round_.month, enterprise_id=member.enterprise_id
        )
        .exclude(source=FactSource.CARRIED)
        .exists()
    )
    facts_store(
        actor=actor,
        inputs=[FactInput(member.enterprise_id, indicator, round_.year, round_.month, value)],
        source=FactSource.CORRECTION,
        reason=reason.strip(),
    )
    if not had_figure:  # facts_store audits changed figures; a figure entered for the first time is audited here
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            target=indicator,
            enterprise_id=member.enterprise_id,
            changes={f"{indicator.name}（{round_}当月）": [None, audit.audit_value(value)]},
            reason=reason.strip(),
        )


# --- reminders (催报) ---------------------------------------------------------------------------------------------


@dataclass
class ReminderResult:
    enterprises: int
    recipients: int
    without_account: list[str]


@transaction.atomic
def remind_missing(
    *, actor: Any, round_: ReportingRound, kind: str = ReminderKind.MANUAL, today: dt.date | None = None
) -> ReminderResult:
    """Remind every enterprise of the round (in the caller's scope) that has not reported: in-app and by e-mail.

    `actor` None is the daily job (all enterprises of the round); it sends at most once per round and day."""
    if actor is not None:
        require(permissions.can_remind(actor))
        members = selectors.member_scope(actor)
    else:
        members = RoundEnterprise.objects.all()
    if round_.locked:
        raise Conflict(_("该填报已经截止，不能再催报；请直接更正或导入数据"))
    today = today or timezone.localdate()
    pending = list(selectors.missing_members(members, round_).select_related("enterprise"))
    reminder = RoundReminder(round=round_, kind=kind, day=today, sent_by=actor)
    if kind == ReminderKind.AUTO:
        try:
            with transaction.atomic():
                reminder.save()
        except IntegrityError:
            return ReminderResult(0, 0, [])
    users = list(_enterprise_users(m.enterprise_id for m in pending))
    with_account = {u.enterprise_id for u in users}
    notify(
        recipients=users,
        title=_("催报：%(round)s经济指标尚未填报") % {"round": str(round_)},
        body=_("贵企业%(round)s经济指标尚未填报，截止时间为%(deadline)s，请尽快登录企业服务平台填报。")
        % {"round": str(round_), "deadline": _deadline_text(round_.deadline)},
        link=reverse("portal:report_list"),
        kind="reporting.reminder",
    )
    now = timezone.now()
    for member in pending:
        member.reminder_count += 1
        member.reminded_at = now
    RoundEnterprise.objects.bulk_update(pending, ["reminder_count", "reminded_at"], batch_size=500)
    reminder.enterprises = len(pending)
    reminder.recipients = len(users)
    reminder.save()
    return ReminderResult(
        len(pending), len(users), sorted(m.enterprise.name for m in pending if m.enterprise_id not in with_account)
    )


def send_due_reminders(*, today: dt.date | None = None) -> list[tuple[ReportingRound, ReminderResult]]:
    """The daily job: for each open round whose deadline is REPORTING_REMINDER_DAYS days away, remind once."""
    today = today or timezone.localdate()
    sent = []
    for round_ in selectors.open_rounds_due(today):
        if round_.locked:
            continue
        days_left = (timezone.localdate(round_.deadline) - today).days
        if days_left in settings.REPORTING_REMINDER_DAYS:
            sent.append((round_, remind_missing(actor=None, round_=round_, kind=ReminderKind.AUTO, today=today)))
    return sent
