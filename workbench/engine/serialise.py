"""Results as plain JSON-ready data: decimal strings, money to cents, ratios to 4 places."""

from collections.abc import Callable
from typing import Any

from .decimals import count, money, plain, ratio
from .results import Comparison, Evaluation, MonteCarlo, Percentiles, Tornado
from .schema import METHOD_VERSION

# How a figure is shown: money, a ratio, a count, text, or a whole number such as a year.
Show = Callable[[Any], Any]

PROGRAM_FIELDS: dict[str, Show] = {
    "active_caseload": count,
    "enrolled_patient_months": count,
    "annual_cost": money,
    "cost_per_enrolled_month": money,
}
PAYER_FIELDS: dict[str, Show] = {
    "name": str,
    "enrolled_patient_months": count,
    "ffs_revenue": money,
    "allocated_cost": money,
    "ffs_margin": money,
}
RESULT_FIELDS: dict[str, Show] = {
    "model": str,
    "focus_payer": str,
    "member_months": count,
    "allocated_cost": money,
    "ffs_revenue": money,
    "expected_incentives": money,
    "proposed_pmpm": money,
    "annual_pmpm_payments": money,
    "case_rate_per_enrolled_month": money,
    "episode_rate": money,
    "breakeven_billable_fraction": ratio,
    "gross_savings": money,
    "shared_savings": money,
    "savings_rate": ratio,
    "payer_added_payments": money,
    "payer_net_savings": money,
    "payer_roi": ratio,
    "provider_net": money,
}


def shown(figures: object, fields: dict[str, Show]) -> dict[str, Any]:
    """Show the named figures of a result object as strings, None where there is none."""
    return {name: show(getattr(figures, name)) for name, show in fields.items()}


def evaluation_json(evaluation: Evaluation) -> dict[str, Any]:
    """Return an evaluation as JSON-ready data."""
    return {
        **_program_and_payers(evaluation),
        "result": shown(evaluation.result, RESULT_FIELDS),
        "warnings": list(evaluation.warnings),
    }


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """Return a comparison of the payment models as JSON-ready data."""
    return {
        **_program_and_payers(comparison),
        "models": {
            model: shown(result, RESULT_FIELDS) for model, result in comparison.models.items()
        },
        "warnings": list(comparison.warnings),
    }


def tornado_json(tornado: Tornado) -> dict[str, Any]:
    """Return a tornado as JSON-ready data; input values are shown exactly."""
    return {
        "method": METHOD_VERSION,
        "model": tornado.model,
        "output": tornado.output,
        "base_output": money(tornado.base_output),
        "bars": [
            {
                "input": bar.input,
                "base": plain(bar.base),
                "low": plain(bar.low),
                "high": plain(bar.high),
                "output_low": money(bar.output_low),
                "output_high": money(bar.output_high),
                "swing": money(bar.swing),
            }
            for bar in tornado.bars
        ],
    }


def monte_carlo_json(simulation: MonteCarlo) -> dict[str, Any]:
    """Return a Monte Carlo run as JSON-ready data."""
    return {
        "method": METHOD_VERSION,
        "model": simulation.model,
        **run_json(simulation),
        "provider_net": percentiles_json(simulation.provider_net, money),
        "proposed_pmpm": percentiles_json(simulation.proposed_pmpm, money),
        "payer_roi": percentiles_json(simulation.payer_roi, ratio),
        "probability_provider_net_negative": ratio(simulation.probability_provider_net_negative),
        "probability_payer_roi_below_one": ratio(simulation.probability_payer_roi_below_one),
    }


def run_json(simulation: MonteCarlo | Any) -> dict[str, Any]:
    """Show a Monte Carlo run's size, seed and triangles, exactly."""
    return {
        "draws": str(simulation.draws),
        "seed": str(simulation.seed),
        "distributions": [
            {"input": d.input, "low": plain(d.low), "mode": plain(d.mode), "high": plain(d.high)}
            for d in simulation.distributions
        ],
    }


def percentiles_json(percentiles: Percentiles, show: Show) -> dict[str, str | None]:
    """Show P10, P50 and P90 with the rounding of their figure."""
    return shown(percentiles, {"p10": show, "p50": show, "p90": show})


def _program_and_payers(evaluated: Evaluation | Comparison) -> dict[str, Any]:
    return {
        "method": evaluated.method,
        "program": shown(evaluated.program, PROGRAM_FIELDS),
        "payers": [shown(payer, PAYER_FIELDS) for payer in evaluated.payers],
    }
