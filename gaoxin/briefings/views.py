"""Briefings in the workbench: the list, generate (period, scope, template), read, edit the text (the generated version
is kept), download Word/PDF/Excel, templates, and the city's totals. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.briefings import forms, permissions, selectors, services
from gaoxin.briefings.document import parse
from gaoxin.briefings.exports import Sheet, response
from gaoxin.briefings.generator import date_line
from gaoxin.briefings.models import Briefing, BriefingKind, ReferenceKey
from gaoxin.core.errors import DomainError, NotFound
from gaoxin.core.forms import attach_error
from gaoxin.core.http import AuthedRequest
from gaoxin.core.permissions import require
from gaoxin.indicators import selectors as indicator_selectors


def _scopes(request: AuthedRequest) -> list[tuple[str, str]]:
    choices = [("zone", _("全区"))] if permissions.zone_wide(request.user) else []
    return choices + [(p.code, p.name) for p in selectors.park_choices(request.user)]


@login_required
def briefing_list(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_view(request.user))
    kind, park = request.GET.get("kind", ""), request.GET.get("park", "")
    page = Paginator(selectors.briefing_list(request.user, kind=kind, park=park), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "briefings/list.html",
        {
            "page": page,
            "kind": kind,
            "park": park,
            "kinds": BriefingKind.choices,
            "parks": selectors.park_choices(request.user),
            "zone_wide": permissions.zone_wide(request.user),
            "can_write": bool(permissions.can_write(request.user)),
            "can_manage": bool(permissions.can_manage(request.user)),
            "querystring": f"kind={kind}&park={park}",
        },
    )


@login_required
def briefing_new(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_write(request.user))
    templates = [(str(t.pk), t.name) for t in selectors.template_list()]
    latest = indicator_selectors.latest_period()
    initial = {"period": f"{latest[0]}-{latest[1]:02d}" if latest else ""}
    default = selectors.default_template()
    if default is not None:
        initial["template"] = str(default.pk)
    form = forms.GenerateForm(request.POST or None, initial=initial, scopes=_scopes(request), templates=templates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            year, month = selectors.parse_period(data["period"])
            park = selectors.scope_get(request.user, data["scope"])
            template = selectors.template_get(data["template"] or None)
            briefing = services.briefing_generate(
                actor=request.user, year=year, month=month, park=park, template=template, kind=data["kind"]
            )
        except NotFound as exc:
            form.add_error("scope", exc.message)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已生成%(title)s，可修改正文后下载") % {"title": briefing.title})
            return redirect("briefings:detail", pk=briefing.pk)
    return render(request, "briefings/new.html", {"form": form})


@login_required
def briefing_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    briefing = selectors.briefing_get(request.user, pk)
    version = "generated" if request.GET.get("version") == "generated" else "current"
    text = briefing.generated_text if version == "generated" else briefing.text
    return render(
        request,
        "briefings/detail.html",
        {
            "b": briefing,
            "blocks": parse(text),
            "version": version,
            "date": date_line(timezone.localtime(briefing.created_at).date()),
            "can_write": bool(permissions.can_write(request.user)),
        },
    )


@login_required
def briefing_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    briefing = selectors.briefing_get(request.user, pk)
    require(permissions.can_write(request.user))
    form = forms.EditForm(request.POST or None, initial={"title": briefing.title, "text": briefing.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.briefing_edit(
                actor=request.user, briefing=briefing, title=form.cleaned_data["title"], text=form.cleaned_data["text"]
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已保存修改稿；生成稿仍保留"))
            return redirect("briefings:detail", pk=briefing.pk)
    return render(request, "briefings/edit.html", {"b": briefing, "form": form})


@login_required
@require_POST
def briefing_restore(request: AuthedRequest, pk: int) -> HttpResponse:
    briefing = selectors.briefing_get(request.user, pk)
    try:
        services.briefing_restore(actor=request.user, briefing=briefing)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已恢复为生成稿"))
    return redirect("briefings:detail", pk=briefing.pk)


def sheet_of(briefing: Briefing) -> Sheet:
    return Sheet(
        briefing.title,
        briefing.organization,
        date_line(timezone.localtime(briefing.created_at).date()),
        briefing.text,
        briefing.tables,
    )


@login_required
def briefing_download(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    briefing = selectors.briefing_get(request.user, pk)
    if fmt not in {"docx", "pdf", "xlsx"}:
        raise NotFound()
    return response(sheet_of(briefing), fmt)


# Templates ----------------------------------------------------------------------------------------------------


@login_required
def template_list(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_view(request.user))
    return render(
        request,
        "briefings/templates.html",
        {"templates": selectors.template_list(), "can_manage": bool(permissions.can_manage(request.user))},
    )


@login_required
def template_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    require(permissions.can_manage(request.user))
    instance = selectors.template_get(pk) if pk is not None else None
    form = forms.TemplateForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "sections": form.sections()}
        try:
            saved = services.template_save(actor=request.user, data=data, template=instance)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已保存模板“%(name)s”") % {"name": saved.name})
            return redirect("briefings:template_list")
    return render(request, "briefings/template_form.html", {"form": form, "instance": instance})


# The city's totals and the 小升规 task -----------------------------------------------------------------------


@login_required
def reference_list(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_view(request.user))
    today = timezone.localdate()
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else today.year
    can_manage = bool(permissions.can_manage(request.user))
    form = forms.ReferenceForm(request.POST or None, initial={"year": year})
    if request.method == "POST":
        require(permissions.can_manage(request.user))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.reference_save(
                    actor=request.user, year=data["year"], key=data["key"], value=data["value"], source=data["source"]
                )
            except DomainError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect(f"{request.path}?year={data['year']}")
    figures = {f.key: f for f in selectors.reference_list(year)}
    rows = [(label, figures.get(key)) for key, label in ReferenceKey.choices]
    return render(
        request,
        "briefings/references.html",
        {
            "rows": rows,
            "year": year,
            "years": range(today.year + 1, today.year - 6, -1),
            "form": form,
            "can_manage": can_manage,
        },
    )
