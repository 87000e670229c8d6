"""Reading rule-set documents: YAML (or JSON) text or files, and the rule sets shipped under `gaoxin/rules/rulesets`.

Numbers with a decimal point are read as `Decimal` straight from the text (never through a float), so a threshold
written 0.1 stays exactly 0.1.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .compiler import Issue, RuleSetError, compile_ruleset, validate_document
from .ruleset import RuleSet

RULESETS_DIR = Path(__file__).resolve().parent.parent / "rulesets"


class _DecimalLoader(yaml.SafeLoader):
    """Safe YAML with floats as Decimal."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.nodes.ScalarNode) -> Any:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return loader.construct_yaml_float(node)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def parse_document(text: str) -> Any:
    """YAML or JSON text → Python data; a syntax error becomes a `RuleSetError` naming the line."""
    try:
        return yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 — a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleSetError([Issue("", f"YAML 格式错误{where}：{problem}")]) from None


class _DecimalDumper(yaml.SafeDumper):
    """Safe YAML that writes Decimals as plain numbers (so a dumped document loads back to the same Decimals)."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.nodes.ScalarNode:
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value.normalize(), "f"))


_DecimalDumper.add_representer(Decimal, _represent_decimal)


def dump_document(document: Mapping[str, Any]) -> str:
    """A rule-set document as YAML text (Chinese kept readable), e.g. for the editor to store or show."""
    return yaml.dump(dict(document), Dumper=_DecimalDumper, allow_unicode=True, sort_keys=False, width=120)


def document_to_json(document: Any) -> Any:
    """A rule-set document with only JSON types (dates as ISO text; Decimals as JSON numbers, which read back
    exactly through their shortest text), e.g. for a JSON column."""
    if isinstance(document, Mapping):
        return {str(k): document_to_json(v) for k, v in document.items()}
    if isinstance(document, list | tuple):
        return [document_to_json(v) for v in document]
    if isinstance(document, Decimal):
        return int(document) if document == document.to_integral_value() else float(document)
    if isinstance(document, dt.date):
        return document.isoformat()
    return document


def _document(source: str | Path | Mapping[str, Any]) -> Any:
    if isinstance(source, Path):
        return parse_document(source.read_text(encoding="utf-8"))
    if isinstance(source, str):
        return parse_document(source)
    return source


def load_ruleset(source: str | Path | Mapping[str, Any]) -> RuleSet:
    """Compile a rule set from YAML/JSON text (`str`), a file (`Path`) or an already parsed document (mapping)."""
    document = _document(source)
    if not isinstance(document, Mapping):
        raise RuleSetError([Issue("", "规则集必须是一个对象（键值对）")])
    return compile_ruleset(document)


def validate_ruleset(source: str | Path | Mapping[str, Any]) -> list[Issue]:
    """Every problem of a rule-set document (path + Chinese reason); [] when it is valid."""
    try:
        document = _document(source)
    except RuleSetError as exc:
        return exc.issues
    return validate_document(document)


def shipped_paths() -> list[Path]:
    return sorted(RULESETS_DIR.glob("*.yaml"))


@functools.cache
def shipped_rulesets() -> tuple[RuleSet, ...]:
    """Every rule set shipped with the platform (all versions), compiled once per process."""
    return tuple(load_ruleset(path) for path in shipped_paths())


def load_shipped(code: str, *, as_of: dt.date | None = None) -> RuleSet:
    """The shipped rule set `code`: the version in force on `as_of`, or else the one that started last."""
    versions = [rs for rs in shipped_rulesets() if rs.code == code]
    if not versions:
        raise KeyError(code)
    versions.sort(key=lambda rs: rs.valid_from)
    if as_of is not None:
        in_force = [rs for rs in versions if rs.validity_on(as_of).value == "current"]
        if in_force:
            return in_force[-1]
    return versions[-1]
