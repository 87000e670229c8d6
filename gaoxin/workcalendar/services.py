"""An administrator's corrections of the working-day calendar, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gaoxin.accounts.roles import Role
from gaoxin.core import audit
from gaoxin.core.errors import PermissionDenied, ValidationFailed
from gaoxin.core.models import AuditAction
from gaoxin.workcalendar.models import CalendarDay, CalendarYear


def _require_admin(actor: Any) -> None:
    if actor is not None and not (actor.is_authenticated and actor.is_active and actor.role == Role.ADMIN):
        raise PermissionDenied(_("只有管理员可以维护工作日历"))


@transaction.atomic
def day_set(*, actor: Any, day: dt.date, is_workday: bool, name: str = "") -> CalendarDay:
    """Declare one day off (a holiday) or working (a 调休 weekend); replaces an earlier correction of that day."""
    _require_admin(actor)
    if is_workday is None:
        raise ValidationFailed(_("请选择上班或放假"), data={"field": "is_workday"})
    row = CalendarDay.objects.filter(day=day).first()
    before = (row.is_workday, row.name) if row else None
    row = row or CalendarDay(day=day)
    row.is_workday, row.name = is_workday, name.strip()
    row.save()
    word = {True: "上班", False: "放假"}
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        target=row,
        changes={
            str(day): [
                f"{word[before[0]]} {before[1]}".strip() if before else None,
                f"{word[is_workday]} {row.name}".strip(),
            ]
        },
    )
    return row


@transaction.atomic
def day_delete(*, actor: Any, day: dt.date) -> None:
    _require_admin(actor)
    row = CalendarDay.objects.filter(day=day).first()
    if row is None:
        return
    audit.record(
        actor=actor, action=AuditAction.DELETE, target=row, changes={str(day): [row.name or str(row.is_workday), None]}
    )
    row.delete()


@transaction.atomic
def year_import(*, actor: Any, year: int, lines: str, notice: str = "") -> int:
    """A whole year from the State Council's notice, one day per line: "2027-02-06,上班,春节调休" or
    "2027-02-10,放假,春节" (ranges "2027-02-10~2027-02-17,放假,春节" accepted). Replaces the year's corrections and
    marks it complete. All or nothing: a bad line names its number and the reason."""
    _require_admin(actor)
    rows: dict[dt.date, tuple[bool, str]] = {}
    for number, raw in enumerate(lines.splitlines(), start=1):
        text = raw.strip().replace("，", ",")
        if not text:
            continue
        parts = [p.strip() for p in text.split(",")]
        if len(parts) < 2:
            raise ValidationFailed(_("第%(n)s行：应为“日期,放假或上班,名称”") % {"n": number}, data={"field": "lines"})
        when, kind, name = parts[0], parts[1], parts[2] if len(parts) > 2 else ""
        if kind not in ("放假", "上班"):
            raise ValidationFailed(_("第%(n)s行：第二列应为“放假”或“上班”") % {"n": number}, data={"field": "lines"})
        try:
            first, _sep, last = when.replace("～", "~").partition("~")
            start = dt.date.fromisoformat(first.strip())
            end = dt.date.fromisoformat(last.strip()) if last else start
        except ValueError:
            raise ValidationFailed(
                _("第%(n)s行：日期“%(d)s”应写作2027-02-10或2027-02-10~2027-02-17") % {"n": number, "d": when},
                data={"field": "lines"},
            ) from None
        if start.year != year or end.year != year or end < start:
            raise ValidationFailed(
                _("第%(n)s行：日期不在%(y)s年内或起止颠倒") % {"n": number, "y": year}, data={"field": "lines"}
            )
        day = start
        while day <= end:
            rows[day] = (kind == "上班", name)
            day += dt.timedelta(days=1)
    if not rows:
        raise ValidationFailed(_("没有读到任何日期"), data={"field": "lines"})
    CalendarDay.objects.filter(day__year=year).delete()
    CalendarDay.objects.bulk_create([CalendarDay(day=d, is_workday=w, name=n) for d, (w, n) in sorted(rows.items())])
    marker, _created = CalendarYear.objects.update_or_create(year=year, defaults={"notice": notice.strip()})
    audit.record(
        actor=actor,
        action=AuditAction.IMPORT_UPDATE,
        target=marker,
        changes={_("%(y)s年节假日安排") % {"y": year}: [None, _("%(n)s天") % {"n": len(rows)}]},
        reason=notice.strip(),
    )
    return len(rows)
