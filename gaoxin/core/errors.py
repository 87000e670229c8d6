"""Domain errors: one base class with a code, a translatable Chinese message, data and an HTTP status.

Views let them propagate; `DomainErrorMiddleware` turns them into a page or an htmx fragment and the API's
exception handler into JSON, so a service raises once and every surface answers the same way.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message: Any = _("操作无法完成")

    def __init__(self, message: Any = None, *, data: dict[str, Any] | None = None) -> None:
        self.message = str(message if message is not None else self.default_message)
        self.data = data or {}
        super().__init__(self.message)


class NotFound(DomainError):
    """Also what an object outside the caller's data scope answers: the caller cannot tell it exists."""

    code = "not_found"
    status = 404
    default_message = _("未找到该对象，或您无权查看")


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("您没有执行该操作的权限")


class ValidationFailed(DomainError):
    code = "validation_failed"
    status = 422
    default_message = _("提交的数据有误")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("数据已被修改或已存在")
