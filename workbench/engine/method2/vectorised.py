"""Rate method 2 with the terms held, in float over NumPy arrays of draws x months.

The Decimal engine is the reference; this copy exists because Monte Carlo and the break-even
search need thousands of outcome evaluations in milliseconds. Inputs are floats or arrays of
draws keyed by canonical name (see ..vectorised.float_values); the terms come from the point
estimate's FixedTerms.
"""

from dataclasses import dataclass

import numpy as np

from ..vectorised import Array, Values
from .results import FixedTerms
from .schema import ContractScenario


@dataclass(frozen=True, slots=True)
class TermOutcomes:
    """The contract over the term for every draw; ROI is NaN where the payer pays nothing."""

    pv_provider_net: np.ndarray
    pv_payer_net_savings: np.ndarray
    payer_roi: np.ndarray


def term_outcomes(
    scenario: ContractScenario, terms: FixedTerms, values: Values, size: int
) -> TermOutcomes:
    """Evaluate the focus payer's contract, terms held, for every draw."""
    v = {
        name: np.broadcast_to(np.asarray(value, dtype=float), (size,))[:, None]
        for name, value in values.items()
    }
    years = scenario.contract.term_years
    payer = f"payers.{scenario.focus_payer}."
    with np.errstate(divide="ignore", invalid="ignore"):
        active = _active_by_month(v, years)
        share = v[payer + "caseload_share"]
        patient_months = _by_year(active, years) * share
        allocated = _annual_cost(v, years) * share
        revenue = _code_revenue(v, payer, patient_months, years)
        gross, followed = _savings(scenario, v, payer, active * share, years)
        member_months = v[payer + "attributed_members"] * 12
        payments = _payments(terms, member_months, patient_months)
        if terms.model == "bundled":
            revenue = np.zeros_like(revenue)
        incentives = float(terms.incentives) if terms.model == "ffs_plus_incentives" else 0.0
        shared: Array = 0.0
        if terms.model == "total_cost_of_care":
            benchmark = _benchmark(scenario, v, payer, member_months, followed, years)
            shared = _shared(terms, gross - revenue - payments, benchmark)
        added = revenue + incentives + payments + shared
        discount = (1 + v["contract.discount_rate"]) ** -np.arange(years)
        pv_added = (added * discount).sum(axis=1)
        pv_gross = (gross * discount).sum(axis=1)
        pv_allocated = (allocated * discount).sum(axis=1)
        roi = np.where(pv_added != 0, pv_gross / pv_added, np.nan)
    return TermOutcomes(pv_added - pv_allocated, pv_gross - pv_added, roi)


def _active_by_month(v: dict[str, np.ndarray], years: int) -> np.ndarray:
    months = np.arange(1, 12 * years + 1)
    ramp = v["program.ramp_months"]
    reached = np.where(ramp > 0, np.minimum(1.0, (months - 0.5) / np.where(ramp > 0, ramp, 1)), 1.0)
    return v["program.care_manager_fte"] * v["program.caseload_per_fte"] * reached


def _by_year(monthly: np.ndarray, years: int) -> np.ndarray:
    return monthly[:, : 12 * years].reshape(monthly.shape[0], years, 12).sum(axis=2)


def _growth(rate: np.ndarray, count: int) -> np.ndarray:
    return (1 + rate) ** np.arange(count)


def _annual_cost(v: dict[str, np.ndarray], years: int) -> np.ndarray:
    fte = v["program.care_manager_fte"]
    hours = v["program.consultant_hours_per_week_per_fte"] * fte
    hours = hours + v["program.direct_psychiatric_hours_per_week"]
    personnel = fte * v["costs.care_manager_salary"] * (1 + v["costs.benefits_rate"])
    personnel = personnel + v["costs.consultant_hourly_rate"] * hours * v["program.weeks_per_year"]
    running = (personnel + v["costs.other_direct_annual"]) * (1 + v["costs.overhead_rate"])
    amortisation_years = v["costs.amortization_years"]
    left = np.clip(amortisation_years - np.arange(years), 0, 1)
    amortised = v["costs.startup_costs"] / amortisation_years * left
    return running * _growth(v["contract.cost_trend"], years) + amortised


