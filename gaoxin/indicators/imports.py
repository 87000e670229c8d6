"""Spreadsheet imports into economic monitoring: monthly indicators (FORMATS.md 1c), annual enterprise facts (1d,
also in the 火炬统计 layout of DOMAIN.md) and annual targets (1e).

Invariants:
- all or nothing: a file with any error writes nothing; a dry run writes nothing either and reports the same counts
  and warnings a real import would (monthly figures are stored in a transaction that is rolled back);
- idempotent upsert by natural key: USCC + 统计期 + indicator (1c); USCC + 年度 + fact (1d); 年度 + 范围 + 指标 +
  目标类型 (1e). Re-importing a file changes nothing. An empty cell is "not reported": it keeps what is stored;
- monthly figures are written only through `services.facts_store`, which derives the monthly or cumulative figure the
  file did not give, carries missing months and audits corrections; counts are per reported figure (a figure that
  was only carried before counts as new);
- indicator and fact columns are found by name or alias, with an optional unit in brackets that must be the
  catalogue's; `(累计)` or `1-N月` in a monthly header marks cumulative values;
- every created or changed annual fact or target writes one audit entry (import_create / import_update) in the same
  transaction; annual facts carry `enterprise_id` so the enterprise's history shows them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.core import audit, normalize, signals
from gaoxin.core.importing import (
    CREATED,
    HEADER_SCAN_ROWS,
    UNCHANGED,
    UPDATED,
    Column,
    ImportResult,
    Parser,
    Record,
    Table,
    Workbook,
    cell_choice,
    cell_decimal,
    cell_text,
    cell_uscc,
    chunked,
    column_lookup,
    header_key,
    insert_rows,
    lookup_key,
    mark_duplicates,
    open_workbook,
    read_table,
    update_rows,
)
from gaoxin.core.models import AuditAction, AuditEntry
from gaoxin.core.normalize import CellError
from gaoxin.core.permissions import require
from gaoxin.indicators import permissions
from gaoxin.indicators.models import (
    Aggregation,
    AnnualFact,
    Fact,
    FactSource,
    Indicator,
    Target,
    TargetKind,
    Temporal,
)
from gaoxin.indicators.series import CARRIED
from gaoxin.indicators.services import FactInput, facts_store
from gaoxin.registry.identity import check_uscc
from gaoxin.registry.imports import USCC_ALIASES, USCC_LABEL
from gaoxin.registry.models import Enterprise, Park, Zone

Source = str | Path | IO[bytes]
BATCH_SIZE = 500

#: Figures are stored with 4 decimals (万元 to the yuan); more digits (Excel's 0.30000000000000004) are rounded.
PLACES = Decimal("0.0001")
LIMIT = Decimal("1e16")


def _reason(filename: str | None) -> str:
    return f"批量导入：{Path(filename).name}" if filename else "批量导入"


def _show(value: Any) -> Any:
    return audit.audit_value(value)


# Cells ---------------------------------------------------------------------------------------------------------


def fit_amount(amount: Decimal) -> Decimal:
    """An amount as stored: at most 4 decimals (rounded half up), and within what the database holds."""
    if abs(amount) >= LIMIT:
        raise CellError(_("数值过大"))
    plain = amount.quantize(PLACES, rounding=ROUND_HALF_UP).normalize()
    # Without trailing zeros and never in exponent form: 120.0 -> 120, 1500.50 -> 1500.5, 1E+3 -> 1000.
    return plain.quantize(Decimal(1)) if plain == plain.to_integral_value() else plain


def cell_amount(value: Any) -> Decimal | None:
    amount = cell_decimal(value)
    return None if amount is None else fit_amount(amount)


def cell_year(value: Any) -> int | None:
    """2023, '2023', '2023年', '2023年度' or an Excel date -> 2023."""
    if isinstance(value, dt.date):
        return value.year
    raw = normalize.text(value).replace(" ", "")
    if not raw:
        return None
    match = re.fullmatch(r"(\d{4})(年度?)?", raw)
    if match is None:
        raise CellError(_("不是有效的年度，请写作 2023"))
    year = int(match.group(1))
    if not 1900 <= year <= 2100:
        raise CellError(_("年度应在1900到2100之间"))
    return year


def cell_period(value: Any) -> tuple[int, int] | None:
    """A 统计期 as normalize.period reads it: (year, month)."""
    result = normalize.period(value)
    if result is not None and not 1900 <= result[0] <= 2100:
        raise CellError(_("年度应在1900到2100之间"))
    return result


def _ignore(value: Any) -> None:
    """The cells of a column whose header is wrong: the header's error is reported once, not per row."""
    return None


# Headers with a name, an optional unit in brackets and markers ------------------------------------------------

_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
_MONTHS = re.compile(r"1[-~—–至到]([0-9]{1,2}|n)月份?")
_TRAILING_GROUP = re.compile(r"^(.*)\(([^()]*)\)$")
_CUMULATIVE_WORDS = frozenset({"累计", "累计数", "累计值", "本年累计"})
_IGNORED_WORDS = frozenset({"必填", "选填", "可选", "有效", "当月", "本月", "当月数"})
_UNIT_SYNONYMS = {"吨标煤": "吨标准煤", "tce": "吨标准煤", "万kwh": "万千瓦时", "万度": "万千瓦时", "项": "件"}


