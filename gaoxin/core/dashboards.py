"""What each role's workbench home shows: the figures and to-do lists of its own scope."""

from __future__ import annotations

from typing import Any

from gaoxin.accounts.models import BindingStatus
from gaoxin.accounts.roles import Role
from gaoxin.accounts.selectors import binding_list, binding_scope, user_list
from gaoxin.registry import selectors as registry
from gaoxin.reporting import permissions as reporting_permissions
from gaoxin.reporting import selectors as reporting


def home_context(user: Any) -> dict[str, Any]:
    role = user.role
    if role == Role.ENTERPRISE:
        bindings = list(binding_scope(user).select_related("enterprise").order_by("-created_at")[:5])
        context: dict[str, Any] = {"template": "core/home_enterprise.html", "bindings": bindings}
        if user.enterprise_id:
            enterprise = registry.enterprise_get(user, user.enterprise_id)
            context.update(enterprise=enterprise, ladder=registry.ladder_position(enterprise))
            context["report_due"] = reporting.portal_open_member(user)
        return context
    context = {
        "template": "core/home_staff.html",
        "role": role,
        "counts": registry.registry_counts(user),
        "ladder": registry.ladder_summary(user),
        "expiring": list(registry.qualifications_expiring(user)[:8]),
        "expiring_total": registry.qualifications_expiring(user).count(),
        "pending_bindings": list(binding_list(user, status=BindingStatus.PENDING)[:8]),
        "pending_total": binding_list(user, status=BindingStatus.PENDING).count(),
        "parks": list(registry.park_scope(user)) if role == Role.PARK_OFFICER else [],
    }
    if reporting_permissions.can_view_rounds(user):
        context["open_round"] = reporting.open_round_summary(user)
    if role == Role.COMMISSIONER:
        context["my_enterprises"] = list(registry.enterprise_list(user)[:20])
    if role == Role.ADMIN:
        context["user_total"] = user_list(user).count()
        context["inactive_total"] = user_list(user, active=False).count()
    return context
