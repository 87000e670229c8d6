"""Reads of policy cashing, always through one scoping function per model.

Applications in scope:
| who | applications |
| enterprise user | its own enterprise's, except 免申即享 candidates the zone is still re-checking |
| zone leader, bureau officer | all but drafts |
| park officer | those of their parks' enterprises (read) |
| service commissioner | those of the enterprises in their care, one-to-one or by service grid (read) |
| expert reviewer | those assigned to them |
| finance officer | awards waiting for payment or paid |
| anyone else (administrator) | none |

Policies and fund items: staff see all; an enterprise user (and the public) sees published ones only. Anything outside
the scope answers NotFound (404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core.errors import NotFound
from gaoxin.core.permissions import is_active_user
from gaoxin.policy import permissions
from gaoxin.policy.models import (
    COMMITTED_STATUSES,
    HIDDEN_FROM_ENTERPRISE,
    Application,
    ApplicationEvent,
    ApplicationFile,
    AppStatus,
    DisbursementBatch,
    ExpertAssignment,
    ExpertConflict,
    FundItem,
    FundItemStatus,
    Objection,
    Policy,
    PolicyAttachment,
    PolicyStatus,
    PublicNotice,
    PushMute,
)
from gaoxin.registry.selectors import enterprise_scope

ZERO = Decimal("0.00")


# --- scopes -------------------------------------------------------------------------------------------------------


def application_scope(actor: Any) -> QuerySet[Application]:
    """THE scoping function of applications (see the module's table)."""
    if not is_active_user(actor):
        return Application.objects.none()
    role = actor.role
    if role == Role.ENTERPRISE:
        if actor.enterprise_id is None:
            return Application.objects.none()
        return Application.objects.filter(enterprise_id=actor.enterprise_id).exclude(status__in=HIDDEN_FROM_ENTERPRISE)
    live = Application.objects.exclude(status=AppStatus.DRAFT)
    if role in (Role.LEADER, Role.OFFICER):
        return live
    if role in (Role.PARK_OFFICER, Role.COMMISSIONER):
        # the registry's scope: a park officer's parks; a commissioner's enterprises, one-to-one or by grid
        return live.filter(enterprise__in=enterprise_scope(actor))
    if role == Role.EXPERT:
        return live.filter(pk__in=ExpertAssignment.objects.filter(expert=actor).values("application_id"))
    if role == Role.FINANCE:
        return live.filter(Q(status__in=(AppStatus.PAYABLE, AppStatus.PAID)) | Q(batch__isnull=False))
    return Application.objects.none()


def policy_scope(actor: Any) -> QuerySet[Policy]:
    if is_active_user(actor) and (permissions.can_view_workbench(actor) or actor.role == Role.EXPERT):
        return Policy.objects.all()
    return Policy.objects.exclude(status=PolicyStatus.DRAFT)


def fund_item_scope(actor: Any) -> QuerySet[FundItem]:
    if is_active_user(actor) and (permissions.can_view_workbench(actor) or actor.role == Role.EXPERT):
        return FundItem.objects.all()
    return FundItem.objects.exclude(status=FundItemStatus.DRAFT).exclude(policy__status=PolicyStatus.DRAFT)


def assignment_scope(actor: Any) -> QuerySet[ExpertAssignment]:
    """An expert's own assignments; the staff who see the application see its assignments."""
    if not is_active_user(actor):
        return ExpertAssignment.objects.none()
    if actor.role == Role.EXPERT:
        return ExpertAssignment.objects.filter(expert=actor)
    if actor.role == Role.ENTERPRISE:
        return ExpertAssignment.objects.none()
    return ExpertAssignment.objects.filter(application__in=application_scope(actor))


def batch_scope(actor: Any) -> QuerySet[DisbursementBatch]:
    if is_active_user(actor) and actor.role in (Role.FINANCE, Role.LEADER, Role.OFFICER):
        return DisbursementBatch.objects.all()
    return DisbursementBatch.objects.none()


# --- single objects -------------------------------------------------------------------------------------------------


def policy_get(actor: Any, pk: int) -> Policy:
    try:
        return policy_scope(actor).get(pk=pk)
    except Policy.DoesNotExist:
        raise NotFound() from None


def fund_item_get(actor: Any, pk: int) -> FundItem:
    try:
        return fund_item_scope(actor).select_related("policy", "department").get(pk=pk)
    except FundItem.DoesNotExist:
        raise NotFound() from None


def application_get(actor: Any, pk: int) -> Application:
    try:
        return (
            application_scope(actor)
            .select_related("fund_item", "fund_item__policy", "enterprise", "enterprise__park", "batch", "notice")
            .get(pk=pk)
        )
    except Application.DoesNotExist:
        raise NotFound() from None


def application_by_number(actor: Any, number: str) -> Application:
    try:
        return application_scope(actor).select_related("fund_item", "enterprise").get(number=number)
    except Application.DoesNotExist:
        raise NotFound() from None


def assignment_get(actor: Any, pk: int) -> ExpertAssignment:
    try:
        return assignment_scope(actor).select_related("application", "application__fund_item").get(pk=pk)
    except ExpertAssignment.DoesNotExist:
        raise NotFound() from None


def batch_get(actor: Any, pk: int) -> DisbursementBatch:
    try:
        return batch_scope(actor).get(pk=pk)
    except DisbursementBatch.DoesNotExist:
        raise NotFound() from None


def notice_get(pk: int, *, public: bool = True) -> PublicNotice:
    """A notice; the public page shows open and closed ones (they are public documents)."""
    try:
        return PublicNotice.objects.select_related("fund_item", "fund_item__policy").get(pk=pk)
    except PublicNotice.DoesNotExist:
        raise NotFound() from None


def attachment_get(actor: Any, pk: int) -> PolicyAttachment:
    try:
        return PolicyAttachment.objects.filter(policy__in=policy_scope(actor)).get(pk=pk)
    except PolicyAttachment.DoesNotExist:
        raise NotFound() from None


def file_get(actor: Any, pk: int) -> ApplicationFile:
    try:
        return ApplicationFile.objects.filter(application__in=application_scope(actor)).get(pk=pk)
    except ApplicationFile.DoesNotExist:
        raise NotFound() from None


def objection_get(actor: Any, pk: int) -> Objection:
    if not (is_active_user(actor) and actor.role in (Role.OFFICER, Role.LEADER)):
        raise NotFound()
    try:
        return Objection.objects.select_related("notice").get(pk=pk)
    except Objection.DoesNotExist:
        raise NotFound() from None


# --- lists ----------------------------------------------------------------------------------------------------------


def policy_search(
    actor: Any, *, q: str = "", category: str = "", level: str = "", status: str = ""
) -> QuerySet[Policy]:
    rows = policy_scope(actor).annotate(item_count=Count("items"))
    if q:
        rows = rows.filter(
            Q(title__icontains=q)
            | Q(number__icontains=q)
            | Q(issuer__icontains=q)
            | Q(summary__icontains=q)
            | Q(body__icontains=q)
            | Q(items__name__icontains=q)
        ).distinct()
    if category:
        rows = rows.filter(category=category)
    if level:
        rows = rows.filter(level=level)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-effective_from", "-id")


def policy_items(actor: Any, policy: Policy) -> list[FundItem]:
    return list(fund_item_scope(actor).filter(policy=policy).select_related("department").order_by("opens_on", "code"))


def policy_attachments(policy: Policy) -> list[PolicyAttachment]:
    return list(policy.attachments.all())


def fund_item_list(actor: Any, *, status: str = "", no_application: bool | None = None) -> QuerySet[FundItem]:
    rows = fund_item_scope(actor).select_related("policy", "department")
    if status:
        rows = rows.filter(status=status)
    if no_application is not None:
        rows = rows.filter(no_application=no_application)
    return rows.order_by("-opens_on", "code")


def application_list(
    actor: Any,
    *,
    fund_item: int | None = None,
    status: str = "",
    stage: str = "",
    q: str = "",
    channel: str = "",
) -> QuerySet[Application]:
    rows = application_scope(actor).select_related("fund_item", "enterprise", "enterprise__park")
    if fund_item:
        rows = rows.filter(fund_item_id=fund_item)
    if status:
        rows = rows.filter(status=status)
    if stage:
        rows = rows.filter(status=AppStatus.IN_REVIEW, stage=stage)
    if channel:
        rows = rows.filter(channel=channel)
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(enterprise__name__icontains=q) | Q(enterprise__uscc=q.upper()))
    return rows.order_by("-submitted_at", "-id")


