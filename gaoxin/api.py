"""`/api/v1/`: the platform's REST API (django-ninja). OpenAPI 3 at /api/v1/openapi.json, docs at /api/v1/docs.

Authentication: `Authorization: Bearer <token>` (tokens from `manage.py api_token`), or the browser session for
GET requests from a logged-in user. Either way the caller has exactly one user's role and data scope, and the
endpoints call the same selectors as the pages, so an object outside the scope answers 404 here too.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from gaoxin.accounts.services import api_token_authenticate
from gaoxin.core.errors import DomainError


class TokenAuth(HttpBearer):
    openapi_description = "接口令牌：Authorization: Bearer gx_…（由 manage.py api_token 签发）"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session (read-only use from the platform's own pages and the docs page)."""

    param_name = "sessionid"
    openapi_description = "已登录的浏览器会话"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active and not user.must_change_password:
            return user
        return None


api = NinjaAPI(
    title="高新区智慧园区管理平台 API",
    version="1.0.0",
    description="企业库、资质、园区与产业。所有接口与页面使用同一套角色与数据范围：范围外的对象返回 404。",
    auth=[TokenAuth(), SessionAuth(csrf=False)],
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(
        request, {"code": exc.code, "detail": exc.message, "data": exc.data}, status=exc.status
    )


from gaoxin.registry.api import router as registry_router  # noqa: E402

api.add_router("/", registry_router)
