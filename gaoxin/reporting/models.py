"""Monthly reporting rounds (填报): which enterprises must report which indicators for a month, by when.

Invariants:
- one round per period (year, month); its enterprises (`RoundEnterprise`) and indicators are fixed when it is
  opened (an officer may add or remove an enterprise later, audited);
- a round is open until its deadline or until an officer closes it; after that it is locked: enterprises can no
  longer submit, and only officers change figures (corrections, each with a reason, audited);
- what the enterprise submitted is kept in `ReportEntry` (with its explanation of a large month-on-month change);
  the figure the platform uses is the fact store's (`indicators.Fact`), which an officer may have corrected since.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gaoxin.core.models import TimeStampedModel


class ReportingRound(TimeStampedModel):
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    deadline = models.DateTimeField(_("截止时间"))
    jump_threshold = models.DecimalField(
        _("环比波动阈值(%)"),
        max_digits=6,
        decimal_places=1,
        help_text=_("当月数比上月增减超过该比例时，企业须填写说明"),
    )
    indicators = models.ManyToManyField("indicators.Indicator", verbose_name=_("填报指标"), related_name="+")
    note = models.TextField(_("填报说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("提前截止时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("填报批次")
        verbose_name_plural = _("填报批次")
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="round_unique_period"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="round_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def is_locked(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.closed_at is not None or now > self.deadline

    @property
    def locked(self) -> bool:
        return self.is_locked()

    def previous_period(self) -> tuple[int, int]:
        return (self.year, self.month - 1) if self.month > 1 else (self.year - 1, 12)


class RoundEnterprise(models.Model):
    """One enterprise that must report in a round, and whether (and when, by whom) it did."""

    round = models.ForeignKey(
        ReportingRound, verbose_name=_("填报批次"), on_delete=models.CASCADE, related_name="members"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="report_rounds"
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminder_count = models.PositiveSmallIntegerField(_("催报次数"), default=0)
    reminded_at = models.DateTimeField(_("最近催报时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("应报企业")
        verbose_name_plural = _("应报企业")
        constraints = [models.UniqueConstraint(fields=["round", "enterprise"], name="round_member_unique")]
        indexes = [models.Index(fields=["round", "submitted_at"], name="round_member_status_idx")]

    def __str__(self) -> str:
        return f"{self.round} {self.enterprise_id}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class ReportEntry(models.Model):
    """The figure an enterprise submitted for one indicator, as submitted (the fact store may have been corrected)."""

    member = models.ForeignKey(
        RoundEnterprise, verbose_name=_("应报企业"), on_delete=models.CASCADE, related_name="entries"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("当月数"), max_digits=20, decimal_places=4)
    previous = models.DecimalField(_("上月数"), max_digits=20, decimal_places=4, null=True, blank=True)
    explanation = models.TextField(_("波动说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("填报数据")
        verbose_name_plural = _("填报数据")
        constraints = [models.UniqueConstraint(fields=["member", "indicator"], name="report_entry_unique")]

    def __str__(self) -> str:
        return f"{self.member} {self.indicator_id}"


class ReminderKind(models.TextChoices):
    AUTO = "auto", _("到期前自动提醒")
    MANUAL = "manual", _("人工催报")


class RoundReminder(models.Model):
    """A reminder sent to the enterprises of a round that had not reported (the 催报 log)."""

    round = models.ForeignKey(
        ReportingRound, verbose_name=_("填报批次"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("方式"), max_length=10, choices=ReminderKind.choices)
    day = models.DateField(_("日期"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enterprises = models.PositiveIntegerField(_("企业数"), default=0)
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)

    class Meta:
        verbose_name = _("催报记录")
        verbose_name_plural = _("催报记录")
        ordering = ["-sent_at"]
        constraints = [
            # The daily automatic reminder goes out once per round and day, however often the job runs.
            models.UniqueConstraint(
                fields=["round", "day"], condition=models.Q(kind="auto"), name="round_reminder_auto_daily"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.day}"
