"""Scheduled briefings: `manage.py briefing_jobs`, run daily, queues the week's 研判 and last month's briefing once;
the task writes it for the zone with the default template and sends every leader a link in-app and by e-mail."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from gaoxin.briefings.models import Briefing, BriefingKind, JobStatus, ScheduledJob
from gaoxin.briefings.services import due_jobs, iso_week, run_scheduled
from gaoxin.notifications.models import Notification
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def jobs(day: str, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("briefing_jobs", "--date", day, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_due_jobs_follow_the_calendar(zone: dict[str, Any]) -> None:
    # the latest figures are of 2020-11: on Monday 2020-12-07 the week's 研判; from the 10th, November's briefing
    assert [j.key for j in due_jobs(dt.date(2020, 12, 7), settings)] == ["weekly:2020-W50"]
    assert [j.key for j in due_jobs(dt.date(2020, 12, 10), settings)] == ["weekly:2020-W50", "monthly:2020-11"]
    # no figures for December yet: January's run does not write December's briefing
    assert [j.key for j in due_jobs(dt.date(2021, 1, 11), settings)] == ["weekly:2021-W02"]
    weekly = due_jobs(dt.date(2020, 12, 10), settings)[0]
    assert (weekly.year, weekly.month, weekly.kind) == (2020, 11, BriefingKind.WEEKLY)
    assert iso_week(dt.date(2021, 1, 3)) == "2020-W53"


def test_jobs_generate_once_and_notify_leaders(zone: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    boss = f.leader(email="boss@example.gov.cn")
    deputy = f.leader(email="")
    f.leader(is_active=False)
    f.officer(email="officer@example.gov.cn")
    first = jobs("2020-12-10", django_capture_on_commit_callbacks)
    assert [(j["key"], j["queued"]) for j in first["jobs"]] == [("weekly:2020-W50", True), ("monthly:2020-11", True)]
    assert set(ScheduledJob.objects.values_list("status", flat=True)) == {JobStatus.DONE}  # the worker ran them
    weekly, monthly = Briefing.objects.get(kind="weekly"), Briefing.objects.get(kind="monthly")
    assert weekly.title == "高新区经济运行每周研判（2020年第50周）"
    assert weekly.generated_by is None
    assert monthly.title == "高新区2020年1-11月经济运行简报"
    assert monthly.schedule_key == "monthly:2020-11"
    assert "实现总产值297.99亿元，同比下降3.6%" in monthly.text
    notices = Notification.objects.filter(kind="briefing")
    assert {n.recipient for n in notices} == {boss, deputy}  # leaders only, active only
    assert notices.filter(recipient=boss, link=f"/briefings/{monthly.pk}/").exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["boss@example.gov.cn", "boss@example.gov.cn"]
    assert f"/briefings/{monthly.pk}/" in "".join(m.body for m in mail.outbox)
    # the next days of the week and month: nothing again
    again = jobs("2020-12-11", django_capture_on_commit_callbacks)
    assert [j["queued"] for j in again["jobs"]] == [False, False]
    assert Briefing.objects.count() == 2
    assert Notification.objects.filter(kind="briefing").count() == 4
    # a new week: its 研判 only
    jobs("2020-12-14", django_capture_on_commit_callbacks)
    assert Briefing.objects.filter(kind="weekly").count() == 2
    assert Briefing.objects.filter(kind="monthly").count() == 1


def test_a_failed_job_is_queued_again_the_next_day(
    zone: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    job = ScheduledJob.objects.create(
        key="monthly:2020-11", kind="monthly", year=2020, month=11, status=JobStatus.FAILED, error="数据库忙"
    )
    result = jobs("2020-12-10", django_capture_on_commit_callbacks)
    assert ("monthly:2020-11", True) in [(j["key"], j["queued"]) for j in result["jobs"]]
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.briefing is not None
    assert job.error == ""
    assert run_scheduled(job.pk) is None  # done: not again


def test_a_job_without_figures_fails_with_a_reason(zone: dict[str, Any]) -> None:
    job = ScheduledJob.objects.create(key="monthly:2019-03", kind="monthly", year=2019, month=3)
    assert run_scheduled(job.pk) is None
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "没有可写入简报的数据" in job.error
    assert not Briefing.objects.exists()
    assert not Notification.objects.exists()


def test_command_text_and_bad_date(zone: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("briefing_jobs", "--date", "2020-12-10", stdout=out)
    assert "monthly:2020-11：已交给后台任务生成并通知领导" in out.getvalue()
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="日期格式应为"):
        call_command("briefing_jobs", "--date", "12/10/2020", stdout=io.StringIO())


def test_an_unexpected_error_is_recorded_and_raised(zone: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from gaoxin.briefings import services

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(services, "briefing_generate", broken)
    job = ScheduledJob.objects.create(key="monthly:2020-11", kind="monthly", year=2020, month=11)
    with pytest.raises(RuntimeError):
        run_scheduled(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "磁盘已满" in job.error
