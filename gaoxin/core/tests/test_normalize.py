"""Cell normalisation (FORMATS.md section 1)."""

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.core import normalize


def test_text_full_width_to_half_width_and_trim() -> None:
    assert normalize.text("  珠海（横琴）ＡＢＣ１２３  ") == "珠海(横琴)ABC123"
    assert normalize.text(None) == ""
    assert normalize.text(3.0) == "3"


def test_uscc_uppercased_and_compacted() -> None:
    assert normalize.uscc(" ９１４４０４００ma4uj3xx1x ") == "91440400MA4UJ3XX1X"
    assert normalize.uscc("9144-0400 MA4U") == "91440400MA4U"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234.50", Decimal("1234.50")),
        ("１２３４", Decimal("1234")),
        (1234.5, Decimal("1234.5")),
        ("", None),
        (7, Decimal(7)),
    ],
)
def test_decimal(raw: object, expected: Decimal | None) -> None:
    assert normalize.decimal(raw) == expected


def test_decimal_rejects_text() -> None:
    with pytest.raises(normalize.CellError, match="不是有效的数字"):
        normalize.decimal("十二")


@pytest.mark.parametrize(
    "raw",
    ["2020-03-01", "2020/3/1", "2020.3.1", "2020年3月1日", "20200301", dt.datetime(2020, 3, 1, 8, 0), 43891],
)
def test_dates(raw: object) -> None:
    assert normalize.date(raw) == dt.date(2020, 3, 1)


def test_bad_date_message() -> None:
    with pytest.raises(normalize.CellError, match="不是有效的日期"):
        normalize.date("2020-02-30")
    with pytest.raises(normalize.CellError):
        normalize.date("明天")


@pytest.mark.parametrize("raw", ["2020-11", "2020/11", "202011", "2020年11月", "2020年11月份", dt.date(2020, 11, 5)])
def test_periods(raw: object) -> None:
    assert normalize.period(raw) == (2020, 11)


def test_period_month_out_of_range() -> None:
    with pytest.raises(normalize.CellError, match="1到12"):
        normalize.period("2020-13")


def test_yes_no() -> None:
    assert normalize.yes_no("是") is True
    assert normalize.yes_no("否") is False
    assert normalize.yes_no("") is None
    with pytest.raises(normalize.CellError, match="是”或“否"):
        normalize.yes_no("可能")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0756-3312345", "0756-3312345"),
        ("（0756）3312345", "0756-3312345"),
        ("020-12345678-801", "020-12345678-801"),
        ("", ""),
    ],
)
def test_phone(raw: str, expected: str) -> None:
    assert normalize.phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "23800138000", "138001380001", "电话"])
def test_bad_phone(raw: str) -> None:
    with pytest.raises(normalize.CellError, match="手机号或固定电话"):
        normalize.phone(raw)
