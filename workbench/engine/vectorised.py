"""Sections 2 to 4 of rate method 1 again, in float over NumPy arrays, for many draws at once.

The Decimal engine is the reference; this copy exists only because simulation needs thousands of
evaluations in milliseconds. Every input is a float or an array of draws, keyed by canonical name.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .inputs import numeric_inputs
from .schema import Scenario

if TYPE_CHECKING:
    from .parse import AnyScenario

Array = float | np.ndarray
Values = Mapping[str, Array]
Payments = tuple[Array, Array, Array, Array]


@dataclass(frozen=True, slots=True)
class Outcomes:
    """The focus payer's headline figures, one per draw; ROI is NaN where the payer pays nothing."""

    provider_net: np.ndarray
    proposed_pmpm: np.ndarray
    payer_roi: np.ndarray


@dataclass(frozen=True, slots=True)
class _Focus:
    patient_months: Array
    code_revenue: Array
    allocated_cost: Array
    need: Array
    gross_savings: Array
    member_months: Array
    baseline: Array


def float_values(scenario: "AnyScenario") -> dict[str, Array]:
    """Return every numeric input of the scenario as a float."""
    return {name: float(field.value) for name, field in numeric_inputs(scenario).items()}


def outcomes(scenario: Scenario, model: str, values: Values, size: int) -> Outcomes:
    """Evaluate the focus payer under one payment model for every draw."""
    with np.errstate(divide="ignore", invalid="ignore"):
        focus = _focus(scenario, values)
        revenue, incentives, pmpm_payments, shared = _PAYMENTS[model](scenario, values, focus)
        added = revenue + incentives + pmpm_payments + shared
        roi = np.where(added != 0, focus.gross_savings / added, np.nan)
    figures = (added - focus.allocated_cost, pmpm_payments / focus.member_months, roi)
    return Outcomes(*(np.broadcast_to(figure, (size,)) for figure in figures))


def _annual_cost(v: Values) -> Array:
    fte = v["program.care_manager_fte"]
    hours = v["program.consultant_hours_per_week_per_fte"] * fte
    hours = hours + v["program.direct_psychiatric_hours_per_week"]
    personnel = fte * v["costs.care_manager_salary"] * (1 + v["costs.benefits_rate"])
    personnel = personnel + v["costs.consultant_hourly_rate"] * hours * v["program.weeks_per_year"]
    direct = (personnel + v["costs.other_direct_annual"]) * (1 + v["costs.overhead_rate"])
    return direct + v["costs.startup_costs"] / v["costs.amortization_years"]


def _focus(scenario: Scenario, v: Values) -> _Focus:
    payer = f"payers.{scenario.focus_payer}."
    caseload = v["program.care_manager_fte"] * v["program.caseload_per_fte"]
    share = v[payer + "caseload_share"]
    months = caseload * (12 - v["program.ramp_months"] / 2) * share
    episodes = months / v["program.episode_months"]
    addon = v["billing.addon_units_per_billed_month"]
    units = episodes * v[payer + "rates.99492"] + (months - episodes) * v[payer + "rates.99493"]
    units = units + months * addon * v[payer + "rates.99494"]
    allocated = _annual_cost(v) * share
    gross = v[f"savings.{scenario.savings.amount_field}"] * months
    if scenario.savings.basis == "percent_of_cohort_tcoc":
        gross = gross * v[payer + "baseline_tcoc_pmpm"] * v["savings.cohort_cost_multiplier"]
    return _Focus(
        patient_months=months,
        code_revenue=v["billing.collection_rate"] * v["billing.billable_fraction"] * units,
        allocated_cost=allocated,
        need=allocated * (1 + v["terms.target_margin"]),
        gross_savings=gross,
        member_months=v[payer + "attributed_members"] * 12,
        baseline=v[payer + "baseline_tcoc_pmpm"],
    )


def _ffs(scenario: Scenario, v: Values, focus: _Focus) -> Payments:
    return focus.code_revenue, 0.0, 0.0, 0.0


def _ffs_plus_incentives(scenario: Scenario, v: Values, focus: _Focus) -> Payments:
    incentives: Array = sum(
        v[f"terms.quality_incentives[{index}].annual_amount"]
        * v[f"terms.quality_incentives[{index}].expected_attainment"]
        for index in range(len(scenario.terms.quality_incentives))
    )
    pmpm_payments = np.maximum(0.0, focus.need - focus.code_revenue - incentives)
    return focus.code_revenue, incentives, pmpm_payments, 0.0


def _bundled(scenario: Scenario, v: Values, focus: _Focus) -> Payments:
    return 0.0, 0.0, focus.need, 0.0


def _total_cost_of_care(scenario: Scenario, v: Values, focus: _Focus) -> Payments:
    revenue, gross = focus.code_revenue, focus.gross_savings
    if scenario.terms.benchmark_scope == "cohort":
        multiplier = v["savings.cohort_cost_multiplier"]
        benchmark = focus.baseline * multiplier * focus.patient_months
    else:
        benchmark = focus.baseline * focus.member_months
    k = v["terms.shared_savings_rate"] * v["terms.quality_score"]
    solved = np.maximum(0.0, (focus.need - revenue - k * gross) / (1 - k))
    retained = gross - solved
    msr = v["terms.minimum_savings_rate"]
    below = (benchmark == 0) | (retained <= 0) | (retained / benchmark < msr)
    cap = v["terms.savings_cap_rate"] * benchmark
    capped = ~below & (k * retained > cap)
    pmpm_payments = np.where(
        below,
        np.maximum(0.0, focus.need - revenue),
        np.where(capped, np.maximum(0.0, focus.need - revenue - cap), solved),
    )
    shared = np.where(below, 0.0, np.where(capped, cap, k * retained))
    return revenue, 0.0, pmpm_payments, shared


_PAYMENTS: dict[str, Callable[[Scenario, Values, _Focus], Payments]] = {
    "ffs": _ffs,
    "ffs_plus_incentives": _ffs_plus_incentives,
    "bundled": _bundled,
    "total_cost_of_care": _total_cost_of_care,
}
