"""Briefing endpoints of /api/v1/: the list of briefings and one briefing's text (as edited, and as generated) with
the tables it cites. The same scope as the pages (`selectors.briefing_scope`): leaders and officers see every
briefing, park officers those of their parks; other roles get 403; a briefing outside the scope answers 404.

(No `from __future__ import annotations` here: django-ninja reads the parameter annotations at runtime.)
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from gaoxin.api import MAX_ID, ErrorOut, Pagination
from gaoxin.briefings import permissions, selectors
from gaoxin.briefings.models import Briefing, BriefingKind
from gaoxin.core.permissions import require

router = Router(tags=["简报与报表"])


class BriefingOut(Schema):
    id: int = Field(..., description="简报 ID")
    title: str = Field(..., description="标题")
    kind: str = Field(..., description="monthly 月度简报 / weekly 每周研判")
    period: str = Field(..., description="数据期 YYYY-MM（1-N月累计）")
    week: str = Field(..., description="每周研判的 ISO 周，如 2026-W48；月度简报为空")
    scope: str = Field(..., description="范围：zone 全区，或园区编码")
    scope_name: str = Field(..., description="范围名称")
    created_at: dt.datetime = Field(..., description="生成时间")
    scheduled: bool = Field(..., description="是否由定时任务生成")
    edited: bool = Field(..., description="正文是否已被修改（生成稿仍保留）")

    @staticmethod
    def resolve_scope(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["scope"])
        return obj.park.code if obj.park is not None else "zone"

    @staticmethod
    def resolve_scope_name(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["scope_name"])
        return obj.park.name if obj.park is not None else "全区"

    @staticmethod
    def resolve_scheduled(obj: Any) -> bool:
        return bool(obj["scheduled"] if isinstance(obj, dict) else obj.schedule_key)


class TableOut(Schema):
    title: str = Field(..., description="表名")
    headers: list[str] = Field(..., description="表头")
    rows: list[list[Any]] = Field(..., description="各行（数值为汇总的原值，未四舍五入）")


class BriefingDetailOut(BriefingOut):
    organization: str = Field(..., description="发文单位")
    text: str = Field(..., description="正文（定稿：修改后的版本）")
    generated_text: str = Field(..., description="生成稿")
    tables: list[TableOut] = Field(..., description="正文引用的数据表")


def _briefing(b: Briefing) -> dict[str, Any]:
    return {
        "id": b.pk,
        "title": b.title,
        "kind": b.kind,
        "period": b.period,
        "week": b.week,
        "scope": b.park.code if b.park is not None else "zone",
        "scope_name": b.park.name if b.park is not None else "全区",
        "created_at": b.created_at,
        "scheduled": bool(b.schedule_key),
        "edited": b.edited,
    }


class BriefingQuery(Schema):
    kind: BriefingKind | None = Field(None, description="按类型筛选")


@router.get(
    "/briefings",
    response={200: list[BriefingOut], 403: ErrorOut},
    summary="简报列表",
    description="数据范围内的经济运行简报，按生成时间倒序：园区人员只看到所负责园区的。",
)
@paginate(Pagination)
def briefing_list(request: HttpRequest, filters: Query[BriefingQuery]) -> Any:
    require(permissions.can_view(request.user))
    return selectors.briefing_list(request.user, kind=filters.kind.value if filters.kind else "")


@router.get(
    "/briefings/{briefing_id}",
    response={200: BriefingDetailOut, 403: ErrorOut, 404: ErrorOut},
    summary="简报正文",
    description="简报的定稿、生成稿和引用的数据表。不存在或不在数据范围内的简报一律返回 404。",
)
def briefing_detail(
    request: HttpRequest, briefing_id: int = Path(..., ge=1, le=MAX_ID, description="简报 ID")
) -> dict[str, Any]:
    require(permissions.can_view(request.user))
    b = selectors.briefing_get(request.user, briefing_id)
    return _briefing(b) | {
        "organization": b.organization,
        "text": b.text,
        "generated_text": b.generated_text,
        "tables": [{"title": t["title"], "headers": t["headers"], "rows": t["rows"]} for t in b.tables],
    }
