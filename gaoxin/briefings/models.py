"""Briefings (简报与报表): the economic briefing written from the monitoring rollups in the zone's own register.

Invariants:
- a `Briefing` keeps the text as generated (`generated_text`, never changed afterwards) and the text as the officers
  edited it (`text`, starting equal to the generated one); exports read `text`;
- `tables` holds, as generated, every table the text cites (the figures of the rollups it was written from), so the
  Excel workbook always agrees with the text it accompanies, even after later corrections of the data;
- a scheduled briefing has a `schedule_key` ("monthly:2026-10", "weekly:2026-W48"), unique: the daily job
  (`manage.py briefing_jobs`) never generates the same week or month twice;
- `ReferenceFigure` holds the figures a briefing needs that are not in the fact store: the city's totals (for
  "占全市33%") and the task the city set for 小升规, entered by bureau officers per year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.core.models import TimeStampedModel


class Section(models.TextChoices):
    INDUSTRY = "industry", _("工业经济")
    INVESTMENT = "investment", _("固定资产投资")
    SERVICES = "services", _("软信业和服务业")
    TRADE = "trade", _("外贸和消费")
    ENERGY = "energy", _("能源消费")
    SMALL_TO_ABOVE = "small_to_above", _("企业“小升规”")
    INNOVATION = "innovation", _("创新驱动")
    RISKS = "risks", _("需要关注的问题")


DEFAULT_SECTIONS = [s.value for s in Section]


def default_sections() -> list[str]:
    return list(DEFAULT_SECTIONS)


class BriefingTemplate(TimeStampedModel):
    """Which sections, in which order, and the fixed wording of a briefing (the zone's name, how it calls its parks)."""

    name = models.CharField(_("模板名称"), max_length=60, unique=True)
    title = models.CharField(_("标题"), max_length=60, default="经济运行简报", help_text=_("统计期自动加在标题之后"))
    zone_name = models.CharField(_("本区称谓"), max_length=30, default="高新区", help_text=_("如：高新区、我区"))
    park_term = models.CharField(_("园区称谓"), max_length=10, default="园区", help_text=_("如：园区、片区"))
    organization = models.CharField(
        _("发文单位"), max_length=60, blank=True, help_text=_("写在标题下方，如：科技产业局")
    )
    sections = models.JSONField(_("章节及顺序"), default=default_sections)
    is_default = models.BooleanField(_("默认模板"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("简报模板")
        verbose_name_plural = _("简报模板")
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name


class BriefingKind(models.TextChoices):
    MONTHLY = "monthly", _("月度简报")
    WEEKLY = "weekly", _("每周研判")


class Briefing(TimeStampedModel):
    kind = models.CharField(_("类型"), max_length=10, choices=BriefingKind.choices, default=BriefingKind.MONTHLY)
    year = models.PositiveSmallIntegerField(_("数据年份"))
    month = models.PositiveSmallIntegerField(_("数据月份"), help_text=_("1-N月的N"))
    week = models.CharField(_("周次"), max_length=10, blank=True, help_text=_("每周研判的ISO周，如2026-W48"))
    park = models.ForeignKey(
        "registry.Park",
        verbose_name=_("园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空为全区"),
    )
    template = models.ForeignKey(
        BriefingTemplate, verbose_name=_("模板"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=120)
    organization = models.CharField(_("发文单位"), max_length=60, blank=True)
    generated_text = models.TextField(_("生成稿"))
    text = models.TextField(_("定稿"))
    tables = models.JSONField(_("引用的数据表"), default=list, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("空为定时任务生成"),
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    edited_at = models.DateTimeField(_("修改时间"), null=True, blank=True)
    schedule_key = models.CharField(_("定时任务标识"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("简报")
        verbose_name_plural = _("简报")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule_key"], condition=~models.Q(schedule_key=""), name="briefing_schedule_unique"
            ),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="briefing_month_range"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def edited(self) -> bool:
        return self.text != self.generated_text


class ReferenceKey(models.TextChoices):
    CITY_HNTE = "city_hnte", _("全市高新技术企业总数")
    CITY_TECH_SME = "city_tech_sme", _("全市科技型中小企业入库数")
    CITY_UNICORN = "city_unicorn", _("全市独角兽培育库入库企业数")
    CITY_LITTLE_GIANT = "city_little_giant", _("全市专精特新“小巨人”企业数")
    SMALL_TO_ABOVE_TASK = "small_to_above_task", _("市下达“小升规”任务数")


class ReferenceFigure(TimeStampedModel):
    """A figure of the year that the briefing cites but the platform cannot count: the city's totals, the 小升规
    task."""

    year = models.PositiveSmallIntegerField(_("年度"))
    key = models.CharField(_("项目"), max_length=30, choices=ReferenceKey.choices)
    value = models.PositiveIntegerField(_("数值（家）"))
    source = models.CharField(_("来源"), max_length=100, blank=True, help_text=_("如：市科技局2020年第三批公示"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("全市及上级下达数")
        verbose_name_plural = _("全市及上级下达数")
        ordering = ["-year", "key"]
        constraints = [models.UniqueConstraint(fields=["year", "key"], name="referencefigure_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_key_display()} {self.value}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ScheduledJob(models.Model):
    """One run of the weekly or monthly briefing job; `key` makes the daily command idempotent per week/month."""

    key = models.CharField(_("标识"), max_length=30, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=BriefingKind.choices)
    year = models.PositiveSmallIntegerField(_("数据年份"))
    month = models.PositiveSmallIntegerField(_("数据月份"))
    week = models.CharField(_("周次"), max_length=10, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    briefing = models.ForeignKey(
        Briefing, verbose_name=_("简报"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("定时简报任务")
        verbose_name_plural = _("定时简报任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key
