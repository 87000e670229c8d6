"""Spreadsheet imports (FORMATS.md section 1): opening a workbook or CSV, finding the header row, normalising
cells, the result every import returns, the downloadable templates and the base of the import commands.

Invariants:
- every problem is an `Issue` naming the sheet, the row number as Excel shows it (1-based, counting the title
  and empty rows above the header), the column's canonical Chinese name and a Chinese message;
- an import with errors writes nothing unless the caller asked for a partial import: the importers call
  `ImportResult.abort()` before writing, which keeps what the valid rows would have done in `planned`;
- a file that cannot be opened or decoded raises `UnreadableFile` (exit code 2), never a half-read table;
- `ImportResult.to_json()` has exactly the keys of FORMATS.md: created, updated, unchanged, errors, warnings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import python_calamine
import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.core.validators import validate_email
from django.db import connection, models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.core import normalize
from gaoxin.core.errors import DomainError
from gaoxin.core.normalize import CellError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HEADER_SCAN_ROWS = 10
PREVIEW_CHANGES = 50
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
ACCEPTED_SUFFIXES = (*EXCEL_SUFFIXES, ".csv", ".txt")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableFile(DomainError):
    """The file is not a workbook or CSV the platform can read (a command exits with code 2)."""

    code = "unreadable_file"
    status = 400
    default_message = gettext_lazy("无法读取文件")


# Issues and results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    sheet: str
    row: int | None
    column: str
    message: str

    def line(self, *, with_sheet: bool = False) -> str:
        """`第12行 统一社会信用代码: 校验位错误…`, as FORMATS.md prints a problem."""
        where = _("第%(row)s行") % {"row": self.row} if self.row is not None else ""
        if self.column:
            where = f"{where} {self.column}".strip()
        text = f"{where}: {self.message}" if where else self.message
        return f"[{self.sheet}] {text}" if with_sheet and self.sheet else text

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class RowChange:
    """One row that creates or changes something, for the preview: {verbose name: [before, after]}."""

    sheet: str
    row: int
    action: str
    label: str
    changes: dict[str, list[Any]]


CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
_ACTION_LABELS = {CREATED: gettext_lazy("新增"), UPDATED: gettext_lazy("更新")}


@dataclass
class ImportResult:
    title: str = ""
    dry_run: bool = False
    partial: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    #: True when errors stopped the whole import: nothing was (or, in a dry run, would be) written.
    aborted: bool = False
    #: What the rows without errors hold (created, updated, unchanged), kept when the import is aborted.
    planned: dict[str, int] = field(default_factory=dict)
    multi_sheet: bool = False
    unreadable: bool = False
    #: Importer-specific output that is not part of the JSON contract (e.g. new users' one-time passwords).
    extra: dict[str, Any] = field(default_factory=dict)
    #: (sheet, column label) -> position in the file, so a row's problems are listed left to right.
    column_order: dict[tuple[str, str], int] = field(default_factory=dict)

    def error(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.errors.append(Issue(sheet, row, column, message))

    def warn(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.warnings.append(Issue(sheet, row, column, message))

    def count(self, action: str, *, sheet: str = "", row: int = 0, label: str = "", changes: Any = None) -> None:
        setattr(self, action, getattr(self, action) + 1)
        if action in _ACTION_LABELS and len(self.changes) < PREVIEW_CHANGES:
            self.changes.append(RowChange(sheet, row, str(_ACTION_LABELS[action]), label, dict(changes or {})))

    def finish(self) -> ImportResult:
        """Problems in reading order: by sheet, row (file-level problems first) and column, whatever found them."""
        order = self.column_order
        for issues in (self.errors, self.warnings):
            sheets: dict[str, int] = {}
            for issue in issues:
                sheets.setdefault(issue.sheet, len(sheets))
            issues.sort(
                key=lambda issue: (sheets[issue.sheet], issue.row or 0, order.get((issue.sheet, issue.column), -1))
            )
        return self

    def abort(self) -> None:
        """Errors and no partial import: nothing is written and the counts become zero; what the valid rows
        would have done stays in `planned` and `changes`, for the officer's preview."""
        self.planned = {CREATED: self.created, UPDATED: self.updated, UNCHANGED: self.unchanged}
        self.created = self.updated = self.unchanged = 0
        self.aborted = True
        self.finish()

    @property
    def failed_rows(self) -> int:
        return len({(issue.sheet, issue.row) for issue in self.errors if issue.row is not None})

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return 2
        return 1 if self.errors else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [issue.as_dict() for issue in self.errors],
            "warnings": [issue.as_dict() for issue in self.warnings],
        }

    def summary(self) -> str:
        title = _("%(title)s：") % {"title": self.title} if self.title else ""
        if self.unreadable:
            return _("%(title)s文件无法读取，未导入任何数据。") % {"title": title}
        counts = _("新增%(created)s条，更新%(updated)s条，未变化%(unchanged)s条") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        tail = _("；另有%(n)s条提示") % {"n": len(self.warnings)} if self.warnings else ""
        if self.aborted:
            plan = self.planned
            valid = _("无误的行中可新增%(created)s条，更新%(updated)s条，未变化%(unchanged)s条") % {
                "created": plan.get(CREATED, 0),
                "updated": plan.get(UPDATED, 0),
                "unchanged": plan.get(UNCHANGED, 0),
            }
            values = {
                "title": title,
                "errors": len(self.errors),
                "rows": self.failed_rows,
                "valid": valid,
                "tail": tail,
            }
            if self.dry_run:
                return (
                    _(
                        "%(title)s试导入发现%(errors)s处错误（涉及%(rows)s行），未导入任何数据；"
                        "%(valid)s%(tail)s。请修改后重新导入。"
                    )
                    % values
                )
            return (
                _(
                    "%(title)s导入发现%(errors)s处错误（涉及%(rows)s行），未导入任何数据；"
                    "%(valid)s%(tail)s。请修改后重新导入。"
                )
                % values
            )
        if self.dry_run:
            text = _("%(title)s试导入（未写入）：将%(counts)s") % {"title": title, "counts": counts}
        else:
            text = _("%(title)s导入完成：%(counts)s") % {"title": title, "counts": counts}
        if self.errors:
            text += _("；%(rows)s行有错误，已跳过（共%(errors)s处）") % {
                "rows": self.failed_rows,
                "errors": len(self.errors),
            }
        return text + tail + _("。")

    def lines(self) -> list[str]:
        """The summary, then one line per problem."""
        out = [self.summary()]
        if self.errors:
            out.append(_("错误："))
            out.extend(issue.line(with_sheet=self.multi_sheet) for issue in self.errors)
        if self.warnings:
            out.append(_("提示："))
            out.extend(issue.line(with_sheet=self.multi_sheet) for issue in self.warnings)
        return out

    @classmethod
    def for_unreadable(cls, message: str, *, title: str = "", sheet: str = "") -> ImportResult:
        result = cls(title=title, unreadable=True)
        result.error(sheet, None, "", message)
        return result


