"""Rule sets as the platform keeps them, and the stored results of the registry-wide evaluation.

Invariants:
- a `RuleSetVersion` holds the whole rule-set document (the engine's format, as JSON); once published it is never
  changed — a change is a new version; publishing requires the document to compile and its test cases to pass;
- the shipped rule sets (gaoxin/rules/rulesets/*.yaml) are loaded as published versions by `rules.services.sync_shipped`
  (run by `migrate`'s post-migrate hook and by `seed_demo`), never overwriting a version of the same number;
- an `EnterpriseResult` is the latest evaluation of one enterprise against one published version: the result, the
  score, the counts of failed and unknown criteria, every item's result (one letter per item, in the rule set's
  order: p pass, f fail, u unknown) and the digest of the facts it was computed from (so a stale result is visible).
  The Chinese sentences are written from the facts when a page shows them (`rules.selectors.explain`): storing
  millions of sentences nobody reads would make the registry-wide run slow for nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.core.models import TimeStampedModel


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已停用")


class RuleSetVersion(TimeStampedModel):
    code = models.CharField(_("规则集编码"), max_length=60)
    version = models.CharField(_("版本"), max_length=30)
    name = models.CharField(_("名称"), max_length=100)
    source = models.CharField(_("依据文件"), max_length=200, blank=True)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    document = models.JSONField(_("规则内容"))
    status = models.CharField(_("状态"), max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT)
    shipped = models.BooleanField(_("平台内置"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("规则集版本")
        verbose_name_plural = _("规则集版本")
        ordering = ["code", "-valid_from", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="ruleset_code_version")]

    def __str__(self) -> str:
        return f"{self.name}（{self.version}）"


class EnterpriseResult(models.Model):
    """The latest result of one enterprise against one published rule-set version."""

    # No single-column indexes: the unique (ruleset, enterprise) — also an enterprise's results: one seek per version
    # in force — and the list index (ruleset, result, failed) serve every lookup. A run writes its rows in the order
    # of both (by version, then enterprise), so each is appended to, never inserted into at random: millions of rows
    # per run. No foreign-key constraints in the database either: these rows are derived (every run replaces them
    # from the enterprises and versions it has just read), and checking two keys for each of millions of rows was
    # a third of a run's time; deleting an enterprise or a version still deletes its results (Django cascades).
    ruleset = models.ForeignKey(
        RuleSetVersion,
        verbose_name=_("规则集版本"),
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
        db_constraint=False,
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="rule_results",
        db_index=False,
        db_constraint=False,
    )
    result = models.CharField(_("结论"), max_length=10)  # pass / fail / unknown
    score = models.DecimalField(_("得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    score_min = models.DecimalField(_("最低得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    score_max = models.DecimalField(_("最高得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    failed = models.PositiveSmallIntegerField(_("未满足项数"), default=0)
    unknown = models.PositiveSmallIntegerField(_("待核实项数"), default=0)
    items = models.TextField(_("逐项结果"), blank=True)
    as_of = models.DateField(_("评估基准日"))
    validity = models.CharField(_("规则有效性"), max_length=20)
    facts_digest = models.CharField(_("数据版本"), max_length=64)
    evaluated_at = models.DateTimeField(_("评估时间"))

    class Meta:
        verbose_name = _("企业评估结果")
        verbose_name_plural = _("企业评估结果")
        constraints = [models.UniqueConstraint(fields=["ruleset", "enterprise"], name="rule_result_unique")]
        indexes = [models.Index(fields=["ruleset", "result", "failed"], name="rule_result_list_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.ruleset_id} {self.result}"


class EvaluationRun(models.Model):
    """One registry-wide evaluation: when, why, how many, how long."""

    trigger = models.CharField(_("触发原因"), max_length=100)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    enterprises = models.PositiveIntegerField(_("企业数"), default=0)
    rulesets = models.PositiveIntegerField(_("规则集数"), default=0)
    results = models.PositiveIntegerField(_("结果数"), default=0)
    seconds = models.DecimalField(_("用时(秒)"), max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("全库评估")
        verbose_name_plural = _("全库评估")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.trigger}"
