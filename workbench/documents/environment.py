"""The Jinja environment for printed documents: sandboxed, autoescaped, display-only filters.

Filters round and format figures the engine computed (money to cents, ratios to 4 places, as
RATE_METHOD.md says); they never compute one. Templates live in templates/documents/.
"""

from datetime import date
from decimal import Decimal

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from workbench import config
from workbench.engine.decimals import CENTS, RATIO_PLACES, rounded

TEMPLATES_DIR = config.TEMPLATES_DIR / "documents"
DASH = "—"
MINUS = "−"


def money(value: Decimal | None, cents: bool = True) -> str:
    """Format dollars with thousands separators: $1,234.56, −$45,945.36, or a dash for none."""
    if value is None:
        return DASH
    shown = rounded(value, CENTS if cents else Decimal(1))
    text = f"${abs(shown):,.2f}" if cents else f"${abs(shown):,.0f}"
    return f"{MINUS}{text}" if shown < 0 else text


def ratio(value: Decimal | None) -> str:
    """Format a ratio to 4 places (payer ROI 0.3583), or a dash for none."""
    if value is None:
        return DASH
    shown = rounded(value, RATIO_PLACES)
    return f"{MINUS}{abs(shown)}" if shown < 0 else str(shown)


def percent(value: Decimal | None, places: int = 1) -> str:
    """Format a fraction as a percentage (0.0756 to 7.6%), or a dash for none."""
    if value is None:
        return DASH
    shown = rounded(value * 100, Decimal(1).scaleb(-places))
    return f"{MINUS}{abs(shown)}%" if shown < 0 else f"{shown}%"


def number(value: Decimal | int | None, places: int = 0) -> str:
    """Format a count with thousands separators (12,000 members; 1,596 patient-months)."""
    if value is None:
        return DASH
    shown = rounded(Decimal(value), Decimal(1).scaleb(-places))
    return f"{shown:,.{places}f}"


def long_date(value: date) -> str:
    """Format a date as a contract would: November 23, 2026."""
    return f"{value:%B} {value.day}, {value.year}"


def make_environment() -> SandboxedEnvironment:
    """Return the environment documents are rendered with (our templates only)."""
    environment = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        money=money, ratio=ratio, percent=percent, number=number, long_date=long_date
    )
    return environment
