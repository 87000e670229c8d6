"""The enterprise's side of policy cashing: the policy library, 适合我的政策 (what fits, what it lacks, muting a
category), a fund item with the live eligibility check, the application (prefilled, materials, submit, withdraw,
correct and resubmit), its receipt and history, and the 免申即享 offers to confirm."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.core.errors import DomainError, NotFound
from gaoxin.core.forms import attach_error
from gaoxin.core.http import AuthedRequest
from gaoxin.policy import amounts, forms, matching, permissions, selectors, services, workflow
from gaoxin.policy.models import AppStatus, Channel, PolicyCategory, PolicyLevel
from gaoxin.service.attachments import ACCEPT


def _enterprise_user(request: AuthedRequest) -> None:
    if not permissions.can_apply(request.user):
        raise NotFound(_("您的账号尚未绑定企业，或绑定申请仍在审核中"))


@login_required
def portal_policies(request: AuthedRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "").strip() for k in ("q", "category", "level")}
    rows = selectors.policy_search(request.user, **params).exclude(status="draft")
    return render(
        request,
        "policy/portal_policies.html",
        {
            "policies": list(rows[:100]),
            "params": params,
            "categories": PolicyCategory.choices,
            "levels": PolicyLevel.choices,
        },
    )


@login_required
def portal_policy(request: AuthedRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(request.user, pk)
    return render(
        request,
        "policy/portal_policy.html",
        {
            "policy": policy,
            "items": selectors.policy_items(request.user, policy),
            "attachments": selectors.policy_attachments(policy),
        },
    )


@login_required
def for_me(request: AuthedRequest) -> HttpResponse:
    """适合我的政策: from the registry-wide evaluation's stored results."""
    _enterprise_user(request)
    enterprise = request.user.enterprise
    assert enterprise is not None
    matches = matching.for_enterprise(enterprise)
    muted = selectors.muted_categories(enterprise.pk)
    live = {a.fund_item_id: a for a in selectors.portal_applications(request.user) if a.status not in ("withdrawn",)}
    return render(
        request,
        "policy/for_me.html",
        {
            "eligible": [m for m in matches if m.kind in ("eligible", "open")],
            "near": [m for m in matches if m.kind == "near"],
            "muted": muted,
            "categories": PolicyCategory.choices,
            "live": live,
            "offers": [a for a in live.values() if a.status == AppStatus.OFFERED],
        },
    )


@login_required
@require_POST
def mute(request: AuthedRequest) -> HttpResponse:
    _enterprise_user(request)
    category = request.POST.get("category", "")
    muted = request.POST.get("muted") == "1"
    try:
        services.mute_set(actor=request.user, category=category, muted=muted)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        label = dict(PolicyCategory.choices).get(category, category)
        messages.success(
            request,
            _("不再推送“%(c)s”类政策") % {"c": label} if muted else _("恢复推送“%(c)s”类政策") % {"c": label},
        )
    return redirect("policy:for_me")


