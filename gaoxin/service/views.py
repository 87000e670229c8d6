"""Enterprise service in the workbench: the appeal list, the officers' intake form, the centre's triage and review
queues, the department's inbox, an appeal with its actions, the scoreboard, the overdue notice (通报), the category
tree. Thin: selectors read (scoped), services write; a refused action comes back as a message naming the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.core import display
from gaoxin.core.actions import perform
from gaoxin.core.errors import DomainError, PermissionDenied
from gaoxin.core.excel import table_xlsx, xlsx_response
from gaoxin.core.forms import attach_error
from gaoxin.core.http import AuthedRequest
from gaoxin.core.permissions import require
from gaoxin.service import forms, permissions, selectors, services
from gaoxin.service.attachments import ACCEPT
from gaoxin.service.models import Appeal, AppealStatus, Dispatch, DispatchStatus, HandlingMode
from gaoxin.workcalendar.selectors import work_calendar


@login_required
def appeal_list(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_view_workbench(request.user))
    status = request.GET.get("status", "open")
    mode = request.GET.get("mode", "")
    query = request.GET.get("q", "").strip()
    rows = selectors.appeal_list(request.user, status=status, mode=mode, query=query)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "service/appeal_list.html",
        {
            "page": page,
            "status": status,
            "mode": mode,
            "q": query,
            "querystring": f"status={status}&mode={mode}&q={query}",
            "statuses": AppealStatus.choices,
            "modes": HandlingMode.choices,
            "is_centre": permissions.is_centre(request.user),
            "is_department": permissions.is_department_officer(request.user),
            "can_record": bool(permissions.can_record(request.user)),
            "can_score": selectors.can_view_scoreboard(request.user),
            "can_visits": bool(permissions.can_view_visits(request.user)),
        },
    )


@login_required
def appeal_record(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_record(request.user))
    form = forms.RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enterprise = selectors.enterprise_lookup(request.user, data["enterprise"])
            result = services.appeal_record(
                actor=request.user,
                enterprise=enterprise,
                channel=data["channel"],
                category=data["category"],
                title=data["title"],
                content=data["content"],
                urgency=data["urgency"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                files=request.FILES.getlist("files"),
                received_at=data["received_at"],
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已登记诉求%(number)s") % {"number": result.appeal.number})
            if result.duplicates:
                messages.warning(
                    request,
                    _("该企业有相似的未办结诉求：%(numbers)s，可在分办时合并")
                    % {"numbers": "、".join(a.number for a in result.duplicates)},
                )
            return redirect("service:appeal_detail", pk=result.appeal.pk)
    return render(request, "service/record_form.html", {"form": form, "accept": ACCEPT})


@login_required
def triage(request: AuthedRequest) -> HttpResponse:
    """The centre's desk: new appeals to triage (with the 1-working-hour response limit) and replies to review."""
    queue = list(selectors.triage_queue(request.user)[:200])
    reviews = list(selectors.review_queue(request.user)[:200])
    now = timezone.now()
    return render(request, "service/triage.html", {"queue": queue, "reviews": reviews, "now": now})


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    """The department's dispatches, due dates in working days, overdue in red."""
    if not permissions.is_department_officer(request.user):
        raise PermissionDenied(_("只有承办部门的科室人员有部门待办"))
    state = request.GET.get("state", "open")
    today = timezone.localdate()
    rows = selectors.department_inbox(request.user, state=state)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    dispatches = selectors.with_days_left(page, work_calendar(), today)
    return render(
        request,
        "service/inbox.html",
        {"page": page, "dispatches": dispatches, "state": state, "querystring": f"state={state}"},
    )


