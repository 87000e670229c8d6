"""Reporting rounds: opening, the enterprise's submission and its checks, locking, corrections, 催报 and scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from gaoxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gaoxin.core.models import AuditEntry
from gaoxin.indicators.models import Fact, FactSource, Indicator
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.notifications.models import Notification
from gaoxin.reporting import selectors, services
from gaoxin.reporting.models import ReportEntry, ReportingRound, RoundEnterprise, RoundReminder
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def monthly(enterprise: Any, code: str, year: int, month: int, amount: str, source: str = FactSource.IMPORT) -> None:
    facts_store(actor=None, inputs=[FactInput(enterprise.pk, ind(code), year, month, D(amount))], source=source)


@pytest.fixture
def zone() -> dict[str, Any]:
    tjw = f.ParkFactory(name="唐家湾主园区", short_name="唐家湾")
    np = f.ParkFactory(name="南屏科技园", short_name="南屏")
    a = f.EnterpriseFactory(name="珠海甲制造有限公司", park=tjw, is_above_scale=True)
    b = f.EnterpriseFactory(name="珠海乙制造有限公司", park=np, is_above_scale=True)
    small = f.EnterpriseFactory(name="珠海丙科技有限公司", park=tjw, is_above_scale=False)
    for month, amount in [(8, "1000"), (9, "1200")]:
        monthly(a, "output_value", 2026, month, amount)
        monthly(a, "electricity", 2026, month, "50")
        monthly(b, "output_value", 2026, month, "800")
        monthly(b, "electricity", 2026, month, "30")
    monthly(a, "output_value", 2025, 10, "900")
    return {
        "tjw": tjw,
        "np": np,
        "a": a,
        "b": b,
        "small": small,
        "officer": f.officer(email="officer@zone.gov.cn"),
        "a_user": f.enterprise_user(a, email="a@example.com"),
        "b_user": f.enterprise_user(b, email="b@example.com"),
    }


def open_round(z: dict[str, Any], *, deadline: dt.datetime | None = None, **kw: Any) -> ReportingRound:
    return services.round_open(
        actor=z["officer"],
        year=2026,
        month=10,
        deadline=deadline or timezone.now() + dt.timedelta(days=5),
        indicators=[ind("output_value"), ind("electricity")],
        **kw,
    )


def member_of(round_: ReportingRound, enterprise: Any) -> RoundEnterprise:
    return RoundEnterprise.objects.select_related("round").get(round=round_, enterprise=enterprise)


def submit(z: dict[str, Any], member: RoundEnterprise, values: dict[str, str], notes: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return services.report_submit(
        actor=z["a_user"] if member.enterprise_id == z["a"].pk else z["b_user"],
        member=member,
        values={ind(code).pk: v for code, v in values.items()},
        explanations={ind(code).pk: v for code, v in (notes or {}).items()},
    )


# --- opening a round -------------------------------------------------------------------------------------------


def test_opening_a_round_lists_the_above_scale_firms_and_tells_their_users(
    zone: dict[str, Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        round_ = open_round(zone)
    members = set(round_.members.values_list("enterprise__name", flat=True))
    assert members == {"珠海甲制造有限公司", "珠海乙制造有限公司"}  # 规下 丙 is not asked
    assert round_.jump_threshold == D(30)
    titles = set(Notification.objects.values_list("recipient__username", "title"))
    assert (zone["a_user"].username, "请填报2026年10月经济指标") in titles
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]
    assert AuditEntry.objects.filter(target_type="reporting.reportinground").count() == 1


def test_only_officers_open_rounds_and_one_per_month(zone: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.round_open(
            actor=f.park_officer(zone["tjw"]),
            year=2026,
            month=10,
            deadline=timezone.now() + dt.timedelta(days=3),
            indicators=[ind("output_value")],
        )
    open_round(zone)
    with pytest.raises(Conflict, match="2026年10月的填报已发起过"):
        open_round(zone)


def test_a_round_refuses_the_future_ratio_indicators_and_past_deadlines(zone: dict[str, Any]) -> None:
    next_month = timezone.localdate() + dt.timedelta(days=40)
    with pytest.raises(ValidationFailed, match="尚未开始"):
        services.round_open(
            actor=zone["officer"],
            year=next_month.year,
            month=next_month.month,
            deadline=timezone.now() + dt.timedelta(days=50),
            indicators=[ind("output_value")],
        )
    with pytest.raises(ValidationFailed, match="不是企业可按月填报的指标"):
        open_round_with(zone, [ind("energy_intensity")])
    with pytest.raises(ValidationFailed, match="截止时间应晚于现在"):
        open_round(zone, deadline=timezone.now() - dt.timedelta(hours=1))
    assert not ReportingRound.objects.exists()


def open_round_with(z: dict[str, Any], indicators: list[Indicator]) -> ReportingRound:
    return services.round_open(
        actor=z["officer"], year=2026, month=10, deadline=timezone.now() + dt.timedelta(days=3), indicators=indicators
    )


def test_selection_by_previous_month_and_park(zone: dict[str, Any]) -> None:
    round_ = open_round(zone, selection=services.Selection.PREVIOUS, parks=[zone["np"]])
    assert list(round_.members.values_list("enterprise__name", flat=True)) == ["珠海乙制造有限公司"]


# --- the enterprise's sheet and submission ---------------------------------------------------------------------


def test_sheet_prefills_last_month_and_computes_the_cumulative(zone: dict[str, Any]) -> None:
    member = member_of(open_round(zone), zone["a"])
    rows = {row.indicator.code: row for row in selectors.sheet(member)}
    output = rows["output_value"]
    assert output.previous == D(1200)
    assert output.initial == D(1200)  # prefilled with last month
    assert output.base_cumulative == D(2200)  # Aug + Sep this year
    assert output.cumulative_of(D(1300)) == D(3500)
    assert output.last_year == D(900)


def test_submission_stores_facts_as_reported_by_the_enterprise(zone: dict[str, Any]) -> None:
    member = member_of(open_round(zone), zone["a"])
    result = submit(zone, member, {"output_value": "1,300", "electricity": "55"})
    assert not result.resubmitted
    fact = Fact.objects.get(enterprise=zone["a"], indicator=ind("output_value"), year=2026, month=10)
    assert (fact.value, fact.cumulative, fact.source) == (D(1300), D(3500), FactSource.REPORT)
    member.refresh_from_db()
    assert member.submitted_at is not None
    assert member.submitted_by == zone["a_user"]
    assert ReportEntry.objects.filter(member=member).count() == 2


def test_missing_figure_negative_figure_and_text_are_refused_with_the_field_named(zone: dict[str, Any]) -> None:
    member = member_of(open_round(zone), zone["a"])
    with pytest.raises(ValidationFailed) as caught:
        submit(zone, member, {"output_value": "", "electricity": "-3"})
    errors = caught.value.data["errors"]
    assert errors[ind("output_value").pk] == "工业总产值：必填，本月没有发生请填0"
    assert errors[ind("electricity").pk] == "用电量：不能为负数"
    assert "有2项未通过校验，未保存任何数据" in caught.value.message
    with pytest.raises(ValidationFailed) as caught:
        submit(zone, member, {"output_value": "一千", "electricity": "50"})
    assert caught.value.data["errors"][ind("output_value").pk] == "工业总产值：“一千”不是数字"
    assert not Fact.objects.filter(year=2026, month=10, source=FactSource.REPORT).exists()
    assert not ReportEntry.objects.exists()
    member.refresh_from_db()
    assert member.submitted_at is None


def test_a_jump_beyond_the_threshold_needs_an_explanation(zone: dict[str, Any]) -> None:
    member = member_of(open_round(zone), zone["a"])
    # 1200 → 1600 is +33.3 %, beyond 30 %: refused without a word of explanation …
    with pytest.raises(ValidationFailed) as caught:
        submit(zone, member, {"output_value": "1600", "electricity": "50"})
    assert caught.value.data["errors"][ind("output_value").pk] == (
        "工业总产值：比上月增长33.3%，超过30.0%的波动阈值，请填写说明"
    )
    # … and a drop the same: 50 → 20 is −60 %.
    with pytest.raises(ValidationFailed) as caught:
        submit(zone, member, {"output_value": "1300", "electricity": "20"})
    assert "用电量：比上月下降60.0%" in caught.value.data["errors"][ind("electricity").pk]
    # With explanations it goes through, and the explanation is kept with the entry.
    submit(
        zone,
        member,
        {"output_value": "1600", "electricity": "20"},
        {"output_value": "新生产线投产", "electricity": "检修停产半月"},
    )
    assert ReportEntry.objects.get(member=member, indicator=ind("output_value")).explanation == "新生产线投产"


def test_exactly_at_the_threshold_needs_no_explanation(zone: dict[str, Any]) -> None:
    member = member_of(open_round(zone), zone["a"])
    submit(zone, member, {"output_value": "1560", "electricity": "65"})  # +30.0 % both: not beyond
    assert member.entries.count() == 2


def test_resubmission_before_the_deadline_replaces_and_is_audited(zone: dict[str, Any]) -> None:
    member = member_of(open_round(zone), zone["a"])
    submit(zone, member, {"output_value": "1300", "electricity": "50"})
    result = submit(zone, member, {"output_value": "1250", "electricity": "50"})
    assert result.resubmitted
    fact = Fact.objects.get(enterprise=zone["a"], indicator=ind("output_value"), year=2026, month=10)
    assert fact.value == D(1250)
    change = AuditEntry.objects.filter(reason="企业重新报送").get()
    assert change.changes == {"工业总产值（2026年10月当月）": ["1300", "1250"]}


def test_after_the_deadline_the_round_is_locked(zone: dict[str, Any]) -> None:
    round_ = open_round(zone)
    ReportingRound.objects.filter(pk=round_.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    member = member_of(round_, zone["a"])
    with pytest.raises(PermissionDenied, match="2026年10月的填报已截止"):
        submit(zone, member, {"output_value": "1300", "electricity": "50"})


def test_closing_early_locks_and_extending_reopens(zone: dict[str, Any]) -> None:
    round_ = open_round(zone)
    services.round_close(actor=zone["officer"], round_=round_)
    assert round_.locked
    with pytest.raises(ValidationFailed, match="请填写延期原因"):
        services.round_extend(
            actor=zone["officer"], round_=round_, deadline=timezone.now() + dt.timedelta(days=2), reason=" "
        )
    services.round_extend(
        actor=zone["officer"], round_=round_, deadline=timezone.now() + dt.timedelta(days=2), reason="统计局延长报送期"
    )
    assert not round_.locked
    assert AuditEntry.objects.filter(reason="统计局延长报送期").exists()


def test_another_enterprise_cannot_submit_or_see_the_membership(zone: dict[str, Any]) -> None:
    round_ = open_round(zone)
    member_a = member_of(round_, zone["a"])
    with pytest.raises(NotFound):
        selectors.member_get(zone["b_user"], member_a.pk)
    with pytest.raises(PermissionDenied, match="只有本企业的用户可以填报"):
        services.report_submit(actor=zone["b_user"], member=member_a, values={}, explanations={})


# --- corrections -----------------------------------------------------------------------------------------------


def test_officer_correction_needs_a_reason_keeps_the_submission_and_is_audited(zone: dict[str, Any]) -> None:
    member = member_of(open_round(zone), zone["a"])
    submit(zone, member, {"output_value": "1300", "electricity": "50"})
    with pytest.raises(ValidationFailed, match="请填写更正原因"):
        services.report_correct(
            actor=zone["officer"], member=member, indicator=ind("output_value"), value=D(1350), reason=""
        )
    services.report_correct(
        actor=zone["officer"], member=member, indicator=ind("output_value"), value=D(1350), reason="与统计局快报核对"
    )
    fact = Fact.objects.get(enterprise=zone["a"], indicator=ind("output_value"), year=2026, month=10)
    assert (fact.value, fact.cumulative, fact.source) == (D(1350), D(3550), FactSource.CORRECTION)
    assert ReportEntry.objects.get(member=member, indicator=ind("output_value")).value == D(1300)
    entry = AuditEntry.objects.get(reason="与统计局快报核对")
    assert entry.changes == {"工业总产值（2026年10月当月）": ["1300", "1350"]}
    assert entry.actor == zone["officer"]


def test_entering_a_figure_for_a_firm_that_did_not_report_is_audited_too(zone: dict[str, Any]) -> None:
    member = member_of(open_round(zone), zone["b"])
    services.report_correct(
        actor=zone["officer"], member=member, indicator=ind("output_value"), value=D(810), reason="电话核实代报"
    )
    entry = AuditEntry.objects.get(reason="电话核实代报")
    assert entry.changes == {"工业总产值（2026年10月当月）": [None, "810"]}


def test_commissioners_and_leaders_cannot_correct(zone: dict[str, Any]) -> None:
    member = member_of(open_round(zone), zone["a"])
    for actor in (f.leader(), f.commissioner()):
        with pytest.raises(PermissionDenied):
            services.report_correct(actor=actor, member=member, indicator=ind("output_value"), value=D(1), reason="x")


# --- 催报 ---------------------------------------------------------------------------------------------------------


def test_missing_list_leaves_out_submitted_and_imported_firms(zone: dict[str, Any]) -> None:
    round_ = open_round(zone)
    officer = zone["officer"]
    assert {m.enterprise.name for m in selectors.round_members(officer, round_, status="missing")} == {
        "珠海甲制造有限公司",
        "珠海乙制造有限公司",
    }
    submit(zone, member_of(round_, zone["a"]), {"output_value": "1300", "electricity": "50"})
    monthly(zone["b"], "output_value", 2026, 10, "820")  # the statistics bureau's spreadsheet came in for 乙
    assert not selectors.round_members(officer, round_, status="missing").exists()
    totals = selectors.round_totals(selectors.round_progress(officer, round_))
    assert (totals.expected, totals.done, totals.missing) == (2, 2, 0)


def test_park_officer_sees_and_chases_only_their_park(zone: dict[str, Any]) -> None:
    round_ = open_round(zone)
    park_officer = f.park_officer(zone["np"])
    assert [m.enterprise.name for m in selectors.round_members(park_officer, round_)] == ["珠海乙制造有限公司"]
    with pytest.raises(NotFound):
        selectors.member_get(park_officer, member_of(round_, zone["a"]).pk)
    result = services.remind_missing(actor=park_officer, round_=round_)
    assert (result.enterprises, result.recipients) == (1, 1)
    assert Notification.objects.filter(kind="reporting.reminder").get().recipient == zone["b_user"]


def test_manual_reminder_counts_and_names_firms_without_accounts(
    zone: dict[str, Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    lonely = f.EnterpriseFactory(name="珠海丁电子有限公司", park=zone["tjw"], is_above_scale=True)
    round_ = open_round(zone)
    mail.outbox.clear()
    submit(zone, member_of(round_, zone["a"]), {"output_value": "1300", "electricity": "50"})
    with django_capture_on_commit_callbacks(execute=True):
        result = services.remind_missing(actor=zone["officer"], round_=round_)
    assert (result.enterprises, result.recipients, result.without_account) == (2, 1, [lonely.name])
    assert [m.to for m in mail.outbox] == [["b@example.com"]]
    assert mail.outbox[0].subject == "催报：2026年10月经济指标尚未填报"
    assert member_of(round_, zone["b"]).reminder_count == 1
    assert member_of(round_, zone["a"]).reminder_count == 0


def test_daily_reminder_goes_out_on_the_configured_days_once(zone: dict[str, Any], settings: Any) -> None:
    settings.REPORTING_REMINDER_DAYS = [3, 1]
    deadline = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(23, 59)))
    round_ = open_round(zone, deadline=deadline)
    today = timezone.localdate()
    assert services.send_due_reminders(today=today - dt.timedelta(days=1)) == []  # 4 days before: nothing
    sent = services.send_due_reminders(today=today)
    assert [(r, res.enterprises) for r, res in sent] == [(round_, 2)]
    again = services.send_due_reminders(today=today)
    assert [res.enterprises for _r, res in again] == [0]  # the same day: not twice
    assert RoundReminder.objects.filter(kind="auto").count() == 1


def test_no_reminders_after_the_deadline(zone: dict[str, Any]) -> None:
    round_ = open_round(zone)
    services.round_close(actor=zone["officer"], round_=round_)
    with pytest.raises(Conflict):
        services.remind_missing(actor=zone["officer"], round_=round_)


def test_member_add_and_remove(zone: dict[str, Any]) -> None:
    round_ = open_round(zone)
    services.member_add(actor=zone["officer"], round_=round_, enterprise=zone["small"])
    with pytest.raises(Conflict):
        services.member_add(actor=zone["officer"], round_=round_, enterprise=zone["small"])
    member = member_of(round_, zone["small"])
    services.member_remove(actor=zone["officer"], member=member, reason="已停产")
    assert not round_.members.filter(enterprise=zone["small"]).exists()
    submitted = member_of(round_, zone["a"])
    submit(zone, submitted, {"output_value": "1300", "electricity": "50"})
    with pytest.raises(Conflict, match="已经报送"):
        services.member_remove(actor=zone["officer"], member=submitted, reason="误列")


def test_change_percent_and_amount_parsing() -> None:
    assert services.change_percent(D(130), D(100)) == D(30)
    assert services.change_percent(D(5), D(0)) is None
    assert services.change_percent(D(5), None) is None
    assert services.change_percent(D(-50), D(-100)) == D(50)
    assert services.parse_amount("１，２３４．５") == D("1234.5")
    assert services.parse_amount("  ") is None
    with pytest.raises(ValueError, match="12a"):
        services.parse_amount("12a")
    with pytest.raises(ValueError, match="NaN"):
        services.parse_amount("NaN")


def test_reporting_reminders_command(zone: dict[str, Any], settings: Any) -> None:
    import io
    import json

    from django.core.management import call_command

    settings.REPORTING_REMINDER_DAYS = [2]
    deadline = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=2), dt.time(23, 59)))
    open_round(zone, deadline=deadline)
    out = io.StringIO()
    call_command("reporting_reminders", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "reminders": [{"round": "2026-10", "enterprises": 2, "recipients": 2, "without_account": []}]
    }
    out = io.StringIO()
    call_command("reporting_reminders", stdout=out)
    assert "2026-10：已提醒0家未报企业" in out.getvalue()
