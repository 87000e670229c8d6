"""Enterprise service (企业服务): appeals (诉求), their dispatch to departments (转办), attachments and the event log.

Invariants:
- an appeal belongs to one enterprise and is received once (一门受理), from any channel; its number is unique;
- an appeal is handled at once by the service centre (马上办) or dispatched (转办) to exactly one lead department and
  any number of co-departments; each `Dispatch` has its own time limit in working days and its due date, counted on
  the official calendar with the day of receipt not counted;
- the enterprise sees a department's reply only after the centre has reviewed it (status 中心已审核);
- a dispatch's deadline is extended at most once, with a reason; an appeal is reopened at most once (不满意);
- every step is an `AppealEvent` (who, when, what); the enterprise sees those marked `public`;
- while a dispatch waits for the enterprise's clarification (需澄清) its clock stops: the working days spent waiting
  (`paused_days`) move its due date on and are not counted in its handling time;
- an imported appeal keeps the source's number (`external_number`, unique when set): importing it again adds nothing;
- a grid (网格) gives its commissioner the grid's enterprises, besides those assigned one-to-one in the registry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.core.models import StoredFile, TimeStampedModel


class AppealCategory(TimeStampedModel):
    """A node of the appeal category tree (政策咨询 → 政策解读 …), editable by an administrator."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级分类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_consultation = models.BooleanField(
        _("咨询类"), default=False, help_text=_("咨询类诉求的办理时限较短（默认2个工作日）")
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def path(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name


class Channel(models.TextChoices):
    PORTAL = "portal", _("企业门户")
    PHONE = "phone", _("电话")
    VISIT = "visit", _("来访")
    COMMISSIONER = "commissioner", _("服务专员走访")
    IMPORT = "import", _("批量导入")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class HandlingMode(models.TextChoices):
    IMMEDIATE = "immediate", _("马上办")
    DISPATCH = "dispatch", _("转办")


class AppealStatus(models.TextChoices):
    NEW = "new", _("待分办")
    HANDLING = "handling", _("办理中")
    REPLIED = "replied", _("已答复待评价")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并")


OPEN_STATUSES = (AppealStatus.NEW, AppealStatus.HANDLING, AppealStatus.REPLIED)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Appeal(TimeStampedModel):
    number = models.CharField(_("诉求编号"), max_length=20, unique=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="appeals"
    )
    channel = models.CharField(_("受理渠道"), max_length=12, choices=Channel.choices)
    category = models.ForeignKey(
        AppealCategory, verbose_name=_("诉求分类"), on_delete=models.PROTECT, related_name="appeals"
    )
    title = models.CharField(_("诉求标题"), max_length=120)
    content = models.TextField(_("诉求内容"))
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.NEW)
    mode = models.CharField(_("办理方式"), max_length=10, choices=HandlingMode.choices, blank=True)
    received_at = models.DateTimeField(_("受理时间"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    respond_by = models.DateTimeField(_("响应时限"), help_text=_("受理后1个工作小时内响应（“124”规则）"))
    responded_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    due_date = models.DateField(_("办结时限"), null=True, blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    auto_closed = models.BooleanField(_("逾期未评价自动办结"), default=False)
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    first_rating = models.CharField(_("首次评价"), max_length=12, choices=Rating.choices, blank=True)
    reopened = models.BooleanField(_("已重新办理"), default=False)
    handling_round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("合并到"), null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    external_number = models.CharField(
        _("外部编号"), max_length=40, blank=True, help_text=_("批量导入时来源系统的编号（如12345热线工单号）")
    )

    class Meta:
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "status"], name="appeal_enterprise_status_idx"),
            models.Index(fields=["status", "received_at"], name="appeal_status_received_idx"),
            models.Index(fields=["received_at"], name="appeal_received_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_number"],
                condition=~models.Q(external_number=""),
                name="appeal_external_number_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DispatchRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")


