"""Sections 5 and 7 of rate method 2: the focus payer under each payment model, year by year.

A contract is priced in two steps, as one is negotiated: `solve_terms` quotes the rates at the
point estimate; `settle` works out every year's payments, savings and margins with those terms
held. A point evaluation is both steps on one scenario; an outcome evaluation settles changed
inputs under terms solved earlier, so the provider's volume and savings risk shows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ..decimals import ONE, ZERO
from .arithmetic import growth, quote, ratio_or_none
from .program import SavingsFlows
from .results import ContractPayer, FixedTerms, ResultYear
from .schema import ContractScenario

# A one-sided test at 90%: the z-value the credible minimum savings rate uses.
ONE_SIDED_90 = Decimal("1.645")


@dataclass(frozen=True, slots=True)
class FocusYears:
    """Everything about the focus payer that the payment models start from, by year."""

    figures: ContractPayer
    member_months: Decimal
    need: tuple[Decimal, ...]
    revenue: tuple[Decimal, ...]
    gross: tuple[Decimal, ...]
    benchmark: tuple[Decimal, ...]
    # Member-years behind the benchmark: n_y of the credible MSR.
    benchmark_member_years: tuple[Decimal, ...]
    incentives: Decimal

    @property
    def patient_months(self) -> tuple[Decimal, ...]:
        """E_f,y: the focus payer's enrolled patient-months by year."""
        return tuple(year.enrolled_patient_months for year in self.figures.years)

    @property
    def allocated(self) -> tuple[Decimal, ...]:
        """The focus payer's share of the program's cost by year."""
        return tuple(year.allocated_cost for year in self.figures.years)


def focus_years(
    scenario: ContractScenario, payers: tuple[ContractPayer, ...], flows: SavingsFlows
) -> FocusYears:
    """Gather the focus payer's need, revenue, savings and benchmark for every year."""
    figures = next(payer for payer in payers if payer.name == scenario.focus_payer)
    terms, baseline = scenario.terms, scenario.focus.baseline_tcoc_pmpm
    trend = [growth(scenario.contract.medical_trend, year.year) for year in figures.years]
    if terms.benchmark_scope == "cohort":
        multiplier = scenario.savings.cohort_cost_multiplier
        benchmark = [
            baseline * multiplier * g * w for g, w in zip(trend, flows.followed, strict=True)
        ]
        member_years = [w / 12 for w in flows.followed]
    else:
        benchmark = [baseline * g * figures.member_months for g in trend]
        member_years = [figures.member_months / 12 for _ in trend]
    return FocusYears(
        figures=figures,
        member_months=figures.member_months,
        need=tuple(year.allocated_cost * (ONE + terms.target_margin) for year in figures.years),
        revenue=tuple(year.ffs_revenue for year in figures.years),
        gross=flows.gross,
        benchmark=tuple(benchmark),
        benchmark_member_years=tuple(member_years),
        incentives=sum(
            (q.annual_amount * q.expected_attainment for q in terms.quality_incentives), ZERO
        ),
    )


def solve_terms(scenario: ContractScenario, model: str, focus: FocusYears) -> FixedTerms:
    """Quote the contract's rates at the point estimate, as the contract will fix them."""
    terms = scenario.terms
    years = len(focus.need)
    pmpm, case_rates = _SOLVERS[model](scenario, focus)
    return FixedTerms(
        model=model,
        pmpm=pmpm or (ZERO,) * years,
        case_rates=case_rates,
        incentives=focus.incentives if model == "ffs_plus_incentives" else ZERO,
        sharing_rate=terms.shared_savings_rate * terms.quality_score,
        minimum_savings_rate=terms.minimum_savings_rate,
        cap_rate=terms.savings_cap_rate,
    )


def settle(
    scenario: ContractScenario, focus: FocusYears, terms: FixedTerms
) -> tuple[ResultYear, ...]:
    """Work out every year of the contract with its terms held."""
    return tuple(_settle_year(scenario, focus, terms, index) for index in range(len(focus.need)))


Solved = tuple[tuple[Decimal, ...] | None, tuple[Decimal, ...] | None]


def _ffs(scenario: ContractScenario, focus: FocusYears) -> Solved:
    return None, None


def _ffs_plus_incentives(scenario: ContractScenario, focus: FocusYears) -> Solved:
    shortfall = (
        max(ZERO, need - revenue - focus.incentives)
        for need, revenue in zip(focus.need, focus.revenue, strict=True)
    )
    return tuple(quote(amount / focus.member_months) for amount in shortfall), None


