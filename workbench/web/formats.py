"""How the pages word a figure that documents print differently."""

from decimal import Decimal

from workbench.documents.environment import DASH, money


def per_dollar(value: Decimal | None) -> str:
    """Word a return as money back per dollar paid: "$0.37 back per $1", or a dash for none."""
    return DASH if value is None else f"{money(value)} back per $1"
