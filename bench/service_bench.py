"""Enterprise service scoreboard benchmark (issue 7): a year of 20,000 appeals across 30 departments.

In a scratch SQLite database (always a fresh file in a temporary directory: DATABASE_URL is set here, whatever the
environment says) it migrates, adds the zone's structure (`registry.demo.seed_structure`) and departments up to 30
handling departments plus the service centre (settings.SERVICE_CENTRE_DEPARTMENT), 2,000 demo enterprises, and a
year of appeals ending today, written in bulk like `service/demo.py` (whose helpers it reuses) but 24 times the
zone's volume: about two thirds 马上办 and one third 转办 to 1 lead and 0–2 co-departments, most answered within the
limit, some late, some extended, a few returned as misrouted and dispatched again, the last days' still open, some
open and overdue, most rated, a few reopened after 不满意 and handled a second time; every step an `AppealEvent`.
(Audit entries and notifications are not written, as in the demo data.)

Measured, as the demo zone leader:
(a) the scoreboard selector (`selectors.scoreboard`) over the whole year, all departments;
(b) the scoreboard page GET /service/scoreboard/?start=…&end=… (the year) through Django's test client — middleware,
    view, selectors (scoreboard and the zone's sentence), template;
(c) the weekly overdue notice page GET /service/notice/.
Each after three warm-up runs, `--runs` times (default 30): median, p90, p95, SQL queries. Target: median < 300 ms.

Run alone: `python bench/service_bench.py [--appeals 20000] [--out r.json]`, or `python bench/run.py --only service`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import percentile, setup_django, summary_ms, table

TARGET_MEDIAN_MS = 300.0
#: Handling departments added to the demo structure's eight (the service centre is not one of them).
EXTRA_DEPARTMENTS = (
    "人力资源和社会保障局", "住房和城乡建设局", "市场监督管理分局", "应急管理局", "交通运输局", "教育局",
    "卫生健康局", "民政局", "司法局", "水务局", "城市管理和综合执法局", "农业农村局", "文化和旅游局", "商务局",
    "金融工作局", "税务分局", "公安分局", "消防救援大队", "供电局", "建设管理中心", "社会事务局", "招商服务中心",
    "知识产权局", "数据管理局", "海关办事处", "外事办公室",
)  # fmt: skip
#: Open dispatches' states (the service centre's review of a reply is also still to come for some).
OPEN_STATES = (("pending", 20), ("accepted", 60), ("clarify", 8), ("replied", 12))


def _fast_calendar(base: Any, first: dt.date, last: dt.date) -> Any:
    """The official calendar with the days of the benchmark year looked up once: `working_days_between` by
    difference of running counts (the real one walks day by day — 20,000 appeals × a year of days)."""
    from gaoxin.workcalendar.calendar import WorkCalendar

    class FastCalendar(WorkCalendar):
        def __init__(self) -> None:
            super().__init__(base.overrides, base.complete_years, base.unknown_years)
            self.first, self.last = first, last
            self.flags = [base.is_workday(first + dt.timedelta(days=n)) for n in range((last - first).days + 1)]
            self.counts = list(itertools.accumulate(self.flags, initial=0))  # counts[n] = workdays before day n

        def _index(self, day: dt.date) -> int | None:
            return (day - self.first).days if self.first <= day <= self.last else None

        def is_workday(self, day: dt.date) -> bool:
            n = self._index(day)
            return self.flags[n] if n is not None else super().is_workday(day)

        def working_days_between(self, start: dt.date, end: dt.date) -> int:
            if end <= start:
                return 0
            a, b = self._index(start), self._index(end)
            if a is None or b is None:
                return super().working_days_between(start, end)
            return self.counts[b + 1] - self.counts[a + 1]

    return FastCalendar()


def _structure(department_count: int, enterprise_count: int, seed: int, today: dt.date) -> dict[str, Any]:
    from django.conf import settings

    from gaoxin.accounts.models import User
    from gaoxin.accounts.roles import Role
    from gaoxin.registry.demo import generate_enterprises, seed_structure, write_enterprises
    from gaoxin.registry.models import Department

    structure = seed_structure()
    centre_code = settings.SERVICE_CENTRE_DEPARTMENT
    if centre_code not in structure.departments:
        structure.departments[centre_code] = Department.objects.create(code=centre_code, name="企业服务中心")
    handling = [d for code, d in structure.departments.items() if code != centre_code]
    extra = [
        Department(code=f"BM{n:02d}", name=name, sort_order=200 + n)
        for n, name in enumerate(EXTRA_DEPARTMENTS[: max(0, department_count - len(handling))], start=1)
    ]
    handling += Department.objects.bulk_create(extra)
    handling = handling[:department_count]
    enterprises = write_enterprises(generate_enterprises(enterprise_count, seed=seed, today=today), structure)
    centre = structure.departments[centre_code]
    clerk = User.objects.create_user(username="service", full_name="罗嘉欣", role=Role.OFFICER, department=centre)
    leader = User.objects.create_user(username="leader", full_name="周志远", role=Role.LEADER)
    return {"handling": handling, "centre": centre, "enterprises": enterprises, "clerk": clerk, "leader": leader}


def _seed_year(count: int, seed: int, today: dt.date, world: dict[str, Any]) -> dict[str, int]:
    """A year of `count` appeals ending `today`, as `service/demo.py` writes the zone's 832 (and with its helpers)."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from gaoxin.registry.models import EnterpriseStatus
    from gaoxin.service import deadlines, demo
    from gaoxin.service.models import (
        Appeal,
        AppealCategory,
        AppealEvent,
        AppealStatus,
        Channel,
        Dispatch,
        DispatchRole,
        DispatchStatus,
        EventKind,
        HandlingMode,
        Rating,
    )
    from gaoxin.workcalendar.selectors import work_calendar

    rng = random.Random(f"{seed}:service-bench")
    first_day = today - dt.timedelta(days=364)
    calendar = _fast_calendar(work_calendar(), first_day - dt.timedelta(days=10), today + dt.timedelta(days=60))
    office = deadlines.office_hours()
    now = timezone.now()
    clerk, handling = world["clerk"], world["handling"]
    by_code = {d.code: d for d in handling}
    label = clerk.display_name
    enterprises = [(e.pk, e.contact_name) for e in world["enterprises"] if e.status == EnterpriseStatus.ACTIVE]
    busy = [e for e in enterprises if rng.random() < 0.15]
    leaves: dict[str, list[AppealCategory]] = {}
    for category in AppealCategory.objects.filter(parent__isnull=False, is_active=True).select_related("parent"):
        assert category.parent is not None
        leaves.setdefault(category.parent.code, []).append(category)
    roots = [code for code in demo.PROFILE if leaves.get(code)]
    weights = [demo.PROFILE[code][0] for code in roots]
    days = [first_day + dt.timedelta(days=n) for n in range(365)]
    days = [d for d in days if calendar.is_workday(d)]
    received = sorted(demo._when(rng, rng.choice(days)) for _ in range(count))

    appeals: list[Appeal] = []
    dispatches: list[Dispatch] = []
    events: list[AppealEvent] = []
    counts = dict.fromkeys(("open", "overdue_appeals", "reopened", "returned", "extended", "late"), 0)
    serial: dict[int, int] = {}

    def event(appeal: Appeal, kind: str, at: dt.datetime, text: str, department: Any = None) -> None:
        events.append(
            AppealEvent(
                appeal=appeal, kind=kind, at=at, actor=None, actor_label=label, department=department, text=text
            )
        )

    def dispatch(appeal: Appeal, department: Any, role: str, limit: int, sent: dt.datetime, round_: int = 1) -> Any:
        sent_on = timezone.localdate(sent)
        row = Dispatch(
            appeal=appeal,
            department=department,
            role=role,
            handling_round=round_,
            limit_days=limit,
            dispatched_at=sent,
            dispatched_by=clerk,
            due_date=calendar.add_working_days(sent_on, limit),
            return_due=calendar.add_working_days(sent_on, settings.SERVICE_RETURN_DAYS),
        )
        dispatches.append(row)
        return row

    def answer(row: Any, replied: dt.datetime, *, approve: bool = True) -> None:
        row.reply = rng.choice(demo.ANSWERS)
        row.replied_at = replied
        row.accepted_at = row.accepted_at or min(replied, row.dispatched_at + dt.timedelta(hours=rng.randint(1, 20)))
        row.working_days = calendar.working_days_between(
            timezone.localdate(row.dispatched_at), timezone.localdate(replied)
        )
        row.in_time = timezone.localdate(replied) <= row.due_date
        row.status = DispatchStatus.REPLIED
        event(
            row.appeal, EventKind.REPLIED, replied, f"{row.department.name}已答复，待企业服务中心审核", row.department
        )
        if approve:
            row.status = DispatchStatus.APPROVED
            row.reviewed_at = min(replied + dt.timedelta(hours=2), now)
            event(row.appeal, EventKind.APPROVED, row.reviewed_at, f"企业服务中心审核通过{row.department.name}的答复")

    for at in received:
        root = rng.choices(roots, weights)[0]
        category = rng.choice(leaves[root])
        enterprise_id, contact = rng.choice(busy) if busy and rng.random() < 0.4 else rng.choice(enterprises)
        year = timezone.localdate(at).year
        serial[year] = serial.get(year, 0) + 1
        title = rng.choice(demo.PROFILE[root][2])
        channel = rng.choices([c for c, _w in demo.CHANNELS], [w for _c, w in demo.CHANNELS])[0]
        appeal = Appeal(
            number=f"SQ{year}{serial[year]:05d}",
            enterprise_id=enterprise_id,
            channel=channel,
            category=category,
            title=title,
            content=f"{title}：{category.name}方面的具体情况见附件说明，请帮助协调解决。",
            contact_name=contact,
            received_at=at,
            received_by=clerk,
            respond_by=calendar.add_working_hours(timezone.localtime(at), 1, office),
            responded_at=at + dt.timedelta(minutes=rng.randint(5, 50)),
            status=AppealStatus.CLOSED,
        )
        appeals.append(appeal)
        received_on = timezone.localdate(at)
        limit = deadlines.default_limit_days(category.is_consultation)
        event(appeal, EventKind.RECEIVED, at, f"通过{Channel(channel).label}受理诉求，编号{appeal.number}")
        if rng.random() < 2 / 3:  # 马上办
            appeal.mode = HandlingMode.IMMEDIATE
            replied = min(at + dt.timedelta(minutes=rng.randint(20, 240)), now)
            appeal.reply = rng.choice(demo.ANSWERS)
            appeal.replied_at = replied
            appeal.due_date = calendar.add_working_days(received_on, limit)
            event(appeal, EventKind.IMMEDIATE, replied, f"企业服务中心马上办答复：{appeal.reply}")
            demo._close(appeal, rng, calendar, today, replied, event)
            continue

        appeal.mode = HandlingMode.DISPATCH
        sent = appeal.responded_at
        assert sent is not None
        usual = [by_code[c] for c in demo.PROFILE[root][1] if c in by_code]
        lead = rng.choice(usual) if usual and rng.random() < 0.5 else rng.choice(handling)
        if rng.random() < 0.015:  # misrouted: the wrong department returns it within the limit, the centre re-sends
            wrong = dispatch(appeal, rng.choice([d for d in handling if d != lead]), DispatchRole.LEAD, limit, sent)
            event(
                appeal,
                EventKind.DISPATCHED,
                sent,
                f"转办{wrong.department.name}主办，{limit}个工作日内办结",
                wrong.department,
            )
            back = min(sent + dt.timedelta(hours=rng.randint(2, 24)), now)
            wrong.status = DispatchStatus.RETURNED
            wrong.return_reason = "该事项不属于本部门职责，请转相关部门办理"
            event(
                appeal,
                EventKind.RETURNED,
                back,
                f"{wrong.department.name}退回：{wrong.return_reason}",
                wrong.department,
            )
            sent = min(back + dt.timedelta(hours=1), now)
            counts["returned"] += 1
        roles = [(lead, DispatchRole.LEAD)]
        co = rng.choices((0, 1, 2), (70, 22, 8))[0]
        roles += [(d, DispatchRole.CO) for d in rng.sample([d for d in handling if d != lead], co)]
        rows = [dispatch(appeal, department, role, limit, sent) for department, role in roles]
        event(appeal, EventKind.DISPATCHED, sent, f"转办{lead.name}主办，{limit}个工作日内办结", lead)
        sent_on = timezone.localdate(sent)
        for row in rows:
            if rng.random() < 0.03:  # extended once, with a reason
                row.original_due = row.due_date
                row.due_date = calendar.add_working_days(row.due_date, rng.randint(2, 5))
                row.extension_reason = "需现场勘查并协调多个部门，申请延期"
                asked = min(sent + dt.timedelta(days=1), now)
                event(
                    appeal,
                    EventKind.EXTENDED,
                    asked,
                    f"{row.department.name}的办结时限延期至{row.due_date}",
                    row.department,
                )
                counts["extended"] += 1
        appeal.due_date = max(r.due_date for r in rows)
        age = calendar.working_days_between(sent_on, today)
        recent = age <= limit + 1 and rng.random() < 0.6
        stuck = age > limit and rng.random() < 0.012
        if recent or stuck:
            appeal.status = AppealStatus.HANDLING
            counts["open"] += 1
            counts["overdue_appeals"] += int(appeal.due_date < today)
            for row in rows:
                state = rng.choices([s for s, _w in OPEN_STATES], [w for _s, w in OPEN_STATES])[0]
                if state == "replied" and age == 0:
                    state = "accepted"  # dispatched today: not answered yet
                if state != "pending":
                    row.accepted_at = min(sent + dt.timedelta(hours=rng.randint(1, 20)), now)
                    event(
                        appeal,
                        EventKind.ACCEPTED,
                        row.accepted_at,
                        f"{row.department.name}已接收，正在办理",
                        row.department,
                    )
                if state == "replied":
                    answer(row, min(demo._when(rng, today), now), approve=False)
                else:
                    row.status = DispatchStatus.PENDING if state == "pending" else state
                if state == "clarify":
                    row.question = "请补充项目的具体地址和涉及的面积。"
            continue
        for row in rows:
            late = rng.random() < 0.08
            took = limit + rng.randint(1, 3) if late else rng.randint(max(0, limit - 3), limit)
            took = min(took, age)
            replied_on = calendar.add_working_days(sent_on, took) if took else sent_on
            answer(row, max(min(demo._when(rng, replied_on), now), sent + dt.timedelta(minutes=30)))
            counts["late"] += int(not row.in_time)
        appeal.replied_at = max(r.replied_at for r in rows)
        appeal.reply = "\n\n".join(f"【{r.department.name}】{r.reply}" for r in rows)
        demo._close(appeal, rng, calendar, today, appeal.replied_at, event)
        if appeal.status == AppealStatus.CLOSED and appeal.rating:
            for row in rows:
                row.rating = appeal.rating
        if appeal.rating == Rating.DISSATISFIED:  # reopened once: a second round led by the same department
            counts["reopened"] += 1
            rated_at = appeal.rated_at or appeal.replied_at
            appeal.reopened, appeal.first_rating, appeal.handling_round = True, Rating.DISSATISFIED, 2
            event(appeal, EventKind.REOPENED, rated_at, "企业不满意，诉求重新办理（第二次办理）")
            second = dispatch(appeal, lead, DispatchRole.LEAD, limit, min(rated_at + dt.timedelta(hours=1), now), 2)
            second_on = timezone.localdate(second.dispatched_at)
            event(appeal, EventKind.DISPATCHED, second.dispatched_at, f"转办{lead.name}主办（第二次办理）", lead)
            took = min(rng.randint(1, limit), calendar.working_days_between(second_on, today))
            day = calendar.add_working_days(second_on, took) if took else second_on
            answer(second, max(min(demo._when(rng, day), now), second.dispatched_at + dt.timedelta(minutes=30)))
            appeal.due_date = max(appeal.due_date, second.due_date)
            appeal.replied_at = second.replied_at
            appeal.reply = f"【{lead.name}】{second.reply}"
            rating = rng.choices([Rating.SATISFIED, Rating.BASIC, Rating.DISSATISFIED], [30, 50, 20])[0]
            rated = min(second.replied_at + dt.timedelta(hours=rng.randint(2, 40)), now)
            appeal.rating, appeal.rating_comment, appeal.rated_at = rating, "", rated
            appeal.status, appeal.closed_at = AppealStatus.CLOSED, rated
            second.rating = rating
            event(appeal, EventKind.RATED, rated, f"企业评价：{Rating(rating).label}")
            event(appeal, EventKind.CLOSED, rated, "诉求办结")

    with transaction.atomic():
        Appeal.objects.bulk_create(appeals, batch_size=1000)
        Dispatch.objects.bulk_create(dispatches, batch_size=1000)
        AppealEvent.objects.bulk_create(events, batch_size=2000)
    immediate = sum(1 for a in appeals if a.mode == HandlingMode.IMMEDIATE)
    return {
        "appeals": len(appeals),
        "immediate": immediate,
        "dispatched": len(appeals) - immediate,
        "dispatches": len(dispatches),
        "events": len(events),
        "rated": sum(1 for a in appeals if a.rating),
        **counts,
    }


