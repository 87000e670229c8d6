"""Economic monitoring endpoints of /api/v1/: the indicator catalogue, the 1-N月 rollups of DOMAIN.md (the same JSON as
`manage.py rollup --json`) and one enterprise's monthly series.

Permissions are those of the monitoring pages: the rollups and the series are for the roles of
`permissions.can_view_monitoring` (leader, bureau officer, park officer, service commissioner, administrator). The
other roles (expert reviewer, finance officer, enterprise user) get 403 `permission_denied` with the Chinese reason,
exactly as the pages answer them: the refusal depends on the role alone, never on a particular object, so it tells
the caller nothing about the data. Inside that, the caller's enterprise scope applies (`enterprise_scope`): a rollup
adds up only the enterprises in scope; a park outside a park officer's parks, or an enterprise outside the scope,
answers the same 404 as one that does not exist. The catalogue is reference data that every signed-in user may read.

A rollup over a partial scope (a commissioner's enterprises, a park officer's share of the zone) carries no annual
target and no statistics-bureau rate: those belong to the whole zone or park, not to the caller's part of it.

(No `from __future__ import annotations` here: django-ninja reads the parameter annotations at runtime.)
"""

import re
from enum import StrEnum
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from gaoxin.accounts.roles import ZONE_WIDE_ROLES, Role
from gaoxin.api import MAX_ID, Pagination
from gaoxin.core.errors import NotFound
from gaoxin.core.permissions import require
from gaoxin.indicators import permissions, selectors
from gaoxin.indicators.models import Aggregation, Fact, Indicator
from gaoxin.indicators.rollups import rollup
from gaoxin.registry.models import Park
from gaoxin.registry.selectors import enterprise_scope, park_scope

router = Router(tags=["经济运行"])

#: 统计期 YYYY-MM (the 1-N月 period ending in month N).
PERIOD_PATTERN = r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"
#: PostgreSQL text cannot hold NUL.
NO_NUL = r"^[^\x00]*$"


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }


FORBIDDEN = _error("您的角色不能查看经济运行监测（专家、财政人员、企业用户）：code 为 permission_denied")


def _require_monitoring(request: HttpRequest) -> None:
    require(permissions.can_view_monitoring(request.user))


# Catalogue ---------------------------------------------------------------------------------------------------


class IndicatorOut(Schema):
    code: str = Field(..., description="指标编码，如 output_value（查询汇总时也可用名称或别名）")
    name: str = Field(..., description="指标名称，如 工业总产值")
    aliases: list[str] = Field(..., description="别名（导入与查询时也认的写法）")
    unit: str = Field(..., description="单位：万元、万千瓦时、吨标准煤、人、% 等")
    frequency: Literal["monthly", "quarterly", "yearly"] = Field(
        ..., description="频率：monthly 月度 / quarterly 季度 / yearly 年度"
    )
    temporal: Literal["flow", "stock"] = Field(
        ..., description="时间属性：flow 流量（1-N月累计）/ stock 存量（取期末数，如从业人员）"
    )
    aggregation: Literal["sum", "ratio"] = Field(
        ..., description="汇总方式：sum 求和 / ratio 两个指标之比（分子之和 ÷ 分母之和）"
    )
    numerator: str | None = Field(..., description="比值指标的分子指标编码；求和指标为 null")
    denominator: str | None = Field(..., description="比值指标的分母指标编码；求和指标为 null")
    comparable_prices: bool = Field(..., description="是否按可比价计算增速（如工业增加值：以统计部门核定的增速为准）")

    @staticmethod
    def resolve_aliases(obj: Indicator) -> list[str]:
        return obj.alias_list()

    @staticmethod
    def resolve_numerator(obj: Indicator) -> str | None:
        return obj.numerator.code if obj.numerator else None

    @staticmethod
    def resolve_denominator(obj: Indicator) -> str | None:
        return obj.denominator.code if obj.denominator else None


@router.get(
    "/indicators",
    response=list[IndicatorOut],
    summary="指标目录",
    description="启用的经济指标（编码、名称、别名、单位、汇总方式等），按展示顺序。所有已登录用户均可查看。",
)
def indicator_list(request: HttpRequest) -> list[Indicator]:
    return list(selectors.indicator_list())


# Rollup ------------------------------------------------------------------------------------------------------


