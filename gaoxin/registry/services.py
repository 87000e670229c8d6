"""Writes to the registry. Every function takes the acting user, checks the permission, validates, saves and
records the audit entry in one transaction. Nothing else saves registry models (imports call these helpers too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.core import audit, signals
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.core.models import AuditAction
from gaoxin.core.permissions import require
from gaoxin.registry import permissions
from gaoxin.registry.identity import check_uscc, search_text
from gaoxin.registry.models import (
    CHECK_NAMES,
    Chain,
    ChainLink,
    Department,
    Enterprise,
    EnterpriseCheck,
    EnterpriseFormerName,
    Industry,
    Park,
    Qualification,
    QualificationType,
    Zone,
)
from gaoxin.rules.engine.vocabulary import FLAGS

#: Fields an officer maintains. The enterprise itself may change only CONTACT_FIELDS.
OFFICER_FIELDS = (
    "name",
    "park",
    "industry",
    "nic_code",
    "chain_stage",
    "founded_on",
    "registered_capital",
    "address",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "finance_contact_name",
    "finance_contact_phone",
    "email",
    "is_above_scale",
    "above_scale_since",
    "status",
    "commissioner",
)
CONTACT_FIELDS = ("contact_name", "contact_phone", "finance_contact_name", "finance_contact_phone", "email")


def _refresh_search_text(enterprise: Enterprise, former: list[str] | None = None) -> None:
    if former is None:
        former = list(enterprise.former_names.values_list("name", flat=True)) if enterprise.pk else []
    enterprise.search_text = search_text(enterprise.name, former)


def validated_uscc(raw: Any, *, override_reason: str = "") -> tuple[str, str]:
    """(code, override reason). A code failing only its check digit passes when a reason is given."""
    result = check_uscc(raw)
    if result.ok:
        return result.code, ""
    if result.checksum_only and override_reason.strip():
        return result.code, override_reason.strip()
    raise ValidationFailed(_("统一社会信用代码：%(problem)s") % {"problem": result.message}, data={"field": "uscc"})


@transaction.atomic
def enterprise_create(*, actor: Any, data: Mapping[str, Any], uscc_override_reason: str = "") -> Enterprise:
    require(permissions.can_create_enterprise(actor))
    code, override = validated_uscc(data.get("uscc"), override_reason=uscc_override_reason)
    if Enterprise.objects.filter(uscc=code).exists():
        raise Conflict(_("统一社会信用代码 %(code)s 已在企业库中") % {"code": code}, data={"field": "uscc"})
    park = data.get("park")
    if park is None:
        raise ValidationFailed(_("所属园区：不能为空"), data={"field": "park"})
    if actor.role == "park_officer" and not actor.parks.filter(pk=park.pk).exists():
        raise PermissionDenied(_("只能在本园区登记企业"))
    enterprise = Enterprise(uscc=code)
    for name in OFFICER_FIELDS:
        if name in data:
            setattr(enterprise, name, data[name])
    if override:
        enterprise.uscc_override_reason = override
        enterprise.uscc_override_by = actor
    _refresh_search_text(enterprise, [])
    enterprise.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=enterprise,
        enterprise_id=enterprise.pk,
        changes={"统一社会信用代码": [None, code], "企业名称": [None, enterprise.name]},
    )
    if override:
        audit.record(
            actor=actor,
            action=AuditAction.OVERRIDE,
            target=enterprise,
            enterprise_id=enterprise.pk,
            reason=override,
            changes={"统一社会信用代码": [None, f"{code}（校验位未通过，例外接受）"]},
        )
    return enterprise


def _apply(enterprise: Enterprise, data: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    before = audit.snapshot(enterprise, [f for f in fields if f in data])
    old_name = enterprise.name
    for name in before:
        setattr(enterprise, name, data[name])
    changes = audit.diff(Enterprise, before, audit.snapshot(enterprise, before.keys()))
    if "name" in before and enterprise.name != old_name and enterprise.pk:
        EnterpriseFormerName.objects.create(enterprise=enterprise, name=old_name, until=timezone.localdate())
    return changes


@transaction.atomic
def enterprise_update(*, actor: Any, enterprise: Enterprise, data: Mapping[str, Any], reason: str = "") -> Enterprise:
    """An officer's edit. Renaming keeps the old name as a former name; moving park needs the new park in scope."""
    require(permissions.can_edit_enterprise(actor, enterprise))
    new_park = data.get("park")
    if new_park is not None and actor.role == "park_officer" and not actor.parks.filter(pk=new_park.pk).exists():
        raise PermissionDenied(_("不能把企业移到您负责范围以外的园区"))
    if data.get("is_above_scale") is False:
        data = {**data, "above_scale_since": None}
    changes = _apply(enterprise, data, OFFICER_FIELDS)
    if not changes:
        return enterprise
    _refresh_search_text(enterprise)
    enterprise.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=enterprise,
        enterprise_id=enterprise.pk,
        changes=changes,
        reason=reason,
    )
    return enterprise