class DispatchStatus(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    CLARIFY = "clarify", _("需澄清")
    RETURNED = "returned", _("退回")
    REPLIED = "replied", _("已答复")
    APPROVED = "approved", _("中心已审核")
    CO_DONE = "co_done", _("协办完成")


#: Dispatches a department still has to work on (counted as "overdue now" once past their due date).
ACTIVE_DISPATCH = (DispatchStatus.PENDING, DispatchStatus.ACCEPTED, DispatchStatus.CLARIFY)
#: Dispatches whose clock runs (a clarification pending stops it).
RUNNING_DISPATCH = (DispatchStatus.PENDING, DispatchStatus.ACCEPTED)
#: Dispatches counted as 办结 on the scoreboard: the reply approved by the centre, or a co-department's part closed
#: by the lead's approved answer (协办完成).
DONE_DISPATCH = (DispatchStatus.APPROVED, DispatchStatus.CO_DONE)


class Dispatch(models.Model):
    """One department's part in handling an appeal (转办): lead or co-department, with its own time limit."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="dispatches")
    department = models.ForeignKey(
        "registry.Department", verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="dispatches"
    )
    role = models.CharField(_("承办方式"), max_length=4, choices=DispatchRole.choices)
    handling_round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    status = models.CharField(_("状态"), max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.PENDING)
    limit_days = models.PositiveSmallIntegerField(_("办理时限(工作日)"))
    dispatched_at = models.DateTimeField(_("转办时间"))
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("分办人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(_("办结时限"))
    return_due = models.DateField(_("退回时限"))
    original_due = models.DateField(_("原办结时限"), null=True, blank=True)
    extension_reason = models.CharField(_("延期原因"), max_length=300, blank=True)
    accepted_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    question = models.TextField(_("澄清问题"), blank=True)
    paused_on = models.DateField(_("暂停计时日期"), null=True, blank=True, help_text=_("请企业澄清的日期"))
    paused_days = models.PositiveSmallIntegerField(
        _("等待澄清(工作日)"), default=0, help_text=_("等待企业澄清的工作日，不计入办理用时，时限相应顺延")
    )
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("办理用时(工作日)"), null=True, blank=True)
    in_time = models.BooleanField(_("按时办结"), null=True, blank=True)
    rating = models.CharField(_("企业评价"), max_length=12, choices=Rating.choices, blank=True)

    class Meta:
        verbose_name = _("转办")
        verbose_name_plural = _("转办")
        ordering = ["appeal_id", "handling_round", "-role", "id"]
        indexes = [
            models.Index(fields=["department", "status", "due_date"], name="dispatch_dept_status_idx"),
            models.Index(fields=["dispatched_at", "department"], name="dispatch_period_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "handling_round", "department"],
                condition=~models.Q(status="returned"),
                name="dispatch_one_per_department",
            )
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.department_id} {self.role}"

    @property
    def extended(self) -> bool:
        return self.original_due is not None

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_DISPATCH

    @property
    def is_paused(self) -> bool:
        return self.status == DispatchStatus.CLARIFY


def _upload_to(instance: Attachment, filename: str) -> str:
    return f"service/{instance.stored_name}"


class Attachment(StoredFile):
    """A file the enterprise or an officer attached (type checked by its content, size limited)."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="attachments")
    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("转办"), null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=_upload_to, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]


class EventKind(models.TextChoices):
    RECEIVED = "received", _("受理")
    SUPPLEMENT = "supplement", _("补充")
    MERGED = "merged", _("合并")
    IMMEDIATE = "immediate", _("马上办答复")
    DISPATCHED = "dispatched", _("转办")
    ACCEPTED = "accepted", _("部门接收")
    CLARIFY = "clarify", _("需澄清")
    CLARIFIED = "clarified", _("澄清答复")
    RETURNED = "returned", _("退回")
    REPLIED = "replied", _("部门答复")
    APPROVED = "approved", _("中心审核通过")
    SENT_BACK = "sent_back", _("中心退回重办")
    EXTENDED = "extended", _("延期")
    REMINDED = "reminded", _("到期提醒")
    ESCALATED = "escalated", _("逾期督办")
    RATED = "rated", _("评价")
    REOPENED = "reopened", _("重新办理")
    CLOSED = "closed", _("办结")
    CO_DONE = "co_done", _("协办完成")
    IMPORTED = "imported", _("批量导入")


