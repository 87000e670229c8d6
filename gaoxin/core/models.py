"""Core aggregates: the abstract base model and the audit trail.

Invariant: an AuditEntry is written by the service that made the change, inside the same transaction, and is
never updated or deleted afterwards (the platform has no code path that does either).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class StoredFile(models.Model):
    """An uploaded file kept under MEDIA_ROOT with a random name (`service.attachments.store`); the concrete model adds
    its `file` field (where it goes) and what it belongs to. Served only through a scoped download view."""

    stored_name = models.CharField(max_length=80, editable=False)
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10)
    size = models.PositiveIntegerField(_("大小(字节)"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    IMPORT_CREATE = "import_create", _("导入新增")
    IMPORT_UPDATE = "import_update", _("导入更新")
    OVERRIDE = "override", _("例外接受")
    APPROVE = "approve", _("审核通过")
    REJECT = "reject", _("驳回")
    LOGIN = "login", _("登录")


class AuditEntry(models.Model):
    """Who changed what, when, from what to what. `enterprise_id` lets an enterprise's page list its history."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices)
    target_type = models.CharField(_("对象类型"), max_length=60)
    target_id = models.CharField(_("对象编号"), max_length=40)
    target_label = models.CharField(_("对象"), max_length=200, blank=True)
    enterprise_id = models.BigIntegerField(_("企业"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    reason = models.CharField(_("原因"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.get_action_display()} {self.target_label}"