class RollupRowOut(Schema):
    group: str = Field(
        ..., description="分组名称（园区、主导产业、产业链环节、规上/规下、资质类型或“无资质”）；合计行为范围名称"
    )
    enterprises: int = Field(..., description="本期有数据的企业数")
    comparable_enterprises: int = Field(..., description="可比口径企业数（两年1-N月均有数据）")
    value: float = Field(..., description="本期1-N月累计值（范围内全部企业），单位见 unit")
    comparable_value: float = Field(..., description="可比口径企业的本期累计值")
    base: float = Field(..., description="可比口径企业的上年同期累计值")
    yoy: float | None = Field(..., description="同比增速（%，可比口径，保留4位小数）；无基数时为 null")
    official_yoy: float | None = Field(..., description="统计部门核定的增速（%）；没有时为 null")
    share: float | None = Field(
        ...,
        description="占合计的比重（%，保留4位小数）；合计行为 null。按资质分组时一家企业可属多组，各组占比之和不为100%",
    )
    rank_value: int | None = Field(
        ...,
        description="按本期累计值的名次（1 为最好：一般为最大，单位增加值能耗为最小；显示值相同并列，"
        "其后名次顺延）；合计行及未分园区、未分产业、未标注环节、无资质等行为 null",
    )
    rank_yoy: int | None = Field(
        ...,
        description="按同比增速的名次（有统计部门核定增速的以核定增速计；规则同 rank_value）；无增速时为 null",
    )
    display: str = Field(..., description="按高新区写法的展示文字，如 297.99亿元，同比下降3.6%")


class RollupTargetOut(Schema):
    total: float | None = Field(..., description="年度总量目标（单位同指标）；没有时为 null")
    growth: float | None = Field(..., description="年度增速目标（%）；没有时为 null")
    issuer: str = Field(..., description="目标下达单位")
    completion: float | None = Field(..., description="完成年度任务的百分比（%）")
    time_progress: float = Field(..., description="序时进度（%）：N ÷ 12 × 100")
    schedule_gap: float | None = Field(..., description="完成率减序时进度（百分点），正为超序时进度")
    growth_gap: float | None = Field(..., description="增速减增速目标（百分点），有核定增速时以核定增速计")
    display: str = Field(
        ..., description="目标完成情况的展示文字，如 完成年度任务(44亿元)的85.1%，落后序时进度6.6个百分点"
    )


class RollupOut(Schema):
    indicator: str = Field(..., description="指标名称")
    unit: str = Field(..., description="单位")
    period: str = Field(..., description="统计期 YYYY-MM（1-N月累计）")
    label: str = Field(..., description="统计期的写法，如 2020年1-11月")
    by: Literal["park", "industry", "chain", "scale", "qualification"] | None = Field(
        ..., description="分组方式；不分组为 null"
    )
    scope: str = Field(..., description="范围：全区或园区名称")
    rows: list[RollupRowOut] = Field(..., description="各分组，按本期累计值从大到小；不分组时只有一行")
    total: RollupRowOut = Field(..., description="合计：范围内全部企业（按资质分组时也是全部企业，不是各组之和）")
    target: RollupTargetOut = Field(..., description="年度目标及完成情况（仅在范围为全区或完整园区时）")


class Grouping(StrEnum):
    """The groupings of `rollups.GROUPINGS`."""

    PARK = "park"
    INDUSTRY = "industry"
    CHAIN = "chain"
    SCALE = "scale"
    QUALIFICATION = "qualification"


class RollupQuery(Schema):
    indicator: str = Field(
        ...,
        min_length=1,
        max_length=60,
        pattern=NO_NUL,
        description="指标编码、名称或别名，如 output_value、工业总产值、总产值",
    )
    # The pattern is checked by the validator (for a Chinese message) and declared in the document for clients.
    period: str = Field(
        ...,
        max_length=7,
        json_schema_extra={"pattern": PERIOD_PATTERN},
        description="统计期 YYYY-MM，如 2020-11，即2020年1-11月累计",
    )
    by: Grouping | None = Field(
        None,
        description=(
            "分组：park 园区 / industry 主导产业 / chain 产业链环节 / scale 规上规下 / qualification 资质"
            "（统计期末日有效的资质类型，一家企业可属多组，无资质的企业归“无资质”）；不填则不分组"
        ),
    )
    scope: str = Field(
        "zone",
        min_length=1,
        max_length=20,  # registry.Park.code
        pattern=NO_NUL,
        description="范围：zone 为全区（即您的数据范围，默认），或园区编码；范围外的园区返回 404",
    )

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        if not re.match(PERIOD_PATTERN, value):
            raise ValueError(_("应写作 YYYY-MM，如 2020-11"))
        return value


