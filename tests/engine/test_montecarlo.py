"""Monte Carlo: the float model agrees with the Decimal engine, and a seed fixes the answer."""

from decimal import Decimal

import pytest

from tests.engine.section5 import COHORT_SAVINGS as SECTION_5_COHORT_SAVINGS
from workbench.engine import (
    PAYMENT_MODELS,
    Scenario,
    ScenarioError,
    evaluate,
    evaluation_json,
    monte_carlo,
    monte_carlo_json,
)

COHORT_SAVINGS = {"savings": SECTION_5_COHORT_SAVINGS}
BRANCHES = {
    "population benchmark, below the MSR": {},
    "cohort benchmark, shared savings": {**COHORT_SAVINGS, "terms.benchmark_scope": "cohort"},
    "cohort benchmark, capped": {
        **COHORT_SAVINGS,
        "terms.benchmark_scope": "cohort",
        "terms.savings_cap_rate": "0.01",
    },
    "savings cover the need, no PMPM": {
        "savings.amount_per_enrolled_month": 400,
        "terms.benchmark_scope": "cohort",
        "terms.savings_cap_rate": 1,
    },
    "percent of cohort cost, population benchmark": {**COHORT_SAVINGS},
    "per enrolled month, cohort benchmark": {"terms.benchmark_scope": "cohort"},
    "zero benchmark": {"payers[1].baseline_tcoc_pmpm": 0},
    "payer that pays no codes": {"focus_payer": "State Medicaid MCO"},
    "ramp of odd months": {"program.ramp_months": 3},
}


@pytest.mark.parametrize("model", PAYMENT_MODELS)
@pytest.mark.parametrize("changes", BRANCHES.values(), ids=BRANCHES.keys())
def test_degenerate_draws_give_the_point_estimate(
    scenario_with, point_distributions, model: str, changes: dict
) -> None:
    scenario = scenario_with(changes)
    exact = evaluate(scenario, model).result
    simulated = monte_carlo(scenario, model, draws=50, distributions=point_distributions(scenario))
    shown = monte_carlo_json(simulated)
    expected = evaluation_json(evaluate(scenario, model))["result"]

    for figure in ("provider_net", "proposed_pmpm", "payer_roi"):
        assert shown[figure]["p50"] == expected[figure]
    assert simulated.provider_net.p10 == simulated.provider_net.p50 == simulated.provider_net.p90
    assert simulated.probability_provider_net_negative == (1 if exact.provider_net < 0 else 0)


def test_the_branches_are_the_ones_named(scenario_with) -> None:
    def tcoc(name: str):
        return evaluate(scenario_with(BRANCHES[name]), "total_cost_of_care").result

    assert tcoc("population benchmark, below the MSR").shared_savings == 0
    capped = tcoc("cohort benchmark, capped")
    assert capped.shared_savings == capped.benchmark * Decimal("0.01")
    assert tcoc("savings cover the need, no PMPM").annual_pmpm_payments == 0
    assert tcoc("zero benchmark").savings_rate is None
    assert (
        evaluate(scenario_with(BRANCHES["payer that pays no codes"]), "ffs").result.payer_roi
        is None
    )


def test_no_uncertain_inputs_is_the_point_estimate(worked: Scenario) -> None:
    simulated = monte_carlo(worked, draws=10, distributions={})

    assert simulated.provider_net.p50 == Decimal("7032.6")
    assert simulated.distributions == ()


def test_the_default_run_reports_section_6_figures(worked: Scenario) -> None:
    shown = monte_carlo_json(monte_carlo(worked, draws=2000, seed=7))

    assert (shown["draws"], shown["seed"], shown["model"]) == ("2000", "7", "total_cost_of_care")
    assert len(shown["distributions"]) == 6
    assert shown["distributions"][0] == {
        "input": "program.caseload_per_fte",
        "low": "56",
        "mode": "70",
        "high": "84",
    }
    net = [Decimal(shown["provider_net"][p]) for p in ("p10", "p50", "p90")]
    assert net == sorted(net)
    assert shown["probability_payer_roi_below_one"] == "1.0000"
    assert Decimal(shown["probability_provider_net_negative"]) < Decimal("0.5")


def test_ffs_loses_money_in_nearly_every_draw(worked: Scenario) -> None:
    simulated = monte_carlo(worked, "ffs", draws=1000)

    assert simulated.probability_provider_net_negative > Decimal("0.99")
    assert simulated.payer_roi.p50 is not None


def test_triangles_are_given_low_mode_high(worked: Scenario) -> None:
    simulated = monte_carlo(
        worked, draws=500, distributions={"savings.amount": (40, 70, 100)}, seed=3
    )

    triangle = simulated.distributions[0]
    assert triangle.input == "savings.amount_per_enrolled_month"
    assert (triangle.low, triangle.mode, triangle.high) == (40, 70, 100)


def test_a_triangle_out_of_order_is_refused(worked: Scenario) -> None:
    with pytest.raises(ScenarioError) as raised:
        monte_carlo(worked, distributions={"program.caseload_per_fte": (80, 70, 90)})

    assert raised.value.errors == [
        "inputs.program.caseload_per_fte: give low, mode, high as numbers in increasing order"
    ]


@pytest.mark.parametrize(
    ("draws", "seed", "message"),
    [
        (0, 0, "draws: must be a whole number of at least 1"),
        (10.5, 0, "draws: must be a whole number of at least 1"),
        (10, -1, "seed: must be a whole number of at least 0"),
    ],
)
def test_draws_and_seed_are_checked(worked: Scenario, draws, seed, message) -> None:
    with pytest.raises(ScenarioError) as raised:
        monte_carlo(worked, draws=draws, seed=seed)

    assert raised.value.errors == [message]
