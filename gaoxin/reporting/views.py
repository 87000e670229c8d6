"""Reporting rounds in the workbench: the list, opening a round, its progress and 催报 list, one enterprise's figures
with corrections. Thin: selectors read (scoped), services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.core.errors import DomainError, NotFound
from gaoxin.core.excel import table_xlsx, xlsx_response
from gaoxin.core.forms import attach_error
from gaoxin.core.http import AuthedRequest
from gaoxin.core.permissions import require
from gaoxin.registry.selectors import enterprise_scope, park_scope
from gaoxin.reporting import forms, permissions, selectors, services
from gaoxin.reporting.models import ReportingRound


def _require_reader(request: AuthedRequest) -> None:
    require(permissions.can_view_rounds(request.user))


@login_required
def round_list(request: AuthedRequest) -> HttpResponse:
    _require_reader(request)
    page = Paginator(selectors.round_list(request.user), 12).get_page(request.GET.get("page"))
    rows = [(r, selectors.round_totals(selectors.round_progress(request.user, r))) for r in page]
    return render(
        request,
        "reporting/round_list.html",
        {"page": page, "rows": rows, "can_manage": bool(permissions.can_manage_rounds(request.user))},
    )


@login_required
def round_create(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_manage_rounds(request.user))
    form = forms.RoundOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        year, month = form.year_month()
        data = form.cleaned_data
        try:
            round_ = services.round_open(
                actor=request.user,
                year=year,
                month=month,
                deadline=data["deadline"],
                indicators=data["indicators"],
                selection=data["selection"],
                parks=data["parks"],
                jump_threshold=data["jump_threshold"],
                note=data["note"],
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(
                request,
                _("已发起%(round)s填报，%(count)s家企业应报，已通知企业用户")
                % {"round": str(round_), "count": round_.members.count()},
            )
            return redirect("reporting:round_detail", pk=round_.pk)
    return render(request, "reporting/round_form.html", {"form": form})


@login_required
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get(request.user, pk)
    status = request.GET.get("status", "missing")
    if status not in ("missing", "done", "all"):
        status = "missing"
    park = request.GET.get("park", "")
    park_id = int(park) if park.isdigit() else None
    members = selectors.round_members(request.user, round_, status=status, park=park_id)
    if request.GET.get("format") == "xlsx":
        return _members_xlsx(round_, list(members), status)
    progress = selectors.round_progress(request.user, round_)
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    last = selectors.last_reported([m.enterprise_id for m in page]) if status != "done" else {}
    for member in page:
        member.last_period = last.get(member.enterprise_id)  # type: ignore[attr-defined]
    return render(
        request,
        "reporting/round_detail.html",
        {
            "round": round_,
            "indicators": selectors.round_indicators(round_),
            "progress": progress,
            "totals": selectors.round_totals(progress),
            "page": page,
            "querystring": f"status={status}" + (f"&park={park_id}" if park_id else ""),
            "status": status,
            "park": park_id,
            "parks": park_scope(request.user).order_by("code"),
            "reminders": round_.reminders.select_related("sent_by")[:5],
            "can_manage": bool(permissions.can_manage_rounds(request.user)),
            "can_remind": bool(permissions.can_remind(request.user)),
            "extend_form": forms.ExtendForm(),
            "add_form": forms.MemberAddForm(),
        },
    )


def _members_xlsx(round_: ReportingRound, members: list, status: str) -> HttpResponse:  # type: ignore[type-arg]
    last = selectors.last_reported([m.enterprise_id for m in members])
    titles = {"missing": _("未报企业（催报名单）"), "done": _("已报企业"), "all": _("应报企业")}
    headers = [
        _("统一社会信用代码"),
        _("企业名称"),
        _("园区"),
        _("联系人"),
        _("联系电话"),
        _("状态"),
        _("报送时间"),
        _("催报次数"),
        _("最近一次报送"),
    ]
    rows = []
    for m in members:
        e = m.enterprise
        period = last.get(e.pk)
        rows.append(
            [
                e.uscc,
                e.name,
                e.park.name,
                e.contact_name,
                e.contact_phone,
                _status_text(m),
                _local(m.submitted_at),
                m.reminder_count,
                f"{period[0]}年{period[1]}月" if period else "",
            ]
        )
    title = f"{round_} · {titles[status]}"
    return xlsx_response(str(titles[status]), table_xlsx(title, headers, rows))


def _status_text(member: object) -> str:
    if getattr(member, "submitted_at", None):
        return _("已报送")
    if getattr(member, "has_figures", False):
        return _("已导入/补录")
    return _("未报送")


def _local(value: object) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""  # type: ignore[arg-type]


@login_required
@require_POST
def round_remind(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get(request.user, pk)
    try:
        result = services.remind_missing(actor=request.user, round_=round_)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        text = _("已向%(enterprises)s家未报企业的%(recipients)s位用户发送催报提醒（站内消息和邮件）") % {
            "enterprises": result.enterprises,
            "recipients": result.recipients,
        }
        if result.without_account:
            text += _("；%(count)s家企业没有平台账号，请电话催报") % {"count": len(result.without_account)}
        messages.success(request, text)
    return redirect("reporting:round_detail", pk=round_.pk)


@login_required
@require_POST
def round_extend(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get(request.user, pk)
    form = forms.ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写新的截止时间和延期原因"))
        return redirect("reporting:round_detail", pk=round_.pk)
    try:
        services.round_extend(
            actor=request.user,
            round_=round_,
            deadline=form.cleaned_data["deadline"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("截止时间已调整"))
    return redirect("reporting:round_detail", pk=round_.pk)


@login_required
@require_POST
def round_close(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get(request.user, pk)
    try:
        services.round_close(actor=request.user, round_=round_, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("填报已截止，企业不能再修改"))
    return redirect("reporting:round_detail", pk=round_.pk)


@login_required
@require_POST
def member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get(request.user, pk)
    form = forms.MemberAddForm(request.POST)
    enterprise = None
    if form.is_valid():
        enterprise = enterprise_scope(request.user).filter(uscc=form.cleaned_data["uscc"].upper()).first()
    if enterprise is None:
        messages.error(request, _("未找到该统一社会信用代码对应的企业"))
        return redirect("reporting:round_detail", pk=round_.pk)
    try:
        services.member_add(actor=request.user, round_=round_, enterprise=enterprise)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已将%(name)s加入应报名单") % {"name": enterprise.name})
    return redirect("reporting:round_detail", pk=round_.pk)


@login_required
@require_POST
def member_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(request.user, pk)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写移出原因"))
        return redirect("reporting:member_detail", pk=member.pk)
    try:
        services.member_remove(actor=request.user, member=member, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reporting:member_detail", pk=member.pk)
    messages.success(request, _("已移出应报名单"))
    return redirect("reporting:round_detail", pk=member.round_id)


@login_required
def member_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    if request.user.role == "enterprise":
        raise NotFound()
    member = selectors.member_get(request.user, pk)
    form = forms.CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        indicator = selectors.round_indicator(member.round, form.cleaned_data["indicator"])
        try:
            services.report_correct(
                actor=request.user,
                member=member,
                indicator=indicator,
                value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("%(name)s已更正，原因已记入操作记录") % {"name": indicator.name})
            return redirect("reporting:member_detail", pk=member.pk)
    return render(
        request,
        "reporting/member_detail.html",
        {
            "member": member,
            "round": member.round,
            "rows": selectors.sheet(member),
            "form": form,
            "failed_indicator": form.data.get("indicator") if form.is_bound else None,
            "can_correct": bool(permissions.can_correct(request.user)),
            "can_manage": bool(permissions.can_manage_rounds(request.user)),
            "history": selectors.member_history(member),
        },
    )
