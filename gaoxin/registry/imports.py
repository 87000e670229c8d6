"""Spreadsheet imports into the registry: enterprises (FORMATS.md 1a), qualifications (1b), zone structure (1g),
verified matters (核实事项, the flags of FORMATS.md section 2), and their downloadable templates.

Invariants:
- all or nothing: a file with any error writes nothing, unless the caller asked for a partial import (enterprises
  only), which writes the rows without errors and skips the others;
- idempotent upsert by natural key: the USCC (1a); USCC + 资质类型 + 证书编号 or 认定日期 (1b); the 编码 columns
  (1g); USCC + 核实事项 (verified matters). Re-importing a file changes nothing. An empty optional cell keeps the
  current value; the zone structure is only added to and renamed, never deleted;
- every created or changed enterprise, qualification or verified matter writes one audit entry (import_create /
  import_update, `enterprise_id` set so the enterprise's history shows it) in the same transaction as the change;
- a renamed enterprise keeps its old name as a former name, and its `search_text` is rewritten;
- no per-row queries: existing rows are fetched by key in chunks; writes go through bulk_create / bulk_update.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.core import audit, normalize, signals
from gaoxin.core.importing import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Column,
    ImportResult,
    Record,
    Table,
    TemplateSheet,
    cell_choice,
    cell_date,
    cell_decimal,
    cell_email,
    cell_phone,
    cell_text,
    cell_uscc,
    cell_yes_no,
    chunked,
    insert_rows,
    lookup_key,
    mark_duplicates,
    open_workbook,
    read_table,
    template_xlsx,
    update_rows,
)
from gaoxin.core.models import AuditAction, AuditEntry
from gaoxin.core.normalize import CellError
from gaoxin.core.permissions import require
from gaoxin.registry import permissions, selectors
from gaoxin.registry.identity import check_uscc, search_text
from gaoxin.registry.models import (
    CHECK_NAMES,
    Chain,
    ChainLink,
    ChainStage,
    Department,
    Enterprise,
    EnterpriseCheck,
    EnterpriseFormerName,
    EnterpriseStatus,
    Industry,
    Park,
    Qualification,
    QualificationLevel,
    QualificationType,
)
from gaoxin.registry.services import check_text, default_valid_until, money_wan_to_yuan
from gaoxin.rules.engine.vocabulary import FLAGS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Source = str | Path | IO[bytes]
BATCH_SIZE = 500
EXAMPLE_USCC = "91440400MA4UJ3XX1U"

USCC_LABEL = "统一社会信用代码"
USCC_ALIASES = ("信用代码", "社会信用代码", "统一信用代码", "统一代码", "USCC")


def _reason(filename: str | None) -> str:
    return f"批量导入：{Path(filename).name}" if filename else "批量导入"


class _Index:
    """Resolves what an officer typed (a code, a name or a short name) to one object, without queries."""

    def __init__(self, objects: Iterable[Any], fields: Sequence[str]) -> None:
        self.fields = fields
        self.tables: list[dict[str, list[Any]]] = [{} for _field in fields]
        for obj in objects:
            self.add(obj)

    def add(self, obj: Any) -> None:
        for table, name in zip(self.tables, self.fields, strict=True):
            key = lookup_key(getattr(obj, name))
            if key:
                table.setdefault(key, []).append(obj)

    def find(self, value: str) -> list[Any]:
        key = lookup_key(value)
        for table in self.tables:
            if key in table:
                return table[key]
        return []


def _not_found(word: str, value: str) -> str:
    """`word` is the translated noun (园区, 产业, 部门)."""
    return _("没有名称或编码为“%(value)s”的%(word)s") % {"value": value, "word": word}


def _resolve(index: _Index, value: str, word: str) -> tuple[Any, str]:
    found = index.find(value)
    if not found:
        return None, _not_found(word, value)
    if len({obj.pk for obj in found}) > 1:
        return None, _("名称“%(value)s”对应多个%(word)s，请改填%(word)s编码") % {"value": value, "word": word}
    return found[0], ""


# Enterprises (FORMATS.md 1a) ---------------------------------------------------------------------------------

CHAIN_STAGES = {str(label): value for value, label in ChainStage.choices}
STATUSES = {str(label): value for value, label in EnterpriseStatus.choices}


def _parse_capital(value: Any) -> Decimal | None:
    amount = cell_decimal(value)
    if amount is None:
        return None
    if amount < 0:
        raise CellError(_("不能为负数"))
    yuan = money_wan_to_yuan(amount)
    if yuan is not None and yuan >= Decimal("1e16"):
        raise CellError(_("数值过大，请以万元为单位填写"))
    return yuan


def _parse_nic(value: Any) -> str | None:
    code = normalize.text(value).upper().replace(" ", "")
    if not code:
        return None
    if not re.fullmatch(r"[A-Z]\d{4}", code):
        raise CellError(_("应为门类字母加4位数字，如 C3973"))
    return code


ENTERPRISE_COLUMNS: tuple[Column, ...] = (
    Column(
        "uscc",
        USCC_LABEL,
        required=True,
        aliases=USCC_ALIASES,
        parse=cell_uscc,
        text_format=True,
        help="18位，按GB 32100-2015校验；全角字符和小写字母会自动转换。按此代码更新已有企业或新增企业。"
        "校验位未通过的早期试点代码须先在企业库页面登记并例外接受。",
    ),
    Column(
        "name",
        "企业名称",
        required=True,
        aliases=("名称", "企业名", "单位名称", "公司名称"),
        parse=cell_text(200),
        help="营业执照上的名称。改名时旧名称会记为曾用名。",
    ),
    Column(
        "park",
        "所属园区",
        required=True,
        aliases=("园区", "园区名称", "所在园区"),
        parse=cell_text(100),
        help="园区的名称、简称或编码。",
    ),
    Column(
        "industry",
        "所属产业",
        aliases=("产业", "产业领域", "主导产业", "产业分类"),
        parse=cell_text(100),
        help="本区产业目录中的产业（主导产业或细分领域）名称或编码，如 集成电路。",
    ),
    Column(
        "nic_code",
        "国民经济行业代码",
        aliases=("行业代码", "国民经济行业分类代码", "国标行业代码"),
        parse=_parse_nic,
        text_format=True,
        help="GB/T 4754-2017 小类代码：门类字母加4位数字，如 C3973。",
    ),
    Column(
        "chain_stage",
        "产业链环节",
        aliases=("环节", "产业链位置"),
        parse=cell_choice(CHAIN_STAGES, gettext_lazy("应为上游、中游或下游")),
        help="上游、中游或下游。",
    ),
    Column(
        "founded_on",
        "成立日期",
        aliases=("成立时间", "注册日期"),
        parse=cell_date,
        help="Excel日期，或写作 2020-03-01、2020/3/1、2020.3.1、2020年3月1日。",
    ),
    Column(
        "registered_capital",
        "注册资本(万元)",
        aliases=("注册资本", "注册资金(万元)", "注册资金"),
        parse=_parse_capital,
        help="以万元为单位的数字，可带千分位，如 1,000.5。",
    ),
    Column("address", "注册地址", aliases=("地址", "企业地址", "住所"), parse=cell_text(300), help="不超过300字。"),
    Column(
        "legal_representative",
        "法定代表人",
        aliases=("法人", "法人代表", "法定代表人姓名"),
        parse=cell_text(60),
        help="姓名。",
    ),
    Column("contact_name", "联系人", aliases=("企业联系人",), parse=cell_text(60), help="企业日常联系人姓名。"),
    Column(
        "contact_phone",
        "联系电话",
        aliases=("电话", "联系方式", "联系人电话"),
        parse=cell_phone,
        text_format=True,
        help="手机号（如 13800138000）或固定电话（如 0756-1234567，可带分机号）。",
    ),
    Column("finance_contact_name", "财务负责人", aliases=("财务联系人",), parse=cell_text(60), help="姓名。"),
    Column(
        "finance_contact_phone",
        "财务负责人电话",
        aliases=("财务电话", "财务联系电话"),
        parse=cell_phone,
        text_format=True,
        help="手机号或固定电话。",
    ),
    Column(
        "email",
        "电子邮箱",
        aliases=("邮箱", "电子邮件", "Email", "E-mail"),
        parse=cell_email,
        help="如 contact@example.com。",
    ),
    Column(
        "is_above_scale", "是否规上", aliases=("规上", "规上企业", "是否规上企业"), parse=cell_yes_no, help="是 或 否。"
    ),
    Column("above_scale_since", "入统日期", parse=cell_date, in_template=False),
    Column(
        "status",
        "企业状态",
        aliases=("状态", "经营状态", "登记状态"),
        parse=cell_choice(STATUSES, gettext_lazy("应为存续、迁出或注销")),
        help="存续、迁出或注销；新企业留空即为存续。",
    ),
)
ENTERPRISE_NOTES = (
    "企业名录导入说明（第一个工作表填写数据，表头须在前10行内，列的顺序不限）",
    "按统一社会信用代码新增或更新企业；重复导入同一文件不会产生变化。",
    "已有企业的选填列留空表示不修改该项；文件中有任何错误时整份文件都不导入（命令行可用 --partial 只导入无误的行）。",
)

_ENTERPRISE_ATTRS = {
    "name": "name",
    "park": "park_id",
    "industry": "industry_id",
    "nic_code": "nic_code",
    "chain_stage": "chain_stage",
    "founded_on": "founded_on",
    "registered_capital": "registered_capital",
    "address": "address",
    "legal_representative": "legal_representative",
    "contact_name": "contact_name",
    "contact_phone": "contact_phone",
    "finance_contact_name": "finance_contact_name",
    "finance_contact_phone": "finance_contact_phone",
    "email": "email",
    "is_above_scale": "is_above_scale",
    "above_scale_since": "above_scale_since",
    "status": "status",
}


@dataclass
class _EnterprisePlan:
    record: Record
    uscc: str
    current: Enterprise | None
    data: dict[str, Any]
    changes: dict[str, list[Any]] = field(default_factory=dict)


class _Display:
    """Field values as an officer reads them in the audit trail and the preview."""

    def __init__(self, model: type[models.Model], names: Mapping[str, Mapping[int, str]]) -> None:
        self.model = model
        self.names = names
        self._labels: dict[str, str] = {}
        self._choices: dict[str, dict[Any, str]] = {}

    def _field(self, attr: str) -> Any:
        return self.model._meta.get_field(attr.removesuffix("_id"))

    def label(self, attr: str) -> str:
        if attr not in self._labels:
            self._labels[attr] = str(self._field(attr).verbose_name)
        return self._labels[attr]

    def show(self, attr: str, value: Any) -> Any:
        if value is None or value == "":
            return None
        if attr in self.names:
            return self.names[attr].get(value, str(value))
        if attr not in self._choices:
            self._choices[attr] = {
                key: str(text) for key, text in (getattr(self._field(attr), "flatchoices", None) or [])
            }
        choices = self._choices[attr]
        if choices:
            return choices.get(value, value)
        return audit.audit_value(value)

    def diff(self, obj: Any, data: Mapping[str, Any]) -> dict[str, list[Any]]:
        changes: dict[str, list[Any]] = {}
        for attr, new in data.items():
            old = getattr(obj, attr)
            if old != new and not (old in (None, "") and new in (None, "")):
                changes[self.label(attr)] = [self.show(attr, old), self.show(attr, new)]
        return changes

    def created(self, data: Mapping[str, Any]) -> dict[str, list[Any]]:
        return {
            self.label(attr): [None, self.show(attr, value)] for attr, value in data.items() if value not in (None, "")
        }


def _enterprises_by_uscc(codes: Iterable[str]) -> dict[str, Enterprise]:
    found: dict[str, Enterprise] = {}
    for chunk in chunked(sorted(codes)):
        for enterprise in Enterprise.objects.filter(uscc__in=chunk):
            found[enterprise.uscc] = enterprise
    return found


def _check_code(table: Table, result: ImportResult, record: Record, current: Enterprise | None) -> str:
    code: str = record.get("uscc") or ""
    if not code:
        return ""
    check = check_uscc(code)
    accepted = check.checksum_only and current is not None and current.uscc_override_reason
    if not check.ok and not accepted:
        table.fail(result, record, USCC_LABEL, check.message)
    return code


def import_enterprises(
    source: Source,
    *,
    actor: Any = None,
    dry_run: bool = False,
    partial: bool = False,
    filename: str | None = None,
) -> ImportResult:
    """Upsert the registry by USCC. `actor` None is the command line (系统); a user must be allowed to import."""
    if actor is not None:
        require(permissions.can_import_registry(actor))
    result = ImportResult(title=_("企业名录导入"), dry_run=dry_run, partial=partial)
    table = read_table(open_workbook(source, filename=filename), ENTERPRISE_COLUMNS, result)
    if table is None:
        result.abort()
        return result
    parks = list(Park.objects.all())
    industries = list(Industry.objects.all())
    park_index = _Index(parks, ("code", "name", "short_name"))
    industry_index = _Index(industries, ("code", "name"))
    display = _Display(
        Enterprise,
        {"park_id": {p.pk: p.name for p in parks}, "industry_id": {i.pk: i.name for i in industries}},
    )
    existing = _enterprises_by_uscc({r.get("uscc") for r in table.records if r.get("uscc")})
    mark_duplicates(table, result, ((r.get("uscc"), r) for r in table.records if r.get("uscc")), USCC_LABEL)

    plans: list[_EnterprisePlan] = []
    for record in table.records:
        current = existing.get(record.get("uscc") or "")
        code = _check_code(table, result, record, current)
        data = _enterprise_data(table, result, record, current, park_index, industry_index)
        if record.failed:
            continue
        plan = _EnterprisePlan(record, code, current, data)
        label = f"{data.get('name') or (current.name if current else '')}（{code}）"
        if current is None:
            plan.changes = {USCC_LABEL: [None, code], **display.created(data)}
            result.count(CREATED, sheet=table.sheet, row=record.row, label=label, changes=plan.changes)
        else:
            plan.changes = display.diff(current, data)
            action = UPDATED if plan.changes else UNCHANGED
            result.count(action, sheet=table.sheet, row=record.row, label=label, changes=plan.changes)
        plans.append(plan)

    if result.errors and not partial:
        result.abort()
        return result
    if not dry_run:
        _write_enterprises(plans, actor=actor, reason=_reason(filename or str(source)))
    return result.finish()


def _enterprise_data(
    table: Table,
    result: ImportResult,
    record: Record,
    current: Enterprise | None,
    park_index: _Index,
    industry_index: _Index,
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, attr in _ENTERPRISE_ATTRS.items():
        value = record.get(key)
        if value is None:
            continue
        if key == "park":
            park, problem = _resolve(park_index, value, _("园区"))
            if problem:
                table.fail(result, record, table.label(key), problem)
                continue
            value = park.pk
        elif key == "industry":
            industry, problem = _resolve(industry_index, value, _("产业"))
            if problem:
                table.fail(result, record, table.label(key), problem)
                continue
            value = industry.pk
        data[attr] = value
    above = data.get("is_above_scale", current.is_above_scale if current else False)
    if not above:
        if data.get("above_scale_since") is not None:
            table.fail(result, record, table.label("above_scale_since"), _("非规上企业不填入统日期"))
        elif current is not None and current.above_scale_since is not None:
            data["above_scale_since"] = None
    return data


@transaction.atomic
def _write_enterprises(plans: list[_EnterprisePlan], *, actor: Any, reason: str) -> None:
    now = timezone.now()
    today = timezone.localdate()
    entries: list[AuditEntry] = []
    new = [plan for plan in plans if plan.current is None]
    created: list[Enterprise] = []
    for plan in new:
        enterprise = Enterprise(uscc=plan.uscc, **plan.data)
        enterprise.search_text = search_text(enterprise.name, [])
        created.append(enterprise)
    insert_rows(Enterprise, created)
    ids: dict[str, int] = {}
    for chunk in chunked([enterprise.uscc for enterprise in created]):
        ids.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", "id"))
    for plan, enterprise in zip(new, created, strict=True):
        enterprise.pk = ids[enterprise.uscc]
        entries.append(_entry(actor, AuditAction.IMPORT_CREATE, enterprise, plan.changes, reason, enterprise.pk))

    changed = [plan for plan in plans if plan.current is not None and plan.changes]
    renamed = [
        plan for plan in changed if plan.current and plan.data.get("name", plan.current.name) != plan.current.name
    ]
    former: dict[int, list[str]] = {}
    for chunk in chunked([plan.current.pk for plan in renamed if plan.current]):
        rows = EnterpriseFormerName.objects.filter(enterprise_id__in=chunk).order_by("-until", "-id")
        for enterprise_id, name in rows.values_list("enterprise_id", "name"):
            former.setdefault(enterprise_id, []).append(name)
    new_former: list[EnterpriseFormerName] = []
    fields: set[str] = set()
    updated: list[Enterprise] = []
    for plan in changed:
        if plan.current is None:
            continue
        enterprise = plan.current
        old_name = enterprise.name
        for attr, value in plan.data.items():
            if getattr(enterprise, attr) != value:
                setattr(enterprise, attr, value)
                fields.add(attr)
        if enterprise.name != old_name:
            new_former.append(EnterpriseFormerName(enterprise=enterprise, name=old_name, until=today))
            enterprise.search_text = search_text(enterprise.name, [old_name, *former.get(enterprise.pk, [])])
        enterprise.updated_at = now
        updated.append(enterprise)
        entries.append(_entry(actor, AuditAction.IMPORT_UPDATE, enterprise, plan.changes, reason, enterprise.pk))
    if updated:
        update_rows(Enterprise, updated, sorted(fields | {"search_text", "updated_at"}))
    insert_rows(EnterpriseFormerName, new_former)
    insert_rows(AuditEntry, entries)


def _entry(
    actor: Any, action: str, target: models.Model, changes: Mapping[str, Any], reason: str, enterprise_id: int | None
) -> AuditEntry:
    return audit.build(
        actor=actor, action=action, target=target, changes=changes, reason=reason, enterprise_id=enterprise_id
    )


# Qualifications (FORMATS.md 1b) ------------------------------------------------------------------------------

LEVELS = {
    **{str(label): value for value, label in QualificationLevel.choices},
    "国家": QualificationLevel.NATIONAL,
    "省": QualificationLevel.PROVINCIAL,
    "市": QualificationLevel.CITY,
    "区": QualificationLevel.DISTRICT,
}

#: the enterprise a row of a qualification or verified-matter sheet is about (by USCC; the name only checked)
ENTERPRISE_KEY_COLUMNS: tuple[Column, ...] = (
    Column(
        "uscc",
        USCC_LABEL,
        required=True,
        aliases=USCC_ALIASES,
        parse=cell_uscc,
        text_format=True,
        help="企业的统一社会信用代码；企业须已在企业库中。",
    ),
    Column(
        "enterprise_name", "企业名称", aliases=("名称", "单位名称", "公司名称"), parse=cell_text(200), in_template=False
    ),
)

QUALIFICATION_COLUMNS: tuple[Column, ...] = (
    *ENTERPRISE_KEY_COLUMNS,
    Column(
        "qtype",
        "资质类型",
        required=True,
        aliases=("资质", "资质名称", "认定类型", "资质类别"),
        parse=cell_text(60),
        help="资质目录中的名称或别名，如 高新技术企业、科技型中小企业、专精特新中小企业。",
    ),
    Column(
        "level",
        "级别",
        aliases=("等级", "资质级别"),
        parse=cell_choice(LEVELS, gettext_lazy("应为国家级、省级、市级或区级")),
        help="国家级、省级、市级或区级；只有分级别的资质（如企业技术中心、专精特新中小企业）填写。",
    ),
    Column(
        "certificate_no",
        "证书编号",
        aliases=("证书号", "编号", "证书号码"),
        parse=cell_text(60),
        text_format=True,
        help="证书编号和认定日期至少填写一项；同一企业同一资质按证书编号（没有时按认定日期）更新。",
    ),
    Column(
        "recognized_on",
        "认定日期",
        aliases=("认定时间", "发证日期", "获批日期", "认定年月日"),
        parse=cell_date,
        help="Excel日期，或写作 2024-12-11、2024年12月11日。",
    ),
    Column(
        "valid_until",
        "有效期至",
        aliases=("有效期", "截止日期", "到期日期", "有效期截止日期"),
        parse=cell_date,
        help="留空时按资质类型的有效期自动计算（如高新技术企业为认定日期起3年）。",
    ),
)
QUALIFICATION_NOTES = (
    "资质导入说明（第一个工作表填写数据，表头须在前10行内，列的顺序不限）",
    "企业须已在企业库中；重复导入同一文件不会产生变化；文件中有任何错误时整份文件都不导入。",
)


def _qualification_types() -> _Index:
    index = _Index([], ("name",))
    for qtype in QualificationType.objects.all():
        for name in (qtype.name, qtype.code, *qtype.alias_list()):
            key = lookup_key(name)
            if key:
                index.tables[0].setdefault(key, []).append(qtype)
    return index


@dataclass
class _RowPlan:
    """What a row of a qualification or verified-matter sheet will do: its enterprise, the record it updates (None:
    a new one), the new values and the changes they make."""

    record: Record
    enterprise: Enterprise
    current: Any
    data: dict[str, Any]
    changes: dict[str, list[Any]] = field(default_factory=dict)


def import_qualifications(
    source: Source,
    *,
    actor: Any = None,
    dry_run: bool = False,
    partial: bool = False,
    filename: str | None = None,
) -> ImportResult:
    """Upsert qualifications by USCC + 资质类型 + 证书编号 (or 认定日期 when there is no certificate number)."""
    if actor is not None:
        require(permissions.can_import_registry(actor))
    result = ImportResult(title=_("资质导入"), dry_run=dry_run, partial=partial)
    table = read_table(open_workbook(source, filename=filename), QUALIFICATION_COLUMNS, result)
    if table is None:
        result.abort()
        return result
    enterprises = _enterprises_by_uscc({r.get("uscc") for r in table.records if r.get("uscc")})
    qtypes = _qualification_types()
    held: dict[int, list[Qualification]] = {}
    for chunk in chunked(sorted(e.pk for e in enterprises.values())):
        for qualification in Qualification.objects.filter(enterprise_id__in=chunk).order_by("id"):
            held.setdefault(qualification.enterprise_id, []).append(qualification)
    display = _Display(Qualification, {"qtype_id": {q.pk: q.name for q in QualificationType.objects.all()}})

    keyed: list[tuple[Any, Record]] = []
    plans: list[_RowPlan] = []
    for record in table.records:
        enterprise = _row_enterprise(table, result, record, enterprises)
        qtype = None
        if record.get("qtype"):
            found = {q.pk: q for q in qtypes.find(record.get("qtype"))}
            if len(found) == 1:
                qtype = next(iter(found.values()))
            else:
                table.fail(result, record, "资质类型", _("资质目录中没有“%(name)s”") % {"name": record.get("qtype")})
        if qtype is not None and record.get("level") and not qtype.has_levels:
            table.fail(result, record, "级别", _("%(name)s不分级别，请留空") % {"name": qtype.name})
        certificate, recognized = record.get("certificate_no"), record.get("recognized_on")
        if not certificate and not recognized:
            table.fail(result, record, "证书编号", _("证书编号和认定日期至少填写一项"))
        if enterprise is None or qtype is None or record.failed:
            continue
        current = _match_qualification(held.get(enterprise.pk, []), qtype, certificate, recognized)
        data: dict[str, Any] = {"qtype_id": qtype.pk}
        for key in ("level", "certificate_no", "recognized_on"):
            if record.get(key) is not None:
                data[key] = record.get(key)
        start = data.get("recognized_on", current.recognized_on if current else None)
        end = record.get("valid_until")
        if end is None:
            end = default_valid_until(qtype, start)
            if current is not None and current.valid_until and (end is None or start == current.recognized_on):
                end = current.valid_until
        data["valid_until"] = end
        if start and end and end < start:
            table.fail(result, record, "有效期至", _("早于认定日期"))
            continue
        keyed.append((("pk", current.pk) if current else (enterprise.pk, qtype.pk, certificate or recognized), record))
        plans.append(_RowPlan(record, enterprise, current, data))
    mark_duplicates(table, result, keyed, "资质类型")

    for plan in plans:
        if plan.record.failed:
            continue
        label = f"{plan.enterprise.name} · {display.show('qtype_id', plan.data['qtype_id'])}"
        sheet, row = table.sheet, plan.record.row
        if plan.current is None:
            plan.changes = display.created(plan.data)
            result.count(CREATED, sheet=sheet, row=row, label=label, changes=plan.changes)
        else:
            plan.changes = display.diff(plan.current, plan.data)
            result.count(
                UPDATED if plan.changes else UNCHANGED, sheet=sheet, row=row, label=label, changes=plan.changes
            )

    if result.errors and not partial:
        result.abort()
        return result
    if not dry_run:
        _write_qualifications(
            [plan for plan in plans if not plan.record.failed],
            actor=actor,
            reason=_reason(filename or str(source)),
        )
    return result.finish()


def _row_enterprise(
    table: Table, result: ImportResult, record: Record, enterprises: Mapping[str, Enterprise]
) -> Enterprise | None:
    """The registry enterprise of a row (`ENTERPRISE_KEY_COLUMNS`): the code checked, a code not in the registry
    refused, a name differing from the registry's only warned about."""
    enterprise = enterprises.get(record.get("uscc") or "")
    code = _check_code(table, result, record, enterprise)
    if code and enterprise is None and not record.failed:
        table.fail(result, record, USCC_LABEL, _("企业库中没有该企业，请先导入企业名录"))
    name = record.get("enterprise_name")
    if enterprise is not None and name and lookup_key(name) != lookup_key(enterprise.name):
        result.warn(
            table.sheet,
            record.row,
            "企业名称",
            _("与企业库中的名称“%(name)s”不一致，已按统一社会信用代码导入") % {"name": enterprise.name},
        )
    return enterprise


