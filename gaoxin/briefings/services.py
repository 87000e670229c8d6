"""Writes of briefings: generate (and keep) a briefing, edit its text (the generated version stays), templates, the
city's totals and the 小升规 task, and the scheduled weekly and monthly briefings with their notices to leaders."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.briefings import permissions, selectors
from gaoxin.briefings.models import (
    Briefing,
    BriefingKind,
    BriefingTemplate,
    JobStatus,
    ReferenceFigure,
    ScheduledJob,
    Section,
)
from gaoxin.core import audit
from gaoxin.core.errors import Conflict, NotFound, ValidationFailed
from gaoxin.core.models import AuditAction
from gaoxin.core.permissions import require
from gaoxin.indicators import selectors as indicator_selectors
from gaoxin.registry.models import Park

MAX_TEXT = 50_000


def iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@transaction.atomic
def briefing_generate(
    *,
    actor: Any,
    year: int,
    month: int,
    park: Park | None,
    template: BriefingTemplate | None,
    kind: str = BriefingKind.MONTHLY,
    week: str = "",
    schedule_key: str = "",
) -> Briefing:
    """Write the briefing from the rollups and keep it (generated text = text until an officer edits it). `actor`
    None is the scheduled job. The park must be in the actor's scope (the views pass what `scope_get` returned)."""
    if actor is not None:
        require(permissions.can_write(actor))
        if park is None and not permissions.zone_wide(actor):
            raise NotFound(_("您只能生成所负责园区的简报"))
        if park is not None and not selectors.park_choices(actor).filter(pk=park.pk).exists():
            raise NotFound()
    if not 1 <= month <= 12:
        raise ValidationFailed(_("月份应在1到12之间：%(month)s") % {"month": month}, data={"field": "period"})
    if kind == BriefingKind.WEEKLY and not week:
        week = iso_week(timezone.localdate())
    wording = selectors.wording_of(template)
    if not wording.sections:
        raise ValidationFailed(_("模板至少要选一个章节"), data={"field": "template"})
    result = selectors.draft(
        year=year, month=month, park=park, wording=wording, week=week if kind == BriefingKind.WEEKLY else ""
    )
    if not result.has_figures or not result.generated.text.strip():
        raise ValidationFailed(
            _("%(y)s年1-%(m)s月没有可写入简报的数据") % {"y": year, "m": month}, data={"field": "period"}
        )
    briefing = Briefing.objects.create(
        kind=kind,
        year=year,
        month=month,
        week=week if kind == BriefingKind.WEEKLY else "",
        park=park,
        template=template,
        title=result.generated.title,
        organization=result.generated.organization,
        generated_text=result.generated.text,
        text=result.generated.text,
        tables=[t.as_json() for t in result.generated.tables],
        generated_by=actor if actor is not None and actor.pk else None,
        schedule_key=schedule_key,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, target=briefing, changes={"简报": [None, briefing.title]})
    return briefing


@transaction.atomic
def briefing_edit(*, actor: Any, briefing: Briefing, title: str, text: str) -> Briefing:
    """Save the officers' version of the text; the generated version is kept as it was."""
    require(permissions.can_write(actor))
    title, text = title.strip(), text.replace("\r\n", "\n").strip()
    if not title:
        raise ValidationFailed(_("标题不能为空"), data={"field": "title"})
    if len(title) > 120:
        raise ValidationFailed(_("标题不能超过120个字"), data={"field": "title"})
    if not text:
        raise ValidationFailed(_("正文不能为空；如需恢复生成稿，请点“恢复生成稿”"), data={"field": "text"})
    if len(text) > MAX_TEXT:
        raise ValidationFailed(_("正文不能超过%(n)s个字") % {"n": MAX_TEXT}, data={"field": "text"})
    if (title, text) == (briefing.title, briefing.text):
        return briefing
    changes: dict[str, Any] = {}
    if title != briefing.title:
        changes["标题"] = [briefing.title, title]
    if text != briefing.text:
        changes["正文"] = [f"{len(briefing.text)}字", f"{len(text)}字"]
    briefing.title, briefing.text = title, text
    briefing.edited_by, briefing.edited_at = actor, timezone.now()
    briefing.save(update_fields=["title", "text", "edited_by", "edited_at", "updated_at"])
    audit.record(actor=actor, action=AuditAction.UPDATE, target=briefing, changes=changes)
    return briefing


