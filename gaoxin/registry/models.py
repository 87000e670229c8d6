"""The registry: the zone's structure (zone, parks, departments, industry tree, chains) and the enterprise.

Invariants:
- one Zone row per installation;
- an enterprise's USCC is unique and passes the GB 32100-2015 check digit, unless an officer accepted it
  deliberately (`uscc_override_*` filled, and an audit entry of action `override`);
- `search_text` always holds the name, the former names and their pinyin initials (written by services);
- the qualification catalogue is data (QualificationType rows), not code.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.core.models import TimeStampedModel
from gaoxin.rules.engine.vocabulary import FLAGS


class Zone(TimeStampedModel):
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    city = models.CharField(_("所在城市"), max_length=30, blank=True)
    region_code = models.CharField(_("行政区划代码"), max_length=6, blank=True)

    class Meta:
        verbose_name = _("高新区")
        verbose_name_plural = _("高新区")

    def __str__(self) -> str:
        return self.name


class Park(TimeStampedModel):
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("园区")
        verbose_name_plural = _("园区")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Department(TimeStampedModel):
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Industry(TimeStampedModel):
    """A node of the zone's own industry tree: 主导产业 (no parent) → 细分领域."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级产业"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    gbt_codes = models.CharField(
        _("国民经济行业代码"), max_length=200, blank=True, help_text=_("GB/T 4754-2017 代码，多个用逗号分隔")
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("产业")
        verbose_name_plural = _("产业")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_leading(self) -> bool:
        return self.parent_id is None


class ChainStage(models.TextChoices):
    UPSTREAM = "upstream", _("上游")
    MIDSTREAM = "midstream", _("中游")
    DOWNSTREAM = "downstream", _("下游")


