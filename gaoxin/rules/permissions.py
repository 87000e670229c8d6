"""Who may read rule sets and candidate lists, run the registry-wide evaluation, and edit rule sets."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gaoxin.accounts.roles import Role
from gaoxin.core.permissions import is_active_user
from gaoxin.registry.permissions import ALLOW, Decision

READERS = frozenset({Role.LEADER, Role.OFFICER, Role.PARK_OFFICER, Role.COMMISSIONER, Role.ADMIN})


def can_view_rules(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role not in READERS:
        return Decision(False, _("您的角色不能查看规则集和培育名单"))
    return ALLOW


def can_edit_rules(actor: Any) -> Decision:
    """Rule sets are drafted, tested, published and re-run by bureau officers."""
    if not is_active_user(actor) or actor.role != Role.OFFICER:
        return Decision(False, _("只有科室人员可以编辑、发布规则集或发起全库评估"))
    return ALLOW
