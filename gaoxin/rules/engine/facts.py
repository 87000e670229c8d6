"""One enterprise's facts, as the engine reads them (FORMATS.md 2a), parsed once into typed values.

Invariants:
- Every number is a `Decimal`; JSON floats are read through their text, so 3200.1 stays 3200.1.
- A fact that is absent (or null) is unknown, never zero. `qualifications` absent means "not known"; an empty list
  means "holds none".
- Declared inputs of a rule set (expert scores, declared counts, extra yes/no answers) come under `inputs`; an input
  of yes/no type is also looked up under `flags`, so a province's extra flags work either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .vocabulary import FLAGS, STATIC_TEXT_FACTS


class FactsError(ValueError):
    """Facts that cannot be read; the message names the path and the reason in Chinese."""


@dataclass(frozen=True, slots=True)
class HeldQualification:
    type: str
    level: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        if self.valid_from is not None and self.valid_from > day:
            return False
        return self.valid_to is None or self.valid_to >= day


@dataclass(slots=True)
class Facts:
    uscc: str | None = None
    name: str | None = None
    years: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)
    inputs: dict[str, Decimal | bool | str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    registered_on: dt.date | None = None
    qualifications: tuple[HeldQualification, ...] | None = None

    def yearly(self, year: int, name: str) -> Decimal | None:
        values = self.years.get(year)
        return None if values is None else values.get(name)

    def flag(self, name: str) -> bool | None:
        return self.flags.get(name)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Facts:
        if not isinstance(data, Mapping):
            raise FactsError("企业数据：必须是一个对象（JSON object）")
        facts = cls(
            uscc=_text(data.get("uscc"), "uscc"),
            name=_text(data.get("name"), "name"),
            registered_on=_date(data.get("registered_on"), "registered_on"),
        )
        for key in STATIC_TEXT_FACTS:
            text = _text(data.get(key), key)
            if text is not None:
                facts.texts[key] = text
        flags = data.get("flags") or {}
        if not isinstance(flags, Mapping):
            raise FactsError("flags：必须是对象")
        for key, value in flags.items():
            if value is None:
                continue
            if not isinstance(value, bool):
                raise FactsError(f"flags.{key}：必须是 true 或 false")
            facts.flags[str(key)] = value
        # `is_above_scale` is a static fact at the top level; read it as a flag.
        above = data.get("is_above_scale")
        if above is not None:
            if not isinstance(above, bool):
                raise FactsError("is_above_scale：必须是 true 或 false")
            facts.flags["is_above_scale"] = above
        for key in FLAGS:
            if key in data and key not in facts.flags and isinstance(data[key], bool):
                facts.flags[key] = data[key]
        inputs = data.get("inputs") or {}
        if not isinstance(inputs, Mapping):
            raise FactsError("inputs：必须是对象")
        for key, value in inputs.items():
            if value is None:
                continue
            if isinstance(value, bool | str):
                facts.inputs[str(key)] = value
            else:
                facts.inputs[str(key)] = _number(value, f"inputs.{key}")
        years = data.get("years") or {}
        if not isinstance(years, Mapping):
            raise FactsError("years：必须是以年度为键的对象")
        for year_key, values in years.items():
            try:
                year = int(str(year_key))
            except ValueError:
                raise FactsError(f"years.{year_key}：年度必须是四位数字") from None
            if not isinstance(values, Mapping):
                raise FactsError(f"years.{year_key}：必须是对象")
            row = {
                str(name): _number(value, f"years.{year_key}.{name}")
                for name, value in values.items()
                if value is not None
            }
            facts.years[year] = row
        if "qualifications" in data and data["qualifications"] is not None:
            raw = data["qualifications"]
            if not isinstance(raw, list):
                raise FactsError("qualifications：必须是列表")
            held = []
            for i, item in enumerate(raw):
                path = f"qualifications[{i}]"
                if not isinstance(item, Mapping) or not item.get("type"):
                    raise FactsError(f"{path}.type：必须填写资质类型")
                held.append(
                    HeldQualification(
                        type=str(item["type"]).strip(),
                        level=_text(item.get("level"), f"{path}.level"),
                        valid_from=_date(item.get("valid_from"), f"{path}.valid_from"),
                        valid_to=_date(item.get("valid_to"), f"{path}.valid_to"),
                    )
                )
            facts.qualifications = tuple(held)
        return facts


def as_facts(data: Facts | Mapping[str, Any]) -> Facts:
    return data if isinstance(data, Facts) else Facts.from_json(data)


def to_decimal(value: Any) -> Decimal | None:
    """A number from JSON or YAML as a Decimal (floats through their text); None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _number(value: Any, path: str) -> Decimal:
    number = to_decimal(value)
    if number is None or not number.is_finite():
        raise FactsError(f"{path}：必须是数字")
    return number


def _text(value: Any, path: str) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: Any, path: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise FactsError(f"{path}：日期格式应为 YYYY-MM-DD") from None
