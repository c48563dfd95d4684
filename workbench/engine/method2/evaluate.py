"""Evaluate a method-2 scenario over its contract term: the point estimate, an outcome with the
terms held, and what an offered level rate means for both sides (sections 6 and 8)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from ..checks import scenario_warnings
from ..constraints import not_one_of
from ..decimals import ZERO, money, plain, ratio
from ..errors import ScenarioError
from ..schema import PAYMENT_MODELS
from .arithmetic import contract_context, present_value, quote, ratio_or_none
from .models import FocusYears, focus_years, settle, solve_terms
from .program import SavingsFlows, contract_payer, contract_program, savings_flows
from .results import (
    ContractComparison,
    ContractEvaluation,
    ContractPayer,
    ContractProgram,
    ContractResult,
    FixedTerms,
    ResultYear,
    Zone,
)
from .schema import METHOD, ContractScenario

# Models whose price is a level rate that a zone of agreement and an offer can be read against.
PRICED_MODELS = ("ffs_plus_incentives", "bundled", "total_cost_of_care")


@dataclass(frozen=True, slots=True)
class _Evaluated:
    program: ContractProgram
    payers: tuple[ContractPayer, ...]
    flows: SavingsFlows
    focus: FocusYears


def evaluate(scenario: ContractScenario, model: str | None = None) -> ContractEvaluation:
    """Evaluate the scenario under its payment model, or under the one named."""
    chosen = chosen_model(scenario, model)
    with contract_context():
        parts = _parts(scenario)
        result = _result(scenario, parts, solve_terms(scenario, chosen, parts.focus))
    return _evaluation(scenario, parts, result)


def compare(scenario: ContractScenario) -> ContractComparison:
    """Evaluate the scenario under every payment model."""
    with contract_context():
        parts = _parts(scenario)
        models = {
            model: _result(scenario, parts, solve_terms(scenario, model, parts.focus))
            for model in PAYMENT_MODELS
        }
    return ContractComparison(
        method=METHOD,
        scenario=scenario,
        program=parts.program,
        payers=parts.payers,
        models=models,
        warnings=_warnings(scenario, models.values()),
    )


def outcome(scenario: ContractScenario, terms: FixedTerms) -> ContractEvaluation:
    """Evaluate what happens under terms already fixed when the inputs turn out as `scenario`."""
    with contract_context():
        parts = _parts(scenario)
        result = _result(scenario, parts, _fit(terms, scenario.contract.term_years))
    return _evaluation(scenario, parts, result)


@dataclass(frozen=True, slots=True)
class OfferOutcome:
    """What a level rate means with the terms fixed at it, and where it sits in the zone."""

    model: str
    rate: Decimal
    pv_provider_net: Decimal
    pv_payer_net_savings: Decimal
    payer_roi: Decimal | None
    zone: Zone
    below_walk_away: bool
    above_ceiling: bool

    @property
    def position(self) -> str:
        """Say where the offer sits against our walk-away and their ceiling."""
        if self.below_walk_away and self.above_ceiling:
            return "below our walk-away and above their ceiling"
        if self.below_walk_away:
            return "below our walk-away"
        if self.above_ceiling:
            return "above their ceiling"
        return "inside the zone of agreement"


def evaluate_offer(
    scenario: ContractScenario, rate: Decimal, model: str | None = None
) -> OfferOutcome:
    """Evaluate a level rate (a PMPM, or a case rate under bundled) offered for every year."""
    chosen = chosen_model(scenario, model)
    if chosen not in PRICED_MODELS:
        raise ScenarioError(
            [f"model: {chosen} has no rate to offer; use one of {', '.join(PRICED_MODELS)}"]
        )
    if not rate.is_finite() or rate < 0:
        raise ScenarioError([f"offer: {plain(rate)} must be a rate of at least 0"])
    point = evaluate(scenario, chosen).result
    years = scenario.contract.term_years
    level = (rate,) * years
    if chosen == "bundled":
        terms = replace(point.terms, case_rates=level)
    else:
        terms = replace(point.terms, pmpm=level)
    result = outcome(scenario, terms).result
    assert result.zone is not None  # every priced model has a zone  # nosec B101 # an invariant of the engine, not a check of input
    return OfferOutcome(
        model=chosen,
        rate=rate,
        pv_provider_net=result.pv_provider_net,
        pv_payer_net_savings=result.pv_payer_net_savings,
        payer_roi=result.payer_roi,
        zone=replace(result.zone, proposed=point.zone.proposed if point.zone else rate),
        below_walk_away=rate < result.zone.walk_away,
        above_ceiling=rate > result.zone.ceiling,
    )


def chosen_model(scenario: ContractScenario, model: str | None) -> str:
    """Return the payment model asked for, or the scenario's own; refuse an unknown one."""
    if model is None:
        return scenario.payment_model
    if model not in PAYMENT_MODELS:
        raise ScenarioError([f"model: {not_one_of(model, PAYMENT_MODELS)}"])
    return model


def _parts(scenario: ContractScenario) -> _Evaluated:
    program = contract_program(scenario)
    payers = tuple(contract_payer(scenario, program, payer) for payer in scenario.payers)
    flows = savings_flows(scenario, program)
    return _Evaluated(program, payers, flows, focus_years(scenario, payers, flows))


def _fit(terms: FixedTerms, years: int) -> FixedTerms:
    """Hold the terms over a scenario of the same term; refuse one of another length."""
    if len(terms.pmpm) != years:
        raise ScenarioError(
            [f"contract.term_years: the terms were fixed for {len(terms.pmpm)} years, not {years}"]
        )
    return terms