def _unit_key(unit: str) -> str:
    key = lookup_key(unit)
    return _UNIT_SYNONYMS.get(key, key)


def _header_text(cell: Any) -> str:
    return header_key(cell).translate(_BRACKETS)


def _strip_to_name(key: str, names: Mapping[str, Any]) -> tuple[Any, list[str]] | None:
    """Strip bracket groups from the end until what is left is a known name (`净资产(所有者权益)` is one)."""
    suffixes: list[str] = []
    rest = key
    while True:
        if rest in names:
            return names[rest], suffixes
        match = _TRAILING_GROUP.match(rest)
        if match is None:
            return None
        rest = match.group(1)
        suffixes.insert(0, match.group(2))


def _dynamic_columns(
    book: Workbook, fixed: Sequence[Column], resolve: Callable[[str, int], Column | None]
) -> list[Column]:
    """Columns for the header cells (within the rows a header may sit in) that `resolve` recognises: one Column per
    distinct header, labelled as the file writes it, so `read_table` finds and reports them like fixed ones."""
    known = column_lookup(fixed)
    found: dict[str, Column] = {}
    for sheet in book.sheet_names:
        for cells in book.rows(sheet)[:HEADER_SCAN_ROWS]:
            for cell in cells:
                text = normalize.text(cell)
                key = header_key(text)
                if not text or key in known or key in found:
                    continue
                column = resolve(text, len(found))
                if column is not None:
                    found[key] = column
    return list(found.values())


def _header_problems(table: Table, result: ImportResult, problems: Mapping[str, str]) -> None:
    for column in table.columns:
        if column.key in problems:
            result.error(table.sheet, table.header_row, column.label, problems[column.key])


@dataclass
class _Enterprises:
    """The registry's enterprises by USCC (and, for the 火炬统计 return, by the 9-character organisation code)."""

    by_code: dict[str, Enterprise] = field(default_factory=dict)
    by_org: dict[str, list[Enterprise]] = field(default_factory=dict)

    @classmethod
    def load(cls, codes: Iterable[str], *, org_codes: bool = False) -> _Enterprises:
        found = cls()
        wanted = sorted({code for code in codes if code})
        for chunk in chunked(wanted):
            for enterprise in Enterprise.objects.filter(uscc__in=chunk):
                found.by_code[enterprise.uscc] = enterprise
        orgs = sorted(code for code in wanted if len(code) == 9) if org_codes else []
        for chunk in chunked(orgs):
            for enterprise in Enterprise.objects.annotate(org=Substr("uscc", 9, 9)).filter(org__in=chunk):
                found.by_org.setdefault(enterprise.uscc[8:17], []).append(enterprise)
        return found

    def find(self, table: Table, result: ImportResult, record: Record, *, org_codes: bool = False) -> Enterprise | None:
        """The row's enterprise, or None with the row marked failed; a name that differs is a warning."""
        code: str = record.get("uscc") or ""
        if not code:
            return None
        enterprise = self.by_code.get(code)
        if enterprise is None and org_codes and len(code) == 9:
            matches = self.by_org.get(code, [])
            if len(matches) > 1:
                table.fail(
                    result,
                    record,
                    USCC_LABEL,
                    _("组织机构代码%(code)s对应多家企业，请改填统一社会信用代码") % {"code": code},
                )
                return None
            if not matches:
                table.fail(result, record, USCC_LABEL, _("企业库中没有组织机构代码为%(code)s的企业") % {"code": code})
                return None
            enterprise = matches[0]
        if enterprise is None:
            check = check_uscc(code)
            table.fail(result, record, USCC_LABEL, check.message or _("企业库中没有该企业，请先导入企业名录"))
            return None
        name = record.get("enterprise_name")
        if name and lookup_key(name) != lookup_key(enterprise.name):
            result.warn(
                table.sheet,
                record.row,
                table.label("enterprise_name"),
                _("与企业库中的名称“%(name)s”不一致，已按统一社会信用代码导入") % {"name": enterprise.name},
            )
        return enterprise


def _uscc_column(*aliases: str) -> Column:
    return Column(
        "uscc",
        USCC_LABEL,
        required=True,
        aliases=(*USCC_ALIASES, *aliases),
        parse=cell_uscc,
        text_format=True,
        help="企业的统一社会信用代码；企业须已在企业库中。",
    )


def _name_column(*aliases: str) -> Column:
    return Column(
        "enterprise_name",
        "企业名称",
        aliases=("名称", "单位名称", "公司名称", *aliases),
        parse=cell_text(200),
        help="与企业库中的名称核对，不一致时只提示。",
    )


# Monthly indicators (FORMATS.md 1c) ----------------------------------------------------------------------------

INDICATOR_FIXED_COLUMNS: tuple[Column, ...] = (
    _uscc_column(),
    _name_column(),
    Column(
        "period",
        "统计期",
        required=True,
        aliases=("统计期间", "统计月份", "统计年月", "报告期", "所属期", "期间", "月份", "年月"),
        parse=cell_period,
        help="写作 2020-11、2020/11、202011 或 2020年11月。",
    ),
)


