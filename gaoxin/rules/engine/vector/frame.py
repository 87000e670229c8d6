"""The enterprise frame: many enterprises' facts (FORMATS.md 2a) as one wide Polars frame, one row per enterprise.

Columns (all optional but `uscc`; a column nobody has is simply absent and reads as unknown):

| column                         | dtype    | from                                                              |
|--------------------------------|----------|-------------------------------------------------------------------|
| `uscc`, `name`                 | String   | the facts' identity                                               |
| `registered_on`                | Date     | static date fact                                                  |
| `park`, `industry`, `chain_link` | String | static text facts                                                 |
| `flag:<name>`                  | Boolean  | yes/no flags (and `is_above_scale`)                               |
| `<fact>@<year>`                | Float64  | yearly facts, e.g. `revenue@2024` (万元, 人, 件 … as the vocabulary) |
| `in:<code>`                    | Float64  | declared or expert inputs that are numbers                        |
| `in_text:<code>`, `in_flag:<code>` | String, Boolean | inputs that are text or yes/no answers                   |
| `quals_known`                  | Boolean  | False when the facts did not say which qualifications are held    |

Qualifications are kept beside the wide frame as a long frame (`row`, `pos`, `type`, `level`, `valid_from`,
`valid_to`), one row per held qualification in the order the facts list them, so validity on any as-of date is
a filter and a group-by.

Invariants:
- A fact that is absent is null, never zero (FORMATS.md 2a): null means unknown to the vectorised engine exactly as
  a missing key does to the per-enterprise one.
- Numbers are floats here; the vectorised engine carries an error bound beside every computed value and hands any
  row that lies within that bound of a decision edge (or of a rounding edge of the displayed figure) to the exact
  `Decimal` path, so floats never decide a tie. `facts_at(i)` gives that path the row's exact `Facts` (the parsed
  originals when the frame was built from them, otherwise rebuilt from the row through the floats' shortest text,
  which is exact for figures of up to 15 significant digits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from ..facts import Facts, HeldQualification, as_facts
from ..vocabulary import STATIC_TEXT_FACTS

STATIC_TEXT = tuple(STATIC_TEXT_FACTS)
QUALIFICATION_SCHEMA = {
    "row": pl.UInt32,
    "pos": pl.UInt32,
    "type": pl.String,
    "level": pl.String,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
}


def fact_column(name: str, year: int) -> str:
    return f"{name}@{year}"


def flag_column(name: str) -> str:
    return f"flag:{name}"


def input_column(code: str, kind: str = "number") -> str:
    return {"number": f"in:{code}", "text": f"in_text:{code}", "flag": f"in_flag:{code}"}[kind]


@dataclass(slots=True)
class EnterpriseFrame:
    """Many enterprises' facts for the vectorised engine: `data` (wide, one row per enterprise), `qualifications`
    (long) and, when built from parsed facts, those `Facts` (the exact originals, for the per-row fallback)."""

    data: pl.DataFrame
    qualifications: pl.DataFrame
    facts: Sequence[Facts] | None = None

    def __len__(self) -> int:
        return self.data.height

    @property
    def columns(self) -> set[str]:
        return set(self.data.columns)

    def facts_at(self, row: int) -> Facts:
        """The exact facts of one row (the originals if kept, else rebuilt from the frame)."""
        if self.facts is not None:
            return self.facts[row]
        return facts_from_row(self, row)

    def slice(self, rows: Sequence[int]) -> EnterpriseFrame:
        """The frame restricted to some rows (in that order), e.g. for a dry run over a selection."""
        index = pl.Series("row", list(rows), dtype=pl.UInt32)
        data = self.data[index]
        remap = pl.DataFrame({"row": index, "new": pl.int_range(len(rows), dtype=pl.UInt32, eager=True)})
        quals = (
            self.qualifications.join(remap, on="row", how="inner")
            .drop("row")
            .rename({"new": "row"})
            .select(list(QUALIFICATION_SCHEMA))
        )
        facts = [self.facts[i] for i in rows] if self.facts is not None else None
        return EnterpriseFrame(data, quals, facts)


def build_frame(many: Iterable[Facts | Mapping[str, Any]], *, keep_facts: bool = True) -> EnterpriseFrame:
    """The wide frame of many enterprises' facts (`Facts` objects or FORMATS.md 2a mappings).

    One pass over the facts fills one Python list per column; Polars then builds the typed columns. Keep the parsed
    facts (`keep_facts`, the default) so rows that need the exact path are evaluated from the originals."""
    facts_list = [as_facts(item) for item in many]
    n = len(facts_list)
    numbers: dict[str, list[float | None]] = {}
    flags: dict[str, list[bool | None]] = {}
    texts: dict[str, list[str | None]] = {key: [None] * n for key in STATIC_TEXT}
    uscc: list[str | None] = [None] * n
    names: list[str | None] = [None] * n
    registered: list[dt.date | None] = [None] * n
    known: list[bool] = [False] * n
    q_rows: list[int] = []
    q_pos: list[int] = []
    q_type: list[str] = []
    q_level: list[str | None] = []
    q_from: list[dt.date | None] = []
    q_to: list[dt.date | None] = []
    for i, facts in enumerate(facts_list):
        uscc[i] = facts.uscc
        names[i] = facts.name
        registered[i] = facts.registered_on
        for key, text in facts.texts.items():
            if key not in texts:
                texts[key] = [None] * n
            texts[key][i] = text
        for year, row in facts.years.items():
            suffix = f"@{year}"
            for name, value in row.items():
                column = numbers.get(name + suffix)
                if column is None:
                    column = numbers[name + suffix] = [None] * n
                column[i] = float(value)
        for name, flag in facts.flags.items():
            column_f = flags.get(name)
            if column_f is None:
                column_f = flags[name] = [None] * n
            column_f[i] = flag
        for code, given in facts.inputs.items():
            key = "\x00" + code
            if isinstance(given, bool):
                if key not in flags:
                    flags[key] = [None] * n
                flags[key][i] = given
            elif isinstance(given, str):
                if key not in texts:
                    texts[key] = [None] * n
                texts[key][i] = given
            else:
                if key not in numbers:
                    numbers[key] = [None] * n
                numbers[key][i] = float(given)
        if facts.qualifications is not None:
            known[i] = True
            for pos, held in enumerate(facts.qualifications):
                q_rows.append(i)
                q_pos.append(pos)
                q_type.append(held.type)
                q_level.append(held.level)
                q_from.append(held.valid_from)
                q_to.append(held.valid_to)
    series: list[pl.Series] = [
        pl.Series("uscc", uscc, dtype=pl.String),
        pl.Series("name", names, dtype=pl.String),
        pl.Series("registered_on", registered, dtype=pl.Date),
        pl.Series("quals_known", known, dtype=pl.Boolean),
    ]
    for key, values in texts.items():
        name = input_column(key[1:], "text") if key.startswith("\x00") else key
        series.append(pl.Series(name, values, dtype=pl.String))
    for key, flag_values in flags.items():
        name = input_column(key[1:], "flag") if key.startswith("\x00") else flag_column(key)
        series.append(pl.Series(name, flag_values, dtype=pl.Boolean))
    for key in sorted(numbers):
        name = input_column(key[1:]) if key.startswith("\x00") else key
        series.append(pl.Series(name, numbers[key], dtype=pl.Float64))
    quals = pl.DataFrame(
        {"row": q_rows, "pos": q_pos, "type": q_type, "level": q_level, "valid_from": q_from, "valid_to": q_to},
        schema=QUALIFICATION_SCHEMA,
    )
    return EnterpriseFrame(pl.DataFrame(series), quals, facts_list if keep_facts else None)


def _decimal(value: float) -> Decimal:
    # The shortest text that reads back as the same float: exact for figures of up to 15 significant digits.
    return Decimal(repr(value))


def facts_from_row(frame: EnterpriseFrame, row: int) -> Facts:
    """Rebuild one enterprise's `Facts` from the frame (used when the frame was not built from parsed facts)."""
    record = frame.data.row(row, named=True)
    facts = Facts(uscc=record.get("uscc"), name=record.get("name"), registered_on=record.get("registered_on"))
    for column, value in record.items():
        if value is None:
            continue
        if column in STATIC_TEXT:
            facts.texts[column] = value
        elif column.startswith("flag:"):
            facts.flags[column[5:]] = bool(value)
        elif column.startswith("in_flag:"):
            facts.inputs[column[8:]] = bool(value)
        elif column.startswith("in_text:"):
            facts.inputs[column[8:]] = str(value)
        elif column.startswith("in:"):
            facts.inputs[column[3:]] = _decimal(value)
        elif "@" in column:
            name, year = column.split("@", 1)
            facts.years.setdefault(int(year), {})[name] = _decimal(value)
    if record.get("quals_known"):
        held = frame.qualifications.filter(pl.col("row") == row).sort("pos")
        facts.qualifications = tuple(
            HeldQualification(q["type"], q["level"], q["valid_from"], q["valid_to"]) for q in held.iter_rows(named=True)
        )
    return facts