def _match_qualification(
    held: list[Qualification], qtype: QualificationType, certificate: str | None, recognized: dt.date | None
) -> Qualification | None:
    same_type = [q for q in held if q.qtype_id == qtype.pk]
    if certificate:
        by_number = next((q for q in same_type if q.certificate_no == certificate), None)
        if by_number is not None:
            return by_number
        return next(
            (q for q in same_type if not q.certificate_no and recognized and q.recognized_on == recognized), None
        )
    candidates = [q for q in same_type if recognized and q.recognized_on == recognized]
    return next((q for q in candidates if not q.certificate_no), candidates[0] if candidates else None)


@transaction.atomic
def _write_qualifications(plans: list[_RowPlan], *, actor: Any, reason: str) -> None:
    now = timezone.now()
    entries: list[AuditEntry] = []
    new = [plan for plan in plans if plan.current is None]
    created = [Qualification(enterprise=plan.enterprise, **plan.data) for plan in new]
    Qualification.objects.bulk_create(created, batch_size=BATCH_SIZE)
    for plan, qualification in zip(new, created, strict=True):
        entries.append(
            _entry(actor, AuditAction.IMPORT_CREATE, qualification, plan.changes, reason, plan.enterprise.pk)
        )
    updated: list[Qualification] = []
    fields: set[str] = set()
    for plan in plans:
        if plan.current is None or not plan.changes:
            continue
        qualification = plan.current
        for attr, value in plan.data.items():
            if getattr(qualification, attr) != value:
                setattr(qualification, attr, value)
                fields.add(attr)
        qualification.updated_at = now
        qualification.enterprise = plan.enterprise
        updated.append(qualification)
        entries.append(
            _entry(actor, AuditAction.IMPORT_UPDATE, qualification, plan.changes, reason, plan.enterprise.pk)
        )
    if updated:
        update_rows(Qualification, updated, sorted(fields | {"updated_at"}))
    insert_rows(AuditEntry, entries)
    signals.facts_changed.send(
        sender=Qualification, enterprise_ids=sorted({plan.enterprise.pk for plan in plans}), reason="导入资质"
    )


