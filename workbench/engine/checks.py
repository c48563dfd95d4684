"""Warnings for values that are legal but unusual; they travel with every result."""

from decimal import Decimal
from typing import TYPE_CHECKING

from .decimals import plain

if TYPE_CHECKING:
    from .parse import AnyScenario

USUAL_CASELOAD_PER_FTE = (Decimal(40), Decimal(120))
LONGEST_USUAL_EPISODE_MONTHS = Decimal(12)
HIGHEST_USUAL_BILLABLE_FRACTION = Decimal("0.95")


def scenario_warnings(scenario: "AnyScenario") -> tuple[str, ...]:
    """List the scenario's unusual values, each naming its field."""
    low, high = USUAL_CASELOAD_PER_FTE
    caseload = scenario.program.caseload_per_fte
    episode = scenario.program.episode_months
    billable = scenario.billing.billable_fraction
    warnings = []
    if not low <= caseload <= high:
        warnings.append(
            f"program.caseload_per_fte: {plain(caseload)} is outside the usual "
            f"{low}-{high} patients per FTE"
        )
    if episode > LONGEST_USUAL_EPISODE_MONTHS:
        warnings.append(
            f"program.episode_months: {plain(episode)} is longer than the usual "
            f"{LONGEST_USUAL_EPISODE_MONTHS} months"
        )
    if billable > HIGHEST_USUAL_BILLABLE_FRACTION:
        warnings.append(
            f"billing.billable_fraction: {plain(billable)} is above the usual "
            f"maximum of {HIGHEST_USUAL_BILLABLE_FRACTION}"
        )
    return tuple(warnings)
