"""Rules-engine endpoints of /api/v1/: the published rule sets, evaluating facts against one (the same as
`manage.py evaluate_rules --json`), and an enterprise's stored results.

Evaluating facts the caller sends reveals nothing held by the platform, so every signed-in user may do it (an
enterprise can check itself before applying). Evaluating a registry enterprise (`enterprise_id`) and reading its
stored results go through the caller's enterprise scope: outside it, 404 as if it did not exist.

(No `from __future__ import annotations` here: django-ninja reads the parameter annotations at runtime.)
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Body, Field, Path, Query, Router, Schema
from pydantic import field_validator

from gaoxin.api import MAX_ID, iso_date_only
from gaoxin.rules import selectors, services
from gaoxin.rules.facts import facts_documents

router = Router(tags=["规则引擎"])

CODE_PATTERN = r"^[a-z][a-z0-9_]{1,59}$"


class RuleSetOut(Schema):
    code: str = Field(..., description="规则集编码，如 hnte")
    version: str = Field(..., description="版本")
    name: str = Field(..., description="名称，如 高新技术企业认定")
    source: str = Field(..., description="依据文件（文号）")
    valid_from: dt.date | None = Field(..., description="生效日期")
    valid_to: dt.date | None = Field(..., description="失效日期；null 为长期有效")
    in_force: bool = Field(..., description="今天是否在有效期内（不在有效期内的规则集仍可评估，但结果标注为过期）")


@router.get(
    "/rules",
    response=list[RuleSetOut],
    summary="已发布的规则集",
    description="每个规则集今天适用的已发布版本（没有在有效期内的版本时为最近发布的版本，in_force 为 false）。",
)
def ruleset_list(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.published_overview()


class CriterionOut(Schema):
    code: str | None = Field(..., description="条件或评分项编码")
    label: str = Field(..., description="条件名称")
    kind: str = Field(..., description="criterion 判定条件 / score 评分项")
    result: str = Field(..., description="pass 符合 / fail 不符合 / unknown 待核实（缺数据时为 unknown，从不为 fail）")
    actual: Any = Field(None, description="实际值")
    required: str = Field(..., description="要求（中文）")
    message: str = Field(..., description="说明（中文），如 研发费用占销售收入比例（2024年）4.2%，低于要求的5%")
    points: float | None = Field(None, description="评分项得分；得分为区间时为 null")


class EvaluationOut(Schema):
    ruleset: str = Field(..., description="规则集编码")
    version: str = Field(..., description="版本")
    name: str = Field(..., description="名称")
    result: str = Field(..., description="pass / fail / unknown")
    validity: str = Field(..., description="评估基准日规则集是否有效：current / expired / not_yet_valid")
    as_of: dt.date = Field(..., description="评估基准日")
    summary: str = Field(..., description="结论说明（中文）")
    score: float | None = Field(None, description="得分（有评分表时；得分为区间时为 null）")
    criteria: list[CriterionOut] = Field(..., description="逐项结果，按规则集顺序")
    warnings: list[str] = Field(..., description="提示，如规则集已过期")


class EvaluateQuery(Schema):
    as_of: dt.date | None = Field(None, description="评估基准日（默认今天）")

    @field_validator("as_of", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        return iso_date_only(value)

    enterprise_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="平台内企业的 ID：评估该企业（须在您的数据范围内），此时请求体传 {}"
    )


@router.post(
    "/rules/{code}/evaluate",
    response=EvaluationOut,
    summary="按规则集评估",
    description="请求体为企业事实 JSON（FORMATS.md 2a）；或给出 enterprise_id 并传 {}，"
    "评估平台内该企业（须在您的数据范围内）。返回与 manage.py evaluate_rules --json 相同的结构。",
)
def ruleset_evaluate(
    request: HttpRequest,
    params: Query[EvaluateQuery],
    facts: Body[dict[str, Any]],
    code: str = Path(..., pattern=CODE_PATTERN, description="规则集编码"),
) -> dict[str, Any]:
    if params.enterprise_id is not None:
        enterprise = selectors.enterprise_for_rules(request.user, params.enterprise_id)
        document = facts_documents([enterprise])[enterprise.pk]
    else:
        document = facts  # {} is an enterprise nothing is known about: every criterion answers unknown
    return services.evaluate_facts(code, document, as_of=params.as_of).as_json()


class StoredResultOut(Schema):
    ruleset: str = Field(..., description="规则集编码")
    version: str = Field(..., description="版本")
    name: str = Field(..., description="名称")
    result: str = Field(..., description="pass / fail / unknown")
    failed: int = Field(..., description="不符合的条件数")
    unknown: int = Field(..., description="待核实的条件数")
    score: float | None = Field(None, description="得分")
    summary: str = Field(..., description="结论说明")
    as_of: dt.date = Field(..., description="评估基准日")
    validity: str = Field(..., description="current / expired / not_yet_valid")
    stale: bool = Field(..., description="评估后企业数据已有变化（结果待重新评估）")
    criteria: list[CriterionOut] = Field(..., description="逐项结果")


@router.get(
    "/enterprises/{enterprise_id}/rule-results",
    response=list[StoredResultOut],
    summary="企业的评估结果",
    description="全库评估保存的该企业对各规则集的结果（数据范围外的企业返回 404）。",
)
def enterprise_results(
    request: HttpRequest, enterprise_id: int = Path(..., ge=1, le=MAX_ID, description="企业 ID")
) -> list[dict[str, Any]]:
    enterprise = selectors.enterprise_for_rules(request.user, enterprise_id)
    return [row.as_json() for row in selectors.enterprise_results(enterprise)]