# Verified matters (核实事项: the yes/no flags of FORMATS.md section 2) ---------------------------------------------

#: other ways a sheet names a matter (besides its label and code)
CHECK_ALIASES = {
    "major_incident_last_year": (
        "重大事故",
        "重大安全事故",
        "重大安全、质量、环境事故",
        "上年度重大事故",
        "安全质量环境事故",
    ),
    "restricted_industry": ("限制类行业", "禁止限制类行业", "禁止、限制类行业"),
    "serious_violation_listed": ("严重违法失信", "严重违法失信名单", "失信名单", "失信"),
    "leads_standard_5y": ("主导制定标准", "制定标准"),
    "national_award_5y": ("国家级科技奖励", "国家科技奖励"),
    "provincial_rd_institution": ("省部级以上研发机构", "省级研发机构", "研发机构"),
    "core_ip_supports_products": ("核心知识产权", "核心支持作用的知识产权"),
    "in_supported_hightech_field": ("国家重点支持的高新技术领域", "高新技术领域"),
}
CHECK_MATTERS = {
    **{name: name for name in CHECK_NAMES},
    **{FLAGS[name].label: name for name in CHECK_NAMES},
    **{alias: name for name, aliases in CHECK_ALIASES.items() for alias in aliases},
}
CHECK_COLUMNS: tuple[Column, ...] = (
    *ENTERPRISE_KEY_COLUMNS,
    Column(
        "name",
        "核实事项",
        required=True,
        aliases=("事项", "核查事项", "核实内容"),
        parse=cell_choice(CHECK_MATTERS, gettext_lazy("不是认定条件中的是否事项（见说明中的事项名称）")),
        help="事项名称，如 上年度重大安全、质量、环境事故；被列入严重违法失信名单；属于禁止、限制类行业。",
    ),
    Column(
        "value",
        "核实结果",
        required=True,
        aliases=("结果", "是否", "核查结果"),
        parse=cell_yes_no,
        help="是 或 否（如“被列入严重违法失信名单”填“否”表示未被列入）。",
    ),
    Column(
        "checked_on",
        "核实日期",
        required=True,
        aliases=("核查日期", "查询日期", "日期"),
        parse=cell_date,
        help="Excel日期，或写作 2026-03-02、2026年3月2日；不能晚于今天。",
    ),
    Column(
        "basis",
        "核实依据",
        aliases=("依据", "来源", "核查依据", "备注"),
        parse=cell_text(200),
        help="如：信用中国查询、应急管理局函复、企业承诺书。",
    ),
)
CHECK_NOTES = (
    "核实事项导入说明（第一个工作表填写数据，表头须在前10行内，列的顺序不限）",
    "每行一家企业的一个事项；同一企业同一事项以本文件为准（覆盖原核实结果）；文件中有任何错误时整份文件都不导入。",
    "事项名称：" + "；".join(FLAGS[name].label for name in CHECK_NAMES) + "。",
)


