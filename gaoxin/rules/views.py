"""Rule sets and the lists drawn from the registry-wide evaluation (培育名单): overview, one rule set with its
Chinese reading and test cases, the candidates (meets all / misses one / undecided) with Excel export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from gaoxin.core.errors import DomainError
from gaoxin.core.excel import table_xlsx, xlsx_response
from gaoxin.core.http import AuthedRequest
from gaoxin.core.permissions import require
from gaoxin.registry.selectors import park_scope
from gaoxin.rules import builder, forms, permissions, selectors, services
from gaoxin.rules.engine import compile_ruleset, describe_criterion, describe_ruleset, run_test_cases, validate_document
from gaoxin.rules.models import RuleSetVersion

KINDS = ("pass", "near", "unknown")


def _require(request: AuthedRequest) -> None:
    require(permissions.can_view_rules(request.user))


@login_required
def overview(request: AuthedRequest) -> HttpResponse:
    _require(request)
    rows = []
    for item in selectors.published_overview():
        version = selectors.version_get(item["pk"])
        rows.append((item, selectors.candidate_counts(request.user, version)))
    return render(
        request,
        "rules/overview.html",
        {
            "rows": rows,
            "last_run": selectors.last_run(),
            "can_edit": bool(permissions.can_edit_rules(request.user)),
        },
    )


@login_required
@require_POST
def run(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_edit_rules(request.user))
    services.request_evaluation(trigger=_("%(name)s手动发起") % {"name": request.user.display_name})
    messages.success(request, _("已提交全库评估，稍后刷新即可看到新结果"))
    return redirect("rules:overview")


@login_required
def ruleset_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    version = selectors.version_get(pk)
    ruleset = services.compiled(version)
    criteria = [(code, describe_criterion(ruleset, code)) for code in ruleset.codes]
    return render(
        request,
        "rules/ruleset_detail.html",
        {
            "version": version,
            "ruleset": ruleset,
            "reading": describe_ruleset(ruleset),
            "criteria": criteria,
            "cases": run_test_cases(ruleset),
            "counts": selectors.candidate_counts(request.user, version),
        },
    )


@login_required
def candidates(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    version = selectors.version_get(pk)
    kind = request.GET.get("kind", "pass")
    if kind not in KINDS:
        kind = "pass"
    park = request.GET.get("park", "")
    park_id = int(park) if park.isdigit() else None
    rows = selectors.candidates(request.user, version, kind=kind, park=park_id)
    if request.GET.get("format") == "xlsx":
        return _xlsx(version, kind, selectors.explain(rows))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    page.object_list = selectors.explain(page.object_list)  # type: ignore[assignment]  # the page's rows, explained
    return render(
        request,
        "rules/candidates.html",
        {
            "version": version,
            "kind": kind,
            "page": page,
            "park": park_id,
            "parks": park_scope(request.user).order_by("code"),
            "counts": selectors.candidate_counts(request.user, version),
            "querystring": f"kind={kind}" + (f"&park={park_id}" if park_id else ""),
        },
    )


TITLES = {"pass": _lazy("符合条件的企业"), "near": _lazy("差一项的企业"), "unknown": _lazy("待核实的企业")}


def _xlsx(version: object, kind: str, rows: list) -> HttpResponse:  # type: ignore[type-arg]
    headers = [_("统一社会信用代码"), _("企业名称"), _("园区"), _("结论"), _("得分"), _("未满足或待核实的条件")]
    words = {"pass": _("符合"), "fail": _("不符合"), "unknown": _("待核实")}
    data = []
    for view in rows:
        r = view.row
        open_items = "；".join(c["message"] for c in view.open_criteria)
        data.append(
            [r.enterprise.uscc, r.enterprise.name, r.enterprise.park.name, words[r.result], r.score, open_items]
        )
    title = f"{version} · {TITLES[kind]}"
    return xlsx_response(str(TITLES[kind]), table_xlsx(title, headers, data))


# --- the rule editor ----------------------------------------------------------------------------------------------


def _require_editor(request: AuthedRequest) -> None:
    require(permissions.can_edit_rules(request.user))


@login_required
def editor_list(request: AuthedRequest) -> HttpResponse:
    _require_editor(request)
    published = []
    for item in selectors.published_overview():
        version = selectors.version_get(item["pk"])
        published.append((item, builder.from_document(dict(version.document)) is not None))
    return render(request, "rules/editor_list.html", {"drafts": selectors.drafts(), "published": published})


@login_required
@require_POST
def editor_new(request: AuthedRequest) -> HttpResponse:
    _require_editor(request)
    base_pk = request.POST.get("base", "")
    base = selectors.version_get(int(base_pk)) if base_pk.isdigit() else None
    try:
        draft = services.draft_create(actor=request.user, base=base)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("rules:editor_list")
    return redirect("rules:editor_edit", pk=draft.pk)


def _forms(request: AuthedRequest, draft: RuleSetVersion) -> tuple[Any, Any, Any]:
    if request.method == "POST":
        return (
            forms.HeaderForm(request.POST, prefix="h"),
            forms.CriterionFormSet(request.POST, prefix="c"),
            forms.CaseFormSet(request.POST, prefix="t"),
        )
    plan = builder.from_document(dict(draft.document)) if draft.document.get("criteria") else None
    header = {
        "code": draft.code if not draft.code.startswith("draft_") else "",
        "name": draft.name,
        "version": draft.version,
        "source": draft.source,
        "valid_from": draft.valid_from,
        "valid_to": draft.valid_to,
        "decision": plan.decision if plan else "all",
        "as_of": (plan.as_of if plan else None) or timezone.localdate(),
    }
    criteria = [forms.CriterionForm.initial_of(r) for r in plan.criteria] if plan else [{"kind": "value"}]
    cases = [{"name": c.name, "expect": c.expect, "facts": c.facts} for c in plan.cases] if plan else []
    return (
        forms.HeaderForm(initial=header, prefix="h"),
        forms.CriterionFormSet(initial=criteria, prefix="c"),
        forms.CaseFormSet(initial=cases, prefix="t"),
    )


def _check(document: dict[str, Any]) -> dict[str, Any]:
    """The Chinese reading, the structural problems and the test-case results of a document (nothing saved)."""
    issues = [str(i) for i in validate_document(document)]
    if issues:
        return {"reading": "", "issues": issues, "case_results": []}
    ruleset = compile_ruleset(document)
    return {"reading": describe_ruleset(ruleset), "issues": [], "case_results": run_test_cases(ruleset)}


@login_required
def editor_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    draft = selectors.draft_get(pk)
    header, criteria, cases = _forms(request, draft)
    context: dict[str, Any] = {"draft": draft, "header": header, "criteria": criteria, "cases": cases}
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "delete":
            services.draft_delete(actor=request.user, draft=draft)
            messages.success(request, _("草稿已删除"))
            return redirect("rules:editor_list")
        if header.is_valid() and criteria.is_valid() and cases.is_valid():
            try:
                document = builder.to_document(forms.plan_from(header, criteria, cases))
                problems = services.draft_save(actor=request.user, draft=draft, document=document)
                if action == "publish":
                    services.draft_publish(actor=request.user, draft=draft)
                    messages.success(request, _("已发布%(name)s，全库评估已在后台开始") % {"name": str(draft)})
                    return redirect("rules:overview")
            except builder.FactsTextError as exc:
                messages.error(request, str(exc))
            except DomainError as exc:
                messages.error(request, exc.message)
                if exc.data.get("field") == "version":
                    header.add_error("version", exc.message)
            else:
                context["problems"] = problems
                context.update(_check(document))
                if action == "dryrun":
                    context["dry"] = services.dry_run(actor=request.user, document=document)
                else:
                    messages.success(request, _("草稿已保存"))
        else:
            messages.error(request, _("有填写错误，请按红字提示修改"))
    elif draft.document.get("criteria"):
        context.update(_check(dict(draft.document)))
    return render(request, "rules/editor.html", context)


@login_required
@require_POST
def editor_preview(request: AuthedRequest, pk: int) -> HttpResponse:
    """htmx: the Chinese reading and test results of what is on the form now (nothing saved)."""
    _require_editor(request)
    selectors.draft_get(pk)
    header, criteria, cases = _forms(request, selectors.draft_get(pk))
    context: dict[str, Any] = {}
    if header.is_valid() and criteria.is_valid() and cases.is_valid():
        try:
            context.update(_check(builder.to_document(forms.plan_from(header, criteria, cases))))
        except builder.FactsTextError as exc:
            context["issues"] = [str(exc)]
    else:
        context["incomplete"] = True
    return render(request, "rules/_preview.html", context)
