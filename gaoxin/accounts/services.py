"""Writes to accounts: users and their scopes, self-registration and binding decisions, passwords, API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.accounts import permissions
from gaoxin.accounts.models import ApiToken, BindingStatus, EnterpriseBinding, User
from gaoxin.accounts.roles import Role
from gaoxin.core import audit
from gaoxin.core.errors import Conflict, ValidationFailed
from gaoxin.core.models import AuditAction
from gaoxin.core.permissions import require
from gaoxin.registry.identity import check_uscc
from gaoxin.registry.models import Department, Enterprise, Park

TOKEN_PREFIX = "gx_"  # noqa: S105 (a public prefix, not a secret)


def one_time_password() -> str:
    """A 12-character password meeting the platform's rules, for new users and resets."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _index in range(10))
        candidate = f"{body}#{secrets.choice(string.digits)}"
        if any(c.islower() for c in body) and any(c.isupper() for c in body):
            return candidate


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), data={"field": "password"}) from exc


def scope_validate(
    *, role: str, parks: Iterable[Park], department: Department | None, enterprise: Enterprise | None
) -> None:
    """A role's scope must be complete: a park officer needs parks, an enterprise user an enterprise."""
    if role not in Role.values:
        raise ValidationFailed(_("角色：不是有效的角色"))
    if role == Role.PARK_OFFICER and not list(parks):
        raise ValidationFailed(_("园区：园区人员须指定至少一个园区"))
    if role == Role.ENTERPRISE and enterprise is None:
        raise ValidationFailed(_("企业：企业用户须指定企业（统一社会信用代码）"))
    if role != Role.ENTERPRISE and enterprise is not None:
        raise ValidationFailed(_("企业：只有企业用户可以绑定企业"))


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    full_name: str = "",
    phone: str = "",
    email: str = "",
    role: str,
    parks: Iterable[Park] = (),
    department: Department | None = None,
    enterprise: Enterprise | None = None,
    is_active: bool = True,
    password: str | None = None,
) -> tuple[User, str]:
    """Create a user with a one-time password (returned once) that must be changed at first login."""
    if actor is not None:
        require(permissions.can_manage_users(actor))
    username = username.strip()
    if not username:
        raise ValidationFailed(_("用户名：不能为空"))
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("用户名 %(username)s 已存在") % {"username": username})
    parks = list(parks)
    scope_validate(role=role, parks=parks, department=department, enterprise=enterprise)
    user = User(
        username=username,
        full_name=full_name.strip(),
        phone=phone,
        email=email,
        role=role,
        department=department,
        enterprise=enterprise,
        is_active=is_active,
        must_change_password=password is None,
    )
    clear = password or one_time_password()
    if password is not None:
        _check_password(password, user)
    user.set_password(clear)
    user.save()
    user.parks.set(parks)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=user,
        changes={"用户": [None, f"{username}（{user.get_role_display()}）"]},
        enterprise_id=enterprise.pk if enterprise else None,
    )
    return user, clear


USER_FIELDS = ("full_name", "phone", "email", "role", "department", "enterprise", "is_active")


@transaction.atomic
def user_update(*, actor: Any, user: User, data: dict[str, Any], parks: Iterable[Park] | None = None) -> User:
    require(permissions.can_manage_users(actor))
    if user.pk == actor.pk and (data.get("role", user.role) != Role.ADMIN or data.get("is_active") is False):
        raise ValidationFailed(_("不能取消自己的管理员角色或停用自己"))
    before = audit.snapshot(user, [f for f in USER_FIELDS if f in data])
    old_parks = sorted(p.name for p in user.parks.all())
    for name in before:
        setattr(user, name, data[name])
    new_parks = list(parks) if parks is not None else list(user.parks.all())
    scope_validate(role=user.role, parks=new_parks, department=user.department, enterprise=user.enterprise)
    changes = audit.diff(User, before, audit.snapshot(user, before.keys()))
    if parks is not None and sorted(p.name for p in new_parks) != old_parks:
        user.parks.set(new_parks)
        changes["负责园区"] = [old_parks, sorted(p.name for p in new_parks)]
    if changes:
        user.save()
        audit.record(actor=actor, action=AuditAction.UPDATE, target=user, changes=changes)
    return user


@transaction.atomic
def user_reset_password(*, actor: Any, user: User) -> str:
    require(permissions.can_manage_users(actor))
    clear = one_time_password()
    user.set_password(clear)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit.record(actor=actor, action=AuditAction.UPDATE, target=user, changes={"密码": ["***", "已重置（一次性密码）"]})
    return clear


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise ValidationFailed(_("原密码不正确"), data={"field": "old_password"})
    if old_password == new_password:
        raise ValidationFailed(_("新密码不能与原密码相同"), data={"field": "new_password"})
    _check_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit.record(actor=user, action=AuditAction.UPDATE, target=user, changes={"密码": ["***", "已修改"]})
    return user