def import_checks(
    source: Source,
    *,
    actor: Any = None,
    dry_run: bool = False,
    partial: bool = False,
    filename: str | None = None,
) -> ImportResult:
    """Upsert verified matters by USCC + 核实事项: the sweep of 信用中国 or of the departments' replies for many
    enterprises at once (one at a time: the profile's “填写核实结果”)."""
    if actor is not None:
        require(permissions.can_import_registry(actor))
    result = ImportResult(title=_("核实事项导入"), dry_run=dry_run, partial=partial)
    table = read_table(open_workbook(source, filename=filename), CHECK_COLUMNS, result)
    if table is None:
        result.abort()
        return result
    enterprises = _enterprises_by_uscc({r.get("uscc") for r in table.records if r.get("uscc")})
    held: dict[tuple[int, str], EnterpriseCheck] = {}
    for chunk in chunked(sorted(e.pk for e in enterprises.values())):
        for check in EnterpriseCheck.objects.filter(enterprise_id__in=chunk):
            held[(check.enterprise_id, check.name)] = check
    today = timezone.localdate()
    keyed: list[tuple[Any, Record]] = []
    plans: list[_RowPlan] = []
    for record in table.records:
        enterprise = _row_enterprise(table, result, record, enterprises)
        checked_on = record.get("checked_on")
        if checked_on is not None and checked_on > today:
            table.fail(result, record, "核实日期", _("不能晚于今天"))
        if enterprise is None or record.failed:
            continue
        matter = record.get("name")
        data = {"value": record.get("value"), "checked_on": checked_on, "basis": record.get("basis") or ""}
        keyed.append(((enterprise.pk, matter), record))
        plans.append(_RowPlan(record, enterprise, held.get((enterprise.pk, matter)), {"name": matter, **data}))
    mark_duplicates(table, result, keyed, "核实事项")

    for plan in plans:
        if plan.record.failed:
            continue
        label = f"{plan.enterprise.name} · {FLAGS[plan.data['name']].label}"
        current = plan.current
        before = check_text(current.value, current.checked_on, current.basis) if current else None
        after = check_text(plan.data["value"], plan.data["checked_on"], plan.data["basis"])
        plan.changes = {} if before == after else {FLAGS[plan.data["name"]].label: [before, after]}
        kind = CREATED if current is None else UPDATED if plan.changes else UNCHANGED
        result.count(kind, sheet=table.sheet, row=plan.record.row, label=label, changes=plan.changes)

    if result.errors and not partial:
        result.abort()
        return result
    if not dry_run:
        _write_checks(
            [plan for plan in plans if not plan.record.failed and plan.changes],
            actor=actor,
            reason=_reason(filename or str(source)),
        )
    return result.finish()


