"""Sections 2 and 3 of rate method 1: the program's cost and each payer's FFS figures."""

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .decimals import MONTHS, ONE
from .results import PayerFigures, ProgramFigures
from .schema import Costs, Payer, Program, Scenario

if TYPE_CHECKING:
    from .parse import AnyScenario


def program_figures(scenario: Scenario) -> ProgramFigures:
    """Work out caseload, enrolled patient-months and annual cost for the whole program."""
    program, costs = scenario.program, scenario.costs
    fte = program.care_manager_fte
    caseload = fte * program.caseload_per_fte
    patient_months = caseload * (MONTHS - program.ramp_months / 2)
    personnel = personnel_cost(program, costs)
    annual_cost = (personnel + costs.other_direct_annual) * (ONE + costs.overhead_rate)
    annual_cost += costs.startup_costs / costs.amortization_years
    return ProgramFigures(
        active_caseload=caseload,
        enrolled_patient_months=patient_months,
        personnel=personnel,
        annual_cost=annual_cost,
        cost_per_enrolled_month=annual_cost / patient_months,
    )


def personnel_cost(program: Program, costs: Costs) -> Decimal:
    """Return F x S x (1 + beta) + R x (h x F + d) x w: care managers and consultant time."""
    fte = program.care_manager_fte
    consultant_hours = program.consultant_hours_per_week_per_fte * fte
    consultant_hours += program.direct_psychiatric_hours_per_week
    personnel = fte * costs.care_manager_salary * (ONE + costs.benefits_rate)
    return personnel + costs.consultant_hourly_rate * consultant_hours * program.weeks_per_year


def payer_figures(scenario: Scenario, program: ProgramFigures, payer: Payer) -> PayerFigures:
    """Work out one payer's patient-months, billable units, FFS revenue and allocated cost."""
    patient_months = program.enrolled_patient_months * payer.caseload_share
    bill = billed(scenario, payer, patient_months)
    allocated = program.annual_cost * payer.caseload_share
    return PayerFigures(
        name=payer.name,
        caseload_share=payer.caseload_share,
        enrolled_patient_months=patient_months,
        episodes_started=bill.episodes,
        billable_units_value=bill.units_value,
        ffs_revenue=bill.revenue,
        allocated_cost=allocated,
        ffs_margin=bill.revenue - allocated,
        member_months=payer.attributed_members * MONTHS,
    )


@dataclass(frozen=True, slots=True)
class Billed:
    """One payer's patient-months as CoCM claims: episodes, the units' value, FFS revenue."""

    episodes: Decimal
    units_value: Decimal
    revenue: Decimal


def billed(
    scenario: "AnyScenario", payer: Payer, patient_months: Decimal, rate_growth: Decimal = ONE
) -> Billed:
    """Bill a payer's patient-months at its rates (grown by `rate_growth`), collected as billed."""
    billing = scenario.billing
    episodes = patient_months / scenario.program.episode_months
    units = units_value(payer, patient_months, episodes, billing.addon_units_per_billed_month)
    units *= rate_growth
    return Billed(episodes, units, billing.collection_rate * billing.billable_fraction * units)


def units_value(
    payer: Payer, patient_months: Decimal, episodes: Decimal, addon_units: Decimal
) -> Decimal:
    """Value the CoCM units of one payer's patient-months at its contracted rates."""
    # Each episode bills 99492 once, its other months 99493, and every month the add-on units.
    return (
        episodes * payer.rate("99492")
        + (patient_months - episodes) * payer.rate("99493")
        + patient_months * addon_units * payer.rate("99494")
    )