def _result(scenario: ContractScenario, parts: _Evaluated, terms: FixedTerms) -> ContractResult:
    """Add the term up (section 6) from every year settled under the terms."""
    focus, rate = parts.focus, scenario.contract.discount_rate
    years = settle(scenario, focus, terms)

    def pv(values: Sequence[Decimal]) -> Decimal:
        return present_value(rate, values)

    paid = pv([y.pmpm_payments for y in years])
    added = pv([y.payer_added_payments for y in years])
    gross = pv([y.gross_savings for y in years])
    allocated = pv([y.allocated_cost for y in years])
    before_sharing = added - pv([y.shared_savings or ZERO for y in years])
    level_case_rate = None
    if terms.model == "bundled":
        level_case_rate = _quote_or_zero(paid, pv(focus.patient_months))
    return ContractResult(
        model=terms.model,
        focus_payer=focus.figures.name,
        term_years=len(years),
        member_months=focus.member_months,
        level_pmpm=_quote_or_zero(paid, pv([focus.member_months] * len(years))),
        level_case_rate=level_case_rate,
        pv_allocated_cost=allocated,
        pv_payer_added_payments=added,
        pv_gross_savings=gross,
        pv_payer_net_savings=gross - added,
        pv_provider_net=added - allocated,
        pv_tail_savings=parts.flows.pv_tail,
        tail_savings=parts.flows.tail,
        payer_roi=ratio_or_none(gross, added),
        payer_roi_with_tail=ratio_or_none(gross + parts.flows.pv_tail, added),
        payer_breakeven_savings=_breakeven_savings(scenario, before_sharing, gross),
        unrecovered_startup=parts.program.unrecovered_startup,
        breakeven_billable_fraction=_breakeven_billable(scenario, focus, terms.model),
        years=years,
        zone=_zone(scenario, focus, terms, years, level_case_rate),
        terms=terms,
    )


def _quote_or_zero(amount: Decimal, units: Decimal) -> Decimal:
    return ZERO if units == 0 else quote(amount / units)


def _breakeven_savings(scenario: ContractScenario, paid: Decimal, gross: Decimal) -> Decimal | None:
    """The s (or g) at which gross savings repay what the payer pays the program, before sharing."""
    return None if gross == 0 else scenario.savings.amount * paid / gross


def _breakeven_billable(
    scenario: ContractScenario, focus: FocusYears, model: str
) -> Decimal | None:
    if model != "ffs":
        return None
    rate = scenario.contract.discount_rate
    collectable = [
        scenario.billing.collection_rate * year.billable_units_value for year in focus.figures.years
    ]
    return ratio_or_none(present_value(rate, focus.allocated), present_value(rate, collectable))


def _zone(
    scenario: ContractScenario,
    focus: FocusYears,
    terms: FixedTerms,
    years: tuple[ResultYear, ...],
    level_case_rate: Decimal | None,
) -> Zone | None:
    """Our walk-away and their ceiling as level rates, against our level quote."""
    if terms.model not in PRICED_MODELS:
        return None
    rate = scenario.contract.discount_rate
    if terms.model == "bundled":
        units = present_value(rate, focus.patient_months)
    else:
        units = present_value(rate, [focus.member_months] * len(years))
    if units == 0:
        return None
    fixed = present_value(rate, [y.ffs_revenue + (y.expected_incentives or ZERO) for y in years])
    walk_away = (present_value(rate, focus.allocated) - fixed) / units
    ceiling = (present_value(rate, focus.gross) - fixed) / units
    proposed = (
        level_case_rate
        if level_case_rate is not None
        else present_value(rate, [y.pmpm_payments for y in years])
        / present_value(rate, [focus.member_months] * len(years))
    )
    return Zone(walk_away=walk_away, ceiling=ceiling, proposed=quote(proposed))


def _evaluation(
    scenario: ContractScenario, parts: _Evaluated, result: ContractResult
) -> ContractEvaluation:
    return ContractEvaluation(
        method=METHOD,
        scenario=scenario,
        program=parts.program,
        payers=parts.payers,
        result=result,
        warnings=_warnings(scenario, [result]),
    )


def _warnings(scenario: ContractScenario, results: Iterable[ContractResult]) -> tuple[str, ...]:
    """Method 1's warnings, and for total cost of care a fee that counts on shared savings and
    a minimum savings rate below what the cohort can credibly show, year by year."""
    warnings = list(scenario_warnings(scenario))
    for result in results:
        if result.model == "total_cost_of_care":
            warnings.extend(_tcoc_warnings(scenario, result))
    return tuple(warnings)


def _tcoc_warnings(scenario: ContractScenario, result: ContractResult) -> list[str]:
    warnings = []
    if result.zone is not None and result.zone.proposed < result.zone.walk_away:
        warnings.append(
            f"total_cost_of_care: the level PMPM {money(result.zone.proposed)} is below our "
            f"walk-away of {money(result.zone.walk_away)}: the proposal counts on shared "
            "savings to break even"
        )
    msr = scenario.terms.minimum_savings_rate
    warnings.extend(
        f"terms.minimum_savings_rate: {ratio(msr)} is below the credible MSR of "
        f"{ratio(year.credible_msr)} in year {year.year}: a savings rate that small cannot be "
        f"told from noise (one-sided 90% test, cost_cv {plain(scenario.terms.cost_cv)})"
        for year in result.years
        if year.credible_msr is not None and msr < year.credible_msr
    )
    return warnings
