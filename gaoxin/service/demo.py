"""Demo appeals (`seed_demo`): a year of the service desk in the zone's own proportions.

The zone's yearly figures: 832 appeals, 563 handled at once (马上办, all closed) and 269 dispatched (转办, 99% closed).
The year ending today gets exactly those counts, spread over working days and office hours; consultations are the
commonest, then 审批, 用地, 融资 and 人才. About one dispatched appeal in five has a co-department, about one in
twelve is answered late, a few are still open (some of them overdue now), about one in twenty-five is reopened
after a 不满意 and handled a second time, and the answers of the last week are still waiting for the enterprise's
rating; about one lead in twenty waited a few working days for the enterprise's clarification (the clock stopped).
Rows are written in bulk (no per-row services, no notifications), like the other demo modules.

The commissioners' enterprises get a visit every three to seven weeks; 51 of the year's appeals are problems raised
on a visit (channel 服务专员走访) and 14 more problems and needs wait on the ledger: 65 raised, about 51 solved.
Each department with an officer gets an escalation route (its first officer as head, the first zone leader in charge).
The demo commissioner also keeps a service grid (网格) of eight enterprises of their park, visited like the others.
A service-centre officer account (`service`, 企业服务中心) is added, so that the triage and review desk can be tried.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.registry.models import Department, Enterprise, EnterpriseStatus
from gaoxin.service import deadlines
from gaoxin.service.models import (
    Appeal,
    AppealCategory,
    AppealEvent,
    AppealStatus,
    Channel,
    Dispatch,
    DispatchRole,
    DispatchStatus,
    EscalationRoute,
    EventKind,
    GridKind,
    HandlingMode,
    ProblemKind,
    Rating,
    ServiceGrid,
    Visit,
    VisitProblem,
)
from gaoxin.workcalendar.calendar import WorkCalendar
from gaoxin.workcalendar.selectors import work_calendar

YEARLY = 832
IMMEDIATE = 563
#: The commissioners' ledger of the zone's report: 65 problems raised on visits, 51 of them solved (here: 51 became
#: appeals, nearly all answered; 14 are still on the ledger without an appeal).
RAISED_ON_VISITS = 51
LEDGER_PROBLEMS = 65
DEMO_CENTRE_USER = "service"

#: Root category → (weight, lead departments in order of likelihood, a typical title, the centre's typical answer).
PROFILE: dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    "ZCZX": (
        34,
        ("KJCY", "JJFZ", "CZ"),
        ("高新技术企业认定条件咨询", "研发费用加计扣除政策咨询", "专精特新申报材料咨询"),
    ),
    "RZ": (9, ("JJFZ", "CZ"), ("流动资金贷款贴息申请", "知识产权质押融资对接", "上市辅导政策咨询")),
    "YD": (11, ("GHZY", "TZCJ"), ("扩产需要新增标准厂房", "项目用地规划条件调整", "厂房不动产权证办理")),
    "RC": (9, ("KJCY", "DZB"), ("高层次人才认定", "人才住房申请进度", "员工子女入学协调")),
    "SP": (15, ("JJFZ", "GHZY", "STHJ"), ("技改项目备案", "施工许可办理进度", "环评审批咨询")),
    "JCSS": (10, ("JJFZ", "GHZY"), ("园区道路破损维修", "厂区供电容量不足", "宽带网络接入")),
    "AQ": (4, ("STHJ", "JJFZ"), ("消防验收咨询", "安全生产培训需求")),
    "QT": (8, ("DZB", "JJFZ"), ("园区通勤公交线路建议", "周边餐饮配套不足")),
}
CHANNELS = ((Channel.PORTAL, 55), (Channel.PHONE, 25), (Channel.VISIT, 8), (Channel.COMMISSIONER, 12))
ANSWERS = (
    "经核实，贵企业符合条件，已将申报指南和材料清单发送至联系人邮箱。",
    "已与相关单位协调，预计本周内完成处理，请保持电话畅通。",
    "该事项可在政务服务网办理，已电话指导企业提交材料。",
)


@dataclass(frozen=True)
class DemoAppealsResult:
    appeals: int
    immediate: int
    dispatched: int
    open: int
    overdue: int
    reopened: int

    def summary(self) -> str:
        return (
            f"企业诉求：近一年 {self.appeals} 件（马上办 {self.immediate}，转办 {self.dispatched}；"
            f"办理中 {self.open}，其中逾期 {self.overdue}；重新办理 {self.reopened}）；"
            f"企业服务中心演示账号 {DEMO_CENTRE_USER}。"
        )


def _when(rng: random.Random, day: dt.date) -> dt.datetime:
    minutes = rng.choice([*range(9 * 60, 12 * 60), *range(14 * 60, 18 * 60)])
    return timezone.make_aware(dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60)))


@transaction.atomic
def seed_appeals(*, today: dt.date, seed: int) -> DemoAppealsResult:
    rng = random.Random(f"{seed}:appeals")
    enterprises = list(
        Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE).order_by("id").values_list("id", "contact_name")
    )
    departments = {d.code: d for d in Department.objects.all()}
    if not enterprises or not departments:
        return DemoAppealsResult(0, 0, 0, 0, 0, 0)
    centre = departments.get(settings.SERVICE_CENTRE_DEPARTMENT)
    clerk = _centre_user(centre)
    calendar = work_calendar()
    leaves: dict[str, list[AppealCategory]] = {}
    for category in AppealCategory.objects.filter(parent__isnull=False, is_active=True).select_related("parent"):
        assert category.parent is not None
        leaves.setdefault(category.parent.code, []).append(category)
    roots = [code for code in PROFILE if leaves.get(code)]
    weights = [PROFILE[code][0] for code in roots]
    # a few enterprises file many appeals, most file one or two
    busy = [e for e in enterprises if rng.random() < 0.15] or enterprises
    days = []
    day = today - dt.timedelta(days=364)
    while day <= today:
        if calendar.is_workday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    received = sorted(_when(rng, rng.choice(days)) for _ in range(YEARLY))
    modes = [HandlingMode.IMMEDIATE] * IMMEDIATE + [HandlingMode.DISPATCH] * (YEARLY - IMMEDIATE)
    rng.shuffle(modes)
    now = timezone.now()
    year_serial: dict[int, int] = {}
    appeals: list[Appeal] = []
    plans: list[tuple[Appeal, str, list[str]]] = []
    for at, mode in zip(received, modes, strict=True):
        root = rng.choices(roots, weights)[0]
        category = rng.choice(leaves[root])
        enterprise_id, contact = rng.choice(busy) if rng.random() < 0.4 else rng.choice(enterprises)
        year = timezone.localdate(at).year
        year_serial[year] = year_serial.get(year, 0) + 1
        title = rng.choice(PROFILE[root][2])
        appeal = Appeal(
            number=f"SQ{year}{year_serial[year]:05d}",
            enterprise_id=enterprise_id,
            channel=rng.choices([c for c, _w in CHANNELS], [w for _c, w in CHANNELS])[0],
            category=category,
            title=title,
            content=f"{title}：{category.name}方面的具体情况见附件说明，请帮助协调解决。",
            contact_name=contact,
            received_at=at,
            received_by=clerk,
            respond_by=calendar.add_working_hours(timezone.localtime(at), 1, deadlines.office_hours()),
            responded_at=at + dt.timedelta(minutes=rng.randint(5, 50)),
            mode=mode,
            status=AppealStatus.CLOSED,
        )
        leads = [c for c in PROFILE[root][1] if c in departments and c != settings.SERVICE_CENTRE_DEPARTMENT]
        appeals.append(appeal)
        plans.append((appeal, root, leads))
    assigned = list(
        Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE, commissioner__isnull=False)
        .order_by("id")
        .values_list("id", "contact_name", "commissioner_id")
    )
    assigned += _seed_grid(rng, {e for e, _n, _c in assigned})
    _seed_routes(departments.values())
    visited: list[Appeal] = []
    if assigned:
        chosen = set(rng.sample(range(len(appeals)), min(RAISED_ON_VISITS, len(appeals))))
        for n, appeal in enumerate(appeals):
            if n in chosen:
                appeal.enterprise_id, appeal.contact_name, _c = rng.choice(assigned)
                appeal.channel = Channel.COMMISSIONER
                visited.append(appeal)
            elif appeal.channel == Channel.COMMISSIONER:
                appeal.channel = Channel.PHONE
    Appeal.objects.bulk_create(appeals, batch_size=500)

    dispatches: list[Dispatch] = []
    events: list[AppealEvent] = []
    counts = {"open": 0, "overdue": 0, "reopened": 0}
    label = clerk.display_name if clerk else str(settings.SERVICE_CENTRE_DEPARTMENT)

    def event(appeal: Appeal, kind: str, at: dt.datetime, text: str, department: Department | None = None) -> None:
        events.append(
            AppealEvent(
                appeal=appeal, kind=kind, at=at, actor=None, actor_label=label, department=department, text=text
            )
        )

    for appeal, _root, leads in plans:
        at = appeal.received_at
        received_on = timezone.localdate(at)
        limit = deadlines.default_limit_days(appeal.category.is_consultation)
        event(appeal, EventKind.RECEIVED, at, f"通过{Channel(appeal.channel).label}受理诉求，编号{appeal.number}")
        if appeal.mode == HandlingMode.IMMEDIATE or not leads:
            appeal.mode = HandlingMode.IMMEDIATE
            replied = at + dt.timedelta(minutes=rng.randint(20, 240))
            appeal.reply = rng.choice(ANSWERS)
            appeal.replied_at = replied
            appeal.due_date = calendar.add_working_days(received_on, limit)
            event(appeal, EventKind.IMMEDIATE, replied, f"企业服务中心马上办答复：{appeal.reply}")
            _close(appeal, rng, calendar, today, replied, event)
            continue
        sent = appeal.responded_at or at
        lead = departments[leads[0] if rng.random() < 0.7 else rng.choice(leads)]
        roles = [(lead, DispatchRole.LEAD)]
        if rng.random() < 0.2:
            others = [d for code, d in departments.items() if d != lead and code != settings.SERVICE_CENTRE_DEPARTMENT]
            roles.append((rng.choice(others), DispatchRole.CO))
        due = calendar.add_working_days(timezone.localdate(sent), limit)
        appeal.due_date = due
        event(appeal, EventKind.DISPATCHED, sent, f"转办{lead.name}主办，{limit}个工作日内办结", lead)
        age = calendar.working_days_between(timezone.localdate(sent), today)
        recent = age <= limit + 1 and rng.random() < 0.3
        overdue = counts["overdue"] < 2 and age > limit and rng.random() < 0.03
        still_open = recent or overdue
        for department, role in roles:
            dispatch = Dispatch(
                appeal=appeal,
                department=department,
                role=role,
                limit_days=limit,
                dispatched_at=sent,
                dispatched_by=clerk,
                due_date=due,
                return_due=calendar.add_working_days(timezone.localdate(sent), settings.SERVICE_RETURN_DAYS),
                accepted_at=sent + dt.timedelta(hours=rng.randint(1, 20)),
            )
            dispatches.append(dispatch)
            if still_open:
                dispatch.status = DispatchStatus.ACCEPTED
                continue
            took = min(max(0, limit + (rng.randint(1, 3) if rng.random() < 0.08 else -rng.randint(0, limit - 1))), age)
            # about one lead in twenty asks the enterprise for clarification on its first day and waits 1-3 working
            # days: the clock stops, the due date moves on by the days waited
            waited = rng.randint(1, 3) if role == DispatchRole.LEAD and age > took + 4 and rng.random() < 0.05 else 0
            if waited:
                asked_on = calendar.add_working_days(timezone.localdate(sent), 1)
                answered_on = calendar.add_working_days(asked_on, waited)
                dispatch.paused_days = waited
                dispatch.due_date = calendar.add_working_days(due, waited)
                dispatch.return_due = calendar.add_working_days(dispatch.return_due, waited)
                took = max(took, 2) + waited
                event(
                    appeal,
                    EventKind.CLARIFY,
                    _when(rng, asked_on),
                    f"{department.name}请企业澄清：请补充相关材料",
                    department,
                )
                event(
                    appeal,
                    EventKind.CLARIFIED,
                    _when(rng, answered_on),
                    f"{department.name}等待企业澄清{waited}个工作日，办结时限顺延至"
                    f"{dispatch.due_date.year}年{dispatch.due_date.month}月{dispatch.due_date.day}日",
                    department,
                )
            replied_on = calendar.add_working_days(timezone.localdate(sent), took) if took else timezone.localdate(sent)
            replied = min(_when(rng, replied_on), now)
            dispatch.status = DispatchStatus.APPROVED
            dispatch.reply = rng.choice(ANSWERS)
            dispatch.replied_at = replied
            dispatch.reviewed_at = min(replied + dt.timedelta(hours=2), now)
            dispatch.working_days = max(
                0, calendar.working_days_between(timezone.localdate(sent), timezone.localdate(replied)) - waited
            )
            dispatch.in_time = timezone.localdate(replied) <= dispatch.due_date
            event(appeal, EventKind.REPLIED, replied, f"{department.name}已答复，待企业服务中心审核", department)
            event(appeal, EventKind.APPROVED, dispatch.reviewed_at, f"企业服务中心审核通过{department.name}的答复")
        if still_open:
            appeal.status = AppealStatus.HANDLING
            counts["open"] += 1
            counts["overdue"] += int(due < today)
            continue
        replied_at = max(d.replied_at for d in dispatches if d.appeal is appeal and d.replied_at)
        appeal.replied_at = replied_at
        appeal.reply = "\n\n".join(f"【{d.department.name}】{d.reply}" for d in dispatches if d.appeal is appeal)
        _close(appeal, rng, calendar, today, replied_at, event)
        if appeal.rating == Rating.DISSATISFIED:
            counts["reopened"] += 1
            appeal.reopened = True
            appeal.first_rating = Rating.DISSATISFIED
            for d in dispatches:
                if d.appeal is appeal:
                    d.rating = Rating.DISSATISFIED
            second_sent = appeal.rated_at or replied_at
            second_rating = rng.choices([Rating.SATISFIED, Rating.BASIC, Rating.DISSATISFIED], [30, 50, 20])[0]
            second = Dispatch(
                appeal=appeal,
                department=lead,
                role=DispatchRole.LEAD,
                handling_round=2,
                limit_days=limit,
                dispatched_at=second_sent,
                dispatched_by=clerk,
                due_date=calendar.add_working_days(timezone.localdate(second_sent), limit),
                return_due=calendar.add_working_days(timezone.localdate(second_sent), settings.SERVICE_RETURN_DAYS),
                status=DispatchStatus.APPROVED,
                reply="经再次现场核实，已按企业意见调整处理方案并办理完毕。",
                replied_at=min(second_sent + dt.timedelta(days=2), now),
                reviewed_at=min(second_sent + dt.timedelta(days=2, hours=2), now),
                working_days=min(limit, 2),
                in_time=True,
                rating=second_rating,
            )
            dispatches.append(second)
            appeal.handling_round = 2
            appeal.rating = second_rating
            appeal.rating_comment = ""
            event(appeal, EventKind.REOPENED, second_sent, "企业不满意，诉求重新办理（第二次办理）")
            event(appeal, EventKind.RATED, second.replied_at or second_sent, f"企业评价：{Rating(second_rating).label}")
            event(appeal, EventKind.CLOSED, second.replied_at or second_sent, "诉求办结")
        else:
            for d in dispatches:
                if d.appeal is appeal and appeal.rating:
                    d.rating = appeal.rating
    Appeal.objects.bulk_update(
        [a for a, _r, _l in plans],
        [
            "mode",
            "status",
            "reply",
            "replied_at",
            "closed_at",
            "due_date",
            "rating",
            "rating_comment",
            "rated_at",
            "first_rating",
            "reopened",
            "handling_round",
            "auto_closed",
        ],
        batch_size=500,
    )
    Dispatch.objects.bulk_create(dispatches, batch_size=500)
    AppealEvent.objects.bulk_create(events, batch_size=1000)
    _seed_visits(rng, assigned, visited, today)
    dispatched = sum(1 for a, _r, _l in plans if a.mode == HandlingMode.DISPATCH)
    return DemoAppealsResult(
        YEARLY, YEARLY - dispatched, dispatched, counts["open"], counts["overdue"], counts["reopened"]
    )


def _close(
    appeal: Appeal,
    rng: random.Random,
    calendar: WorkCalendar,
    today: dt.date,
    replied: dt.datetime,
    log: Callable[..., None],
) -> None:
    """Rated and closed; answers of the last few working days still wait for the rating; some close unrated."""
    waited = calendar.working_days_between(timezone.localdate(replied), today)
    if waited < settings.SERVICE_AUTO_CLOSE_DAYS and rng.random() < 0.7:
        appeal.status = AppealStatus.REPLIED
        return
    if rng.random() < 0.1:
        appeal.status = AppealStatus.CLOSED
        appeal.auto_closed = True
        appeal.closed_at = replied + dt.timedelta(days=7)
        log(
            appeal,
            EventKind.CLOSED,
            appeal.closed_at,
            f"答复后{settings.SERVICE_AUTO_CLOSE_DAYS}个工作日未评价，系统自动办结",
        )
        return
    # 不满意 reopens a dispatched appeal (the caller handles it a second time); the demo keeps 马上办 answers satisfied
    weights = [84, 11, 5] if appeal.mode == HandlingMode.DISPATCH else [88, 12, 0]
    rating = rng.choices([Rating.SATISFIED, Rating.BASIC, Rating.DISSATISFIED], weights)[0]
    rated = replied + dt.timedelta(hours=rng.randint(2, 40))
    appeal.rating = rating
    appeal.rated_at = rated
    appeal.status = AppealStatus.CLOSED
    appeal.closed_at = rated
    log(appeal, EventKind.RATED, rated, f"企业评价：{Rating(rating).label}")
    if rating != Rating.DISSATISFIED:
        log(appeal, EventKind.CLOSED, rated, "诉求办结")


def _seed_visits(
    rng: random.Random, assigned: list[tuple[int, str, int]], visited: list[Appeal], today: dt.date
) -> None:
    """Visits to the assigned enterprises every three to seven weeks over the year; the commissioner-channel appeals
    are the problems raised on the visit of their day; a few more problems and needs wait on the ledger."""
    if not assigned:
        return
    commissioner = {e: c for e, _n, c in assigned}
    visits: list[Visit] = []
    for enterprise_id, contact, visitor in assigned:
        day = today - dt.timedelta(days=rng.randint(0, 36))
        while day > today - dt.timedelta(days=365):
            if rng.random() < 0.9:
                visits.append(
                    Visit(
                        enterprise_id=enterprise_id,
                        visitor_id=visitor,
                        visited_on=day,
                        people_met=contact or "企业负责人",
                        findings=rng.choice(VISIT_FINDINGS),
                    )
                )
            day -= dt.timedelta(days=rng.randint(21, 49))
    raised = [
        Visit(
            enterprise_id=a.enterprise_id,
            visitor_id=commissioner[a.enterprise_id],
            visited_on=timezone.localdate(a.received_at),
            people_met=a.contact_name or "企业负责人",
            findings=rng.choice(VISIT_FINDINGS),
        )
        for a in visited
    ]
    Visit.objects.bulk_create(visits + raised, batch_size=1000)
    problems = [VisitProblem(visit=v, text=a.title, appeal=a) for v, a in zip(raised, visited, strict=True)]
    for visit in rng.sample(visits, min(LEDGER_PROBLEMS - len(problems), len(visits))):
        kind = ProblemKind.NEED if rng.random() < 0.4 else ProblemKind.PROBLEM
        problems.append(VisitProblem(visit=visit, kind=kind, text=rng.choice(LEDGER_TEXTS[kind])))
    VisitProblem.objects.bulk_create(problems, batch_size=1000)


VISIT_FINDINGS = (
    "生产经营正常，订单饱满，计划明年扩产。",
    "企业反映用工紧张，研发投入持续增加。",
    "新产线已投产，产值同比增长。",
    "企业关注高企认定和研发费用加计扣除政策。",
)
LEDGER_TEXTS = {
    ProblemKind.PROBLEM: ("厂区周边道路积水", "员工通勤公交班次少", "供电线路老化"),
    ProblemKind.NEED: ("希望对接高校技术团队", "需要融资担保支持", "希望参加政策宣讲会"),
}


GRID_SIZE = 8


def _seed_routes(departments: Iterable[Department]) -> None:
    """督办对象: each department with an officer gets its first officer as head and the first zone leader in charge."""
    leader = User.objects.filter(role=Role.LEADER, is_active=True).order_by("id").first()
    for department in departments:
        if department.code == settings.SERVICE_CENTRE_DEPARTMENT:
            continue
        head = User.objects.filter(role=Role.OFFICER, department=department, is_active=True).order_by("id").first()
        if head is not None or leader is not None:
            EscalationRoute.objects.get_or_create(department=department, defaults={"head": head, "leader": leader})


def _seed_grid(rng: random.Random, taken: set[int]) -> list[tuple[int, str, int]]:
    """A service grid (网格) for the demo commissioner: a few enterprises of the park where most of theirs are,
    not assigned one-to-one, given as (enterprise, contact, commissioner) like the one-to-one ones."""
    keeper = User.objects.filter(role=Role.COMMISSIONER, is_active=True).order_by("id").first()
    if keeper is None:
        return []
    parks = list(
        Enterprise.objects.filter(commissioner=keeper).values_list("park_id", flat=True).order_by("park_id")
    ) or list(Enterprise.objects.values_list("park_id", flat=True).order_by("park_id")[:1])
    if not parks:
        return []
    park_id = max(set(parks), key=parks.count)
    members = list(
        Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE, park_id=park_id, commissioner__isnull=True)
        .exclude(pk__in=taken)
        .order_by("id")
        .values_list("id", "contact_name")[: GRID_SIZE * 4]
    )
    members = sorted(rng.sample(members, min(GRID_SIZE, len(members))))
    if not members:
        return []
    park = Enterprise.objects.filter(park_id=park_id).values_list("park__short_name", "park__name").first()
    park_name = (park[0] or park[1]) if park else ""
    grid, _made = ServiceGrid.objects.get_or_create(
        name=f"{park_name}科创楼宇网格",
        defaults={
            "kind": GridKind.BUILDING,
            "park_id": park_id,
            "commissioner": keeper,
            "note": "楼宇内中小科技企业，由网格服务专员统一走访",
        },
    )
    grid.enterprises.add(*[e for e, _n in members])
    return [(e, n, grid.commissioner_id) for e, n in members]


def _centre_user(centre: Department | None) -> User | None:
    if centre is None:
        return None
    user = User.objects.filter(username=DEMO_CENTRE_USER).first()
    if user is None:
        from gaoxin.registry.demo import DEMO_PASSWORD

        user = User.objects.create_user(
            username=DEMO_CENTRE_USER,
            password=DEMO_PASSWORD,
            full_name="陈思敏",
            phone="13902261009",
            role=Role.OFFICER,
            department=centre,
        )
    return user
