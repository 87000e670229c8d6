"""The clock stops while a department waits for the enterprise's clarification (需澄清), worked by hand on the real
calendars around the 2025 National Day and the 2026 Spring Festival; and what happens to the co-departments still
open when the lead's answer is approved (协办完成)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gaoxin.core.errors import Conflict
from gaoxin.service import selectors, services
from gaoxin.service.models import Appeal, AppealEvent, Dispatch, DispatchReminder, DispatchStatus, Rating
from gaoxin.service.tests.conftest import at, category
from gaoxin.workcalendar.selectors import work_calendar

pytestmark = pytest.mark.django_db


def dispatched(zone: dict[str, Any], when: dt.datetime, co: bool = True) -> tuple[Appeal, Dispatch, Dispatch | None]:
    appeal = services.appeal_submit(
        actor=zone["a_user"], category=category("JCSS02"), title="厂房漏水维修", content="二号厂房屋顶漏水"
    ).appeal
    rows = services.appeal_dispatch(
        actor=zone["clerk"], appeal=appeal, lead=zone["gh"], co=[zone["kj"]] if co else [], now=when
    )
    return appeal, rows[0], rows[1] if co else None


def fresh(dispatch: Dispatch) -> Dispatch:
    dispatch.refresh_from_db()
    return dispatch


def test_national_day_2025_pause_moves_the_due_date_and_is_counted_out(zone) -> None:
    # Dispatched Thu 09-25, 4 working days: 09-26 Fri (1), 09-28 Sun 调休 (2), 09-29 (3), 09-30 (4).
    appeal, lead, _co = dispatched(zone, at(2025, 9, 25, 10), co=False)
    assert lead.due_date == dt.date(2025, 9, 30)
    services.dispatch_clarify(
        actor=zone["gh_officer"], dispatch=lead, question="请提供漏水照片", now=at(2025, 9, 26, 11)
    )
    lead = fresh(lead)
    assert (lead.status, lead.paused_on) == (DispatchStatus.CLARIFY, dt.date(2025, 9, 26))
    # During the holiday the due date (09-30) has passed, but the clock is stopped: not overdue, no escalation.
    today = dt.date(2025, 10, 9)
    assert selectors.overdue_notice(zone["leader"], today, work_calendar()) == []
    board = selectors.scoreboard(zone["leader"], dt.date(2025, 9, 1), dt.date(2025, 9, 30), today=today)
    assert [r.overdue_now for r in board] == [0]
    services.run_daily(today=today)
    assert not DispatchReminder.objects.filter(dispatch=lead).exists()
    # Answered Thu 10-09: waited 09-28, 09-29, 09-30, 10-09 = 4 working days (10-01..08 off; the day the question
    # was asked is not counted, the day of the answer is). The due date moves on 4 working days from 09-30:
    # 10-09 (1), 10-10 (2), 10-11 Sat 调休 (3), 10-13 Mon (4).
    services.appeal_clarify_answer(actor=zone["a_user"], appeal=appeal, answer="照片已上传", now=at(2025, 10, 9, 15))
    lead = fresh(lead)
    assert (lead.status, lead.paused_days, lead.paused_on) == (DispatchStatus.ACCEPTED, 4, None)
    assert lead.due_date == dt.date(2025, 10, 13)
    appeal.refresh_from_db()
    assert appeal.due_date == dt.date(2025, 10, 13)
    texts = list(AppealEvent.objects.filter(appeal=appeal, kind="clarified").values_list("text", "public"))
    assert texts == [
        ("企业澄清：照片已上传", True),
        ("规划和自然资源局等待企业澄清4个工作日，办结时限顺延至2025年10月13日（原2025年9月30日）", True),
    ]
    # Replied on the new due date: 8 working days since dispatch, 4 of them waiting → 4 days, in time.
    services.dispatch_reply(actor=zone["gh_officer"], dispatch=lead, reply="已修复", now=at(2025, 10, 13, 16))
    lead = fresh(lead)
    assert (lead.working_days, lead.in_time) == (4, True)
    services.dispatch_review(actor=zone["clerk"], dispatch=lead, approve=True, now=at(2025, 10, 14, 9))
    board = selectors.scoreboard(zone["leader"], dt.date(2025, 9, 1), dt.date(2025, 9, 30), today=today)
    (row,) = board
    assert (row.closed, row.in_time, row.days_sum) == (1, 1, 4)
    assert row.timely_rate == 100
    assert row.average_days == 4


def test_spring_festival_2026_pause(zone) -> None:
    # Dispatched Thu 02-12: 02-13 (1), 02-14 Sat 调休 (2), 02-24 (3), 02-25 (4).
    appeal, lead, _co = dispatched(zone, at(2026, 2, 12, 9), co=False)
    assert lead.due_date == dt.date(2026, 2, 25)
    services.dispatch_clarify(actor=zone["gh_officer"], dispatch=lead, question="请说明面积", now=at(2026, 2, 13, 16))
    # Answered Tue 02-24: waited 02-14 and 02-24 = 2 working days; due 02-25 → 02-26 (1), 02-27 (2).
    services.appeal_clarify_answer(actor=zone["a_user"], appeal=appeal, answer="约300平方米", now=at(2026, 2, 24, 10))
    lead = fresh(lead)
    assert (lead.paused_days, lead.due_date) == (2, dt.date(2026, 2, 27))
    assert lead.return_due == dt.date(2026, 2, 25)  # the return limit (02-14) moves too: 02-24, 02-25
    assert AppealEvent.objects.filter(
        appeal=appeal, text__contains="等待企业澄清2个工作日，办结时限顺延至2026年2月27日"
    ).exists()
    # Replied on 02-27, past the original due date: 6 working days (02-13, 02-14, 02-24..02-27) less 2 waiting = 4,
    # in time.
    services.dispatch_reply(actor=zone["gh_officer"], dispatch=lead, reply="已安排", now=at(2026, 2, 27, 17))
    lead = fresh(lead)
    assert (lead.working_days, lead.in_time) == (4, True)


def test_answer_on_a_holiday_and_on_the_same_day(zone) -> None:
    appeal, lead, _co = dispatched(zone, at(2026, 2, 12, 9), co=False)
    services.dispatch_clarify(actor=zone["gh_officer"], dispatch=lead, question="请说明面积", now=at(2026, 2, 13, 9))
    # Answered Sun 02-22 (Spring Festival): only Sat 02-14 (调休) was a working day lost.
    services.appeal_clarify_answer(actor=zone["a_user"], appeal=appeal, answer="300平方米", now=at(2026, 2, 22, 20))
    lead = fresh(lead)
    assert (lead.paused_days, lead.due_date) == (1, dt.date(2026, 2, 26))
    # Asked and answered the same day: nothing lost, the due date stays; a second pause adds to the first.
    services.dispatch_clarify(actor=zone["gh_officer"], dispatch=lead, question="楼层?", now=at(2026, 2, 24, 9))
    services.appeal_clarify_answer(actor=zone["a_user"], appeal=appeal, answer="三楼", now=at(2026, 2, 24, 11))
    lead = fresh(lead)
    assert (lead.paused_days, lead.due_date) == (1, dt.date(2026, 2, 26))
    assert AppealEvent.objects.filter(
        appeal=appeal, text="规划和自然资源局当日收到企业澄清，办结时限仍为2026年2月26日"
    ).exists()


def test_a_dispatch_already_overdue_when_it_asks_stays_overdue_frozen(zone) -> None:
    # Dispatched Mon 11-02, due Fri 11-06; asks on Tue 11-10, already 2 working days late.
    _appeal, lead, _co = dispatched(zone, at(2026, 11, 2, 9), co=False)
    assert lead.due_date == dt.date(2026, 11, 6)
    services.dispatch_clarify(actor=zone["gh_officer"], dispatch=lead, question="请补充", now=at(2026, 11, 10, 9))
    lines = selectors.overdue_notice(zone["leader"], dt.date(2026, 11, 20), work_calendar())
    assert [(line.dispatch.pk, line.overdue_days) for line in lines] == [(lead.pk, 2)]
    board = selectors.scoreboard(
        zone["leader"], dt.date(2026, 11, 1), dt.date(2026, 11, 30), today=dt.date(2026, 11, 20)
    )
    assert [r.overdue_now for r in board] == [1]
    # the inbox shows the days left frozen at the day of the question
    (shown,) = selectors.with_days_left([fresh(lead)], work_calendar(), dt.date(2026, 11, 20))
    assert shown.days_left == -2  # type: ignore[attr-defined]


def test_no_reminder_while_paused(zone) -> None:
    # Dispatched Fri 11-13, due Thu 11-19; a reminder is due on Wed 11-18 (1 working day left) unless paused.
    _appeal, lead, _co = dispatched(zone, at(2026, 11, 13, 9), co=False)
    assert lead.due_date == dt.date(2026, 11, 19)
    services.dispatch_clarify(actor=zone["gh_officer"], dispatch=lead, question="请补充", now=at(2026, 11, 16, 9))
    result = services.run_daily(today=dt.date(2026, 11, 18))
    assert result.reminded == []
    assert result.escalated == []


# --- co-departments when the lead's answer is approved ------------------------------------------------------------


def test_open_co_departments_close_as_co_done(zone) -> None:
    # Dispatched Mon 11-02 to 规划 (lead) and 科技 (co), both due Fri 11-06.
    appeal, lead, co = dispatched(zone, at(2026, 11, 2, 9))
    assert co is not None
    services.dispatch_accept(actor=zone["kj_officer"], dispatch=co)
    services.dispatch_reply(actor=zone["gh_officer"], dispatch=lead, reply="已协调", now=at(2026, 11, 4, 10))
    services.dispatch_review(actor=zone["clerk"], dispatch=lead, approve=True, now=at(2026, 11, 5, 10))
    co = fresh(co)
    assert (co.status, co.working_days, co.in_time) == (DispatchStatus.CO_DONE, 3, True)
    assert not co.is_active
    event = AppealEvent.objects.get(appeal=appeal, kind="co_done")
    assert (event.text, event.public) == ("主办部门规划和自然资源局的答复已审核通过，科技产业局协办完成", True)
    # It is off the department's open list, counted as received and closed, never overdue; the rating is the lead's.
    assert list(selectors.department_inbox(zone["kj_officer"])) == []
    services.appeal_rate(actor=zone["a_user"], appeal=appeal, rating=Rating.SATISFIED)
    board = {
        r.department: r
        for r in selectors.scoreboard(
            zone["leader"], dt.date(2026, 11, 1), dt.date(2026, 11, 30), today=dt.date(2026, 11, 20)
        )
    }
    kj = board["科技产业局"]
    assert (kj.received, kj.closed, kj.in_time, kj.rated, kj.overdue_now) == (1, 1, 1, 0, 0)
    gh = board["规划和自然资源局"]
    assert (gh.received, gh.closed, gh.rated, gh.satisfied) == (1, 1, 1, 1)
    # it cannot be replied to any more
    with pytest.raises(Conflict, match="当前状态为“协办完成”，不能答复"):
        services.dispatch_reply(actor=zone["kj_officer"], dispatch=co, reply="迟到的答复")


def test_co_done_late_and_a_pending_clarification_ends(zone) -> None:
    # The co-department asked the enterprise on Tue 11-03 and never got an answer; it was due 11-06. The lead's
    # answer is approved on Tue 11-10: the co's part closes, its waiting days (11-04..11-10 = 5) are counted out
    # and its due date moves on accordingly (11-06 + 5 = 11-13): in time; the question is no longer open.
    appeal, lead, co = dispatched(zone, at(2026, 11, 2, 9))
    assert co is not None
    services.dispatch_clarify(actor=zone["kj_officer"], dispatch=co, question="请提供合同", now=at(2026, 11, 3, 9))
    services.dispatch_reply(actor=zone["gh_officer"], dispatch=lead, reply="已协调", now=at(2026, 11, 9, 10))
    services.dispatch_review(actor=zone["clerk"], dispatch=lead, approve=True, now=at(2026, 11, 10, 10))
    co = fresh(co)
    assert (co.status, co.paused_days, co.due_date, co.working_days, co.in_time) == (
        DispatchStatus.CO_DONE,
        5,
        dt.date(2026, 11, 13),
        1,
        True,
    )
    assert selectors.open_questions(appeal) == []
    # An idle co-department past its own due date when the lead is approved is closed late.
    _appeal2, lead2, co2 = dispatched(zone, at(2026, 11, 2, 9))
    assert co2 is not None
    services.dispatch_reply(actor=zone["gh_officer"], dispatch=lead2, reply="已协调", now=at(2026, 11, 6, 10))
    services.dispatch_review(actor=zone["clerk"], dispatch=lead2, approve=True, now=at(2026, 11, 9, 10))
    co2 = fresh(co2)
    assert (co2.status, co2.working_days, co2.in_time) == (DispatchStatus.CO_DONE, 5, False)


def test_an_ordinary_weekend(zone) -> None:
    # Dispatched Wed 2026-11-04, due Tue 11-10 (11-05, 11-06, 11-09, 11-10). Asked Fri 11-06, answered Sat 11-07:
    # nothing lost. Asked again Mon 11-09, answered Wed 11-11: 11-10 and 11-11 lost → due Thu 11-12, then Fri 11-13.
    appeal, lead, _co = dispatched(zone, at(2026, 11, 4, 9), co=False)
    assert lead.due_date == dt.date(2026, 11, 10)
    services.dispatch_clarify(actor=zone["gh_officer"], dispatch=lead, question="请补充", now=at(2026, 11, 6, 17))
    services.appeal_clarify_answer(actor=zone["a_user"], appeal=appeal, answer="已补充", now=at(2026, 11, 7, 10))
    assert (fresh(lead).paused_days, fresh(lead).due_date) == (0, dt.date(2026, 11, 10))
    services.dispatch_clarify(actor=zone["gh_officer"], dispatch=lead, question="还需", now=at(2026, 11, 9, 9))
    services.appeal_clarify_answer(actor=zone["a_user"], appeal=appeal, answer="再补充", now=at(2026, 11, 11, 16))
    lead = fresh(lead)
    assert (lead.paused_days, lead.due_date) == (2, dt.date(2026, 11, 12))
    # replied Thu 11-12: 6 working days since dispatch (11-05 … 11-12) less 2 waiting = 4, in time
    services.dispatch_reply(actor=zone["gh_officer"], dispatch=lead, reply="已办结", now=at(2026, 11, 12, 17))
    lead = fresh(lead)
    assert (lead.working_days, lead.in_time) == (4, True)


def test_the_migration_pauses_clarifications_already_pending(zone) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("gaoxin.service.migrations.0004_grids_pause_import")
    _appeal, lead, _co = dispatched(zone, at(2026, 11, 2, 9), co=False)
    services.dispatch_clarify(actor=zone["gh_officer"], dispatch=lead, question="请补充", now=at(2026, 11, 4, 9))
    Dispatch.objects.filter(pk=lead.pk).update(paused_on=None)  # as before the migration
    AppealEvent.objects.filter(kind="clarify").update(at=at(2026, 11, 3, 15))
    migration._pause_pending_clarifications(apps, None)
    assert fresh(lead).paused_on == dt.date(2026, 11, 3)


def test_the_moved_due_date_is_audited(zone) -> None:
    from gaoxin.core.models import AuditEntry

    appeal, lead, _co = dispatched(zone, at(2026, 2, 12, 9), co=False)
    services.dispatch_clarify(actor=zone["gh_officer"], dispatch=lead, question="请说明面积", now=at(2026, 2, 13, 16))
    services.appeal_clarify_answer(actor=zone["a_user"], appeal=appeal, answer="约300平方米", now=at(2026, 2, 24, 10))
    entry = AuditEntry.objects.filter(target_id=str(lead.pk), target_type__contains="dispatch").order_by("-id").first()
    assert entry is not None
    assert entry.changes["办结时限"] == ["2026-02-25", "2026-02-27"]
    assert entry.changes["状态"] == ["需澄清", "已接收"]
