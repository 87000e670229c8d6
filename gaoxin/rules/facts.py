"""The facts of enterprises as the rules engine reads them (FORMATS.md 2a), built from the registry and the fact store
in a few queries for any number of enterprises."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from gaoxin.indicators.models import AnnualFact
from gaoxin.registry.models import Enterprise, Qualification

#: Qualification levels in the words the rule sets use (data, not interface text: never translated).
LEVEL_WORDS = {"national": "国家级", "provincial": "省级", "city": "市级", "district": "区级"}


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _number(value: Decimal) -> int | float:
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def facts_documents(enterprises: Iterable[Enterprise] | None = None) -> dict[int, dict[str, Any]]:
    """{enterprise id: FORMATS.md 2a document}. Without `enterprises`: every enterprise in the registry.

    Yearly facts come from `AnnualFact`; qualifications from the registry (type by its catalogue name, level in
    Chinese); flags the platform does not hold are left out (unknown to the engine, never false)."""
    rows = (
        Enterprise.objects.all()
        if enterprises is None
        else Enterprise.objects.filter(pk__in=[e.pk for e in enterprises])
    )
    docs: dict[int, dict[str, Any]] = {}
    for pk, uscc, founded, above, park, industry, stage in rows.values_list(
        "pk", "uscc", "founded_on", "is_above_scale", "park__code", "industry__code", "chain_stage"
    ):
        doc: dict[str, Any] = {"uscc": uscc, "is_above_scale": above, "qualifications": [], "years": {}}
        if founded:
            doc["registered_on"] = founded.isoformat()
        if park:
            doc["park"] = park
        if industry:
            doc["industry"] = industry
        if stage:
            doc["chain_link"] = stage
        docs[pk] = doc
    ids = list(docs)
    years: dict[int, dict[str, dict[str, Any]]] = defaultdict(lambda: defaultdict(dict))
    for chunk in _chunks(ids):
        for enterprise_id, year, name, value in AnnualFact.objects.filter(enterprise_id__in=chunk).values_list(
            "enterprise_id", "year", "name", "value"
        ):
            years[enterprise_id][str(year)][name] = _number(value)
        qualifications = Qualification.objects.filter(enterprise_id__in=chunk).values_list(
            "enterprise_id", "qtype__name", "level", "recognized_on", "valid_until"
        )
        for enterprise_id, type_name, level, since, until in qualifications:
            held: dict[str, Any] = {"type": type_name}
            if level:
                held["level"] = LEVEL_WORDS.get(level, level)
            if since:
                held["valid_from"] = since.isoformat()
            if until:
                held["valid_to"] = until.isoformat()
            docs[enterprise_id]["qualifications"].append(held)
    for enterprise_id, by_year in years.items():
        docs[enterprise_id]["years"] = {year: dict(values) for year, values in sorted(by_year.items())}
    for doc in docs.values():
        doc["qualifications"].sort(key=lambda q: (q["type"], q.get("valid_from", "")))
    return docs


def digest(document: dict[str, Any]) -> str:
    """The version of a facts document: a result computed from other facts is stale."""
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]
