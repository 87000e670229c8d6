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
from gaoxin.registry.models import Enterprise, EnterpriseCheck, EnterpriseStatus, Qualification

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


#: what an officer cites when recording a verified matter (核实依据)
_BASES = {
    "major_incident_last_year": ("应急管理局函复", "生态环境局函复", "市场监管局函复", "企业承诺书"),
    "restricted_industry": ("对照《产业结构调整指导目录》核查", "企业承诺书"),
    "serious_violation_listed": ("信用中国查询", "国家企业信用信息公示系统查询"),
    "leads_standard_5y": ("全国标准信息公共服务平台查询", "企业提供的标准文本"),
    "national_award_5y": ("获奖证书核验",),
    "provincial_rd_institution": ("认定文件核验", "省科技厅公布名单"),
    "core_ip_supports_products": ("专利证书与主要产品对照核查", "现场核查"),
    "in_supported_hightech_field": ("对照《国家重点支持的高新技术领域》核查", "现场核查"),
}


@transaction.atomic
def seed_checks(*, today: dt.date, seed: int) -> int:
    """The yes/no matters officers have verified (核实事项) for the demo zone: most active enterprises have the three
    every criterion asks about (accidents, the dishonesty list, restricted industries — rarely a "yes"); 高企 and
    larger firms also the 高企 matters; a quarter of the zone nobody has verified yet (their criteria stay 待核实)."""
    rng = random.Random(f"{seed}:checks")
    hnte = set(
        Qualification.objects.filter(qtype__code="hnte", valid_until__gte=today).values_list("enterprise_id", flat=True)
    )
    done = set(EnterpriseCheck.objects.values_list("enterprise_id", "name"))
    rows: list[EnterpriseCheck] = []
    enterprises = Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE).values_list("pk", "is_above_scale")
    for pk, above in enterprises.order_by("pk"):
        holder = pk in hnte
        if not holder and rng.random() < 0.25:
            continue
        answers = {
            "major_incident_last_year": rng.random() < 0.02,
            "restricted_industry": rng.random() < 0.01,
            "serious_violation_listed": rng.random() < 0.01,
        }
        if holder or above or rng.random() < 0.3:
            answers["core_ip_supports_products"] = rng.random() < (0.92 if holder else 0.5)
            answers["in_supported_hightech_field"] = rng.random() < (0.95 if holder else 0.55)
            answers["provincial_rd_institution"] = rng.random() < (0.35 if holder else 0.08)
            answers["leads_standard_5y"] = rng.random() < (0.12 if holder else 0.02)
            answers["national_award_5y"] = rng.random() < 0.02
        for name, value in answers.items():
            if (pk, name) in done:
                continue
            rows.append(
                EnterpriseCheck(
                    enterprise_id=pk,
                    name=name,
                    value=value,
                    checked_on=today - dt.timedelta(days=rng.randint(7, 180)),
                    basis=rng.choice(_BASES[name]),
                )
            )
    EnterpriseCheck.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
