"""Leader cockpit and analysis pages of economic monitoring. Thin: parse → check → rollups/selectors → render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.accounts.roles import ZONE_WIDE_ROLES
from gaoxin.core import display, formulas, normalize
from gaoxin.core.errors import DomainError, NotFound
from gaoxin.core.excel import table_xlsx, xlsx_response
from gaoxin.core.forms import attach_error
from gaoxin.core.http import AuthedRequest
from gaoxin.core.permissions import require
from gaoxin.indicators import analysis, forms, permissions, selectors, services
from gaoxin.indicators.models import Indicator, Target
from gaoxin.indicators.rollups import GROUPINGS, Rollup, lower_is_better, period_end, rollup
from gaoxin.registry.selectors import enterprise_scope, industry_tree, park_scope

GROUP_LABELS = {
    "park": gettext_lazy("园区"),
    "industry": gettext_lazy("主导产业"),
    "chain": gettext_lazy("产业链环节"),
    "scale": gettext_lazy("规上/规下"),
    "qualification": gettext_lazy("资质"),
}


def _require(request: AuthedRequest) -> None:
    require(permissions.can_view_monitoring(request.user))


def _period(request: AuthedRequest, indicator: Indicator | None = None) -> tuple[int, int]:
    raw = request.GET.get("period", "")
    if raw:
        try:
            period = normalize.period(raw)
        except normalize.CellError as exc:
            raise NotFound(str(exc)) from exc
        if period:
            return period
    latest = selectors.latest_period(indicator)
    if latest is None:
        raise NotFound(_("还没有月度经济数据：请先导入统计数据（manage.py import_indicators）"))
    return latest


def _whole(request: AuthedRequest) -> bool:
    """Whether the caller's scope is the whole zone, so that the zone's targets and official rates apply to it."""
    return request.user.role in ZONE_WIDE_ROLES


def _indicator(request: AuthedRequest, default: str = "output_value") -> Indicator:
    return selectors.indicator_get(request.GET.get("indicator") or default)


def status_of(result: Rollup) -> str:
    """green / yellow / red for a card: against 序时进度 when there is a total target, else against the growth target
    (or zero growth). Yellow is within MONITORING_WARNING_POINTS 百分点 below."""
    warning = Decimal(settings.MONITORING_WARNING_POINTS)
    gap = result.schedule_gap
    if gap is None:
        gap = result.growth_gap
    if gap is None:
        growth = result.total.official_yoy if result.total.official_yoy is not None else result.total.yoy
        gap = growth
    if gap is None:
        return "secondary"
    if lower_is_better(result.indicator):
        gap = -gap  # falling energy intensity is good
    if gap >= 0:
        return "green"
    return "yellow" if gap >= -warning else "red"


@login_required
def cockpit(request: AuthedRequest) -> HttpResponse:
    _require(request)
    scope = enterprise_scope(request.user)
    whole = _whole(request)
    year, month = _period(request)
    selected = _indicator(request)
    cards = []
    for code in settings.COCKPIT_INDICATORS:
        try:
            indicator = selectors.indicator_get(code)
        except NotFound:
            continue
        result = rollup(indicator, year=year, month=month, enterprises=scope, whole=whole)
        if not result.total.enterprises:
            continue
        growth = result.total.official_yoy if result.total.official_yoy is not None else result.total.yoy
        cards.append(
            {
                "indicator": indicator,
                "value": display.amount(result.total.value, indicator.unit),
                "growth": display.growth(growth) if growth is not None else "",
                "official": result.total.official_yoy is not None,
                "nominal_only": indicator.comparable_prices and result.total.official_yoy is None,
                "target": result.target_sentence(),
                "completion": result.completion,
                "status": status_of(result),
                "enterprises": result.total.enterprises,
            }
        )
    this_year = selectors.monthly_totals(selected, year, scope)
    last_year = selectors.monthly_totals(selected, year - 1, scope)
    by_park = rollup(selected, year=year, month=month, enterprises=scope, by="park", whole=whole)
    by_industry = rollup(selected, year=year, month=month, enterprises=scope, by="industry", whole=whole)
    divisor = Decimal(10000) if selected.unit == "万元" else Decimal(1)
    unit = "亿元" if selected.unit == "万元" else selected.unit

    def scaled(value: Decimal | None) -> float | None:
        return None if value is None else float(round(value / divisor, 2))

    charts = {
        "unit": unit,
        "months": [f"{m}月" for m in range(1, 13)],
        "trend": {
            "this": [scaled(v) if i < month else None for i, v in enumerate(this_year)],
            "last": [scaled(v) for v in last_year],
            "this_label": f"{year}年",
            "last_label": f"{year - 1}年",
        },
        "parks": [{"name": r.group, "value": scaled(r.value), "yoy": _round(r.yoy)} for r in by_park.rows],
        "industries": [{"name": r.group, "value": scaled(r.value)} for r in by_industry.rows],
    }
    return render(
        request,
        "indicators/cockpit.html",
        {
            "year": year,
            "month": month,
            "time_progress": formulas.time_progress(month),
            "cards": cards,
            "selected": selected,
            "by_park": by_park,
            "charts": charts,
            "indicators": list(selectors.indicator_list()),
        },
    )


def _r4(value: Decimal | None) -> Decimal | None:
    return None if value is None else round(value, 4)


def _round(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 1))


@login_required
def drill(request: AuthedRequest) -> HttpResponse:
    _require(request)
    indicator = _indicator(request)
    year, month = _period(request, indicator)
    by = request.GET.get("by", "park")
    if by not in GROUPINGS:
        by = "park"
    result = rollup(
        indicator, year=year, month=month, enterprises=enterprise_scope(request.user), by=by, whole=_whole(request)
    )
    if request.GET.get("format") == "xlsx":
        title = _("%(name)s（%(y)s年1-%(m)s月，按%(g)s）") % {
            "name": indicator.name,
            "y": year,
            "m": month,
            "g": str(GROUP_LABELS[by]),
        }
        headers = [
            str(GROUP_LABELS[by]),
            _("企业数"),
            _("累计(%(unit)s)") % {"unit": indicator.unit},
            _("可比口径本年"),
            _("可比口径去年"),
            _("同比(%)"),
            _("占比(%)"),
            _("表述"),
            _("总量排名"),
            _("增速排名"),
        ]
        rows = [
            [
                r.group,
                r.enterprises,
                r.value,
                r.comparable_value,
                r.base,
                _r4(r.yoy),
                _r4(r.share),
                r.display,
                r.rank_value,
                r.rank_yoy,
            ]
            for r in [*result.rows, result.total]
        ]
        return xlsx_response(indicator.name, table_xlsx(title, headers, rows, note=result.target_sentence()))
    return render(
        request,
        "indicators/drill.html",
        {
            "r": result,
            "by": by,
            "groupings": [(key, GROUP_LABELS[key]) for key in GROUPINGS],
            "group_label": GROUP_LABELS[by],
            "period": f"{year}-{month:02d}",
        },
    )


FILTERS: dict[str, str] = {
    "park": "park_id",
    "industry": "industry_root",
    "chain": "chain_stage",
    "scale": "is_above_scale",
}


@login_required
def enterprises(request: AuthedRequest) -> HttpResponse:
    _require(request)
    indicator = _indicator(request)
    if indicator.aggregation != "sum":
        raise NotFound(_("比值类指标没有逐户明细，请查看其分子、分母指标"))
    year, month = _period(request, indicator)
    scope = enterprise_scope(request.user)
    label = _("全部企业")
    by, key = request.GET.get("by", ""), request.GET.get("key", "")
    if by == "park" and key:
        park = park_scope(request.user).filter(pk=key).first() if key.isdigit() else None
        if park is None:
            raise NotFound()
        scope, label = scope.filter(park=park), park.name
    elif by == "industry" and key.isdigit():
        root = next((r for r, _kids in industry_tree() if r.pk == int(key)), None)
        if root is None:
            raise NotFound()
        scope, label = scope.filter(industry__in=[root, *root.children.all()]), root.name
    elif by == "chain" and key:
        scope, label = scope.filter(chain_stage=key), key
    elif by == "scale" and key in ("True", "False"):
        scope, label = scope.filter(is_above_scale=key == "True"), "规上" if key == "True" else "规下"
    elif by == "qualification" and (key.isdigit() or key == "none"):
        qtype = int(key) if key.isdigit() else None
        scope, label = selectors.enterprises_qualified(scope, qtype, period_end(year, month))
    order = request.GET.get("order", "drag")
    figures = selectors.enterprise_figures(indicator, year=year, month=month, enterprises=scope)
    if order == "lift":
        figures.sort(key=lambda f: (f.contribution is None, -(f.contribution or 0)))
    elif order == "value":
        figures.sort(key=lambda f: -(f.value or 0))
    else:
        order = "drag"
        figures.sort(key=lambda f: (f.contribution is None, f.contribution or 0))
    # A group is part of the zone: the zone's target and official rate are not its own.
    group_total = rollup(indicator, year=year, month=month, enterprises=scope, whole=by == "" and _whole(request))
    if request.GET.get("format") == "xlsx":
        title = _("%(label)s · %(name)s（%(y)s年1-%(m)s月）") % {
            "label": label,
            "name": indicator.name,
            "y": year,
            "m": month,
        }
        headers = [
            _("统一社会信用代码"),
            _("企业名称"),
            _("园区"),
            _("本年累计(%(unit)s)") % {"unit": indicator.unit},
            _("去年同期(%(unit)s)") % {"unit": indicator.unit},
            _("同比(%)"),
            _("拉动(百分点)"),
        ]
        rows = [
            [
                fig.enterprise.uscc,
                fig.enterprise.name,
                fig.enterprise.park.name,
                fig.value,
                fig.last_year,
                _r4(fig.yoy),
                _r4(fig.contribution),
            ]
            for fig in figures
        ]
        return xlsx_response(indicator.name, table_xlsx(title, headers, rows, note=group_total.total.display))
    return render(
        request,
        "indicators/enterprises.html",
        {
            "indicator": indicator,
            "figures": figures[:200],
            "count": len(figures),
            "label": label,
            "total": group_total.total,
            "order": order,
            "year": year,
            "month": month,
            "period": f"{year}-{month:02d}",
            "by": by,
            "key": key,
        },
    )


@login_required
def weekly(request: AuthedRequest) -> HttpResponse:
    """经济指标每周一研判: the latest month's anomalies, for the weekly meeting."""
    _require(request)
    indicator = _indicator(request)
    year, month = _period(request, indicator)
    scope = enterprise_scope(request.user)
    return render(
        request,
        "indicators/weekly.html",
        {
            "indicator": indicator,
            "year": year,
            "month": month,
            "period": f"{year}-{month:02d}",
            "total": rollup(indicator, year=year, month=month, enterprises=scope, whole=_whole(request)),
            "missing": analysis.missing_reports(indicator, year=year, month=month, enterprises=scope),
            "drops": analysis.biggest_drops(indicator, year=year, month=month, enterprises=scope),
            "swings": analysis.biggest_swings(indicator, year=year, month=month, enterprises=scope),
            "behind": analysis.targets_behind(year=year, month=month, enterprises=scope, whole=_whole(request)),
            "indicators": [i for i in selectors.indicator_list() if i.aggregation == "sum"],
        },
    )