def _measure(call: Any, runs: int) -> dict[str, Any]:
    """Three warm-up calls, then `runs` timed ones; the SQL of one more call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        call()
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        timings.append(time.perf_counter() - t0)
    with CaptureQueriesContext(connection) as captured:
        call()
    queries = captured.captured_queries
    stats = summary_ms(timings)
    slowest = max(queries, key=lambda q: float(q["time"] or 0)) if queries else {"sql": "", "time": "0"}
    return {
        **stats,
        "ok": stats["median_ms"] < TARGET_MEDIAN_MS,
        "p90_ms": round(percentile([t * 1000 for t in timings], 0.90), 1),
        "runs": runs,
        "queries": len(queries),
        "sql_ms": round(sum(float(q["time"] or 0) for q in queries) * 1000, 1),
        "slowest_sql": slowest["sql"][:600],
        "slowest_sql_ms": round(float(slowest["time"] or 0) * 1000, 1),
    }


def run(appeals: int, departments: int, enterprises: int, runs: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gaoxin-bench-service-") as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'service.sqlite3'}"
        setup_django()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.utils import timezone

        from gaoxin.service import selectors

        call_command("migrate", verbosity=0, interactive=False)
        migrated = time.perf_counter()
        today = timezone.localdate()
        world = _structure(departments, enterprises, seed, today)
        structured = time.perf_counter()
        year = _seed_year(appeals, seed, today, world)
        seeded = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as a live database would have, after its daily maintenance

        leader = world["leader"]
        start, end = today - dt.timedelta(days=364), today
        rows = selectors.scoreboard(leader, start, end)
        total = selectors.scoreboard_total(rows)
        summary = selectors.zone_summary_text(selectors.zone_summary(leader, start, end))
        overdue_lines = len(selectors.overdue_notice(leader, today, _notice_calendar()))
        client = Client()
        client.force_login(leader, backend="django.contrib.auth.backends.ModelBackend")
        page = f"/service/scoreboard/?start={start.isoformat()}&end={end.isoformat()}"

        def get(url: str) -> Any:
            def call() -> None:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            return call

        measured = {
            "selector": _measure(lambda: selectors.scoreboard(leader, start, end), runs),
            "scoreboard_page": {"url": page, **_measure(get(page), runs)},
            "notice_page": {"url": "/service/notice/", **_measure(get("/service/notice/"), runs)},
        }
        body = client.get(page).content.decode()
        departments_on_page = sum(1 for d in world["handling"] if d.name in body)
        return {
            "database": connection.vendor,
            "period": [start.isoformat(), end.isoformat()],
            "departments": len(world["handling"]),
            "enterprises": len(world["enterprises"]),
            "year": year,
            "scoreboard_rows": len(rows),
            "departments_on_page": departments_on_page,
            "received": total.received,
            "closed": total.closed,
            "overdue_now": total.overdue_now,
            "overdue_notice_lines": overdue_lines,
            "zone_summary": summary,
            "setup_seconds": {
                "migrate": round(migrated - started, 1),
                "structure_and_enterprises": round(structured - migrated, 1),
                "appeals": round(seeded - structured, 1),
            },
            "target_median_ms": TARGET_MEDIAN_MS,
            **measured,
            "ok": all(m["ok"] for m in measured.values()),
            "wall_seconds": round(time.perf_counter() - started, 1),
        }


def _notice_calendar() -> Any:
    from gaoxin.workcalendar.selectors import work_calendar

    return work_calendar()


def print_service(result: dict[str, Any]) -> None:
    year = result["year"]
    print()
    print(
        f"部门考核（{result['period'][0]}至{result['period'][1]}：{year['appeals']:,} 件诉求，"
        f"马上办 {year['immediate']:,}、转办 {year['dispatched']:,}"
        f"（转办件 {year['dispatches']:,} 条，{result['departments']} 个承办部门）；"
        f"{result['enterprises']:,} 家企业；领导登录；目标中位数 < {result['target_median_ms']:.0f} 毫秒）"
    )
    setup = result["setup_seconds"]
    print(
        f"（SQLite 临时库：迁移 {setup['migrate']} 秒，结构和企业 {setup['structure_and_enterprises']} 秒，"
        f"诉求 {setup['appeals']} 秒；办理记录 {year['events']:,} 条；单位：毫秒）"
    )
    labels = {
        "selector": "(a) 考核选择器 selectors.scoreboard（全年、全部部门）",
        "scoreboard_page": "(b) 部门考核页 /service/scoreboard/（全年）",
        "notice_page": f"(c) 逾期通报页 /service/notice/（{result['overdue_notice_lines']} 条）",
    }
    rows = [
        [label, f"{m['median_ms']:.1f}", f"{m['p90_ms']:.1f}", f"{m['p95_ms']:.1f}", str(m["queries"]),
         f"{m['sql_ms']:.1f}", "✓" if m["ok"] else "✗ 超标"]
        for key, label in labels.items()
        for m in [result[key]]
    ]  # fmt: skip
    print(table(["", "中位数", "P90", "P95", "SQL条数", "其中SQL", ""], rows, right=(1, 2, 3, 4, 5)))
    print(
        f"（考核表 {result['scoreboard_rows']} 行，页面列出 {result['departments_on_page']} 个部门；受理 "
        f"{result['received']:,}、办结 {result['closed']:,}、当前逾期 {result['overdue_now']}；转办件 "
        f"超时答复 {year['late']:,}、延期 {year['extended']}、退回 {year['returned']}；"
        f"诉求重新办理 {year['reopened']}、已评价 {year['rated']:,}）"
    )
    print(f"（{result['zone_summary']}）")
    for key, label in labels.items():
        if not result[key]["ok"]:
            m = result[key]
            print(f"\n{label} 超标：最慢的一条 SQL {m['slowest_sql_ms']} 毫秒\n  {m['slowest_sql']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="部门考核基准（一年的企业诉求）")
    parser.add_argument("--appeals", type=int, default=20_000, help="一年的诉求件数（默认 20000）")
    parser.add_argument("--departments", type=int, default=30, help="承办部门数（不含企业服务中心，默认 30）")
    parser.add_argument("--enterprises", type=int, default=2_000, help="企业数（默认 2000）")
    parser.add_argument("--runs", type=int, default=30, help="每项的测量次数（默认 30）")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, help="把结果写成 JSON 文件")
    args = parser.parse_args(argv)
    result = run(args.appeals, args.departments, args.enterprises, args.runs, args.seed)
    print_service(result)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