@dataclass(frozen=True)
class IndicatorColumn:
    """What an indicator column holds: which indicator, cumulative or the month's own figure, and the N of a
    `1-N月` header (0 for a literal `1-N月`)."""

    label: str
    indicator: Indicator
    cumulative: bool
    months: int | None = None


def _indicator_names(indicators: Iterable[Indicator]) -> dict[str, Indicator]:
    names: dict[str, Indicator] = {}
    for indicator in indicators:
        for name in (indicator.name, *indicator.alias_list()):
            names.setdefault(lookup_key(name), indicator)
    return names


def _value_parser(indicator: Indicator) -> Parser:
    def parse(value: Any) -> Decimal | None:
        amount = cell_decimal(value)
        if amount is None:
            return None
        if indicator.non_negative and amount < 0:
            raise CellError(_("不能为负数"))
        return fit_amount(amount)

    return parse


@dataclass
class _IndicatorHeaders:
    names: dict[str, Indicator]
    all_cumulative: bool
    #: By the header as the file writes it (two spellings of one indicator share the column key).
    specs: dict[str, IndicatorColumn] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)

    def resolve(self, text: str, serial: int) -> Column | None:
        key = _header_text(text)
        months: int | None = None
        marker = _MONTHS.search(key)
        if marker is not None:
            months = 0 if marker.group(1) == "n" else int(marker.group(1))
            key = (key[: marker.start()] + key[marker.end() :]).replace("()", "")
        found = _strip_to_name(key, self.names)
        if found is None:
            return None
        indicator, suffixes = found
        cumulative = months is not None or self.all_cumulative
        problem = ""
        for word in suffixes:
            if word in _CUMULATIVE_WORDS:
                cumulative = True
            elif word not in _IGNORED_WORDS and _unit_key(word) != _unit_key(indicator.unit):
                problem = _("单位应为%(unit)s") % {"unit": indicator.unit}
        if not problem and indicator.aggregation != Aggregation.SUM:
            parts = {"name": indicator.name}
            problem = _("%(name)s是计算指标，由平台根据其分子、分母指标计算，不能导入") % parts
            if indicator.numerator_id and indicator.denominator_id:
                parts |= {"numerator": str(indicator.numerator), "denominator": str(indicator.denominator)}
                problem = _("%(name)s是计算指标（%(numerator)s÷%(denominator)s），不能导入") % parts
        elif not problem and not indicator.is_active:
            problem = _("指标“%(name)s”已停用，不能导入") % {"name": indicator.name}
        label = normalize.text(text)
        if problem:
            key = f"problem{serial}"
            self.problems[key] = problem
            return Column(key, label, parse=_ignore)
        # A stock indicator (从业人员) has one figure per month, whatever the header says.
        cumulative = cumulative and indicator.temporal == Temporal.FLOW
        key = f"indicator{indicator.pk}"
        self.specs[label] = IndicatorColumn(label, indicator, cumulative, months)
        return Column(key, label, parse=_value_parser(indicator))


@dataclass
class _Reported:
    record: Record
    column: IndicatorColumn
    enterprise: Enterprise
    year: int
    month: int
    amount: Decimal

    @property
    def key(self) -> tuple[int, int, int, int]:
        return (self.column.indicator.pk, self.year, self.enterprise.pk, self.month)

    def fact_input(self) -> FactInput:
        return FactInput(
            enterprise_id=self.enterprise.pk,
            indicator=self.column.indicator,
            year=self.year,
            month=self.month,
            amount=self.amount,
            is_cumulative=self.column.cumulative,
        )


def import_indicators(
    source: Source,
    *,
    actor: Any = None,
    dry_run: bool = False,
    cumulative: bool = False,
    filename: str | None = None,
) -> ImportResult:
    """Store monthly figures by USCC + 统计期 + indicator. `cumulative` reads every indicator column as 1-N月."""
    require(permissions.can_import(actor, "indicators"))
    result = ImportResult(title=_("月度指标导入"), dry_run=dry_run)
    book = open_workbook(source, filename=filename)
    headers = _IndicatorHeaders(
        _indicator_names(Indicator.objects.select_related("numerator", "denominator")), cumulative
    )
    dynamic = _dynamic_columns(book, INDICATOR_FIXED_COLUMNS, headers.resolve)
    table = read_table(book, [*INDICATOR_FIXED_COLUMNS, *dynamic], result)
    if table is None:
        result.abort()
        return result
    _header_problems(table, result, headers.problems)
    indicator_columns = [column for column in table.columns if column.key not in headers.problems]
    indicator_columns = [column for column in indicator_columns if column.label in headers.specs]
    keys = [column.key for column in indicator_columns]
    present = [headers.specs[column.label] for column in indicator_columns]
    if not present and not any(column.key in headers.problems for column in table.columns):
        result.error(
            table.sheet,
            table.header_row,
            "",
            _("表头中没有可导入的指标列（列名应为指标目录中的指标名称，如 工业总产值(万元)）"),
        )
    enterprises = _Enterprises.load(r.get("uscc") for r in table.records)

    reported: list[_Reported] = []
    for record in table.records:
        enterprise = enterprises.find(table, result, record)
        period = record.get("period")
        values = [(key, spec, record.get(key)) for key, spec in zip(keys, present, strict=True)]
        if not record.failed and present and all(amount is None for _key, _spec, amount in values):
            result.warn(table.sheet, record.row, "", _("该行没有填写任何指标，已跳过"))
        for _key, spec, amount in values:
            if amount is None or period is None:
                continue
            if spec.months and spec.months != period[1]:
                table.fail(
                    result,
                    record,
                    spec.label,
                    _("统计期为%(month)s月，与列名中的1-%(n)s月不一致") % {"month": period[1], "n": spec.months},
                )
                continue
            if enterprise is not None:
                reported.append(_Reported(record, spec, enterprise, period[0], period[1], amount))
    for key, spec in zip(keys, present, strict=True):
        keyed = [((r.get("uscc"), r.get("period")), r) for r in table.records if r.get(key) is not None]
        mark_duplicates(table, result, ((k, r) for k, r in keyed if k[0] and k[1]), spec.label)
    reported = [item for item in reported if not item.record.failed]

    before = _series_rows({item.key[:3] for item in reported})
    for item in reported:
        _count_figure(result, table, item, before.get(item.key))
    if result.errors:
        result.abort()
        return result
    if reported:
        _store_figures(
            result, table, reported, before, actor=actor, dry_run=dry_run, reason=_reason(filename or str(source))
        )
    return result.finish()