# Enterprise self-registration and binding ---------------------------------------------------------------


@transaction.atomic
def enterprise_user_register(
    *,
    username: str,
    password: str,
    full_name: str,
    phone: str,
    email: str = "",
    uscc: str,
    enterprise_name: str,
    position: str = "",
) -> EnterpriseBinding:
    """A new enterprise user and its binding request. The user sees nothing of the enterprise until approved."""
    check = check_uscc(uscc)
    if not check.ok:
        raise ValidationFailed(_("统一社会信用代码：%(problem)s") % {"problem": check.message}, data={"field": "uscc"})
    if not enterprise_name.strip():
        raise ValidationFailed(_("企业名称：不能为空"), data={"field": "enterprise_name"})
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("该用户名已被注册，请换一个"), data={"field": "username"})
    user = User(
        username=username, full_name=full_name.strip(), phone=phone, email=email, role=Role.ENTERPRISE, is_active=True
    )
    _check_password(password, user)
    user.set_password(password)
    user.save()
    binding = EnterpriseBinding.objects.create(
        user=user,
        uscc=check.code,
        enterprise_name=enterprise_name.strip(),
        enterprise=Enterprise.objects.filter(uscc=check.code).first(),
        applicant_position=position.strip(),
    )
    audit.record(
        actor=user,
        action=AuditAction.CREATE,
        target=binding,
        enterprise_id=binding.enterprise_id,
        changes={"绑定申请": [None, str(binding)]},
    )
    return binding


@transaction.atomic
def binding_approve(
    *, actor: Any, binding: EnterpriseBinding, enterprise: Enterprise | None = None
) -> EnterpriseBinding:
    """Bind the user to the enterprise. `enterprise` lets the officer pick the match when the USCC was unknown."""
    require(permissions.can_decide_binding(actor, binding))
    if binding.status != BindingStatus.PENDING:
        raise Conflict(_("该申请已处理"))
    target = enterprise or binding.enterprise or Enterprise.objects.filter(uscc=binding.uscc).first()
    if target is None:
        raise ValidationFailed(_("企业库中没有该统一社会信用代码的企业，请先登记企业再审核"))
    binding.enterprise = target
    require(permissions.can_decide_binding(actor, binding))
    binding.status = BindingStatus.APPROVED
    binding.decided_by = actor
    binding.decided_at = timezone.now()
    binding.save()
    user = binding.user
    user.enterprise = target
    user.save(update_fields=["enterprise"])
    audit.record(
        actor=actor,
        action=AuditAction.APPROVE,
        target=binding,
        enterprise_id=target.pk,
        changes={"企业用户": [None, f"{user.username}（{user.display_name}）"]},
    )
    return binding


@transaction.atomic
def binding_reject(*, actor: Any, binding: EnterpriseBinding, reason: str) -> EnterpriseBinding:
    require(permissions.can_decide_binding(actor, binding))
    if binding.status != BindingStatus.PENDING:
        raise Conflict(_("该申请已处理"))
    if not reason.strip():
        raise ValidationFailed(_("请填写驳回原因，企业用户会看到它"))
    binding.status = BindingStatus.REJECTED
    binding.decided_by = actor
    binding.decided_at = timezone.now()
    binding.reason = reason.strip()
    binding.save()
    audit.record(
        actor=actor, action=AuditAction.REJECT, target=binding, enterprise_id=binding.enterprise_id, reason=reason
    )
    return binding


# API tokens ------------------------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, actor: Any, user: User, name: str = "", expires_days: int | None = None) -> tuple[ApiToken, str]:
    """A token that carries exactly `user`'s role and scope. The clear token is returned once, never stored."""
    if actor is not None:
        require(permissions.can_manage_users(actor))
    if not user.is_active:
        raise ValidationFailed(_("停用的用户不能签发接口令牌"))
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + dt.timedelta(days=expires_days) if expires_days else None
    token = ApiToken.objects.create(user=user, name=name, prefix=clear[:10], digest=_digest(clear), expires_at=expires)
    audit.record(actor=actor, action=AuditAction.CREATE, target=token, changes={"接口令牌": [None, token.prefix + "…"]})
    return token, clear


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """A user revokes their own token, an administrator anyone's; actor None is IT staff at the command line."""
    if actor is not None and token.user_id != getattr(actor, "pk", None):
        require(permissions.can_manage_users(actor))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=actor, action=AuditAction.UPDATE, target=token, changes={"状态": ["有效", "已吊销"]})
    return token


def api_token_authenticate(clear: str) -> User | None:
    """The active user behind a usable token, or None. Records when the token was last used (at most once a minute)."""
    if not clear or not clear.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=_digest(clear)).first()
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
