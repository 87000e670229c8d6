"""Role-based navigation: each role sees only the entries it can use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool
    #: shown under "更多" (occasional and administrative pages), so the bar fits a 1366-pixel screen
    more: bool = False


#: The occasional and administrative pages: under "更多" in the top bar.
MORE = frozenset(
    {
        "registry:expiring",
        "registry:import_upload",
        "accounts:binding_list",
        "registry:structure",
        "workcalendar:year",
        "service:category_list",
        "service:grid_list",
        "service:escalation_list",
    }
)


_ENTRIES: list[tuple[Any, str, frozenset[str]]] = [
    (_("工作台"), "core:home", frozenset(Role.values)),
    (_("经济运行"), "monitoring:cockpit", frozenset({"leader", "officer", "park_officer", "commissioner", "admin"})),
    (_("经济运行简报"), "briefings:list", frozenset({"leader", "officer", "park_officer"})),
    (_("月度填报"), "reporting:round_list", frozenset({"leader", "officer", "park_officer", "commissioner", "admin"})),
    (_("政策兑现"), "policy:policy_list", frozenset({"leader", "officer", "park_officer", "commissioner", "admin"})),
    (_("评审任务"), "policy:expert_list", frozenset({"expert"})),
    (_("资金拨付"), "policy:batch_list", frozenset({"finance"})),
    (_("企业诉求"), "service:appeal_list", frozenset({"leader", "officer", "park_officer", "commissioner"})),
    (
        _("企业库"),
        "registry:enterprise_list",
        frozenset({"leader", "officer", "park_officer", "commissioner", "admin"}),
    ),
    (_("培育名单"), "rules:overview", frozenset({"leader", "officer", "park_officer", "commissioner", "admin"})),
    (_("资质到期提醒"), "registry:expiring", frozenset({"leader", "officer", "park_officer", "commissioner"})),
    (_("批量导入"), "registry:import_upload", frozenset({"officer"})),
    (_("企业绑定审核"), "accounts:binding_list", frozenset({"officer", "park_officer", "admin"})),
    (_("园区与产业"), "registry:structure", frozenset({"officer", "admin", "leader"})),
    (_("用户与角色"), "accounts:user_list", frozenset({"admin"})),
    (_("工作日历"), "workcalendar:year", frozenset({"admin"})),
    (_("诉求分类"), "service:category_list", frozenset({"admin"})),
    (_("服务网格"), "service:grid_list", frozenset({"admin"})),
    (_("督办对象"), "service:escalation_list", frozenset({"admin"})),
    (_("本企业信息"), "portal:profile", frozenset({"enterprise"})),
    (_("经济指标填报"), "portal:report_list", frozenset({"enterprise"})),
    (_("我的诉求"), "service:portal_list", frozenset({"enterprise"})),
    (_("适合我的政策"), "policy:for_me", frozenset({"enterprise"})),
    (_("我的申报"), "policy:portal_applications", frozenset({"enterprise"})),
]


def navigation_for(user: Any, path: str) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    items = []
    for label, name, roles in _ENTRIES:
        if user.role not in roles:
            continue
        if user.role == Role.ENTERPRISE and name != "core:home" and user.enterprise_id is None:
            continue
        url = reverse(name)
        active = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(str(label), url, active, name in MORE))
    return items
