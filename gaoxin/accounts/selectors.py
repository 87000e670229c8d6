"""Reads of accounts: users (administrators only) and binding requests (scoped like the enterprises)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from gaoxin.accounts.models import ApiToken, BindingStatus, EnterpriseBinding, User
from gaoxin.accounts.roles import Role
from gaoxin.core.errors import NotFound


def user_scope(actor: Any) -> QuerySet[User]:
    if actor is None or not actor.is_authenticated or not actor.is_active or actor.role != Role.ADMIN:
        return User.objects.none()
    return User.objects.all()


def user_list(actor: Any, *, q: str = "", role: str = "", active: bool | None = None) -> QuerySet[User]:
    qs = user_scope(actor).select_related("department", "enterprise").prefetch_related("parks")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(phone__icontains=q))
    if role:
        qs = qs.filter(role=role)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("role", "username")


def user_get(actor: Any, pk: int | str) -> User:
    try:
        return user_scope(actor).get(pk=int(pk))
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def binding_scope(actor: Any) -> QuerySet[EnterpriseBinding]:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return EnterpriseBinding.objects.none()
    if actor.role in {Role.OFFICER, Role.ADMIN}:
        return EnterpriseBinding.objects.all()
    if actor.role == Role.PARK_OFFICER:
        return EnterpriseBinding.objects.filter(enterprise__park__officers=actor)
    if actor.role == Role.ENTERPRISE:
        return EnterpriseBinding.objects.filter(user=actor)
    return EnterpriseBinding.objects.none()


def binding_list(actor: Any, *, status: str = BindingStatus.PENDING) -> QuerySet[EnterpriseBinding]:
    qs = binding_scope(actor).select_related("user", "enterprise", "enterprise__park", "decided_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at")


def binding_get(actor: Any, pk: int | str) -> EnterpriseBinding:
    try:
        return binding_list(actor, status="").get(pk=int(pk))
    except (EnterpriseBinding.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def token_list(actor: Any) -> QuerySet[ApiToken]:
    if actor is None or not actor.is_authenticated:
        return ApiToken.objects.none()
    if actor.role == Role.ADMIN:
        return ApiToken.objects.select_related("user")
    return ApiToken.objects.filter(user=actor)
