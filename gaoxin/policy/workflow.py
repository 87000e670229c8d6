"""The review workflow as declared data: the stages a fund item may use, who owns each and its default time limit,
and what the enterprise reads for each state (often simpler than the internal stage name).

A fund item's template is an ordered list of stage codes, a subset of `Stage` in the canonical order, always ending
with 拨付; 公示 may be left out (then an approved award waits for payment at once). Stages before 公示 are handled one
application at a time (pass / return for correction / reject), 公示 and 拨付 on batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from gaoxin.accounts.roles import Role
from gaoxin.core.errors import ValidationFailed
from gaoxin.policy.models import REVIEW_STAGES, AppStatus, Stage

CANONICAL = [s.value for s in Stage]
DEFAULT_STAGES = [Stage.FORM, Stage.EXPERT, Stage.DEPARTMENT, Stage.LEADER, Stage.NOTICE, Stage.PAYMENT]
NO_APPLICATION_STAGES = [Stage.DEPARTMENT, Stage.NOTICE, Stage.PAYMENT]
DEFAULT_ROLES: dict[str, str] = {
    Stage.FORM: Role.OFFICER,
    Stage.EXPERT: Role.OFFICER,  # the officer assigns the experts and closes the stage once they have scored
    Stage.DEPARTMENT: Role.OFFICER,
    Stage.LEADER: Role.LEADER,
    Stage.NOTICE: Role.OFFICER,
    Stage.PAYMENT: Role.FINANCE,
}
DEFAULT_DAYS: dict[str, int] = {
    Stage.FORM: 5,
    Stage.EXPERT: 10,
    Stage.DEPARTMENT: 5,
    Stage.LEADER: 5,
    Stage.NOTICE: 7,
    Stage.PAYMENT: 15,
}
#: Roles that may own a stage.
OWNER_ROLES = frozenset({Role.OFFICER, Role.LEADER, Role.FINANCE})


def check_template(
    stages: Sequence[str], roles: dict[str, str] | None = None, days: dict[str, Any] | None = None
) -> list[str]:
    """The template as stored (canonical order), or ValidationFailed naming the problem."""
    chosen = [str(s) for s in stages]
    unknown = [s for s in chosen if s not in CANONICAL]
    if unknown:
        raise ValidationFailed(_("未知的审核环节：%(s)s") % {"s": "、".join(unknown)}, data={"field": "stages"})
    if Stage.PAYMENT not in chosen:
        raise ValidationFailed(_("审核流程必须包含“拨付”环节"), data={"field": "stages"})
    if not any(s in chosen for s in REVIEW_STAGES):
        raise ValidationFailed(
            _("审核流程至少要有一个审核环节（形式审查、专家评审、部门审核或领导审批）"), data={"field": "stages"}
        )
    for stage, role in (roles or {}).items():
        if role not in OWNER_ROLES:
            raise ValidationFailed(
                _("环节“%(stage)s”的办理角色不正确") % {"stage": Stage(stage).label}, data={"field": "stages"}
            )
    for stage, value in (days or {}).items():
        if not isinstance(value, int) or not 1 <= value <= 60:
            raise ValidationFailed(
                _("环节“%(stage)s”的时限须为1至60个工作日") % {"stage": Stage(stage).label}, data={"field": "stages"}
            )
    return [s for s in CANONICAL if s in chosen]


def review_stages(item: Any) -> list[str]:
    return [s for s in item.stages if s in REVIEW_STAGES]


def first_stage(item: Any) -> str:
    return review_stages(item)[0]


def next_stage(item: Any, stage: str) -> str | None:
    """The review stage after `stage`, or None when `stage` was the last one (the award is then decided)."""
    order = review_stages(item)
    index = order.index(stage)
    return order[index + 1] if index + 1 < len(order) else None


def role_for(item: Any, stage: str) -> str:
    return str((item.stage_roles or {}).get(stage) or DEFAULT_ROLES[stage])


def days_for(item: Any, stage: str) -> int:
    if stage == Stage.NOTICE:
        return int(item.notice_days)
    return int((item.stage_days or {}).get(stage) or DEFAULT_DAYS[stage])


def has_notice(item: Any) -> bool:
    return Stage.NOTICE in item.stages


def enterprise_label(application: Any) -> str:
    """What the enterprise reads for the state of its application."""
    status = application.status
    if status == AppStatus.IN_REVIEW:
        return _("审核中（%(stage)s）") % {"stage": Stage(application.stage).label}
    if status == AppStatus.APPROVED:
        if application.channel == "offer":
            return _("已确认，待公示") if has_notice(application.fund_item) else _("已确认，待拨付")
        return _("审核通过，待公示") if has_notice(application.fund_item) else _("审核通过，待拨付")
    return str(AppStatus(status).label)
