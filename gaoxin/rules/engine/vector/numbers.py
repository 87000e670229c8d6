"""Floats with an error bound, and the zone's way of writing figures (`wording`, `gaoxin.core.display`) as Polars
expressions.

Exactness. The per-enterprise engine computes in `Decimal`; the vectorised one in float64 and carries beside every
computed value an absolute error bound `err` (forward error analysis: a fact read from its decimal text is off by at
most |x|·u, u = 2⁻⁵³; sums, products, quotients, roots add their own terms). A decision taken from a float is the
same as the Decimal one whenever the float lies farther than `TOL_FACTOR × err` from the edge (threshold, band bound,
zero denominator, the half-way point of a displayed figure's rounding). Rows that are not that far are *sensitive*
and go to the exact path for that criterion; so a float can never flip an edge, and lower bounds stay inclusive
exactly as written.

Figures. `figure_expr` writes a float exactly as `wording.figure_signed` writes the Decimal it approximates, for
every row that is not sensitive for display (`display_sensitive`): rates with one decimal, money in 万元 or (from 1亿)
in 亿元 with two decimals, counts without padding, more decimals when a limit is close (`figure_against`), negative
growth as "为负（下降3.6%）". Points are exact integers in millionths of a point (`POINT_SCALE`) and are written by
`points_expr` / `points_text_expr` like `wording.strip` / `wording.points_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import polars as pl

from ..wording import COUNT_UNITS

U = 2.0**-53
TOL_FACTOR = 8.0
#: Points as integers: millionths of a point (band points, caps and expert scores with up to 6 decimals are exact).
POINT_SCALE = 1_000_000
#: Places at which a shown figure or the JSON actual (4 decimals) may be rounded.
DISPLAY_PLACES = (1, 2, 3, 4, 5, 6)
#: Beyond this magnitude the formatter's integer arithmetic is not trusted: such rows take the exact path.
MAX_MAGNITUDE = 1e9


def lit_f(value: float | Decimal | None) -> pl.Expr:
    return pl.lit(None if value is None else float(value), dtype=pl.Float64)


def tol(err: pl.Expr | None, *scales: pl.Expr | float) -> pl.Expr:
    """How far a float must be from an edge for its side to be certain: `TOL_FACTOR × err` plus the rounding of the
    values being compared themselves."""
    total = err * TOL_FACTOR if err is not None else pl.lit(0.0)
    for scale in scales:
        total = total + (scale.abs() if isinstance(scale, pl.Expr) else abs(scale)) * (4 * U)
    return total


def near(x: pl.Expr, err: pl.Expr | None, edge: Decimal | float) -> pl.Expr:
    """x is within the tolerance of `edge` (null-safe: false where x is null). A value read straight from the facts
    (err = 0) compares exactly: reading decimals of up to 15 significant digits into floats keeps their order and
    their equalities, so only computed values can be unsure."""
    if err is None:
        return pl.lit(False)
    e = float(edge)
    return ((err > 0) & ((x - e).abs() <= tol(err, x, e))).fill_null(False)


def near_any(x: pl.Expr, err: pl.Expr | None, edges: Sequence[Decimal | float]) -> pl.Expr:
    """`near` for several edges at once — x within the tolerance of any of them — as one comparison of the distance
    to the nearest edge (less its own rounding term) with the value's share of the tolerance."""
    if err is None or not edges:
        return pl.lit(False)
    if len(edges) == 1:
        return near(x, err, edges[0])
    gaps = [(x - float(e)).abs() - abs(float(e)) * (4 * U) for e in sorted(set(edges))]
    return ((err > 0) & (pl.min_horizontal(gaps) <= tol(err, x))).fill_null(False)


def near_zero(x: pl.Expr, err: pl.Expr | None) -> pl.Expr:
    """A zero test that the float may answer wrongly: x within its error of 0 while the error is not nil (an exact
    zero, e.g. a fact given as 0, is certain)."""
    if err is None:
        return pl.lit(False)
    return ((x.abs() <= err * TOL_FACTOR) & (err > 0)).fill_null(False)


