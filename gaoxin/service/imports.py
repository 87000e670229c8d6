"""Bulk import of appeals (批量导入, channel `import`): e.g. the 12345 hotline's or another system's work orders, one
row per appeal, through the shared import machinery (gaoxin.core.importing).

Invariants:
- all or nothing: a file with any error stores nothing (a dry run says what the valid rows would do);
- idempotent on the source's number (外部编号): a row whose number was imported before creates nothing and is
  counted as 未变化, so importing the same file twice adds nothing;
- each created appeal goes through the ordinary intake (number SQ…, 1-working-hour response limit from its time of
  receipt, event, audit, the enterprise told); the service centre gets one message for the whole file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.core import normalize
from gaoxin.core.importing import (
    CREATED,
    UNCHANGED,
    Column,
    ImportResult,
    Record,
    Table,
    TemplateSheet,
    cell_choice,
    cell_phone,
    cell_text,
    cell_uscc,
    lookup_key,
    mark_duplicates,
    open_workbook,
    read_table,
    template_xlsx,
)
from gaoxin.core.normalize import CellError
from gaoxin.core.permissions import require
from gaoxin.registry.identity import check_uscc
from gaoxin.registry.selectors import enterprise_scope
from gaoxin.service import permissions
from gaoxin.service.models import Appeal, AppealCategory, Urgency

Source = str | Path | IO[bytes]

EXTERNAL_LABEL = "外部编号"
USCC_LABEL = "统一社会信用代码"
CATEGORY_LABEL = "诉求分类"
RECEIVED_LABEL = "受理时间"
DEFAULT_HOUR = dt.time(9, 0)
_TIME = re.compile(r"(\d{1,2})[:：时](\d{2})")


def cell_received(value: Any) -> dt.datetime | None:
    """A date, or a date and time ("2026-11-20 14:30", an Excel date-time); a date alone is taken as 09:00."""
    if isinstance(value, dt.datetime):
        moment = value.replace(tzinfo=None, second=0, microsecond=0)
    else:
        day = normalize.date(value)
        if day is None:
            return None
        raw = normalize.text(value)
        parts = re.split(r"[ T]", raw, maxsplit=1)
        found = _TIME.search(parts[1]) if len(parts) > 1 else None
        clock = DEFAULT_HOUR
        if found:
            hour, minute = int(found.group(1)), int(found.group(2))
            if not (0 <= hour <= 23 and 0 <= minute <= 59):
                raise CellError(_("时间不正确，请写作 2026-11-20 14:30"))
            clock = dt.time(hour, minute)
        moment = dt.datetime.combine(day, clock)
    if not 2000 <= moment.year <= 2100:
        raise CellError(_("不是有效的日期"))
    return timezone.make_aware(moment)


URGENCIES = {str(label): value for value, label in Urgency.choices}

APPEAL_COLUMNS = (
    Column(
        "external_number",
        EXTERNAL_LABEL,
        required=True,
        aliases=("工单号", "工单编号", "来源编号", "原编号", "热线工单号"),
        parse=cell_text(40),
        help="来源系统的编号（如12345热线工单号），每条诉求唯一；再次导入同一编号不会重复登记",
        text_format=True,
    ),
    Column(
        "uscc",
        USCC_LABEL,
        required=True,
        aliases=("信用代码", "社会信用代码", "统一信用代码", "统一代码", "USCC"),
        parse=cell_uscc,
        help="18位，须是企业库中已有的企业",
        text_format=True,
    ),
    Column(
        "enterprise_name",
        "企业名称",
        aliases=("企业", "单位名称"),
        parse=cell_text(200),
        help="选填，仅用于核对：与企业库名称不一致时给出提示",
    ),
    Column(
        "category",
        CATEGORY_LABEL,
        required=True,
        aliases=("分类", "诉求类别", "诉求类型"),
        parse=cell_text(60),
        help="诉求分类的编码或名称（二级分类，如“厂房租赁”或“用地 / 厂房租赁”）",
    ),
    Column("title", "诉求标题", required=True, aliases=("标题",), parse=cell_text(120), help="不超过120个字"),
    Column(
        "content", "诉求内容", required=True, aliases=("内容", "诉求描述"), parse=cell_text(), help="诉求的具体内容"
    ),
    Column(
        "received_at",
        RECEIVED_LABEL,
        required=True,
        aliases=("受理日期", "来电时间", "登记时间"),
        parse=cell_received,
        help="如 2026-11-20 14:30；只写日期按当日9:00；不能晚于现在",
    ),
    Column(
        "urgency",
        "紧急程度",
        parse=cell_choice(URGENCIES, gettext_lazy("应为“一般”或“紧急”")),
        help="一般或紧急，不填为一般",
    ),
    Column("source", "来源", aliases=("来源渠道", "原渠道"), parse=cell_text(40), help="如 12345热线，记入办理过程"),
    Column("contact_name", "联系人", parse=cell_text(60), help="不填取企业库中的联系人"),
    Column("contact_phone", "联系电话", parse=cell_phone, help="不填取企业库中的联系电话", text_format=True),
)

NOTES = (
    "企业诉求批量导入模板：每行一条诉求，导入后进入企业服务中心的分办队列。",
    "“外部编号”是来源系统的编号，同一编号只登记一次；文件中有任何错误时整份文件都不导入。",
)


class _Categories:
    """Resolves a category cell (code, leaf name or "一级 / 二级") without queries."""

    def __init__(self) -> None:
        rows = list(AppealCategory.objects.select_related("parent"))
        parents = {c.parent_id for c in rows if c.parent_id}
        self.keys: dict[str, list[AppealCategory]] = {}
        for category in rows:
            category.has_children = category.pk in parents  # type: ignore[attr-defined]
            for key in {category.code, category.name, category.path, category.path.replace(" / ", "/")}:
                self.keys.setdefault(lookup_key(key), []).append(category)

    def find(self, value: str) -> tuple[AppealCategory | None, str]:
        found = self.keys.get(lookup_key(value), [])
        if not found:
            return None, _("没有编码或名称为“%(value)s”的诉求分类") % {"value": value}
        if len({c.pk for c in found}) > 1:
            return None, _("名称“%(value)s”对应多个诉求分类，请写“一级 / 二级”或分类编码") % {"value": value}
        category = found[0]
        if not category.is_active:
            return None, _("诉求分类“%(name)s”已停用") % {"name": category.path}
        if category.has_children:  # type: ignore[attr-defined]
            return None, _("请填写“%(name)s”下的具体分类") % {"name": category.name}
        return category, ""


def _enterprise(table: Table, result: ImportResult, record: Record, index: dict[str, Any]) -> Any:
    code = record.get("uscc")
    if not code:
        return None
    check = check_uscc(code)
    if not check.ok and not check.checksum_only:
        table.fail(result, record, USCC_LABEL, check.message)
        return None
    enterprise = index.get(code)
    if enterprise is None:
        message = _("企业库中没有统一社会信用代码为%(code)s的企业") % {"code": code}
        if not check.ok:
            message += _("（%(reason)s）") % {"reason": check.message}
        table.fail(result, record, USCC_LABEL, message)
        return None
    name = record.get("enterprise_name")
    if name and lookup_key(name) != lookup_key(enterprise.name):
        result.warn(
            table.sheet,
            record.row,
            "企业名称",
            _("与企业库名称“%(name)s”不一致，按统一社会信用代码导入") % {"name": enterprise.name},
        )
    return enterprise


def import_appeals(
    source: Source, *, actor: Any = None, dry_run: bool = False, filename: str | None = None
) -> ImportResult:
    """Check every row, then (unless a dry run or any error) create the new appeals. `actor` None is the command
    line (系统); a user must be of the service centre. Raises UnreadableFile for a file that cannot be read."""
    if actor is not None:
        require(permissions.can_import(actor))
    result = ImportResult(title=_("企业诉求导入"), dry_run=dry_run)
    table = read_table(open_workbook(source, filename=filename), APPEAL_COLUMNS, result)
    if table is None:
        result.abort()
        return result
    from gaoxin.registry.models import Enterprise

    scope = enterprise_scope(actor) if actor is not None else Enterprise.objects.all()
    codes = {r.get("uscc") for r in table.records if r.get("uscc")}
    index = {e.uscc: e for e in scope.filter(uscc__in=codes)}
    numbers = {r.get("external_number") for r in table.records if r.get("external_number")}
    existing = dict(Appeal.objects.filter(external_number__in=numbers).values_list("external_number", "number"))
    mark_duplicates(
        table,
        result,
        ((r.get("external_number"), r) for r in table.records if r.get("external_number")),
        EXTERNAL_LABEL,
    )
    categories = _Categories()
    now = timezone.now()
    plans: list[tuple[Record, Any, AppealCategory]] = []
    for record in table.records:
        enterprise = _enterprise(table, result, record, index)
        category = None
        if record.get("category"):
            category, problem = categories.find(record.get("category"))
            if problem:
                table.fail(result, record, CATEGORY_LABEL, problem)
        received = record.get("received_at")
        if received is not None and received > now:
            table.fail(result, record, RECEIVED_LABEL, _("受理时间不能晚于现在"))
        if record.failed or enterprise is None or category is None:
            continue
        number = record.get("external_number")
        label = f"{number} {record.get('title')}"
        if number in existing:
            result.count(UNCHANGED, sheet=table.sheet, row=record.row, label=label)
            continue
        result.count(
            CREATED,
            sheet=table.sheet,
            row=record.row,
            label=label,
            changes={"企业": [None, enterprise.name], CATEGORY_LABEL: [None, category.path]},
        )
        plans.append((record, enterprise, category))
    if result.errors:
        result.abort()
        return result
    if not dry_run and plans:
        _write(plans, actor=actor, filename=filename or str(source))
    return result.finish()


@transaction.atomic
def _write(plans: list[tuple[Record, Any, AppealCategory]], *, actor: Any, filename: str) -> None:
    from gaoxin.service import services

    for record, enterprise, category in plans:
        services.appeal_import(
            actor=actor,
            enterprise=enterprise,
            category=category,
            title=record.get("title"),
            content=record.get("content"),
            urgency=record.get("urgency") or Urgency.NORMAL,
            contact_name=record.get("contact_name") or "",
            contact_phone=record.get("contact_phone") or "",
            received_at=record.get("received_at"),
            external_number=record.get("external_number"),
            source=record.get("source") or "",
        )
    services.tell_centre_imported(len(plans), Path(filename).name)


EXAMPLE = {
    "external_number": "12345-20261120-0001",
    "uscc": "91440400MA4UJ3XX1U",
    "enterprise_name": "珠海示例科技有限公司",
    "category": "用地 / 厂房租赁",
    "title": "扩产需要新增2000平方米厂房",
    "content": "订单增长，现有厂房不足，希望园区协调周边标准厂房。",
    "received_at": "2026-11-20 14:30",
    "urgency": "一般",
    "source": "12345热线",
    "contact_name": "李四",
    "contact_phone": "13800138000",
}


def appeal_template() -> bytes:
    return template_xlsx([TemplateSheet("企业诉求", APPEAL_COLUMNS, [EXAMPLE])], notes=NOTES)


def appeal_template_csv() -> bytes:
    """The same columns as a CSV (UTF-8 with BOM, so Excel opens it in Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.label for column in APPEAL_COLUMNS])
    writer.writerow([EXAMPLE.get(column.key, "") for column in APPEAL_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")