def _series_rows(series: Iterable[tuple[int, int, int]]) -> dict[tuple[int, int, int, int], Fact]:
    """Every stored row of the given (indicator, year, enterprise) series, by (indicator, year, enterprise, month)."""
    groups: dict[tuple[int, int], set[int]] = defaultdict(set)
    for indicator_id, year, enterprise_id in series:
        groups[(indicator_id, year)].add(enterprise_id)
    rows: dict[tuple[int, int, int, int], Fact] = {}
    for (indicator_id, year), ids in groups.items():
        for chunk in chunked(sorted(ids)):
            for row in Fact.objects.filter(indicator_id=indicator_id, year=year, enterprise_id__in=chunk):
                rows[(indicator_id, year, row.enterprise_id, row.month)] = row
    return rows


def _figure_name(indicator: Indicator, year: int, month: int, cumulative: bool) -> str:
    kind = _("累计") if cumulative else _("当月")
    return _("%(name)s（%(year)s年%(month)s月%(kind)s）") % {
        "name": indicator.name,
        "year": year,
        "month": month,
        "kind": kind,
    }


def _count_figure(result: ImportResult, table: Table, item: _Reported, row: Fact | None) -> None:
    """New when nothing (or only a carried 0) was stored; updated when the stored figure or its kind differs."""
    indicator, cumulative = item.column.indicator, item.column.cumulative
    label = _("%(enterprise)s · %(indicator)s · %(year)s年%(month)s月") % {
        "enterprise": item.enterprise.name,
        "indicator": indicator.name,
        "year": item.year,
        "month": item.month,
    }
    name = _figure_name(indicator, item.year, item.month, cumulative)
    after = _show(item.amount)
    if row is None or row.source == CARRIED:
        result.count(CREATED, sheet=table.sheet, row=item.record.row, label=label, changes={name: [None, after]})
        return
    stored = row.cumulative if row.reported_cumulative else row.value
    if stored == item.amount and row.reported_cumulative == cumulative:
        result.count(UNCHANGED)
        return
    if row.reported_cumulative == cumulative:
        changes = {name: [_show(stored), after]}
    else:
        before_name = _figure_name(indicator, item.year, item.month, row.reported_cumulative)
        changes = {before_name: [_show(stored), None], name: [None, after]}
    result.count(UPDATED, sheet=table.sheet, row=item.record.row, label=label, changes=changes)


def _store_figures(
    result: ImportResult,
    table: Table,
    reported: list[_Reported],
    before: dict[tuple[int, int, int, int], Fact],
    *,
    actor: Any,
    dry_run: bool,
    reason: str,
) -> None:
    """Write through `facts_store` (one call per source), then warn about months whose derived figure is negative.
    A dry run does the same inside a transaction that is rolled back, so its warnings are exactly the import's."""
    monthly = [item.fact_input() for item in reported if not item.column.cumulative]
    cumulative = [item.fact_input() for item in reported if item.column.cumulative]
    with transaction.atomic():
        carried = 0
        if monthly:
            carried += facts_store(actor=actor, inputs=monthly, source=FactSource.IMPORT, reason=reason).carried
        if cumulative:
            stored = facts_store(actor=actor, inputs=cumulative, source=FactSource.IMPORT_CUMULATIVE, reason=reason)
            carried += stored.carried
        result.extra["carried"] = carried
        checked = {
            item.key[:3]
            for item in reported
            if item.column.indicator.non_negative and item.column.indicator.temporal == Temporal.FLOW
        }
        after = _series_rows(checked)
        if dry_run:
            transaction.set_rollback(True)
    negative_before = {key for key, row in before.items() if key[:3] in checked and row.value < 0}
    by_key = {item.key: item for item in reported}
    names = {item.enterprise.pk: item.enterprise.name for item in reported}
    indicators = {item.column.indicator.pk: item.column.indicator for item in reported}
    for key in sorted(k for k, row in after.items() if row.value < 0):
        item = by_key.get(key)
        if item is not None:
            result.warn(table.sheet, item.record.row, item.column.label, _("累计值小于上月累计，当月数为负"))
        elif key not in negative_before:
            indicator_id, year, enterprise_id, month = key
            result.warn(
                table.sheet,
                None,
                "",
                _("%(enterprise)s %(year)s年%(month)s月%(indicator)s：已有的累计值小于上月累计，当月数为负")
                % {
                    "enterprise": names[enterprise_id],
                    "year": year,
                    "month": month,
                    "indicator": indicators[indicator_id].name,
                },
            )


