"""Who may do what with reporting rounds. Row scope (which enterprises) is the registry's `enterprise_scope`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gaoxin.accounts.roles import Role
from gaoxin.core.permissions import is_active_user
from gaoxin.registry.permissions import ALLOW, Decision

ROUND_READERS = frozenset({Role.LEADER, Role.OFFICER, Role.PARK_OFFICER, Role.COMMISSIONER, Role.ADMIN})
REMINDERS = frozenset({Role.OFFICER, Role.PARK_OFFICER, Role.COMMISSIONER})
CORRECTORS = frozenset({Role.OFFICER, Role.PARK_OFFICER})


def can_view_rounds(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role not in ROUND_READERS:
        return Decision(False, _("您的角色不能查看月度填报"))
    return ALLOW


def can_manage_rounds(actor: Any) -> Decision:
    """Opening, extending and closing rounds is the statistics desk's (科室人员)."""
    if not is_active_user(actor) or actor.role != Role.OFFICER:
        return Decision(False, _("只有科室人员可以发起、延期或截止填报"))
    return ALLOW


def can_remind(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role not in REMINDERS:
        return Decision(False, _("只有科室人员、园区人员和服务专员可以催报"))
    return ALLOW


def can_correct(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role not in CORRECTORS:
        return Decision(False, _("只有科室人员和园区人员可以更正企业填报的数据"))
    return ALLOW


def can_submit(actor: Any, member: Any) -> Decision:
    """The enterprise's own bound users, while the round is open."""
    if not is_active_user(actor) or actor.role != Role.ENTERPRISE or actor.enterprise_id != member.enterprise_id:
        return Decision(False, _("只有本企业的用户可以填报"))
    if member.round.locked:
        return Decision(
            False,
            _("%(period)s的填报已截止，如需更正请联系管委会统计科室") % {"period": str(member.round)},
        )
    return ALLOW