@login_required
def appeal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    appeal = selectors.appeal_get(user, pk)
    today = timezone.localdate()
    dispatches = selectors.with_days_left(selectors.appeal_dispatches(user, appeal), work_calendar(), today)
    triage_open = bool(permissions.can_triage(user)) and appeal.status == AppealStatus.NEW
    return render(
        request,
        "service/appeal_detail.html",
        {
            "appeal": appeal,
            "dispatches": dispatches,
            "events": selectors.appeal_events(user, appeal),
            "attachments": selectors.appeal_attachments(user, appeal),
            "triage_open": triage_open,
            "can_review": bool(permissions.can_review(user)),
            "is_centre": permissions.is_centre(user),
            "department_id": user.department_id if permissions.is_department_officer(user) else None,
            "dispatch_form": forms.DispatchForm() if triage_open else None,
            "candidates": selectors.merge_candidates(appeal) if triage_open else [],
            "accept": ACCEPT,
            "statuses": DispatchStatus,
        },
    )


def _act(request: AuthedRequest, pk: int, action: Callable[[], Any], done: str) -> HttpResponse:
    return perform(request, action, done, "service:appeal_detail", pk=pk)


@login_required
@require_POST
def appeal_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(request.user, pk)
    return _act(
        request,
        pk,
        lambda: services.appeal_answer(actor=request.user, appeal=appeal, reply=request.POST.get("text", "")),
        _("已马上办答复，企业可以查看并评价"),
    )


