"""Writing the audit trail. Services call these inside their transaction; nothing else writes AuditEntry.

`changes` maps a field's verbose name to [before, after], both as the text an officer would read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models

from gaoxin.core.models import AuditAction, AuditEntry


def audit_value(value: Any) -> Any:
    """The JSON-safe, human-readable form of a field value."""
    if value is None:
        return None
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, list | tuple):
        return [audit_value(v) for v in value]
    return value if isinstance(value, int | float | str) else str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields` (attribute names), for diffing after a change."""
    return {name: getattr(obj, name) for name in fields}


def diff(model: type[models.Model], before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{verbose name: [before, after]} for the fields whose value changed."""
    changes: dict[str, list[Any]] = {}
    for name, old in before.items():
        new = after.get(name)
        if old != new:
            label = str(getattr(model._meta.get_field(name), "verbose_name", name))
            changes[label] = [_display(model, name, old), _display(model, name, new)]
    return changes


def _display(model: type[models.Model], name: str, value: Any) -> Any:
    field = model._meta.get_field(name)
    choices = getattr(field, "flatchoices", None)
    if choices and value not in (None, ""):
        return str(dict(choices).get(value, value))
    return audit_value(value)


def record(
    *,
    actor: Any,
    action: str | AuditAction,
    target: models.Model,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    enterprise_id: int | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(**_fields(actor, action, target, changes, reason, enterprise_id))


def build(
    *,
    actor: Any,
    action: str | AuditAction,
    target: models.Model,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    enterprise_id: int | None = None,
) -> AuditEntry:
    """An unsaved entry, for services that write many rows with bulk_create (imports)."""
    return AuditEntry(**_fields(actor, action, target, changes, reason, enterprise_id))


def _fields(
    actor: Any,
    action: str | AuditAction,
    target: models.Model,
    changes: Mapping[str, Any] | None,
    reason: str,
    enterprise_id: int | None,
) -> dict[str, Any]:
    label = ""
    if actor is not None:
        label = getattr(actor, "display_name", "") or getattr(actor, "username", "") or str(actor)
    return {
        "actor": actor if actor is not None and getattr(actor, "pk", None) else None,
        "actor_label": label or "系统",
        "action": str(action),
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "target_label": str(target)[:200],
        "enterprise_id": enterprise_id,
        "changes": dict(changes or {}),
        "reason": reason[:500],
    }
