"""The user's messages: list, open (marks read and follows the link), mark all read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gaoxin.core.http import AuthedRequest
from gaoxin.notifications import selectors, services


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    rows = selectors.notification_scope(request.user)
    if request.GET.get("unread"):
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    unread = bool(request.GET.get("unread"))
    context = {"page": page, "unread_only": unread, "querystring": "unread=1" if unread else ""}
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def notification_open(request: AuthedRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get(request.user, pk)
    services.mark_read(actor=request.user, notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: AuthedRequest) -> HttpResponse:
    services.mark_all_read(actor=request.user)
    return redirect("notifications:list")
