"""Reads of the registry. `enterprise_scope` is THE scoping function for enterprises: every read of enterprise
data (pages, API, exports, other apps) starts from it.

| role | enterprises in scope |
| leader, bureau officer, administrator | the whole zone |
| park officer | those of their parks |
| service commissioner | those assigned to them |
| enterprise user | its own (after an officer approved the binding) |
| expert reviewer | those of the applications assigned to them (the policy module adds them; none before) |
| finance officer | those in their disbursement batches (the policy module adds them; none before) |
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from gaoxin.accounts.roles import ZONE_WIDE_ROLES, Role
from gaoxin.core.errors import NotFound
from gaoxin.core.models import AuditEntry
from gaoxin.registry.identity import pinyin_initials
from gaoxin.registry.models import (
    CHECK_NAMES,
    Chain,
    Department,
    Enterprise,
    EnterpriseCheck,
    EnterpriseStatus,
    Industry,
    Park,
    Qualification,
    QualificationType,
    Zone,
)
from gaoxin.registry.permissions import can_view_contacts
from gaoxin.rules.engine.vocabulary import FLAGS

#: Extra scope providers other apps register (e.g. policies: the enterprises of an expert's assigned
#: applications). Each takes the actor and returns a queryset of enterprise ids, or None when it has no opinion.
SCOPE_EXTENSIONS: list[Any] = []


def zone_get() -> Zone | None:
    return Zone.objects.order_by("id").first()


def park_scope(actor: Any) -> QuerySet[Park]:
    """Parks a user may see: all for zone-wide roles, their own for park officers."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return Park.objects.none()
    if actor.role == Role.PARK_OFFICER:
        return Park.objects.filter(officers=actor)
    return Park.objects.all()


def enterprise_scope(actor: Any) -> QuerySet[Enterprise]:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return Enterprise.objects.none()
    role = actor.role
    if role in ZONE_WIDE_ROLES:
        return Enterprise.objects.all()
    if role == Role.PARK_OFFICER:
        return Enterprise.objects.filter(park__officers=actor)
    if role == Role.ENTERPRISE:
        if actor.enterprise_id is None:
            return Enterprise.objects.none()
        return Enterprise.objects.filter(pk=actor.enterprise_id)
    # A commissioner's own enterprises (one-to-one) and whatever the apps' providers add (a service grid, an
    # expert's assigned applications …).
    condition = Q(commissioner=actor) if role == Role.COMMISSIONER else Q(pk__in=[])
    for provider in SCOPE_EXTENSIONS:
        if (ids := provider(actor)) is not None:
            condition |= Q(pk__in=ids)
    return Enterprise.objects.filter(condition)


@dataclass
class EnterpriseFilters:
    q: str = ""
    park: int | None = None
    industry: int | None = None
    chain_stage: str = ""
    qualification: int | None = None
    above_scale: bool | None = None
    status: str = ""
    sort: str = "name"
    extra: dict[str, Any] = field(default_factory=dict)


SORTS = {
    "name": ("name", "id"),
    "-founded_on": ("-founded_on", "id"),
    "founded_on": ("founded_on", "id"),
    "-updated_at": ("-updated_at", "id"),
}


def enterprise_list(actor: Any, filters: EnterpriseFilters | None = None) -> QuerySet[Enterprise]:
    """The scoped, filtered list. Search matches a name fragment (current or former), the USCC, or pinyin initials."""
    filters = filters or EnterpriseFilters()
    qs = enterprise_scope(actor)
    term = filters.q.strip()
    if term:
        upper = term.upper().replace(" ", "")
        condition = Q(search_text__contains=term.lower())
        if len(upper) >= 4 and upper.isalnum():
            condition |= Q(uscc__startswith=upper)
        if term.isascii() and term.isalpha():
            condition |= Q(search_text__contains=pinyin_initials(term))
        qs = qs.filter(condition)
    if filters.park:
        qs = qs.filter(park_id=filters.park)
    if filters.industry:
        qs = qs.filter(Q(industry_id=filters.industry) | Q(industry__parent_id=filters.industry))
    if filters.chain_stage:
        qs = qs.filter(chain_stage=filters.chain_stage)
    if filters.qualification:
        today = timezone.localdate()
        qs = qs.filter(
            pk__in=Qualification.objects.filter(qtype_id=filters.qualification)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            .values("enterprise_id")
        )
    if filters.above_scale is not None:
        qs = qs.filter(is_above_scale=filters.above_scale)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.select_related("park", "industry").order_by(*SORTS.get(filters.sort, SORTS["name"]))


