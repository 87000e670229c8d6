"""DOMAIN.md's formulas against hand-worked cases (figures of STYLE_CORPUS.md where it gives them)."""

from decimal import Decimal as D

import pytest

from gaoxin.core import display, formulas


def test_yoy_negative_is_written_as_decline() -> None:
    rate = formulas.yoy(D("2979900"), D("3091182.57"))  # 297.99亿 vs 309.12亿
    assert rate is not None
    assert display.growth(rate) == "同比下降3.6%"


def test_yoy_undefined_without_base() -> None:
    assert formulas.yoy(D(10), D(0)) is None
    assert formulas.yoy(None, D(5)) is None


def test_point_gap_in_percentage_points() -> None:
    gap = formulas.point_gap(D("5.8"), D("2.5"))
    assert gap == D("3.3")
    assert display.points(gap) == "3.3个百分点"


def test_completion_and_time_progress() -> None:
    done = formulas.completion(D("374300"), D("440000"))  # 37.43亿 of 44亿
    assert done is not None
    assert display.rate(done) == "85.1%"
    assert formulas.time_progress(11) == D(11) / D(12) * 100
    gap = formulas.schedule_gap(done, 11)
    assert gap is not None
    assert display.points(gap) == "6.6个百分点"  # 85.07 − 91.67: 落后序时进度
    assert gap < 0


def test_time_progress_month_range() -> None:
    with pytest.raises(ValueError, match=r"1\.\.12"):
        formulas.time_progress(13)


def test_share() -> None:
    assert display.rate(formulas.share(D("956100"), D("1493906"))) == "64.0%"
    assert formulas.share(D(1), D(0)) is None


def test_ratio_is_ratio_of_sums_not_mean_of_ratios() -> None:
    # Two enterprises: R&D 10 on revenue 100 (10%) and 90 on revenue 3000 (3%).
    rd, revenue = [D(10), D(90)], [D(100), D(3000)]
    of_sums = formulas.ratio(sum(rd), sum(revenue), D(100))
    mean_of_ratios = (D(10) / D(100) * 100 + D(90) / D(3000) * 100) / 2
    assert display.rate(of_sums) == "3.2%"
    assert display.rate(mean_of_ratios) == "6.5%"


def test_electricity_to_standard_coal() -> None:
    assert formulas.electricity_to_tce(D(100)) == D("122.9")  # 100万千瓦时 → 122.9 tce


def test_intensity_change() -> None:
    # 1,000 tce on 50,000万元 → 900 tce on 50,000万元: intensity −10%.
    change = formulas.intensity_change(D(900), D(50000), D(1000), D(50000))
    assert change == D(-10)
    assert display.growth(change) == "同比下降10.0%"
    assert formulas.intensity_change(D(1), D(0), D(1), D(1)) is None


@pytest.mark.parametrize(
    ("revenue", "last", "above", "expected"),
    [
        (D(1300), None, False, True),
        (D("1999.99"), None, False, True),
        (D(2000), None, False, False),  # already at the 规上 line: not a candidate but a 规上 case
        (D(1299), D(900), False, True),  # ≥1000 and growth 44%
        (D(1100), D(900), False, False),  # growth 22%
        (D(1170), D(900), False, True),  # growth exactly 30%
        (D(999), D(100), False, False),
        (D(1500), None, True, False),  # already 规上
    ],
)
def test_small_to_above_candidates(revenue: D, last: D | None, above: bool, expected: bool) -> None:
    assert formulas.small_to_above_candidate(revenue, last, above_scale=above) is expected
