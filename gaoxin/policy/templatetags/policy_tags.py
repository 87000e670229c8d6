"""Template filters of the policy pages: money as the zone writes it, an application's state as a badge."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _l

from gaoxin.core.display import money_yuan
from gaoxin.policy import workflow

register = template.Library()

_COLOURS = {
    "draft": "secondary",
    "in_review": "blue",
    "returned": "orange",
    "rejected": "red",
    "withdrawn": "secondary",
    "approved": "teal",
    "in_notice": "purple",
    "payable": "cyan",
    "paid": "green",
    "candidate": "yellow",
    "excluded": "secondary",
    "offered": "orange",
    "declined": "secondary",
    "expired": "secondary",
}


@register.filter
def yuan(value: Decimal | int | None) -> str:
    """An amount in yuan, written in 万元/亿元 (DOMAIN.md); empty when unknown."""
    return money_yuan(value) if value is not None else "—"


@register.filter
def app_status(application: Any) -> str:
    colour = _COLOURS.get(application.status, "secondary")
    return format_html(
        '<span class="badge bg-{}-lt status-{}">{}</span>',
        colour,
        application.status,
        workflow.enterprise_label(application),
    )


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def facts_line(values: dict[str, Any]) -> str:
    """One year's facts in words: '营业收入1500万元；研发费用120万元；职工总数85人'."""
    from gaoxin.policy.amounts import FACT_LABELS, MONEY_FACTS

    units = {"staff": "人", "tech_staff": "人", "rd_staff": "人", "energy_tce": "吨标准煤"}
    parts = []
    for name, value in values.items():
        if name not in FACT_LABELS:
            continue
        number = Decimal(str(value))
        shown = money_yuan(number * 10_000) if name in MONEY_FACTS else f"{number.normalize():f}{units.get(name, '')}"
        parts.append(f"{FACT_LABELS[name]}{shown}")
    return "；".join(parts)


_ACTIONS = {
    "draft": _l("创建草稿"),
    "submit": _l("提交申报"),
    "resubmit": _l("补正后重新提交"),
    "pass": _l("通过"),
    "return": _l("退回补正"),
    "reject": _l("不予支持"),
    "withdraw": _l("撤回"),
    "assign": _l("指派专家"),
    "score": _l("专家评分"),
    "notice": _l("公示"),
    "notice_end": _l("公示期满"),
    "batch": _l("列入拨付批次"),
    "paid": _l("已拨付"),
    "offer": _l("免申即享通知"),
    "confirm": _l("企业确认享受"),
    "decline": _l("企业放弃"),
    "expire": _l("逾期未确认"),
    "exclude": _l("复核排除"),
    "objection": _l("收到异议"),
    "duplicate": _l("重复申报提示"),
    "import": _l("外部名单导入"),
}


@register.filter
def event_title(event: Any) -> str:
    """'形式审查 · 退回补正': the stage (when there is one) and what was done, in the enterprise's words."""
    action = str(_ACTIONS.get(event.action, event.action))
    return f"{event.get_stage_display()} · {action}" if event.stage else action