def enterprise_get(actor: Any, pk: int | str) -> Enterprise:
    """One enterprise in the caller's scope, or NotFound (the same answer as for one that does not exist)."""
    try:
        return (
            enterprise_scope(actor)
            .select_related("park", "industry", "industry__parent", "commissioner", "uscc_override_by")
            .prefetch_related(
                "former_names",
                "checks",
                Prefetch("qualifications", queryset=Qualification.objects.select_related("qtype")),
            )
            .get(pk=int(pk))
        )
    except (Enterprise.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


#: The verbose names under which the audit trail records contact data (services.CONTACT_FIELDS).
_CONTACT_LABELS = frozenset(
    str(field.verbose_name)
    for field in Enterprise._meta.fields
    if field.name in {"contact_name", "contact_phone", "finance_contact_name", "finance_contact_phone", "email"}
)


def enterprise_history(actor: Any, enterprise: Enterprise, limit: int = 100) -> list[AuditEntry]:
    """The enterprise's audit trail, newest first. Contact changes are left out for those who may not see contacts."""
    enterprise_get(actor, enterprise.pk)  # re-check scope: history is as private as the enterprise
    entries = list(AuditEntry.objects.filter(enterprise_id=enterprise.pk).select_related("actor")[:limit])
    if not can_view_contacts(actor):
        for entry in entries:
            if isinstance(entry.changes, dict):
                entry.changes = {k: v for k, v in entry.changes.items() if k not in _CONTACT_LABELS}
    return entries


def qualification_scope(actor: Any) -> QuerySet[Qualification]:
    return Qualification.objects.filter(enterprise__in=enterprise_scope(actor))


def qualification_list(
    actor: Any, *, enterprise_id: int | None = None, qtype: int | None = None
) -> QuerySet[Qualification]:
    qs = qualification_scope(actor).select_related("qtype", "enterprise", "enterprise__park")
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if qtype:
        qs = qs.filter(qtype_id=qtype)
    return qs.order_by("enterprise__name", "-recognized_on", "id")


def qualifications_expiring(
    actor: Any, *, within_days: int | None = None, today: dt.date | None = None
) -> QuerySet[Qualification]:
    """Qualifications that end within the warning window (default: about 6 months), soonest first."""
    today = today or timezone.localdate()
    days = within_days if within_days is not None else settings.QUALIFICATION_EXPIRY_WARNING_DAYS
    return (
        qualification_scope(actor)
        .filter(valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=days))
        .filter(enterprise__status=EnterpriseStatus.ACTIVE)
        .select_related("qtype", "enterprise", "enterprise__park")
        .order_by("valid_until", "enterprise__name")
    )


def qualification_types() -> QuerySet[QualificationType]:
    return QualificationType.objects.all()