@transaction.atomic
def _write_checks(plans: list[_RowPlan], *, actor: Any, reason: str) -> None:
    now = timezone.now()
    checked_by = actor if getattr(actor, "pk", None) else None
    created = [
        EnterpriseCheck(enterprise=plan.enterprise, checked_by=checked_by, **plan.data)
        for plan in plans
        if plan.current is None
    ]
    EnterpriseCheck.objects.bulk_create(created, batch_size=BATCH_SIZE)
    updated = []
    for plan in plans:
        if plan.current is not None:
            for attr in ("value", "checked_on", "basis"):
                setattr(plan.current, attr, plan.data[attr])
            plan.current.checked_by, plan.current.updated_at = checked_by, now
            updated.append(plan.current)
    if updated:
        update_rows(EnterpriseCheck, updated, ["value", "checked_on", "basis", "checked_by", "updated_at"])
    entries = [
        _entry(
            actor,
            AuditAction.IMPORT_CREATE if plan.current is None else AuditAction.IMPORT_UPDATE,
            plan.enterprise,
            plan.changes,
            reason,
            plan.enterprise.pk,
        )
        for plan in plans
    ]
    insert_rows(AuditEntry, entries)
    if plans:
        signals.facts_changed.send(
            sender=EnterpriseCheck, enterprise_ids=sorted({plan.enterprise.pk for plan in plans}), reason="导入核实事项"
        )