class AppealEvent(models.Model):
    """One step of an appeal: who did what, when. `public` steps are shown to the enterprise."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("环节"), max_length=12, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=100)
    department = models.ForeignKey(
        "registry.Department", verbose_name=_("部门"), null=True, blank=True, on_delete=models.SET_NULL
    )
    text = models.TextField(_("说明"))
    public = models.BooleanField(_("企业可见"), default=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"


class ReminderKind(models.TextChoices):
    DUE = "due", _("到期前提醒")
    OVERDUE = "overdue", _("逾期督办")


class DispatchReminder(models.Model):
    """A reminder or escalation sent for a dispatch on a day: at most one of each kind per dispatch and day."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("类型"), max_length=10, choices=ReminderKind.choices)
    day = models.DateField(_("日期"))
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)

    class Meta:
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")
        constraints = [models.UniqueConstraint(fields=["dispatch", "kind", "day"], name="dispatch_reminder_daily")]

    def __str__(self) -> str:
        return f"{self.dispatch_id} {self.kind} {self.day}"


class Visit(TimeStampedModel):
    """A commissioner's visit to an enterprise (走访记录): whom they met, what they found, the problems raised."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="service_visits"
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("走访人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_on = models.DateField(_("走访日期"))
    people_met = models.CharField(_("接待人员"), max_length=200)
    findings = models.TextField(_("走访情况"), blank=True)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "visited_on"], name="visit_enterprise_day_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.visited_on}"


class ProblemKind(models.TextChoices):
    PROBLEM = "problem", _("问题")
    NEED = "need", _("需求")


class VisitProblem(models.Model):
    """One problem or need raised on a visit (the 问题清单/需求清单); turned into an appeal in one click."""

    visit = models.ForeignKey(Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(_("类型"), max_length=8, choices=ProblemKind.choices, default=ProblemKind.PROBLEM)
    text = models.CharField(_("内容"), max_length=300)
    appeal = models.ForeignKey(
        Appeal, verbose_name=_("诉求"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visit_problems"
    )

    class Meta:
        verbose_name = _("走访问题")
        verbose_name_plural = _("走访问题")
        ordering = ["visit_id", "id"]

    def __str__(self) -> str:
        return self.text


class GridKind(models.TextChoices):
    PARK = "park", _("园区")
    STREET = "street", _("街道/社区")
    BUILDING = "building", _("楼宇")
    OTHER = "other", _("其他")


class ServiceGrid(TimeStampedModel):
    """A service grid (服务网格): a named group of enterprises (a park, a street, a building) in one commissioner's
    care. Its enterprises are in the commissioner's scope like those assigned one-to-one in the registry."""

    name = models.CharField(_("网格名称"), max_length=100, unique=True)
    kind = models.CharField(_("网格类型"), max_length=10, choices=GridKind.choices, default=GridKind.PARK)
    park = models.ForeignKey(
        "registry.Park", verbose_name=_("所在园区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("网格服务专员"),
        on_delete=models.PROTECT,
        related_name="service_grids",
    )
    enterprises = models.ManyToManyField(
        "registry.Enterprise", verbose_name=_("网格企业"), blank=True, related_name="service_grids"
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务网格")
        verbose_name_plural = _("服务网格")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class EscalationRoute(TimeStampedModel):
    """Whom an overdue dispatch of a department is escalated to (逾期督办): the department's head (部门负责人) and the
    zone leader in charge of it (分管领导). Without a route, or a leader on it, every zone leader is told."""

    department = models.OneToOneField(
        "registry.Department", verbose_name=_("部门"), on_delete=models.CASCADE, related_name="service_escalation"
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("部门负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分管领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("督办对象")
        verbose_name_plural = _("督办对象")

    def __str__(self) -> str:
        return str(self.department_id)
