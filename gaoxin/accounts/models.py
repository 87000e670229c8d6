"""Accounts: users with one role and a data scope, API tokens, and enterprise-binding requests.

Invariants:
- a park officer has at least one park; a bureau officer may have a department; an enterprise user sees an
  enterprise only through `enterprise`, which is set only when an officer approves a binding request;
- API tokens are stored as SHA-256 digests; the clear token is shown once, when issued.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.roles import Role


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.ENTERPRISE)
    department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    parks = models.ManyToManyField("registry.Park", verbose_name=_("负责园区"), blank=True, related_name="officers")
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.is_active and self.role in roles

    @property
    def is_enterprise_user(self) -> bool:
        return self.role == Role.ENTERPRISE


class ApiToken(models.Model):
    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class BindingStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")


class EnterpriseBinding(models.Model):
    """A registered enterprise user's request to act for an enterprise, decided by an officer."""

    user = models.ForeignKey(User, verbose_name=_("申请用户"), on_delete=models.CASCADE, related_name="bindings")
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("匹配企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="binding_requests",
    )
    applicant_position = models.CharField(_("职务"), max_length=60, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=BindingStatus.choices, default=BindingStatus.PENDING)
    decided_by = models.ForeignKey(
        User, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.CharField(_("审核意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业绑定申请")
        verbose_name_plural = _("企业绑定申请")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.enterprise_name}（{self.uscc}）"

    @property
    def name_matches(self) -> bool:
        return self.enterprise is not None and self.enterprise.name == self.enterprise_name
