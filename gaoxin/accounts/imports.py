"""Importing user accounts from a spreadsheet (FORMATS.md 1f; natural key: 用户名, compared case-insensitively).

Invariants:
- all or nothing: a file with any error creates and changes no account;
- a role's scope is complete, as `services.scope_validate` requires: a 园区人员 has at least one park, a 企业用户
  exactly one enterprise of the registry, and no other role is bound to an enterprise;
- a new user gets a one-time password (returned once, in `result.extra["passwords"]`, never stored in clear)
  and must change it at first login; an existing user's password is never touched;
- re-importing the same file changes nothing; an empty optional cell keeps the current value;
- every created or changed account writes an audit entry in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from gaoxin.accounts import permissions
from gaoxin.accounts.models import User
from gaoxin.accounts.roles import ROLE_BY_LABEL, Role
from gaoxin.accounts.services import one_time_password
from gaoxin.core import audit
from gaoxin.core.importing import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Column,
    ImportResult,
    Record,
    Table,
    cell_email,
    cell_phone,
    cell_text,
    cell_uscc,
    chunked,
    lookup_key,
    mark_duplicates,
    open_workbook,
    read_table,
    split_list,
)
from gaoxin.core.models import AuditAction, AuditEntry
from gaoxin.core.normalize import CellError
from gaoxin.core.permissions import require
from gaoxin.registry.identity import check_uscc
from gaoxin.registry.models import Department, Enterprise, Park


def role_labels() -> str:
    """The role names as the officer's language writes them (evaluated per call: the language may differ)."""
    return "、".join(str(label) for _value, label in Role.choices)


STATES = {"启用": True, "停用": False, "正常": True, "禁用": False}


def _parse_username(value: Any) -> str | None:
    name = cell_text(150)(value)
    if name is None:
        return None
    try:
        User.username_validator(name)
    except ValidationError as exc:
        raise CellError(_("只能包含字母、数字、汉字和 @ . + - _")) from exc
    return str(name)


def _parse_role(value: Any) -> str | None:
    raw = cell_text()(value)
    if raw is None:
        return None
    role = ROLE_BY_LABEL.get(raw) or next((r for r in Role if r.value == raw.lower()), None)
    if role is None:
        raise CellError(_("不是有效的角色（应为%(roles)s）") % {"roles": role_labels()})
    return str(role.value)


def _parse_state(value: Any) -> bool | None:
    raw = cell_text()(value)
    if raw is None:
        return None
    if raw not in STATES:
        raise CellError(_("应为启用或停用"))
    return STATES[raw]


def _parse_parks(value: Any) -> list[str] | None:
    return split_list(value) or None


USER_COLUMNS: tuple[Column, ...] = (
    Column("username", "用户名", required=True, aliases=("账号", "登录名", "帐号"), parse=_parse_username),
    Column("full_name", "姓名", aliases=("名字",), parse=cell_text(60)),
    Column("phone", "手机", aliases=("手机号", "手机号码", "联系电话", "电话"), parse=cell_phone),
    Column("email", "电子邮箱", aliases=("邮箱", "电子邮件", "Email"), parse=cell_email),
    Column("role", "角色", required=True, parse=_parse_role),
    Column("parks", "园区", aliases=("负责园区", "所属园区"), parse=_parse_parks),
    Column("department", "部门", aliases=("所属部门", "科室"), parse=cell_text(100)),
    Column("enterprise", "企业", aliases=("统一社会信用代码", "企业信用代码", "所属企业"), parse=cell_uscc),
    Column("is_active", "状态", aliases=("账号状态",), parse=_parse_state),
)
_LABELS = {
    "full_name": "姓名",
    "phone": "手机",
    "email": "电子邮箱",
    "role": "角色",
    "department": "部门",
    "enterprise": "企业",
    "is_active": "状态",
}


