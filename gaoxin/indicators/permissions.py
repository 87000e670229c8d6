"""Who may read the economic monitoring pages (the data scope of the enterprises applies on top)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

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


_IMPORT_REFUSALS = {
    "indicators": _lazy("只有科室人员可以批量导入经济指标"),
    "annual_facts": _lazy("只有科室人员可以批量导入企业年度数据"),
    "targets": _lazy("只有科室人员可以导入年度目标"),
}


def can_import(actor: Any, kind: str) -> Decision:
    """Bulk imports of monthly figures, annual facts and targets are a bureau officer's (`actor` None: the command
    line, run by IT staff)."""
    if actor is None:
        return ALLOW
    if not (actor.is_authenticated and actor.is_active and actor.role == Role.OFFICER):
        return Decision(False, str(_IMPORT_REFUSALS[kind]))
    return ALLOW
