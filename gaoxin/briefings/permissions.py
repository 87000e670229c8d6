"""Who may read, generate and edit briefings (rows are `selectors.briefing_scope`'s: a park officer only their parks').

- leaders read and download every briefing (the scheduled ones come to them);
- bureau officers generate, edit and download briefings of the zone or any park, keep the templates and enter the
  city's totals and the 小升规 task;
- park officers generate, edit and download the briefings of their own parks.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gaoxin.accounts.roles import Role
from gaoxin.core.permissions import ALLOW, Decision, is_active_user

READERS = frozenset({Role.LEADER, Role.OFFICER, Role.PARK_OFFICER})
WRITERS = frozenset({Role.OFFICER, Role.PARK_OFFICER})


def can_view(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role not in READERS:
        return Decision(False, _("您的角色不能查看经济运行简报"))
    return ALLOW


def can_write(actor: Any) -> Decision:
    """Generating a briefing and editing its text (the scope — zone or which park — is checked by the selectors)."""
    if not is_active_user(actor) or actor.role not in WRITERS:
        return Decision(False, _("只有科室人员和园区人员可以生成和修改简报"))
    return ALLOW


def can_manage(actor: Any) -> Decision:
    """Templates, the city's totals and the 小升规 task are the bureau's."""
    if not is_active_user(actor) or actor.role != Role.OFFICER:
        return Decision(False, _("只有科室人员可以维护简报模板和全市数据"))
    return ALLOW


def zone_wide(actor: Any) -> bool:
    """Whether the actor may see (and write, if a writer) the zone's briefing, not only some parks'."""
    return is_active_user(actor) and actor.role in {Role.LEADER, Role.OFFICER}
