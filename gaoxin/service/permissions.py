"""Who may do what with appeals. Each check returns a `Decision` with the reason in Chinese.

Rows (which appeals) are `selectors.appeal_scope`'s; these checks add the verb and the relation to the object:
the service centre (the department whose code is SERVICE_CENTRE_DEPARTMENT) triages, answers 马上办, reviews replies
and extends deadlines; a department's officers handle their own dispatches; the enterprise files, clarifies and
rates its own appeals; officers, park officers and commissioners record appeals received by phone or visit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from gaoxin.accounts.roles import Role
from gaoxin.core.permissions import is_active_user
from gaoxin.registry.permissions import ALLOW, Decision

RECORDERS = frozenset({Role.OFFICER, Role.PARK_OFFICER, Role.COMMISSIONER})
READERS = frozenset({Role.LEADER, Role.OFFICER, Role.PARK_OFFICER, Role.COMMISSIONER})


def is_centre(actor: Any) -> bool:
    """An officer of the service centre (企业服务中心)."""
    department = getattr(actor, "department", None) if is_active_user(actor) else None
    return bool(
        actor is not None
        and is_active_user(actor)
        and actor.role == Role.OFFICER
        and department is not None
        and department.code == settings.SERVICE_CENTRE_DEPARTMENT
    )


def is_department_officer(actor: Any) -> bool:
    """An officer of a department other than the centre (they see what is dispatched to their department)."""
    return bool(
        is_active_user(actor)
        and actor.role == Role.OFFICER
        and actor.department_id is not None
        and not is_centre(actor)
    )


def can_view_workbench(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role not in READERS:
        return Decision(False, _("您的角色不能查看企业诉求"))
    return ALLOW


def can_file(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role != Role.ENTERPRISE or actor.enterprise_id is None:
        return Decision(False, _("只有已绑定企业的企业用户可以在门户提交诉求"))
    return ALLOW


def can_record(actor: Any) -> Decision:
    """Recording an appeal received by phone, at a visit or on a commissioner's round (the enterprise in scope)."""
    if not is_active_user(actor) or actor.role not in RECORDERS:
        return Decision(False, _("只有科室人员、园区人员和服务专员可以登记企业诉求"))
    return ALLOW


def can_triage(actor: Any) -> Decision:
    if not is_centre(actor):
        return Decision(False, _("只有企业服务中心可以分办、马上办答复或合并诉求"))
    return ALLOW


def can_review(actor: Any) -> Decision:
    if not is_centre(actor):
        return Decision(False, _("只有企业服务中心可以审核部门答复"))
    return ALLOW


def can_handle(actor: Any, dispatch: Any) -> Decision:
    """Accepting, asking for clarification, returning, replying: the officers of the dispatch's department."""
    if not is_active_user(actor) or actor.role != Role.OFFICER or actor.department_id != dispatch.department_id:
        return Decision(
            False, _("只有%(department)s的科室人员可以办理该转办件") % {"department": dispatch.department.name}
        )
    return ALLOW


def can_extend(actor: Any, dispatch: Any) -> Decision:
    if is_centre(actor) or can_handle(actor, dispatch):
        return ALLOW
    return Decision(False, _("只有承办部门或企业服务中心可以申请延期"))


def can_act_for_enterprise(actor: Any, appeal: Any) -> Decision:
    """Rating, answering a clarification, adding to the appeal: the enterprise's own users."""
    if not is_active_user(actor) or actor.role != Role.ENTERPRISE or actor.enterprise_id != appeal.enterprise_id:
        return Decision(False, _("只有提出诉求的企业可以评价或补充该诉求"))
    return ALLOW


def can_manage_categories(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role != Role.ADMIN:
        return Decision(False, _("只有管理员可以维护诉求分类"))
    return ALLOW


VISIT_READERS = frozenset({Role.LEADER, Role.OFFICER, Role.PARK_OFFICER, Role.COMMISSIONER})


def can_view_visits(actor: Any) -> Decision:
    if not is_active_user(actor) or actor.role not in VISIT_READERS or is_department_officer(actor):
        return Decision(False, _("只有领导、企业服务中心、园区人员和服务专员可以查看走访记录"))
    return ALLOW


def can_log_visit(actor: Any) -> Decision:
    """Visits are logged by the commissioners, and by the centre's and the parks' officers who visit too."""
    if not is_active_user(actor) or not (actor.role in (Role.COMMISSIONER, Role.PARK_OFFICER) or is_centre(actor)):
        return Decision(False, _("只有服务专员、园区人员和企业服务中心可以登记走访"))
    return ALLOW


def can_manage_grids(actor: Any) -> Decision:
    """Service grids (网格) and their commissioners are set up by the service centre and the administrator."""
    if not (is_centre(actor) or (is_active_user(actor) and actor.role == Role.ADMIN)):
        return Decision(False, _("只有企业服务中心和管理员可以维护服务网格"))
    return ALLOW


def can_import(actor: Any) -> Decision:
    """Bulk import of appeals (e.g. 12345 hotline work orders) is the service centre's."""
    if not is_centre(actor):
        return Decision(False, _("只有企业服务中心可以批量导入企业诉求"))
    return ALLOW


def can_manage_escalation(actor: Any) -> Decision:
    """The escalation routes (部门负责人, 分管领导) are set by the service centre and the administrator."""
    if not (is_centre(actor) or (is_active_user(actor) and actor.role == Role.ADMIN)):
        return Decision(False, _("只有企业服务中心和管理员可以设置督办对象"))
    return ALLOW
