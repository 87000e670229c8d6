"""Reads of appeals, always through one scoping function per model.

| who | appeals in scope |
| enterprise user | its own enterprise's |
| service centre (officer of SERVICE_CENTRE_DEPARTMENT), zone leader | all |
| officer of another department | those dispatched to the department (lead or co, any round) |
| officer without a department | all (a bureau officer's zone-wide read) |
| park officer | those of their parks' enterprises |
| service commissioner | those of the enterprises assigned to them, one-to-one or in their grids (网格) |
| anyone else (administrator, expert, finance) | none |

Anything outside the scope answers NotFound (404). Dispatches, attachments and events follow their appeal; the
enterprise sees only the public events and the replies the centre has approved.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.accounts.roles import Role
from gaoxin.core.errors import NotFound, PermissionDenied
from gaoxin.core.permissions import is_active_user
from gaoxin.registry.models import Department
from gaoxin.registry.selectors import enterprise_scope
from gaoxin.service import permissions
from gaoxin.service.models import (
    ACTIVE_DISPATCH,
    DONE_DISPATCH,
    OPEN_STATUSES,
    RUNNING_DISPATCH,
    Appeal,
    AppealCategory,
    AppealEvent,
    AppealStatus,
    Attachment,
    Dispatch,
    DispatchStatus,
    EscalationRoute,
    HandlingMode,
    ProblemKind,
    Rating,
    ServiceGrid,
    Visit,
    VisitProblem,
)

HUNDRED = Decimal(100)
DUPLICATE_SIMILARITY = 0.6


def appeal_scope(actor: Any) -> QuerySet[Appeal]:
    """THE scoping function of appeals (see the module's table)."""
    if not is_active_user(actor):
        return Appeal.objects.none()
    role = actor.role
    if role == Role.ENTERPRISE:
        if actor.enterprise_id is None:
            return Appeal.objects.none()
        return Appeal.objects.filter(enterprise_id=actor.enterprise_id)
    if role == Role.LEADER or permissions.is_centre(actor):
        return Appeal.objects.all()
    if role == Role.OFFICER:
        if actor.department_id is None:
            return Appeal.objects.all()
        return Appeal.objects.filter(
            pk__in=Dispatch.objects.filter(department_id=actor.department_id).values("appeal_id")
        )
    if role in (Role.PARK_OFFICER, Role.COMMISSIONER):
        # the registry's scope: a park officer's parks; a commissioner's enterprises, one-to-one or by grid
        return Appeal.objects.filter(enterprise__in=enterprise_scope(actor))
    return Appeal.objects.none()


# --- grids (网格) ----------------------------------------------------------------------------------------------------


def grid_enterprise_ids(actor: Any) -> QuerySet[Any]:
    """Ids of the enterprises in the active grids of a commissioner (none for anyone else)."""
    from gaoxin.registry.models import Enterprise

    if not is_active_user(actor) or actor.role != Role.COMMISSIONER:
        return Enterprise.objects.none().values("pk")
    return Enterprise.objects.filter(service_grids__commissioner=actor, service_grids__is_active=True).values("pk")


def grid_scope_provider(actor: Any) -> QuerySet[Any] | None:
    """The provider registered in `registry.selectors.SCOPE_EXTENSIONS`: a commissioner's grid enterprises."""
    if not is_active_user(actor) or actor.role != Role.COMMISSIONER:
        return None
    return grid_enterprise_ids(actor)


def grid_list() -> QuerySet[ServiceGrid]:
    return (
        ServiceGrid.objects.select_related("commissioner", "park")
        .annotate(enterprise_count=Count("enterprises"))
        .order_by("-is_active", "name", "id")
    )


def grid_get(pk: int) -> ServiceGrid:
    try:
        return ServiceGrid.objects.select_related("commissioner", "park").get(pk=pk)
    except ServiceGrid.DoesNotExist:
        raise NotFound() from None


def grid_enterprises(grid: ServiceGrid) -> list[Any]:
    return list(grid.enterprises.select_related("park", "commissioner").order_by("name"))


def commissioners() -> QuerySet[Any]:
    from gaoxin.accounts.models import User

    return User.objects.filter(role=Role.COMMISSIONER, is_active=True).order_by("username")


def dispatch_scope(actor: Any) -> QuerySet[Dispatch]:
    """Dispatches of the appeals in scope; for the enterprise, only once the centre has approved the reply."""
    rows = Dispatch.objects.filter(appeal__in=appeal_scope(actor))
    if is_active_user(actor) and actor.role == Role.ENTERPRISE:
        rows = rows.filter(status=DispatchStatus.APPROVED)
    return rows


def event_scope(actor: Any) -> QuerySet[AppealEvent]:
    rows = AppealEvent.objects.filter(appeal__in=appeal_scope(actor))
    if is_active_user(actor) and actor.role == Role.ENTERPRISE:
        rows = rows.filter(public=True)
    return rows


def attachment_scope(actor: Any) -> QuerySet[Attachment]:
    """Attachments of the appeals in scope; a reply's attachments reach the enterprise with the approved reply."""
    rows = Attachment.objects.filter(appeal__in=appeal_scope(actor))
    if is_active_user(actor) and actor.role == Role.ENTERPRISE:
        rows = rows.filter(Q(dispatch__isnull=True) | Q(dispatch__status=DispatchStatus.APPROVED))
    return rows


def appeal_get(actor: Any, pk: int) -> Appeal:
    try:
        return appeal_scope(actor).select_related("enterprise", "enterprise__park", "category__parent").get(pk=pk)
    except Appeal.DoesNotExist:
        raise NotFound() from None


def dispatch_get(actor: Any, pk: int) -> Dispatch:
    try:
        return dispatch_scope(actor).select_related("appeal", "department").get(pk=pk)
    except Dispatch.DoesNotExist:
        raise NotFound() from None


def attachment_get(actor: Any, pk: int) -> Attachment:
    try:
        return attachment_scope(actor).get(pk=pk)
    except Attachment.DoesNotExist:
        raise NotFound() from None


def appeal_dispatches(actor: Any, appeal: Appeal) -> list[Dispatch]:
    return list(
        dispatch_scope(actor)
        .filter(appeal=appeal)
        .select_related("department", "replied_by")
        .order_by("handling_round", "-role", "id")
    )


def appeal_events(actor: Any, appeal: Appeal) -> list[AppealEvent]:
    return list(event_scope(actor).filter(appeal=appeal).select_related("department").order_by("at", "id"))


def appeal_attachments(actor: Any, appeal: Appeal) -> list[Attachment]:
    return list(attachment_scope(actor).filter(appeal=appeal).order_by("uploaded_at", "id"))


def category_choices() -> list[AppealCategory]:
    """Active leaf categories (and roots without children), tree order, with their parent loaded."""
    rows = list(AppealCategory.objects.filter(is_active=True).select_related("parent").order_by("sort_order", "code"))
    parents = {c.parent_id for c in rows if c.parent_id}
    return [c for c in rows if c.pk not in parents]


def category_tree() -> list[AppealCategory]:
    return list(AppealCategory.objects.select_related("parent").order_by("sort_order", "code"))


def category_get(pk: int) -> AppealCategory:
    try:
        return AppealCategory.objects.select_related("parent").get(pk=pk)
    except AppealCategory.DoesNotExist:
        raise NotFound() from None


def departments() -> QuerySet[Department]:
    return Department.objects.order_by("sort_order", "code")


def centre_department() -> Department | None:
    from django.conf import settings

    return Department.objects.filter(code=settings.SERVICE_CENTRE_DEPARTMENT).first()


# --- lists ---------------------------------------------------------------------------------------------------------


def appeal_list(
    actor: Any, *, status: str = "", mode: str = "", query: str = "", enterprise: int | None = None
) -> QuerySet[Appeal]:
    rows = appeal_scope(actor).select_related("enterprise", "category")
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status in AppealStatus.values:
        rows = rows.filter(status=status)
    if mode in HandlingMode.values:
        rows = rows.filter(mode=mode)
    if query:
        rows = rows.filter(
            Q(title__icontains=query) | Q(number__icontains=query) | Q(enterprise__name__icontains=query)
        )
    if enterprise:
        rows = rows.filter(enterprise_id=enterprise)
    return rows.order_by("-received_at", "-id")


def triage_queue(actor: Any) -> QuerySet[Appeal]:
    """Appeals waiting for the centre: new ones (and reopened or returned ones), oldest first."""
    if not permissions.can_triage(actor):
        raise PermissionDenied(permissions.can_triage(actor).reason)
    return (
        appeal_scope(actor)
        .filter(status=AppealStatus.NEW)
        .select_related("enterprise", "category")
        .order_by("received_at", "id")
    )


def review_queue(actor: Any) -> QuerySet[Dispatch]:
    """Replies waiting for the centre's review."""
    if not permissions.can_review(actor):
        raise PermissionDenied(permissions.can_review(actor).reason)
    return (
        dispatch_scope(actor)
        .filter(status=DispatchStatus.REPLIED)
        .select_related("appeal", "appeal__enterprise", "department")
        .order_by("replied_at", "id")
    )


def department_inbox(actor: Any, *, state: str = "open") -> QuerySet[Dispatch]:
    """The dispatches of the caller's department: open ones first by due date."""
    if actor.department_id is None:
        return Dispatch.objects.none()
    rows = (
        dispatch_scope(actor)
        .filter(department_id=actor.department_id)
        .select_related("appeal", "appeal__enterprise", "appeal__category", "department")
    )
    if state == "open":
        rows = rows.filter(status__in=ACTIVE_DISPATCH)
    elif state == "replied":
        rows = rows.filter(status__in=(DispatchStatus.REPLIED, DispatchStatus.APPROVED))
    return rows.order_by("due_date", "id")


def portal_appeals(actor: Any) -> QuerySet[Appeal]:
    if actor.role != Role.ENTERPRISE:
        return Appeal.objects.none()
    return appeal_scope(actor).select_related("category").order_by("-received_at", "-id")


def duplicate_candidates(enterprise_id: int, title: str, category_id: int | None) -> list[Appeal]:
    """Open appeals of the same enterprise that look like the same matter: same category, or a similar title."""
    rows = list(
        Appeal.objects.filter(enterprise_id=enterprise_id, status__in=OPEN_STATUSES)
        .select_related("category")
        .order_by("-received_at")[:50]
    )
    wanted = title.strip()
    found = []
    for appeal in rows:
        similar = difflib.SequenceMatcher(None, wanted, appeal.title).ratio() >= DUPLICATE_SIMILARITY
        same_category = category_id is not None and appeal.category_id == category_id
        if similar or (same_category and difflib.SequenceMatcher(None, wanted, appeal.title).ratio() >= 0.3):
            found.append(appeal)
    return found


# --- working days shown on lists ----------------------------------------------------------------------------------


def overdue_q(today: dt.date) -> Q:
    """Open dispatches past their due date today. A dispatch waiting for the enterprise's clarification has its clock
    stopped: it is overdue only if it already was on the day the question was asked."""
    paused = Q(status=DispatchStatus.CLARIFY, due_date__lt=F("paused_on")) & Q(due_date__lt=today)
    return Q(status__in=RUNNING_DISPATCH, due_date__lt=today) | paused


def clock_day(dispatch: Dispatch, today: dt.date) -> dt.date:
    """The day a dispatch's clock stands at: today, or the day its clarification was asked while paused."""
    if dispatch.status == DispatchStatus.CLARIFY and dispatch.paused_on is not None:
        return min(dispatch.paused_on, today)
    return today


def days_left(calendar: Any, due: dt.date, today: dt.date) -> int:
    """Working days left until `due` (negative: working days overdue)."""
    if due >= today:
        return calendar.working_days_between(today, due)
    return -calendar.working_days_between(due, today)


# --- scoreboard, overdue notice and zone summary -------------------------------------------------------------------


def _rate(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) * HUNDRED if whole else None


@dataclass
class ScoreRow:
    department: str
    received: int
    closed: int
    in_time: int
    rated: int
    satisfied: int
    days_sum: int
    overdue_now: int

    @property
    def close_rate(self) -> Decimal | None:
        """办结率: closed (reply approved by the centre) ÷ received."""
        return _rate(self.closed, self.received)

    @property
    def timely_rate(self) -> Decimal | None:
        """及时率: closed within the time limit ÷ closed."""
        return _rate(self.in_time, self.closed)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """满意率: 满意 or 基本满意 ÷ rated."""
        return _rate(self.satisfied, self.rated)

    @property
    def average_days(self) -> Decimal | None:
        """Average working days from dispatch to reply, over the closed ones."""
        return Decimal(self.days_sum) / Decimal(self.closed) if self.closed else None


def can_view_scoreboard(actor: Any) -> bool:
    return is_active_user(actor) and actor.role in (Role.LEADER, Role.OFFICER)


def scoreboard(actor: Any, start: dt.date, end: dt.date, *, today: dt.date | None = None) -> list[ScoreRow]:
    """Per department, the dispatches made from `start` to `end` (local dates, inclusive; returned ones are not the
    department's): received, closed, in time, rated, satisfied, working days; and open dispatches overdue today."""
    if not can_view_scoreboard(actor):
        raise PermissionDenied(_("只有领导和科室人员可以查看部门考核"))
    today = today or timezone.localdate()
    first, after = _bounds(start, end)
    approved = Q(status__in=DONE_DISPATCH)
    counted = (
        Dispatch.objects.filter(dispatched_at__gte=first, dispatched_at__lt=after)
        .exclude(status=DispatchStatus.RETURNED)
        .values("department_id")
        .annotate(
            received=Count("id"),
            closed=Count("id", filter=approved),
            in_time=Count("id", filter=approved & Q(in_time=True)),
            rated=Count("id", filter=~Q(rating="")),
            satisfied=Count("id", filter=Q(rating__in=(Rating.SATISFIED, Rating.BASIC))),
            days_sum=Sum("working_days", filter=approved),
        )
    )
    by_department = {row["department_id"]: row for row in counted}
    overdue = dict(
        Dispatch.objects.filter(overdue_q(today))
        .values("department_id")
        .annotate(n=Count("id"))
        .values_list("department_id", "n")
    )
    rows = []
    for department in departments():
        found = by_department.get(department.pk)
        if found is None and not overdue.get(department.pk):
            continue
        row: dict[str, Any] = dict(found or {})
        rows.append(
            ScoreRow(
                department=department.name,
                received=row.get("received", 0),
                closed=row.get("closed", 0),
                in_time=row.get("in_time", 0),
                rated=row.get("rated", 0),
                satisfied=row.get("satisfied", 0),
                days_sum=row.get("days_sum") or 0,
                overdue_now=overdue.get(department.pk, 0),
            )
        )
    return rows


def scoreboard_total(rows: list[ScoreRow]) -> ScoreRow:
    return ScoreRow(
        str(_("合计")),
        *(sum(getattr(r, name) for r in rows) for name in ScoreRow.__dataclass_fields__ if name != "department"),
    )


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return first, after


@dataclass
class ZoneSummary:
    """The zone's "832 / 563 / 269" line: appeals received in a period, 马上办 and 转办 with their closure rates."""

    received: int
    immediate: int
    immediate_closed: int
    dispatched: int
    dispatched_closed: int
    waiting: int
    rated: int
    satisfied: int
    reopened: int

    @property
    def immediate_rate(self) -> Decimal | None:
        return _rate(self.immediate_closed, self.immediate)

    @property
    def dispatched_rate(self) -> Decimal | None:
        return _rate(self.dispatched_closed, self.dispatched)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _rate(self.satisfied, self.rated)


#: An appeal counts as closed (办结) once the enterprise has its answer: replied (awaiting rating) or closed.
ANSWERED = (AppealStatus.REPLIED, AppealStatus.CLOSED)


def zone_summary(actor: Any, start: dt.date, end: dt.date) -> ZoneSummary:
    if not can_view_scoreboard(actor):
        raise PermissionDenied(_("只有领导和科室人员可以查看部门考核"))
    first, after = _bounds(start, end)
    counts = (
        Appeal.objects.filter(received_at__gte=first, received_at__lt=after)
        .exclude(status=AppealStatus.MERGED)
        .aggregate(
            received=Count("id"),
            immediate=Count("id", filter=Q(mode=HandlingMode.IMMEDIATE)),
            immediate_closed=Count("id", filter=Q(mode=HandlingMode.IMMEDIATE, status__in=ANSWERED)),
            dispatched=Count("id", filter=Q(mode=HandlingMode.DISPATCH)),
            dispatched_closed=Count("id", filter=Q(mode=HandlingMode.DISPATCH, status__in=ANSWERED)),
            waiting=Count("id", filter=Q(status=AppealStatus.NEW)),
            rated=Count("id", filter=~Q(rating="")),
            satisfied=Count("id", filter=Q(rating__in=(Rating.SATISFIED, Rating.BASIC))),
            reopened=Count("id", filter=Q(reopened=True)),
        )
    )
    return ZoneSummary(**counts)


def zone_summary_text(summary: ZoneSummary) -> str:
    """The sentence the zone's reports use, e.g.
    "受理企业诉求832件，其中马上办563件，办结率100.0%；转办269件，办结率99.0%"."""
    from gaoxin.core import display

    text = _(
        "受理企业诉求%(received)s件，其中马上办%(immediate)s件，办结率%(irate)s；转办%(dispatched)s件，办结率%(drate)s"
    ) % {
        "received": summary.received,
        "immediate": summary.immediate,
        "irate": display.rate(summary.immediate_rate) or "—",
        "dispatched": summary.dispatched,
        "drate": display.rate(summary.dispatched_rate) or "—",
    }
    if summary.rated:
        text += _("；企业满意率%(rate)s") % {"rate": display.rate(summary.satisfaction_rate)}
    return text


@dataclass
class OverdueLine:
    dispatch: Dispatch
    overdue_days: int


def overdue_notice(actor: Any, today: dt.date, calendar: Any) -> list[OverdueLine]:
    """The weekly 通报: dispatches still open past their due date, by department, most overdue first."""
    if not can_view_scoreboard(actor):
        raise PermissionDenied(_("只有领导和科室人员可以查看逾期通报"))
    rows = (
        Dispatch.objects.filter(overdue_q(today))
        .select_related("appeal", "appeal__enterprise", "department")
        .order_by("department__sort_order", "department__code", "due_date", "id")
    )
    return [OverdueLine(d, calendar.working_days_between(d.due_date, clock_day(d, today))) for d in rows]


# --- jobs -----------------------------------------------------------------------------------------------------------


def open_dispatches() -> QuerySet[Dispatch]:
    """Dispatches the daily job looks at: those whose clock runs, and paused ones already overdue when paused."""
    running = Q(status__in=RUNNING_DISPATCH) | Q(status=DispatchStatus.CLARIFY, due_date__lt=F("paused_on"))
    return Dispatch.objects.filter(running).select_related("appeal", "department")


def unrated_replied() -> QuerySet[Appeal]:
    return Appeal.objects.filter(status=AppealStatus.REPLIED, replied_at__isnull=False)


def enterprise_lookup(actor: Any, text: str) -> Any:
    """An enterprise in the caller's scope by its USCC or its exact name; NotFound otherwise."""
    text = text.strip()
    found = enterprise_scope(actor).filter(Q(uscc=text.upper()) | Q(name=text)).first()
    if found is None:
        raise NotFound(_("在您的数据范围内没有找到企业“%(text)s”") % {"text": text})
    return found


def with_days_left(rows: Any, calendar: Any, today: dt.date) -> list[Dispatch]:
    """The dispatches with `days_left` (working days to the due date; negative when overdue) for the lists."""
    result = list(rows)
    for dispatch in result:
        day = clock_day(dispatch, today)
        dispatch.days_left = days_left(calendar, dispatch.due_date, day)  # type: ignore[attr-defined]
        dispatch.overdue = dispatch.is_active and dispatch.due_date < day  # type: ignore[attr-defined]
        dispatch.overdue_days = max(0, -dispatch.days_left)  # type: ignore[attr-defined]
    return result


def merge_candidates(appeal: Appeal) -> list[Appeal]:
    """Open appeals of the same enterprise that look like this one (offered to the centre for merging)."""
    found = duplicate_candidates(appeal.enterprise_id, appeal.title, appeal.category_id)
    return [a for a in found if a.pk != appeal.pk]


def appeal_by_number(actor: Any, number: str) -> Appeal:
    try:
        return appeal_scope(actor).get(number=number.strip().upper())
    except Appeal.DoesNotExist:
        raise NotFound(_("没有找到诉求%(number)s") % {"number": number}) from None


def open_questions(appeal: Appeal) -> list[Dispatch]:
    """The departments' questions still waiting for the enterprise's clarification (the appeal is already scoped)."""
    return list(appeal.dispatches.filter(status=DispatchStatus.CLARIFY).select_related("department"))


def category_by_code(code: str) -> AppealCategory:
    try:
        return AppealCategory.objects.select_related("parent").get(code=code.strip().upper())
    except AppealCategory.DoesNotExist:
        raise NotFound(_("没有编码为%(code)s的诉求分类") % {"code": code}) from None


def enterprise_in_scope(actor: Any, pk: int) -> Any:
    found = enterprise_scope(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def api_appeals(actor: Any, *, status: str = "", mode: str = "") -> QuerySet[Appeal]:
    """The appeals list of the API: scoped, newest first, everything the schema reads loaded."""
    if not is_active_user(actor) or (actor.role != Role.ENTERPRISE and not permissions.can_view_workbench(actor)):
        return Appeal.objects.none()
    return appeal_list(actor, status=status or "all", mode=mode).select_related("enterprise", "category__parent")


# --- commissioners: visits, coverage, the problem ledger ------------------------------------------------------------


def visit_scope(actor: Any) -> QuerySet[Visit]:
    """THE scoping function of visits: all for leaders, the centre and officers without a department; a park
    officer's parks; a commissioner's assigned enterprises and their own visits; nobody else (enterprises and other
    departments do not see visit logs)."""
    if not permissions.can_view_visits(actor):
        return Visit.objects.none()
    if actor.role == Role.PARK_OFFICER:
        return Visit.objects.filter(enterprise__in=enterprise_scope(actor))
    if actor.role == Role.COMMISSIONER:
        return Visit.objects.filter(Q(enterprise__in=enterprise_scope(actor)) | Q(visitor=actor))
    return Visit.objects.all()


def visit_get(actor: Any, pk: int) -> Visit:
    try:
        return visit_scope(actor).select_related("enterprise", "visitor").get(pk=pk)
    except Visit.DoesNotExist:
        raise NotFound() from None


def visit_list(actor: Any) -> QuerySet[Visit]:
    return (
        visit_scope(actor)
        .select_related("enterprise", "visitor")
        .annotate(problem_count=Count("problems"))
        .order_by("-visited_on", "-id")
    )


def visit_problems(visit: Visit) -> list[VisitProblem]:
    return list(visit.problems.select_related("appeal").order_by("id"))


def problem_get(actor: Any, pk: int) -> VisitProblem:
    try:
        return (
            VisitProblem.objects.filter(visit__in=visit_scope(actor))
            .select_related("visit", "visit__enterprise", "appeal")
            .get(pk=pk)
        )
    except VisitProblem.DoesNotExist:
        raise NotFound() from None


@dataclass
class CoverageLine:
    enterprise: Any
    last_visit: dt.date | None
    days_since: int | None
    covered: bool
    #: Who serves it: the one-to-one commissioner and/or the commissioners of its grids.
    commissioners: list[str] = field(default_factory=list)
    grids: list[str] = field(default_factory=list)


@dataclass
class Coverage:
    lines: list[CoverageLine]
    interval: int
    problems: int
    needs: int
    raised: int
    resolved: int

    @property
    def covered(self) -> int:
        return sum(1 for line in self.lines if line.covered)

    @property
    def rate(self) -> Decimal | None:
        """Coverage: assigned enterprises visited within the interval ÷ assigned enterprises."""
        return _rate(self.covered, len(self.lines))

    @property
    def resolution_rate(self) -> Decimal | None:
        """The ledger's resolution rate: problems and needs whose appeal has been answered ÷ all raised on visits."""
        return _rate(self.resolved, self.problems + self.needs)


def coverage(actor: Any, today: dt.date) -> Coverage:
    """Each assigned enterprise in scope (挂点企业) with its last visit; covered if visited within
    SERVICE_VISIT_INTERVAL_DAYS days; and the problem/needs ledger of the visits in scope."""
    from django.conf import settings
    from django.db.models import Max

    if not permissions.can_view_visits(actor):
        raise PermissionDenied(permissions.can_view_visits(actor).reason)
    interval = settings.SERVICE_VISIT_INTERVAL_DAYS
    in_grid = ServiceGrid.objects.filter(is_active=True)
    if actor.role == Role.COMMISSIONER:
        in_grid = in_grid.filter(commissioner=actor)
        one_to_one = Q(commissioner=actor)
    else:
        one_to_one = Q(commissioner__isnull=False)
    grid_rows: dict[int, list[tuple[str, str]]] = {}
    through = ServiceGrid.enterprises.through.objects.filter(servicegrid__in=in_grid)
    for enterprise_id, grid_name, person, login in through.values_list(
        "enterprise_id",
        "servicegrid__name",
        "servicegrid__commissioner__full_name",
        "servicegrid__commissioner__username",
    ):
        grid_rows.setdefault(enterprise_id, []).append((grid_name, person or login))
    assigned = (
        enterprise_scope(actor)
        .filter(one_to_one | Q(pk__in=through.values("enterprise_id")))
        .select_related("commissioner", "park")
        .annotate(last_visit=Max("service_visits__visited_on"))
        .order_by("name", "id")
    )
    lines = []
    for enterprise in assigned:
        last = enterprise.last_visit  # type: ignore[attr-defined]
        days = (today - last).days if last else None
        people: list[str] = []
        keeper = enterprise.commissioner
        if keeper is not None and (actor.role != Role.COMMISSIONER or keeper.pk == actor.pk):
            people.append(keeper.display_name)
        grids = grid_rows.get(enterprise.pk, [])
        people.extend(person for _grid, person in grids if person not in people)
        lines.append(
            CoverageLine(
                enterprise, last, days, days is not None and days <= interval, people, [grid for grid, _p in grids]
            )
        )
    lines.sort(key=lambda line: (line.commissioners[:1], line.enterprise.name))
    problems = VisitProblem.objects.filter(visit__in=visit_scope(actor))
    counts = problems.aggregate(
        problems=Count("id", filter=Q(kind=ProblemKind.PROBLEM)),
        needs=Count("id", filter=Q(kind=ProblemKind.NEED)),
        raised=Count("id", filter=Q(appeal__isnull=False)),
        resolved=Count("id", filter=Q(appeal__status__in=ANSWERED)),
    )
    return Coverage(lines, interval, **counts)


# --- escalation routes (督办对象) -------------------------------------------------------------------------------------


@dataclass
class RouteLine:
    department: Department
    head: Any
    leader: Any


def escalation_routes() -> list[RouteLine]:
    """Every department but the centre, with its head and the leader in charge (None when not set)."""
    from django.conf import settings

    routes = {r.department_id: r for r in EscalationRoute.objects.select_related("head", "leader")}
    lines = []
    for department in departments().exclude(code=settings.SERVICE_CENTRE_DEPARTMENT):
        route = routes.get(department.pk)
        lines.append(RouteLine(department, route.head if route else None, route.leader if route else None))
    return lines


def escalation_route(department_id: int) -> EscalationRoute | None:
    return EscalationRoute.objects.select_related("head", "leader").filter(department_id=department_id).first()


def department_get(pk: int) -> Department:
    try:
        return Department.objects.get(pk=pk)
    except Department.DoesNotExist:
        raise NotFound() from None


def department_officers(department: Department) -> QuerySet[Any]:
    from gaoxin.accounts.models import User

    return User.objects.filter(role=Role.OFFICER, department=department, is_active=True).order_by("username")


def leaders() -> QuerySet[Any]:
    from gaoxin.accounts.models import User

    return User.objects.filter(role=Role.LEADER, is_active=True).order_by("username")
