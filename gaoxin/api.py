"""`/api/v1/`: the platform's REST API (django-ninja). OpenAPI 3 at /api/v1/openapi.json, docs at /api/v1/docs.

Authentication: `Authorization: Bearer <token>` (tokens from `manage.py api_token`), or the browser session for
GET requests from a logged-in user. Either way the caller has exactly one user's role and data scope, and the
endpoints call the same selectors as the pages, so an object outside the scope answers 404 here too.

Every error is JSON of one shape, `ErrorOut` — `{"code", "detail" (Chinese), "data"}` — whatever raised it: a
DomainError from a service or selector, a failed authentication (401), invalid parameters (422) or an unknown
path under /api/v1/ (404). The document declares 401 and 422 on every operation and 404 on every operation that
takes an id, so a client generated from it knows all the answers it can get.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import field_validator

from gaoxin.accounts.services import api_token_authenticate
from gaoxin.core.errors import DomainError, NotFound

#: The largest id a client may send (a signed 64-bit integer, the range of the primary keys).
MAX_ID = 2**63 - 1

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date_only(value: Any) -> Any:
    """A date query parameter as the document says, YYYY-MM-DD: pydantic alone would also take a number as a Unix
    timestamp ("715010" → 1970-01-09), which a client never means. Use as a `mode="before"` field validator."""
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value
    raise ValueError("date must be written YYYY-MM-DD")


#: Page size limits of every list endpoint: lists are paged in the database, never materialised whole.
PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 200
OFFSET_MAX = 10_000_000

UNAUTHORIZED_DETAIL = gettext_lazy("未登录，或接口令牌无效、已过期、已吊销")
VALIDATION_DETAIL = gettext_lazy("请求参数有误")


class ErrorOut(Schema):
    """The body of every error answer."""

    code: str = Field(..., description="错误代码：unauthorized、not_found、validation_failed、permission_denied 等")
    detail: str = Field(..., description="中文说明，可直接展示给用户")
    data: dict[str, Any] = Field(default_factory=dict, description="附加信息，如参数错误的字段列表 errors")


class TokenAuth(HttpBearer):
    openapi_description = "接口令牌：请求头 Authorization: Bearer gx_…（由 manage.py api_token 签发）"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session (read-only use from the platform's own pages and the docs page)."""

    param_name = "sessionid"
    openapi_description = "已登录的浏览器会话（平台自身页面与接口文档页使用）"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active and not user.must_change_password:
            return user
        return None


class Pagination(LimitOffsetPagination):
    """limit/offset paging done by the database (COUNT plus one LIMIT … OFFSET … query)."""

    class Input(Schema):
        limit: int = Field(
            PAGE_SIZE_DEFAULT,
            ge=1,
            le=PAGE_SIZE_MAX,
            description=f"每页条数，1～{PAGE_SIZE_MAX}，默认 {PAGE_SIZE_DEFAULT}",
        )
        offset: int = Field(0, ge=0, le=OFFSET_MAX, description="跳过前面多少条，默认 0")

    class Output(Schema):
        items: list[Any] = Field(..., description="本页的记录")
        count: int = Field(..., description="符合条件的记录总数（不受分页影响）")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=PAGE_SIZE_MAX, **kwargs)


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese written as Chinese, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


