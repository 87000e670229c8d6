"""Registry pages: the enterprise list, the enterprise profile (企业画像), editing, qualifications, expiring
qualifications, Excel export, and the zone structure. Thin: parse → check → one service or selector → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gaoxin.core.errors import DomainError, NotFound
from gaoxin.core.forms import attach_error
from gaoxin.core.http import AuthedRequest
from gaoxin.core.permissions import require
from gaoxin.registry import exports, forms, permissions, selectors, services
from gaoxin.registry.models import ChainLink, Qualification


@login_required
def enterprise_list(request: AuthedRequest) -> HttpResponse:
    form = forms.EnterpriseFilterForm(request.GET or None, actor=request.user)
    filters = form.filters() if request.GET else selectors.EnterpriseFilters()
    qs = selectors.enterprise_list(request.user, filters)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "querystring": query.urlencode(),
        "can_create": permissions.can_create_enterprise(request.user),
        "can_export": permissions.can_export_registry(request.user),
    }
    template = (
        "registry/_enterprise_table.html"
        if request.htmx and not request.htmx.boosted
        else "registry/enterprise_list.html"
    )
    return render(request, template, context)


@login_required
def enterprise_export(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_export_registry(request.user))
    form = forms.EnterpriseFilterForm(request.GET or None, actor=request.user)
    qs = selectors.enterprise_list(request.user, form.filters())
    return exports.enterprises_xlsx_response(qs)


@login_required
def enterprise_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(request.user, pk)
    return render(
        request,
        "registry/enterprise_detail.html",
        {
            "e": enterprise,
            "ladder": selectors.ladder_position(enterprise),
            "checks": selectors.check_rows(enterprise),
            "history": selectors.enterprise_history(request.user, enterprise),
            "can_edit": permissions.can_edit_enterprise(request.user, enterprise),
            "show_contacts": permissions.can_view_contacts(request.user),
        },
    )


@login_required
def enterprise_create(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_create_enterprise(request.user))
    form = forms.EnterpriseCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(
                actor=request.user,
                data={"uscc": form.cleaned_data["uscc"], **form.service_data()},
                uscc_override_reason=form.cleaned_data.get("override_reason", "")
                if form.cleaned_data.get("accept_checksum")
                else "",
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已登记企业：%(name)s") % {"name": enterprise.name})
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(request, "registry/enterprise_form.html", {"form": form, "creating": True})


@login_required
def enterprise_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(request.user, pk)
    require(permissions.can_edit_enterprise(request.user, enterprise))
    form = forms.EnterpriseForm(request.POST or None, instance=enterprise, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(
                actor=request.user,
                enterprise=selectors.enterprise_get(request.user, pk),
                data=form.service_data(),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("企业信息已保存"))
            return redirect("registry:enterprise_detail", pk=pk)
    return render(request, "registry/enterprise_form.html", {"form": form, "e": enterprise, "creating": False})


def _qualification_in_scope(request: AuthedRequest, pk: int, qid: int) -> tuple[Any, Qualification]:
    enterprise = selectors.enterprise_get(request.user, pk)
    qualification = next((q for q in enterprise.qualifications.all() if q.pk == int(qid)), None)
    if qualification is None:
        raise NotFound()
    return enterprise, qualification


@login_required
def qualification_create(request: AuthedRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_get(request.user, pk)
    require(permissions.can_edit_enterprise(request.user, enterprise))
    form = forms.QualificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.qualification_create(actor=request.user, enterprise=enterprise, data=form.cleaned_data)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("资质已添加"))
            return redirect("registry:enterprise_detail", pk=pk)
    return render(request, "registry/qualification_form.html", {"form": form, "e": enterprise})


@login_required
def qualification_edit(request: AuthedRequest, pk: int, qid: int) -> HttpResponse:
    enterprise, qualification = _qualification_in_scope(request, pk, qid)
    require(permissions.can_edit_enterprise(request.user, enterprise))
    form = forms.QualificationForm(request.POST or None, instance=qualification)
    if request.method == "POST" and form.is_valid():
        _enterprise, fresh = _qualification_in_scope(request, pk, qid)
        try:
            services.qualification_update(actor=request.user, qualification=fresh, data=form.cleaned_data)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("资质已保存"))
            return redirect("registry:enterprise_detail", pk=pk)
    return render(request, "registry/qualification_form.html", {"form": form, "e": enterprise, "q": qualification})


@login_required
@require_POST
def qualification_delete(request: AuthedRequest, pk: int, qid: int) -> HttpResponse:
    _enterprise, qualification = _qualification_in_scope(request, pk, qid)
    form = forms.DeleteReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("删除资质须填写原因"))
    else:
        services.qualification_delete(
            actor=request.user, qualification=qualification, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("资质已删除"))
    return redirect("registry:enterprise_detail", pk=pk)


@login_required
def enterprise_checks(request: AuthedRequest, pk: int) -> HttpResponse:
    """核实事项: the yes/no matters the criteria ask about, as verified by an officer."""
    enterprise = selectors.enterprise_get(request.user, pk)
    require(permissions.can_edit_enterprise(request.user, enterprise))
    form = forms.EnterpriseChecksForm(request.POST or None, checks=selectors.enterprise_checks(enterprise))
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.checks_update(actor=request.user, enterprise=enterprise, answers=form.answers())
        except DomainError as exc:
            attach_error(form, exc)
        else:
            if changed:
                messages.success(request, _("已保存 %(n)s 项核实结果，认定条件将重新评估") % {"n": changed})
            else:
                messages.info(request, _("核实结果没有变化"))
            return redirect("registry:enterprise_detail", pk=pk)
    return render(request, "registry/enterprise_checks.html", {"form": form, "e": enterprise})


@login_required
def expiring(request: AuthedRequest) -> HttpResponse:
    days_raw = request.GET.get("days", "")
    days = int(days_raw) if days_raw.isdigit() and 0 < int(days_raw) <= 730 else None
    qs = selectors.qualifications_expiring(request.user, within_days=days)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request, "registry/expiring.html", {"page": page, "days": days or 183, "querystring": f"days={days or 183}"}
    )


# Zone structure ---------------------------------------------------------------------------------------------

STRUCTURE_KINDS: dict[str, tuple[Any, Any, Any, Any]] = {
    # kind: (label, form, service, selector of one object)
    "zone": (gettext_lazy("高新区"), forms.ZoneForm, services.zone_save, None),
    "park": (gettext_lazy("园区"), forms.ParkForm, services.park_save, "parks"),
    "department": (gettext_lazy("部门"), forms.DepartmentForm, services.department_save, "departments"),
    "industry": (gettext_lazy("产业"), forms.IndustryForm, services.industry_save, "industries"),
    "chain": (gettext_lazy("产业链"), forms.ChainForm, services.chain_save, "chains"),
}


@login_required
def structure(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "registry/structure.html",
        {
            "parks": selectors.park_scope(request.user),
            "departments": selectors.departments(),
            "industry_tree": selectors.industry_tree(),
            "chains": selectors.chains(),
            "qualification_types": selectors.qualification_types(),
            "can_manage": permissions.can_manage_structure(request.user),
            "link_form": forms.ChainLinkForm(),
        },
    )


@login_required
def structure_edit(request: AuthedRequest, kind: str, pk: int | None = None) -> HttpResponse:
    if kind not in STRUCTURE_KINDS:
        raise NotFound()
    require(permissions.can_manage_structure(request.user))
    label, form_class, service, _selector = STRUCTURE_KINDS[kind]
    instance = selectors.structure_get(kind, pk) if (pk is not None or kind == "zone") else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        keyword = {"zone": None, "park": "park", "department": "department", "industry": "industry", "chain": "chain"}[
            kind
        ]
        kwargs: dict[str, Any] = {"actor": request.user, "data": form.cleaned_data}
        if keyword and instance is not None:
            # a fresh copy: the valid form has already written the new values onto `instance`, so the service
            # would see no change, save nothing and audit nothing
            kwargs[keyword] = selectors.structure_get(kind, pk)
        try:
            service(**kwargs)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("%(label)s已保存") % {"label": label})
            return redirect("registry:structure")
    return render(request, "registry/structure_form.html", {"form": form, "label": label, "instance": instance})


@login_required
@require_POST
def chain_link_add(request: AuthedRequest, pk: int) -> HttpResponse:
    chain = selectors.structure_get("chain", pk)
    form = forms.ChainLinkForm(request.POST)
    if form.is_valid():
        services.chain_link_add(actor=request.user, chain=chain, **form.cleaned_data)
        messages.success(request, _("环节已添加"))
    return redirect("registry:structure")


@login_required
@require_POST
def chain_link_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    link: ChainLink = selectors.structure_get("chainlink", pk)
    services.chain_link_remove(actor=request.user, link=link)
    messages.success(request, _("环节已移除"))
    return redirect("registry:structure")