def my_queue(actor: Any) -> QuerySet[Application]:
    """The applications waiting in a stage the actor's role owns (the officer's and leader's to-do list): one
    condition per fund item (there are few), so the list stays one indexed query however many applications there are."""
    from gaoxin.policy.models import REVIEW_STAGES

    condition = Q(pk__in=[])
    for item in FundItem.objects.exclude(status=FundItemStatus.DRAFT).only("pk", "stage_roles", "department_id"):
        stages = [s for s in REVIEW_STAGES if permissions.can_handle_stage(actor, item, s)]
        if stages:
            condition |= Q(fund_item_id=item.pk, stage__in=stages)
    return (
        application_scope(actor)
        .filter(status=AppStatus.IN_REVIEW)
        .filter(condition)
        .select_related("fund_item", "enterprise", "enterprise__park")
        .order_by("stage_due", "id")
    )


def portal_applications(actor: Any) -> QuerySet[Application]:
    return application_scope(actor).select_related("fund_item", "fund_item__policy").order_by("-created_at", "-id")


def application_events(actor: Any, application: Application) -> list[ApplicationEvent]:
    rows = ApplicationEvent.objects.filter(application=application)
    if is_active_user(actor) and actor.role in (Role.ENTERPRISE, Role.EXPERT):
        rows = rows.filter(public=True)
    return list(rows.order_by("at", "id"))