@transaction.atomic
def briefing_restore(*, actor: Any, briefing: Briefing) -> Briefing:
    """Put the generated text back (the edited one is replaced; the audit keeps that it was)."""
    return briefing_edit(actor=actor, briefing=briefing, title=briefing.title, text=briefing.generated_text)


# Templates ----------------------------------------------------------------------------------------------------


def _clean_sections(sections: list[str]) -> list[str]:
    known = set(Section.values)
    cleaned: list[str] = []
    for code in sections:
        if code not in known:
            raise ValidationFailed(_("未知的章节：%(code)s") % {"code": code}, data={"field": "sections"})
        if code not in cleaned:
            cleaned.append(code)
    if not cleaned:
        raise ValidationFailed(_("至少选择一个章节"), data={"field": "sections"})
    return cleaned


TEMPLATE_FIELDS = ("name", "title", "zone_name", "park_term", "organization", "sections", "is_default")


@transaction.atomic
def template_save(*, actor: Any, data: dict[str, Any], template: BriefingTemplate | None = None) -> BriefingTemplate:
    require(permissions.can_manage(actor))
    name = str(data.get("name", "")).strip()
    if not name:
        raise ValidationFailed(_("模板名称不能为空"), data={"field": "name"})
    duplicate = BriefingTemplate.objects.filter(name=name)
    if template is not None:
        duplicate = duplicate.exclude(pk=template.pk)
    if duplicate.exists():
        raise Conflict(_("已有名为“%(name)s”的模板") % {"name": name}, data={"field": "name"})
    for key, label in (("title", _("标题")), ("zone_name", _("本区称谓")), ("park_term", _("园区称谓"))):
        if not str(data.get(key, "")).strip():
            raise ValidationFailed(_("%(label)s不能为空") % {"label": label}, data={"field": key})
    creating = template is None
    obj = template or BriefingTemplate()
    before = dict.fromkeys(TEMPLATE_FIELDS) if creating else audit.snapshot(obj, TEMPLATE_FIELDS)
    obj.name = name
    obj.title = str(data["title"]).strip()
    obj.zone_name = str(data["zone_name"]).strip()
    obj.park_term = str(data["park_term"]).strip()
    obj.organization = str(data.get("organization") or "").strip()
    obj.sections = _clean_sections(list(data.get("sections") or []))
    obj.is_default = bool(data.get("is_default")) or not BriefingTemplate.objects.exclude(pk=obj.pk).exists()
    obj.updated_by = actor
    obj.save()
    if obj.is_default:
        BriefingTemplate.objects.exclude(pk=obj.pk).filter(is_default=True).update(is_default=False)
    changes = audit.diff(BriefingTemplate, before, audit.snapshot(obj, TEMPLATE_FIELDS))
    if creating or changes:
        audit.record(
            actor=actor, action=AuditAction.CREATE if creating else AuditAction.UPDATE, target=obj, changes=changes
        )
    return obj


# Reference figures --------------------------------------------------------------------------------------------


@transaction.atomic
def reference_save(*, actor: Any, year: int, key: str, value: int, source: str = "") -> ReferenceFigure:
    """Enter (or change) a city total or the 小升规 task of a year; one per year and item, audited."""
    require(permissions.can_manage(actor))
    from gaoxin.briefings.models import ReferenceKey

    if key not in ReferenceKey.values:
        raise ValidationFailed(_("未知的项目：%(key)s") % {"key": key}, data={"field": "key"})
    if not 2000 <= year <= 2100:
        raise ValidationFailed(_("年度应在2000到2100之间：%(year)s") % {"year": year}, data={"field": "year"})
    if value < 0:
        raise ValidationFailed(_("数值不能为负数"), data={"field": "value"})
    figure = ReferenceFigure.objects.filter(year=year, key=key).first()
    before = None if figure is None else figure.value
    if figure is None:
        figure = ReferenceFigure(year=year, key=key)
    figure.value, figure.source, figure.updated_by = value, source.strip(), actor
    figure.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        target=figure,
        changes={f"{year}年{figure.get_key_display()}": [before, value]},
    )
    return figure


