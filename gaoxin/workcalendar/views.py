"""The working-day calendar page: a year as the platform counts it, and an administrator's corrections."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.accounts.roles import Role
from gaoxin.core.errors import DomainError, PermissionDenied
from gaoxin.core.http import AuthedRequest
from gaoxin.workcalendar import forms, selectors, services

READERS = frozenset({Role.ADMIN, Role.OFFICER, Role.LEADER})


@login_required
def year_view(request: AuthedRequest) -> HttpResponse:
    if request.user.role not in READERS:
        raise PermissionDenied(_("只有管理员和科室人员可以查看工作日历"))
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
    admin = request.user.role == Role.ADMIN
    import_form = forms.YearImportForm(request.POST or None, prefix="y") if admin else None
    day_form = forms.DayForm(request.POST or None, prefix="d") if admin else None
    if request.method == "POST":
        if not admin:
            raise PermissionDenied(_("只有管理员可以维护工作日历"))
        try:
            if request.POST.get("action") == "import" and import_form is not None and import_form.is_valid():
                count = services.year_import(
                    actor=request.user,
                    year=year,
                    lines=import_form.cleaned_data["lines"],
                    notice=import_form.cleaned_data["notice"],
                )
                messages.success(request, _("已录入%(y)s年节假日安排，共%(n)s天") % {"y": year, "n": count})
                return redirect(f"{request.path}?year={year}")
            if request.POST.get("action") == "day" and day_form is not None and day_form.is_valid():
                data = day_form.cleaned_data
                services.day_set(actor=request.user, day=data["day"], is_workday=data["is_workday"], name=data["name"])
                messages.success(request, _("已调整%(d)s") % {"d": data["day"].isoformat()})
                return redirect(f"{request.path}?year={data['day'].year}")
            if request.POST.get("action") == "delete":
                services.day_delete(actor=request.user, day=dt.date.fromisoformat(request.POST.get("day", "")))
                messages.success(request, _("已撤销该日调整"))
                return redirect(f"{request.path}?year={year}")
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, _("日期格式应为 YYYY-MM-DD"))
    calendar = selectors.work_calendar()
    days = calendar.year(year)
    return render(
        request,
        "workcalendar/year.html",
        {
            "year": year,
            "days_off": [d for d in days if not d.is_workday],
            "worked": [d for d in days if d.is_workday],
            "known": year not in calendar.unknown_years,
            "complete": selectors.complete_year(year),
            "corrections": selectors.corrections(year),
            "import_form": import_form,
            "day_form": day_form,
            "admin": admin,
        },
    )
