"""The department scoreboard, the zone summary and the overdue notice against hand-counted cases.

Period: September 2026. 规划和自然资源局 (GH), all dispatched Tue 2026-09-01 10:00 with 4 working days (due Mon 09-07):
- g1 replied Thu 09-03 (2 working days, in time), approved, rated 满意;
- g2 replied Wed 09-09 (6 working days: 2, 3, 4, 7, 8, 9; late), approved, rated 不满意 (the appeal reopens);
- g3 still open: overdue now;
- g4 returned (a misrouted item is not the department's);
- g5 dispatched on 2026-08-31, outside the period: not received in September, but open and overdue now.
So GH: received 3, closed 2 → 办结率 66.7%; in time 1 of 2 → 及时率 50.0%; rated 2, satisfied 1 → 满意率 50.0%;
average (2 + 6) ÷ 2 = 4.0 working days; overdue now 2 (g3, g5).
科技产业局 (KJ), co-department of g1: replied 09-02 (1 day, in time), approved, rated 满意 with g1's appeal: received 1,
closed 1, 100.0% / 100.0% / 100.0%, 1.0 day, overdue 0.
Zone: 7 appeals received in September (g1–g4, two 马上办 answered, one waiting) → 马上办 2 (办结率100.0%);
转办 4, of which only g1 is answered (g2 reopened, g3 handling, g4 returned and waiting): 办结率25.0%.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from gaoxin.core.errors import PermissionDenied
from gaoxin.service import selectors, services
from gaoxin.service.models import Appeal
from gaoxin.service.tests.conftest import at, category
from gaoxin.workcalendar.selectors import work_calendar

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
SEPTEMBER = (dt.date(2026, 9, 1), dt.date(2026, 9, 30))


def appeal(zone: dict[str, Any], title: str, when: dt.datetime, code: str = "YD01") -> Appeal:
    return services.appeal_record(
        actor=zone["clerk"],
        enterprise=zone["a"],
        channel="phone",
        category=category(code),
        title=title,
        content="内容",
        received_at=when,
    ).appeal


@pytest.fixture
def month(zone: dict[str, Any]) -> dict[str, Any]:
    sent = at(2026, 9, 1, 10)
    g = {}
    for n, title in enumerate(["土地供应", "规划调整", "不动产登记", "厂房租赁"], start=1):
        g[n] = appeal(zone, title, at(2026, 9, 1, 9))
    lead1, co1 = services.appeal_dispatch(actor=zone["clerk"], appeal=g[1], lead=zone["gh"], co=[zone["kj"]], now=sent)
    (lead2,) = services.appeal_dispatch(actor=zone["clerk"], appeal=g[2], lead=zone["gh"], now=sent)
    services.appeal_dispatch(actor=zone["clerk"], appeal=g[3], lead=zone["gh"], now=sent)
    (lead4,) = services.appeal_dispatch(actor=zone["clerk"], appeal=g[4], lead=zone["gh"], now=sent)
    services.dispatch_return(actor=zone["gh_officer"], dispatch=lead4, reason="不属本局", today=dt.date(2026, 9, 2))
    services.dispatch_reply(actor=zone["gh_officer"], dispatch=lead1, reply="已供地", now=at(2026, 9, 3, 15))
    services.dispatch_reply(actor=zone["kj_officer"], dispatch=co1, reply="可申报", now=at(2026, 9, 2, 15))
    services.dispatch_reply(actor=zone["gh_officer"], dispatch=lead2, reply="已调整", now=at(2026, 9, 9, 15))
    for d in (lead1, co1, lead2):
        services.dispatch_review(actor=zone["clerk"], dispatch=d, approve=True)
    services.appeal_rate(actor=zone["a_user"], appeal=g[1], rating="satisfied")
    services.appeal_rate(actor=zone["a_user"], appeal=g[2], rating="dissatisfied", comment="未解决")
    old = appeal(zone, "八月的诉求", at(2026, 8, 31, 9))
    services.appeal_dispatch(actor=zone["clerk"], appeal=old, lead=zone["gh"], now=at(2026, 8, 31, 10))
    for title in ("申报时间", "政策口径"):
        services.appeal_answer(actor=zone["clerk"], appeal=appeal(zone, title, at(2026, 9, 15), "ZCZX01"), reply="答复")
    appeal(zone, "待分办", at(2026, 9, 30, 17))
    appeal(zone, "十月的诉求", at(2026, 10, 1, 9))
    return g


def test_department_figures(zone, month) -> None:
    rows = {r.department: r for r in selectors.scoreboard(zone["leader"], *SEPTEMBER, today=TODAY)}
    assert set(rows) == {"规划和自然资源局", "科技产业局"}
    gh = rows["规划和自然资源局"]
    assert (gh.received, gh.closed, gh.in_time, gh.rated, gh.satisfied, gh.days_sum, gh.overdue_now) == (
        3,
        2,
        1,
        2,
        1,
        8,
        2,
    )
    assert gh.close_rate.quantize(Decimal("0.1")) == Decimal("66.7")
    assert gh.timely_rate == Decimal(50)
    assert gh.satisfaction_rate == Decimal(50)
    assert gh.average_days == Decimal(4)
    kj = rows["科技产业局"]
    assert (kj.received, kj.closed, kj.close_rate, kj.timely_rate, kj.satisfaction_rate, kj.average_days) == (
        1,
        1,
        Decimal(100),
        Decimal(100),
        Decimal(100),
        Decimal(1),
    )
    total = selectors.scoreboard_total(list(rows.values()))
    assert (total.received, total.closed, total.overdue_now) == (4, 3, 2)


def test_zone_summary(zone, month) -> None:
    summary = selectors.zone_summary(zone["leader"], *SEPTEMBER)
    # received in September: g1–g4, 2 马上办, 1 waiting = 7 (the August and October ones are outside)
    assert (summary.received, summary.immediate, summary.immediate_closed) == (7, 2, 2)
    # 转办: g1 (closed), g2 (reopened, waiting again), g3 (handling); g4 was returned and waits for triage again
    assert (summary.dispatched, summary.dispatched_closed, summary.waiting, summary.reopened) == (4, 1, 3, 1)
    assert (summary.rated, summary.satisfied) == (1, 1)
    assert selectors.zone_summary_text(summary) == (
        "受理企业诉求7件，其中马上办2件，办结率100.0%；转办4件，办结率25.0%；企业满意率100.0%"
    )


def test_overdue_notice(zone, month) -> None:
    lines = selectors.overdue_notice(zone["leader"], TODAY, work_calendar())
    assert [(line.dispatch.appeal.title, line.dispatch.due_date, line.overdue_days) for line in lines] == [
        ("八月的诉求", dt.date(2026, 9, 4), 52),  # 2026: Sun 09-20 and Sat 10-10 worked, Oct 1–7 off
        ("不动产登记", dt.date(2026, 9, 7), 51),
    ]


def test_scoreboard_is_for_leaders_and_officers(zone) -> None:
    with pytest.raises(PermissionDenied, match="只有领导和科室人员可以查看部门考核"):
        selectors.scoreboard(zone["park_officer"], *SEPTEMBER)


def test_pages_and_exports(client, zone, month) -> None:
    client.force_login(zone["leader"])
    html = client.get(reverse("service:scoreboard"), {"start": "2026-09-01", "end": "2026-09-30"}).content.decode()
    assert "受理企业诉求7件，其中马上办2件" in html
    assert "66.7%" in html
    xlsx = client.get(reverse("service:scoreboard"), {"start": "2026-09-01", "end": "2026-09-30", "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    notice = client.get(reverse("service:notice")).content.decode()
    assert "八月的诉求" in notice
    assert client.get(reverse("service:notice"), {"format": "xlsx"}).status_code == 200


def test_scoreboard_query_budget(client, zone, month, django_assert_max_num_queries) -> None:
    client.force_login(zone["leader"])
    with django_assert_max_num_queries(14):
        client.get(reverse("service:scoreboard"), {"start": "2026-01-01", "end": "2026-12-31"})


def _docx(content: bytes) -> Any:
    import io

    from docx import Document

    return Document(io.BytesIO(content))


def test_overdue_notice_as_word(client, zone, month) -> None:
    from gaoxin.service.notice_docx import chinese_number, notice_docx

    lines = selectors.overdue_notice(zone["leader"], TODAY, work_calendar())
    doc = _docx(notice_docx(lines, TODAY, "企业服务中心"))
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[:4] == [
        "关于企业诉求逾期未办结情况的通报",
        "（截至2026年11月23日）",
        "各有关部门：",
        "截至2026年11月23日，共有2件转办诉求超过办结时限未办结，涉及1个部门（规划和自然资源局2件），"
        "最长逾期52个工作日。请相关部门高度重视，抓紧办理，尽快答复企业。",
    ]
    assert texts[-2:] == ["企业服务中心", "2026年11月23日"]
    assert "（一）规划和自然资源局（2件）" in texts
    summary, detail = ([[c.text for c in row.cells] for row in table.rows] for table in doc.tables)
    assert summary == [["序号", "承办部门", "逾期件数", "最长逾期(工作日)"], ["1", "规划和自然资源局", "2", "52"]]
    assert detail[0] == ["诉求编号", "企业", "诉求标题", "承办方式", "办结时限", "逾期(工作日)"]
    assert [row[2:] for row in detail[1:]] == [
        ["八月的诉求", "主办", "2026年9月4日", "52"],
        ["不动产登记", "主办", "2026年9月7日", "51"],
    ]
    assert detail[1][1] == "珠海甲科技有限公司"
    assert [chinese_number(n) for n in (1, 9, 10, 12, 20, 23)] == ["一", "九", "十", "十二", "二十", "二十三"]
    # nothing overdue: a notice that says so, without tables
    empty = _docx(notice_docx([], TODAY, "企业服务中心"))
    assert "截至2026年11月23日，没有超过办结时限未办结的转办诉求。" in [p.text for p in empty.paragraphs]
    assert empty.tables == []
    # the page's export
    client.force_login(zone["leader"])
    response = client.get(reverse("service:notice"), {"format": "docx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    cells = [c.text for table in _docx(response.content).tables for row in table.rows for c in row.cells]
    assert "八月的诉求" in cells
    assert "不动产登记" in cells
