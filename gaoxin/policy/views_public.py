"""Public notices (公示) without login: the list of proposed awards with enterprise, park and amount, never contact
data or bank accounts; the period (working days, first day counted) and how to object in writing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from gaoxin.policy import selectors


def public_notices(request: HttpRequest) -> HttpResponse:
    return render(request, "policy/public_notices.html", {"notices": list(selectors.public_notices()[:100])})


def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(pk)
    entries = selectors.notice_entries(notice)
    return render(
        request,
        "policy/public_notice.html",
        {
            "notice": notice,
            "entries": entries,
            "total": sum((a.awarded_yuan or 0 for a in entries), 0),
            "today": timezone.localdate(),
        },
    )
