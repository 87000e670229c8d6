"""Rule sets and the lists drawn from the registry-wide evaluation (培育名单): overview, one rule set with its
Chinese reading and test cases, the candidates (meets all / misses one / undecided) with Excel export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from gaoxin.core.errors import PermissionDenied
from gaoxin.core.excel import table_xlsx, xlsx_response
from gaoxin.core.http import AuthedRequest
from gaoxin.registry.selectors import park_scope
from gaoxin.rules import permissions, selectors, services
from gaoxin.rules.engine import describe_criterion, describe_ruleset, run_test_cases

KINDS = ("pass", "near", "unknown")


def _require(request: AuthedRequest) -> None:
    decision = permissions.can_view_rules(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)


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
    decision = permissions.can_edit_rules(request.user)
    if not decision:
        raise PermissionDenied(decision.reason)
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
        return _xlsx(version, kind, list(rows))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
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
    for r in rows:
        open_items = "；".join(c["message"] for c in r.criteria if c["kind"] == "criterion" and c["result"] != "pass")
        data.append(
            [r.enterprise.uscc, r.enterprise.name, r.enterprise.park.name, words[r.result], r.score, open_items]
        )
    title = f"{version} · {TITLES[kind]}"
    return xlsx_response(str(TITLES[kind]), table_xlsx(title, headers, data))