@transaction.atomic
def enterprise_update_contacts(*, actor: Any, enterprise: Enterprise, data: Mapping[str, Any]) -> Enterprise:
    """The enterprise's own edit of its contacts, from the portal. Other fields in `data` are ignored."""
    require(permissions.can_edit_own_contacts(actor, enterprise))
    changes = _apply(enterprise, data, CONTACT_FIELDS)
    if changes:
        enterprise.save(update_fields=[*CONTACT_FIELDS, "updated_at"])
        audit.record(
            actor=actor, action=AuditAction.UPDATE, target=enterprise, enterprise_id=enterprise.pk, changes=changes
        )
    return enterprise


# Qualifications ---------------------------------------------------------------------------------------------

QUALIFICATION_FIELDS = ("qtype", "level", "certificate_no", "recognized_on", "valid_until")


def default_valid_until(qtype: QualificationType, recognized_on: dt.date | None) -> dt.date | None:
    """高企 are valid 3 years, 科小 a year, …: the day before the anniversary of recognition."""
    if not qtype.validity_years or recognized_on is None:
        return None
    try:
        anniversary = recognized_on.replace(year=recognized_on.year + qtype.validity_years)
    except ValueError:  # 29 February
        anniversary = recognized_on.replace(year=recognized_on.year + qtype.validity_years, day=28)
    return anniversary - dt.timedelta(days=1)


def qualification_validate(data: Mapping[str, Any]) -> None:
    qtype: QualificationType | None = data.get("qtype")
    if qtype is None:
        raise ValidationFailed(_("资质类型：不能为空"))
    if data.get("level") and not qtype.has_levels:
        raise ValidationFailed(_("级别：%(name)s不分级别") % {"name": qtype.name})
    start, end = data.get("recognized_on"), data.get("valid_until")
    if start and end and end < start:
        raise ValidationFailed(_("有效期至：早于认定日期"))


@transaction.atomic
def qualification_create(*, actor: Any, enterprise: Enterprise, data: Mapping[str, Any]) -> Qualification:
    require(permissions.can_edit_enterprise(actor, enterprise))
    qualification_validate(data)
    qualification = Qualification(enterprise=enterprise)
    for name in QUALIFICATION_FIELDS:
        setattr(qualification, name, data.get(name) or ("" if name in {"level", "certificate_no"} else None))
    if qualification.valid_until is None:
        qualification.valid_until = default_valid_until(qualification.qtype, qualification.recognized_on)
    qualification.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=qualification,
        enterprise_id=enterprise.pk,
        changes={"资质": [None, _qualification_text(qualification)]},
    )
    signals.facts_changed.send(sender=Qualification, enterprise_ids=[enterprise.pk], reason="资质变更")
    return qualification


