"""The formulas of DOMAIN.md ("How the zone writes numbers"), as pure functions over Decimal. No rounding here:
rounding happens once, for display, in `core.display`. Each returns None when it is undefined (a zero or missing
base), so a caller can drop the sentence rather than print a wrong figure.
"""

from __future__ import annotations

from decimal import Decimal

HUNDRED = Decimal(100)
TWELVE = Decimal(12)


def yoy(current: Decimal | None, base: Decimal | None) -> Decimal | None:
    """Growth in %: (current ÷ base − 1) × 100. For cumulative YoY pass this year's and last year's Jan–N totals over
    the same (comparable) set of enterprises — never an average of monthly rates."""
    if current is None or base is None or base == 0:
        return None
    return (current / base - 1) * HUNDRED


def point_gap(actual_rate: Decimal | None, target_rate: Decimal | None) -> Decimal | None:
    """The difference of two rates in 百分点: target 2.5, actual 5.8 → 3.3 (高于目标3.3个百分点)."""
    if actual_rate is None or target_rate is None:
        return None
    return actual_rate - target_rate


def completion(actual: Decimal | None, target: Decimal | None) -> Decimal | None:
    """Completion of an annual target in %: actual ÷ target × 100 (完成年度任务(40亿元)的92.3%)."""
    if actual is None or target is None or target == 0:
        return None
    return actual / target * HUNDRED


def time_progress(month: int) -> Decimal:
    """序时进度 for 1-N月 in %: N ÷ 12 × 100."""
    if not 1 <= month <= 12:
        raise ValueError("month must be 1..12")
    return Decimal(month) / TWELVE * HUNDRED


def schedule_gap(completion_rate: Decimal | None, month: int) -> Decimal | None:
    """Completion % − 序时进度 in 百分点: positive is 超序时进度, negative 落后序时进度."""
    if completion_rate is None:
        return None
    return completion_rate - time_progress(month)


def share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part ÷ whole × 100 (占规上服务业总营收64%)."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole * HUNDRED


def ratio(numerator: Decimal | None, denominator: Decimal | None, scale: Decimal = Decimal(1)) -> Decimal | None:
    """A ratio indicator rolled up as the ratio of the sums (never the mean of the enterprises' ratios)."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator * scale


#: kgce per kWh, 当量值 (GB/T 2589-2020).
KGCE_PER_KWH = Decimal("0.1229")


def electricity_to_tce(wan_kwh: Decimal) -> Decimal:
    """万千瓦时 → 吨标准煤: 10,000 kWh × 0.1229 kgce/kWh ÷ 1000 = 1.229 tce per 万千瓦时."""
    return wan_kwh * Decimal(10_000) * KGCE_PER_KWH / Decimal(1000)


def intensity_change(
    energy_now: Decimal | None, value_now: Decimal | None, energy_then: Decimal | None, value_then: Decimal | None
) -> Decimal | None:
    """Change of 单位增加值能耗 in %: (E₁/V₁) ÷ (E₀/V₀) − 1, × 100."""
    now = ratio(energy_now, value_now)
    then = ratio(energy_then, value_then)
    if now is None or then is None or then == 0:
        return None
    return (now / then - 1) * HUNDRED


def small_to_above_candidate(revenue: Decimal | None, revenue_last_year: Decimal | None, *, above_scale: bool) -> bool:
    """小升规 candidate (the zone's own rule, DOMAIN.md), for an enterprise not yet 规上, revenue in 万元:
    revenue 1300–2000万元, or revenue ≥ 1000万元 with growth ≥ 30%."""
    if above_scale or revenue is None:
        return False
    if Decimal(1300) <= revenue < Decimal(2000):
        return True
    growth = yoy(revenue, revenue_last_year)
    return revenue >= Decimal(1000) and growth is not None and growth >= Decimal(30)