class Chain(TimeStampedModel):
    name = models.CharField(_("链名称"), max_length=100, unique=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ChainLink(models.Model):
    """One link of a chain: an industry at a stage. An enterprise is on a chain through its industry and stage."""

    chain = models.ForeignKey(Chain, verbose_name=_("产业链"), on_delete=models.CASCADE, related_name="links")
    stage = models.CharField(_("环节"), max_length=12, choices=ChainStage.choices)
    industry = models.ForeignKey(Industry, verbose_name=_("产业"), on_delete=models.PROTECT, related_name="links")

    class Meta:
        verbose_name = _("产业链环节")
        verbose_name_plural = _("产业链环节")
        constraints = [
            models.UniqueConstraint(fields=["chain", "stage", "industry"], name="chainlink_unique"),
        ]
        ordering = ["chain", "stage"]

    def __str__(self) -> str:
        return f"{self.chain} · {self.get_stage_display()} · {self.industry}"


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("存续")
    MOVED_OUT = "moved_out", _("迁出")
    DEREGISTERED = "deregistered", _("注销")


class Enterprise(TimeStampedModel):
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    uscc_override_reason = models.CharField(_("校验位例外原因"), max_length=300, blank=True)
    uscc_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("例外接受人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)
    search_text = models.CharField(_("检索文本"), max_length=1000, blank=True, editable=False)
    park = models.ForeignKey(Park, verbose_name=_("所属园区"), on_delete=models.PROTECT, related_name="enterprises")
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("所属产业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    nic_code = models.CharField(_("国民经济行业代码"), max_length=5, blank=True)
    chain_stage = models.CharField(_("产业链环节"), max_length=12, choices=ChainStage.choices, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    registered_capital = models.DecimalField(_("注册资本(元)"), max_digits=18, decimal_places=2, null=True, blank=True)
    address = models.CharField(_("注册地址"), max_length=300, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=60, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    finance_contact_name = models.CharField(_("财务负责人"), max_length=60, blank=True)
    finance_contact_phone = models.CharField(_("财务负责人电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_above_scale = models.BooleanField(_("是否规上"), default=False, db_index=True)
    above_scale_since = models.DateField(_("入统日期"), null=True, blank=True)
    status = models.CharField(
        _("企业状态"), max_length=12, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("挂点服务专员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_enterprises",
    )

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["park", "name"]),
            models.Index(fields=["industry", "name"]),
            models.Index(fields=["status", "name"]),
            models.Index(fields=["-founded_on", "id"], name="registry_en_founded_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def uscc_overridden(self) -> bool:
        return bool(self.uscc_override_reason)


class EnterpriseFormerName(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField(_("曾用名"), max_length=200)
    until = models.DateField(_("使用至"), null=True, blank=True)

    class Meta:
        verbose_name = _("曾用名")
        verbose_name_plural = _("曾用名")
        ordering = ["-until", "-id"]

    def __str__(self) -> str:
        return self.name


class QualificationCategory(models.TextChoices):
    CULTIVATION = "cultivation", _("梯度培育")
    UNICORN = "unicorn", _("独角兽培育库")
    LISTING = "listing", _("上市")
    RD_CENTRE = "rd_centre", _("研发机构")
    OTHER = "other", _("其他")


class QualificationType(models.Model):
    """An entry of the qualification catalogue (FORMATS.md 1b). Data, editable by an administrator."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("资质类型"), max_length=60, unique=True)
    aliases = models.CharField(_("别名"), max_length=200, blank=True, help_text=_("导入时也认的写法，用、分隔"))
    category = models.CharField(_("类别"), max_length=20, choices=QualificationCategory.choices)
    has_levels = models.BooleanField(_("分级别"), default=False, help_text=_("国家级/省级/市级/区级"))
    validity_years = models.PositiveSmallIntegerField(_("有效期(年)"), null=True, blank=True)
    ladder_rank = models.PositiveSmallIntegerField(
        _("培育梯队位次"), null=True, blank=True, help_text=_("科技型中小企业→高企→专精特新→小巨人→上市 的位次")
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("资质类型")
        verbose_name_plural = _("资质类型")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace(",", "、").split("、") if a.strip()]


class QualificationLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区级")


class Qualification(TimeStampedModel):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="qualifications"
    )
    qtype = models.ForeignKey(
        QualificationType, verbose_name=_("资质类型"), on_delete=models.PROTECT, related_name="qualifications"
    )
    level = models.CharField(_("级别"), max_length=12, choices=QualificationLevel.choices, blank=True)
    certificate_no = models.CharField(_("证书编号"), max_length=60, blank=True)
    recognized_on = models.DateField(_("认定日期"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("资质")
        verbose_name_plural = _("资质")
        ordering = ["-recognized_on", "-id"]
        indexes = [models.Index(fields=["qtype", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.qtype}"

    def is_valid_on(self, day: dt.date) -> bool:
        if self.recognized_on and self.recognized_on > day:
            return False
        return self.valid_until is None or self.valid_until >= day


#: The matters an officer verifies (FORMATS.md section 2 flags; 规上 is the registry's own field), in this order.
CHECK_NAMES = tuple(name for name in FLAGS if name != "is_above_scale")


class EnterpriseCheck(TimeStampedModel):
    """A yes/no matter the official criteria ask about (FORMATS.md section 2: 上年度重大安全、质量、环境事故, 严重违法
    失信名单, 禁止、限制类行业 …), as an officer verified it: the answer, when, and on what basis. The rules engine
    reads it as the enterprise's flag; a matter without a record stays unknown (待核实), never "no"."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="checks")
    #: a flag of `gaoxin.rules.engine.vocabulary.FLAGS` (its Chinese wording comes from there)
    name = models.CharField(_("核实事项"), max_length=40)
    value = models.BooleanField(_("核实结果"))
    checked_on = models.DateField(_("核实日期"))
    basis = models.CharField(_("核实依据"), max_length=200, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("核实事项")
        verbose_name_plural = _("核实事项")
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"], name="enterprise_check_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.name}={self.value}"