@transaction.atomic
def qualification_update(*, actor: Any, qualification: Qualification, data: Mapping[str, Any]) -> Qualification:
    require(permissions.can_edit_enterprise(actor, qualification.enterprise))
    qualification_validate({**audit.snapshot(qualification, QUALIFICATION_FIELDS), **data})
    before = audit.snapshot(qualification, [f for f in QUALIFICATION_FIELDS if f in data])
    for name in before:
        setattr(
            qualification, name, data[name] if data[name] is not None or name not in {"level", "certificate_no"} else ""
        )
    changes = audit.diff(Qualification, before, audit.snapshot(qualification, before.keys()))
    if changes:
        qualification.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=qualification,
            enterprise_id=qualification.enterprise_id,
            changes=changes,
        )
    signals.facts_changed.send(sender=Qualification, enterprise_ids=[qualification.enterprise_id], reason="资质变更")
    return qualification


@transaction.atomic
def qualification_delete(*, actor: Any, qualification: Qualification, reason: str) -> None:
    require(permissions.can_edit_enterprise(actor, qualification.enterprise))
    if not reason.strip():
        raise ValidationFailed(_("请填写删除原因"))
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        target=qualification,
        enterprise_id=qualification.enterprise_id,
        changes={"资质": [_qualification_text(qualification), None]},
        reason=reason,
    )
    qualification.delete()
    signals.facts_changed.send(sender=Qualification, enterprise_ids=[qualification.enterprise_id], reason="资质变更")


def _qualification_text(q: Qualification) -> str:
    parts = [q.qtype.name]
    if q.level:
        parts.append(q.get_level_display())
    if q.certificate_no:
        parts.append(f"证书{q.certificate_no}")
    if q.recognized_on:
        parts.append(f"认定{q.recognized_on.isoformat()}")
    if q.valid_until:
        parts.append(f"有效期至{q.valid_until.isoformat()}")
    return "，".join(parts)


# Zone structure ---------------------------------------------------------------------------------------------


@transaction.atomic
def zone_save(*, actor: Any, data: Mapping[str, Any]) -> Zone:
    require(permissions.can_manage_structure(actor))
    zone = Zone.objects.order_by("id").first() or Zone()
    return _save_structure(actor, zone, data, ("name", "short_name", "city", "region_code"))


@transaction.atomic
def park_save(*, actor: Any, data: Mapping[str, Any], park: Park | None = None) -> Park:
    require(permissions.can_manage_structure(actor))
    return _save_structure(actor, park or Park(), data, ("code", "name", "short_name", "sort_order"))


@transaction.atomic
def department_save(*, actor: Any, data: Mapping[str, Any], department: Department | None = None) -> Department:
    require(permissions.can_manage_structure(actor))
    return _save_structure(actor, department or Department(), data, ("code", "name", "sort_order"))


@transaction.atomic
def industry_save(*, actor: Any, data: Mapping[str, Any], industry: Industry | None = None) -> Industry:
    require(permissions.can_manage_structure(actor))
    industry = industry or Industry()
    parent = data.get("parent")
    if parent is not None and industry.pk:
        node: Industry | None = parent
        while node is not None:
            if node.pk == industry.pk:
                raise ValidationFailed(_("上级产业：不能把产业挂到它自己或它的下级之下"))
            node = node.parent
    return _save_structure(actor, industry, data, ("code", "name", "parent", "gbt_codes", "sort_order"))


@transaction.atomic
def chain_save(*, actor: Any, data: Mapping[str, Any], chain: Chain | None = None) -> Chain:
    require(permissions.can_manage_structure(actor))
    return _save_structure(actor, chain or Chain(), data, ("name", "sort_order"))


@transaction.atomic
def chain_link_add(*, actor: Any, chain: Chain, stage: str, industry: Industry) -> ChainLink:
    require(permissions.can_manage_structure(actor))
    link, created = ChainLink.objects.get_or_create(chain=chain, stage=stage, industry=industry)
    if created:
        audit.record(actor=actor, action=AuditAction.CREATE, target=link, changes={"产业链环节": [None, str(link)]})
    return link


@transaction.atomic
def chain_link_remove(*, actor: Any, link: ChainLink) -> None:
    require(permissions.can_manage_structure(actor))
    audit.record(actor=actor, action=AuditAction.DELETE, target=link, changes={"产业链环节": [str(link), None]})
    link.delete()