# Cell parsers: each takes the raw cell and returns a normalised value (None for an empty cell) or raises
# CellError with the Chinese reason. -------------------------------------------------------------------------

Parser = Callable[[Any], Any]


def cell_text(max_length: int | None = None) -> Parser:
    def parse(value: Any) -> str | None:
        result = normalize.text(value)
        if not result:
            return None
        if max_length is not None and len(result) > max_length:
            raise CellError(_("不能超过%(n)s个字") % {"n": max_length})
        return result

    return parse


def cell_date(value: Any) -> dt.date | None:
    result = normalize.date(value)
    if result is not None and not 1900 <= result.year <= 2100:
        raise CellError(_("不是有效的日期"))
    return result


def cell_decimal(value: Any) -> Decimal | None:
    return normalize.decimal(value)


def cell_phone(value: Any) -> str | None:
    return normalize.phone(value) or None


def cell_yes_no(value: Any) -> bool | None:
    return normalize.yes_no(value)


def cell_email(value: Any) -> str | None:
    result = normalize.text(value).replace(" ", "")
    if not result:
        return None
    try:
        validate_email(result)
    except ValidationError as exc:
        raise CellError(_("不是有效的电子邮箱")) from exc
    if len(result) > 254:
        raise CellError(_("不能超过%(n)s个字") % {"n": 254})
    return result


