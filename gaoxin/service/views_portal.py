"""The enterprise's side of the service desk: file an appeal (with the duplicate suggestion), its appeals, one appeal
with every step, the approved replies, the clarification answer and the rating form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.core.errors import DomainError, NotFound
from gaoxin.core.forms import attach_error
from gaoxin.core.http import AuthedRequest
from gaoxin.service import forms, permissions, selectors, services
from gaoxin.service.attachments import ACCEPT
from gaoxin.service.models import AppealStatus, DispatchStatus


def _enterprise_user(request: AuthedRequest) -> None:
    if not permissions.can_file(request.user):
        raise NotFound(_("您的账号尚未绑定企业，或绑定申请仍在审核中"))


@login_required
def portal_list(request: AuthedRequest) -> HttpResponse:
    _enterprise_user(request)
    appeals = list(selectors.portal_appeals(request.user)[:100])
    return render(request, "service/portal_list.html", {"appeals": appeals})


@login_required
def portal_submit(request: AuthedRequest) -> HttpResponse:
    """File an appeal. An open appeal of the enterprise that looks the same is offered first: add to it, or file
    anyway."""
    _enterprise_user(request)
    user = request.user
    initial = {"contact_name": user.display_name, "contact_phone": user.phone}
    form = forms.AppealForm(request.POST or None, initial=initial)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        files = request.FILES.getlist("files")
        target = request.POST.get("supplement_to", "")
        try:
            if target.isdigit():
                appeal = selectors.appeal_get(user, int(target))
                services.appeal_supplement(actor=user, appeal=appeal, content=data["content"], files=files)
                messages.success(request, _("已补充到诉求%(number)s") % {"number": appeal.number})
                return redirect("service:portal_detail", pk=appeal.pk)
            if not request.POST.get("confirm"):
                duplicates = selectors.duplicate_candidates(user.enterprise_id or 0, data["title"], data["category"].pk)
            if not duplicates:
                result = services.appeal_submit(
                    actor=user,
                    category=data["category"],
                    title=data["title"],
                    content=data["content"],
                    urgency=data["urgency"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    files=files,
                )
                messages.success(
                    request,
                    _("诉求已提交，编号%(number)s。企业服务中心将在1个工作小时内响应。")
                    % {"number": result.appeal.number},
                )
                return redirect("service:portal_detail", pk=result.appeal.pk)
        except DomainError as exc:
            attach_error(form, exc)
    return render(request, "service/portal_form.html", {"form": form, "duplicates": duplicates, "accept": ACCEPT})


@login_required
def portal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _enterprise_user(request)
    appeal = selectors.appeal_get(request.user, pk)
    dispatches = selectors.appeal_dispatches(request.user, appeal)
    return render(
        request,
        "service/portal_detail.html",
        {
            "appeal": appeal,
            "replies": [d for d in dispatches if d.status == DispatchStatus.APPROVED],
            "events": selectors.appeal_events(request.user, appeal),
            "attachments": selectors.appeal_attachments(request.user, appeal),
            "rate_form": forms.RateForm() if appeal.status == AppealStatus.REPLIED else None,
            "questions": selectors.open_questions(appeal),
        },
    )


def _back(request: AuthedRequest, pk: int, exc: DomainError | None, done: str) -> HttpResponse:
    if exc is not None:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("service:portal_detail", pk=pk)


@login_required
@require_POST
def portal_rate(request: AuthedRequest, pk: int) -> HttpResponse:
    _enterprise_user(request)
    appeal = selectors.appeal_get(request.user, pk)
    try:
        appeal = services.appeal_rate(
            actor=request.user,
            appeal=appeal,
            rating=request.POST.get("rating", ""),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        return _back(request, pk, exc, "")
    if appeal.status == AppealStatus.NEW:
        done = _("感谢评价，诉求已重新交办，我们会再次办理")
    else:
        done = _("感谢评价，诉求已办结")
    return _back(request, pk, None, done)


@login_required
@require_POST
def portal_clarify(request: AuthedRequest, pk: int) -> HttpResponse:
    _enterprise_user(request)
    appeal = selectors.appeal_get(request.user, pk)
    try:
        services.appeal_clarify_answer(actor=request.user, appeal=appeal, answer=request.POST.get("text", ""))
    except DomainError as exc:
        return _back(request, pk, exc, "")
    return _back(request, pk, None, _("已提交澄清，承办部门将继续办理"))
