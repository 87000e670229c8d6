"""Value expressions (`engine.values`) as Polars expressions over the enterprise frame, for one reference year.

Each node becomes a `VVal`: the float (`num`, null when the per-enterprise `Val` has no number), its error bound
(`err`), whether a zero test inside may have been answered wrongly by the float (`sens`), what is missing (a bit
mask over the rule set's missing-item names, `miss`), which "undefined" case applies (`undef`, a code), the period
text (`period`) and, for static text facts and text inputs, the text. The semantics follow `engine.values` line by
line; the test suite checks both ways agree on thousands of generated enterprises.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

from ..values import (
    Arithmetic,
    AverageGrowth,
    CompoundGrowth,
    Const,
    FactValue,
    Growth,
    InputValue,
    Named,
    Ratio,
    TextFact,
    ValueNode,
    YearsSince,
    year_span,
)
from .frame import fact_column, input_column
from .numbers import TOL_FACTOR, U, any_of, both, either, lit_f, near_zero

NULL_F = pl.lit(None, dtype=pl.Float64)
NULL_S = pl.lit(None, dtype=pl.String)
NULL_I = pl.lit(None, dtype=pl.Int32)
NULL_R = pl.lit(None, dtype=pl.Int128)
ZERO_MASK = pl.lit(0, dtype=pl.UInt64)
FALSE = pl.lit(False)
#: Facts are read into the exact path as integers in ten-thousandths (4 decimals), when they have no more.
RAT_SCALE = 10_000
#: Int128 holds 38 digits; a comparison needs its products to stay below.
RAT_DIGITS = 37


class Unsupported(Exception):
    """A node the vectorised compiler does not handle; the criterion is then evaluated per row (and reported)."""


@dataclass(slots=True)
class Rat:
    """The value as an exact fraction n / d (d > 0) of Int128s, null where a row's figures are not exact decimals
    of at most 4 places: decisions on it are exact (ties included) without the Decimal engine. `d` is a Python int
    when it is the same for every row. `*_digits` bound the magnitudes so products never overflow."""

    n: pl.Expr
    d: pl.Expr | int
    n_digits: int
    d_digits: int

    @property
    def ok(self) -> pl.Expr:
        return self.n.is_not_null()

    def d_expr(self) -> pl.Expr:
        return self.d if isinstance(self.d, pl.Expr) else pl.lit(self.d, dtype=pl.Int128)


def _digits(n: int) -> int:
    return len(str(abs(n)))


def rat_const(value: Decimal) -> tuple[int, int]:
    """A Decimal as n / d with d a power of ten."""
    sign, digits, exponent = value.normalize().as_tuple()
    assert isinstance(exponent, int)
    n = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    if exponent >= 0:
        return n * 10**exponent, 1
    return n, 10**-exponent


def _normalised(n: pl.Expr, d: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """n / d with d made positive (d = 0 stays 0: the caller has made that case undefined)."""
    negative = d < 0
    return pl.when(negative).then(pl.lit(0, dtype=pl.Int128) - n).otherwise(n), pl.when(negative).then(
        pl.lit(0, dtype=pl.Int128) - d
    ).otherwise(d)


@dataclass(slots=True)
class VVal:
    num: pl.Expr
    #: absolute error bound of `num`; None when `num` is exact (read straight from the facts)
    err: pl.Expr | None = None
    sens: pl.Expr = FALSE
    miss: pl.Expr = ZERO_MASK
    undef: pl.Expr = NULL_I
    period: pl.Expr = NULL_S
    text: pl.Expr | None = None
    #: bits of `miss` in the order the per-enterprise engine lists what is missing
    order: list[int] = field(default_factory=list)
    #: the stage its columns are computed in: 1 for what is read from the frame, else 1 + the deepest part
    depth: int = 1
    rat: Rat | None = None

    @property
    def known(self) -> pl.Expr:
        return self.num.is_not_null()

    @property
    def error(self) -> pl.Expr:
        return self.err if self.err is not None else pl.lit(0.0)


def _finite(err: pl.Expr) -> pl.Expr:
    """An error bound that went NaN or infinite (a quotient by a near-zero) makes every nearby test uncertain."""
    return err.fill_nan(float("inf"))


def _sum_err(*errs: pl.Expr | None) -> pl.Expr | None:
    found = [e for e in errs if e is not None]
    if not found:
        return None
    out = found[0]
    for e in found[1:]:
        out = out + e
    return out


def _div_err(q: pl.Expr, a: VVal, b: VVal) -> pl.Expr:
    """Error bound of the float quotient q = a / b."""
    spread = _sum_err(a.err, q.abs() * b.err if b.err is not None else None)
    rounding = q.abs() * U
    if spread is None:
        return rounding
    return spread / (b.num.abs() - (b.err if b.err is not None else 0.0)) + rounding


def _zero(v: VVal) -> tuple[pl.Expr, pl.Expr]:
    """Is v zero — exactly where its fraction is known, else by the float (then possibly wrong: the second part).
    A fact read as it is (no error) is zero exactly when its float is: no fraction needed."""
    if v.err is None:
        return v.num == 0, FALSE
    if v.rat is not None:
        test = pl.when(v.rat.ok).then(v.rat.n == 0).otherwise(v.num == 0)
        return test, both(~v.rat.ok, near_zero(v.num, v.err))
    return v.num == 0, near_zero(v.num, v.err)


def _merge_order(*orders: list[int]) -> list[int]:
    seen: dict[int, None] = {}
    for order in orders:
        for bit in order:
            seen.setdefault(bit, None)
    return list(seen)


def _or(masks: list[pl.Expr]) -> pl.Expr:
    out = masks[0]
    for m in masks[1:]:
        out = out | m
    return out


def _coalesce(exprs: list[pl.Expr], null: pl.Expr) -> pl.Expr:
    return pl.coalesce(exprs) if len(exprs) > 1 else exprs[0] if exprs else null


def _rat_leaf(x: pl.Expr) -> Rat:
    scaled = x * float(RAT_SCALE)
    rounded = scaled.round(0)
    exact = (x.abs() < 1e9) & ((scaled - rounded).abs() <= scaled.abs() * (4 * U))
    return Rat(pl.when(exact).then(rounded.cast(pl.Int128)).otherwise(NULL_R), RAT_SCALE, 14, 5)


def _rat_add(a: Rat, b: Rat, sign: int) -> Rat:
    if isinstance(a.d, int) and isinstance(b.d, int):
        lcm = a.d * b.d // math.gcd(a.d, b.d)
        fa, fb = lcm // a.d, lcm // b.d
        n = a.n * fa + b.n * fb if sign > 0 else a.n * fa - b.n * fb
        return Rat(n, lcm, max(a.n_digits + _digits(fa), b.n_digits + _digits(fb)) + 1, _digits(lcm))
    n = a.n * b.d_expr() + b.n * a.d_expr() if sign > 0 else a.n * b.d_expr() - b.n * a.d_expr()
    return Rat(n, a.d_expr() * b.d_expr(), max(a.n_digits + b.d_digits, b.n_digits + a.d_digits) + 1,
               a.d_digits + b.d_digits)  # fmt: skip


def _rat_div(a: Rat, b: Rat, times: int = 1) -> Rat:
    """(a / b) × times, the sign moved to the numerator."""
    n, d = _normalised(a.n * b.d_expr() * times, a.d_expr() * b.n)
    return Rat(n, d, a.n_digits + b.d_digits + _digits(times), a.d_digits + b.n_digits)


def _rat_fits(r: Rat | None) -> Rat | None:
    return r if r is not None and r.n_digits <= RAT_DIGITS and r.d_digits <= RAT_DIGITS else None


def _content_name(v: VVal) -> str:
    digest = hashlib.blake2b(digest_size=10)
    parts: list[pl.Expr | int | None] = [v.num, v.err, v.sens]
    if v.rat is not None:
        parts += [v.rat.n, v.rat.d, v.rat.n_digits, v.rat.d_digits]
    for part in parts:
        if isinstance(part, pl.Expr):
            digest.update(part.meta.serialize())
        else:
            digest.update(repr(part).encode())
        digest.update(b"\x00")
    return f"v{digest.hexdigest()}"


class ValueCompiler:
    """Compiles value nodes for one frame, as-of date and reference year; shares the missing-item registry of the
    rule set. Computed parts (number, error, sensitivity, exact fraction) become columns stage by stage, so a value
    refers to its parts by name and the expressions stay small however deep the rule."""

    def __init__(self, columns: set[str], as_of: dt.date) -> None:
        self.columns = columns
        self.as_of = as_of
        #: missing-item name → bit (the names are those the per-enterprise engine writes, e.g. "2024年研发费用")
        self.bits: dict[str, int] = {}
        #: how many "undefined" cases were given a code (the wording itself comes from the exact path)
        self.undefined_count = 0
        self._cache: dict[tuple[int, int], VVal] = {}
        self.stages: list[dict[str, pl.Expr]] = []

    # --- registries -------------------------------------------------------------------------------------------------

    def bit(self, name: str) -> int:
        found = self.bits.get(name)
        if found is None:
            if len(self.bits) >= 63:
                raise Unsupported("too many distinct missing items for one rule set (more than 63)")
            found = self.bits[name] = len(self.bits)
        return found

    def mask(self, bit: int) -> pl.Expr:
        return pl.lit(1 << bit, dtype=pl.UInt64)

    def undefined_code(self) -> pl.Expr:
        """A code for one "undefined" case of one node (which case applies is all a row's sentence needs; its
        wording depends at most on the periods, which the sentence key carries too)."""
        self.undefined_count += 1
        return pl.lit(self.undefined_count, dtype=pl.Int32)

    def col_f(self, name: str) -> pl.Expr:
        return pl.col(name) if name in self.columns else NULL_F

    def col_s(self, name: str) -> pl.Expr:
        return pl.col(name) if name in self.columns else NULL_S

    @property
    def registered(self) -> pl.Expr:
        return pl.col("registered_on") if "registered_on" in self.columns else pl.lit(None, dtype=pl.Date)

    # --- nodes --------------------------------------------------------------------------------------------------------

    def value(self, node: ValueNode, year: int) -> VVal:
        key = (id(node), year)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._materialise(self._value(node, year))
        return found

    def _materialise(self, v: VVal) -> VVal:
        """The parts decisions read (number, error, sensitivity, fraction) become columns of stage `depth`; what
        is only read for sentences (missing items, undefined case, period) stays an expression.

        The columns are named after what they compute (a digest of the expressions, whose inputs are facts and
        columns named the same way), so the same value in two rule sets is the same column: evaluated side by side
        (`evaluate_batch`), it is computed once."""
        stage_index = v.depth - 1
        while len(self.stages) <= stage_index:
            self.stages.append({})
        stage = self.stages[stage_index]
        name = _content_name(v)

        def put(suffix: str, expr: pl.Expr) -> pl.Expr:
            if expr.meta.is_column() or expr.meta.is_literal():
                return expr
            column = f"{name}.{suffix}"
            stage[column] = expr
            return pl.col(column)

        v.num = put("num", v.num)
        if v.err is not None:
            v.err = put("err", v.err)
        v.sens = put("sens", v.sens)
        # A fact read as it is compares exactly as a float; its fraction is only an input of computed values, so it
        # stays an expression inside theirs.
        if v.rat is not None and v.err is not None:
            n = put("n", v.rat.n)
            d = put("d", v.rat.d) if isinstance(v.rat.d, pl.Expr) else v.rat.d
            v.rat = Rat(n, d, v.rat.n_digits, v.rat.d_digits)
        return v

    def _value(self, node: ValueNode, year: int) -> VVal:
        if isinstance(node, Named):
            inner = self.value(node.node, year)
            return VVal(**{f: getattr(inner, f) for f in VVal.__slots__})  # type: ignore[attr-defined]
        if isinstance(node, Const):
            n, d = rat_const(node.value)
            return VVal(lit_f(node.value), rat=Rat(pl.lit(n, dtype=pl.Int128), d, _digits(n), _digits(d)))
        if isinstance(node, FactValue):
            return self._fact(node, year)
        if isinstance(node, TextFact):
            text = self.col_s(node.name)
            bit = self.bit(node.label)
            miss = pl.when(text.is_null()).then(self.mask(bit)).otherwise(ZERO_MASK)
            return VVal(NULL_F, miss=miss, text=text, order=[bit])
        if isinstance(node, YearsSince):
            return self._years_since(node)
        if isinstance(node, InputValue):
            number = self.col_f(input_column(node.code))
            text = self.col_s(input_column(node.code, "text"))
            bit = self.bit(f"{node.label}（{node.kind_label}）")
            miss = pl.when(number.is_null() & text.is_null()).then(self.mask(bit)).otherwise(ZERO_MASK)
            return VVal(
                number, miss=miss, text=pl.when(number.is_null()).then(text), order=[bit], rat=_rat_leaf(number)
            )
        if isinstance(node, Ratio):
            return self._ratio(node, year)
        if isinstance(node, Arithmetic):
            return self._arithmetic(node, year)
        if isinstance(node, Growth):
            return self._growth(node, year)
        if isinstance(node, CompoundGrowth):
            return self._cagr(node, year)
        if isinstance(node, AverageGrowth):
            return self._average_growth(node, year)
        raise Unsupported(f"value node {type(node).__name__}")

    def _fact(self, node: FactValue, year: int) -> VVal:
        last = year + node.offset
        if node.span == 1:
            c = self.col_f(fact_column(node.name, last))
            bit = self.bit(f"{last}年{node.fact_label}")
            miss = pl.when(c.is_null()).then(self.mask(bit)).otherwise(ZERO_MASK)
            return VVal(c, miss=miss, period=pl.lit(f"{last}年"), order=[bit], rat=_rat_leaf(c))
        first = last - node.span + 1
        years = list(range(first, last + 1))
        reg_year = self.registered.dt.year().cast(pl.Int32)
        masks, order, parts = [], [], []
        for y in years:
            c = self.col_f(fact_column(node.name, y))
            inc = (reg_year.is_null() | (reg_year <= y)) if node.operating_only else pl.lit(True)
            bit = self.bit(f"{y}年{node.fact_label}")
            order.append(bit)
            masks.append(pl.when(inc & c.is_null()).then(self.mask(bit)).otherwise(ZERO_MASK))
            parts.append((c, inc))
        miss = _or(masks)
        count = pl.sum_horizontal([inc.cast(pl.Int32) for _, inc in parts]) if node.operating_only else None
        rats = [(_rat_leaf(c), inc) for c, inc in parts]
        leaf_ok = _and([pl.when(inc).then(r.ok).otherwise(pl.lit(True)) for r, inc in rats])
        err: pl.Expr | None
        rat: Rat | None
        if node.agg in {"sum", "avg"}:
            total = pl.sum_horizontal([pl.when(inc).then(c).otherwise(0.0) for c, inc in parts])
            abs_total = pl.sum_horizontal([pl.when(inc).then(c.abs()).otherwise(0.0) for c, inc in parts])
            err = abs_total * (U * (len(years) + 1))
            n_sum = pl.sum_horizontal([pl.when(inc).then(r.n).otherwise(pl.lit(0, dtype=pl.Int128)) for r, inc in rats])
            n_sum = pl.when(leaf_ok).then(n_sum).otherwise(NULL_R)
            value = total
            if node.agg == "avg":
                how_many = count if count is not None else pl.lit(len(years))
                value = total / how_many
                err = err / how_many + value.abs() * U
                rat = Rat(n_sum, how_many.cast(pl.Int128) * RAT_SCALE, 16, 8)
            else:
                rat = Rat(n_sum, RAT_SCALE, 16, 5)
        else:
            picks = [pl.when(inc).then(c) for c, inc in parts]
            value = pl.min_horizontal(picks) if node.agg == "min" else pl.max_horizontal(picks)
            err = None  # the least or greatest of exact values is exact
            rat = _rat_leaf(value)
        none_included = (count == 0) if count is not None else pl.lit(False)
        num = pl.when(none_included | (miss != 0)).then(NULL_F).otherwise(value)
        full = year_span(first, last)
        if node.operating_only:
            start = pl.max_horizontal(pl.lit(first, dtype=pl.Int32), reg_year.fill_null(first))
            dynamic = (
                pl.when(start >= last)
                .then(pl.lit(f"{last}年"))
                .otherwise(pl.concat_str([start.cast(pl.String), pl.lit(f"–{last}年")]))
            )
            period = pl.when(none_included).then(pl.lit(full)).otherwise(dynamic)
            undef = pl.when(none_included).then(self.undefined_code()).otherwise(NULL_I)
        else:
            period, undef = pl.lit(full), NULL_I
        return VVal(num, err, miss=miss, undef=undef, period=period, order=order, rat=rat)

    def _years_since(self, node: YearsSince) -> VVal:
        reg = self.registered
        as_of = self.as_of
        before_anniversary = (reg.dt.month() > as_of.month) | (
            (reg.dt.month() == as_of.month) & (reg.dt.day() > as_of.day)
        )
        years = pl.lit(as_of.year, dtype=pl.Int32) - reg.dt.year().cast(pl.Int32) - before_anniversary.cast(pl.Int32)
        whole = pl.max_horizontal(years, pl.lit(0, dtype=pl.Int32))
        num = pl.when(reg.is_null()).then(NULL_F).otherwise(whole.cast(pl.Float64))
        bit = self.bit(node.fact_label)
        miss = pl.when(reg.is_null()).then(self.mask(bit)).otherwise(ZERO_MASK)
        period = pl.when(reg.is_not_null()).then(pl.concat_str([reg.cast(pl.String), pl.lit("成立")]))
        rat = Rat(whole.cast(pl.Int128), 1, 5, 1)
        return VVal(num, miss=miss, period=period, order=[bit], rat=rat)

    def _ratio(self, node: Ratio, year: int) -> VVal:
        a, b = self.value(node.numerator, year), self.value(node.denominator, year)
        known = a.known & b.known
        zero, zero_unsure = _zero(b)
        q = a.num / b.num
        r = q * 100.0
        err = _finite(_div_err(q, a, b) * 100.0 + r.abs() * U)
        code = self.undefined_code()
        undef = pl.when(~known).then(_coalesce([a.undef, b.undef], NULL_I)).when(zero).then(code).otherwise(NULL_I)
        rat = _rat_fits(_rat_div(a.rat, b.rat, 100)) if a.rat is not None and b.rat is not None else None
        return VVal(
            pl.when(known & ~zero).then(r).otherwise(NULL_F),
            err,
            sens=any_of([a.sens, b.sens, both(known, zero_unsure)]),
            miss=a.miss | b.miss,
            undef=undef,
            period=pl.coalesce([a.period, b.period]),
            order=_merge_order(a.order, b.order),
            depth=1 + max(a.depth, b.depth),
            rat=rat,
        )

    def _arithmetic(self, node: Arithmetic, year: int) -> VVal:
        vals = [self.value(item, year) for item in node.items]
        known = _and([v.known for v in vals])
        sens = any_of([v.sens for v in vals])
        undef: Any = pl.when(~known).then(_coalesce([v.undef for v in vals], NULL_I))
        op = node.op
        rats = [v.rat for v in vals]
        all_rat = all(r is not None for r in rats)
        rat: Rat | None = None
        zero_any = FALSE
        err: pl.Expr | None
        if op in {"add", "sub"}:
            r = vals[0].num
            for v in vals[1:]:
                r = r + v.num if op == "add" else r - v.num
            err = _sum_err(*(v.err for v in vals), r.abs() * (U * len(vals)))
            if all_rat:
                acc = rats[0]
                for other in rats[1:]:
                    assert acc is not None
                    assert other is not None
                    acc = _rat_add(acc, other, 1 if op == "add" else -1)
                rat = acc
        elif op == "mul":
            r, err = vals[0].num, vals[0].err
            acc = rats[0]
            for v, other in zip(vals[1:], rats[1:], strict=True):
                nxt = r * v.num
                err = _sum_err(
                    r.abs() * v.err if v.err is not None else None,
                    v.num.abs() * err if err is not None else None,
                    err * v.err if err is not None and v.err is not None else None,
                    nxt.abs() * U,
                )
                r = nxt
                if acc is not None and other is not None:
                    acc = Rat(acc.n * other.n, acc.d_expr() * other.d_expr() if not (isinstance(acc.d, int) and
                              isinstance(other.d, int)) else acc.d * other.d, acc.n_digits + other.n_digits,
                              acc.d_digits + other.d_digits)  # fmt: skip
                else:
                    acc = None
            rat = acc
        elif op in {"min", "max"}:
            nums = [v.num for v in vals]
            r = pl.min_horizontal(nums) if op == "min" else pl.max_horizontal(nums)
            errs = [v.err for v in vals if v.err is not None]
            err = pl.max_horizontal(errs) if errs else None
        else:  # div: the first zero divisor makes the value undefined
            r, err = vals[0].num, vals[0].err
            acc = rats[0]
            for v, other in zip(vals[1:], rats[1:], strict=True):
                is_zero, unsure = _zero(v)
                undef = undef.when(is_zero).then(self.undefined_code())
                zero_any = zero_any | is_zero
                sens = either(sens, both(known, unsure))
                nxt = r / v.num
                left = VVal(r, err)
                err = _div_err(nxt, left, v)
                r = nxt
                acc = _rat_div(acc, other) if acc is not None and other is not None else None
            rat = acc
        return VVal(
            pl.when(known & ~zero_any).then(r).otherwise(NULL_F),
            _finite(err) if err is not None else None,
            sens=sens,
            miss=_or([v.miss for v in vals]),
            undef=undef.otherwise(NULL_I),
            period=_coalesce([v.period for v in vals], NULL_S),
            order=_merge_order(*(v.order for v in vals)),
            depth=1 + max(v.depth for v in vals),
            rat=_rat_fits(rat),
        )

    def _growth(self, node: Growth, year: int) -> VVal:
        now, before = self.value(node.of, year), self.value(node.of, year - 1)
        known = now.known & before.known
        zero, zero_unsure = _zero(before)
        q = now.num / before.num
        r = (q - 1.0) * 100.0
        err = _finite((_div_err(q, now, before) + (q - 1.0).abs() * U) * 100.0 + r.abs() * U)
        code = self.undefined_code()
        rat = None
        if now.rat is not None and before.rat is not None:
            rat = _rat_fits(_rat_div(_rat_add(now.rat, before.rat, -1), before.rat, 100))
        return VVal(
            pl.when(known & ~zero).then(r).otherwise(NULL_F),
            err,
            sens=any_of([now.sens, before.sens, both(known, zero_unsure)]),
            miss=before.miss | now.miss,
            undef=pl.when(known & zero).then(code).otherwise(NULL_I),
            period=pl.lit(year_span(year - 1, year)),
            order=_merge_order(before.order, now.order),
            depth=1 + max(now.depth, before.depth),
            rat=rat,
        )

    def _cagr(self, node: CompoundGrowth, year: int) -> VVal:
        base_year = year - node.years
        now, base = self.value(node.of, year), self.value(node.of, base_year)
        both = now.known & base.known
        base_zero, base_unsure = _zero(base)
        now_zero, now_unsure = _zero(now)
        bad = base_zero | (base.num < 0) | (now.num < 0)
        q = now.num / base.num
        e_q = _div_err(q, now, base)
        if node.years == 1:
            f, e_f = q, e_q
        elif node.years == 2:
            f = q.sqrt()
            e_f = e_q / (f * 2.0) + f * U
        else:
            f = (q.log() / node.years).exp()
            e_f = f * e_q / (q * node.years) + f * (4 * U)
        r = (f - 1.0) * 100.0
        # The per-enterprise engine settles the rate to 1e-12 %: its own distance from the true rate.
        err = _finite((e_f + (f - 1.0).abs() * U) * 100.0 + r.abs() * U + 1e-12)
        value = pl.when(now_zero).then(pl.lit(-100.0)).otherwise(r)
        code = self.undefined_code()
        sens = now.sens | base.sens | (both & (base_unsure | now_unsure))
        sens = sens | (both & ~bad & ~now_zero & (q <= e_q * TOL_FACTOR)).fill_null(False)
        return VVal(
            pl.when(both & ~bad).then(value).otherwise(NULL_F),
            pl.when(now_zero).then(pl.lit(0.0)).otherwise(err),
            sens=sens,
            miss=base.miss | now.miss,
            undef=pl.when(both & bad).then(code).otherwise(NULL_I),
            period=pl.lit(year_span(base_year, year)),
            order=_merge_order(base.order, now.order),
            depth=1 + max(now.depth, base.depth),
        )

    def _average_growth(self, node: AverageGrowth, year: int) -> VVal:
        n = node.years
        first = year - n + 1
        reg_year = self.registered.dt.year().cast(pl.Int32)
        nums, errs, masks, orders, depths, zeros = [], [], [], [], [], []
        sens = FALSE
        for k in range(n):
            y = first + k
            v = self.value(node.of, y)
            pre = (reg_year.is_not_null() & (reg_year > y)) if node.operating_only else pl.lit(False)
            nums.append(pl.when(pre).then(pl.lit(0.0)).otherwise(v.num))
            errs.append(pl.when(pre).then(pl.lit(0.0)).otherwise(v.error))
            masks.append(pl.when(pre).then(ZERO_MASK).otherwise(v.miss))
            orders.append(v.order)
            depths.append(v.depth)
            is_zero, unsure = _zero(v)
            zeros.append(pre | is_zero)
            sens = sens | pl.when(pre).then(FALSE).otherwise(v.sens | unsure)
        known = _and([x.is_not_null() for x in nums])
        drop = zeros[0]
        undef: Any = pl.when(~known).then(NULL_I)
        if n == 2:
            undef = undef.when(drop).then(self.undefined_code())
        zero_any = FALSE
        for k in range(1, n - 1):
            undef = undef.when(zeros[k]).then(self.undefined_code())
            zero_any = zero_any | zeros[k]
        total = pl.lit(0.0)
        total_err = pl.lit(0.0)
        for k in range(n - 1):
            ratio = nums[k + 1] / nums[k]
            e_r = (errs[k + 1] + ratio.abs() * errs[k]) / (nums[k].abs() - errs[k]) + ratio.abs() * U
            use = ~drop if k == 0 else pl.lit(True)
            total = total + pl.when(use).then(ratio).otherwise(0.0)
            total_err = total_err + pl.when(use).then(e_r).otherwise(0.0)
        count = pl.when(drop).then(pl.lit(float(n - 2))).otherwise(pl.lit(float(n - 1)))
        mean = total / count
        r = (mean - 1.0) * 100.0
        e_mean = total_err / count + mean.abs() * (U * n)
        err = _finite((e_mean + (mean - 1.0).abs() * U) * 100.0 + r.abs() * U)
        defined = known & ~zero_any & (~drop if n == 2 else pl.lit(True))
        return VVal(
            pl.when(defined).then(r).otherwise(NULL_F),
            err,
            sens=known & sens,
            miss=_or(masks),
            undef=undef.otherwise(NULL_I),
            period=pl.lit(year_span(first, year)),
            order=_merge_order(*orders),
            depth=1 + max(depths),
        )


def _and(tests: list[pl.Expr]) -> pl.Expr:
    out = tests[0]
    for t in tests[1:]:
        out = out & t
    return out
