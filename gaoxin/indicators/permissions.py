"""Who may read the economic monitoring pages (the data scope of the enterprises applies on top)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gaoxin.accounts.roles import Role
from gaoxin.registry.permissions import ALLOW, Decision

MONITORING_READERS = frozenset({Role.LEADER, Role.OFFICER, Role.PARK_OFFICER, Role.COMMISSIONER, Role.ADMIN})


def can_view_monitoring(actor: Any) -> Decision:
    if actor is None or not actor.is_authenticated or not actor.is_active or actor.role not in MONITORING_READERS:
        return Decision(False, _("您的角色不能查看经济运行监测"))
    return ALLOW


def can_manage_targets(actor: Any) -> Decision:
    """Annual targets and the statistics bureau's official rates are kept by bureau officers."""
    if actor is None or not actor.is_authenticated or not actor.is_active or actor.role != Role.OFFICER:
        return Decision(False, _("只有科室人员可以维护年度目标和核定增速"))
    return ALLOW