def near_half(x: pl.Expr, err: pl.Expr | None, places: int) -> pl.Expr:
    """x is within the tolerance of a half-way point of rounding at `places` decimals (…5 at the next place)."""
    scale = 10.0**places
    y = x.abs() * scale
    frac = y - y.floor()
    return ((frac - 0.5).abs() <= tol(err, x) * scale + y * (4 * U)).fill_null(False)


def is_false(expr: pl.Expr) -> bool:
    """Is this a literal false (known when the plan is compiled)?"""
    return expr.meta.is_literal() and pl.select(expr).to_series().to_list() == [False]


def both(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """a & b, folded to a literal false when either is one: a sensitivity that cannot hold costs no column."""
    return pl.lit(False) if is_false(a) or is_false(b) else a & b


def either(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """a | b without the literal false operands."""
    return b if is_false(a) else a if is_false(b) else a | b


def any_of(exprs: Sequence[pl.Expr]) -> pl.Expr:
    """The `|` of the expressions, without literal false ones (false when none is left)."""
    kept = [e for e in exprs if not is_false(e)]
    if not kept:
        return pl.lit(False)
    out = kept[0]
    for e in kept[1:]:
        out = out | e
    return out


# --- figures -------------------------------------------------------------------------------------------------------


def _scaled(x: pl.Expr, places: int) -> pl.Expr:
    """round_half_up(|x|, places) × 10^places as an integer (the sign is handled by the caller)."""
    return (x.abs() * (10.0**places) + 0.5).floor().cast(pl.Int64)


def _digits(k: pl.Expr, places: int, *, keep_zeros: bool) -> pl.Expr:
    """The unsigned decimal text of k / 10^places."""
    if places <= 0:
        return k.cast(pl.String)
    base = 10**places
    whole = (k // base).cast(pl.String)
    frac = (k % base).cast(pl.String).str.zfill(places)
    if keep_zeros:
        return pl.concat_str([whole, pl.lit("."), frac])
    frac = frac.str.strip_chars_end("0")
    return pl.when(frac == "").then(whole).otherwise(pl.concat_str([whole, pl.lit("."), frac]))


def strip_expr(x: pl.Expr, places: int) -> pl.Expr:
    """`wording.strip(value, places)` / `display._strip(round_half_up(value, places))`: no padding zeros, no "-0"."""
    k = _scaled(x, places)
    text = _digits(k, places, keep_zeros=False)
    return pl.when((x < 0) & (k != 0)).then(pl.concat_str([pl.lit("-"), text])).otherwise(text)


def fixed_expr(x: pl.Expr, places: int) -> pl.Expr:
    """f"{round_half_up(value, places):f}": the decimals kept, a negative value keeps its sign even at "-0.0"."""
    text = _digits(_scaled(x, places), places, keep_zeros=True)
    return pl.when(x < 0).then(pl.concat_str([pl.lit("-"), text])).otherwise(text)


def plain_figure_expr(x: pl.Expr, unit: str) -> pl.Expr:
    """`wording.figure(value, unit)`."""
    if unit == "万元":
        yi = pl.concat_str([fixed_expr(x / 10_000.0, 2), pl.lit("亿元")])
        return pl.when(x.abs() >= 10_000.0).then(yi).otherwise(pl.concat_str([strip_expr(x, 2), pl.lit("万元")]))
    if unit == "%":
        return pl.concat_str([fixed_expr(x, 1), pl.lit("%")])
    if unit in COUNT_UNITS or unit in {"分", "年"}:
        return pl.concat_str([strip_expr(x, 2), pl.lit(unit)])
    if unit:
        small = pl.concat_str([strip_expr(x, 4), pl.lit(unit)])
        return pl.when(x.abs() < 1.0).then(small).otherwise(pl.concat_str([strip_expr(x, 2), pl.lit(unit)]))
    return strip_expr(x, 4)


def _side(diff_scaled: pl.Expr) -> pl.Expr:
    return pl.when(diff_scaled > 0).then(1).when(diff_scaled < 0).then(-1).otherwise(0)


def _agrees(x: pl.Expr, places: int, marks: Sequence[Decimal]) -> pl.Expr:
    """Rounded to `places`, x stays on the same side of every mark (the test of `wording.figure_against`)."""
    k = _scaled(x, places)
    signed = pl.when(x < 0).then(-k).otherwise(k).cast(pl.Float64)
    ok = pl.lit(True)
    for m in marks:
        # m × 10^places computed exactly: when it is whole, the comparison with the rounded integer is exact.
        m_scaled = float(m.scaleb(places))
        ok = ok & ((x == float(m)) | (_side(signed - m_scaled) == _side(x - float(m))))
    return ok


def _plain_places(unit: str) -> tuple[int, ...]:
    """The places `wording.figure` rounds at for a unit (besides 亿元, handled apart)."""
    if unit == "%":
        return (1,)
    if unit in COUNT_UNITS or unit in {"分", "年"} or unit == "万元":
        return (2,)
    return (2, 4)


def _reach(unit: str) -> float:
    """How close to a limit a value must be for `figure_against` to need more decimals than `figure`."""
    return 50.0 if unit == "万元" else 0.05 if unit == "%" else 0.005


def _against_base(x: pl.Expr, unit: str) -> pl.Expr:
    """What `figure_against` writes when the usual rounding keeps every limit's side: `figure` for 万元, % and
    counts; for other units it writes the value with two decimals (`strip(value, 2)`)."""
    if unit in {"万元", "%", "分", "年"} or unit in COUNT_UNITS:
        return plain_figure_expr(x, unit)
    return pl.concat_str([strip_expr(x, 2), pl.lit(unit)])


def figure_against_expr(x: pl.Expr, unit: str, limits: Sequence[Decimal]) -> pl.Expr:
    """`wording.figure_against(value, unit, limits)` for rows not equal to any limit (those are sensitive)."""
    marks = list(limits)
    if not marks:
        return plain_figure_expr(x, unit)
    return pl.when(_equals_all(x, marks)).then(plain_figure_expr(x, unit)).otherwise(_against(x, unit, marks))


def _equals_all(x: pl.Expr, marks: Sequence[Decimal]) -> pl.Expr:
    """Every limit equals the value: `figure_against` then has no mark left and writes `figure`."""
    test = pl.lit(True)
    for m in marks:
        test = test & (x == float(m))
    return test


def _against(x: pl.Expr, unit: str, marks: Sequence[Decimal]) -> pl.Expr:
    start = 1 if unit == "%" else 2
    places = pl.lit(6)
    for p in range(6, start - 1, -1):
        places = pl.when(_agrees(x, p, marks)).then(pl.lit(p)).otherwise(places)
    extra = pl.lit(None, dtype=pl.String)
    for p in range(6, start - 1, -1):
        extra = pl.when(places == p).then(pl.concat_str([strip_expr(x, p), pl.lit(unit)])).otherwise(extra)
    plain = plain_figure_expr(x, unit)
    if unit == "万元":
        yi_ok = (x.abs() >= 10_000.0) & _agrees(x / 10_000.0, 2, [m / 10_000 for m in marks])
        return pl.when(yi_ok).then(plain).when((x.abs() < 10_000.0) & (places == 2)).then(plain).otherwise(extra)
    if unit == "%":
        return pl.when(places == 1).then(plain).otherwise(extra)
    return extra


class Figure:
    """One figure of a sentence, written as `wording.figure_signed(x, unit, limits, growth=…)` would write it.

    `base` is right for every row except those within reach of a limit (`needs_full`, a few); `full` is right for
    all rows but costs several roundings, so the message builder evaluates it on those rows only. `sensitive_full`
    marks rows the extra decimals could still get wrong (a half-way point at 3–6 decimals): those are written from
    the exact value."""

    def __init__(self, x: pl.Expr, unit: str, limits: Sequence[Decimal] = (), *, growth: bool = False) -> None:
        self.x = x
        self.unit = unit
        self.limits = tuple(limits)
        self.growth = growth

    def _signed(self, make: object) -> pl.Expr:
        assert callable(make)
        if not self.growth:
            return make(self.x, self.limits)  # type: ignore[no-any-return]
        negative = pl.concat_str([pl.lit("为负（下降"), make(-self.x, [-m for m in self.limits]), pl.lit("）")])
        return pl.when(self.x < 0).then(negative).otherwise(make(self.x, self.limits))

    @property
    def base(self) -> pl.Expr:
        unit = self.unit
        if not self.limits:
            return self._signed(lambda x, _m: plain_figure_expr(x, unit))
        return self._signed(
            lambda x, m: pl.when(_equals_all(x, m)).then(plain_figure_expr(x, unit)).otherwise(_against_base(x, unit))
        )

    @property
    def full(self) -> pl.Expr:
        unit = self.unit
        return self._signed(lambda x, marks: figure_against_expr(x, unit, marks))

    @property
    def needs_full(self) -> pl.Expr:
        reach = _reach(self.unit) * (1 + 1e-9)
        return any_of([((self.x - float(m)).abs() <= reach).fill_null(False) for m in self.limits])

    def sensitive_full(self, err: pl.Expr | None) -> pl.Expr:
        return any_of([near_half(self.x, err, p) for p in DISPLAY_PLACES])


def figure_expr(x: pl.Expr, unit: str, limits: Sequence[Decimal] = (), *, growth: bool = False) -> pl.Expr:
    """`wording.figure_signed(value, unit, limits, growth=growth)` for every row (the full, slower form)."""
    return Figure(x, unit, limits, growth=growth).full


def display_sensitive(x: pl.Expr, err: pl.Expr | None, unit: str, limits: Sequence[Decimal] = ()) -> pl.Expr:
    """Rows whose written figure (or 4-decimal JSON actual) the float might get wrong: near a half-way point of the
    usual rounding or of the JSON's 4 decimals, near a limit, near the 1亿 switch to 亿元, near 1 (amounts with 4
    decimals below 1), near 0 (signs), or too large. (Half-way points at the extra decimals written near a limit
    are checked when the sentence is written: `Figure.sensitive_full`.)"""
    places = sorted({*_plain_places(unit), 4})
    parts = [near_half(x, err, p) for p in places]
    parts.append(near_zero(x, err))
    parts.extend(near(x, err, m) for m in limits)
    parts.append((x.abs() > MAX_MAGNITUDE).fill_null(False))
    if unit == "万元":
        parts.append(near(x.abs(), err, 10_000))
        parts.append(near_half(x / 100.0, err / 100.0 if err is not None else None, 0) & (x.abs() >= 9_999.0))
    elif 4 in _plain_places(unit):
        parts.append(near(x.abs(), err, 1))
    return any_of(parts)


# --- points ----------------------------------------------------------------------------------------------------------


def to_points(value: Decimal) -> int:
    """A point value in millionths (exact for up to 6 decimals; more is rounded — validation keeps rule sets to 6)."""
    return int((value * POINT_SCALE).to_integral_value())


def points_expr(p: pl.Expr) -> pl.Expr:
    """`wording.strip(points)` for points held as integer millionths (exact)."""
    hundredths = (p.abs() + 5_000) // 10_000
    text = _digits(hundredths, 2, keep_zeros=False)
    return pl.when((p < 0) & (hundredths != 0)).then(pl.concat_str([pl.lit("-"), text])).otherwise(text)


def points_text_expr(lo: pl.Expr, hi: pl.Expr) -> pl.Expr:
    """`wording.points_text(lo, hi)`: "7分" or "7–8分"."""
    single = pl.concat_str([points_expr(lo), pl.lit("分")])
    span = pl.concat_str([points_expr(lo), pl.lit("–"), points_expr(hi), pl.lit("分")])
    return pl.when(lo == hi).then(single).otherwise(span)
