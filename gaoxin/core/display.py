"""How the zone writes numbers (DOMAIN.md, "How the zone writes numbers"). The only place that rounds for display.

- Money of 1亿元 and more is written in 亿元 with two decimals ("297.99亿元"); smaller amounts in 万元.
- Rates have one decimal and a word, never a sign: "同比增长5.8%", "同比下降3.6%".
- Rounding is 四舍五入 (ROUND_HALF_UP), applied once, to the displayed figure only.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

YUAN_PER_WAN = Decimal(10_000)
WAN_PER_YI = Decimal(10_000)


def round_half_up(value: Decimal, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def _strip(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def yuan_to_wan(yuan: Decimal) -> Decimal:
    return yuan / YUAN_PER_WAN


def money_wan(amount_wan: Decimal | int | None, *, wan_places: int = 2, round_figure: bool = False) -> str:
    """An amount given in 万元, written as the zone writes it: 亿元 (2 decimals) from 1亿 up, else 万元.

    `round_figure` is for issued targets, which the zone writes without trailing zeros: "(44亿元)", "(2.5亿元)"."""
    if amount_wan is None:
        return ""
    amount = Decimal(amount_wan)
    if abs(amount) >= WAN_PER_YI:
        yi = round_half_up(amount / WAN_PER_YI, 2)
        return f"{_strip(yi) if round_figure else format(yi, 'f')}亿元"
    return f"{_strip(round_half_up(amount, wan_places))}万元"


def money_yuan(amount_yuan: Decimal | int | None) -> str:
    """An amount stored in yuan, written in 万元/亿元."""
    if amount_yuan is None:
        return ""
    return money_wan(Decimal(amount_yuan) / YUAN_PER_WAN)


def rate(value: Decimal | float | None) -> str:
    """A percentage with one decimal, half up: Decimal('5.85') -> '5.9%'."""
    if value is None:
        return ""
    return f"{round_half_up(Decimal(str(value)), 1):f}%"


def growth(value: Decimal | float | None, *, prefix: str = "同比") -> str:
    """'同比增长5.8%' / '同比下降3.6%' / '同比持平' — the word carries the sign, the figure never does."""
    if value is None:
        return ""
    shown = round_half_up(Decimal(str(value)), 1)
    if shown > 0:
        return f"{prefix}增长{shown:f}%"
    if shown < 0:
        return f"{prefix}下降{-shown:f}%"
    return f"{prefix}持平"


def points(value: Decimal | float | None) -> str:
    """A difference of two rates in 百分点, one decimal, without a sign: '3.3个百分点'."""
    if value is None:
        return ""
    return f"{abs(round_half_up(Decimal(str(value)), 1)):f}个百分点"


def amount(value: Decimal | int | None, unit: str, *, round_figure: bool = False) -> str:
    """A figure in its indicator's unit: money by the 万元/亿元 rule, people as integers, others to two decimals."""
    if value is None:
        return ""
    number = Decimal(value)
    if unit == "万元":
        return money_wan(number, round_figure=round_figure)
    if unit == "人":
        return f"{round_half_up(number, 0):f}人"
    places = 4 if abs(number) < 1 else 2  # intensities such as 0.2049吨标准煤/万元 need their digits
    return f"{_strip(round_half_up(number, places))}{unit}"