def cell_uscc(value: Any) -> str | None:
    """The code as typed (half-width, upper-case); checking it is the importer's business."""
    if isinstance(value, float) and abs(value) >= 1e15:
        raise CellError(_("被Excel存成了数字，末几位已丢失；请把该列设为文本格式后重新填写"))
    return normalize.uscc(value) or None


def cell_choice(options: Mapping[str, Any], message: StrOrPromise) -> Parser:
    """A value from a closed list of Chinese labels (e.g. 上游/中游/下游); other spellings are refused."""
    table = {lookup_key(label): value for label, value in options.items()}

    def parse(value: Any) -> Any:
        raw = normalize.text(value)
        if not raw:
            return None
        key = lookup_key(raw)
        if key not in table:
            raise CellError(str(message))
        return table[key]

    return parse


_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})


def lookup_key(value: Any) -> str:
    """How names are compared when an import resolves them: half-width, no spaces, straight quotes, case-folded."""
    return re.sub(r"\s+", "", normalize.text(value)).translate(_QUOTES).casefold()


def split_list(value: Any) -> list[str]:
    """'一园、二园,三园' -> ['一园', '二园', '三园'] (、 , ， ; and line breaks separate)."""
    raw = str(value) if value is not None else ""
    return [part for part in (normalize.text(p) for p in re.split(r"[、,，;；\n]+", raw)) if part]


# Columns and tables -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    parse: Parser = field(default=cell_text())
    help: str = ""
    #: False for columns accepted on import but left out of the template (extensions of FORMATS.md).
    in_template: bool = True
    #: A text column in the template: Excel must not turn codes and phone numbers into numbers.
    text_format: bool = False


def header_key(value: Any) -> str:
    """A header cell as compared with column names: no spaces, no required-markers (*, （必填）), case-folded."""
    key = lookup_key(value)
    key = re.sub(r"\((必填|选填|可选)\)$", "", key)
    return key.strip("*")


@dataclass
class Record:
    """One data row: its values by column key (None when empty), and whether a problem was found in it."""

    sheet: str
    row: int
    values: dict[str, Any]
    failed: bool = False

    def get(self, key: str) -> Any:
        return self.values.get(key)


@dataclass
class Table:
    sheet: str
    header_row: int
    columns: list[Column]
    records: list[Record]

    def has(self, key: str) -> bool:
        return any(column.key == key for column in self.columns)

    def fail(self, result: ImportResult, record: Record, column: str, message: str) -> None:
        record.failed = True
        result.error(self.sheet, record.row, column, message)

    def label(self, key: str) -> str:
        return next((column.label for column in self.columns if column.key == key), key)


class Workbook:
    """The sheets of an Excel workbook or of a CSV file (one sheet, named after the file as Excel names it)."""

    def __init__(self, sheets: dict[str, Callable[[], list[list[Any]]]]) -> None:
        self._loaders = sheets
        self._cache: dict[str, list[list[Any]]] = {}

    @property
    def sheet_names(self) -> list[str]:
        return list(self._loaders)

    def rows(self, sheet: str) -> list[list[Any]]:
        """All rows from row 1 (index 0 is Excel's row 1, however many rows above the data are empty)."""
        if sheet not in self._cache:
            self._cache[sheet] = self._loaders[sheet]()
        return self._cache[sheet]

    def find_sheet(self, name: str) -> str | None:
        wanted = lookup_key(name)
        return next((sheet for sheet in self._loaders if lookup_key(sheet) == wanted), None)