def application_files(application: Application) -> list[ApplicationFile]:
    return list(application.files.select_related("requirement"))


def application_assignments(actor: Any, application: Application) -> list[ExpertAssignment]:
    return list(assignment_scope(actor).filter(application=application).select_related("expert"))


def expert_assignments(actor: Any, *, open_only: bool = False) -> QuerySet[ExpertAssignment]:
    rows = assignment_scope(actor).select_related("application", "application__fund_item", "application__enterprise")
    if open_only:
        rows = rows.filter(scored_at__isnull=True)
    return rows.order_by("scored_at", "assigned_at")


def experts() -> QuerySet[User]:
    return User.objects.filter(role=Role.EXPERT, is_active=True).order_by("username")


def conflicts_of(expert_ids: Iterable[int]) -> dict[int, set[int]]:
    """{expert id: enterprise ids they declared a conflict with}."""
    out: dict[int, set[int]] = {}
    for expert_id, enterprise_id in ExpertConflict.objects.filter(expert_id__in=list(expert_ids)).values_list(
        "expert_id", "enterprise_id"
    ):
        out.setdefault(expert_id, set()).add(enterprise_id)
    return out


def ranking(actor: Any, item: FundItem) -> list[Application]:
    """The item's applications with an expert score, best first (ties by submission time)."""
    return list(
        application_scope(actor)
        .filter(fund_item=item, score__isnull=False)
        .exclude(status__in=(AppStatus.WITHDRAWN,))
        .select_related("enterprise")
        .order_by("-score", "submitted_at")
    )


# --- budgets --------------------------------------------------------------------------------------------------------


@dataclass
class Budget:
    budget: Decimal | None
    committed: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.committed

    @property
    def unpaid(self) -> Decimal:
        return self.committed - self.paid

    @property
    def used_percent(self) -> Decimal | None:
        if not self.budget:
            return None
        return self.committed / self.budget * 100


def _sums(rows: QuerySet[Application]) -> tuple[Decimal, Decimal]:
    committed = rows.filter(status__in=COMMITTED_STATUSES).aggregate(s=Sum("awarded_yuan"))["s"] or ZERO
    paid = rows.filter(status=AppStatus.PAID).aggregate(s=Sum("awarded_yuan"))["s"] or ZERO
    return committed, paid


def item_budget(item: FundItem) -> Budget:
    committed, paid = _sums(Application.objects.filter(fund_item=item))
    return Budget(item.budget_yuan, committed, paid)


def policy_budget(policy: Policy) -> Budget:
    committed, paid = _sums(Application.objects.filter(fund_item__policy=policy))
    return Budget(policy.budget_yuan, committed, paid)


@dataclass
class BudgetLine:
    item: FundItem
    budget: Budget
    applications: int = 0


@dataclass
class PolicyBudgetLine:
    policy: Policy
    budget: Budget
    items: list[BudgetLine] = field(default_factory=list)


