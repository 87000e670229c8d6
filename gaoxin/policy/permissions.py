"""Who may do what in policy cashing. Each check returns a `Decision` with the reason in Chinese.

Rows (which applications) are `selectors.application_scope`'s; these checks add the verb and the relation to the
object: officers keep the policy library and fund items and handle the stages their role owns (an officer of a
department only the fund items of that department, an officer without a department any); the leader approves
(领导审批) and alone may approve an award beyond the budget; experts score what is assigned to them; finance officers
pay; the enterprise applies, withdraws, corrects and confirms offers for itself.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gaoxin.accounts.roles import Role
from gaoxin.core.permissions import ALLOW, Decision, is_active_user
from gaoxin.policy import workflow

WORKBENCH_ROLES = frozenset({Role.LEADER, Role.OFFICER, Role.PARK_OFFICER, Role.COMMISSIONER, Role.FINANCE, Role.ADMIN})


def can_view_workbench(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role not in WORKBENCH_ROLES:
        return Decision(False, _("您的角色不能查看政策兑现工作台"))
    return ALLOW


def can_manage_policies(actor: Any) -> Decision:
    """Keeping the policy library and fund items, importing from a provincial platform."""
    if not is_active_user(actor) or actor.role not in (Role.OFFICER, Role.ADMIN):
        return Decision(False, _("只有科室人员和管理员可以维护政策和申报项目"))
    return ALLOW


def _item_department_ok(actor: Any, item: Any) -> bool:
    return actor.department_id is None or item.department_id is None or actor.department_id == item.department_id


def can_handle_stage(actor: Any, item: Any, stage: str) -> Decision:
    """Acting on a stage of a fund item (pass / return / reject, assigning experts, publishing a notice, paying)."""
    role = workflow.role_for(item, stage)
    if not is_active_user(actor) or actor.role != role:
        return Decision(
            False,
            _("“%(stage)s”环节由%(role)s办理") % {"stage": _stage_label(stage), "role": Role(role).label},
        )
    if role == Role.OFFICER and not _item_department_ok(actor, item):
        return Decision(False, _("该申报项目由%(d)s主管") % {"d": item.department.name})
    return ALLOW


def _stage_label(stage: str) -> str:
    from gaoxin.policy.models import Stage

    return str(Stage(stage).label)


def can_apply(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role != Role.ENTERPRISE or actor.enterprise_id is None:
        return Decision(False, _("只有已绑定企业的企业用户可以在门户申报"))
    return ALLOW


def can_act_for_enterprise(actor: Any, application: Any) -> Decision:
    if not can_apply(actor) or actor.enterprise_id != application.enterprise_id:
        return Decision(False, _("只有申报企业本身可以办理"))
    return ALLOW


def can_score(actor: Any, assignment: Any) -> Decision:
    if not is_active_user(actor) or actor.role != Role.EXPERT or assignment.expert_id != actor.pk:
        return Decision(False, _("只有被指派的评审专家可以评分"))
    return ALLOW


def can_override_budget(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role != Role.LEADER:
        return Decision(False, _("超出预算的核定须由领导明确批准"))
    return ALLOW


def can_pay(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role != Role.FINANCE:
        return Decision(False, _("只有财政人员可以办理拨付"))
    return ALLOW


def can_view_contacts(actor: Any) -> bool:
    """Experts review without the enterprise's contact data and bank account."""
    return is_active_user(actor) and actor.role != Role.EXPERT


def can_declare_conflict(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role not in (Role.EXPERT, Role.OFFICER):
        return Decision(False, _("只有评审专家本人或科室人员可以登记回避关系"))
    return ALLOW
