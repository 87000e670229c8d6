"""Working beside a provincial 惠企 platform (DOMAIN.md "免申即享 as practised"): policies and fund items come in and
go out by Excel and API, eligible lists come in (the province matched them on its shared data), awards and payments
go out. Imports are all-or-nothing and idempotent: the natural keys are a policy's external id (else its 文号) and a
fund item's code; a problem is reported by row and column, and nothing is changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gaoxin.core import audit
from gaoxin.core.errors import ValidationFailed
from gaoxin.core.models import AuditAction
from gaoxin.core.permissions import require
from gaoxin.policy import amounts, permissions, selectors, services, workflow
from gaoxin.policy.models import (
    COMMITTED_STATUSES,
    Application,
    AppStatus,
    Channel,
    FundItem,
    Policy,
    PolicyCategory,
    PolicyLevel,
)
from gaoxin.registry.models import Enterprise

LEVELS = {str(label): value for value, label in PolicyLevel.choices} | {v: v for v in PolicyLevel.values}
CATEGORIES = {str(label): value for value, label in PolicyCategory.choices} | {v: v for v in PolicyCategory.values}


def policy_upsert(*, actor: Any, data: Mapping[str, Any]) -> Policy:
    """Create a policy, or update the one with the same external id (an API client sending the same policy again)."""
    require(permissions.can_manage_policies(actor))
    existing = None
    if data.get("external_id"):
        existing = Policy.objects.filter(external_id=data["external_id"]).first()
    return services.policy_save(actor=actor, data=dict(data), policy=existing)


def awards(
    actor: Any, *, fund_item: int | None = None, paid_from: dt.date | None = None, paid_to: dt.date | None = None
) -> QuerySet[Application]:
    rows = selectors.application_scope(actor).filter(status__in=COMMITTED_STATUSES)
    if fund_item:
        rows = rows.filter(fund_item_id=fund_item)
    if paid_from:
        rows = rows.filter(paid_on__gte=paid_from)
    if paid_to:
        rows = rows.filter(paid_on__lte=paid_to)
    return rows.select_related("fund_item", "enterprise").order_by("fund_item__code", "number")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    kept: int = 0
    errors: list[str] = field(default_factory=list)


@transaction.atomic
def eligible_import(*, actor: Any, item: FundItem, rows: Sequence[tuple[str, Decimal | None]]) -> ImportResult:
    """An eligible list matched elsewhere becomes candidates (待核定) of a 免申即享 item; the officer re-checks them
    and sends the offers as for the zone's own list."""
    require(permissions.can_handle_stage(actor, item, workflow.review_stages(item)[0]))
    if not item.no_application:
        raise ValidationFailed(_("该项目不是免申即享项目"))
    result = ImportResult()
    codes = [u.strip().upper() for u, _amount in rows]
    known = dict(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", "pk"))
    live = set(
        Application.objects.filter(fund_item=item)
        .exclude(status__in=services._DEAD)
        .values_list("enterprise_id", flat=True)
    )
    seen: set[str] = set()
    fresh = []
    for n, (code, amount) in enumerate(zip(codes, [a for _u, a in rows], strict=True), start=1):
        if code not in known:
            result.errors.append(_("第%(n)s行 统一社会信用代码: 企业库中没有%(c)s") % {"n": n, "c": code})
            continue
        if code in seen:
            result.errors.append(_("第%(n)s行 统一社会信用代码: 与前面的行重复") % {"n": n})
            continue
        seen.add(code)
        if known[code] in live:
            result.kept += 1
            continue
        fresh.append((known[code], amount))
    if result.errors:
        return result
    from gaoxin.rules import facts as rule_facts

    documents = rule_facts.facts_documents([Enterprise(pk=pk) for pk, _a in fresh])
    formula = amounts.Formula.of(item)
    from django.utils import timezone

    today = timezone.localdate()
    for pk, amount in fresh:
        yuan = amount if amount is not None else amounts.compute(formula, documents[pk], as_of=today).yuan
        application = services._create_application(
            fund_item=item,
            enterprise_id=pk,
            channel=Channel.OFFER,
            status=AppStatus.CANDIDATE,
            facts=documents[pk],
            eligibility={"result": "pass", "source": str(_("外部平台名单"))},
            requested_yuan=yuan,
        )
        services._event(application, "import", actor, _("由外部平台名单导入"), public=False)
        result.created += 1
    audit.record(
        actor=actor,
        action=AuditAction.IMPORT_CREATE,
        target=item,
        changes={str(_("免申即享名单")): [None, str(_("导入%(n)s家") % {"n": result.created})]},
    )
    return result


# --- Excel: policies and fund items ---------------------------------------------------------------------------------

POLICY_COLUMNS = {
    "外部编号": "external_id",
    "政策名称": "title",
    "文号": "number",
    "发文机关": "issuer",
    "层级": "level",
    "政策类别": "category",
    "生效日期": "effective_from",
    "失效日期": "expires_on",
    "政策资金总额(元)": "budget_yuan",
    "政策摘要": "summary",
    "政策全文": "body",
}
ITEM_COLUMNS = {
    "项目编码": "code",
    "申报项目": "name",
    "所属政策文号": "policy_number",
    "申报条件规则集": "eligibility_code",
    "免申即享": "no_application",
    "金额计算方式": "amount_kind",
    "定额(元)": "amount_fixed_yuan",
    "计算依据指标": "amount_fact",
    "比例(%)": "amount_percent",
    "上限(元)": "amount_cap_yuan",
    "项目预算(元)": "budget_yuan",
    "申报开始": "opens_on",
    "申报截止": "closes_on",
    "支持内容": "description",
}
AMOUNT_KINDS = {"定额": "fixed", "按比例（设上限）": "percent", "按比例": "percent", "分档": "tiers"}


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    return dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))


