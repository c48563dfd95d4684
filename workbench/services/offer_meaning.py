"""What an offered rate means for both sides with the terms fixed at it, read against the
method-2 scenario it was priced from (contract.evaluate_offer), and where it sits in the zone."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from workbench import engine
from workbench.engine import contract
from workbench.services.contract_figures import ZoneLine, rate_unit, zone_line


@dataclass(frozen=True)
class OfferMeaning:
    """An offer's level rate, what each side comes out with over the term, and the zone."""

    rate: Decimal
    unit: str
    pv_provider_net: Decimal
    pv_payer_net_savings: Decimal
    payer_roi: Decimal | None
    position: str
    inside: bool
    zone: ZoneLine

    @property
    def walk_away(self) -> Decimal:
        """Return our walk-away, the lowest level rate that covers the program."""
        return next(mark.value for mark in self.zone.marks if mark.kind == "walk_away")

    @property
    def ceiling(self) -> Decimal:
        """Return their ceiling, the highest level rate the savings repay."""
        return next(mark.value for mark in self.zone.marks if mark.kind == "ceiling")


def offer_meaning(
    inputs: Mapping[str, Any] | None, rate: Decimal | None, model: str
) -> OfferMeaning | None:
    """Read a level rate against a stored scenario's inputs; None when it cannot be read: no
    rate or scenario, a method-1 scenario, or a payment model without a level rate."""
    if inputs is None or rate is None or model not in contract.PRICED_MODELS:
        return None
    try:
        scenario = engine.parse_scenario(inputs)
        if not isinstance(scenario, contract.ContractScenario):
            return None
        offer = contract.evaluate_offer(scenario, rate, model)
    except engine.ScenarioError:
        return None
    return OfferMeaning(
        rate=rate,
        unit=rate_unit(model),
        pv_provider_net=offer.pv_provider_net,
        pv_payer_net_savings=offer.pv_payer_net_savings,
        payer_roi=offer.payer_roi,
        position=offer.position,
        inside=not (offer.below_walk_away or offer.above_ceiling),
        zone=zone_line(offer.zone, model, offers=[("This offer", rate)]),
    )
