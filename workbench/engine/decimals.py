"""Decimal arithmetic settings and the rounding used whenever a figure is shown."""

from contextlib import AbstractContextManager
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext

ZERO = Decimal(0)
ONE = Decimal(1)
MONTHS = Decimal(12)
CENTS = Decimal("0.01")
RATIO_PLACES = Decimal("0.0001")

# 34 digits keeps every intermediate exact to far below a cent; rounding happens only on display.
_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN)


def engine_context() -> AbstractContextManager[Context]:
    """Return a local decimal context for engine arithmetic, leaving the global one alone."""
    return localcontext(_CONTEXT)


def rounded(value: Decimal, places: Decimal) -> Decimal:
    """Round half-up to the given places, never showing a negative zero."""
    with engine_context():
        shown = value.quantize(places, rounding=ROUND_HALF_UP)
    return shown.copy_abs() if shown.is_zero() else shown


def money(value: Decimal | None) -> str | None:
    """Show a sum of money to the cent."""
    return None if value is None else str(rounded(value, CENTS))


def ratio(value: Decimal | None) -> str | None:
    """Show a ratio to 4 places."""
    return None if value is None else str(rounded(value, RATIO_PLACES))


def count(value: Decimal | None) -> str | None:
    """Show a count: whole numbers bare, fractional ones to 2 places."""
    if value is None:
        return None
    shown = rounded(value, CENTS)
    return str(shown.to_integral_value()) if shown == shown.to_integral_value() else str(shown)


def plain(value: Decimal) -> str:
    """Show a Decimal exactly, without exponent or trailing zeros."""
    return format(value.normalize(), "f")


def ratio_of(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """Divide, or return None when the denominator is zero."""
    return None if denominator == 0 else numerator / denominator