def _bundled(scenario: ContractScenario, focus: FocusYears) -> Solved:
    # The case rate replaces the CoCM codes for this payer.
    rates = tuple(
        ZERO if months == 0 else quote(need / months)
        for need, months in zip(focus.need, focus.patient_months, strict=True)
    )
    return None, rates


def _total_cost_of_care(scenario: ContractScenario, focus: FocusYears) -> Solved:
    terms = scenario.terms
    k = terms.shared_savings_rate * terms.quality_score
    pmpm = []
    for need, revenue, gross, benchmark in zip(
        focus.need, focus.revenue, focus.gross, focus.benchmark, strict=True
    ):
        solved = max(ZERO, (need - revenue - k * (gross - revenue)) / (ONE - k))
        net = gross - revenue - solved
        if benchmark == 0 or net <= 0 or net / benchmark < terms.minimum_savings_rate:
            payments = max(ZERO, need - revenue)
        elif k * net > terms.savings_cap_rate * benchmark:
            payments = max(ZERO, need - revenue - terms.savings_cap_rate * benchmark)
        else:
            payments = solved
        pmpm.append(quote(payments / focus.member_months))
    return tuple(pmpm), None


_SOLVERS: dict[str, Callable[[ContractScenario, FocusYears], Solved]] = {
    "ffs": _ffs,
    "ffs_plus_incentives": _ffs_plus_incentives,
    "bundled": _bundled,
    "total_cost_of_care": _total_cost_of_care,
}


def _settle_year(
    scenario: ContractScenario, focus: FocusYears, terms: FixedTerms, index: int
) -> ResultYear:
    model = terms.model
    payer_year = focus.figures.years[index]
    months, gross = payer_year.enrolled_patient_months, focus.gross[index]
    revenue = ZERO if model == "bundled" else focus.revenue[index]
    if terms.case_rates is None:
        case_rate = episode_rate = None
        payments = terms.pmpm[index] * focus.member_months
        proposed = terms.pmpm[index]
    else:
        case_rate = terms.case_rates[index]
        episode_rate = case_rate * scenario.program.episode_months
        payments = case_rate * months
        proposed = payments / focus.member_months
    incentives = terms.incentives if model == "ffs_plus_incentives" else None
    tcoc = _tcoc_year(scenario, focus, terms, index, gross - revenue - payments)
    added = revenue + (incentives or ZERO) + payments + (tcoc.shared or ZERO)
    return ResultYear(
        year=payer_year.year,
        enrolled_patient_months=months,
        episodes_started=payer_year.episodes_started,
        allocated_cost=payer_year.allocated_cost,
        ffs_revenue=revenue,
        expected_incentives=incentives,
        pmpm_payments=payments,
        proposed_pmpm=proposed,
        case_rate_per_enrolled_month=case_rate,
        episode_rate=episode_rate,
        gross_savings=gross,
        benchmark=tcoc.benchmark,
        shared_savings=tcoc.shared,
        savings_rate=tcoc.savings_rate,
        credible_msr=tcoc.credible_msr,
        payer_added_payments=added,
        payer_net_savings=gross - added,
        provider_net=added - payer_year.allocated_cost,
    )


@dataclass(frozen=True, slots=True)
class _TcocYear:
    benchmark: Decimal | None = None
    shared: Decimal | None = None
    savings_rate: Decimal | None = None
    credible_msr: Decimal | None = None


def _tcoc_year(
    scenario: ContractScenario, focus: FocusYears, terms: FixedTerms, index: int, net: Decimal
) -> _TcocYear:
    """Share the net savings that clear the MSR, up to the cap; say what a payer can detect."""
    if terms.model != "total_cost_of_care":
        return _TcocYear()
    benchmark = focus.benchmark[index]
    rate = ratio_or_none(net, benchmark)
    shared = ZERO
    if rate is not None and net > 0 and rate >= terms.minimum_savings_rate:
        shared = min(terms.sharing_rate * net, terms.cap_rate * benchmark)
    member_years = focus.benchmark_member_years[index]
    credible = None
    if member_years > 0:
        credible = ONE_SIDED_90 * scenario.terms.cost_cv / member_years.sqrt()
    return _TcocYear(benchmark, shared, rate, credible)
