"""Corrections of the official working-day calendar, entered by an administrator.

The calendar the platform counts with is: weekends off, then the State Council's holidays and 调休 working days as
the maintained `chinese-calendar` package knows them, then these rows on top (a row always wins). A year the package
does not know yet (the next year's arrangement is published each November) is entered here day by day and marked
complete with a `CalendarYear`; until then deadlines in it are computed on weekends alone and flagged as such.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.core.models import TimeStampedModel


class CalendarDay(TimeStampedModel):
    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否上班"), help_text=_("节假日不上班；调休的周末上班"))
    name = models.CharField(_("名称"), max_length=30, blank=True, help_text=_("如：春节、国庆节调休"))

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class CalendarYear(TimeStampedModel):
    """A year whose holidays and 调休 days have been entered in full from the State Council's notice."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    notice = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("如：国办发明电〔2026〕X号"))

    class Meta:
        verbose_name = _("已录入年度")
        verbose_name_plural = _("已录入年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