def open_workbook(source: str | Path | IO[bytes], *, filename: str | None = None) -> Workbook:
    """Open .xlsx/.xls (python-calamine) or CSV (UTF-8, UTF-8 with BOM or GB18030). Raises UnreadableFile."""
    name = filename or (str(source) if isinstance(source, str | Path) else getattr(source, "name", "") or _("导入文件"))
    try:
        data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
    except FileNotFoundError as exc:
        raise UnreadableFile(_("找不到文件：%(name)s") % {"name": name}) from exc
    except OSError as exc:
        raise UnreadableFile(
            _("无法读取文件：%(name)s（%(reason)s）") % {"name": name, "reason": exc.strerror or exc}
        ) from exc
    if not data:
        raise UnreadableFile(_("文件是空的"))
    suffix = Path(name).suffix.lower()
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)) or suffix in EXCEL_SUFFIXES:
        return _open_excel(data)
    return _open_csv(data, Path(name).stem or "CSV")


def _open_excel(data: bytes) -> Workbook:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [
            meta.name for meta in book.sheets_metadata if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ] or list(book.sheet_names)
    except Exception as exc:
        raise UnreadableFile(_("无法读取文件：不是有效的Excel文件（.xlsx/.xls），或文件已损坏、加了密码")) from exc

    def loader(sheet: str) -> Callable[[], list[list[Any]]]:
        def load() -> list[list[Any]]:
            try:
                return list(book.get_sheet_by_name(sheet).to_python(skip_empty_area=False))
            except Exception as exc:
                raise UnreadableFile(_("无法读取工作表“%(sheet)s”") % {"sheet": sheet}) from exc

        return load

    return Workbook({name: loader(name) for name in names})


def _decode(data: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("无法读取文件：CSV文件的编码不是UTF-8或GB18030（GBK），请在Excel中另存为“CSV UTF-8”"))


def _open_csv(data: bytes, sheet: str) -> Workbook:
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_("无法读取文件：不是Excel文件，也不是文本格式的CSV文件"))
    text = _decode(data)
    delimiter = _delimiter(text)
    try:
        rows: list[list[Any]] = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFile(_("无法读取CSV文件：%(error)s") % {"error": exc}) from exc
    return Workbook({sheet: lambda: rows})


def _delimiter(text: str) -> str:
    """Comma, unless the first lines use tabs or semicolons instead (exports of other systems do)."""
    head = "\n".join(text.splitlines()[:HEADER_SCAN_ROWS])
    counts = {mark: head.count(mark) for mark in (",", "\t", ";")}
    best = max(counts, key=lambda mark: counts[mark])
    return best if counts[best] else ","


def _match_header(cells: Sequence[Any], lookup: Mapping[str, Column]) -> dict[int, Column]:
    found: dict[int, Column] = {}
    for index, cell in enumerate(cells):
        column = lookup.get(header_key(cell))
        if column is not None:
            found[index] = column
    return found


def column_lookup(columns: Sequence[Column]) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in columns:
        for name in (*column.aliases, column.label):
            lookup[header_key(name)] = column
    return lookup


def read_table(
    book: Workbook,
    columns: Sequence[Column],
    result: ImportResult,
    *,
    sheet: str | None = None,
) -> Table | None:
    """Find the header (within the first rows; the row matching most known columns and holding the required
    ones), then parse every non-empty row. Cell problems go to `result`; None when the table cannot be read.

    Without `sheet`, the first sheet whose header holds the required columns is read (a template's
    填写说明 sheet is passed over)."""
    lookup = column_lookup(columns)
    required = [column for column in columns if column.required]
    candidates = [sheet] if sheet is not None else book.sheet_names
    best: tuple[str, int, dict[int, Column]] | None = None
    for name in candidates:
        found = _find_header(book.rows(name), lookup, required)
        if found is None:
            continue
        index, mapping = found
        if all(column in mapping.values() for column in required):
            best = (name, index, mapping)
            break
        if best is None or len(set(mapping.values())) > len(set(best[2].values())):
            best = (name, index, mapping)
    if best is None:
        where = candidates[0] if candidates else ""
        names = "、".join(f"“{column.label}”" for column in (required or columns[:3]))
        result.error(
            where, None, "", _("前%(n)s行中找不到表头（应含%(names)s等列名）") % {"n": HEADER_SCAN_ROWS, "names": names}
        )
        return None
    name, index, mapping = best
    header_row = index + 1
    missing = [column for column in required if column not in mapping.values()]
    for column in missing:
        result.error(name, header_row, column.label, _("缺少必填列"))
    header_cells = book.rows(name)[index]
    header_failed = bool(missing)
    seen: dict[str, int] = {}
    for position, cell in enumerate(header_cells):
        label = normalize.text(cell)
        if not label:
            continue
        matched = mapping.get(position)
        if matched is None:
            result.warn(name, header_row, label, _("未识别的列，已忽略"))
        elif matched.key in seen:
            first = normalize.text(header_cells[seen[matched.key]])
            result.error(name, header_row, label, _("与“%(first)s”是同一列，请只保留一列") % {"first": first})
            header_failed = True
        else:
            seen[matched.key] = position
    if header_failed:
        return None
    positions = sorted(mapping.items())
    for position, column in positions:
        result.column_order[(name, column.label)] = position
    records = _records(name, book.rows(name), index, positions, result)
    return Table(name, header_row, [column for _position, column in positions], records)