def _error_ref(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """django-ninja answers an undeclared method with a plain-text 405; ours is the JSON error like all others."""

    @wraps(view)  # keeps csrf_exempt: django-ninja checks CSRF itself
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allow = response.get("Allow", "")
            response = error_response(
                request, code="method_not_allowed", detail=_("该接口不支持此请求方法"), status=405
            )
            response["Allow"] = allow
        return response

    return wrapper


#: The apps' routers, mounted in this order when the URLs or the document are first built. Mounting them then,
#: not at import, lets an app's api module import this one (pagination, limits) without an import cycle.
APP_ROUTERS = (
    "gaoxin.registry.api.router",
    "gaoxin.indicators.api.router",
    "gaoxin.rules.api.router",
    "gaoxin.service.api.router",
    "gaoxin.policy.api.router",
    "gaoxin.briefings.api.router",
)


class PlatformAPI(NinjaAPI):
    """NinjaAPI that mounts the apps' routers lazily and declares the platform-wide error answers on every operation."""

    _apps_mounted = False

    def mount_app_routers(self) -> None:
        if self._apps_mounted:
            return
        self._apps_mounted = True
        for dotted in APP_ROUTERS:
            self.add_router("/", dotted)
        self.add_router("/", fallback_router)

    @property
    def urls(self) -> Any:
        self.mount_app_routers()
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_method_not_allowed(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        self.mount_app_routers()
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for answer in responses.values():
                    if answer.get("description") == "OK":
                        answer["description"] = "成功"
                responses.setdefault(401, _error_ref("未认证：缺少、无效、过期或已吊销的接口令牌"))
                responses.setdefault(422, _error_ref("请求参数有误：detail 说明原因，data.errors 列出各字段"))
                if "requestBody" in operation:
                    responses.setdefault(400, _error_ref("请求体不是有效的 JSON"))
                if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                    responses.setdefault(404, _error_ref("对象不存在，或不在您的数据范围内（两者答复完全相同）"))
        return schema


def _nul_path(value: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """Where a NUL character hides in parsed JSON (PostgreSQL text cannot hold one), or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if (found := _nul_path(key, (*path, key))) is not None or (found := _nul_path(item, (*path, key))):
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _nul_path(item, (*path, index))) is not None:
                return found
    return None


class PlatformParser(Parser):
    """Query strings as ninja reads them, refusing a NUL character (422: "含有不允许的字符") the way a field's pattern
    would, instead of letting it reach the database (PostgreSQL text cannot hold one). Bodies: `InputSchema`."""

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        if (path := _nul_path(parsed)) is not None:
            raise ValidationError([{"loc": ("query", *path), "type": "string_pattern_mismatch", "msg": "NUL"}])
        return parsed


class InputSchema(Schema):
    """The base of every request body the platform stores: a text field holding a NUL character is refused (422,
    naming the field) — only the fields the schema declares, since anything else is ignored."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _nul_path(value) is not None:
            raise ValueError(_("含有不允许的字符"))
        return value


api = PlatformAPI(
    title="高新区智慧园区管理平台 API",
    version="1.0.0",
    description=(
        "企业库、资质、园区与产业。\n\n"
        "**认证**：请求头 `Authorization: Bearer <令牌>`，令牌由管理员执行 `manage.py api_token 用户名` 签发，"
        "只显示一次。令牌带有该用户的角色与数据范围，与该用户登录页面时完全相同。\n\n"
        "**数据范围**：所有接口与页面使用同一套角色与数据范围；范围外的对象与不存在的对象一样返回 404，"
        "列表中也不会出现。评审专家看不到企业联系方式（`contacts` 为 null）。\n\n"
        f"**分页**：列表接口用 `limit`（1～{PAGE_SIZE_MAX}）与 `offset` 分页，返回 `{{items, count}}`。\n\n"
        "**错误**：统一为 JSON `{code, detail, data}`，`detail` 为中文说明。"
    ),
    auth=[TokenAuth(), SessionAuth(csrf=False)],
    urls_namespace="api",
    renderer=ChineseJSONRenderer(),
    parser=PlatformParser(),
)


def error_response(request: HttpRequest, *, code: str, detail: str, status: int, data: Any = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "detail": detail, "data": data or {}}, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, code=exc.code, detail=exc.message, status=exc.status, data=exc.data)


def _not_found(request: HttpRequest) -> HttpResponse:
    """The one 404 answer: the same bytes for an id that does not exist and one outside the caller's scope."""
    exc = NotFound()
    return error_response(request, code=exc.code, detail=exc.message, status=exc.status)


@api.exception_handler(Http404)
def http_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _not_found(request)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(request, code="unauthorized", detail=str(UNAUTHORIZED_DETAIL), status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


_HTTP_ERROR_DETAILS = {
    400: ("bad_request", gettext_lazy("请求体不是有效的 JSON")),
    403: ("permission_denied", gettext_lazy("您没有执行该操作的权限")),
    405: ("method_not_allowed", gettext_lazy("该接口不支持此请求方法")),
    429: ("throttled", gettext_lazy("请求过于频繁，请稍后再试")),
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code, detail = _HTTP_ERROR_DETAILS.get(exc.status_code, ("http_error", gettext_lazy("请求无法完成")))
    return error_response(request, code=code, detail=str(detail), status=exc.status_code)


_PARAM_MESSAGES = {
    "missing": gettext_lazy("必须填写"),
    "int_parsing": gettext_lazy("应为整数"),
    "int_type": gettext_lazy("应为整数"),
    "int_from_float": gettext_lazy("应为整数"),
    "bool_parsing": gettext_lazy("应为 true 或 false"),
    "bool_type": gettext_lazy("应为 true 或 false"),
    "enum": gettext_lazy("不是允许的取值"),
    "literal_error": gettext_lazy("不是允许的取值"),
    "string_type": gettext_lazy("应为文本"),
    "string_too_long": gettext_lazy("过长"),
    "string_pattern_mismatch": gettext_lazy("含有不允许的字符"),
    "value_error": gettext_lazy("取值无效"),
}


def _param_message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "greater_than_equal":
        return _("不能小于 %(limit)s") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("不能大于 %(limit)s") % {"limit": ctx.get("le")}
    if kind == "string_too_long":
        return _("不能超过 %(n)s 个字符") % {"n": ctx.get("max_length")}
    if kind == "enum" and ctx.get("expected"):
        return _("应为 %(expected)s 之一") % {"expected": ctx["expected"]}
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    return str(_PARAM_MESSAGES.get(kind, gettext_lazy("格式不正确")))


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        raw = list(error.get("loc", ()))
        if len(raw) > 2 and raw[0] == "body":
            del raw[1]  # the view's body parameter (e.g. payload): the caller knows only its fields
        loc = [str(part) for part in raw if part not in {"query", "path", "body", "filters"}]
        errors.append({"field": ".".join(loc), "message": _param_message(error)})
    summary = _("；").join(
        _("%(field)s：%(message)s") % {"field": e["field"], "message": e["message"]} if e["field"] else e["message"]
        for e in errors
    )
    detail = (
        _("%(detail)s：%(summary)s") % {"detail": VALIDATION_DETAIL, "summary": summary}
        if summary
        else str(VALIDATION_DETAIL)
    )
    return error_response(request, code="validation_failed", detail=detail, status=422, data={"errors": errors})


#: Mounted after the apps' routers, so that it only answers paths no other router knows.
fallback_router = Router()


@fallback_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:unknown}", auth=None, include_in_schema=False
)
def unknown_path(request: HttpRequest, unknown: str) -> HttpResponse:
    """Any other path under /api/v1/ answers the JSON 404, not the HTML page of the site."""
    return _not_found(request)
