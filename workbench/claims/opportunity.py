"""The savings opportunity: the comorbid excess cost a year, times each published savings rate.

Annualised by the months the extract covers, counted as the distinct months in the members file:
excess PMPM x BH member-months x 12 / months covered. A file covering 2024-01 to 2024-06 is thus
doubled; one covering 24 months is halved. The savings rates come in as data, so this module
needs no database.
"""

import statistics
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from workbench.claims.results import Opportunity, Population, SavingsEstimate
from workbench.engine.decimals import MONTHS, ZERO, engine_context

TWO = Decimal(2)
NO_EVIDENCE = "no savings evidence loaded: no percentage to apply"
NO_EXCESS = "members with a BH condition cost no more a month than others: no excess to save"
SUPPRESSED = "fewer than 11 members with or without a BH condition: figures suppressed"


class SavingsRate(NamedTuple):
    """A published percentage saving of total cost, as fractions (0.09 for 9%)."""

    key: str
    label: str
    low: Decimal
    high: Decimal


def opportunity(
    overall: Population, months_covered: int, rates: Sequence[SavingsRate]
) -> Opportunity:
    """Apply each savings rate to the yearly comorbid excess cost of the population."""
    with_bh, without_bh = overall.cohorts.with_bh, overall.cohorts.without_bh
    if with_bh.pmpm is None or without_bh.pmpm is None or with_bh.member_months is None:
        return Opportunity(None, None, months_covered, None, (), None, None, None, True, SUPPRESSED)
    with engine_context():
        excess_pmpm = with_bh.pmpm - without_bh.pmpm
        annual = excess_pmpm * with_bh.member_months * MONTHS / months_covered
        # A negative excess would turn a saving into a cost: nothing is there to save.
        base = max(annual, ZERO)
        estimates = tuple(_estimate(rate, base) for rate in rates)
    note = NO_EXCESS if annual <= 0 else (NO_EVIDENCE if not rates else None)
    return Opportunity(
        excess_pmpm=excess_pmpm,
        bh_member_months=with_bh.member_months,
        months_covered=months_covered,
        annual_excess_cost=annual,
        estimates=estimates,
        low=min((e.low for e in estimates), default=None),
        mid=_median(e.mid for e in estimates),
        high=max((e.high for e in estimates), default=None),
        suppressed=False,
        note=note,
    )


def _estimate(rate: SavingsRate, base: Decimal) -> SavingsEstimate:
    """Low, mid and high savings of one rate; mid is halfway between low and high."""
    mid_rate = (rate.low + rate.high) / TWO
    return SavingsEstimate(
        key=rate.key,
        label=rate.label,
        low_rate=rate.low,
        high_rate=rate.high,
        low=base * rate.low,
        mid=base * mid_rate,
        high=base * rate.high,
    )


def _median(values: Iterable[Decimal]) -> Decimal | None:
    """The range's mid: the median of the estimates' mids (they disagree; the median resists)."""
    values = list(values)
    if not values:
        return None
    with engine_context():
        return statistics.median(values)
