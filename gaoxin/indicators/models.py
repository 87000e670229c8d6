"""Economic monitoring: the indicator catalogue, the monthly fact store, yearly facts, targets and official rates.

Invariants of the monthly fact store (`Fact`):
- one row per (indicator, year, month, enterprise); `value` is the month's own figure and `cumulative` the
  January-to-month figure (1-N月) for flow indicators, or the period-end figure for stock indicators (从业人员);
- a series is continuous from an enterprise's first reported month to the latest month reported in the zone for
  that indicator and year: a month the enterprise did not report has a *carried* row (value 0, cumulative carried
  forward), because DOMAIN.md counts a missing month inside the window as 0. So a rollup for 1-N月 reads one period
  (month N) per year and never scans the months before it;
- rows are written only by `indicators.services`, which rebuilds a series' cumulative values whenever a month of it
  changes.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.core.models import TimeStampedModel


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("月度")
    QUARTERLY = "quarterly", _("季度")
    YEARLY = "yearly", _("年度")


class Temporal(models.TextChoices):
    FLOW = "flow", _("流量（按月累计）")
    STOCK = "stock", _("存量（取期末数）")


class Aggregation(models.TextChoices):
    SUM = "sum", _("求和")
    RATIO = "ratio", _("两个指标之比（比值按总和计算）")


class Indicator(TimeStampedModel):
    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("指标名称"), max_length=60, unique=True)
    aliases = models.CharField(_("别名"), max_length=200, blank=True, help_text=_("导入时也认的写法，用、分隔"))
    unit = models.CharField(_("单位"), max_length=20)
    frequency = models.CharField(_("频率"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    temporal = models.CharField(_("时间属性"), max_length=10, choices=Temporal.choices, default=Temporal.FLOW)
    aggregation = models.CharField(_("汇总方式"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM)
    numerator = models.ForeignKey(
        "self", verbose_name=_("分子指标"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", verbose_name=_("分母指标"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scale = models.DecimalField(_("比值倍数"), max_digits=12, decimal_places=4, default=1, help_text=_("百分比填100"))
    comparable_prices = models.BooleanField(
        _("按可比价计算增速"), default=False, help_text=_("如工业增加值：增速以统计部门核定的可比价增速为准")
    )
    non_negative = models.BooleanField(_("不得为负"), default=True)
    fact_name = models.CharField(
        _("年度事实名"), max_length=40, blank=True, help_text=_("对应规则引擎的年度事实，如 revenue")
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace(",", "、").split("、") if a.strip()]


class FactSource(models.TextChoices):
    REPORT = "report", _("企业填报")
    IMPORT = "import", _("导入（当月数）")
    IMPORT_CUMULATIVE = "import_cumulative", _("导入（累计数）")
    CORRECTION = "correction", _("科室更正")
    CARRIED = "carried", _("未报（按0计）")


class Fact(models.Model):
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="facts")
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="facts"
    )
    value = models.DecimalField(_("当月数"), max_digits=20, decimal_places=4)
    cumulative = models.DecimalField(_("累计数"), max_digits=20, decimal_places=4)
    #: Which of the two figures the source gave; the other is derived from the series.
    reported_cumulative = models.BooleanField(_("报送的是累计数"), default=False)
    source = models.CharField(_("来源"), max_length=20, choices=FactSource.choices, default=FactSource.IMPORT)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("月度指标数据")
        verbose_name_plural = _("月度指标数据")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "month", "enterprise"], name="fact_unique_period"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="fact_month_range"),
        ]
        indexes = [
            models.Index(fields=["enterprise", "indicator", "year", "month"], name="fact_series_idx"),
            # The latest reported period (selectors.latest_period, on every monitoring page without ?period=): read
            # backwards from the end of this index instead of scanning and sorting the whole store. Partial, so no
            # rollup query (none has this condition) can pick it instead of fact_unique_period.
            models.Index(
                fields=["year", "month"],
                condition=~models.Q(source=FactSource.CARRIED),
                name="fact_reported_period_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.indicator_id} {self.year}-{self.month:02d}"

    @property
    def carried(self) -> bool:
        return self.source == FactSource.CARRIED


class AnnualFact(models.Model):
    """A yearly fact of an enterprise in the fact vocabulary of FORMATS.md section 2 (feeds the rules engine)."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="annual_facts"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("事实"), max_length=40)
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4)
    source = models.CharField(_("来源"), max_length=20, default="import")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度事实")
        verbose_name_plural = _("年度事实")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year", "name"], name="annualfact_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} {self.name}"