# Zone structure (FORMATS.md 1g) ------------------------------------------------------------------------------


def _parse_gbt_codes(value: Any) -> str | None:
    codes = [code.upper() for code in re.split(r"[,、，;；\s]+", normalize.text(value)) if code]
    if not codes:
        return None
    for code in codes:
        if not re.fullmatch(r"[A-T](\d{2,4})?", code):
            raise CellError(_("“%(code)s”不是有效的国民经济行业代码（如 C39、C3973）") % {"code": code})
    joined = ",".join(dict.fromkeys(codes))
    if len(joined) > 200:
        raise CellError(_("不能超过%(n)s个字") % {"n": 200})
    return joined


def _code_column(word: str) -> Column:
    return Column("code", "编码", required=True, aliases=(f"{word}编码", "代码"), parse=cell_text(20), text_format=True)


PARK_COLUMNS = (
    _code_column("园区"),
    Column("name", "名称", required=True, aliases=("园区名称",), parse=cell_text(100)),
    Column("short_name", "简称", aliases=("园区简称",), parse=cell_text(30)),
)
DEPARTMENT_COLUMNS = (
    _code_column("部门"),
    Column("name", "名称", required=True, aliases=("部门名称",), parse=cell_text(100)),
)
INDUSTRY_COLUMNS = (
    _code_column("产业"),
    Column("name", "名称", required=True, aliases=("产业名称",), parse=cell_text(100)),
    Column("parent_code", "上级编码", aliases=("上级产业编码", "父级编码", "上级产业"), parse=cell_text(20)),
    Column("gbt_codes", "国民经济行业代码", aliases=("行业代码",), parse=_parse_gbt_codes),
)
CHAIN_COLUMNS = (
    Column("chain", "链名称", required=True, aliases=("产业链", "产业链名称"), parse=cell_text(100)),
    Column(
        "stage",
        "环节",
        required=True,
        aliases=("产业链环节",),
        parse=cell_choice(CHAIN_STAGES, gettext_lazy("应为上游、中游或下游")),
    ),
    Column("industry_code", "产业编码", required=True, aliases=("产业",), parse=cell_text(20)),
)
ZONE_SHEETS: tuple[tuple[str, tuple[Column, ...]], ...] = (
    ("园区", PARK_COLUMNS),
    ("部门", DEPARTMENT_COLUMNS),
    ("产业", INDUSTRY_COLUMNS),
    ("产业链", CHAIN_COLUMNS),
)


