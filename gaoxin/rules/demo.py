"""Demo yearly facts for the rules engine (`seed_demo`): three fiscal years of the fact vocabulary (FORMATS.md 2)
for every active enterprise, plausible for its size and its qualifications, then one registry-wide evaluation so the
candidate lists and the profile cards have something to show.

Holders of 高企 mostly meet its quantitative conditions (R&D ratio by sales band, 科技人员 ≥ 10%, 高新收入 ≥ 60%);
others spread around the thresholds, so the lists of "差一项" are not empty. Figures a small firm already has (the
monitoring demo's annual revenue) are kept. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from gaoxin.indicators.models import AnnualFact
from gaoxin.registry.models import Enterprise, EnterpriseStatus, Qualification

FOUR = Decimal("0.0001")


@dataclass(frozen=True)
class DemoFactsResult:
    enterprises: int
    facts: int


def _d(value: float) -> Decimal:
    return Decimal(str(round(value, 4))).quantize(FOUR)


@transaction.atomic
def seed_annual_facts(*, today: dt.date, seed: int) -> DemoFactsResult:
    rng = random.Random(f"{seed}:annual")
    last = today.year - 1
    years = [last - 2, last - 1, last]
    hnte = set(
        Qualification.objects.filter(qtype__code="hnte", valid_until__gte=today).values_list("enterprise_id", flat=True)
    )
    existing = set(AnnualFact.objects.values_list("enterprise_id", "year", "name"))
    # 营业收入 already seeded (the monitoring demo's small firms): the other figures are sized on it, so that shares
    # such as 高新技术产品收入占比 stay below 100%.
    known_revenue = {
        (pk, year): float(value)
        for pk, year, value in AnnualFact.objects.filter(name="revenue", year__in=years).values_list(
            "enterprise_id", "year", "value"
        )
    }
    rows: list[AnnualFact] = []
    enterprises = Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE).values_list("pk", "is_above_scale")
    count = 0
    for pk, above in enterprises.order_by("pk"):
        count += 1
        holder = pk in hnte
        revenue = math.exp(rng.gauss(math.log(12000 if above else 600), 0.8 if above else 0.7))
        if not above and rng.random() < 0.97:
            revenue = min(revenue, rng.uniform(1500, 1990))  # below the 规上 line, as the statistics say
        growth = rng.gauss(0.12 if holder else 0.06, 0.15)
        staff = max(8, int(revenue / rng.uniform(60, 160)))
        rd_ratio = rng.uniform(0.04, 0.09) if holder else max(0.0, rng.gauss(0.03, 0.02))
        tech_share = rng.uniform(0.12, 0.45) if holder else max(0.0, rng.gauss(0.1, 0.07))
        hightech_share = rng.uniform(0.62, 0.95) if holder else max(0.0, min(1.0, rng.gauss(0.35, 0.25)))
        equity_ratio = rng.uniform(0.3, 0.7)
        ip1 = rng.randint(1, 8) if holder else (rng.randint(0, 3) if rng.random() < 0.4 else 0)
        ip2 = rng.randint(3, 30) if holder else rng.randint(0, 8)
        sizes: dict[int, float] = {}
        for i, year in reversed(list(enumerate(years))):
            if (pk, year) in known_revenue:
                sizes[year] = known_revenue[(pk, year)]
            elif year + 1 in sizes:
                sizes[year] = sizes[year + 1] / (1 + growth)
            else:
                sizes[year] = revenue / (1 + growth) ** (len(years) - 1 - i)
        for year in years:
            size = sizes[year]
            figures = {
                "revenue": size,
                "main_business_revenue": size * rng.uniform(0.9, 0.99),
                "rd_expense": size * rd_ratio * rng.uniform(0.9, 1.1),
                "hightech_revenue": size * hightech_share,
                "total_assets": size * rng.uniform(0.8, 1.6),
                "staff": staff,
                "tech_staff": int(staff * tech_share),
                "rd_staff": int(staff * tech_share * 0.7),
                "ip_class1": ip1,
                "ip_class2": ip2,
            }
            figures["rd_expense_domestic"] = figures["rd_expense"] * rng.uniform(0.85, 1.0)
            figures["net_assets"] = figures["total_assets"] * equity_ratio
            figures["total_liabilities"] = figures["total_assets"] - figures["net_assets"]
            for name, value in figures.items():
                if (pk, year, name) in existing:
                    continue
                rows.append(AnnualFact(enterprise_id=pk, year=year, name=name, value=_d(value), source="demo"))
    AnnualFact.objects.bulk_create(rows, batch_size=5000)
    return DemoFactsResult(count, len(rows))