# Annual enterprise facts (FORMATS.md 1d) -----------------------------------------------------------------------


@dataclass(frozen=True)
class FactSpec:
    """A yearly fact of FORMATS.md section 2: its vocabulary name, Chinese name, unit and the other names officers
    use. `signed` facts may be negative (净利润); `whole` ones are counts (人, 件)."""

    name: str
    label: str
    unit: str
    aliases: tuple[str, ...] = ()
    signed: bool = False
    whole: bool = False


ANNUAL_FACTS: tuple[FactSpec, ...] = (
    FactSpec("revenue", "营业收入", "万元", ("营业总收入", "营收", "销售收入")),
    FactSpec("main_business_revenue", "主营业务收入", "万元", ("主营收入",)),
    FactSpec(
        "hightech_revenue",
        "高新技术产品(服务)收入",
        "万元",
        ("高新技术产品收入", "高新技术产品/服务收入", "高品收入", "高新收入"),
    ),
    FactSpec("rd_expense", "研发费用", "万元", ("研发费用总额", "研发费用合计", "研究开发费用", "研发投入", "R&D经费")),
    FactSpec("rd_expense_domestic", "境内研发费用", "万元", ("境内研究开发费用", "中国境内研发费用")),
    FactSpec("total_cost", "成本费用总额", "万元", ("成本费用", "成本费用合计")),
    FactSpec("total_assets", "资产总额", "万元", ("资产总计", "总资产")),
    FactSpec("total_liabilities", "负债总额", "万元", ("负债合计", "总负债")),
    FactSpec("net_assets", "净资产(所有者权益)", "万元", ("净资产", "所有者权益", "所有者权益合计"), signed=True),
    FactSpec("output_value", "工业总产值", "万元", ("总产值",)),
    FactSpec("value_added", "工业增加值", "万元", ("增加值",), signed=True),
    FactSpec("tax_paid", "实缴税费", "万元", ("实缴税费总额", "实缴税金", "纳税总额")),
    FactSpec("export_value", "出口额", "万元", ("出口总额",)),
    FactSpec("net_profit", "净利润", "万元", ("净利润总额",), signed=True),
    FactSpec("staff", "职工总数", "人", ("职工人数", "从业人员", "从业人员数", "期末从业人员", "员工总数"), whole=True),
    FactSpec("tech_staff", "科技人员数", "人", ("科技人员", "科技人员人数"), whole=True),
    FactSpec("rd_staff", "研发人员数", "人", ("研发人员", "研发人员人数", "R&D人员"), whole=True),
    FactSpec("energy_tce", "综合能源消费量", "吨标准煤", ("综合能耗", "能源消费量")),
    FactSpec(
        "ip_class1",
        "Ⅰ类知识产权数",
        "件",
        ("Ⅰ类知识产权数(有效)", "Ⅰ类知识产权", "一类知识产权数", "一类知识产权"),
        whole=True,
    ),
    FactSpec(
        "ip_class2",
        "Ⅱ类知识产权数",
        "件",
        ("Ⅱ类知识产权数(有效)", "Ⅱ类知识产权", "二类知识产权数", "二类知识产权"),
        whole=True,
    ),
)
FACTS_BY_NAME = {spec.name: spec for spec in ANNUAL_FACTS}

#: The 火炬统计 return's field codes (DOMAIN.md): code -> (fact, unit in the return). Money comes in 千元.
TORCH_FIELDS: dict[str, tuple[str, str]] = {
    "qc02": ("output_value", "千元"),
    "qc05_0": ("revenue", "千元"),
    "qc09": ("hightech_revenue", "千元"),
    "qc11": ("export_value", "千元"),
    "qc13": ("tax_paid", "千元"),
    "qc24": ("total_assets", "千元"),
    "qc31": ("total_liabilities", "千元"),
    "qc12": ("net_profit", "千元"),
    "qd01": ("staff", "人"),
    "qj09": ("rd_staff", "人"),
    "qj20": ("rd_expense", "千元"),
}
_TORCH_CODE = re.compile(r"(?<![a-z0-9])(q[a-z]\d{2}(?:_\d+)?)(?![a-z0-9_])")
_UNIT_WORDS = frozenset({"元", "千元", "万元", "亿元", "人", "个", "件", "吨标准煤", "吨标煤"})

ANNUAL_FIXED_COLUMNS: tuple[Column, ...] = (
    _uscc_column("组织机构代码", "统一社会信用代码(组织机构代码)", "单位代码", "法人单位代码"),
    _name_column("单位详细名称", "企业详细名称"),
    Column(
        "year",
        "年度",
        required=True,
        aliases=("年份", "统计年度", "报告年度", "年"),
        parse=cell_year,
        help="如 2023。",
    ),
)