def _show(name: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if name == "role":
        return str(Role(value).label)
    if name == "is_active":
        return "启用" if value else "停用"
    return audit.audit_value(value)


def _diff(user: User, data: dict[str, Any]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name, new in data.items():
        old = getattr(user, name)
        if old != new and not (old in (None, "") and new in (None, "")):
            changes[_LABELS[name]] = [_show(name, old), _show(name, new)]
    return changes


@dataclass
class _UserPlan:
    record: Record
    username: str
    current: User | None
    data: dict[str, Any]
    parks: list[Park] | None
    changes: dict[str, list[Any]] = field(default_factory=dict)


class _Lookup:
    def __init__(self, objects: list[Any], fields: tuple[str, ...]) -> None:
        self.by_key: dict[str, Any] = {}
        for name in reversed(fields):
            for obj in objects:
                key = lookup_key(getattr(obj, name))
                if key:
                    self.by_key[key] = obj

    def get(self, value: str) -> Any:
        return self.by_key.get(lookup_key(value))


def import_users(
    source: str | Path | IO[bytes],
    *,
    actor: Any = None,
    dry_run: bool = False,
    filename: str | None = None,
) -> ImportResult:
    """Create or update accounts by 用户名. New users' one-time passwords are in `result.extra["passwords"]`
    as (username, full name, role label, password), only when the import was committed."""
    if actor is not None:
        require(permissions.can_manage_users(actor))
    result = ImportResult(title=_("用户导入"), dry_run=dry_run)
    result.extra["passwords"] = []
    table = read_table(open_workbook(source, filename=filename), USER_COLUMNS, result)
    if table is None:
        result.abort()
        return result
    mark_duplicates(
        table, result, ((lookup_key(r.get("username")), r) for r in table.records if r.get("username")), "用户名"
    )
    names = sorted({lookup_key(r.get("username")) for r in table.records if r.get("username")})
    existing: dict[str, User] = {}
    for chunk in chunked(names):
        users = User.objects.annotate(key=Lower("username")).filter(key__in=chunk).prefetch_related("parks")
        for user in users:
            existing[user.username.lower()] = user
    codes = sorted({r.get("enterprise") for r in table.records if r.get("enterprise")})
    enterprises: dict[str, Enterprise] = {}
    for chunk in chunked(codes):
        enterprises.update({e.uscc: e for e in Enterprise.objects.filter(uscc__in=chunk)})
    parks = _Lookup(list(Park.objects.all()), ("code", "name", "short_name"))
    departments = _Lookup(list(Department.objects.all()), ("code", "name"))

    plans: list[_UserPlan] = []
    for record in table.records:
        username = record.get("username")
        current = existing.get(lookup_key(username)) if username else None
        plan = _plan_user(table, result, record, current, parks, departments, enterprises, actor)
        if plan is None or record.failed:
            continue
        label = f"{plan.username}（{plan.data.get('full_name') or (current.full_name if current else '')}）"
        if current is None:
            changes = {"用户": [None, f"{plan.username}（{Role(plan.data['role']).label}）"]}
            result.count(CREATED, sheet=table.sheet, row=record.row, label=label, changes=changes)
        else:
            result.count(
                UPDATED if plan.changes else UNCHANGED,
                sheet=table.sheet,
                row=record.row,
                label=label,
                changes=plan.changes,
            )
        plans.append(plan)

    if result.errors:
        result.abort()
        return result
    if not dry_run:
        result.extra["passwords"] = _write_users(plans, actor=actor)
    return result.finish()


def _plan_user(
    table: Table,
    result: ImportResult,
    record: Record,
    current: User | None,
    parks: _Lookup,
    departments: _Lookup,
    enterprises: dict[str, Enterprise],
    actor: Any,
) -> _UserPlan | None:
    fail = table.fail
    data: dict[str, Any] = {
        key: record.get(key)
        for key in ("full_name", "phone", "email", "role", "is_active")
        if record.get(key) is not None
    }
    role = data.get("role") or (current.role if current else None)
    park_list: list[Park] | None = None
    if record.get("parks"):
        park_list = []
        for name in record.get("parks"):
            park = parks.get(name)
            if park is None:
                fail(
                    result,
                    record,
                    "园区",
                    _("没有名称或编码为“%(value)s”的%(word)s") % {"value": name, "word": _("园区")},
                )
            elif park not in park_list:
                park_list.append(park)
    if role and role != Role.PARK_OFFICER and park_list:
        result.warn(table.sheet, record.row, "园区", _("只有园区人员需要填写园区，已忽略"))
        park_list = None
    if role == Role.PARK_OFFICER and not record.get("parks"):
        held = list(current.parks.all()) if current is not None and current.role == Role.PARK_OFFICER else []
        if not held:
            fail(result, record, "园区", _("园区人员须指定至少一个园区"))
    if record.get("department"):
        department = departments.get(record.get("department"))
        if department is None:
            fail(
                result,
                record,
                "部门",
                _("没有名称或编码为“%(value)s”的%(word)s") % {"value": record.get("department"), "word": _("部门")},
            )
        else:
            data["department"] = department
    code = record.get("enterprise")
    if code:
        check = check_uscc(code)
        enterprise = enterprises.get(check.code)
        if role and role != Role.ENTERPRISE:
            fail(result, record, "企业", _("只有企业用户可以绑定企业"))
        elif not check.ok and enterprise is None:
            fail(result, record, "企业", check.message)
        elif enterprise is None:
            fail(result, record, "企业", _("企业库中没有统一社会信用代码为%(code)s的企业") % {"code": check.code})
        else:
            data["enterprise"] = enterprise
    elif role == Role.ENTERPRISE and (current is None or current.enterprise_id is None):
        fail(result, record, "企业", _("企业用户须填写企业的统一社会信用代码"))
    if current is not None and role and role != Role.ENTERPRISE and current.enterprise_id is not None:
        data["enterprise"] = None
    is_self = current is not None and actor is not None and current.pk == getattr(actor, "pk", None)
    if (
        is_self
        and current is not None
        and (data.get("role", current.role) != Role.ADMIN or data.get("is_active") is False)
    ):
        fail(result, record, "角色", _("不能取消自己的管理员角色或停用自己"))
    if record.failed or not record.get("username"):
        return None
    plan = _UserPlan(record, record.get("username"), current, data, park_list)
    if current is not None:
        plan.changes = _diff(current, data)
        if park_list is not None:
            old = sorted(p.name for p in current.parks.all())
            new = sorted(p.name for p in park_list)
            if old != new:
                plan.changes["负责园区"] = [old, new]
    return plan


@transaction.atomic
def _write_users(plans: list[_UserPlan], *, actor: Any) -> list[tuple[str, str, str, str]]:
    passwords: list[tuple[str, str, str, str]] = []
    entries: list[AuditEntry] = []
    for plan in plans:
        if plan.current is None:
            user = User(username=plan.username, must_change_password=True, **plan.data)
            clear = one_time_password()
            user.set_password(clear)
            user.save()
            if plan.parks:
                user.parks.set(plan.parks)
            passwords.append((user.username, user.full_name, str(user.get_role_display()), clear))
            entries.append(
                audit.build(
                    actor=actor,
                    action=AuditAction.IMPORT_CREATE,
                    target=user,
                    changes={"用户": [None, f"{user.username}（{user.get_role_display()}）"]},
                    reason="批量导入",
                    enterprise_id=user.enterprise_id,
                )
            )
        elif plan.changes:
            user = plan.current
            for name, value in plan.data.items():
                setattr(user, name, value)
            user.save()
            if plan.parks is not None:
                user.parks.set(plan.parks)
            if user.role != Role.PARK_OFFICER and "角色" in plan.changes:
                user.parks.clear()
            entries.append(
                audit.build(
                    actor=actor,
                    action=AuditAction.IMPORT_UPDATE,
                    target=user,
                    changes=plan.changes,
                    reason="批量导入",
                    enterprise_id=user.enterprise_id,
                )
            )
    AuditEntry.objects.bulk_create(entries)
    return passwords