def _read(upload: Any, columns: Mapping[str, str], min_columns: int = 2) -> list[tuple[int, dict[str, Any]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except Exception:
        raise ValidationFailed(_("无法读取该文件，请上传 .xlsx 格式的表格")) from None
    sheet = book.active
    header_row, header = 0, []
    rows = list(sheet.iter_rows(values_only=True))
    for n, row in enumerate(rows[:10], start=1):
        names = [str(c).strip() if c is not None else "" for c in row]
        if sum(1 for c in names if c in columns) >= min_columns:
            header_row, header = n, names
            break
    if not header:
        raise ValidationFailed(_("没有找到表头（应包含：%(c)s）") % {"c": "、".join(list(columns)[:4])})
    out = []
    for n, row in enumerate(rows[header_row:], start=header_row + 1):
        if all(c in (None, "") for c in row):
            continue
        out.append((n, {columns[h]: v for h, v in zip(header, row, strict=False) if h in columns}))
    return out


@transaction.atomic
def policies_import(*, actor: Any, upload: Any) -> ImportResult:
    """Policies from a workbook (the columns of `exports.POLICY_HEADERS`); new ones are drafts."""
    require(permissions.can_manage_policies(actor))
    result = ImportResult()
    for n, row in _read(upload, POLICY_COLUMNS):
        try:
            data = dict(row)
            data["level"] = LEVELS.get(str(row.get("level") or "").strip(), "")
            data["category"] = CATEGORIES.get(str(row.get("category") or "").strip(), "")
            data["effective_from"] = _date(row.get("effective_from"))
            data["expires_on"] = _date(row.get("expires_on"))
            for name in ("title", "number", "issuer", "summary", "body", "external_id"):
                data[name] = "" if data.get(name) is None else str(data[name]).strip()
            existing = None
            if data["external_id"]:
                existing = Policy.objects.filter(external_id=data["external_id"]).first()
            elif data["number"]:
                existing = Policy.objects.filter(number=data["number"]).first()
            with transaction.atomic():
                services.policy_save(actor=actor, data=data, policy=existing)
        except (ValueError, ValidationFailed) as exc:
            result.errors.append(_("第%(n)s行：%(m)s") % {"n": n, "m": getattr(exc, "message", str(exc))})
            continue
        if existing is None:
            result.created += 1
        else:
            result.updated += 1
    if result.errors:
        transaction.set_rollback(True)
        result.created = result.updated = 0
    return result


@transaction.atomic
def items_import(*, actor: Any, upload: Any) -> ImportResult:
    """Fund items from a workbook (the columns of `exports.ITEM_HEADERS`), each under the policy of its 文号."""
    require(permissions.can_manage_policies(actor))
    result = ImportResult()
    for n, row in _read(upload, ITEM_COLUMNS):
        try:
            policy = Policy.objects.filter(number=str(row.get("policy_number") or "").strip()).first()
            if policy is None:
                raise ValidationFailed(_("所属政策文号: 政策库中没有该文号"))
            data: dict[str, Any] = {k: v for k, v in row.items() if k != "policy_number"}
            for name in ("code", "name", "description", "eligibility_code", "amount_fact"):
                data[name] = "" if data.get(name) is None else str(data[name]).strip()
            data["no_application"] = str(row.get("no_application") or "").strip() in ("是", "true", "1")
            data["amount_kind"] = AMOUNT_KINDS.get(str(row.get("amount_kind") or "").strip(), row.get("amount_kind"))
            data["opens_on"], data["closes_on"] = _date(row.get("opens_on")), _date(row.get("closes_on"))
            for name in ("amount_percent",):
                if data.get(name) not in (None, ""):
                    data[name] = Decimal(str(data[name]))
            existing = FundItem.objects.filter(code=data["code"]).first()
            with transaction.atomic():
                services.fund_item_save(actor=actor, policy=policy, data=data, item=existing)
        except (ValueError, InvalidOperation, ValidationFailed) as exc:
            result.errors.append(_("第%(n)s行：%(m)s") % {"n": n, "m": getattr(exc, "message", str(exc))})
            continue
        if existing is None:
            result.created += 1
        else:
            result.updated += 1
    if result.errors:
        transaction.set_rollback(True)
        result.created = result.updated = 0
    return result


ELIGIBLE_COLUMNS = {
    "统一社会信用代码": "uscc",
    "信用代码": "uscc",
    "金额(元)": "amount",
    "金额": "amount",
    "企业名称": "name",
}


def read_eligible(upload: Any) -> list[tuple[str, Decimal | None]]:
    """(USCC, amount or None) rows of an eligible-list workbook; ValidationFailed naming the row when bad."""
    rows = []
    for n, row in _read(upload, ELIGIBLE_COLUMNS, min_columns=1):
        code = str(row.get("uscc") or "").strip().upper()
        if not code:
            raise ValidationFailed(_("第%(n)s行 统一社会信用代码: 不能为空") % {"n": n})
        amount = row.get("amount")
        try:
            value = None if amount in (None, "") else Decimal(str(amount)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValidationFailed(_("第%(n)s行 金额(元): 不是数字") % {"n": n}) from None
        rows.append((code, value))
    return rows


PAYMENT_COLUMNS = {"受理编号": "number", "拨付日期": "paid_on", "凭证号": "voucher", "金额(元)": "amount"}


def read_payments(upload: Any) -> list[tuple[str, dt.date, str, Decimal | None]]:
    """(受理编号, 拨付日期, 凭证号, 金额) rows of a bank or treasury return file; ValidationFailed naming the row."""
    rows = []
    for n, row in _read(upload, PAYMENT_COLUMNS):
        number = str(row.get("number") or "").strip()
        try:
            paid_on = _date(row.get("paid_on"))
        except ValueError:
            paid_on = None
        if not number or paid_on is None:
            raise ValidationFailed(_("第%(n)s行：须有受理编号和拨付日期") % {"n": n})
        amount = row.get("amount")
        try:
            value = None if amount in (None, "") else Decimal(str(amount)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValidationFailed(_("第%(n)s行 金额(元): 不是数字") % {"n": n}) from None
        rows.append((number, paid_on, str(row.get("voucher") or "").strip(), value))
    return rows


@transaction.atomic
def payments_import(
    *, actor: Any, rows: Sequence[tuple[str, dt.date, str, Decimal | None]], today: dt.date | None = None
) -> ImportResult:
    """Payments made outside the platform (a bank's or the treasury's return file, a provincial platform): each
    award waiting for payment is marked paid on its date. All-or-nothing: a row that does not match an award waiting
    for payment, or whose amount differs from the award, is reported and nothing is changed."""
    from django.utils import timezone

    require(permissions.can_pay(actor))
    today = today or timezone.localdate()
    result = ImportResult()
    found = {a.number: a for a in selectors.application_scope(actor).filter(number__in=[r[0] for r in rows])}
    seen: set[str] = set()
    for n, (number, paid_on, _voucher, amount) in enumerate(rows, start=1):
        a = found.get(number)
        if a is None:
            result.errors.append(_("第%(n)s行 受理编号: 没有%(c)s") % {"n": n, "c": number})
        elif number in seen:
            result.errors.append(_("第%(n)s行 受理编号: 与前面的行重复") % {"n": n})
        elif a.status == AppStatus.PAID:
            result.kept += 1
        elif a.status != AppStatus.PAYABLE:
            result.errors.append(
                _("第%(n)s行 受理编号: %(c)s不是待拨付状态（%(s)s）")
                % {"n": n, "c": number, "s": a.get_status_display()}
            )
        elif amount is not None and amount != a.awarded_yuan:
            result.errors.append(
                _("第%(n)s行 金额(元): %(x)s与核定金额%(y)s不一致") % {"n": n, "x": amount, "y": a.awarded_yuan}
            )
        elif paid_on > today:
            result.errors.append(_("第%(n)s行 拨付日期: 不能晚于今天") % {"n": n})
        seen.add(number)
    if result.errors:
        result.kept = 0
        return result
    for number, paid_on, voucher, _amount in rows:
        a = found[number]
        if a.status == AppStatus.PAID:
            continue
        services._mark_paid(actor, a, paid_on, voucher or str(_("外部拨付回单")))
        result.updated += 1
    for batch in {a.batch for a in found.values() if a.batch_id}:
        if batch is not None and not batch.applications.exclude(status=AppStatus.PAID).exists():
            batch.status, batch.paid_on, batch.paid_by = "paid", max(r[1] for r in rows), actor
            batch.save()
    return result
