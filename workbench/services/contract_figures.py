"""What the pages show of a method-2 result: the zone as a number line and the warnings a lead
reads beside the figures. Positions and comparisons are made here, never in a template."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from workbench.engine import contract

HUNDRED = Decimal(100)
# The number line leaves this share of its width free at each end, so no mark sits on the edge.
MARGIN = Decimal(8)


@dataclass(frozen=True)
class ZoneMark:
    """One rate on the zone's number line, at `position` percent of its width."""

    kind: str
    label: str
    value: Decimal
    position: Decimal


@dataclass(frozen=True)
class ZoneLine:
    """The zone of agreement drawn as a line: walk-away, our ask, their ceiling (and offers)."""

    unit: str
    agreement: bool
    band_start: Decimal
    band_width: Decimal
    marks: tuple[ZoneMark, ...]


def rate_unit(model: str) -> str:
    """Name what a level rate of this model is paid on."""
    return "case rate per enrolled patient-month" if model == "bundled" else "PMPM"


def zone_line(
    zone: contract.Zone, model: str, offers: Sequence[tuple[str, Decimal]] = ()
) -> ZoneLine:
    """Place our walk-away, our ask, their ceiling and any offers on one number line."""
    points = [
        ("walk_away", "Our walk-away", zone.walk_away),
        ("ask", "Our ask", zone.proposed),
        ("ceiling", "Their ceiling", zone.ceiling),
        *(("offer", label, value) for label, value in offers),
    ]
    low = min(value for _, _, value in points)
    high = max(value for _, _, value in points)
    span = high - low

    def at(value: Decimal) -> Decimal:
        if span == 0:
            return HUNDRED / 2
        return (MARGIN + (value - low) / span * (HUNDRED - 2 * MARGIN)).quantize(Decimal("0.1"))

    start, end = at(zone.walk_away), at(zone.ceiling)
    return ZoneLine(
        unit=rate_unit(model),
        agreement=zone.agreement,
        band_start=min(start, end),
        band_width=abs(end - start),
        marks=tuple(ZoneMark(kind, label, value, at(value)) for kind, label, value in points),
    )


def result_warnings(
    scenario: contract.ContractScenario, result: contract.ContractResult
) -> tuple[str, ...]:
    """Say what a lead must know before quoting these figures that the engine does not flag."""
    warnings = []
    if result.payer_roi is not None and result.payer_roi < 1:
        warnings.append(
            "Payer ROI: the payer gets back less than it pays over the term; expect it to ask "
            "for evidence of larger savings or a lower rate"
        )
    if result.model == "ffs_plus_incentives" and not scenario.terms.quality_incentives:
        warnings.append(
            "terms.quality_incentives: the model is fee-for-service plus incentives but no "
            "incentive is entered; add the measures the payer pays for"
        )
    return tuple(warnings)
