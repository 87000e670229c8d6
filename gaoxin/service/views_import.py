"""Bulk import of appeals for the service centre: download the template, upload a file, see the dry run (row by row
problems in Chinese; a file with any error stores nothing), then confirm. The uploaded file waits under
MEDIA_ROOT/imports named by a random token kept in the officer's session (as the registry's imports do)."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.core.errors import NotFound
from gaoxin.core.http import AuthedRequest
from gaoxin.core.importing import ImportResult, UnreadableFile
from gaoxin.core.permissions import require
from gaoxin.service import forms, permissions
from gaoxin.service.imports import APPEAL_COLUMNS, appeal_template, appeal_template_csv, import_appeals

SESSION_KEY = "service_imports"
STALE_SECONDS = 24 * 3600
ISSUE_ROWS = 500
PREVIEW_ROWS = 20
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _pending(request: AuthedRequest, token: str) -> dict[str, Any]:
    entry = request.session.get(SESSION_KEY, {}).get(token) if _TOKEN.match(token) else None
    if not entry or entry.get("user") != request.user.pk:
        raise NotFound(_("该导入已完成或已过期，请重新上传文件"))
    path = _folder() / entry["stored"]
    if not path.exists():
        raise NotFound(_("上传的文件已过期，请重新上传"))
    return {**entry, "path": path}


def _run(request: AuthedRequest, entry: dict[str, Any], *, dry_run: bool) -> ImportResult:
    try:
        return import_appeals(entry["path"], actor=request.user, dry_run=dry_run, filename=entry["filename"])
    except UnreadableFile as exc:
        return ImportResult.for_unreadable(exc.message, title=_("企业诉求导入"), sheet=Path(entry["filename"]).stem)


@login_required
def import_upload(request: AuthedRequest) -> HttpResponse:
    require(permissions.can_import(request.user))
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        folder = _folder()
        limit = time.time() - STALE_SECONDS
        for old in folder.glob("appeals-*"):
            if old.stat().st_mtime < limit:
                old.unlink(missing_ok=True)
        upload = form.cleaned_data["file"]
        token = secrets.token_hex(16)
        stored = f"appeals-{token}{Path(upload.name).suffix.lower()}"
        with (folder / stored).open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        pending = dict(request.session.get(SESSION_KEY, {}))
        pending[token] = {"filename": Path(upload.name).name, "stored": stored, "user": request.user.pk}
        request.session[SESSION_KEY] = pending
        return redirect("service:import_preview", token=token)
    columns = [column for column in APPEAL_COLUMNS if column.in_template]
    return render(request, "service/import_upload.html", {"form": form, "columns": columns})


def _context(result: ImportResult) -> dict[str, Any]:
    counts = result.planned if result.aborted else {"created": result.created, "unchanged": result.unchanged}
    return {
        "result": result,
        "counts": counts,
        "errors": result.errors[:ISSUE_ROWS],
        "warnings": result.warnings[:ISSUE_ROWS],
        "changes": result.changes[:PREVIEW_ROWS],
    }


@login_required
def import_preview(request: AuthedRequest, token: str) -> HttpResponse:
    require(permissions.can_import(request.user))
    entry = _pending(request, token)
    result = _run(request, entry, dry_run=True)
    context = {**_context(result), "token": token, "entry": entry, "can_commit": result.ok and result.created > 0}
    return render(request, "service/import_preview.html", context)


@login_required
@require_POST
def import_commit(request: AuthedRequest, token: str) -> HttpResponse:
    require(permissions.can_import(request.user))
    entry = _pending(request, token)
    result = _run(request, entry, dry_run=False)
    if not result.ok:
        messages.error(request, _("文件有%(n)s处错误，未导入任何数据。请修改后重新上传。") % {"n": len(result.errors)})
        return redirect("service:import_preview", token=token)
    pending = dict(request.session.get(SESSION_KEY, {}))
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    Path(entry["path"]).unlink(missing_ok=True)
    return render(request, "service/import_preview.html", {**_context(result), "entry": entry, "done": True})


@login_required
def import_template(request: AuthedRequest, fmt: str) -> HttpResponse:
    require(permissions.can_import(request.user))
    if fmt not in ("xlsx", "csv"):
        raise NotFound()
    if fmt == "csv":
        response = HttpResponse(appeal_template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            appeal_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    name = f"企业诉求导入模板.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
