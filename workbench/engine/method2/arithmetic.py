"""Method 2's Decimal settings, the quote in whole cents, and the contract calendar."""

import math
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext

from ..decimals import CENTS, ONE, ZERO

MONTHS_A_YEAR = 12
# Section 5: quote(x) is x half-up to 8 places (so that noise in the last digit never adds a
# cent), then up to the next whole cent; arithmetic at 28 significant digits.
QUOTE_NOISE = Decimal("1e-8")
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)


def contract_context() -> AbstractContextManager[Context]:
    """Return a local decimal context for method-2 arithmetic."""
    return localcontext(_CONTEXT)


def quote(value: Decimal) -> Decimal:
    """Quote a rate in whole cents, rounded up, after dropping arithmetic noise."""
    steady = value.quantize(QUOTE_NOISE, rounding=ROUND_HALF_UP)
    return steady.quantize(CENTS, rounding=ROUND_CEILING)


def year_of(month: int) -> int:
    """Return the contract year of a month counted from 1 (months past the term keep counting)."""
    return math.ceil(month / MONTHS_A_YEAR)


def growth(rate: Decimal, year: int) -> Decimal:
    """Return (1 + rate)^(year - 1): a trend or escalator applied in a later year."""
    return (ONE + rate) ** (year - 1)


def discount(rate: Decimal, year: int) -> Decimal:
    """Return d_y = (1 + i)^-(y - 1)."""
    return ONE / growth(rate, year)


def present_value(rate: Decimal, by_year: Iterable[Decimal]) -> Decimal:
    """Sum year-by-year flows, each multiplied by its year's discount factor."""
    return sum((discount(rate, year) * flow for year, flow in enumerate(by_year, start=1)), ZERO)


def by_year(monthly: Sequence[Decimal], years: int) -> tuple[Decimal, ...]:
    """Add up monthly figures into contract years."""
    return tuple(
        sum(monthly[(year - 1) * MONTHS_A_YEAR : year * MONTHS_A_YEAR], ZERO)
        for year in range(1, years + 1)
    )


def ratio_or_none(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """Divide, or return None when the denominator is zero."""
    return None if denominator == 0 else numerator / denominator