@dataclass
class _ZoneWork:
    """The structure as it will be after the import, built in memory; `dirty` holds what must be saved."""

    result: ImportResult
    actor: Any
    reason: str
    dirty: list[tuple[models.Model, str, dict[str, list[Any]]]] = field(default_factory=list)
    links: list[tuple[ChainLink, Record]] = field(default_factory=list)

    def track(
        self, table: Table, record: Record, obj: models.Model, created: bool, changes: dict[str, list[Any]]
    ) -> None:
        label = f"{table.sheet} {obj}"
        if created:
            self.result.count(CREATED, sheet=table.sheet, row=record.row, label=label, changes=changes)
            self.dirty.append((obj, AuditAction.IMPORT_CREATE, changes))
        elif changes:
            self.result.count(UPDATED, sheet=table.sheet, row=record.row, label=label, changes=changes)
            self.dirty.append((obj, AuditAction.IMPORT_UPDATE, changes))
        else:
            self.result.count(UNCHANGED)


def _coded_rows(
    table: Table,
    work: _ZoneWork,
    model: type[Park] | type[Department],
    fields: Sequence[str],
    word: str,
) -> None:
    """Parks and departments: upsert by 编码; names stay unique across the file and the database."""
    result = work.result
    existing = {obj.code: obj for obj in model.objects.all()}
    mark_duplicates(table, result, ((r.get("code"), r) for r in table.records if r.get("code")), "编码")
    final_names = {lookup_key(obj.name): code for code, obj in existing.items()}
    file_codes = {r.get("code") for r in table.records if r.get("code")}
    final_names = {name: code for name, code in final_names.items() if code not in file_codes}
    for record in table.records:
        name = record.get("name")
        if not name:
            continue
        other = final_names.get(lookup_key(name))
        if other is not None and other != record.get("code"):
            table.fail(result, record, "名称", _("与编码为%(code)s的%(word)s重名") % {"code": other, "word": word})
        else:
            final_names[lookup_key(name)] = record.get("code")
    display = _Display(model, {})
    for record in table.records:
        if record.failed:
            continue
        data = {name: record.get(name) for name in fields if record.get(name) is not None}
        obj = existing.get(record.get("code"))
        if obj is None:
            obj = model(**data)
            work.track(table, record, obj, True, display.created(data))
            existing[obj.code] = obj
        else:
            changes = display.diff(obj, data)
            for attr, value in data.items():
                setattr(obj, attr, value)
            work.track(table, record, obj, False, changes)


def _industry_rows(table: Table, work: _ZoneWork, industries: dict[str, Industry]) -> None:
    result = work.result
    mark_duplicates(table, result, ((r.get("code"), r) for r in table.records if r.get("code")), "编码")
    parent_of: dict[str, str | None] = {code: (i.parent.code if i.parent else None) for code, i in industries.items()}
    for record in table.records:
        if record.get("code"):
            parent_of[record.get("code")] = record.get("parent_code")
    for record in table.records:
        code, parent = record.get("code"), record.get("parent_code")
        if not code or not parent:
            continue
        if parent == code:
            table.fail(result, record, "上级编码", _("不能以自己为上级"))
        elif parent not in parent_of:
            table.fail(result, record, "上级编码", _("上级编码“%(code)s”不存在") % {"code": parent})
        elif parent_of[parent] is not None:
            table.fail(result, record, "上级编码", _("上级产业须为主导产业（上级编码为空的产业）"))
        elif any(up == code for up in parent_of.values()):
            table.fail(result, record, "上级编码", _("该产业下已有细分领域，不能再设上级"))
    display = _Display(Industry, {})
    pending: list[tuple[Record, Industry, bool, dict[str, Any]]] = []
    for record in table.records:
        if record.failed:
            continue
        data = {name: record.get(name) for name in ("code", "name", "gbt_codes") if record.get(name) is not None}
        obj = industries.get(record.get("code"))
        created = obj is None
        if obj is None:
            obj = Industry(**data)
            industries[obj.code] = obj
        pending.append((record, obj, created, data))
    for record, obj, created, data in pending:
        parent = industries.get(record.get("parent_code") or "")
        before_parent = None if created or obj.parent_id is None else obj.parent
        changes = display.created(data) if created else display.diff(obj, data)
        for attr, value in data.items():
            setattr(obj, attr, value)
        if created:
            if parent is not None:
                changes["上级产业"] = [None, parent.name]
        elif (before_parent.code if before_parent else None) != (parent.code if parent else None):
            changes["上级产业"] = [before_parent.name if before_parent else None, parent.name if parent else None]
        obj.parent = parent
        work.track(table, record, obj, created, changes)


