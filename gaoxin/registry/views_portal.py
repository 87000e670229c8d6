"""The enterprise portal's own profile: everything the zone holds on it, read-only, and its contacts, editable."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gaoxin.core.errors import DomainError, NotFound
from gaoxin.core.forms import attach_error
from gaoxin.core.http import AuthedRequest
from gaoxin.registry import forms, selectors, services


def _own_enterprise(request: AuthedRequest):  # type: ignore[no-untyped-def]
    if request.user.role != "enterprise" or request.user.enterprise_id is None:
        raise NotFound(_("您的账号尚未绑定企业，或绑定申请仍在审核中"))
    return selectors.enterprise_get(request.user, request.user.enterprise_id)


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    enterprise = _own_enterprise(request)
    return render(
        request,
        "portal/profile.html",
        {"e": enterprise, "ladder": selectors.ladder_position(enterprise)},
    )


@login_required
def contacts_edit(request: AuthedRequest) -> HttpResponse:
    enterprise = _own_enterprise(request)
    form = forms.ContactsForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update_contacts(
                actor=request.user, enterprise=_own_enterprise(request), data=form.cleaned_data
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("联系信息已更新"))
            return redirect("portal:profile")
    return render(request, "portal/contacts_form.html", {"form": form, "e": enterprise})