def _covers_whole(user: Any, park: Park | None) -> bool:
    """Whether the caller's enterprises in this rollup are all of the zone (or of `park`), so that its targets and
    official rates apply: zone-wide roles always, a park officer for one of their own parks."""
    return user.role in ZONE_WIDE_ROLES or (user.role == Role.PARK_OFFICER and park is not None)


@router.get(
    "/indicators/rollup",
    response=RollupOut,
    summary="指标1-N月累计汇总",
    description=(
        "一个指标1-N月的累计值与可比口径同比（DOMAIN.md），可按园区、主导产业、产业链环节、规上/规下或资质分组，"
        "各组附按累计值和按增速的名次，"
        "与 manage.py rollup --json 的结构相同：数值（value、yoy 等）与展示文字（display）并列。"
        "只汇总您数据范围内的企业；范围为部分企业时（如服务专员），不附年度目标与统计部门核定增速。"
        "无权查看经济运行的角色返回 403；指标不存在、园区不存在或不在您的范围内返回 404。"
    ),
    openapi_extra={
        "responses": {
            403: FORBIDDEN,
            404: _error("指标不存在，或园区不存在、不在您的数据范围内"),
        }
    },
)
def indicator_rollup(request: HttpRequest, params: Query[RollupQuery]) -> dict[str, Any]:
    _require_monitoring(request)
    indicator = selectors.indicator_get(params.indicator)
    park = None
    if params.scope != "zone":
        park = park_scope(request.user).filter(code=params.scope).first()
        if park is None:
            raise NotFound()
    year, month = (int(part) for part in params.period.split("-"))
    result = rollup(
        indicator,
        year=year,
        month=month,
        enterprises=enterprise_scope(request.user),
        by=params.by.value if params.by else None,
        park=park,
        whole=_covers_whole(request.user, park),
    )
    return result.as_json()


# One enterprise's monthly series -----------------------------------------------------------------------------


class FactOut(Schema):
    year: int = Field(..., description="年")
    month: int = Field(..., description="月")
    value: float = Field(..., description="当月数（存量指标为期末数），单位见指标目录")
    cumulative: float = Field(..., description="1-N月累计数（存量指标为期末数）")
    source: str = Field(..., description="来源：企业填报、导入（当月数）、导入（累计数）、科室更正、未报（按0计）")
    reported_cumulative: bool = Field(..., description="报送的是累计数（当月数由相邻两月相减得出）")

    @staticmethod
    def resolve_source(obj: Fact) -> str:
        return str(obj.get_source_display())


class FactQuery(Schema):
    indicator: str = Field(
        ...,
        min_length=1,
        max_length=60,
        pattern=NO_NUL,
        description="指标编码、名称或别名（求和类指标；比值类指标没有逐户数据）",
    )
    year: int | None = Field(None, ge=1900, le=2099, description="年份：只列该年的12个月；不填则列全部年份")


@router.get(
    "/enterprises/{enterprise_id}/facts",
    response=list[FactOut],
    summary="企业月度指标数据",
    description=(
        "数据范围内一家企业某个指标的月度序列（当月数与1-N月累计数），按年、月排序。"
        "企业未报的月份按0计（来源为 未报（按0计））。无权查看经济运行的角色返回 403；"
        "企业不存在或不在您的数据范围内、指标不存在返回 404。"
    ),
    openapi_extra={
        "responses": {
            403: FORBIDDEN,
            404: _error("企业不存在或不在您的数据范围内（两者答复完全相同），或指标不存在、为比值类指标"),
        }
    },
)
@paginate(Pagination)
def enterprise_facts(
    request: HttpRequest,
    filters: Query[FactQuery],
    enterprise_id: int = Path(..., ge=1, le=MAX_ID, description="企业编号"),
) -> Any:
    _require_monitoring(request)
    indicator = selectors.indicator_get(filters.indicator)
    if indicator.aggregation == Aggregation.RATIO:
        raise NotFound(_("比值类指标没有逐户数据，请查询其分子、分母指标"))
    return selectors.enterprise_series(request.user, enterprise_id, indicator, filters.year)
