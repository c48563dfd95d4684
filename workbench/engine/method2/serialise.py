"""Method-2 results as JSON-ready data (RATE_METHOD_2.md section 9)."""

from typing import Any

from ..decimals import money, ratio
from ..serialise import Show, percentiles_json, run_json, shown, tornado_json
from .evaluate import OfferOutcome
from .results import (
    ContractComparison,
    ContractEvaluation,
    ContractMonteCarlo,
    ContractResult,
    ContractTornado,
    Zone,
)
from .schema import ContractScenario

# Method 2 shows counts and member-months to 4 places, as ratios (section "Conventions").
quantity = ratio

PROGRAM_YEAR_FIELDS: dict[str, Show] = {
    "year": int,
    "enrolled_patient_months": quantity,
    "annual_cost": money,
    "cost_per_enrolled_month": money,
}
PAYER_YEAR_FIELDS: dict[str, Show] = {
    "year": int,
    "enrolled_patient_months": quantity,
    "ffs_revenue": money,
    "allocated_cost": money,
    "ffs_margin": money,
}
TERM_FIELDS: dict[str, Show] = {
    "model": str,
    "focus_payer": str,
    "term_years": int,
    "member_months": quantity,
    "level_pmpm": money,
    "level_case_rate": money,
    "pv_allocated_cost": money,
    "pv_payer_added_payments": money,
    "pv_gross_savings": money,
    "pv_payer_net_savings": money,
    "pv_provider_net": money,
    "pv_tail_savings": money,
    "tail_savings": money,
    "payer_roi": ratio,
    "payer_roi_with_tail": ratio,
    "payer_breakeven_savings": money,  # a share of cohort cost on the percent basis: see below
    "unrecovered_startup": money,
    "breakeven_billable_fraction": ratio,
}
YEAR_FIELDS: dict[str, Show] = {
    "year": int,
    "enrolled_patient_months": quantity,
    "episodes_started": quantity,
    "allocated_cost": money,
    "ffs_revenue": money,
    "expected_incentives": money,
    "pmpm_payments": money,
    "proposed_pmpm": money,
    "case_rate_per_enrolled_month": money,
    "episode_rate": money,
    "gross_savings": money,
    "benchmark": money,
    "shared_savings": money,
    "savings_rate": ratio,
    "credible_msr": ratio,
    "payer_added_payments": money,
    "payer_net_savings": money,
    "provider_net": money,
}


def contract_evaluation_json(evaluation: ContractEvaluation) -> dict[str, Any]:
    """Return a method-2 evaluation as JSON-ready data."""
    return {
        **_program_and_payers(evaluation),
        "result": result_json(evaluation.scenario, evaluation.result),
        "warnings": list(evaluation.warnings),
    }


def contract_comparison_json(comparison: ContractComparison) -> dict[str, Any]:
    """Return a method-2 comparison of the payment models as JSON-ready data."""
    return {
        **_program_and_payers(comparison),
        "models": {
            model: result_json(comparison.scenario, result)
            for model, result in comparison.models.items()
        },
        "warnings": list(comparison.warnings),
    }


def result_json(scenario: ContractScenario, result: ContractResult) -> dict[str, Any]:
    """Show the focus payer's contract: the term's figures, each year, and the zone."""
    data: dict[str, Any] = shown(result, TERM_FIELDS)
    if scenario.savings.basis == "percent_of_cohort_tcoc":
        data["payer_breakeven_savings"] = ratio(result.payer_breakeven_savings)
    data["years"] = [shown(year, YEAR_FIELDS) for year in result.years]
    data["zone"] = zone_json(result.zone)
    return data


def zone_json(zone: Zone | None) -> dict[str, Any] | None:
    """Show walk-away and ceiling half-up to the cent; agreement is decided unrounded."""
    if zone is None:
        return None
    return {
        "walk_away": money(zone.walk_away),
        "ceiling": money(zone.ceiling),
        "proposed": money(zone.proposed),
        "agreement": zone.agreement,
    }


def offer_json(offer: OfferOutcome) -> dict[str, Any]:
    """Show what an offered level rate means for both sides."""
    return {
        "method": 2,
        "model": offer.model,
        "rate": money(offer.rate),
        "pv_provider_net": money(offer.pv_provider_net),
        "pv_payer_net_savings": money(offer.pv_payer_net_savings),
        "payer_roi": ratio(offer.payer_roi),
        "position": offer.position,
        "below_walk_away": offer.below_walk_away,
        "above_ceiling": offer.above_ceiling,
        "zone": zone_json(offer.zone),
    }


def _program_and_payers(evaluated: ContractEvaluation | ContractComparison) -> dict[str, Any]:
    program = evaluated.program
    return {
        "method": evaluated.method,
        "program": {
            "active_caseload": quantity(program.active_caseload),
            "unrecovered_startup": money(program.unrecovered_startup),
            "years": [shown(year, PROGRAM_YEAR_FIELDS) for year in program.years],
        },
        "payers": [
            {"name": payer.name, "years": [shown(y, PAYER_YEAR_FIELDS) for y in payer.years]}
            for payer in evaluated.payers
        ],
    }


def contract_monte_carlo_json(simulation: ContractMonteCarlo) -> dict[str, Any]:
    """Return a method-2 Monte Carlo run: method 1's keys, over the term, terms held."""
    return {
        "method": 2,
        "model": simulation.model,
        "terms_fixed": True,
        **run_json(simulation),
        "provider_net": percentiles_json(simulation.provider_net, money),
        "payer_net_savings": percentiles_json(simulation.payer_net_savings, money),
        "proposed_pmpm": {key: money(simulation.level_rate) for key in ("p10", "p50", "p90")},
        "payer_roi": percentiles_json(simulation.payer_roi, ratio),
        "probability_provider_net_negative": ratio(simulation.probability_provider_net_negative),
        "probability_payer_roi_below_one": ratio(simulation.probability_payer_roi_below_one),
    }


def contract_tornado_json(tornado: ContractTornado) -> dict[str, Any]:
    """Return one of the two tornados as method 1's tornado JSON, with its kind."""
    return tornado_json(tornado) | {"method": 2, "kind": tornado.kind}  # type: ignore[arg-type]
