"""Registry endpoints of /api/v1/: enterprises (list, filter, detail), qualifications, parks, industries and the
qualification catalogue.

Thin: parse → selector (which applies the caller's scope) → schema. Lists are paged by the database (the
selectors return querysets with `select_related` for everything the schema reads, so a page costs a fixed number
of queries whatever its size). Contact fields are left out for roles that may not see them (expert reviewers):
`contacts` is null, not merely blanked in a page.

(No `from __future__ import annotations` here: django-ninja reads the parameter annotations at runtime.)
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from gaoxin.api import MAX_ID, Pagination
from gaoxin.core.display import yuan_to_wan
from gaoxin.registry import permissions, selectors
from gaoxin.registry.models import (
    CHECK_NAMES,
    ChainStage,
    Enterprise,
    EnterpriseCheck,
    EnterpriseStatus,
    Industry,
    Park,
    Qualification,
    QualificationType,
)
from gaoxin.rules.engine.vocabulary import FLAGS

router = Router(tags=["企业库"])


def _id_field(description: str) -> Any:
    return Field(None, ge=1, le=MAX_ID, description=description)


class ParkOut(Schema):
    id: int = Field(..., description="园区编号")
    code: str = Field(..., description="园区编码")
    name: str = Field(..., description="园区名称")
    short_name: str = Field(..., description="简称")


class IndustryOut(Schema):
    id: int = Field(..., description="产业编号")
    code: str = Field(..., description="产业编码")
    name: str = Field(..., description="产业名称")
    parent_id: int | None = Field(..., description="上级产业编号；主导产业为 null")
    gbt_codes: str = Field(..., description="对应的国民经济行业代码（GB/T 4754-2017），逗号分隔")


class QualificationTypeOut(Schema):
    id: int = Field(..., description="资质类型编号（企业列表按资质筛选时使用）")
    code: str = Field(..., description="资质类型编码，如 hnte")
    name: str = Field(..., description="资质类型名称，如 高新技术企业")
    category: str = Field(..., description="类别：梯度培育/独角兽培育库/上市/研发机构/其他")
    has_levels: bool = Field(..., description="是否分国家级/省级/市级/区级")
    validity_years: int | None = Field(..., description="有效期（年）；长期有效为 null")

    @staticmethod
    def resolve_category(obj: QualificationType) -> str:
        return str(obj.get_category_display())


class QualificationOut(Schema):
    id: int = Field(..., description="资质记录编号")
    enterprise_id: int = Field(..., description="企业编号")
    enterprise_name: str = Field(..., description="企业名称")
    type_id: int = Field(..., description="资质类型编号")
    type: str = Field(..., description="资质类型名称")
    level: str = Field("", description="级别：国家级/省级/市级/区级，不分级别时为空")
    certificate_no: str = Field(..., description="证书编号")
    recognized_on: dt.date | None = Field(..., description="认定日期")
    valid_until: dt.date | None = Field(..., description="有效期至；长期有效为 null")
    valid_today: bool = Field(..., description="今天（北京时间）是否在有效期内")

    @staticmethod
    def resolve_enterprise_name(obj: Qualification) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_type_id(obj: Qualification) -> int:
        return obj.qtype_id

    @staticmethod
    def resolve_type(obj: Qualification) -> str:
        return obj.qtype.name

    @staticmethod
    def resolve_level(obj: Qualification) -> str:
        return str(obj.get_level_display()) if obj.level else ""

    @staticmethod
    def resolve_valid_today(obj: Qualification) -> bool:
        return obj.is_valid_on(timezone.localdate())


class EnterpriseSummary(Schema):
    id: int = Field(..., description="企业编号")
    uscc: str = Field(..., description="统一社会信用代码")
    name: str = Field(..., description="企业名称")
    park: str = Field(..., description="所属园区名称")
    park_id: int = Field(..., description="所属园区编号")
    park_code: str = Field(..., description="所属园区编码")
    industry: str | None = Field(..., description="所属产业名称；未归类为 null")
    industry_id: int | None = Field(..., description="所属产业编号；未归类为 null")
    chain_stage: str = Field("", description="产业链环节：上游/中游/下游，或空")
    is_above_scale: bool = Field(..., description="是否规上企业")
    status: str = Field(..., description="企业状态：存续/迁出/注销")

    @staticmethod
    def resolve_park(obj: Enterprise) -> str:
        return obj.park.name

    @staticmethod
    def resolve_park_code(obj: Enterprise) -> str:
        return obj.park.code

    @staticmethod
    def resolve_industry(obj: Enterprise) -> str | None:
        return obj.industry.name if obj.industry else None

    @staticmethod
    def resolve_chain_stage(obj: Enterprise) -> str:
        return str(obj.get_chain_stage_display()) if obj.chain_stage else ""

    @staticmethod
    def resolve_status(obj: Enterprise) -> str:
        return str(obj.get_status_display())


class ContactsOut(Schema):
    contact_name: str = Field(..., description="联系人")
    contact_phone: str = Field(..., description="联系电话")
    finance_contact_name: str = Field(..., description="财务负责人")
    finance_contact_phone: str = Field(..., description="财务负责人电话")
    email: str = Field(..., description="电子邮箱")


class CheckOut(Schema):
    name: str = Field(..., description="核实事项代码（FORMATS.md 第2节的是否事项），如 major_incident_last_year")
    label: str = Field(..., description="事项名称")
    value: bool = Field(..., description="核实结果：true 为“是”")
    answer: str = Field(..., description="核实结果的表述，如“上年度未发生重大安全、质量、环境污染事故”")
    checked_on: dt.date = Field(..., description="核实日期")
    basis: str = Field(..., description="核实依据，如“信用中国查询”")

    @staticmethod
    def resolve_label(obj: EnterpriseCheck) -> str:
        return FLAGS[obj.name].label

    @staticmethod
    def resolve_answer(obj: EnterpriseCheck) -> str:
        info = FLAGS[obj.name]
        return info.when_true if obj.value else info.when_false


class EnterpriseDetail(EnterpriseSummary):
    uscc_check_overridden: bool = Field(..., description="统一社会信用代码校验位未通过、经科室人员例外接受")
    former_names: list[str] = Field(..., description="曾用名，从近到远")
    nic_code: str = Field(..., description="国民经济行业代码，如 C3973")
    founded_on: dt.date | None = Field(..., description="成立日期")
    registered_capital_wan: str | None = Field(
        ...,
        description='注册资本（万元），十进制数字字符串，精确到元，如 "500"、"123.456789"；未登记为 null',
        pattern=r"^-?\d+(\.\d+)?$",
    )
    address: str = Field(..., description="注册地址")
    legal_representative: str = Field(..., description="法定代表人")
    above_scale_since: dt.date | None = Field(..., description="入统日期")
    contacts: ContactsOut | None = Field(..., description="联系方式；评审专家无权查看，为 null")
    qualifications: list[QualificationOut] = Field(..., description="全部资质记录（含已过期），认定日期从近到远")
    checks: list[CheckOut] = Field(
        ..., description="已核实的是否事项（认定条件所需）；未列出的事项为未核实，认定条件评估中为待核实"
    )

    @staticmethod
    def resolve_uscc_check_overridden(obj: Enterprise) -> bool:
        return obj.uscc_overridden

    @staticmethod
    def resolve_former_names(obj: Enterprise) -> list[str]:
        return [former.name for former in obj.former_names.all()]

    @staticmethod
    def resolve_registered_capital_wan(obj: Enterprise) -> str | None:
        if obj.registered_capital is None:
            return None
        text = format(yuan_to_wan(obj.registered_capital), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text

    @staticmethod
    def resolve_contacts(obj: Enterprise, context: Any) -> ContactsOut | None:
        if not permissions.can_view_contacts(context["request"].user):
            return None
        return ContactsOut(
            contact_name=obj.contact_name,
            contact_phone=obj.contact_phone,
            finance_contact_name=obj.finance_contact_name,
            finance_contact_phone=obj.finance_contact_phone,
            email=obj.email,
        )

    @staticmethod
    def resolve_qualifications(obj: Enterprise) -> list[Qualification]:
        return list(obj.qualifications.all())

    @staticmethod
    def resolve_checks(obj: Enterprise) -> list[EnterpriseCheck]:
        order = {name: i for i, name in enumerate(CHECK_NAMES)}
        return sorted(obj.checks.all(), key=lambda check: order.get(check.name, len(order)))


class EnterpriseQuery(Schema):
    q: str = Field(
        "",
        max_length=100,
        pattern=r"^[^\x00]*$",  # PostgreSQL text cannot hold NUL
        description="检索：企业名称或曾用名片段、统一社会信用代码（前 4 位以上）、名称拼音首字母（如 zhhx）",
    )
    park: int | None = _id_field("园区编号：只列该园区的企业")
    industry: int | None = _id_field("产业编号：该产业及其细分领域的企业")
    chain_stage: ChainStage | None = Field(None, description="产业链环节")
    qualification: int | None = _id_field("资质类型编号：持有该类有效资质的企业")
    above_scale: bool | None = Field(None, description="true 只列规上企业，false 只列规下企业")
    status: EnterpriseStatus | None = Field(None, description="企业状态")


class QualificationQuery(Schema):
    enterprise: int | None = _id_field("企业编号：只列该企业的资质")
    type: int | None = _id_field("资质类型编号：只列该类资质")


@router.get(
    "/enterprises",
    response=list[EnterpriseSummary],
    summary="企业列表",
    description="数据范围内的企业，按名称排序，可检索与筛选；范围外的企业不会出现在结果中。",
)
@paginate(Pagination)
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
    return selectors.enterprise_list(request.user, query)


@router.get(
    "/enterprises/{enterprise_id}",
    response=EnterpriseDetail,
    summary="企业详情",
    description="一家企业的基本信息、联系方式与全部资质。不存在或不在数据范围内的企业一律返回 404。",
)
def enterprise_detail(
    request: HttpRequest, enterprise_id: int = Path(..., ge=1, le=MAX_ID, description="企业编号")
) -> Enterprise:
    return selectors.enterprise_get(request.user, enterprise_id)


@router.get(
    "/qualifications",
    response=list[QualificationOut],
    summary="资质列表",
    description="数据范围内企业的资质记录（含已过期，见 valid_today），按企业名称、认定日期排序。",
)
@paginate(Pagination)
def qualification_list(request: HttpRequest, filters: Query[QualificationQuery]) -> Any:
    return selectors.qualification_list(request.user, enterprise_id=filters.enterprise, qtype=filters.type)


@router.get(
    "/qualification-types",
    response=list[QualificationTypeOut],
    summary="资质类型目录",
    description="资质目录（高新技术企业、专精特新等），企业列表按资质筛选时用其编号。",
)
def qualification_type_list(request: HttpRequest) -> list[QualificationType]:
    return list(selectors.qualification_types())


@router.get(
    "/parks",
    response=list[ParkOut],
    summary="园区列表",
    description="调用者可见的园区：园区人员只看到本人负责的园区，其他角色看到全部园区。",
)
def park_list(request: HttpRequest) -> list[Park]:
    return list(selectors.park_scope(request.user))


@router.get(
    "/industries",
    response=list[IndustryOut],
    summary="产业列表",
    description="高新区的产业树，按展示顺序平铺：每个主导产业后面跟着它的细分领域（parent_id 指向主导产业）。",
)
def industry_list(request: HttpRequest) -> list[Industry]:
    return [node for root, kids in selectors.industry_tree() for node in (root, *kids)]
