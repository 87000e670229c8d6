"""Policy cashing in the workbench: the policy library and fund items, the application list with bulk actions, one
application with its stage actions and experts, the experts' scoring, rankings, public notices with objections,
budgets, disbursement batches and the 免申即享 eligible list. Thin: selectors read (scoped), services write; a refused
action comes back as a message naming the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.accounts.roles import Role
from gaoxin.core.actions import perform
from gaoxin.core.errors import DomainError, NotFound
from gaoxin.core.excel import xlsx_response
from gaoxin.core.forms import attach_error
from gaoxin.core.http import AuthedRequest
from gaoxin.core.permissions import require
from gaoxin.policy import exports, forms, interop, permissions, selectors, services, workflow
from gaoxin.policy import stats as policy_stats
from gaoxin.policy.models import AppStatus, Channel, PolicyCategory, PolicyLevel, PolicyStatus, Stage
from gaoxin.service.attachments import ACCEPT


def _back(request: AuthedRequest, target: str, pk: int | None, action: Callable[[], Any], done: str) -> HttpResponse:
    return perform(request, action, done, target, **({"pk": pk} if pk is not None else {}))


# --- policies -------------------------------------------------------------------------------------------------------


@login_required
def policy_list(request: AuthedRequest) -> HttpResponse:
    if request.user.role == Role.EXPERT:
        return redirect("policy:expert_list")
    if request.user.role == Role.ENTERPRISE:
        return redirect("policy:portal_policies")
    require(permissions.can_view_workbench(request.user))
    params = {k: request.GET.get(k, "").strip() for k in ("q", "category", "level", "status")}
    rows = selectors.policy_search(request.user, **params)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    querystring = "&".join(f"{k}={v}" for k, v in params.items())
    return render(
        request,
        "policy/policy_list.html",
        {
            "page": page,
            "params": params,
            "querystring": querystring,
            "categories": PolicyCategory.choices,
            "levels": PolicyLevel.choices,
            "statuses": PolicyStatus.choices,
            "can_manage": bool(permissions.can_manage_policies(request.user)),
            "queue": selectors.my_queue(request.user).count(),
        },
    )


@login_required
def policy_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    require(permissions.can_manage_policies(request.user))
    policy = selectors.policy_get(request.user, pk) if pk else None
    initial = {name: getattr(policy, name) for name in services.POLICY_FIELDS} if policy else {}
    form = forms.PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_save(actor=request.user, data=form.cleaned_data, policy=policy)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已保存政策“%(t)s”") % {"t": policy.title})
            return redirect("policy:policy_detail", pk=policy.pk)
    return render(request, "policy/policy_form.html", {"form": form, "policy": policy})


@login_required
def policy_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    if request.user.role == Role.ENTERPRISE:
        return redirect("policy:portal_policy", pk=pk)
    require(permissions.can_view_workbench(request.user))
    policy = selectors.policy_get(request.user, pk)
    items = selectors.policy_items(request.user, policy)
    return render(
        request,
        "policy/policy_detail.html",
        {
            "policy": policy,
            "items": [(i, selectors.item_budget(i)) for i in items],
            "attachments": selectors.policy_attachments(policy),
            "budget": selectors.policy_budget(policy),
            "can_manage": bool(permissions.can_manage_policies(request.user)),
            "accept": ACCEPT,
        },
    )


@login_required
@require_POST
def policy_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(request.user, pk)
    return _back(
        request,
        "policy:policy_detail",
        pk,
        lambda: services.policy_publish(actor=request.user, policy=policy),
        _("政策已发布，企业可在门户查看"),
    )


@login_required
@require_POST
def policy_expire(request: AuthedRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(request.user, pk)
    return _back(
        request,
        "policy:policy_detail",
        pk,
        lambda: services.policy_expire(actor=request.user, policy=policy, reason=request.POST.get("reason", "")),
        _("政策已标记失效，其申报项目已停止受理"),
    )


@login_required
@require_POST
def policy_attach(request: AuthedRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(request.user, pk)
    return _back(
        request,
        "policy:policy_detail",
        pk,
        lambda: services.policy_attach(actor=request.user, policy=policy, files=request.FILES.getlist("files")),
        _("已上传政策文件"),
    )


@login_required
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    row = selectors.attachment_get(request.user, pk)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)


# --- fund items -----------------------------------------------------------------------------------------------------


@login_required
def item_edit(request: AuthedRequest, policy_pk: int | None = None, pk: int | None = None) -> HttpResponse:
    require(permissions.can_manage_policies(request.user))
    item = selectors.fund_item_get(request.user, pk) if pk else None
    policy = item.policy if item else selectors.policy_get(request.user, policy_pk or 0)
    initial = forms.FundItemForm.initial_for(item) if item else {"score_aggregate": "mean"}
    form = forms.FundItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.fund_item_save(
                actor=request.user,
                policy=policy,
                data=form.service_data(),
                item=item,
                materials=form.cleaned_data["materials"],
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已保存申报项目“%(n)s”") % {"n": item.name})
            return redirect("policy:item_detail", pk=item.pk)
    return render(request, "policy/item_form.html", {"form": form, "item": item, "policy": policy})


@login_required
def item_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    if request.user.role == Role.ENTERPRISE:
        return redirect("policy:portal_item", pk=pk)
    require(permissions.can_view_workbench(request.user))
    item = selectors.fund_item_get(request.user, pk)
    counts = selectors.status_counts(request.user, item)
    return render(
        request,
        "policy/item_detail.html",
        {
            "item": item,
            "budget": selectors.item_budget(item),
            "materials": list(item.materials.all()),
            "stages": [
                (Stage(s).label, Role(workflow.role_for(item, s)).label, workflow.days_for(item, s))
                for s in item.stages
            ],
            "counts": counts,
            "can_manage": bool(permissions.can_manage_policies(request.user)),
            "can_notice": bool(permissions.can_handle_stage(request.user, item, Stage.NOTICE))
            and workflow.has_notice(item),
            "notices": list(item.notices.all()),
            "statuses": AppStatus,
        },
    )


@login_required
@require_POST
def item_status(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.fund_item_get(request.user, pk)
    status = request.POST.get("status", "")
    return _back(
        request,
        "policy:item_detail",
        pk,
        lambda: services.fund_item_set_status(actor=request.user, item=item, status=status),
        _("申报项目状态已更新"),
    )


# --- applications ---------------------------------------------------------------------------------------------------


def _list_params(request: AuthedRequest) -> dict[str, Any]:
    item = request.GET.get("item", "")
    return {
        "fund_item": int(item) if item.isdigit() else None,
        "status": request.GET.get("status", ""),
        "stage": request.GET.get("stage", ""),
        "q": request.GET.get("q", "").strip(),
        "channel": request.GET.get("channel", Channel.APPLY),  # 免申即享 offers have their own list page
    }


@login_required
def application_list(request: AuthedRequest) -> HttpResponse:
    if request.user.role == Role.EXPERT:
        return redirect("policy:expert_list")
    if request.user.role == Role.ENTERPRISE:
        return redirect("policy:portal_applications")
    require(permissions.can_view_workbench(request.user))
    params = _list_params(request)
    mine = request.GET.get("mine") == "1"
    rows = selectors.my_queue(request.user) if mine else selectors.application_list(request.user, **params)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    querystring = "&".join(f"{k}={v or ''}" for k, v in params.items()) + ("&mine=1" if mine else "")
    return render(
        request,
        "policy/application_list.html",
        {
            "page": page,
            "params": params,
            "mine": mine,
            "querystring": querystring,
            "items": selectors.fund_item_list(request.user),
            "statuses": AppStatus.choices,
            "stages": [(s.value, s.label) for s in Stage if s in workflow.CANONICAL[:4]],
            "channels": Channel.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
def application_export(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_view_workbench(request.user))
    rows = selectors.application_list(request.user, **_list_params(request))
    return xlsx_response(_("政策申报"), exports.applications_xlsx(request.user, rows))


@login_required
@require_POST
def application_bulk(request: AuthedRequest) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
    action = request.POST.get("action", "")
    rows = list(selectors.application_scope(request.user).filter(pk__in=ids))
    if not rows:
        messages.error(request, _("请先勾选申报"))
        return redirect(request.POST.get("next") or "policy:application_list")
    result = services.application_bulk_review(
        actor=request.user, applications=rows, action=action, reason=request.POST.get("reason", "")
    )
    if result.done:
        messages.success(request, _("已办理%(n)s件") % {"n": len(result.done)})
    for application, reason in result.failed:
        messages.error(request, f"{application.number}：{reason}")
    return redirect(request.POST.get("next") or "policy:application_list")


@login_required
def application_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    if user.role == Role.ENTERPRISE:
        return redirect("policy:portal_application", pk=pk)
    application = selectors.application_get(user, pk)
    item = application.fund_item
    in_review = application.status == AppStatus.IN_REVIEW
    can_act = in_review and bool(permissions.can_handle_stage(user, item, application.stage))
    is_last = in_review and workflow.next_stage(item, application.stage) is None
    assignments = selectors.application_assignments(user, application)
    review_form = None
    if can_act:
        review_form = forms.ReviewForm(initial={"amount": application.requested_yuan})
        if not is_last:
            for name in ("amount", "override", "override_reason"):
                del review_form.fields[name]
        elif user.role != Role.LEADER:
            for name in ("override", "override_reason"):
                del review_form.fields[name]
    return render(
        request,
        "policy/application_detail.html",
        {
            "a": application,
            "item": item,
            "status_label": workflow.enterprise_label(application),
            "events": selectors.application_events(user, application),
            "files": selectors.application_files(application),
            "assignments": assignments,
            "can_act": can_act,
            "is_last": is_last,
            "review_form": review_form,
            "can_assign": can_act and application.stage == Stage.EXPERT,
            "experts": services.eligible_experts(application) if can_act and application.stage == Stage.EXPERT else [],
            "show_contacts": permissions.can_view_contacts(user),
            "is_leader": user.role == Role.LEADER,
            "budget": selectors.item_budget(item),
            "facts_year": application.facts.get("years", {}),
        },
    )


@login_required
@require_POST
def application_review(request: AuthedRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(request.user, pk)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审核意见"))
        return redirect("policy:application_detail", pk=pk)
    data = form.cleaned_data
    return _back(
        request,
        "policy:application_detail",
        pk,
        lambda: services.application_review(
            actor=request.user,
            application=application,
            action=data["action"],
            reason=data["reason"],
            amount=data["amount"],
            override=data["override"],
            override_reason=data["override_reason"],
        ),
        _("已办理"),
    )


@login_required
@require_POST
def experts_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(request.user, pk)
    chosen = [int(x) for x in request.POST.getlist("experts") if x.isdigit()]
    experts = list(selectors.experts().filter(pk__in=chosen)) if chosen else None
    return _back(
        request,
        "policy:application_detail",
        pk,
        lambda: services.experts_assign(actor=request.user, application=application, experts=experts),
        _("已指派评审专家"),
    )


@login_required
def file_download(request: AuthedRequest, pk: int) -> FileResponse:
    row = selectors.file_get(request.user, pk)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)


@login_required
def ranking(request: AuthedRequest, pk: int) -> HttpResponse:
    require(permissions.can_view_workbench(request.user))
    item = selectors.fund_item_get(request.user, pk)
    return render(request, "policy/ranking.html", {"item": item, "rows": selectors.ranking(request.user, item)})


# --- experts --------------------------------------------------------------------------------------------------------


@login_required
def expert_list(request: AuthedRequest) -> HttpResponse:
    if request.user.role != Role.EXPERT:
        raise NotFound()
    rows = list(selectors.expert_assignments(request.user))
    form = forms.ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = selectors.enterprise_by_uscc(form.cleaned_data["uscc"])
            services.conflict_declare(
                actor=request.user, expert=request.user, enterprise=enterprise, relation=form.cleaned_data["relation"]
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已登记回避关系：%(n)s") % {"n": enterprise.name})
            return redirect("policy:expert_list")
    return render(
        request,
        "policy/expert_list.html",
        {"rows": rows, "form": form, "conflicts": list(selectors.conflicts_declared(request.user))},
    )


@login_required
def expert_score(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get(request.user, pk)
    require(permissions.can_score(request.user, assignment))
    application = assignment.application
    sheet = application.fund_item.score_sheet or [{"code": "total", "label": _("总分"), "max": 100}]
    initial = {f"score_{k}": v for k, v in (assignment.scores or {}).items()} | {"comment": assignment.comment}
    form = forms.ScoreForm(request.POST or None, sheet=sheet, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_score(
                actor=request.user, assignment=assignment, scores=form.scores(), comment=form.cleaned_data["comment"]
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("评分已提交"))
            return redirect("policy:expert_list")
    return render(
        request,
        "policy/expert_score.html",
        {
            "assignment": assignment,
            "a": application,
            "form": form,
            "files": selectors.application_files(application),
            "facts_year": application.facts.get("years", {}),
        },
    )


# --- public notices (the officer's side) ----------------------------------------------------------------------------


@login_required
def notice_create(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.fund_item_get(request.user, pk)
    require(permissions.can_handle_stage(request.user, item, Stage.NOTICE))
    form = forms.NoticeForm(request.POST or None, initial={"starts_on": timezone.localdate(), "days": item.notice_days})
    entries = list(
        selectors.application_list(request.user, fund_item=item.pk, status=AppStatus.APPROVED).order_by("-score")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_publish(
                actor=request.user, item=item, starts_on=data["starts_on"], days=data["days"], contact=data["contact"]
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("已发布公示，公示期至%(d)s") % {"d": notice.ends_on.isoformat()})
            return redirect("policy:notice_detail", pk=notice.pk)
    return render(request, "policy/notice_form.html", {"item": item, "form": form, "entries": entries})


@login_required
def notice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(permissions.can_view_workbench(request.user))
    notice = selectors.notice_get(pk)
    entries = selectors.notice_entries(notice)
    form = forms.objection_form(entries, initial={"received_on": timezone.localdate()})
    return render(
        request,
        "policy/notice_detail.html",
        {
            "notice": notice,
            "entries": entries,
            "objections": list(notice.objections.select_related("application__enterprise")),
            "form": form,
            "decision_form": forms.ObjectionDecisionForm(),
            "can_handle": bool(permissions.can_handle_stage(request.user, notice.fund_item, Stage.NOTICE)),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def objection_record(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(pk)
    form = forms.objection_form(selectors.notice_entries(notice), request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("policy:notice_detail", pk=pk)
    data = form.cleaned_data
    target = data["application"]
    application = selectors.application_get(request.user, int(target)) if target else None
    return _back(
        request,
        "policy:notice_detail",
        pk,
        lambda: services.objection_record(
            actor=request.user,
            notice=notice,
            signed_by=data["signed_by"],
            contact=data["contact"],
            content=data["content"],
            received_on=data["received_on"],
            application=application,
        ),
        _("已登记异议"),
    )


@login_required
@require_POST
def objection_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    objection = selectors.objection_get(request.user, pk)
    return _back(
        request,
        "policy:notice_detail",
        objection.notice_id,
        lambda: services.objection_decide(
            actor=request.user,
            objection=objection,
            outcome=request.POST.get("outcome", ""),
            finding=request.POST.get("finding", ""),
        ),
        _("已记录核查结论"),
    )


@login_required
@require_POST
def notice_close(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(pk)
    return _back(
        request,
        "policy:notice_detail",
        pk,
        lambda: services.notice_close(actor=request.user, notice=notice),
        _("公示已结束，无异议的项目转入待拨付"),
    )


# --- budgets and disbursement ---------------------------------------------------------------------------------------


@login_required
def budgets(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_view_workbench(request.user))
    return render(request, "policy/budgets.html", {"lines": selectors.budget_overview(request.user)})


@login_required
def batch_list(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_view_workbench(request.user))
    item = request.GET.get("item", "")
    return render(
        request,
        "policy/batch_list.html",
        {
            "payable": list(selectors.payable(request.user, fund_item=int(item) if item.isdigit() else None)[:500]),
            "batches": list(selectors.batch_list(request.user)[:100]),
            "can_pay": bool(permissions.can_pay(request.user)),
        },
    )


@login_required
@require_POST
def batch_create(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_pay(request.user))
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
    rows = list(selectors.application_scope(request.user).filter(pk__in=ids))
    try:
        batch = services.batch_create(actor=request.user, applications=rows, title=request.POST.get("title", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("policy:batch_list")
    messages.success(request, _("已生成拨付批次%(n)s") % {"n": batch.number})
    return redirect("policy:batch_detail", pk=batch.pk)


@login_required
def batch_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(request.user, pk)
    rows = selectors.batch_applications(batch)
    return render(
        request,
        "policy/batch_detail.html",
        {
            "batch": batch,
            "rows": rows,
            "total": sum((a.awarded_yuan or 0 for a in rows), 0),
            "form": forms.PaidForm(initial={"paid_on": timezone.localdate()}),
            "can_pay": bool(permissions.can_pay(request.user)),
        },
    )


@login_required
def batch_export(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(request.user, pk)
    return xlsx_response(f"{batch.number}", exports.batch_xlsx(batch, selectors.batch_applications(batch)))


@login_required
@require_POST
def batch_paid(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(request.user, pk)
    form = forms.PaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写拨付日期"))
        return redirect("policy:batch_detail", pk=pk)
    return _back(
        request,
        "policy:batch_detail",
        pk,
        lambda: services.batch_mark_paid(
            actor=request.user, batch=batch, paid_on=form.cleaned_data["paid_on"], voucher=form.cleaned_data["voucher"]
        ),
        _("已确认拨付，企业将看到“已拨付”"),
    )


# --- 免申即享 -------------------------------------------------------------------------------------------------------


@login_required
def offers(request: AuthedRequest, pk: int) -> HttpResponse:
    require(permissions.can_view_workbench(request.user))
    item = selectors.fund_item_get(request.user, pk)
    status = request.GET.get("status", AppStatus.CANDIDATE)
    rows = selectors.application_list(request.user, fund_item=item.pk, status=status, channel=Channel.OFFER)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    first = workflow.review_stages(item)[0] if item.stages else Stage.DEPARTMENT
    return render(
        request,
        "policy/offers.html",
        {
            "item": item,
            "page": page,
            "status": status,
            "querystring": f"status={status}",
            "counts": selectors.status_counts(request.user, item),
            "statuses": [
                (s, AppStatus(s).label)
                for s in (
                    AppStatus.CANDIDATE,
                    AppStatus.EXCLUDED,
                    AppStatus.OFFERED,
                    AppStatus.APPROVED,
                    AppStatus.IN_NOTICE,
                    AppStatus.PAYABLE,
                    AppStatus.PAID,
                    AppStatus.DECLINED,
                    AppStatus.EXPIRED,
                )
            ],
            "can_handle": bool(permissions.can_handle_stage(request.user, item, first)),
            "is_leader": request.user.role == Role.LEADER,
            "budget": selectors.item_budget(item),
            "candidate_total": selectors.candidate_total(item),
            "offered_total": selectors.candidate_total(item, AppStatus.OFFERED),
        },
    )


@login_required
@require_POST
def offers_generate(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.fund_item_get(request.user, pk)
    try:
        run = services.offers_generate(actor=request.user, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已比对生成名单：新增%(n)s家（已有%(k)s家）") % {"n": run.created, "k": run.kept})
    return redirect("policy:offers", pk=pk)


@login_required
@require_POST
def offer_exclude(request: AuthedRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(request.user, pk)
    return _back(
        request,
        "policy:offers",
        application.fund_item_id,
        lambda: services.offer_exclude(
            actor=request.user, application=application, reason=request.POST.get("reason", "")
        ),
        _("已排除%(n)s") % {"n": application.enterprise.name},
    )


@login_required
@require_POST
def offers_send(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.fund_item_get(request.user, pk)
    try:
        n = services.offers_send(
            actor=request.user,
            item=item,
            override=request.POST.get("override") == "on",
            override_reason=request.POST.get("override_reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已向%(n)s家企业发送确认通知") % {"n": n})
    return redirect("policy:offers", pk=pk)


@login_required
def offers_export(request: AuthedRequest, pk: int) -> HttpResponse:
    require(permissions.can_view_workbench(request.user))
    item = selectors.fund_item_get(request.user, pk)
    rows = selectors.application_list(request.user, fund_item=item.pk, channel=Channel.OFFER)
    return xlsx_response(f"{item.name}-名单", exports.applications_xlsx(request.user, rows))


# --- interoperation: Excel in and out -------------------------------------------------------------------------------


@login_required
def export_policies(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_view_workbench(request.user))
    return xlsx_response(_("政策"), exports.policies_xlsx(selectors.policy_search(request.user)))


@login_required
def export_items(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_view_workbench(request.user))
    return xlsx_response(_("申报项目"), exports.items_xlsx(selectors.fund_item_list(request.user)))


@login_required
def export_awards(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_view_workbench(request.user))
    return xlsx_response(_("核定与拨付名单"), exports.applications_xlsx(request.user, interop.awards(request.user)))


@login_required
def import_page(request: AuthedRequest) -> HttpResponse:
    """Policies or fund items from a workbook (a provincial 惠企 platform's export, or the zone's ledger)."""
    require(permissions.can_manage_policies(request.user))
    result = None
    kind = request.POST.get("kind", "policies")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择文件"))
        else:
            try:
                run = interop.policies_import if kind == "policies" else interop.items_import
                result = run(actor=request.user, upload=upload)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                if result.errors:
                    messages.error(request, _("有%(n)s行有问题，未导入任何数据") % {"n": len(result.errors)})
                else:
                    messages.success(
                        request, _("已导入：新增%(c)s条，更新%(u)s条") % {"c": result.created, "u": result.updated}
                    )
    return render(request, "policy/import.html", {"result": result, "kind": kind})


@login_required
@require_POST
def offers_import(request: AuthedRequest, pk: int) -> HttpResponse:
    """An eligible list from a workbook (统一社会信用代码, optional 金额(元)) as candidates of a 免申即享 item."""
    item = selectors.fund_item_get(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择文件"))
        return redirect("policy:offers", pk=pk)
    try:
        rows = interop.read_eligible(upload)
        result = interop.eligible_import(actor=request.user, item=item, rows=rows)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("policy:offers", pk=pk)
    if result.errors:
        messages.error(request, _("未导入：") + "；".join(result.errors[:20]))
    else:
        messages.success(
            request, _("已导入名单：新增%(c)s家，已在名单%(k)s家") % {"c": result.created, "k": result.kept}
        )
    return redirect("policy:offers", pk=pk)


# --- statistics -----------------------------------------------------------------------------------------------------


@login_required
def stats(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_view_workbench(request.user))
    figures = policy_stats.statistics(request.user)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(_("政策兑现统计"), exports.stats_xlsx(figures))
    return render(request, "policy/stats.html", {"s": figures})


@login_required
@require_POST
def payments_import(request: AuthedRequest) -> HttpResponse:
    """A bank's or treasury's return file (受理编号, 拨付日期, 凭证号, 金额(元)): the awards in it are marked paid."""
    require(permissions.can_pay(request.user))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择文件"))
        return redirect("policy:batch_list")
    try:
        result = interop.payments_import(actor=request.user, rows=interop.read_payments(upload))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("policy:batch_list")
    if result.errors:
        messages.error(request, _("未导入：") + "；".join(result.errors[:20]))
    else:
        messages.success(
            request, _("已登记拨付%(n)s笔（已是已拨付的%(k)s笔）") % {"n": result.updated, "k": result.kept}
        )
    return redirect("policy:batch_list")