def industry_tree() -> list[tuple[Industry, list[Industry]]]:
    """[(主导产业, [细分领域 …]) …] in display order."""
    nodes = list(Industry.objects.all())
    children: dict[int | None, list[Industry]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    return [(root, children.get(root.pk, [])) for root in children.get(None, [])]


def industry_choices() -> list[tuple[int, str]]:
    choices: list[tuple[int, str]] = []
    for root, kids in industry_tree():
        choices.append((root.pk, root.name))
        choices.extend((kid.pk, f"　└ {kid.name}") for kid in kids)
    return choices


def departments() -> QuerySet[Department]:
    return Department.objects.all()


def chains() -> QuerySet[Chain]:
    return Chain.objects.prefetch_related("links__industry")


@dataclass(frozen=True)
class LadderStep:
    rank: int
    name: str
    count: int


def ladder_summary(actor: Any, *, today: dt.date | None = None) -> list[LadderStep]:
    """Active enterprises in scope holding a valid qualification at each step of the cultivation ladder."""
    today = today or timezone.localdate()
    valid = Q(qualifications__valid_until__isnull=True) | Q(qualifications__valid_until__gte=today)
    scope = enterprise_scope(actor).filter(status=EnterpriseStatus.ACTIVE)
    steps = []
    for qtype in QualificationType.objects.filter(ladder_rank__isnull=False).order_by("ladder_rank"):
        count = scope.filter(valid, qualifications__qtype=qtype).distinct().count()
        steps.append(LadderStep(qtype.ladder_rank or 0, qtype.name, count))
    return steps


def enterprise_checks(enterprise: Enterprise) -> dict[str, EnterpriseCheck]:
    """The matters verified for an enterprise (核实事项), by flag name."""
    return {check.name: check for check in EnterpriseCheck.objects.filter(enterprise=enterprise)}


#: a verified answer older than this is marked for a new check (the criteria ask about 上年度, the latest lists …)
CHECK_FRESH_DAYS = 365


def check_rows(enterprise: Enterprise, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every matter the criteria ask about, in the vocabulary's order, with its verified answer (in the criteria's
    own words), date, basis and who verified it — or none (待核实); `old` when verified more than a year ago."""
    today = today or timezone.localdate()
    held = {c.name: c for c in EnterpriseCheck.objects.filter(enterprise=enterprise).select_related("checked_by")}
    rows = []
    for name in CHECK_NAMES:
        check, info = held.get(name), FLAGS[name]
        rows.append(
            {
                "label": info.label,
                "check": check,
                "answer": None if check is None else (info.when_true if check.value else info.when_false),
                "old": check is not None and (today - check.checked_on).days > CHECK_FRESH_DAYS,
            }
        )
    return rows


def ladder_position(enterprise: Enterprise, *, today: dt.date | None = None) -> dict[str, Any]:
    """Where one enterprise stands: each ladder step with its reached/expired state and dates."""
    today = today or timezone.localdate()
    quals = [q for q in enterprise.qualifications.all() if q.qtype.ladder_rank]
    steps = []
    for qtype in QualificationType.objects.filter(ladder_rank__isnull=False).order_by("ladder_rank"):
        held = sorted((q for q in quals if q.qtype_id == qtype.pk), key=lambda q: q.recognized_on or dt.date.min)
        current = next((q for q in reversed(held) if q.is_valid_on(today)), None)
        steps.append(
            {
                "name": qtype.name,
                "state": "current" if current else ("expired" if held else "none"),
                "qualification": current or (held[-1] if held else None),
            }
        )
    return {"steps": steps, "above_scale": enterprise.is_above_scale, "above_scale_since": enterprise.above_scale_since}


def registry_counts(actor: Any) -> dict[str, int]:
    scope = enterprise_scope(actor)
    year_start = timezone.localdate().replace(month=1, day=1)
    row = scope.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=EnterpriseStatus.ACTIVE)),
        above_scale=Count("id", filter=Q(is_above_scale=True, status=EnterpriseStatus.ACTIVE)),
        # 小升规: enterprises that entered the statistics (above_scale_since) this calendar year.
        new_above_scale=Count(
            "id",
            filter=Q(is_above_scale=True, status=EnterpriseStatus.ACTIVE, above_scale_since__gte=year_start),
        ),
    )
    return {key: value or 0 for key, value in row.items()}


_STRUCTURE_MODELS: dict[str, Any] = {
    "zone": Zone,
    "park": Park,
    "department": Department,
    "industry": Industry,
    "chain": Chain,
}


def structure_get(kind: str, pk: int | None) -> Any:
    """One structure object by kind and id (structure is zone-wide and not secret; editing is checked apart)."""
    from gaoxin.registry.models import ChainLink

    if kind == "zone":
        return zone_get()
    model = ChainLink if kind == "chainlink" else _STRUCTURE_MODELS.get(kind)
    if model is None or pk is None:
        raise NotFound()
    try:
        return model.objects.get(pk=pk)
    except model.DoesNotExist as exc:
        raise NotFound() from exc