def budget_overview(actor: Any) -> list[PolicyBudgetLine]:
    """Every policy with its items: budget, committed, paid (two grouped queries, not one per item)."""
    items = list(fund_item_scope(actor).select_related("policy").order_by("policy_id", "code"))
    sums: dict[int, dict[str, Decimal]] = {}
    for item_id, status, total in (
        Application.objects.filter(fund_item__in=items, status__in=COMMITTED_STATUSES)
        .values_list("fund_item_id", "status")
        .annotate(total=Sum("awarded_yuan"))
    ):
        bucket = sums.setdefault(item_id, {"committed": ZERO, "paid": ZERO})
        bucket["committed"] += total or ZERO
        if status == AppStatus.PAID:
            bucket["paid"] += total or ZERO
    counts = dict(
        Application.objects.filter(fund_item__in=items)
        .exclude(status__in=(AppStatus.DRAFT, AppStatus.CANDIDATE))
        .values_list("fund_item_id")
        .annotate(n=Count("id"))
    )
    lines: dict[int, PolicyBudgetLine] = {}
    for item in items:
        s = sums.get(item.pk, {"committed": ZERO, "paid": ZERO})
        line = lines.setdefault(
            item.policy_id, PolicyBudgetLine(item.policy, Budget(item.policy.budget_yuan, ZERO, ZERO))
        )
        line.items.append(BudgetLine(item, Budget(item.budget_yuan, s["committed"], s["paid"]), counts.get(item.pk, 0)))
        line.budget.committed += s["committed"]
        line.budget.paid += s["paid"]
    return list(lines.values())


# --- notices, batches -----------------------------------------------------------------------------------------------


def public_notices(*, today: dt.date | None = None) -> QuerySet[PublicNotice]:
    """The notices on the public page: open ones first, then the closed ones of the last year."""
    today = today or timezone.localdate()
    return (
        PublicNotice.objects.filter(Q(status="open") | Q(ends_on__gte=today - dt.timedelta(days=365)))
        .select_related("fund_item", "fund_item__policy")
        .annotate(n=Count("entries"))
        .order_by("status", "-starts_on")
    )


def notice_entries(notice: PublicNotice) -> list[Application]:
    return list(
        Application.objects.filter(notice=notice)
        .select_related("enterprise", "enterprise__park")
        .order_by("-awarded_yuan", "enterprise__name")
    )


def notice_list(actor: Any) -> QuerySet[PublicNotice]:
    if not permissions.can_view_workbench(actor):
        return PublicNotice.objects.none()
    return PublicNotice.objects.select_related("fund_item").annotate(n=Count("entries")).order_by("-starts_on")


def payable(actor: Any, *, fund_item: int | None = None) -> QuerySet[Application]:
    rows = application_scope(actor).filter(status=AppStatus.PAYABLE, batch__isnull=True)
    if fund_item:
        rows = rows.filter(fund_item_id=fund_item)
    return rows.select_related("fund_item", "enterprise").order_by("fund_item__code", "number")


def batch_list(actor: Any) -> QuerySet[DisbursementBatch]:
    return batch_scope(actor).annotate(n=Count("applications"), total=Sum("applications__awarded_yuan"))


def batch_applications(batch: DisbursementBatch) -> list[Application]:
    return list(batch.applications.select_related("fund_item", "enterprise").order_by("fund_item__code", "number"))


def muted_categories(enterprise_id: int) -> set[str]:
    return set(PushMute.objects.filter(enterprise_id=enterprise_id).values_list("category", flat=True))


def status_counts(actor: Any, item: FundItem) -> dict[str, int]:
    """{status: count} of the item's applications in the caller's scope (one grouped query)."""
    return dict(
        application_scope(actor).filter(fund_item=item).values_list("status").annotate(n=Count("id")).order_by()
    )


def candidate_total(item: FundItem, status: str = AppStatus.CANDIDATE) -> Decimal:
    """The amounts of a 免申即享 item's candidates (or, with `status`, of its offers waiting for confirmation)."""
    return Application.objects.filter(fund_item=item, status=status).aggregate(s=Sum("requested_yuan"))["s"] or ZERO


def enterprise_by_uscc(uscc: str) -> Any:
    """The enterprise an expert declares a conflict with: by its exact code only (no search, no other data shown)."""
    from gaoxin.registry.models import Enterprise

    try:
        return Enterprise.objects.only("pk", "name", "uscc").get(uscc=uscc.strip().upper())
    except Enterprise.DoesNotExist:
        raise NotFound(_("企业库中没有该统一社会信用代码")) from None


def conflicts_declared(expert: Any) -> QuerySet[ExpertConflict]:
    return ExpertConflict.objects.filter(expert=expert).select_related("enterprise").order_by("-declared_at")