@transaction.atomic
def qualification_type_save(
    *, actor: Any, data: Mapping[str, Any], qtype: QualificationType | None = None
) -> QualificationType:
    require(permissions.can_manage_catalogue(actor))
    fields = ("code", "name", "aliases", "category", "has_levels", "validity_years", "ladder_rank", "sort_order")
    return _save_structure(actor, qtype or QualificationType(), data, fields)


def _save_structure(actor: Any, obj: Any, data: Mapping[str, Any], fields: tuple[str, ...]) -> Any:
    creating = obj.pk is None
    before = audit.snapshot(obj, [f for f in fields if f in data])
    for name in before:
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        setattr(obj, name, value)
    changes = audit.diff(type(obj), before, audit.snapshot(obj, before.keys()))
    if creating or changes:
        obj.full_clean()
        obj.save()
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            target=obj,
            changes=changes,
        )
    return obj


def money_wan_to_yuan(value: Decimal | None) -> Decimal | None:
    """Imports and forms take 注册资本 in 万元 (as officers write it); the registry stores yuan."""
    return None if value is None else (value * 10000).quantize(Decimal("0.01"))


# --- yes/no matters the criteria ask about (核实事项) --------------------------------------------------------------


def check_label(name: str) -> str:
    return FLAGS[name].label


def check_text(value: bool | None, checked_on: dt.date | None, basis: str) -> str | None:
    """A verified answer as the change history shows it: 否（2026-03-02，信用中国查询）."""
    if value is None:
        return None
    text = f"{_('是') if value else _('否')}（{checked_on.isoformat() if checked_on else ''}"
    return f"{text}，{basis}）" if basis else f"{text}）"


@transaction.atomic
def checks_update(*, actor: Any, enterprise: Enterprise, answers: Mapping[str, Mapping[str, Any]]) -> int:
    """Record the verified answers of an enterprise's matters in one go: {name: {"value": True/False/None,
    "checked_on": date, "basis": text}}; None clears a record (the matter is unknown again, 待核实). Every answer is
    checked first — a bad one changes nothing; returns how many matters changed (each audited), and asks for the
    enterprise's rule results to be evaluated again when any did."""
    require(permissions.can_edit_enterprise(actor, enterprise))
    today = timezone.localdate()
    for name, answer in answers.items():
        if name not in CHECK_NAMES:
            raise ValidationFailed(_("核实事项：没有“%(name)s”这一项") % {"name": name})
        label = check_label(name)
        value, checked_on = answer.get("value"), answer.get("checked_on")
        if value is not None and checked_on is None:
            raise ValidationFailed(
                _("%(label)s：请填写核实日期") % {"label": label}, data={"field": f"{name}-checked_on"}
            )
        if checked_on is not None and checked_on > today:
            raise ValidationFailed(
                _("%(label)s：核实日期不能晚于今天") % {"label": label}, data={"field": f"{name}-checked_on"}
            )
        if len(str(answer.get("basis") or "")) > 200:
            raise ValidationFailed(
                _("%(label)s：核实依据不能超过200字") % {"label": label}, data={"field": f"{name}-basis"}
            )
    held = {check.name: check for check in EnterpriseCheck.objects.select_for_update().filter(enterprise=enterprise)}
    changed = 0
    for name, answer in answers.items():
        value, checked_on = answer.get("value"), answer.get("checked_on")
        basis = str(answer.get("basis") or "").strip()
        current = held.get(name)
        before = check_text(current.value, current.checked_on, current.basis) if current else None
        after = check_text(value, checked_on, basis)
        if before == after:
            continue
        if value is None:
            assert current is not None
            target: Any = current
            current.delete()
        else:
            target = current or EnterpriseCheck(enterprise=enterprise, name=name)
            target.value, target.checked_on, target.basis, target.checked_by = value, checked_on, basis, actor
            target.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=enterprise,
            enterprise_id=enterprise.pk,
            changes={check_label(name): [before, after]},
        )
        changed += 1
    if changed:
        signals.facts_changed.send(sender=EnterpriseCheck, enterprise_ids=[enterprise.pk], reason="核实事项变更")
    return changed
