"""The enterprise's side of reporting: its rounds and the monthly figure sheet."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gaoxin.core.errors import NotFound, ValidationFailed
from gaoxin.core.http import AuthedRequest
from gaoxin.reporting import permissions, selectors, services


def _enterprise_user(request: AuthedRequest) -> None:
    if request.user.role != "enterprise" or request.user.enterprise_id is None:
        raise NotFound(_("您的账号尚未绑定企业，或绑定申请仍在审核中"))


@login_required
def report_list(request: AuthedRequest) -> HttpResponse:
    _enterprise_user(request)
    members = list(selectors.portal_members(request.user)[:36])
    current = next((m for m in members if not m.round.locked), None)
    return render(request, "reporting/portal_list.html", {"members": members, "current": current})


@login_required
def report_form(request: AuthedRequest, pk: int) -> HttpResponse:
    _enterprise_user(request)
    member = selectors.member_get(request.user, pk)
    rows = selectors.sheet(member)
    errors: dict[int, str] = {}
    summary = ""
    posted_values: dict[int, Any] = {}
    posted_notes: dict[int, str] = {}
    if request.method == "POST":
        posted_values = {row.indicator.pk: request.POST.get(f"value_{row.indicator.pk}", "") for row in rows}
        posted_notes = {row.indicator.pk: request.POST.get(f"note_{row.indicator.pk}", "") for row in rows}
        try:
            result = services.report_submit(
                actor=request.user, member=member, values=posted_values, explanations=posted_notes
            )
        except ValidationFailed as exc:
            errors = exc.data.get("errors", {})
            summary = exc.message
        else:
            if result.resubmitted:
                messages.success(request, _("已重新报送%(round)s数据，截止前仍可修改") % {"round": str(member.round)})
            else:
                messages.success(request, _("%(round)s数据已报送，截止前仍可修改") % {"round": str(member.round)})
            return redirect("portal:report_form", pk=member.pk)
    lines = [
        {
            "row": row,
            "value": posted_values.get(row.indicator.pk, row.initial if row.initial is not None else ""),
            "note": posted_notes.get(row.indicator.pk, row.entry.explanation if row.entry else ""),
            "error": errors.get(row.indicator.pk, ""),
        }
        for row in rows
    ]
    decision = permissions.can_submit(request.user, member)
    return render(
        request,
        "reporting/portal_form.html",
        {
            "member": member,
            "round": member.round,
            "lines": lines,
            "summary": summary,
            "editable": bool(decision),
            "locked_reason": decision.reason,
            "threshold": member.round.jump_threshold,
        },
    )
