"""Checking uploaded attachments by their content (magic bytes), not by the name or the browser's content type.

Accepted: PDF, JPEG, PNG and Office documents — OOXML (docx/xlsx/pptx: a zip with `[Content_Types].xml`) and the
older OLE compound files (doc/xls/ppt). The file's suffix must agree with what its content is.
"""

from __future__ import annotations

import secrets
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from gaoxin.core.errors import ValidationFailed

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (OLE, "ole"),
    (b"PK\x03\x04", "zip"),
)
SUFFIXES = {
    "pdf": {".pdf"},
    "jpg": {".jpg", ".jpeg"},
    "png": {".png"},
    "ole": {".doc", ".xls", ".ppt"},
    "zip": {".docx", ".xlsx", ".pptx"},
}
ACCEPT = ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.ppt,.pptx"


def sniff(head: bytes) -> str | None:
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def check_upload(upload: Any) -> str:
    """The file's type (its suffix without the dot) if it is acceptable; ValidationFailed naming the reason if not."""
    name = Path(str(upload.name)).name
    limit = settings.SERVICE_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationFailed(
            _("附件“%(name)s”超过%(mb)sMB的大小限制") % {"name": name, "mb": limit // (1024 * 1024)},
            data={"field": "files"},
        )
    if upload.size == 0:
        raise ValidationFailed(_("附件“%(name)s”是空文件") % {"name": name}, data={"field": "files"})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    suffix = Path(name).suffix.lower()
    if kind is None or suffix not in SUFFIXES[kind]:
        raise ValidationFailed(
            _("附件“%(name)s”的类型不被接受：只接受PDF、JPG、PNG和Office文档，且文件内容须与扩展名一致")
            % {"name": name},
            data={"field": "files"},
        )
    if kind == "zip":
        try:
            with zipfile.ZipFile(upload) as archive:
                ok = "[Content_Types].xml" in archive.namelist()
        except zipfile.BadZipFile:
            ok = False
        upload.seek(0)
        if not ok:
            raise ValidationFailed(_("附件“%(name)s”不是有效的Office文档") % {"name": name}, data={"field": "files"})
    return suffix.lstrip(".")


def store(row: Any, upload: Any, kind: str) -> Any:
    """Save an upload `check_upload` accepted as `kind` into a new `core.models.StoredFile` row (its own fields set
    by the caller): a random file name on disk, the original name kept for display."""
    row.stored_name = f"{secrets.token_hex(16)}.{kind}"
    row.name = Path(str(upload.name)).name[:200]
    row.kind = kind
    row.size = upload.size
    row.file.save(row.stored_name, upload, save=False)
    row.save()
    return row
