"""Enterprise service endpoints of /api/v1/: appeals (list, detail, status, create) and the department scoreboard.

The same scope as the pages (`selectors.appeal_scope`): an appeal outside it answers 404 as if it did not exist. An
enterprise user's token files an appeal for its own enterprise (channel 企业门户); an officer's, park officer's or
commissioner's token records one for an enterprise in their scope (channel phone, visit or commissioner). The
enterprise sees a department's reply only once the service centre has approved it.

(No `from __future__ import annotations` here: django-ninja reads the parameter annotations at runtime.)
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from gaoxin.accounts.roles import Role
from gaoxin.api import MAX_ID, ErrorOut, InputSchema, Pagination, iso_date_only
from gaoxin.core.errors import ValidationFailed
from gaoxin.service import selectors, services
from gaoxin.service.models import Appeal, AppealStatus, HandlingMode

router = Router(tags=["企业服务"])


class DispatchOut(Schema):
    department: str = Field(..., description="承办部门")
    role: str = Field(..., description="lead 主办 / co 协办")
    status: str = Field(
        ...,
        description="pending 待接收 / accepted 已接收 / clarify 需澄清 / returned 退回 / "
        "replied 已答复 / approved 中心已审核 / co_done 协办完成（主办答复审核通过时协办部门未答复的部分）",
    )
    status_label: str = Field(..., description="状态（中文）")
    round: int = Field(..., description="办理轮次（不满意重新办理时为 2）")
    limit_days: int = Field(..., description="办理时限（工作日）")
    due_date: dt.date = Field(..., description="办结时限（受理当日不计）")
    extended: bool = Field(..., description="是否已延期（仅可延期一次）")
    paused_days: int = Field(0, description="等待企业澄清的工作日（暂停计时，办结时限已相应顺延）")
    reply: str | None = Field(None, description="答复内容（中心审核通过后企业可见）")
    replied_at: dt.datetime | None = Field(None, description="答复时间")


class AppealOut(Schema):
    id: int = Field(..., description="诉求编号（内部 ID）")
    number: str = Field(..., description="诉求编号，如 SQ202600001")
    enterprise_id: int = Field(..., description="企业 ID")
    enterprise: str = Field(..., description="企业名称")
    channel: str = Field(..., description="受理渠道：portal / phone / visit / commissioner / import")
    category: str = Field(..., description="诉求分类编码")
    category_name: str = Field(..., description="诉求分类（一级 / 二级）")
    title: str = Field(..., description="诉求标题")
    urgency: str = Field(..., description="normal 一般 / urgent 紧急")
    status: str = Field(
        ..., description="new 待分办 / handling 办理中 / replied 已答复待评价 / closed 已办结 / merged 已合并"
    )
    status_label: str = Field(..., description="状态（中文）")
    mode: str = Field(..., description="immediate 马上办 / dispatch 转办；未分办时为空")
    received_at: dt.datetime = Field(..., description="受理时间")
    respond_by: dt.datetime = Field(..., description="响应时限（1个工作小时）")
    due_date: dt.date | None = Field(None, description="办结时限")
    rating: str = Field(..., description="评价：satisfied / basic / dissatisfied；未评价为空")
    reopened: bool = Field(..., description="是否因不满意重新办理过")
    external_number: str = Field("", description="批量导入时来源系统的编号（如12345热线工单号）；其他渠道为空")

    @staticmethod
    def resolve_enterprise(obj: Any) -> str:
        return obj["enterprise"] if isinstance(obj, dict) else obj.enterprise.name

    @staticmethod
    def resolve_category(obj: Any) -> str:
        return obj["category"] if isinstance(obj, dict) else obj.category.code

    @staticmethod
    def resolve_category_name(obj: Any) -> str:
        return obj["category_name"] if isinstance(obj, dict) else obj.category.path

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return obj["status_label"] if isinstance(obj, dict) else str(obj.get_status_display())


class AppealDetailOut(AppealOut):
    content: str = Field(..., description="诉求内容")
    reply: str = Field(..., description="答复内容（企业可见的最终答复）")
    dispatches: list[DispatchOut] = Field(..., description="各部门办理情况（企业只看到中心已审核的）")
    events: list[dict[str, Any]] = Field(..., description="办理过程：at 时间、kind 环节、label 环节名称、text 说明")


def _appeal(appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "number": appeal.number,
        "enterprise_id": appeal.enterprise_id,
        "enterprise": appeal.enterprise.name,
        "channel": appeal.channel,
        "category": appeal.category.code,
        "category_name": appeal.category.path,
        "title": appeal.title,
        "urgency": appeal.urgency,
        "status": appeal.status,
        "status_label": str(appeal.get_status_display()),
        "mode": appeal.mode,
        "received_at": appeal.received_at,
        "respond_by": appeal.respond_by,
        "due_date": appeal.due_date,
        "rating": appeal.rating,
        "reopened": appeal.reopened,
        "external_number": appeal.external_number,
    }


def _dispatches(request: HttpRequest, appeal: Appeal) -> list[dict[str, Any]]:
    return [
        {
            "department": d.department.name,
            "role": d.role,
            "status": d.status,
            "status_label": str(d.get_status_display()),
            "round": d.handling_round,
            "limit_days": d.limit_days,
            "due_date": d.due_date,
            "extended": d.extended,
            "paused_days": d.paused_days,
            "reply": d.reply or None,
            "replied_at": d.replied_at,
        }
        for d in selectors.appeal_dispatches(request.user, appeal)
    ]


class AppealQuery(Schema):
    status: AppealStatus | None = Field(None, description="按状态筛选")
    mode: HandlingMode | None = Field(None, description="按办理方式筛选")


@router.get(
    "/appeals",
    response=list[AppealOut],
    summary="诉求列表",
    description="数据范围内的诉求，按受理时间倒序：企业只看到本企业的，部门只看到转办给本部门的。",
)
@paginate(Pagination)
def appeal_list(request: HttpRequest, filters: Query[AppealQuery]) -> Any:
    rows = selectors.api_appeals(
        request.user,
        status=filters.status.value if filters.status else "",
        mode=filters.mode.value if filters.mode else "",
    )
    return rows  # a queryset: the page is cut by the database


@router.get(
    "/appeals/{appeal_id}",
    response=AppealDetailOut,
    summary="诉求详情",
    description="诉求内容、各部门办理情况与全部办理过程。不存在或不在数据范围内的诉求一律返回 404。",
)
def appeal_detail(
    request: HttpRequest, appeal_id: int = Path(..., ge=1, le=MAX_ID, description="诉求 ID")
) -> dict[str, Any]:
    appeal = selectors.appeal_get(request.user, appeal_id)
    events = [
        {"at": e.at, "kind": e.kind, "label": str(e.get_kind_display()), "text": e.text}
        for e in selectors.appeal_events(request.user, appeal)
    ]
    return _appeal(appeal) | {
        "content": appeal.content,
        "reply": appeal.reply if appeal.status in (AppealStatus.REPLIED, AppealStatus.CLOSED) else "",
        "dispatches": _dispatches(request, appeal),
        "events": events,
    }


class StatusOut(Schema):
    number: str = Field(..., description="诉求编号")
    status: str = Field(..., description="状态")
    status_label: str = Field(..., description="状态（中文）")
    mode: str = Field(..., description="办理方式")
    due_date: dt.date | None = Field(None, description="办结时限")
    dispatches: list[DispatchOut] = Field(..., description="各部门办理情况")


@router.get(
    "/appeals/{appeal_id}/status",
    response=StatusOut,
    summary="诉求办理状态",
    description="诉求当前状态与各部门的办理状态、时限。",
)
def appeal_status(
    request: HttpRequest, appeal_id: int = Path(..., ge=1, le=MAX_ID, description="诉求 ID")
) -> dict[str, Any]:
    appeal = selectors.appeal_get(request.user, appeal_id)
    return {
        "number": appeal.number,
        "status": appeal.status,
        "status_label": str(appeal.get_status_display()),
        "mode": appeal.mode,
        "due_date": appeal.due_date,
        "dispatches": _dispatches(request, appeal),
    }


class AppealIn(InputSchema):
    category: str = Field(
        ..., min_length=1, max_length=20, pattern=r"^[A-Za-z0-9]+$", description="诉求分类编码（二级分类），如 YD02"
    )
    title: str = Field(..., min_length=1, max_length=120, description="诉求标题")
    content: str = Field(..., min_length=1, max_length=5000, description="诉求内容")
    urgency: Literal["normal", "urgent"] = Field("normal", description="紧急程度")
    contact_name: str = Field("", max_length=60, description="联系人")
    contact_phone: str = Field("", max_length=30, description="联系电话")
    enterprise_id: int | None = Field(None, ge=1, le=MAX_ID, description="企业 ID（工作人员登记时必填；企业用户不填）")
    channel: Literal["phone", "visit", "commissioner"] | None = Field(
        None, description="受理渠道（工作人员登记时必填：phone 电话 / visit 来访 / commissioner 走访）"
    )


@router.post(
    "/appeals",
    response={201: AppealOut, 403: ErrorOut, 404: ErrorOut},
    summary="提交或登记诉求",
    description="企业用户为本企业提交诉求；科室人员、园区人员、服务专员为数据范围内的企业登记电话、来访或走访诉求。"
    "分类或企业不存在（或不在数据范围内）返回 404；角色不允许返回 403。",
)
def appeal_create(request: HttpRequest, payload: AppealIn) -> Status[dict[str, Any]]:
    category = selectors.category_by_code(payload.category)
    common: dict[str, Any] = {
        "category": category,
        "title": payload.title,
        "content": payload.content,
        "urgency": payload.urgency,
        "contact_name": payload.contact_name,
        "contact_phone": payload.contact_phone,
    }
    if request.user.role == Role.ENTERPRISE:  # type: ignore[union-attr]
        result = services.appeal_submit(actor=request.user, **common)
    else:
        if payload.enterprise_id is None or payload.channel is None:
            raise ValidationFailed(_("工作人员登记诉求时须给出 enterprise_id 和 channel"))
        enterprise = selectors.enterprise_in_scope(request.user, payload.enterprise_id)
        result = services.appeal_record(actor=request.user, enterprise=enterprise, channel=payload.channel, **common)
    return Status(201, _appeal(result.appeal))


class ScoreQuery(Schema):
    start: dt.date | None = Field(None, description="开始日期（默认今年1月1日）")
    end: dt.date | None = Field(None, description="结束日期（默认今天）")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        return iso_date_only(value)


class ScoreRowOut(Schema):
    department: str = Field(..., description="部门")
    received: int = Field(..., description="受理件数（该时段转办给部门的，退回的不计）")
    closed: int = Field(..., description="办结件数（中心审核通过）")
    close_rate: float | None = Field(None, description="办结率（%）")
    timely_rate: float | None = Field(None, description="及时率（%）：时限内办结 ÷ 办结")
    satisfaction_rate: float | None = Field(None, description="满意率（%）：满意和基本满意 ÷ 已评价")
    average_days: float | None = Field(None, description="平均办理用时（工作日）")
    overdue_now: int = Field(..., description="当前逾期未办结件数")


class ScoreboardOut(Schema):
    start: dt.date = Field(..., description="开始日期")
    end: dt.date = Field(..., description="结束日期")
    summary: str = Field(..., description="全区概况，如 受理企业诉求832件，其中马上办563件……")
    received: int = Field(..., description="受理诉求件数")
    immediate: int = Field(..., description="马上办件数")
    dispatched: int = Field(..., description="转办件数")
    departments: list[ScoreRowOut] = Field(..., description="各部门")


def _float(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


@router.get(
    "/service/scoreboard",
    response={200: ScoreboardOut, 403: ErrorOut},
    summary="部门办理情况考核",
    description="某时段的全区诉求概况与各部门的受理、办结、办结率、及时率、满意率、平均用时和当前逾期件数"
    "（领导和科室人员可用，其他角色返回 403）。",
)
def scoreboard(request: HttpRequest, period: Query[ScoreQuery]) -> dict[str, Any]:
    today = timezone.localdate()
    start = period.start or dt.date(today.year, 1, 1)
    end = period.end or today
    rows = selectors.scoreboard(request.user, start, end)
    summary = selectors.zone_summary(request.user, start, end)
    return {
        "start": start,
        "end": end,
        "summary": selectors.zone_summary_text(summary),
        "received": summary.received,
        "immediate": summary.immediate,
        "dispatched": summary.dispatched,
        "departments": [
            {
                "department": r.department,
                "received": r.received,
                "closed": r.closed,
                "close_rate": _float(r.close_rate),
                "timely_rate": _float(r.timely_rate),
                "satisfaction_rate": _float(r.satisfaction_rate),
                "average_days": _float(r.average_days),
                "overdue_now": r.overdue_now,
            }
            for r in rows
        ],
    }
