"""Sections 2 to 4 of rate method 2: the program month by month, each payer by year, and the
focus payer's savings as treated patients accumulate and their savings start and end."""

import math
from dataclasses import dataclass
from decimal import Decimal

from ..decimals import MONTHS, ONE, ZERO
from ..program import billed, personnel_cost
from ..schema import Payer
from .arithmetic import MONTHS_A_YEAR, by_year, discount, growth, year_of
from .results import ContractPayer, ContractProgram, PayerYear, ProgramYear
from .schema import ContractScenario

HALF = Decimal("0.5")


def contract_program(scenario: ContractScenario) -> ContractProgram:
    """Work out the caseload month by month and the program's cost year by year."""
    program, costs, contract = scenario.program, scenario.costs, scenario.contract
    caseload = program.care_manager_fte * program.caseload_per_fte
    months = MONTHS_A_YEAR * contract.term_years
    monthly = tuple(caseload * _ramp(program.ramp_months, t) for t in range(1, months + 1))
    personnel = personnel_cost(program, costs)
    running = personnel + costs.other_direct_annual
    years = []
    for year, patient_months in enumerate(by_year(monthly, contract.term_years), start=1):
        cost = running * growth(contract.cost_trend, year) * (ONE + costs.overhead_rate)
        cost += _amortisation(scenario, year)
        years.append(ProgramYear(year, patient_months, cost, cost / patient_months))
    unrecovered = costs.startup_costs * max(ZERO, costs.amortization_years - contract.term_years)
    return ContractProgram(
        active_caseload=caseload,
        personnel=personnel,
        unrecovered_startup=unrecovered / costs.amortization_years,
        monthly_caseload=monthly,
        years=tuple(years),
    )


def contract_payer(
    scenario: ContractScenario, program: ContractProgram, payer: Payer
) -> ContractPayer:
    """Work out one payer's patient-months, FFS revenue and allocated cost for every year."""
    share = payer.caseload_share
    years = []
    for figures in program.years:
        patient_months = figures.enrolled_patient_months * share
        escalated = growth(scenario.contract.rate_escalator, figures.year)
        bill = billed(scenario, payer, patient_months, escalated)
        allocated = figures.annual_cost * share
        years.append(
            PayerYear(
                year=figures.year,
                enrolled_patient_months=patient_months,
                episodes_started=bill.episodes,
                billable_units_value=bill.units_value,
                ffs_revenue=bill.revenue,
                allocated_cost=allocated,
                ffs_margin=bill.revenue - allocated,
            )
        )
    return ContractPayer(payer.name, share, payer.attributed_members * MONTHS, tuple(years))


@dataclass(frozen=True, slots=True)
class SavingsFlows:
    """The focus payer's gross savings by year, the tail after the term, and the cohort followed."""

    gross: tuple[Decimal, ...]
    followed: tuple[Decimal, ...]
    tail: Decimal
    pv_tail: Decimal


def savings_flows(scenario: ContractScenario, program: ContractProgram) -> SavingsFlows:
    """Start episodes in every month of the term and count the months each one saves."""
    savings, contract = scenario.savings, scenario.contract
    share, episode = scenario.focus.caseload_share, scenario.program.episode_months
    starts = [share * active / episode for active in program.monthly_caseload]
    started = _running_totals(starts)
    lag, duration = savings.lag_months, savings.duration_months
    followed_months = max(math.ceil(episode), lag + duration)
    term = len(starts)
    saving = [
        _saving_month(scenario, started, t, lag, duration) for t in range(1, term + lag + duration)
    ]
    followed = [_window(started, t, t - followed_months) for t in range(1, term + 1)]
    tail = saving[term:]
    return SavingsFlows(
        gross=by_year(saving, contract.term_years),
        followed=by_year(followed, contract.term_years),
        tail=sum(tail, ZERO),
        pv_tail=sum(
            (
                discount(contract.discount_rate, year_of(t)) * flow
                for t, flow in enumerate(tail, term + 1)
            ),
            ZERO,
        ),
    )


def saving_per_patient_month(scenario: ContractScenario, year: int) -> Decimal:
    """Return v_y: s, or g of the focus payer's cohort cost, grown by the medical trend."""
    savings = scenario.savings
    amount = savings.amount
    if savings.basis == "percent_of_cohort_tcoc":
        amount *= scenario.focus.baseline_tcoc_pmpm * savings.cohort_cost_multiplier
    return amount * growth(scenario.contract.medical_trend, year)


def _saving_month(
    scenario: ContractScenario, started: list[Decimal], t: int, lag: int, duration: int
) -> Decimal:
    # Episodes started in months t - l - D + 1 .. t - l save in month t.
    patients = _window(started, t - lag, t - lag - duration)
    return saving_per_patient_month(scenario, year_of(t)) * patients if patients else ZERO


def _window(started: list[Decimal], last: int, before_first: int) -> Decimal:
    """Episodes started in months before_first + 1 .. last (clipped to the term)."""
    term = len(started) - 1
    last, before_first = min(last, term), max(before_first, 0)
    return started[last] - started[before_first] if last > before_first else ZERO


def _running_totals(starts: list[Decimal]) -> list[Decimal]:
    totals = [ZERO]
    for count in starts:
        totals.append(totals[-1] + count)
    return totals


def _ramp(ramp_months: Decimal, month: int) -> Decimal:
    """f_t: 1 without a ramp, else the share of the full caseload reached mid-month."""
    if ramp_months == 0:
        return ONE
    return min(ONE, (month - HALF) / ramp_months)


def _amortisation(scenario: ContractScenario, year: int) -> Decimal:
    costs = scenario.costs
    years_left = min(ONE, max(ZERO, costs.amortization_years - (year - 1)))
    return costs.startup_costs / costs.amortization_years * years_left
