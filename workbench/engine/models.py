"""Section 4 of rate method 1: the focus payer under each payment model."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .decimals import ONE, ZERO, ratio_of
from .results import ModelResult, PayerFigures
from .schema import Scenario, Terms


@dataclass(frozen=True, slots=True)
class Focus:
    """The focus payer's figures that every payment model starts from."""

    figures: PayerFigures
    need: Decimal
    gross_savings: Decimal


def focus_of(scenario: Scenario, payers: tuple[PayerFigures, ...]) -> Focus:
    """Gather the focus payer's figures, its need and the gross savings it expects."""
    figures = next(payer for payer in payers if payer.name == scenario.focus_payer)
    savings, payer = scenario.savings, scenario.focus
    gross = savings.amount * figures.enrolled_patient_months
    if savings.basis == "percent_of_cohort_tcoc":
        gross *= payer.baseline_tcoc_pmpm * savings.cohort_cost_multiplier
    need = figures.allocated_cost * (ONE + scenario.terms.target_margin)
    return Focus(figures=figures, need=need, gross_savings=gross)


def model_result(scenario: Scenario, model: str, focus: Focus) -> ModelResult:
    """Price the focus payer's contract under one payment model."""
    return _MODELS[model](scenario, focus)


def _ffs(scenario: Scenario, focus: Focus) -> ModelResult:
    collectable = scenario.billing.collection_rate * focus.figures.billable_units_value
    return _settle(
        focus,
        "ffs",
        focus.figures.ffs_revenue,
        ZERO,
        breakeven_billable_fraction=ratio_of(focus.figures.allocated_cost, collectable),
    )


def _ffs_plus_incentives(scenario: Scenario, focus: Focus) -> ModelResult:
    incentives = sum(
        (q.annual_amount * q.expected_attainment for q in scenario.terms.quality_incentives), ZERO
    )
    revenue = focus.figures.ffs_revenue
    pmpm_payments = max(ZERO, focus.need - revenue - incentives)
    return _settle(focus, "ffs_plus_incentives", revenue, pmpm_payments, incentives=incentives)


def _bundled(scenario: Scenario, focus: Focus) -> ModelResult:
    # The case rate replaces the CoCM codes for this payer.
    case_rate = ratio_of(focus.need, focus.figures.enrolled_patient_months)
    episode_rate = None if case_rate is None else case_rate * scenario.program.episode_months
    return _settle(
        focus,
        "bundled",
        ZERO,
        focus.need,
        case_rate_per_enrolled_month=case_rate,
        episode_rate=episode_rate,
    )


def _total_cost_of_care(scenario: Scenario, focus: Focus) -> ModelResult:
    terms = scenario.terms
    figures = focus.figures
    baseline = scenario.focus.baseline_tcoc_pmpm
    if terms.benchmark_scope == "cohort":
        cohort_months = scenario.savings.cohort_cost_multiplier * figures.enrolled_patient_months
        benchmark = baseline * cohort_months
    else:
        benchmark = baseline * figures.member_months
    settled = settle_tcoc(terms, focus, benchmark)
    return _settle(
        focus,
        "total_cost_of_care",
        figures.ffs_revenue,
        settled.pmpm_payments,
        shared_savings=settled.shared,
        savings_rate=ratio_of(focus.gross_savings - settled.pmpm_payments, benchmark),
        benchmark=benchmark,
    )


@dataclass(frozen=True, slots=True)
class Settlement:
    """How a total-cost-of-care contract settles: step 1's P, the rule that applied, the result."""

    solved: Decimal
    rule: str  # "shared" (step 1), "no_sharing" (step 2) or "capped" (step 3)
    pmpm_payments: Decimal
    shared: Decimal


def settle_tcoc(terms: Terms, focus: Focus, benchmark: Decimal) -> Settlement:
    """Solve revenue + P + shared = need with shared = k(G - P), then apply the MSR and cap."""
    revenue, gross = focus.figures.ffs_revenue, focus.gross_savings
    k = terms.shared_savings_rate * terms.quality_score
    solved = max(ZERO, (focus.need - revenue - k * gross) / (ONE - k))
    retained = gross - solved
    if benchmark == 0 or retained <= 0 or retained / benchmark < terms.minimum_savings_rate:
        return Settlement(solved, "no_sharing", max(ZERO, focus.need - revenue), ZERO)
    cap = terms.savings_cap_rate * benchmark
    if k * retained > cap:
        return Settlement(solved, "capped", max(ZERO, focus.need - revenue - cap), cap)
    return Settlement(solved, "shared", solved, k * retained)


def _settle(
    focus: Focus,
    model: str,
    revenue: Decimal,
    pmpm_payments: Decimal,
    *,
    incentives: Decimal | None = None,
    shared_savings: Decimal | None = None,
    case_rate_per_enrolled_month: Decimal | None = None,
    episode_rate: Decimal | None = None,
    breakeven_billable_fraction: Decimal | None = None,
    savings_rate: Decimal | None = None,
    benchmark: Decimal | None = None,
) -> ModelResult:
    """Add up what the payer pays and what it gets back, for any payment model."""
    figures, gross = focus.figures, focus.gross_savings
    added = revenue + (incentives or ZERO) + pmpm_payments + (shared_savings or ZERO)
    return ModelResult(
        model=model,
        focus_payer=figures.name,
        member_months=figures.member_months,
        allocated_cost=figures.allocated_cost,
        ffs_revenue=revenue,
        expected_incentives=incentives,
        proposed_pmpm=pmpm_payments / figures.member_months,
        annual_pmpm_payments=pmpm_payments,
        case_rate_per_enrolled_month=case_rate_per_enrolled_month,
        episode_rate=episode_rate,
        breakeven_billable_fraction=breakeven_billable_fraction,
        gross_savings=gross,
        shared_savings=shared_savings,
        savings_rate=savings_rate,
        payer_added_payments=added,
        payer_net_savings=gross - added,
        payer_roi=ratio_of(gross, added),
        provider_net=added - figures.allocated_cost,
        benchmark=benchmark,
        need=focus.need,
    )


_MODELS: dict[str, Callable[[Scenario, Focus], ModelResult]] = {
    "ffs": _ffs,
    "ffs_plus_incentives": _ffs_plus_incentives,
    "bundled": _bundled,
    "total_cost_of_care": _total_cost_of_care,
}
