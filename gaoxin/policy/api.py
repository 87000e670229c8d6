"""Policy cashing endpoints of /api/v1/: the policy library and fund items, applications (scoped as the pages: an
expert only its assigned ones, without contact data or bank accounts; an enterprise only its own), the review action,
eligible lists (export, and import from a provincial 惠企 platform), awards and payments.

(No `from __future__ import annotations` here: django-ninja reads the parameter annotations at runtime.)
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from gaoxin.api import MAX_ID, ErrorOut, InputSchema, Pagination, iso_date_only
from gaoxin.policy import interop, permissions, selectors, services, workflow
from gaoxin.policy.models import Application, AppStatus, Channel, FundItem, Policy

router = Router(tags=["政策兑现"])


def _money(value: float | None) -> Decimal | None:
    """A JSON number of yuan as the Decimal the services take (two decimals, half up)."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


class PolicyOut(Schema):
    id: int = Field(..., description="政策 ID")
    title: str = Field(..., description="政策名称")
    number: str = Field(..., description="文号")
    issuer: str = Field(..., description="发文机关")
    level: str = Field(..., description="national 国家级 / provincial 省级 / city 市级 / zone 区级")
    category: str = Field(
        ...,
        description="leading_industry 主导产业 / innovation 科技创新 / industry_it 工业和信息化发展 / "
        "talent 人才服务 / "
        "commerce 商贸发展 / energy 节能降耗",
    )
    effective_from: dt.date = Field(..., description="生效日期")
    expires_on: dt.date | None = Field(None, description="失效日期")
    status: str = Field(..., description="draft 草稿 / published 已发布 / expired 已失效")
    summary: str = Field(..., description="政策摘要")
    budget_yuan: Decimal | None = Field(None, description="政策资金总额（元）")
    external_id: str = Field(..., description="外部平台编号（如省惠企平台）")


class PolicyDetailOut(PolicyOut):
    body: str = Field(..., description="政策全文")


def _policy(p: Policy) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "number": p.number,
        "issuer": p.issuer,
        "level": p.level,
        "category": p.category,
        "effective_from": p.effective_from,
        "expires_on": p.expires_on,
        "status": p.status,
        "summary": p.summary,
        "budget_yuan": p.budget_yuan,
        "external_id": p.external_id,
    }


class PolicyQuery(Schema):
    q: str = Field("", max_length=100, description="关键词（名称、文号、发文机关、正文）")
    category: Literal["leading_industry", "innovation", "industry_it", "talent", "commerce", "energy"] | None = Field(
        None, description="政策类别"
    )
    level: Literal["national", "provincial", "city", "zone"] | None = Field(None, description="层级")
    status: Literal["draft", "published", "expired"] | None = Field(None, description="状态")


@router.get(
    "/policies",
    response=list[PolicyOut],
    summary="政策列表",
    description="政策库检索；企业只看到已发布和已失效的政策。",
)
@paginate(Pagination)
def policy_list(request: HttpRequest, filters: Query[PolicyQuery]) -> Any:
    rows = selectors.policy_search(
        request.user,
        q=filters.q,
        category=filters.category or "",
        level=filters.level or "",
        status=filters.status or "",
    )
    return [_policy(p) for p in rows[:10_000]]


@router.get("/policies/{policy_id}", response=PolicyDetailOut, summary="政策详情")
def policy_detail(request: HttpRequest, policy_id: int = Path(..., ge=1, le=MAX_ID, description="政策 ID")) -> Any:
    policy = selectors.policy_get(request.user, policy_id)
    return _policy(policy) | {"body": policy.body}


class PolicyIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200, pattern=r"\S", description="政策名称")
    number: str = Field("", max_length=80, description="文号")
    issuer: str = Field(..., min_length=1, max_length=100, pattern=r"\S", description="发文机关")
    level: Literal["national", "provincial", "city", "zone"] = Field(..., description="层级")
    category: Literal["leading_industry", "innovation", "industry_it", "talent", "commerce", "energy"] = Field(
        ..., description="政策类别"
    )
    effective_from: dt.date = Field(..., description="生效日期 YYYY-MM-DD")
    expires_on: dt.date | None = Field(None, description="失效日期 YYYY-MM-DD")
    summary: str = Field("", max_length=500, description="政策摘要")
    body: str = Field("", max_length=200_000, description="政策全文")
    budget_yuan: float | None = Field(None, ge=0, le=999_999_999_999, description="政策资金总额（元）")
    external_id: str = Field("", max_length=60, description="外部平台编号：同一编号再次提交即更新")

    @field_validator("effective_from", "expires_on", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        return iso_date_only(value)


@router.post(
    "/policies",
    response={201: PolicyDetailOut, 400: ErrorOut, 403: ErrorOut},
    summary="新增或更新政策（对接省惠企平台）",
    description="科室人员或管理员的令牌可用。带 external_id 时按该编号新增或更新（幂等）；新增的政策为草稿。",
)
def policy_upsert(request: HttpRequest, payload: PolicyIn) -> Any:
    data = payload.dict()
    data["budget_yuan"] = _money(payload.budget_yuan)
    policy = interop.policy_upsert(actor=request.user, data=data)
    return Status(201, _policy(policy) | {"body": policy.body})


class FundItemOut(Schema):
    id: int = Field(..., description="申报项目 ID")
    code: str = Field(..., description="项目编码")
    name: str = Field(..., description="申报项目")
    policy_id: int = Field(..., description="所属政策 ID")
    policy_number: str = Field(..., description="所属政策文号")
    eligibility_code: str = Field(..., description="申报条件（规则集编码）")
    no_application: bool = Field(..., description="免申即享")
    amount_kind: str = Field(..., description="fixed 定额 / percent 按比例设上限 / tiers 分档")
    amount_fixed_yuan: Decimal | None = Field(None, description="定额（元）")
    amount_fact: str = Field(..., description="计算依据的年度指标（FORMATS.md 第2节）")
    amount_percent: Decimal | None = Field(None, description="比例（%）")
    amount_cap_yuan: Decimal | None = Field(None, description="上限（元）")
    amount_tiers: list[list[str]] = Field(..., description="分档 [[下限, 金额(元)], …]")
    budget_yuan: Decimal = Field(..., description="项目预算（元）")
    committed_yuan: Decimal = Field(..., description="已核定（元，含待拨付）")
    paid_yuan: Decimal = Field(..., description="已拨付（元）")
    opens_on: dt.date = Field(..., description="申报开始")
    closes_on: dt.date = Field(..., description="申报截止")
    stages: list[str] = Field(..., description="审核流程：form / expert / department / leader / notice / payment")
    status: str = Field(..., description="draft 草稿 / open 已发布 / closed 已结束")
    materials: list[dict[str, Any]] = Field(..., description="申报材料清单：name, kinds, required")


def _item(i: FundItem) -> dict[str, Any]:
    budget = selectors.item_budget(i)
    return {
        "id": i.pk,
        "code": i.code,
        "name": i.name,
        "policy_id": i.policy_id,
        "policy_number": i.policy.number,
        "eligibility_code": i.eligibility_code,
        "no_application": i.no_application,
        "amount_kind": i.amount_kind,
        "amount_fixed_yuan": i.amount_fixed_yuan,
        "amount_fact": i.amount_fact,
        "amount_percent": i.amount_percent,
        "amount_cap_yuan": i.amount_cap_yuan,
        "amount_tiers": [[str(a), str(b)] for a, b in i.amount_tiers or []],
        "budget_yuan": i.budget_yuan,
        "committed_yuan": budget.committed,
        "paid_yuan": budget.paid,
        "opens_on": i.opens_on,
        "closes_on": i.closes_on,
        "stages": list(i.stages),
        "status": i.status,
        "materials": [{"name": m.name, "kinds": m.kinds, "required": m.required} for m in i.materials.all()],
    }


class ItemQuery(Schema):
    status: Literal["draft", "open", "closed"] | None = Field(None, description="状态")
    no_application: bool | None = Field(None, description="只看免申即享（true）或网上申报（false）")


@router.get("/fund-items", response=list[FundItemOut], summary="申报项目列表")
@paginate(Pagination)
def item_list(request: HttpRequest, filters: Query[ItemQuery]) -> Any:
    rows = selectors.fund_item_list(request.user, status=filters.status or "", no_application=filters.no_application)
    return [_item(i) for i in rows.prefetch_related("materials")[:2000]]


@router.get("/fund-items/{item_id}", response=FundItemOut, summary="申报项目详情")
def item_detail(request: HttpRequest, item_id: int = Path(..., ge=1, le=MAX_ID, description="申报项目 ID")) -> Any:
    return _item(selectors.fund_item_get(request.user, item_id))


class ApplicationOut(Schema):
    id: int = Field(..., description="申报 ID")
    number: str = Field(..., description="受理编号，如 ZC2026000123")
    fund_item_id: int = Field(..., description="申报项目 ID")
    fund_item: str = Field(..., description="申报项目")
    enterprise_id: int = Field(..., description="企业 ID")
    enterprise: str = Field(..., description="企业名称")
    uscc: str = Field(..., description="统一社会信用代码")
    channel: str = Field(..., description="apply 网上申报 / offer 免申即享")
    status: str = Field(
        ...,
        description="draft 草稿 / in_review 审核中 / returned 退回补正 / rejected 未通过 / withdrawn 已撤回 / "
        "approved 拟支持 / in_notice 公示中 / payable 待拨付 / paid 已拨付 / candidate 待核定 / excluded 已排除 / "
        "offered 待企业确认 / declined 企业放弃 / expired 逾期未确认",
    )
    status_label: str = Field(..., description="状态（企业所见的中文）")
    stage: str = Field(..., description="当前环节")
    stage_due: dt.date | None = Field(None, description="本环节时限")
    submitted_at: dt.datetime | None = Field(None, description="提交时间")
    requested_yuan: Decimal | None = Field(None, description="测算金额（元）")
    awarded_yuan: Decimal | None = Field(None, description="核定金额（元）")
    score: Decimal | None = Field(None, description="专家评分（汇总）")
    paid_on: dt.date | None = Field(None, description="拨付日期")
    reason: str = Field(..., description="退回、不予支持或排除的原因")


class ApplicationDetailOut(ApplicationOut):
    project_name: str = Field(..., description="项目名称")
    project_summary: str = Field(..., description="项目简介")
    bank_name: str | None = Field(None, description="开户银行（评审专家不可见）")
    bank_account: str | None = Field(None, description="银行账号（评审专家不可见）")
    account_name: str | None = Field(None, description="账户名称（评审专家不可见）")
    eligibility: dict[str, Any] = Field(..., description="提交时的资格核验：result, summary, failed, unknown")
    events: list[dict[str, Any]] = Field(..., description="办理过程：at, stage, action, actor, text")


def _application(a: Application) -> dict[str, Any]:
    return {
        "id": a.pk,
        "number": a.number,
        "fund_item_id": a.fund_item_id,
        "fund_item": a.fund_item.name,
        "enterprise_id": a.enterprise_id,
        "enterprise": a.enterprise.name,
        "uscc": a.enterprise.uscc,
        "channel": a.channel,
        "status": a.status,
        "status_label": str(workflow.enterprise_label(a)),
        "stage": a.stage,
        "stage_due": a.stage_due,
        "submitted_at": a.submitted_at,
        "requested_yuan": a.requested_yuan,
        "awarded_yuan": a.awarded_yuan,
        "score": a.score,
        "paid_on": a.paid_on,
        "reason": a.reason,
    }


class ApplicationQuery(Schema):
    fund_item_id: int | None = Field(None, ge=1, le=MAX_ID, description="申报项目 ID")
    status: AppStatus | None = Field(None, description="状态")
    stage: Literal["form", "expert", "department", "leader"] | None = Field(None, description="审核中的环节")
    channel: Channel | None = Field(None, description="apply 网上申报 / offer 免申即享")


@router.get(
    "/policy-applications",
    response=list[ApplicationOut],
    summary="政策申报列表",
    description="数据范围内的申报：企业只看到本企业的；专家只看到指派给自己的；财政人员看到待拨付和已拨付的。",
)
@paginate(Pagination)
def application_list(request: HttpRequest, filters: Query[ApplicationQuery]) -> Any:
    rows = selectors.application_list(
        request.user,
        fund_item=filters.fund_item_id,
        status=filters.status.value if filters.status else "",
        stage=filters.stage or "",
        channel=filters.channel.value if filters.channel else "",
    )
    return [_application(a) for a in rows[:10_000]]


@router.get(
    "/policy-applications/{application_id}",
    response=ApplicationDetailOut,
    summary="政策申报详情",
    description="不存在或不在数据范围内的申报一律返回 404（专家只能打开指派给自己的申报）。",
)
def application_detail(
    request: HttpRequest, application_id: int = Path(..., ge=1, le=MAX_ID, description="申报 ID")
) -> Any:
    a = selectors.application_get(request.user, application_id)
    contacts = permissions.can_view_contacts(request.user)
    return _application(a) | {
        "project_name": a.project_name,
        "project_summary": a.project_summary,
        "bank_name": a.bank_name if contacts else None,
        "bank_account": a.bank_account if contacts else None,
        "account_name": a.account_name if contacts else None,
        "eligibility": a.eligibility,
        "events": [
            {"at": e.at, "stage": e.stage, "action": e.action, "actor": e.actor_label, "text": e.text}
            for e in selectors.application_events(request.user, a)
        ],
    }


class ReviewIn(InputSchema):
    action: Literal["pass", "return", "reject"] = Field(
        ..., description="pass 通过 / return 退回补正 / reject 不予支持"
    )
    reason: str = Field("", max_length=500, description="意见或原因（退回、不予支持时必填）")
    amount: float | None = Field(None, ge=0, le=999_999_999_999, description="核定金额（元，最后审核环节）")


@router.post(
    "/policy-applications/{application_id}/review",
    response={200: ApplicationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="办理当前审核环节",
    description="由该环节的办理角色通过、退回补正或不予支持；超预算核定须领导在页面上明确批准。",
)
def application_review(
    request: HttpRequest, payload: ReviewIn, application_id: int = Path(..., ge=1, le=MAX_ID, description="申报 ID")
) -> Any:
    a = selectors.application_get(request.user, application_id)
    a = services.application_review(
        actor=request.user,
        application=a,
        action=payload.action,
        reason=payload.reason,
        amount=_money(payload.amount),
    )
    return _application(a)


class AwardQuery(Schema):
    fund_item_id: int | None = Field(None, ge=1, le=MAX_ID, description="申报项目 ID")
    paid_from: dt.date | None = Field(None, description="拨付日期起 YYYY-MM-DD")
    paid_to: dt.date | None = Field(None, description="拨付日期止 YYYY-MM-DD")

    @field_validator("paid_from", "paid_to", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        return iso_date_only(value)


@router.get(
    "/policy-awards",
    response=list[ApplicationOut],
    summary="核定（兑现）名单",
    description="已核定的项目（拟支持、公示中、待拨付、已拨付），用于与省惠企平台对账。",
)
@paginate(Pagination)
def award_list(request: HttpRequest, filters: Query[AwardQuery]) -> Any:
    rows = interop.awards(
        request.user, fund_item=filters.fund_item_id, paid_from=filters.paid_from, paid_to=filters.paid_to
    )
    return [_application(a) for a in rows[:10_000]]


class EligibleIn(InputSchema):
    uscc: str = Field(..., min_length=18, max_length=18, pattern=r"^[0-9A-Z]{18}$", description="统一社会信用代码")
    amount_yuan: float | None = Field(None, ge=0, le=999_999_999_999, description="金额（元）；不填按本项目公式测算")


class EligibleListIn(InputSchema):
    rows: list[EligibleIn] = Field(..., min_length=1, max_length=50_000, description="名单")


class EligibleResultOut(Schema):
    created: int = Field(..., description="新列入待核定名单的企业数")
    kept: int = Field(..., description="已在名单中的企业数")
    errors: list[str] = Field(..., description="问题（第N行 …）；有问题时什么也不改")


@router.post(
    "/fund-items/{item_id}/eligible",
    response={200: EligibleResultOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="导入免申即享名单（来自省惠企平台等）",
    description="把外部平台比对出的企业列入本项目的待核定名单，复核后由科室人员发送确认通知。",
)
def eligible_import(
    request: HttpRequest, payload: EligibleListIn, item_id: int = Path(..., ge=1, le=MAX_ID, description="申报项目 ID")
) -> Any:
    item = selectors.fund_item_get(request.user, item_id)
    result = interop.eligible_import(
        actor=request.user, item=item, rows=[(r.uscc, _money(r.amount_yuan)) for r in payload.rows]
    )
    return {"created": result.created, "kept": result.kept, "errors": result.errors}


class PaymentIn(InputSchema):
    number: str = Field(..., min_length=1, max_length=20, pattern=r"^[A-Z]{2}[0-9]+$", description="受理编号")
    paid_on: dt.date = Field(..., description="拨付日期 YYYY-MM-DD")
    voucher: str = Field("", max_length=60, description="凭证号")
    amount_yuan: float | None = Field(None, ge=0, le=999_999_999_999, description="金额（元）；给出时须与核定金额一致")

    @field_validator("paid_on", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        return iso_date_only(value)


class PaymentListIn(InputSchema):
    rows: list[PaymentIn] = Field(..., min_length=1, max_length=10_000, description="拨付回单")


class PaymentResultOut(Schema):
    paid: int = Field(..., description="本次登记为已拨付的笔数")
    already_paid: int = Field(..., description="此前已是已拨付的笔数")
    errors: list[str] = Field(..., description="问题（第N行 …）；有问题时什么也不改")


@router.post(
    "/policy-payments",
    response={200: PaymentResultOut, 400: ErrorOut, 403: ErrorOut},
    summary="登记拨付回单（银行、国库或省平台）",
    description="财政人员的令牌可用：待拨付的申报按回单登记为已拨付，企业随即看到“已拨付”和日期。",
)
def payments_import(request: HttpRequest, payload: PaymentListIn) -> Any:
    result = interop.payments_import(
        actor=request.user,
        rows=[(r.number, r.paid_on, r.voucher, _money(r.amount_yuan)) for r in payload.rows],
    )
    return {"paid": result.updated, "already_paid": result.kept, "errors": result.errors}