def _find_header(
    rows: list[list[Any]], lookup: Mapping[str, Column], required: Sequence[Column]
) -> tuple[int, dict[int, Column]] | None:
    best: tuple[int, int, int, dict[int, Column]] | None = None
    for index, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = _match_header(cells, lookup)
        if not mapping:
            continue
        matched = set(mapping.values())
        score = (sum(column in matched for column in required), len(matched))
        if best is None or score > best[:2]:
            best = (*score, index, mapping)
    return None if best is None else (best[2], best[3])


def _records(
    sheet: str,
    rows: list[list[Any]],
    header_index: int,
    positions: list[tuple[int, Column]],
    result: ImportResult,
) -> list[Record]:
    records: list[Record] = []
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        raw = {column.key: (cells[pos] if pos < len(cells) else None) for pos, column in positions}
        if all(_blank(value) for value in raw.values()):
            continue
        record = Record(sheet, index + 1, {})
        for _position, column in positions:
            value = raw[column.key]
            try:
                parsed = None if _blank(value) else column.parse(value)
            except CellError as exc:
                record.failed = True
                result.error(sheet, record.row, column.label, str(exc))
                parsed = None
            else:
                if parsed is None and column.required:
                    record.failed = True
                    result.error(sheet, record.row, column.label, _("不能为空"))
            record.values[column.key] = parsed
        records.append(record)
    return records


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not normalize.text(value))


def mark_duplicates(table: Table, result: ImportResult, keyed: Iterable[tuple[Any, Record]], column: str) -> None:
    """Rows sharing a natural key are all errors: which one the officer meant is not ours to guess."""
    groups: dict[Any, list[Record]] = {}
    for key, record in keyed:
        groups.setdefault(key, []).append(record)
    for records in groups.values():
        if len(records) > 1:
            rows = "、".join(str(record.row) for record in records)
            for record in records:
                table.fail(result, record, column, _("文件中重复出现（第%(rows)s行）") % {"rows": rows})


def chunked(items: Sequence[Any], size: int = 2000) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_rows(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """INSERT many new rows with executemany. No primary keys come back: a caller that needs them looks the rows
    up by their natural key.

    Every value goes through the field's pre_save and get_db_prep_save, as in save(); bulk_create spends most of
    its time compiling one placeholder per value, which for 20,000 enterprises and their audit rows took 4 s."""
    meta = model._meta
    concrete: list[Any] = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in concrete)
    placeholders = ", ".join(["%s"] * len(concrete))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    params = [[field.get_db_prep_save(field.pre_save(obj, True), connection) for field in concrete] for obj in objects]
    with connection.cursor() as cursor:
        for chunk in chunked(params, 1000):
            cursor.executemany(sql, chunk)