def _fact_parser(spec: FactSpec, *, thousands: bool = False) -> Parser:
    def parse(value: Any) -> Decimal | None:
        amount = cell_decimal(value)
        if amount is None:
            return None
        if amount < 0 and not spec.signed:
            raise CellError(_("不能为负数"))
        if spec.whole and amount != amount.to_integral_value():
            raise CellError(_("应为整数"))
        if thousands:
            amount = amount.scaleb(-1)  # 千元 -> 万元, exactly
        return fit_amount(amount)

    return parse


@dataclass
class _FactHeaders:
    torch: bool
    specs: dict[str, FactSpec] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    names: dict[str, FactSpec] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for spec in ANNUAL_FACTS:
            for name in (spec.label, *spec.aliases):
                self.names.setdefault(lookup_key(name).translate(_BRACKETS), spec)

    def _problem(self, serial: int, label: str, message: str) -> Column:
        key = f"problem{serial}"
        self.problems[key] = message
        return Column(key, label, parse=_ignore)

    def resolve(self, text: str, serial: int) -> Column | None:
        label = normalize.text(text)
        key = _header_text(text)
        if self.torch:
            return self._resolve_torch(key, label, serial)
        found = _strip_to_name(key, self.names)
        if found is None:
            return None
        spec, suffixes = found
        for word in suffixes:
            if word not in _IGNORED_WORDS and _unit_key(word) != _unit_key(spec.unit):
                return self._problem(serial, label, _("单位应为%(unit)s") % {"unit": spec.unit})
        self.specs[spec.name] = spec
        return Column(spec.name, label, parse=_fact_parser(spec))

    def _resolve_torch(self, key: str, label: str, serial: int) -> Column | None:
        match = _TORCH_CODE.search(key)
        if match is None or match.group(1) not in TORCH_FIELDS:
            return None
        name, unit = TORCH_FIELDS[match.group(1)]
        spec = FACTS_BY_NAME[name]
        rest = key[: match.start()] + key[match.end() :]
        for word in re.findall(r"\(([^()]*)\)", rest):
            if word in _UNIT_WORDS and _unit_key(word) != _unit_key(unit):
                return self._problem(serial, label, _("火炬统计中应为%(unit)s") % {"unit": unit})
        self.specs[spec.name] = spec
        return Column(spec.name, label, parse=_fact_parser(spec, thousands=unit == "千元"))


@dataclass
class _AnnualPlan:
    record: Record
    enterprise: Enterprise
    year: int
    values: dict[str, Decimal]
    new: dict[str, AnnualFact] = field(default_factory=dict)
    changed: dict[str, tuple[AnnualFact, Decimal]] = field(default_factory=dict)


def _fact_name(spec: FactSpec, year: int) -> str:
    return _("%(name)s（%(year)s年）") % {"name": spec.label, "year": year}


def import_annual_facts(
    source: Source,
    *,
    actor: Any = None,
    dry_run: bool = False,
    torch: bool = False,
    filename: str | None = None,
) -> ImportResult:
    """Upsert yearly facts by USCC + 年度 + fact; `torch` reads the 火炬统计 layout (field codes, money in 千元).
    Counts are per row (enterprise and year): new when none of its facts was stored, updated when any changed."""
    require(permissions.can_import(actor, "annual_facts"))
    result = ImportResult(title=_("火炬统计导入") if torch else _("企业年度数据导入"), dry_run=dry_run)
    book = open_workbook(source, filename=filename)
    headers = _FactHeaders(torch)
    dynamic = _dynamic_columns(book, ANNUAL_FIXED_COLUMNS, headers.resolve)
    table = read_table(book, [*ANNUAL_FIXED_COLUMNS, *dynamic], result)
    if table is None:
        result.abort()
        return result
    _header_problems(table, result, headers.problems)
    present = [headers.specs[column.key] for column in table.columns if column.key in headers.specs]
    if not present and not any(column.key in headers.problems for column in table.columns):
        example = "qc05_0" if torch else "营业收入(万元)"
        result.error(
            table.sheet,
            table.header_row,
            "",
            _("表头中没有可导入的数据列（如 %(example)s）") % {"example": example},
        )
    enterprises = _Enterprises.load((r.get("uscc") for r in table.records), org_codes=True)
    mark_duplicates(
        table,
        result,
        (((r.get("uscc"), r.get("year")), r) for r in table.records if r.get("uscc") and r.get("year")),
        USCC_LABEL,
    )
    plans: list[_AnnualPlan] = []
    for record in table.records:
        enterprise = enterprises.find(table, result, record, org_codes=True)
        values = {spec.name: record.get(spec.name) for spec in present if record.get(spec.name) is not None}
        if not record.failed and present and not values:
            result.warn(table.sheet, record.row, "", _("该行没有填写任何数据，已跳过"))
        if enterprise is not None and not record.failed and values:
            plans.append(_AnnualPlan(record, enterprise, record.get("year"), values))
    # Rows with the same enterprise under two spellings (USCC and organisation code) are duplicates too.
    mark_duplicates(table, result, (((p.enterprise.pk, p.year), p.record) for p in plans), USCC_LABEL)
    plans = [plan for plan in plans if not plan.record.failed]

    stored = _annual_rows(plans)
    for plan in plans:
        label = f"{plan.enterprise.name}（{plan.year}年）"
        changes: dict[str, list[Any]] = {}
        for name, value in plan.values.items():
            row = stored.get((plan.enterprise.pk, plan.year, name))
            if row is None:
                plan.new[name] = AnnualFact(enterprise=plan.enterprise, year=plan.year, name=name, value=value)
                changes[_fact_name(FACTS_BY_NAME[name], plan.year)] = [None, _show(value)]
            elif row.value != value:
                plan.changed[name] = (row, value)
                changes[_fact_name(FACTS_BY_NAME[name], plan.year)] = [_show(row.value), _show(value)]
        existed = any((plan.enterprise.pk, plan.year, name) in stored for name in plan.values)
        action = UPDATED if existed else CREATED
        if not changes:
            result.count(UNCHANGED)
        else:
            result.count(action, sheet=table.sheet, row=plan.record.row, label=label, changes=changes)
    if result.errors:
        result.abort()
        return result
    if not dry_run:
        _write_annual(
            plans, actor=actor, source="torch" if torch else "import", reason=_reason(filename or str(source))
        )
    return result.finish()


