"""Who may do what in the registry. Each check returns a Decision with the reason an officer would read.

Row-level scope (which enterprises a user may see at all) is `selectors.enterprise_scope`; these checks add
the verb (view, edit, import, override) on top of it. A caller outside the scope gets NotFound, not a reason.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gaoxin.accounts.roles import REGISTRY_EDITORS, Role
from gaoxin.core.permissions import ALLOW, Decision, is_active_user

__all__ = ["ALLOW", "Decision"]


def can_edit_enterprise(actor: Any, enterprise: Any = None) -> Decision:
    """Officers edit the registry; a park officer only in their parks (scope checked by the selector first)."""
    if not is_active_user(actor) or actor.role not in REGISTRY_EDITORS:
        return Decision(False, _("只有科室人员和园区人员可以维护企业库"))
    if (
        actor.role == Role.PARK_OFFICER
        and enterprise is not None
        and not actor.parks.filter(pk=enterprise.park_id).exists()
    ):
        return Decision(False, _("只能维护本园区的企业"))
    return ALLOW


def can_create_enterprise(actor: Any) -> Decision:
    return can_edit_enterprise(actor)


def can_import_registry(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role != Role.OFFICER:
        return Decision(False, _("只有科室人员可以批量导入企业库"))
    return ALLOW


def can_export_registry(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role in {Role.ENTERPRISE, Role.EXPERT}:
        return Decision(False, _("您的角色不能导出企业名单"))
    return ALLOW


def can_edit_own_contacts(actor: Any, enterprise: Any) -> Decision:
    """An enterprise user keeps its own contacts; everything else on the profile belongs to the officers."""
    if (
        not is_active_user(actor)
        or actor.role != Role.ENTERPRISE
        or actor.enterprise_id != getattr(enterprise, "pk", None)
    ):
        return Decision(False, _("只能维护本企业的联系信息"))
    return ALLOW


def can_view_contacts(actor: Any) -> Decision:
    """Expert reviewers never see enterprise contact data (ARCHITECTURE.md, roles and data scope)."""
    if not is_active_user(actor) or actor.role == Role.EXPERT:
        return Decision(False, _("评审专家不查看企业联系方式"))
    return ALLOW


def can_manage_structure(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role not in {Role.ADMIN, Role.OFFICER}:
        return Decision(False, _("只有管理员和科室人员可以维护园区、部门和产业结构"))
    return ALLOW


def can_manage_catalogue(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role != Role.ADMIN:
        return Decision(False, _("只有管理员可以维护资质目录"))
    return ALLOW
