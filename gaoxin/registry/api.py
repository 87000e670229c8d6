"""Registry endpoints of /api/v1/: enterprises (list, filter, detail), qualifications, parks, industries.

Thin: parse → selector (which applies the caller's scope) → schema. Contact fields are left out for roles that
may not see them (expert reviewers), not merely blanked in the page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from gaoxin.registry import permissions, selectors
from gaoxin.registry.models import ChainStage, Enterprise, EnterpriseStatus, Qualification

router = Router(tags=["企业库"])


class ParkOut(Schema):
    id: int
    code: str
    name: str
    short_name: str


class IndustryOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    gbt_codes: str


class QualificationOut(Schema):
    id: int
    enterprise_id: int
    type: str = Field(..., description="资质类型")
    level: str = Field("", description="级别：国家级/省级/市级/区级，或空")
    certificate_no: str
    recognized_on: dt.date | None
    valid_until: dt.date | None
    valid_today: bool

    @staticmethod
    def resolve_type(obj: Qualification) -> str:
        return obj.qtype.name

    @staticmethod
    def resolve_level(obj: Qualification) -> str:
        return obj.get_level_display() if obj.level else ""

    @staticmethod
    def resolve_valid_today(obj: Qualification) -> bool:
        return obj.is_valid_on(timezone.localdate())


class EnterpriseSummary(Schema):
    id: int
    uscc: str
    name: str
    park: str
    park_code: str
    industry: str | None
    chain_stage: str = Field("", description="上游/中游/下游，或空")
    is_above_scale: bool
    status: str = Field(..., description="存续/迁出/注销")

    @staticmethod
    def resolve_park(obj: Any) -> str:
        return obj["park"] if isinstance(obj, dict) else obj.park.name

    @staticmethod
    def resolve_park_code(obj: Any) -> str:
        return obj["park_code"] if isinstance(obj, dict) else obj.park.code

    @staticmethod
    def resolve_industry(obj: Any) -> str | None:
        if isinstance(obj, dict):
            return obj["industry"]
        return obj.industry.name if obj.industry else None

    @staticmethod
    def resolve_chain_stage(obj: Any) -> str:
        if isinstance(obj, dict):
            return obj["chain_stage"]
        return obj.get_chain_stage_display() if obj.chain_stage else ""

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return obj["status"] if isinstance(obj, dict) else obj.get_status_display()


class EnterpriseDetail(EnterpriseSummary):
    uscc_check_overridden: bool
    former_names: list[str]
    nic_code: str
    founded_on: dt.date | None
    registered_capital_wan: Decimal | None = Field(None, description="注册资本(万元)")
    address: str
    legal_representative: str
    above_scale_since: dt.date | None
    contacts: dict[str, str] | None = Field(None, description="联系人与电话；评审专家无权查看时为 null")
    qualifications: list[QualificationOut]


class EnterpriseQuery(Schema):
    q: str = Field("", description="名称片段、统一社会信用代码或拼音首字母")
    park: int | None = None
    industry: int | None = None
    chain_stage: ChainStage | None = None
    qualification: int | None = Field(None, description="资质类型编号：持有该有效资质的企业")
    above_scale: bool | None = None
    status: EnterpriseStatus | None = None


def _summary(e: Enterprise) -> dict[str, Any]:
    return {
        "id": e.pk,
        "uscc": e.uscc,
        "name": e.name,
        "park": e.park.name,
        "park_code": e.park.code,
        "industry": e.industry.name if e.industry else None,
        "chain_stage": e.get_chain_stage_display() if e.chain_stage else "",
        "is_above_scale": e.is_above_scale,
        "status": e.get_status_display(),
    }


@router.get("/enterprises", response=list[EnterpriseSummary], summary="企业列表（按数据范围）")
@paginate(LimitOffsetPagination)
def enterprise_list(request: HttpRequest, filters: Query[EnterpriseQuery]) -> Any:
    query = selectors.EnterpriseFilters(
        q=filters.q,
        park=filters.park,
        industry=filters.industry,
        chain_stage=filters.chain_stage.value if filters.chain_stage else "",
        qualification=filters.qualification,
        above_scale=filters.above_scale,
        status=filters.status.value if filters.status else "",
    )
    return selectors.enterprise_list(request.user, query)  # type: ignore[return-value]


@router.get("/enterprises/{enterprise_id}", response=EnterpriseDetail, summary="企业详情")
def enterprise_detail(request: HttpRequest, enterprise_id: int) -> dict[str, Any]:
    e = selectors.enterprise_get(request.user, enterprise_id)
    contacts = None
    if permissions.can_view_contacts(request.user):
        contacts = {
            "contact_name": e.contact_name,
            "contact_phone": e.contact_phone,
            "finance_contact_name": e.finance_contact_name,
            "finance_contact_phone": e.finance_contact_phone,
            "email": e.email,
        }
    return {
        **_summary(e),
        "uscc_check_overridden": e.uscc_overridden,
        "former_names": [f.name for f in e.former_names.all()],
        "nic_code": e.nic_code,
        "founded_on": e.founded_on,
        "registered_capital_wan": (e.registered_capital / 10000) if e.registered_capital is not None else None,
        "address": e.address,
        "legal_representative": e.legal_representative,
        "above_scale_since": e.above_scale_since,
        "contacts": contacts,
        "qualifications": list(e.qualifications.all()),
    }


@router.get("/qualifications", response=list[QualificationOut], summary="资质列表（按数据范围）")
@paginate(LimitOffsetPagination)
def qualification_list(
    request: HttpRequest, enterprise: int | None = None, type: int | None = None  # noqa: A002
) -> Any:
    return selectors.qualification_list(request.user, enterprise_id=enterprise, qtype=type)


@router.get("/parks", response=list[ParkOut], summary="园区")
def park_list(request: HttpRequest) -> Any:
    return selectors.park_scope(request.user)


@router.get("/industries", response=list[IndustryOut], summary="产业（主导产业与细分领域）")
def industry_list(request: HttpRequest) -> Any:
    return [node for root, kids in selectors.industry_tree() for node in (root, *kids)]
