"""Policy cashing (政策兑现): policies, their fund items (申报项目), applications and 免申即享 offers, the review
stages with experts' scores, public notices (公示) with objections, disbursement batches (拨付) and precise push.

Invariants:
- a `Policy` carries its 文号 and validity; only a published policy's fund items take applications;
- a `FundItem` names its eligibility by a rule-set code (a published `rules.RuleSetVersion`), its amount formula
  (fixed / a percentage of a yearly fact with a cap / tiers by band), its budget and its review stages — an ordered
  list of the stage codes of `Stage`, always ending with 拨付 (payment);
- an `Application` belongs to one enterprise and one fund item; it is either applied for in the portal (channel
  `apply`) or offered by the zone under 免申即享 (channel `offer`); its receipt number is unique; its `stage` is the
  review stage it waits in while `status` is `in_review`; every step is an `ApplicationEvent` (who, when, what);
- money is `Decimal` yuan with two decimals; an award (`awarded_yuan`) counts against the budget (committed) from
  the moment the last review stage approves it, and as paid once its disbursement batch is marked paid; an award
  beyond the remaining budget needs a leader's explicit override, recorded on the application and in the audit;
- an expert sees only the applications assigned to them, never the enterprise's contact data.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.core.models import StoredFile, TimeStampedModel


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    ZONE = "zone", _("区级")


class PolicyCategory(models.TextChoices):
    LEADING_INDUSTRY = "leading_industry", _("主导产业")
    INNOVATION = "innovation", _("科技创新")
    INDUSTRY_IT = "industry_it", _("工业和信息化发展")
    TALENT = "talent", _("人才服务")
    COMMERCE = "commerce", _("商贸发展")
    ENERGY = "energy", _("节能降耗")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    EXPIRED = "expired", _("已失效")


class Policy(TimeStampedModel):
    title = models.CharField(_("政策名称"), max_length=200)
    number = models.CharField(_("文号"), max_length=80, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=100)
    level = models.CharField(_("层级"), max_length=12, choices=PolicyLevel.choices)
    category = models.CharField(_("政策类别"), max_length=20, choices=PolicyCategory.choices)
    effective_from = models.DateField(_("生效日期"))
    expires_on = models.DateField(_("失效日期"), null=True, blank=True)
    summary = models.CharField(_("政策摘要"), max_length=500, blank=True)
    body = models.TextField(_("政策全文"), blank=True)
    budget_yuan = models.DecimalField(_("政策资金总额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    external_id = models.CharField(_("外部平台编号"), max_length=60, blank=True, db_index=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return self.title


def _policy_file_to(instance: PolicyAttachment, filename: str) -> str:
    return f"policy/documents/{instance.stored_name}"


class PolicyAttachment(StoredFile):
    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=_policy_file_to, max_length=200)

    class Meta:
        verbose_name = _("政策附件")
        verbose_name_plural = _("政策附件")
        ordering = ["id"]


class Stage(models.TextChoices):
    FORM = "form", _("形式审查")
    EXPERT = "expert", _("专家评审")
    DEPARTMENT = "department", _("部门审核")
    LEADER = "leader", _("领导审批")
    NOTICE = "notice", _("公示")
    PAYMENT = "payment", _("拨付")


#: The review stages an application passes one by one (公示 and 拨付 work on batches of approved awards).
REVIEW_STAGES = (Stage.FORM, Stage.EXPERT, Stage.DEPARTMENT, Stage.LEADER)


class AmountKind(models.TextChoices):
    FIXED = "fixed", _("定额")
    PERCENT = "percent", _("按比例（设上限）")
    TIERS = "tiers", _("分档")


class ScoreAggregate(models.TextChoices):
    MEAN = "mean", _("算术平均")
    TRIMMED = "trimmed", _("去掉一个最高分和一个最低分后平均")


class FundItemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("已发布")
    CLOSED = "closed", _("已结束")


class FundItem(TimeStampedModel):
    policy = models.ForeignKey(Policy, verbose_name=_("所属政策"), on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("项目编码"), max_length=40, unique=True)
    name = models.CharField(_("申报项目"), max_length=200)
    description = models.TextField(_("支持内容"), blank=True)
    department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_items",
    )
    eligibility_code = models.CharField(
        _("申报条件（规则集编码）"), max_length=60, blank=True, help_text=_("规则引擎中已发布的规则集，如 hnte")
    )
    no_application = models.BooleanField(_("免申即享"), default=False)
    amount_kind = models.CharField(_("金额计算方式"), max_length=10, choices=AmountKind.choices)
    amount_fixed_yuan = models.DecimalField(_("定额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    amount_fact = models.CharField(_("计算依据指标"), max_length=40, blank=True, help_text=_("年度数据，如 rd_expense"))
    amount_percent = models.DecimalField(_("比例(%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    amount_cap_yuan = models.DecimalField(_("上限(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    amount_tiers = models.JSONField(
        _("分档"), default=list, blank=True, help_text=_("[[下限(指标单位), 金额(元)], …]，取不低于下限的最高一档")
    )
    budget_yuan = models.DecimalField(_("项目预算(元)"), max_digits=14, decimal_places=2)
    opens_on = models.DateField(_("申报开始"))
    closes_on = models.DateField(_("申报截止"))
    stages = models.JSONField(_("审核流程"), default=list)
    stage_days = models.JSONField(_("各环节时限(工作日)"), default=dict, blank=True)
    stage_roles = models.JSONField(_("各环节办理角色"), default=dict, blank=True)
    experts_per_application = models.PositiveSmallIntegerField(_("每件评审专家数"), default=3)
    score_sheet = models.JSONField(_("评分表"), default=list, blank=True, help_text=_("[{code, label, max}]"))
    score_aggregate = models.CharField(
        _("得分汇总方式"), max_length=10, choices=ScoreAggregate.choices, default=ScoreAggregate.MEAN
    )
    notice_days = models.PositiveSmallIntegerField(_("公示期(工作日)"), default=7)
    offer_days = models.PositiveSmallIntegerField(_("免申即享确认期限(工作日)"), default=10)
    commitments = models.TextField(_("企业承诺事项"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=FundItemStatus.choices, default=FundItemStatus.DRAFT)
    external_id = models.CharField(_("外部平台编号"), max_length=60, blank=True, db_index=True)

    class Meta:
        verbose_name = _("申报项目")
        verbose_name_plural = _("申报项目")
        ordering = ["-opens_on", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def category(self) -> str:
        return self.policy.category


class MaterialRequirement(models.Model):
    """One line of a fund item's materials checklist (what to upload, which file types)."""

    fund_item = models.ForeignKey(
        FundItem, verbose_name=_("申报项目"), on_delete=models.CASCADE, related_name="materials"
    )
    name = models.CharField(_("材料名称"), max_length=120)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    kinds = models.CharField(_("文件类型"), max_length=60, default="pdf", help_text=_("如 pdf,jpg,png"))
    required = models.BooleanField(_("必须提供"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_list(self) -> list[str]:
        return [k.strip().lower() for k in self.kinds.split(",") if k.strip()]


class Channel(models.TextChoices):
    APPLY = "apply", _("网上申报")
    OFFER = "offer", _("免申即享")


class AppStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("审核中")
    RETURNED = "returned", _("退回补正")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")
    APPROVED = "approved", _("拟支持")
    IN_NOTICE = "in_notice", _("公示中")
    PAYABLE = "payable", _("待拨付")
    PAID = "paid", _("已拨付")
    CANDIDATE = "candidate", _("待核定")
    EXCLUDED = "excluded", _("已排除")
    OFFERED = "offered", _("待企业确认")
    DECLINED = "declined", _("企业放弃")
    EXPIRED = "expired", _("逾期未确认")


#: Awards that count against the budget.
COMMITTED_STATUSES = (AppStatus.APPROVED, AppStatus.IN_NOTICE, AppStatus.PAYABLE, AppStatus.PAID)
#: States the enterprise can no longer change and the zone has finished with.
FINAL_STATUSES = (
    AppStatus.REJECTED,
    AppStatus.WITHDRAWN,
    AppStatus.PAID,
    AppStatus.EXCLUDED,
    AppStatus.DECLINED,
    AppStatus.EXPIRED,
)
#: Offers the enterprise never sees (the zone is still re-checking the eligible list).
HIDDEN_FROM_ENTERPRISE = (AppStatus.CANDIDATE, AppStatus.EXCLUDED)


class Application(TimeStampedModel):
    number = models.CharField(_("受理编号"), max_length=20, unique=True)
    fund_item = models.ForeignKey(
        FundItem, verbose_name=_("申报项目"), on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="policy_applications"
    )
    channel = models.CharField(_("方式"), max_length=6, choices=Channel.choices, default=Channel.APPLY)
    status = models.CharField(_("状态"), max_length=10, choices=AppStatus.choices, default=AppStatus.DRAFT)
    stage = models.CharField(_("当前环节"), max_length=12, choices=Stage.choices, blank=True)
    stage_started = models.DateField(_("环节开始"), null=True, blank=True)
    stage_due = models.DateField(_("环节时限"), null=True, blank=True)
    project_name = models.CharField(_("项目名称"), max_length=200, blank=True)
    project_summary = models.TextField(_("项目简介"), blank=True)
    requested_yuan = models.DecimalField(_("测算金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    awarded_yuan = models.DecimalField(_("核定金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    budget_override = models.BooleanField(_("领导批准超预算"), default=False)
    budget_override_reason = models.CharField(_("超预算理由"), max_length=300, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=40, blank=True)
    account_name = models.CharField(_("账户名称"), max_length=200, blank=True)
    commitments_accepted = models.BooleanField(_("已确认承诺事项"), default=False)
    facts = models.JSONField(_("提交时的企业数据"), default=dict, blank=True)
    eligibility = models.JSONField(_("资格核验结果"), default=dict, blank=True)
    score = models.DecimalField(_("专家评分"), max_digits=6, decimal_places=2, null=True, blank=True)
    duplicate_note = models.CharField(_("重复申报提示"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("核定时间"), null=True, blank=True)
    offer_deadline = models.DateField(_("确认截止"), null=True, blank=True)
    offer_reminded_on = models.DateField(_("最近提醒"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    reason = models.CharField(_("退回/不予支持/排除原因"), max_length=500, blank=True)
    notice = models.ForeignKey(
        "PublicNotice",
        verbose_name=_("公示批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    batch = models.ForeignKey(
        "DisbursementBatch",
        verbose_name=_("拨付批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("政策申报")
        verbose_name_plural = _("政策申报")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "stage"], name="policy_app_stage_idx"),
            models.Index(fields=["fund_item", "status"], name="policy_app_item_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["fund_item", "enterprise"],
                condition=~models.Q(status__in=["withdrawn", "rejected", "excluded", "declined", "expired"]),
                name="policy_one_live_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.fund_item.name}"

    @property
    def amount(self) -> Decimal | None:
        return self.awarded_yuan if self.awarded_yuan is not None else self.requested_yuan


def _application_file_to(instance: ApplicationFile, filename: str) -> str:
    return f"policy/applications/{instance.stored_name}"


class ApplicationFile(StoredFile):
    application = models.ForeignKey(Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="files")
    requirement = models.ForeignKey(
        MaterialRequirement, verbose_name=_("材料"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("文件"), upload_to=_application_file_to, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("申报材料文件")
        verbose_name_plural = _("申报材料文件")
        ordering = ["requirement__sort_order", "id"]


class ApplicationEvent(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=150)
    stage = models.CharField(_("环节"), max_length=12, choices=Stage.choices, blank=True)
    action = models.CharField(_("操作"), max_length=40)
    text = models.TextField(_("说明"), blank=True)
    public = models.BooleanField(_("企业可见"), default=True)

    class Meta:
        verbose_name = _("申报记录")
        verbose_name_plural = _("申报记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


class ExpertConflict(models.Model):
    """An expert's declared conflict of interest: with an enterprise (worked there, advises it, relatives …)."""

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("专家"), on_delete=models.CASCADE, related_name="policy_conflicts"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="expert_conflicts"
    )
    relation = models.CharField(_("关系说明"), max_length=200)
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专家回避关系")
        verbose_name_plural = _("专家回避关系")
        constraints = [models.UniqueConstraint(fields=["expert", "enterprise"], name="policy_conflict_unique")]

    def __str__(self) -> str:
        return f"{self.expert_id}-{self.enterprise_id}"


class ExpertAssignment(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="assignments"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="policy_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("指派人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("指派时间"), auto_now_add=True)
    random = models.BooleanField(_("随机抽取"), default=False)
    scores = models.JSONField(_("分项得分"), default=dict, blank=True)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("评审意见"), blank=True)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专家评审")
        verbose_name_plural = _("专家评审")
        ordering = ["assigned_at", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="policy_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.application_id}-{self.expert_id}"


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("公示中")
    CLOSED = "closed", _("公示结束")


class PublicNotice(TimeStampedModel):
    """A public notice (公示) of proposed awards of one fund item, shown without login for its period."""

    fund_item = models.ForeignKey(
        FundItem, verbose_name=_("申报项目"), on_delete=models.PROTECT, related_name="notices"
    )
    title = models.CharField(_("公示标题"), max_length=200)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示截止"))
    days = models.PositiveSmallIntegerField(_("公示期(工作日)"))
    contact = models.CharField(_("异议受理方式"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.OPEN)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ObjectionOutcome(models.TextChoices):
    PENDING = "pending", _("待核查")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class Objection(models.Model):
    """A written, signed objection to a notice (anonymous ones are not accepted)."""

    notice = models.ForeignKey(
        PublicNotice, verbose_name=_("公示"), on_delete=models.CASCADE, related_name="objections"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("所涉申报"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_by = models.CharField(_("异议人（署名）"), max_length=100)
    contact = models.CharField(_("联系方式"), max_length=100)
    content = models.TextField(_("异议内容"))
    received_on = models.DateField(_("收到日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(
        _("核查结论"), max_length=10, choices=ObjectionOutcome.choices, default=ObjectionOutcome.PENDING
    )
    finding = models.TextField(_("核查意见"), blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.signed_by}"


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("待拨付")
    PAID = "paid", _("已拨付")


class DisbursementBatch(TimeStampedModel):
    number = models.CharField(_("批次号"), max_length=20, unique=True)
    title = models.CharField(_("批次名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)
    voucher = models.CharField(_("凭证号"), max_length=60, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("拨付批次")
        verbose_name_plural = _("拨付批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PushKind(models.TextChoices):
    ELIGIBLE = "eligible", _("符合条件")
    NEAR = "near", _("差一项")


class PushRecord(models.Model):
    """What precise push has told an enterprise about a fund item (so the same news is not sent twice)."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="policy_pushes"
    )
    fund_item = models.ForeignKey(FundItem, verbose_name=_("申报项目"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=PushKind.choices)
    sent_at = models.DateTimeField(_("推送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政策推送记录")
        verbose_name_plural = _("政策推送记录")
        constraints = [models.UniqueConstraint(fields=["enterprise", "fund_item", "kind"], name="policy_push_once")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}-{self.fund_item_id}-{self.kind}"


class PushMute(models.Model):
    """A category of policies an enterprise does not want pushed to it."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="policy_mutes"
    )
    category = models.CharField(_("政策类别"), max_length=20, choices=PolicyCategory.choices)

    class Meta:
        verbose_name = _("不接收推送的类别")
        verbose_name_plural = _("不接收推送的类别")
        constraints = [models.UniqueConstraint(fields=["enterprise", "category"], name="policy_mute_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}-{self.category}"
