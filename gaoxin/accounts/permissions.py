"""Who may manage users, decide binding requests and hold API tokens. Each check returns a Decision."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gaoxin.accounts.roles import BINDING_APPROVERS, Role
from gaoxin.core.permissions import is_active_user
from gaoxin.registry.permissions import ALLOW, Decision


def can_manage_users(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role != Role.ADMIN:
        return Decision(False, _("只有管理员可以管理用户和角色"))
    return ALLOW


def can_decide_binding(actor: Any, binding: Any = None) -> Decision:
    """Bureau officers and administrators decide any request; park officers those of their parks' enterprises."""
    if not is_active_user(actor) or actor.role not in BINDING_APPROVERS:
        return Decision(False, _("只有科室人员、园区人员和管理员可以审核企业绑定"))
    if actor.role == Role.PARK_OFFICER and binding is not None:
        enterprise = binding.enterprise
        if enterprise is None or not actor.parks.filter(pk=enterprise.park_id).exists():
            return Decision(False, _("只能审核本园区企业的绑定申请"))
    return ALLOW
