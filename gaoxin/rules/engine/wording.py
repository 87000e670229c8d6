"""How the engine writes figures and verdicts in Chinese (DOMAIN.md, "How the zone writes numbers").

Rounding for display happens in `gaoxin.core.display` (the platform's one display module, pure Python) and only
here, on the shown figure: actual rates with one decimal ("4.2%"), money in 万元 or, from 1亿 up, in 亿元 with two
decimals. A requirement is written as the rule states it ("5%", "2亿元"), without padding zeros.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from gaoxin.core import display

COUNT_UNITS = frozenset({"人", "件", "项", "家", "个"})
CHINESE_NUMERALS = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


def strip(value: Decimal, places: int = 2) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    text = format(display.round_half_up(value, places), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"", "-0"} else text


def figure(value: Decimal, unit: str) -> str:
    """An actual value as the zone writes it."""
    if unit == "万元":
        return display.money_wan(value)
    if unit == "%":
        return display.rate(value)
    if unit in COUNT_UNITS:
        return f"{strip(value, 2)}{unit}"
    if unit in {"分", "年"}:
        return f"{strip(value, 2)}{unit}"
    if unit:
        return display.amount(value, unit)
    return strip(value, 4)


def requirement_figure(value: Decimal, unit: str) -> str:
    """A threshold as the rule writes it: "5%", "2亿元", "5000万元", "500人"."""
    if unit == "万元":
        return display.money_wan(value, round_figure=True)
    return f"{strip(value, 4)}{unit}"


def points_text(lo: Decimal, hi: Decimal) -> str:
    return f"{strip(lo)}分" if lo == hi else f"{strip(lo)}–{strip(hi)}分"


def numeral(n: int) -> str:
    return CHINESE_NUMERALS.get(n, str(n))


def join(items: Sequence[str], sep: str = "、") -> str:
    return sep.join(item for item in items if item)


#: op → (requirement wording, verdict when met, verdict when not met)
OP_WORDS: dict[str, tuple[str, str, str]] = {
    ">=": ("不低于", "不低于要求的", "低于要求的"),
    ">": ("高于", "高于要求的", "未高于要求的"),
    "<=": ("不超过", "不超过要求的", "超过要求的"),
    "<": ("低于", "低于要求的", "未低于要求的"),
    "==": ("等于", "等于要求的", "不等于要求的"),
    "!=": ("不等于", "不等于", "等于"),
}

#: The same, for an official sentence in the Chinese reading of a rule ("不低于5%").
OP_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "!=": "≠"}


def _sign(x: Decimal) -> int:
    return (x > 0) - (x < 0)


def figure_against(value: Decimal, unit: str, limits: Iterable[Decimal]) -> str:
    """`figure`, with more decimals when the usual rounding would put the shown figure on the other side of (or onto)
    a limit it is compared with: 4.993% against 5% is written "4.993%", not "5.0%，低于要求的5%"."""
    marks = [m for m in limits if m != value]
    if not marks:
        return figure(value, unit)
    if unit == "万元":
        yi = display.round_half_up(value / display.WAN_PER_YI, 2) * display.WAN_PER_YI
        if abs(value) >= display.WAN_PER_YI and all(_sign(yi - m) == _sign(value - m) for m in marks):
            return figure(value, unit)
        start = 2
    elif unit == "%":
        start = 1
    else:
        start = 2
    for places in range(start, 7):
        shown = display.round_half_up(value, places)
        if all(_sign(shown - m) == _sign(value - m) for m in marks):
            break
    if unit == "万元" and abs(value) < display.WAN_PER_YI and places == 2:
        return figure(value, unit)
    if unit == "%" and places == 1:
        return figure(value, unit)
    return f"{strip(value, places)}{unit}"


def figure_signed(value: Decimal, unit: str, limits: Iterable[Decimal], *, growth: bool) -> str:
    """A growth rate below zero as "为负（下降3.6%）": the word carries the sign, the figure never does."""
    if growth and value < 0:
        return f"为负（下降{figure_against(-value, unit, [-m for m in limits])}）"
    return figure_against(value, unit, limits)
