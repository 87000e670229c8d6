"""The eight roles of ARCHITECTURE.md and what each may do. Scopes (which rows) live in each app's selectors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEADER = "leader", _("领导")
    OFFICER = "officer", _("科室人员")
    PARK_OFFICER = "park_officer", _("园区人员")
    COMMISSIONER = "commissioner", _("服务专员")
    EXPERT = "expert", _("评审专家")
    FINANCE = "finance", _("财政人员")
    ENTERPRISE = "enterprise", _("企业用户")
    ADMIN = "admin", _("管理员")


#: Roles that work in the management committee's workbench (as opposed to the enterprise portal).
STAFF_ROLES = frozenset(
    {Role.LEADER, Role.OFFICER, Role.PARK_OFFICER, Role.COMMISSIONER, Role.EXPERT, Role.FINANCE, Role.ADMIN}
)
#: Roles whose registry scope is the whole zone.
ZONE_WIDE_ROLES = frozenset({Role.LEADER, Role.OFFICER, Role.ADMIN})
#: Roles that may edit registry data (within their scope).
REGISTRY_EDITORS = frozenset({Role.OFFICER, Role.PARK_OFFICER})
#: Roles that may approve an enterprise user's binding (within their scope).
BINDING_APPROVERS = frozenset({Role.OFFICER, Role.PARK_OFFICER, Role.ADMIN})

ROLE_BY_LABEL = {str(label): Role(value) for value, label in Role.choices}