def _annual_rows(plans: Sequence[_AnnualPlan]) -> dict[tuple[int, int, str], AnnualFact]:
    years = sorted({plan.year for plan in plans})
    rows: dict[tuple[int, int, str], AnnualFact] = {}
    for chunk in chunked(sorted({plan.enterprise.pk for plan in plans})):
        for row in AnnualFact.objects.filter(enterprise_id__in=chunk, year__in=years):
            rows[(row.enterprise_id, row.year, row.name)] = row
    return rows


@transaction.atomic
def _write_annual(plans: Sequence[_AnnualPlan], *, actor: Any, source: str, reason: str) -> None:
    now = timezone.now()
    created: list[AnnualFact] = []
    for plan in plans:
        for fact in plan.new.values():
            fact.source = source
            created.append(fact)
    AnnualFact.objects.bulk_create(created, batch_size=BATCH_SIZE)
    entries = [
        audit.build(
            actor=actor,
            action=AuditAction.IMPORT_CREATE,
            target=fact,
            changes={_fact_name(FACTS_BY_NAME[fact.name], fact.year): [None, _show(fact.value)]},
            reason=reason,
            enterprise_id=fact.enterprise_id,
        )
        for fact in created
    ]
    updated: list[AnnualFact] = []
    for plan in plans:
        for row, value in plan.changed.values():
            entries.append(
                audit.build(
                    actor=actor,
                    action=AuditAction.IMPORT_UPDATE,
                    target=row,
                    changes={_fact_name(FACTS_BY_NAME[row.name], row.year): [_show(row.value), _show(value)]},
                    reason=reason,
                    enterprise_id=row.enterprise_id,
                )
            )
            row.value, row.source, row.updated_at = value, source, now
            updated.append(row)
    if updated:
        update_rows(AnnualFact, updated, ["value", "source", "updated_at"])
    insert_rows(AuditEntry, entries)
    signals.facts_changed.send(
        sender=AnnualFact, enterprise_ids=sorted({plan.enterprise.pk for plan in plans}), reason="导入企业年度数据"
    )


# Annual targets (FORMATS.md 1e) --------------------------------------------------------------------------------

TARGET_KINDS = {
    "总量": TargetKind.TOTAL,
    "总量目标": TargetKind.TOTAL,
    "总额": TargetKind.TOTAL,
    "增速": TargetKind.GROWTH,
    "增速目标": TargetKind.GROWTH,
    "增长率": TargetKind.GROWTH,
    "增幅": TargetKind.GROWTH,
}
ZONE_SCOPE_WORDS = ("全区", "全园区", "高新区", "全高新区")

TARGET_COLUMNS: tuple[Column, ...] = (
    Column("year", "年度", required=True, aliases=("年份", "目标年度"), parse=cell_year, help="如 2021。"),
    Column(
        "scope",
        "范围",
        required=True,
        aliases=("园区", "目标范围", "下达范围", "责任单位"),
        parse=cell_text(100),
        help="全区，或园区的名称、简称或编码。",
    ),
    Column(
        "indicator",
        "指标",
        required=True,
        aliases=("指标名称", "目标指标"),
        parse=cell_text(60),
        help="指标目录中的名称或别名，如 工业投资、工业增加值。",
    ),
    Column(
        "kind",
        "目标类型",
        required=True,
        aliases=("类型", "目标类别"),
        parse=cell_choice(TARGET_KINDS, gettext_lazy("应为总量或增速")),
        help="总量（以指标的单位计）或增速（%）。",
    ),
    Column(
        "value",
        "目标值",
        required=True,
        aliases=("目标", "目标数", "目标数值", "任务值"),
        parse=cell_amount,
        help="总量以指标的单位计（如万元），增速以%计，如 2.5。",
    ),
    Column("issuer", "下达单位", aliases=("下达部门", "下达机关"), parse=cell_text(60), help="如 市政府。"),
)


def _park_scope(value: str, parks: Sequence[Park], zone_words: set[str]) -> tuple[Park | None, str]:
    key = lookup_key(value)
    if key in zone_words:
        return None, ""
    for attr in ("code", "name", "short_name"):
        found = {park.pk: park for park in parks if lookup_key(getattr(park, attr)) == key}
        if len(found) == 1:
            return next(iter(found.values())), ""
        if len(found) > 1:
            return None, _("名称“%(value)s”对应多个园区，请改填园区编码") % {"value": value}
    return None, _("没有名称或编码为“%(value)s”的园区；全区目标请填“全区”") % {"value": value}