@login_required
@require_POST
def appeal_dispatch(request: AuthedRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(request.user, pk)
    form = forms.DispatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择主办部门，时限应为1到60个工作日"))
        return redirect("service:appeal_detail", pk=pk)
    data = form.cleaned_data
    return _act(
        request,
        pk,
        lambda: services.appeal_dispatch(
            actor=request.user,
            appeal=appeal,
            lead=data["lead"],
            co=data["co"],
            lead_days=data["lead_days"],
            co_days=data["co_days"],
        ),
        _("已转办"),
    )


@login_required
@require_POST
def appeal_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(request.user, pk)

    def merge() -> Appeal:
        into = selectors.appeal_by_number(request.user, request.POST.get("into", ""))
        return services.appeal_merge(actor=request.user, appeal=appeal, into=into)

    return _act(request, pk, merge, _("已合并"))


def _dispatch_action(request: AuthedRequest, pk: int, run: Callable[[Dispatch], Any], done: str) -> HttpResponse:
    dispatch = selectors.dispatch_get(request.user, pk)
    return _act(request, dispatch.appeal_id, lambda: run(dispatch), done)


@login_required
@require_POST
def dispatch_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    return _dispatch_action(
        request, pk, lambda d: services.dispatch_accept(actor=request.user, dispatch=d), _("已接收")
    )


@login_required
@require_POST
def dispatch_clarify(request: AuthedRequest, pk: int) -> HttpResponse:
    text = request.POST.get("text", "")
    return _dispatch_action(
        request,
        pk,
        lambda d: services.dispatch_clarify(actor=request.user, dispatch=d, question=text),
        _("已请企业澄清"),
    )


@login_required
@require_POST
def dispatch_return(request: AuthedRequest, pk: int) -> HttpResponse:
    text = request.POST.get("text", "")
    return _dispatch_action(
        request,
        pk,
        lambda d: services.dispatch_return(actor=request.user, dispatch=d, reason=text),
        _("已退回企业服务中心"),
    )


@login_required
@require_POST
def dispatch_reply(request: AuthedRequest, pk: int) -> HttpResponse:
    text = request.POST.get("text", "")
    files = request.FILES.getlist("files")
    return _dispatch_action(
        request,
        pk,
        lambda d: services.dispatch_reply(actor=request.user, dispatch=d, reply=text, files=files),
        _("已答复，待企业服务中心审核"),
    )


@login_required
@require_POST
def dispatch_review(request: AuthedRequest, pk: int) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    note = request.POST.get("text", "")
    return _dispatch_action(
        request,
        pk,
        lambda d: services.dispatch_review(actor=request.user, dispatch=d, approve=approve, note=note),
        _("已审核通过，企业可以查看答复") if approve else _("已退回部门重办"),
    )


@login_required
@require_POST
def dispatch_extend(request: AuthedRequest, pk: int) -> HttpResponse:
    form = forms.ExtendForm(request.POST)
    days = form.cleaned_data["days"] if form.is_valid() else 0
    reason = request.POST.get("reason", "")
    return _dispatch_action(
        request,
        pk,
        lambda d: services.dispatch_extend(actor=request.user, dispatch=d, days=days, reason=reason),
        _("已延期"),
    )


@login_required
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_get(request.user, pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# --- scoreboard, notice, summary ------------------------------------------------------------------------------------


def _rate(value: Any) -> str:
    return display.rate(value) or "—"


@login_required
def scoreboard(request: AuthedRequest) -> HttpResponse:
    period = forms.PeriodForm(request.GET or None)
    start, end = period.period()
    rows = selectors.scoreboard(request.user, start, end)
    total = selectors.scoreboard_total(rows)
    summary = selectors.zone_summary(request.user, start, end)
    if request.GET.get("format") == "xlsx":
        headers = [
            _("部门"),
            _("受理件数"),
            _("办结件数"),
            _("办结率"),
            _("按时办结"),
            _("及时率"),
            _("评价件数"),
            _("满意率"),
            _("平均用时(工作日)"),
            _("当前逾期"),
        ]
        lines = [
            [
                r.department,
                r.received,
                r.closed,
                _rate(r.close_rate),
                r.in_time,
                _rate(r.timely_rate),
                r.rated,
                _rate(r.satisfaction_rate),
                r.average_days,
                r.overdue_now,
            ]
            for r in [*rows, total]
        ]
        title = _("部门办理情况 %(start)s至%(end)s") % {"start": start, "end": end}
        return xlsx_response(
            str(_("部门办理情况")), table_xlsx(title, headers, lines, note=selectors.zone_summary_text(summary))
        )
    period_form = forms.PeriodForm(initial={"start": start, "end": end})
    return render(
        request,
        "service/scoreboard.html",
        {
            "rows": rows,
            "total": total,
            "summary": summary,
            "summary_text": selectors.zone_summary_text(summary),
            "form": period_form,
            "start": start,
            "end": end,
        },
    )


@login_required
def notice(request: AuthedRequest) -> HttpResponse:
    """The weekly overdue notice (逾期通报): open dispatches past their due date, by department."""
    today = timezone.localdate()
    lines = selectors.overdue_notice(request.user, today, work_calendar())
    if request.GET.get("format") == "docx":
        from gaoxin.service.notice_docx import notice_docx

        centre = selectors.centre_department()
        issuer = centre.name if centre else str(_("企业服务中心"))
        response = HttpResponse(
            notice_docx(lines, today, issuer),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        name = quote(f"{_('企业诉求逾期通报')}{today.isoformat()}.docx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response
    if request.GET.get("format") == "xlsx":
        headers = [_("承办部门"), _("诉求编号"), _("企业"), _("诉求标题"), _("承办方式"), _("办结时限")]
        headers.append(_("逾期(工作日)"))
        rows = [
            [
                line.dispatch.department.name,
                line.dispatch.appeal.number,
                line.dispatch.appeal.enterprise.name,
                line.dispatch.appeal.title,
                line.dispatch.get_role_display(),
                line.dispatch.due_date.isoformat(),
                line.overdue_days,
            ]
            for line in lines
        ]
        title = _("企业诉求逾期通报（截至%(day)s）") % {"day": today.isoformat()}
        return xlsx_response(str(_("逾期通报")), table_xlsx(title, headers, rows))
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.dispatch.department.name] = counts.get(line.dispatch.department.name, 0) + 1
    context = {"lines": lines, "counts": counts, "today": today}
    context["can_routes"] = bool(permissions.can_manage_escalation(request.user))
    return render(request, "service/notice.html", context)


# --- categories (administrator) -------------------------------------------------------------------------------------


@login_required
def category_list(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_manage_categories(request.user))
    return render(request, "service/category_list.html", {"categories": selectors.category_tree()})


@login_required
def category_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    require(permissions.can_manage_categories(request.user))
    category = selectors.category_get(pk) if pk else None
    initial = {}
    if category is not None:
        initial = {
            "code": category.code,
            "name": category.name,
            "parent": category.parent_id,
            "is_consultation": category.is_consultation,
            "is_active": category.is_active,
            "sort_order": category.sort_order,
        }
    form = forms.CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.category_save(actor=request.user, category=category, **data)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已保存诉求分类"))
            return redirect("service:category_list")
    return render(request, "service/category_form.html", {"form": form, "category": category})


# --- commissioners' visits -------------------------------------------------------------------------------------------


@login_required
def visit_list(request: AuthedRequest) -> HttpResponse:
    """Coverage of the assigned enterprises, the problem/needs ledger and the latest visits."""
    report = selectors.coverage(request.user, timezone.localdate())
    page = Paginator(selectors.visit_list(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "service/visit_list.html",
        {
            "report": report,
            "page": page,
            "can_log": bool(permissions.can_log_visit(request.user)),
            "can_grids": bool(permissions.can_manage_grids(request.user)),
        },
    )


@login_required
def visit_create(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_log_visit(request.user))
    form = forms.VisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enterprise = selectors.enterprise_lookup(request.user, data["enterprise"])
            visit = services.visit_log(
                actor=request.user,
                enterprise=enterprise,
                visited_on=data["visited_on"],
                people_met=data["people_met"],
                findings=data["findings"],
                problems=data["problems"],
                needs=data["needs"],
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已登记走访"))
            return redirect("service:visit_detail", pk=visit.pk)
    return render(request, "service/visit_form.html", {"form": form})


@login_required
def visit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(request.user, pk)
    return render(
        request,
        "service/visit_detail.html",
        {
            "visit": visit,
            "problems": selectors.visit_problems(visit),
            "categories": selectors.category_choices(),
            "can_raise": bool(permissions.can_record(request.user)),
        },
    )


@login_required
@require_POST
def problem_raise(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(request.user, pk)
    raw = request.POST.get("category", "")
    try:
        category = selectors.category_get(int(raw)) if raw.isdigit() else None
        if category is None:
            raise DomainError(_("请选择诉求分类"))
        appeal = services.problem_raise(actor=request.user, problem=problem, category=category)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("service:visit_detail", pk=problem.visit_id)
    messages.success(request, _("已转为诉求%(number)s") % {"number": appeal.number})
    return redirect("service:appeal_detail", pk=appeal.pk)


# --- service grids (网格) -------------------------------------------------------------------------------------------


@login_required
def grid_list(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_manage_grids(request.user))
    return render(request, "service/grid_list.html", {"grids": selectors.grid_list()})


@login_required
def grid_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    require(permissions.can_manage_grids(request.user))
    grid = selectors.grid_get(pk) if pk else None
    initial: dict[str, Any] = {}
    members = selectors.grid_enterprises(grid) if grid else []
    if grid is not None:
        initial = {
            "name": grid.name,
            "kind": grid.kind,
            "park": grid.park_id,
            "commissioner": grid.commissioner_id,
            "enterprises": "\n".join(e.uscc for e in members),
            "note": grid.note,
            "is_active": grid.is_active,
        }
    form = forms.GridForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.grid_save(actor=request.user, grid=grid, **form.cleaned_data)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已保存网格“%(name)s”") % {"name": saved.name})
            return redirect("service:grid_list")
    return render(request, "service/grid_form.html", {"form": form, "grid": grid, "members": members})


# --- escalation routes (督办对象) -------------------------------------------------------------------------------------


@login_required
def escalation_list(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_manage_escalation(request.user))
    return render(request, "service/escalation_list.html", {"lines": selectors.escalation_routes()})


@login_required
def escalation_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require(permissions.can_manage_escalation(request.user))
    department = selectors.department_get(pk)
    route = selectors.escalation_route(department.pk)
    initial = {"head": route.head_id, "leader": route.leader_id} if route else {}
    form = forms.EscalationForm(request.POST or None, initial=initial, department=department)
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_save(actor=request.user, department=department, **form.cleaned_data)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已保存%(name)s的督办对象") % {"name": department.name})
            return redirect("service:escalation_list")
    return render(request, "service/escalation_form.html", {"form": form, "department": department})