def update_rows(model: type[models.Model], objects: Sequence[models.Model], fields: Iterable[str]) -> None:
    """Save `fields` of many rows: one parameterised UPDATE per row, sent with executemany.

    Django's bulk_update builds a CASE WHEN per field and row, which SQLite evaluates in time quadratic in the
    batch (renaming 20,000 enterprises took 9 s that way); values still go through each field's
    get_db_prep_save, so types convert exactly as in save()."""
    meta = model._meta
    pk: Any = meta.pk
    concrete: list[Any] = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in concrete)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"  # noqa: S608
    params = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in concrete] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        for chunk in chunked(params, 1000):
            cursor.executemany(sql, chunk)


# Templates ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateSheet:
    name: str
    columns: Sequence[Column]
    examples: Sequence[Mapping[str, Any]] = ()


def template_xlsx(sheets: Sequence[TemplateSheet], *, notes: Sequence[str] = ()) -> bytes:
    """A template workbook: per sheet a header row with exactly the column names and example rows, then a
    填写说明 sheet explaining each column (required or not, what it accepts, the other names it is known by)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    required_header = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    text = book.add_format({"num_format": "@"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True})
    for spec in sheets:
        sheet = book.add_worksheet(spec.name)
        columns = [column for column in spec.columns if column.in_template]
        for col, column in enumerate(columns):
            width = max(12, min(40, len(column.label) * 2 + 4))
            sheet.set_column(col, col, width, text if column.text_format else None)
            sheet.write_string(0, col, column.label, required_header if column.required else header)
        sheet.freeze_panes(1, 0)
        for row, example in enumerate(spec.examples, start=1):
            for col, column in enumerate(columns):
                value = example.get(column.key)
                if value not in (None, ""):
                    sheet.write_string(row, col, str(value), text if column.text_format else None)
    guide = book.add_worksheet("填写说明")
    guide.set_column(0, 0, 14)
    guide.set_column(1, 1, 22)
    guide.set_column(2, 2, 10)
    guide.set_column(3, 3, 70)
    guide.set_column(4, 4, 36)
    row = 0
    for note in notes:
        guide.write_string(row, 0, note)
        row += 1
    if notes:
        row += 1
    for title, column_index in (("工作表", 0), ("列名", 1), ("是否必填", 2), ("说明", 3), ("也可写作", 4)):
        guide.write_string(row, column_index, title, bold)
    row += 1
    for spec in sheets:
        for column in spec.columns:
            if not column.in_template:
                continue
            guide.write_string(row, 0, spec.name)
            guide.write_string(row, 1, column.label)
            guide.write_string(row, 2, "必填" if column.required else "选填")
            guide.write_string(row, 3, column.help, wrap)
            guide.write_string(row, 4, "、".join(column.aliases), wrap)
            row += 1
    book.close()
    return buffer.getvalue()


# The management commands' common part ---------------------------------------------------------------------


class ImportCommand(BaseCommand):
    """`manage.py import_x FILE [--dry-run] [--partial] [--json]` (FORMATS.md section 3).

    Exit codes: 0 when nothing was wrong, 1 when any row failed, 2 when the file could not be read.
    Without --json: the Chinese summary and one line per problem; with --json: exactly one JSON object."""

    title = ""
    supports_partial = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="Excel（.xlsx/.xls）或CSV文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告将发生的变化，不写入")
        if self.supports_partial:
            parser.add_argument("--partial", action="store_true", help="有错误时仍导入无误的行（默认全部不导入）")
        parser.add_argument("--json", action="store_true", help="以JSON输出结果")

    def run_import(self, path: Path, *, dry_run: bool, partial: bool, options: dict[str, Any]) -> ImportResult:
        raise NotImplementedError

    def report_extra(self, result: ImportResult, options: dict[str, Any]) -> None:
        """Hook for output beyond the contract's (e.g. one-time passwords)."""

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            result = self.run_import(
                path,
                dry_run=bool(options.get("dry_run")),
                partial=bool(options.get("partial")),
                options=options,
            )
        except UnreadableFile as exc:
            result = ImportResult.for_unreadable(exc.message, title=self.title, sheet=path.stem)
        if options.get("json"):
            self.stdout.write(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            for line in result.lines():
                self.stdout.write(line)
        self.report_extra(result, options)
        self.stdout.flush()
        if result.exit_code:
            sys.exit(result.exit_code)