@login_required
def small_to_above(request: AuthedRequest) -> HttpResponse:
    """小升规 candidates from annual revenue, for the officers who cultivate them."""
    _require(request)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else selectors.latest_annual_year()
    candidates = (
        selectors.small_to_above_candidates(year=year, enterprises=enterprise_scope(request.user)) if year else []
    )
    if year and request.GET.get("format") == "xlsx":
        headers = [
            _("统一社会信用代码"),
            _("企业名称"),
            _("园区"),
            _("营业收入(万元)"),
            _("上年营业收入(万元)"),
            _("增速(%)"),
            _("入选理由"),
        ]
        rows = [
            [
                c.enterprise.uscc,
                c.enterprise.name,
                c.enterprise.park.name,
                c.revenue,
                c.revenue_last_year,
                _r4(c.growth),
                c.reason,
            ]
            for c in candidates
        ]
        title = _("%(y)s年小升规培育对象") % {"y": year}
        return xlsx_response(title, table_xlsx(title, headers, rows))
    return render(request, "indicators/small_to_above.html", {"year": year, "candidates": candidates})


def _year(request: AuthedRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@login_required
def targets(request: AuthedRequest) -> HttpResponse:
    """Annual targets and official rates of a year, for the bureau officers who enter them."""
    _require(request)
    year = _year(request)
    return render(
        request,
        "indicators/targets.html",
        {
            "year": year,
            "targets": selectors.target_list(year),
            "rates": selectors.official_rate_list(year),
            "can_manage": permissions.can_manage_targets(request.user),
        },
    )


def _edit(
    request: AuthedRequest, form_class: Any, service: Any, keyword: str, instance: Any, label: str
) -> HttpResponse:
    require(permissions.can_manage_targets(request.user))
    form = form_class(request.POST or None, instance=instance, initial={"year": _year(request)})
    if request.method == "POST" and form.is_valid():
        kwargs: dict[str, Any] = {"actor": request.user, "data": form.cleaned_data}
        if instance is not None:
            kwargs[keyword] = _fresh(instance)
        try:
            saved = service(**kwargs)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("%(label)s已保存") % {"label": label})
            return redirect(f"{reverse('monitoring:targets')}?year={saved.year}")
    return render(request, "indicators/target_form.html", {"form": form, "label": label, "instance": instance})


def _fresh(instance: Any) -> Any:
    """The object as stored: a ModelForm has already written the submitted values onto `instance`."""
    getter = selectors.target_get if isinstance(instance, Target) else selectors.official_rate_get
    return getter(instance.pk)


@login_required
def target_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    instance = selectors.target_get(pk) if pk else None
    return _edit(request, forms.TargetForm, services.target_save, "target", instance, _("年度目标"))


@login_required
def rate_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    instance = selectors.official_rate_get(pk) if pk else None
    return _edit(request, forms.OfficialRateForm, services.official_rate_save, "rate", instance, _("核定增速"))