class TargetKind(models.TextChoices):
    TOTAL = "total", _("总量")
    GROWTH = "growth", _("增速")


class Target(TimeStampedModel):
    """An annual target for the zone (park empty) or one park (FORMATS.md 1e)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    park = models.ForeignKey(
        "registry.Park", verbose_name=_("园区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="targets")
    kind = models.CharField(_("目标类型"), max_length=10, choices=TargetKind.choices)
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4)
    issuer = models.CharField(_("下达单位"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        constraints = [
            models.UniqueConstraint(fields=["year", "park", "indicator", "kind"], name="target_unique"),
            models.UniqueConstraint(
                fields=["year", "indicator", "kind"], condition=models.Q(park__isnull=True), name="target_unique_zone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.park or '全区'} {self.indicator} {self.get_kind_display()}"


class OfficialRate(TimeStampedModel):
    """The statistics bureau's growth rate (e.g. 增加值 at comparable prices) for the zone or a park and a period."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"), help_text=_("1-N月的N"))
    park = models.ForeignKey(
        "registry.Park", verbose_name=_("园区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rate = models.DecimalField(_("增速(%)"), max_digits=8, decimal_places=2)
    source = models.CharField(_("来源"), max_length=100, blank=True, help_text=_("如：区统计局2020年11月快报"))

    class Meta:
        verbose_name = _("核定增速")
        verbose_name_plural = _("核定增速")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "month", "park"], name="officialrate_unique"),
            models.UniqueConstraint(
                fields=["indicator", "year", "month"], condition=models.Q(park__isnull=True), name="officialrate_zone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}-{self.month:02d} {self.rate}%"


# Pre-computed rollup totals: written only by rollups.py, never shown (so no verbose names) ------------------------


class RollupCell(models.Model):
    """The 1-N月 sums of one period over the enterprises that share a park, an industry, a scale and a chain stage.

    A cache of what `rollups` would compute from `Fact` for the whole zone: value and count over the enterprises
    with a row this year, comparable value, comparable count and base over those with a row at the same month in
    both years (the comparable set is decided per enterprise before anything is summed). The groupings by park,
    主导产业, chain stage and 规上/规下 and the zone's total are sums of cells; a rollup over anything narrower than
    a whole park never reads them. Valid only while its period has a `RollupPeriod` row (see rollups.py)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    park = models.ForeignKey(
        "registry.Park", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    industry = models.ForeignKey(
        "registry.Industry",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
    )
    is_above_scale = models.BooleanField()
    chain_stage = models.CharField(max_length=12, blank=True)
    enterprises = models.PositiveIntegerField()
    value = models.DecimalField(max_digits=24, decimal_places=4)
    comparable_enterprises = models.PositiveIntegerField()
    comparable_value = models.DecimalField(max_digits=24, decimal_places=4)
    base = models.DecimalField(max_digits=24, decimal_places=4)

    class Meta:
        indexes = [models.Index(fields=["indicator", "year", "month"], name="rollupcell_period_idx")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}-{self.month:02d} {self.park_id}/{self.industry_id}"


class RollupPeriod(models.Model):
    """The cells of (indicator, year, month) are current. Deleted when a change to the facts of that period or of the
    same month a year before, or to an enterprise's park, industry, scale or chain stage, is applied."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "year", "month"], name="rollupperiod_unique")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}-{self.month:02d}"


class RollupChange(models.Model):
    """A change not yet applied to the cells, written by the database triggers that rollups.py installs on the fact
    store and the registry: the (indicator, year, month) of changed facts, or all three empty for a change of an
    enterprise's park, industry, scale or chain stage (every period).

    The triggers write to this table: a migration that drops it, or alters it in a way SQLite does by rebuilding the
    table, must first call `rollups.drop_triggers` (or run its SQL), as 0004_rollup_cells does when unapplied."""

    indicator_id = models.IntegerField(null=True)
    year = models.IntegerField(null=True)
    month = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["indicator_id", "year", "month"], name="rollupchange_period_idx")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}-{self.month}"
