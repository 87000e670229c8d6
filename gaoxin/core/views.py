"""The workbench home of each role, and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from gaoxin.core.dashboards import home_context
from gaoxin.core.http import AuthedRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    context = home_context(request.user)
    return render(request, context.pop("template"), context)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