def _chain_rows(table: Table, work: _ZoneWork, industries: dict[str, Industry]) -> None:
    result = work.result
    chains = {lookup_key(chain.name): chain for chain in Chain.objects.all()}
    existing = {
        (lookup_key(link.chain.name), link.stage, link.industry.code)
        for link in ChainLink.objects.select_related("chain", "industry")
    }
    keyed = [
        ((lookup_key(r.get("chain")), r.get("stage"), r.get("industry_code")), r)
        for r in table.records
        if r.get("chain") and r.get("stage") and r.get("industry_code")
    ]
    mark_duplicates(table, result, keyed, "链名称")
    for record in table.records:
        code = record.get("industry_code")
        if code and code not in industries:
            table.fail(result, record, "产业编码", _("产业编码“%(code)s”不存在") % {"code": code})
    for key, record in keyed:
        if record.failed:
            continue
        if key in existing:
            result.count(UNCHANGED)
            continue
        chain = chains.get(key[0])
        if chain is None:
            chain = Chain(name=record.get("chain"))
            chains[key[0]] = chain
            work.dirty.append((chain, AuditAction.IMPORT_CREATE, {"链名称": [None, chain.name]}))
        link = ChainLink(chain=chain, stage=record.get("stage"), industry=industries[key[2]])
        label = f"{chain.name} · {ChainStage(link.stage).label} · {link.industry.name}"
        result.count(CREATED, sheet=table.sheet, row=record.row, label=label, changes={"产业链环节": [None, label]})
        work.links.append((link, record))


def import_zone(
    source: Source,
    *,
    actor: Any = None,
    dry_run: bool = False,
    filename: str | None = None,
) -> ImportResult:
    """Set up or extend the zone's structure from one workbook (sheets 园区, 部门, 产业, 产业链)."""
    if actor is not None:
        require(permissions.can_manage_structure(actor))
    result = ImportResult(title=_("园区结构导入"), dry_run=dry_run, multi_sheet=True)
    book = open_workbook(source, filename=filename)
    tables: dict[str, Table | None] = {}
    for name, columns in ZONE_SHEETS:
        actual = book.find_sheet(name)
        if actual is not None:
            tables[name] = read_table(book, columns, result, sheet=actual)
    if not tables:
        first = book.sheet_names[0] if book.sheet_names else ""
        result.error(first, None, "", _("工作簿中没有“园区”“部门”“产业”“产业链”中的任何一个工作表"))
        result.abort()
        return result
    for name, _columns in ZONE_SHEETS:
        if name not in tables:
            result.warn(name, None, "", _("工作簿中没有“%(sheet)s”工作表，已跳过") % {"sheet": name})
    work = _ZoneWork(result, actor, _reason(filename or str(source)))
    industries = {industry.code: industry for industry in Industry.objects.select_related("parent")}
    if (table := tables.get("园区")) is not None:
        _coded_rows(table, work, Park, ("code", "name", "short_name"), _("园区"))
    if (table := tables.get("部门")) is not None:
        _coded_rows(table, work, Department, ("code", "name"), _("部门"))
    if (table := tables.get("产业")) is not None:
        _industry_rows(table, work, industries)
    if (table := tables.get("产业链")) is not None:
        _chain_rows(table, work, industries)
    if result.errors:
        result.abort()
        return result
    if not dry_run:
        _write_zone(work)
    return result.finish()


@transaction.atomic
def _write_zone(work: _ZoneWork) -> None:
    entries: list[AuditEntry] = []
    dirty = sorted(work.dirty, key=lambda item: isinstance(item[0], Industry) and item[0].parent is not None)
    for obj, action, changes in dirty:
        obj.save()
        entries.append(_entry(work.actor, action, obj, changes, work.reason, None))
    for link, _record in work.links:
        link.save()
        entries.append(
            _entry(work.actor, AuditAction.IMPORT_CREATE, link, {"产业链环节": [None, str(link)]}, work.reason, None)
        )
    AuditEntry.objects.bulk_create(entries)


# Templates ---------------------------------------------------------------------------------------------------


def enterprise_template(actor: Any) -> bytes:
    park = selectors.park_scope(actor).first()
    industry = selectors.industry_tree()
    example = {
        "uscc": EXAMPLE_USCC,
        "name": "珠海示例科技有限公司",
        "park": park.name if park else "（园区名称或编码）",
        "industry": industry[0][0].name if industry else "",
        "nic_code": "C3973",
        "chain_stage": "中游",
        "founded_on": "2018-06-01",
        "registered_capital": "1,000",
        "address": "珠海市高新区科技六路1号",
        "legal_representative": "张三",
        "contact_name": "李四",
        "contact_phone": "13800138000",
        "finance_contact_name": "王五",
        "finance_contact_phone": "0756-3312345",
        "email": "contact@example.com",
        "is_above_scale": "否",
        "status": "存续",
    }
    sheets = [TemplateSheet("企业名录", ENTERPRISE_COLUMNS, [example])]
    return template_xlsx(sheets, notes=ENTERPRISE_NOTES)


def check_template(actor: Any) -> bytes:
    example = {
        "uscc": EXAMPLE_USCC,
        "name": FLAGS["serious_violation_listed"].label,
        "value": "否",
        "checked_on": "2026-03-02",
        "basis": "信用中国查询",
    }
    return template_xlsx([TemplateSheet("核实事项", CHECK_COLUMNS, [example])], notes=CHECK_NOTES)


def qualification_template(actor: Any) -> bytes:
    example = {
        "uscc": EXAMPLE_USCC,
        "qtype": "高新技术企业",
        "certificate_no": "GR202444000123",
        "recognized_on": "2024-12-11",
    }
    return template_xlsx([TemplateSheet("资质", QUALIFICATION_COLUMNS, [example])], notes=QUALIFICATION_NOTES)


@dataclass(frozen=True)
class ImportKind:
    label: StrOrPromise
    run: Callable[..., ImportResult]
    template: Callable[[Any], bytes]
    template_name: str
    supports_partial: bool


IMPORT_KINDS: dict[str, ImportKind] = {
    "enterprises": ImportKind(
        gettext_lazy("企业名录"), import_enterprises, enterprise_template, "企业名录导入模板.xlsx", True
    ),
    "qualifications": ImportKind(
        gettext_lazy("资质"), import_qualifications, qualification_template, "资质导入模板.xlsx", False
    ),
    "checks": ImportKind(gettext_lazy("核实事项"), import_checks, check_template, "核实事项导入模板.xlsx", False),
}
