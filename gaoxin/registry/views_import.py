"""Bulk import pages for bureau officers: upload a spreadsheet, see what it would change (a dry run), then
confirm. The uploaded file waits under MEDIA_ROOT/imports, named by a random token kept in the officer's
session, so only the officer who uploaded it can preview or commit it; committing re-runs the import for real.
Templates are generated with the exact column names of FORMATS.md.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gaoxin.core.errors import NotFound
from gaoxin.core.forms import StyledFormMixin
from gaoxin.core.http import AuthedRequest
from gaoxin.core.importing import ACCEPTED_SUFFIXES, ImportResult, UnreadableFile
from gaoxin.core.permissions import require
from gaoxin.registry import permissions
from gaoxin.registry.imports import IMPORT_KINDS

SESSION_KEY = "registry_imports"
STALE_SECONDS = 24 * 3600
PREVIEW_ROWS = 20
ISSUE_ROWS = 500
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _require(request: AuthedRequest) -> None:
    require(permissions.can_import_registry(request.user))


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _purge_stale(folder: Path) -> None:
    """Uploads nobody confirmed within a day are removed, so officers' data does not pile up on the server."""
    limit = time.time() - STALE_SECONDS
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


class UploadForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("导入内容"),
        choices=[(key, kind.label) for key, kind in IMPORT_KINDS.items()],
        widget=forms.RadioSelect,
        initial="enterprises",
    )
    file = forms.FileField(
        label=gettext_lazy("文件"), help_text=gettext_lazy("Excel（.xlsx、.xls）或CSV（UTF-8或GBK编码）")
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(_("文件过大：不能超过%(size)sMB") % {"size": limit // (1024 * 1024)})
        if Path(upload.name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(_("只支持 Excel（.xlsx、.xls）和 CSV 文件"))
        return upload


def _pending(request: AuthedRequest, token: str) -> dict[str, Any]:
    entry = request.session.get(SESSION_KEY, {}).get(token) if _TOKEN.match(token) else None
    if not entry or entry.get("user") != request.user.pk:
        raise NotFound(_("该导入已完成或已过期，请重新上传文件"))
    path = _folder() / entry["stored"]
    if not path.exists():
        raise NotFound(_("上传的文件已过期，请重新上传"))
    return {**entry, "path": path}


def _forget(request: AuthedRequest, token: str) -> None:
    pending = dict(request.session.get(SESSION_KEY, {}))
    entry = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if entry:
        (_folder() / entry["stored"]).unlink(missing_ok=True)


def _run(request: AuthedRequest, entry: dict[str, Any], *, dry_run: bool, partial: bool = False) -> ImportResult:
    kind = IMPORT_KINDS[entry["kind"]]
    try:
        return kind.run(entry["path"], actor=request.user, dry_run=dry_run, partial=partial, filename=entry["filename"])
    except UnreadableFile as exc:
        title = _("%(kind)s导入") % {"kind": kind.label}
        return ImportResult.for_unreadable(exc.message, title=title, sheet=Path(entry["filename"]).stem)


@login_required
def import_upload(request: AuthedRequest) -> HttpResponse:
    _require(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        folder = _folder()
        _purge_stale(folder)
        upload = form.cleaned_data["file"]
        token = secrets.token_hex(16)
        stored = f"{token}{Path(upload.name).suffix.lower()}"
        with (folder / stored).open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        pending = dict(request.session.get(SESSION_KEY, {}))
        pending[token] = {
            "kind": form.cleaned_data["kind"],
            "filename": Path(upload.name).name,
            "stored": stored,
            "user": request.user.pk,
        }
        request.session[SESSION_KEY] = pending
        return redirect("registry:import_preview", token=token)
    return render(request, "registry/import_upload.html", {"form": form, "kinds": IMPORT_KINDS})


@login_required
def import_preview(request: AuthedRequest, token: str) -> HttpResponse:
    _require(request)
    entry = _pending(request, token)
    result = _run(request, entry, dry_run=True)
    kind = IMPORT_KINDS[entry["kind"]]
    return render(
        request,
        "registry/import_preview.html",
        {
            "token": token,
            "entry": entry,
            "kind": kind,
            "result": result,
            "counts": result.planned if result.aborted else _counts(result),
            "errors": result.errors[:ISSUE_ROWS],
            "warnings": result.warnings[:ISSUE_ROWS],
            "changes": result.changes[:PREVIEW_ROWS],
            "can_commit": not result.unreadable and (result.ok or kind.supports_partial),
        },
    )


def _counts(result: ImportResult) -> dict[str, int]:
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}


@login_required
@require_POST
def import_commit(request: AuthedRequest, token: str) -> HttpResponse:
    _require(request)
    entry = _pending(request, token)
    kind = IMPORT_KINDS[entry["kind"]]
    partial = kind.supports_partial and request.POST.get("partial") == "1"
    result = _run(request, entry, dry_run=False, partial=partial)
    if result.aborted or result.unreadable:
        if kind.supports_partial:
            text = _("文件有%(n)s处错误，未导入任何数据。请修改后重新上传，或勾选“只导入无误的行”。")
        else:
            text = _("文件有%(n)s处错误，未导入任何数据。请修改后重新上传。")
        messages.error(request, text % {"n": len(result.errors)})
        return redirect("registry:import_preview", token=token)
    _forget(request, token)
    return render(
        request,
        "registry/import_result.html",
        {
            "entry": entry,
            "kind": kind,
            "result": result,
            "errors": result.errors[:ISSUE_ROWS],
            "warnings": result.warnings[:ISSUE_ROWS],
        },
    )


@login_required
def import_template(request: AuthedRequest, kind: str) -> HttpResponse:
    _require(request)
    spec = IMPORT_KINDS.get(kind)
    if spec is None:
        raise NotFound()
    response = HttpResponse(
        spec.template(request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(spec.template_name)}"
    return response