def _code_revenue(
    v: dict[str, np.ndarray], payer: str, patient_months: np.ndarray, years: int
) -> np.ndarray:
    episodes = patient_months / v["program.episode_months"]
    units = (
        episodes * v[payer + "rates.99492"] + (patient_months - episodes) * v[payer + "rates.99493"]
    )
    units = (
        units
        + patient_months * v["billing.addon_units_per_billed_month"] * v[payer + "rates.99494"]
    )
    units = units * _growth(v["contract.rate_escalator"], years)
    return v["billing.collection_rate"] * v["billing.billable_fraction"] * units


def _savings(
    scenario: ContractScenario,
    v: dict[str, np.ndarray],
    payer: str,
    focus_active: np.ndarray,
    years: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Gross savings by year in the term, and patients followed by year (the cohort benchmark)."""
    term = 12 * years
    size = focus_active.shape[0]
    starts = focus_active / v["program.episode_months"]
    started = np.concatenate([np.zeros((size, 1)), np.cumsum(starts, axis=1)], axis=1)
    lag = np.rint(v["savings.lag_months"])
    duration = np.rint(v["savings.duration_months"])
    months = np.arange(1, term + 1)
    saving = _window(started, months - lag, months - lag - duration, term)
    per_month = _saving_per_patient_month(scenario, v, payer, years)
    gross = _by_year(saving, years) * per_month
    followed_for = np.maximum(np.ceil(v["program.episode_months"]), lag + duration)
    followed = _window(started, np.broadcast_to(months, (size, term)), months - followed_for, term)
    return gross, _by_year(followed, years)


def _window(
    started: np.ndarray, last: np.ndarray, before_first: np.ndarray, term: int
) -> np.ndarray:
    """Episodes started in months before_first + 1 .. last, clipped to the term, per draw."""
    shape = np.broadcast_shapes(last.shape, before_first.shape, (started.shape[0], 1))
    upper = np.broadcast_to(np.clip(last, 0, term), shape).astype(int)
    lower = np.broadcast_to(np.clip(before_first, 0, term), shape).astype(int)
    return np.take_along_axis(started, upper, axis=1) - np.take_along_axis(started, lower, axis=1)


def _saving_per_patient_month(
    scenario: ContractScenario, v: dict[str, np.ndarray], payer: str, years: int
) -> np.ndarray:
    amount = v[f"savings.{scenario.savings.amount_field}"]
    if scenario.savings.basis == "percent_of_cohort_tcoc":
        amount = amount * v[payer + "baseline_tcoc_pmpm"] * v["savings.cohort_cost_multiplier"]
    return amount * _growth(v["contract.medical_trend"], years)


def _payments(terms: FixedTerms, member_months: np.ndarray, patient_months: np.ndarray) -> Array:
    if terms.case_rates is not None:
        return np.array([float(rate) for rate in terms.case_rates]) * patient_months
    return np.array([float(rate) for rate in terms.pmpm]) * member_months


def _benchmark(
    scenario: ContractScenario,
    v: dict[str, np.ndarray],
    payer: str,
    member_months: np.ndarray,
    followed: np.ndarray,
    years: int,
) -> np.ndarray:
    baseline = v[payer + "baseline_tcoc_pmpm"] * _growth(v["contract.medical_trend"], years)
    if scenario.terms.benchmark_scope == "cohort":
        return baseline * v["savings.cohort_cost_multiplier"] * followed
    return baseline * member_months


# Float sums carry noise in their last digits: a rate within a billionth of the MSR counts as on it.
_NOISE = 1e-9


def _shared(terms: FixedTerms, net: np.ndarray, benchmark: np.ndarray) -> np.ndarray:
    rate = np.where(benchmark != 0, net / benchmark, -np.inf)
    clears = (net > 0) & (rate >= float(terms.minimum_savings_rate) - _NOISE)
    share = np.minimum(float(terms.sharing_rate) * net, float(terms.cap_rate) * benchmark)
    return np.where(clears, share, 0.0)