@login_required
def portal_item(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.fund_item_get(request.user, pk)
    check = amount = None
    if permissions.can_apply(request.user) and request.user.enterprise is not None:
        facts = matching.facts_of(request.user.enterprise)
        check = matching.live_check(item, facts)
        amount = amounts.compute(amounts.Formula.of(item), facts, as_of=timezone.localdate())
    existing = (
        selectors.portal_applications(request.user).filter(fund_item=item).exclude(status="withdrawn").first()
        if permissions.can_apply(request.user)
        else None
    )
    today = timezone.localdate()
    return render(
        request,
        "policy/portal_item.html",
        {
            "item": item,
            "materials": list(item.materials.all()),
            "check": check,
            "amount": amount,
            "existing": existing,
            "open": item.status == "open" and item.opens_on <= today <= item.closes_on,
        },
    )


@login_required
@require_POST
def portal_apply(request: AuthedRequest, pk: int) -> HttpResponse:
    _enterprise_user(request)
    item = selectors.fund_item_get(request.user, pk)
    try:
        application = services.application_start(actor=request.user, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("policy:portal_item", pk=pk)
    return redirect("policy:portal_application", pk=application.pk)


@login_required
def portal_applications(request: AuthedRequest) -> HttpResponse:
    _enterprise_user(request)
    rows = list(selectors.portal_applications(request.user)[:200])
    return render(
        request,
        "policy/portal_applications.html",
        {"rows": [(a, workflow.enterprise_label(a)) for a in rows]},
    )


@login_required
def portal_application(request: AuthedRequest, pk: int) -> HttpResponse:
    _enterprise_user(request)
    application = selectors.application_get(request.user, pk)
    item = application.fund_item
    editable = application.status in services.EDITABLE
    form = forms.ApplicationForm(
        initial={
            "project_name": application.project_name,
            "project_summary": application.project_summary,
            "bank_name": application.bank_name,
            "bank_account": application.bank_account,
            "account_name": application.account_name,
            "commitments_accepted": application.commitments_accepted,
        }
    )
    files = selectors.application_files(application)
    check = matching.live_check(item, matching.facts_of(application.enterprise)) if editable else None
    return render(
        request,
        "policy/portal_application.html",
        {
            "a": application,
            "item": item,
            "status_label": workflow.enterprise_label(application),
            "editable": editable,
            "form": form,
            "offer_form": forms.OfferForm(initial={"account_name": application.enterprise.name})
            if application.status == AppStatus.OFFERED
            else None,
            "materials": [(m, [f for f in files if f.requirement_id == m.pk]) for m in item.materials.all()],
            "missing": services.missing_materials(application) if editable else [],
            "check": check,
            "events": selectors.application_events(request.user, application),
            "can_withdraw": services.can_withdraw(application),
            "accept": ACCEPT,
            "enterprise": application.enterprise,
            "facts_year": sorted(application.facts.get("years", {}).items())[-2:],
            "is_offer": application.channel == Channel.OFFER,
        },
    )


def _save_form(request: AuthedRequest, application: object) -> DomainError | None:
    form = forms.ApplicationForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        services.application_save(
            actor=request.user,
            application=application,  # type: ignore[arg-type]
            project_name=data.get("project_name", ""),
            project_summary=data.get("project_summary", ""),
            bank_name=data.get("bank_name", ""),
            bank_account=data.get("bank_account", ""),
            account_name=data.get("account_name", ""),
            commitments_accepted=bool(data.get("commitments_accepted")),
        )
    except DomainError as exc:
        return exc
    return None


@login_required
@require_POST
def portal_save(request: AuthedRequest, pk: int) -> HttpResponse:
    """Save the form; with `submit`, submit it too (the eligibility check and the checklist run then)."""
    _enterprise_user(request)
    application = selectors.application_get(request.user, pk)
    error = _save_form(request, application)
    if error is not None:
        messages.error(request, error.message)
        return redirect("policy:portal_application", pk=pk)
    if request.POST.get("submit"):
        try:
            application = services.application_submit(actor=request.user, application=application)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("policy:portal_application", pk=pk)
        messages.success(
            request,
            _("申报已提交，受理编号%(n)s。可在本页查看办理进度，或打印受理回执。") % {"n": application.number},
        )
        return redirect("policy:portal_application", pk=pk)
    messages.success(request, _("已保存草稿"))
    return redirect("policy:portal_application", pk=pk)


@login_required
@require_POST
def portal_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    _enterprise_user(request)
    application = selectors.application_get(request.user, pk)
    requirement_id = request.POST.get("requirement", "")
    requirement = (
        application.fund_item.materials.filter(pk=int(requirement_id)).first() if requirement_id.isdigit() else None
    )
    if requirement is None:
        raise NotFound()
    try:
        services.application_upload(
            actor=request.user, application=application, requirement=requirement, files=request.FILES.getlist("files")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已上传“%(n)s”") % {"n": requirement.name})
    return redirect("policy:portal_application", pk=pk)


@login_required
@require_POST
def portal_remove_file(request: AuthedRequest, pk: int) -> HttpResponse:
    _enterprise_user(request)
    row = selectors.file_get(request.user, pk)
    application_pk = row.application_id
    try:
        services.application_remove_file(actor=request.user, file=row)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除文件"))
    return redirect("policy:portal_application", pk=application_pk)


@login_required
@require_POST
def portal_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    _enterprise_user(request)
    application = selectors.application_get(request.user, pk)
    try:
        services.application_withdraw(
            actor=request.user, application=application, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("申报已撤回"))
    return redirect("policy:portal_application", pk=pk)


@login_required
def portal_receipt(request: AuthedRequest, pk: int) -> HttpResponse:
    _enterprise_user(request)
    application = selectors.application_get(request.user, pk)
    if application.submitted_at is None:
        raise NotFound(_("申报提交后才有受理回执"))
    return render(
        request,
        "policy/portal_receipt.html",
        {"a": application, "files": selectors.application_files(application), "printed": timezone.now()},
    )


@login_required
@require_POST
def offer_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    _enterprise_user(request)
    application = selectors.application_get(request.user, pk)
    form = forms.OfferForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        services.offer_confirm(
            actor=request.user,
            application=application,
            bank_name=data.get("bank_name", ""),
            bank_account=data.get("bank_account", ""),
            account_name=data.get("account_name", ""),
            commitments_accepted=bool(data.get("commitments_accepted")),
        )
    except DomainError as exc:
        attach_error(form, exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已确认，资金将按程序拨付至贵企业账户"))
    return redirect("policy:portal_application", pk=pk)


@login_required
@require_POST
def offer_decline(request: AuthedRequest, pk: int) -> HttpResponse:
    _enterprise_user(request)
    application = selectors.application_get(request.user, pk)
    try:
        services.offer_decline(actor=request.user, application=application, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已记录贵企业放弃享受"))
    return redirect("policy:portal_application", pk=pk)
