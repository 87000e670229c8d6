"""Reads of briefings. `briefing_scope` is THE scoping function of briefings; `park_choices` says which scopes a user
may generate. A briefing or a park outside the caller's scope answers NotFound, like one that does not exist."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gaoxin.briefings import permissions
from gaoxin.briefings.data import BriefingData, gather
from gaoxin.briefings.generator import Generated, Wording, compose, title_for
from gaoxin.briefings.models import Briefing, BriefingKind, BriefingTemplate, ReferenceFigure, ScheduledJob
from gaoxin.briefings.tables import build as build_tables
from gaoxin.core import normalize
from gaoxin.core.errors import NotFound, ValidationFailed
from gaoxin.indicators import selectors as indicator_selectors
from gaoxin.registry.models import Park


def briefing_scope(actor: Any) -> QuerySet[Briefing]:
    """Leaders and officers: every briefing; park officers: those of their parks; anyone else: none."""
    if not permissions.can_view(actor):
        return Briefing.objects.none()
    rows = Briefing.objects.select_related("park", "generated_by", "edited_by", "template")
    if permissions.zone_wide(actor):
        return rows
    return rows.filter(park__in=actor.parks.all())


def briefing_list(actor: Any, *, kind: str = "", park: str = "") -> QuerySet[Briefing]:
    rows = briefing_scope(actor)
    if kind in BriefingKind.values:
        rows = rows.filter(kind=kind)
    if park == "zone":
        rows = rows.filter(park__isnull=True)
    elif park.isdigit():
        rows = rows.filter(park_id=int(park))
    return rows.order_by("-created_at", "-id")


def briefing_get(actor: Any, pk: int) -> Briefing:
    found = briefing_scope(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def park_choices(actor: Any) -> QuerySet[Park]:
    """The parks the actor may write a briefing of (leaders and officers: all; park officers: their own)."""
    if not permissions.can_view(actor):
        return Park.objects.none()
    if permissions.zone_wide(actor):
        return Park.objects.all()
    return actor.parks.all()


def scope_get(actor: Any, value: str | None) -> Park | None:
    """'zone' / '' → the zone (None), a park's code or id → that park; outside the actor's scope: NotFound."""
    value = (value or "").strip()
    if value in {"", "zone", "全区"}:
        if not permissions.zone_wide(actor):
            raise NotFound(_("您只能查看所负责园区的简报"))
        return None
    parks = park_choices(actor)
    park = parks.filter(code=value).first() or (parks.filter(pk=int(value)).first() if value.isdigit() else None)
    if park is None:
        raise NotFound()
    return park


def park_by_code(code: str | None) -> Park | None:
    """For the command line (run by IT staff: every park): 'zone' or nothing → None; an unknown code → NotFound."""
    if not code or code in {"zone", "全区"}:
        return None
    park = Park.objects.filter(code=code).first() or Park.objects.filter(name=code).first()
    if park is None:
        raise NotFound(_("没有编码为“%(code)s”的园区") % {"code": code})
    return park


def parse_period(raw: str | None) -> tuple[int, int]:
    """'2020-11' (or 2020年11月, 202011 …) → (2020, 11); empty → the latest month with figures."""
    if raw:
        try:
            period = normalize.period(raw)
        except normalize.CellError as exc:
            raise ValidationFailed(str(exc), data={"field": "period"}) from exc
        if period:
            return period
        raise ValidationFailed(_("统计期应写成YYYY-MM，如2020-11"), data={"field": "period"})
    latest = indicator_selectors.latest_period()
    if latest is None:
        raise ValidationFailed(_("还没有月度经济数据，无法生成简报"), data={"field": "period"})
    return latest


def template_list() -> QuerySet[BriefingTemplate]:
    return BriefingTemplate.objects.all()


def template_get(pk: int | str | None) -> BriefingTemplate | None:
    """A template by id; None for none given (the default wording applies)."""
    if pk in (None, ""):
        return default_template()
    found = BriefingTemplate.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        found = BriefingTemplate.objects.filter(name=str(pk)).first()
    if found is None:
        raise NotFound(_("没有这个简报模板"))
    return found


def default_template() -> BriefingTemplate | None:
    return BriefingTemplate.objects.filter(is_default=True).first() or BriefingTemplate.objects.first()


def wording_of(template: BriefingTemplate | None) -> Wording:
    top = settings.BRIEFING_TOP_INDUSTRIES
    if template is None:
        from gaoxin.briefings.models import DEFAULT_SECTIONS

        return Wording(sections=list(DEFAULT_SECTIONS), top_industries=top)
    return Wording(
        title=template.title,
        zone_name=template.zone_name,
        park_term=template.park_term,
        organization=template.organization,
        sections=list(template.sections),
        top_industries=top,
    )


@dataclass
class Draft:
    generated: Generated
    data: BriefingData
    seconds: float

    @property
    def has_figures(self) -> bool:
        """Whether any monthly figure of the period is in the briefing (without one there is nothing to brief)."""
        return any(r.total.enterprises for r in self.data.rollups.values())


def draft(
    *, year: int, month: int, park: Park | None, wording: Wording, week: str = "", today: dt.date | None = None
) -> Draft:
    """The briefing of 1-N月 for the zone or a park, written but not saved (the command line, the benchmark and
    `services.briefing_generate` use it)."""
    started = time.perf_counter()
    sections = list(wording.sections)
    data = gather(year, month, park, sections=set(sections))
    scope = park.name if park is not None else wording.zone_name
    intro = f"本期研判使用{year}年1-{month}月数据{_STOP}" if week and month > 1 else ""
    if week and month == 1:
        intro = f"本期研判使用{year}年1月数据{_STOP}"
    text = compose(data, wording, intro=intro)
    tables = build_tables(data, sections, scope)
    generated = Generated(title_for(wording, scope, year, month, week=week), wording.organization, text, tables)
    return Draft(generated, data, time.perf_counter() - started)


_STOP = "。"


def reference_list(year: int) -> QuerySet[ReferenceFigure]:
    return ReferenceFigure.objects.filter(year=year).select_related("updated_by")


def reference_get(pk: int) -> ReferenceFigure:
    found = ReferenceFigure.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def job_list(limit: int = 20) -> QuerySet[ScheduledJob]:
    return ScheduledJob.objects.select_related("briefing")[:limit]