# Scheduled briefings ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueJob:
    key: str
    kind: str
    year: int
    month: int
    week: str


def due_jobs(today: dt.date, settings_: Any) -> list[DueJob]:
    """The weekly 研判 of this ISO week (from BRIEFING_WEEKLY_WEEKDAY on, with the latest month's figures) and the
    monthly briefing of last month (from BRIEFING_MONTHLY_DAY on, once its figures are in)."""
    jobs: list[DueJob] = []
    latest = indicator_selectors.latest_period()
    if latest is None:
        return jobs
    if today.isoweekday() >= settings_.BRIEFING_WEEKLY_WEEKDAY:
        week = iso_week(today)
        jobs.append(DueJob(f"weekly:{week}", BriefingKind.WEEKLY, latest[0], latest[1], week))
    last_month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    if today.day >= settings_.BRIEFING_MONTHLY_DAY and latest >= last_month:
        y, m = last_month
        jobs.append(DueJob(f"monthly:{y}-{m:02d}", BriefingKind.MONTHLY, y, m, ""))
    return jobs


def schedule_due(*, today: dt.date | None = None) -> list[tuple[ScheduledJob, bool]]:
    """Record the jobs due today and queue each new one (or one that failed before) for the task worker; a job
    already queued or done is left alone, so running this twice a day, or every day of the week, is harmless.
    Returns each due job and whether it was queued now."""
    from django.conf import settings

    from gaoxin.briefings.tasks import scheduled_briefing_task

    today = today or timezone.localdate()
    result = []
    for due in due_jobs(today, settings):
        with transaction.atomic():
            job, created = ScheduledJob.objects.select_for_update().get_or_create(
                key=due.key, defaults={"kind": due.kind, "year": due.year, "month": due.month, "week": due.week}
            )
            queue = created or job.status == JobStatus.FAILED
            if queue and not created:
                job.status, job.error = JobStatus.QUEUED, ""
                job.save(update_fields=["status", "error"])
        if queue:
            transaction.on_commit(functools.partial(scheduled_briefing_task.enqueue, job.pk))
        result.append((job, queue))
    return result


def run_scheduled(job_id: int) -> Briefing | None:
    """The task's body: generate the job's briefing for the zone with the default template and send the leaders a
    link in-app and by e-mail. Idempotent: a job already done is not generated again."""
    from gaoxin.notifications.services import notify

    job = ScheduledJob.objects.filter(pk=job_id).first()
    if job is None or job.status == JobStatus.DONE:
        return None
    try:
        with transaction.atomic():
            briefing = Briefing.objects.filter(schedule_key=job.key).first()
            if briefing is None:
                briefing = briefing_generate(
                    actor=None,
                    year=job.year,
                    month=job.month,
                    park=None,
                    template=selectors.default_template(),
                    kind=job.kind,
                    week=job.week,
                    schedule_key=job.key,
                )
            leaders = User.objects.filter(role=Role.LEADER, is_active=True)
            notify(
                recipients=leaders,
                title=_("%(title)s已生成") % {"title": briefing.title},
                body=_("请点击查看并下载Word、PDF或Excel。"),
                link=reverse("briefings:detail", args=[briefing.pk]),
                kind="briefing",
            )
            job.status, job.briefing, job.finished_at, job.error = JobStatus.DONE, briefing, timezone.now(), ""
            job.save(update_fields=["status", "briefing", "finished_at", "error"])
            return briefing
    except (ValidationFailed, IntegrityError) as exc:  # e.g. no figures for the month: tried again tomorrow
        job.status, job.error, job.finished_at = JobStatus.FAILED, str(exc), timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return None
    except Exception as exc:  # anything else: recorded (so tomorrow's run queues it again) and left to the worker's log
        job.status, job.error, job.finished_at = JobStatus.FAILED, repr(exc)[:2000], timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