@dataclass
class _TargetPlan:
    record: Record
    current: Target | None
    target: Target
    changes: dict[str, list[Any]]


def import_targets(
    source: Source,
    *,
    actor: Any = None,
    dry_run: bool = False,
    filename: str | None = None,
) -> ImportResult:
    """Upsert annual targets by 年度 + 范围 + 指标 + 目标类型. An empty 下达单位 keeps the stored one."""
    require(permissions.can_import(actor, "targets"))
    result = ImportResult(title=_("年度目标导入"), dry_run=dry_run)
    table = read_table(open_workbook(source, filename=filename), TARGET_COLUMNS, result)
    if table is None:
        result.abort()
        return result
    parks = list(Park.objects.all())
    zone_words = {lookup_key(word) for word in ZONE_SCOPE_WORDS}
    for zone in Zone.objects.all():
        zone_words |= {lookup_key(zone.name), lookup_key(zone.short_name)} - {""}
    indicators = list(Indicator.objects.all())
    names = _indicator_names(indicators)
    for item in indicators:
        names.setdefault(lookup_key(item.code), item)
    value_label = str(Target._meta.get_field("value").verbose_name)
    issuer_label = str(Target._meta.get_field("issuer").verbose_name)

    keyed: list[tuple[Any, Record, Park | None, Indicator]] = []
    for record in table.records:
        park: Park | None = None
        if record.get("scope"):
            park, problem = _park_scope(record.get("scope"), parks, zone_words)
            if problem:
                table.fail(result, record, table.label("scope"), problem)
        indicator = names.get(lookup_key(record.get("indicator") or ""))
        if record.get("indicator") and indicator is None:
            table.fail(
                result,
                record,
                table.label("indicator"),
                _("指标目录中没有“%(name)s”") % {"name": record.get("indicator")},
            )
        elif indicator is not None and not indicator.is_active:
            table.fail(result, record, table.label("indicator"), _("指标“%(name)s”已停用") % {"name": indicator.name})
        value, kind = record.get("value"), record.get("kind")
        if (
            indicator is not None
            and kind == TargetKind.TOTAL
            and value is not None
            and value < 0
            and indicator.non_negative
        ):
            table.fail(result, record, table.label("value"), _("总量目标不能为负数"))
        if not record.failed and indicator is not None:
            keyed.append(((record.get("year"), park.pk if park else None, indicator.pk, kind), record, park, indicator))
    mark_duplicates(
        table, result, ((key, record) for key, record, _park, _indicator in keyed), table.label("indicator")
    )

    years = sorted({key[0] for key, *_rest in keyed})
    existing = {
        (t.year, t.park_id, t.indicator_id, t.kind): t
        for t in Target.objects.filter(year__in=years).select_related("park")
    }
    plans: list[_TargetPlan] = []
    for key, record, park, indicator in keyed:
        if record.failed:
            continue
        current = existing.get(key)
        value, issuer = record.get("value"), record.get("issuer")
        scope = park.name if park else _("全区")
        label = f"{key[0]}年 {scope} {indicator.name} {TargetKind(key[3]).label}"
        if current is None:
            target = Target(year=key[0], park=park, indicator=indicator, kind=key[3], value=value, issuer=issuer or "")
            changes = {value_label: [None, _show(value)]}
            if issuer:
                changes[issuer_label] = [None, issuer]
            result.count(CREATED, sheet=table.sheet, row=record.row, label=label, changes=changes)
            plans.append(_TargetPlan(record, None, target, changes))
            continue
        changes = {}
        if current.value != value:
            changes[value_label] = [_show(current.value), _show(value)]
        if issuer and issuer != current.issuer:
            changes[issuer_label] = [current.issuer or None, issuer]
        if not changes:
            result.count(UNCHANGED)
            continue
        current.value = value
        current.issuer = issuer or current.issuer
        result.count(UPDATED, sheet=table.sheet, row=record.row, label=label, changes=changes)
        plans.append(_TargetPlan(record, current, current, changes))
    if result.errors:
        result.abort()
        return result
    if not dry_run:
        _write_targets(plans, actor=actor, reason=_reason(filename or str(source)))
    return result.finish()


@transaction.atomic
def _write_targets(plans: Sequence[_TargetPlan], *, actor: Any, reason: str) -> None:
    now = timezone.now()
    new = [plan for plan in plans if plan.current is None]
    Target.objects.bulk_create([plan.target for plan in new], batch_size=BATCH_SIZE)
    changed = [plan.target for plan in plans if plan.current is not None]
    for target in changed:
        target.updated_at = now
    if changed:
        update_rows(Target, changed, ["value", "issuer", "updated_at"])
    entries = [
        audit.build(
            actor=actor,
            action=AuditAction.IMPORT_CREATE if plan.current is None else AuditAction.IMPORT_UPDATE,
            target=plan.target,
            changes=plan.changes,
            reason=reason,
        )
        for plan in plans
    ]
    insert_rows(AuditEntry, entries)
