"""Section 7 and 8 of rate method 2: terms fixed while outcomes vary, the zone, offers."""

from decimal import Decimal

import pytest

from workbench.engine import ScenarioError, parse_scenario
from workbench.engine import monte_carlo as monte_carlo_1
from workbench.engine.contract import (
    ASK,
    MARGIN,
    ContractScenario,
    breakeven_caseload,
    contract_monte_carlo_json,
    evaluate,
    evaluate_offer,
    monte_carlo,
    outcome,
    tornado,
    uncertain_inputs,
)
from workbench.engine.inputs import numeric_inputs
from workbench.engine.parse import with_values


def test_the_default_triangles_spread_savings_below_zero(contract_worked) -> None:
    triangles = {t.input: (t.low, t.mode, t.high) for t in uncertain_inputs(contract_worked)}

    assert triangles["savings.amount_per_treated_month"] == (Decimal(-40), 80, Decimal(160))
    assert triangles["program.caseload_per_fte"] == (Decimal(56), 70, Decimal(84))


def test_the_scenarios_own_triangles_replace_the_defaults(variant2) -> None:
    scenario = parse_scenario(
        variant2(
            {
                "uncertainty": {
                    "savings.amount": [-30, 80, 150],
                    "focus_payer.rates.99493": [120, 145, 150],
                }
            }
        )
    )

    assert [(t.input, t.low, t.high) for t in uncertain_inputs(scenario)] == [
        ("savings.amount_per_treated_month", -30, 150),
        ("payers.Commercial Plan A.rates.99493", 120, 150),
    ]


def test_monte_carlo_holds_the_terms_so_the_provider_can_lose(contract_worked) -> None:
    fixed = monte_carlo(contract_worked, "bundled", draws=2000, seed=1)
    resolved = monte_carlo_1(parse_scenario(_as_method_1(contract_worked)), "bundled", 2000, 1)

    assert fixed.probability_provider_net_negative > Decimal("0.1")
    assert resolved.probability_provider_net_negative == 0
    assert monte_carlo(contract_worked, "bundled", draws=2000, seed=1) == fixed


def test_a_caseload_below_the_mode_gives_bundled_a_chance_of_loss(variant2) -> None:
    scenario = parse_scenario(variant2({"uncertainty": {"program.caseload_per_fte": [60, 70, 70]}}))

    simulation = monte_carlo(scenario, "bundled", draws=500, seed=3)

    assert Decimal(0) < simulation.probability_provider_net_negative < 1
    assert simulation.provider_net.p10 < 0 < simulation.provider_net.p90


def test_monte_carlo_json_keeps_method_1s_names(contract_worked) -> None:
    data = contract_monte_carlo_json(monte_carlo(contract_worked, draws=200, seed=2))

    assert data["method"] == 2 and data["terms_fixed"] is True
    for key in ("provider_net", "proposed_pmpm", "payer_roi", "payer_net_savings"):
        assert set(data[key]) == {"p10", "p50", "p90"}
    assert data["proposed_pmpm"]["p50"] == "0.39"
    assert "probability_provider_net_negative" in data
    assert "probability_payer_roi_below_one" in data


def test_the_ask_tornado_resolves_and_the_margin_tornado_holds(contract_worked) -> None:
    ask = tornado(contract_worked, "ffs_plus_incentives", ASK)
    margin = tornado(contract_worked, "ffs_plus_incentives", MARGIN)

    assert (ask.output, ask.base_output) == ("level_pmpm", Decimal("0.33"))
    assert margin.output == "pv_provider_net"
    assert (
        margin.base_output
        == evaluate(contract_worked, "ffs_plus_incentives").result.pv_provider_net
    )
    swings = [bar.swing for bar in margin.bars]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    # Held terms: the sharing rate moves nothing once signed.
    assert next(b for b in margin.bars if b.input == "terms.shared_savings_rate").swing == 0
    # A higher salary raises the ask, and lowers the margin once the fee is fixed.
    salary = next(b for b in ask.bars if b.input == "costs.care_manager_salary")
    assert salary.output_high > salary.output_low
    salary = next(b for b in margin.bars if b.input == "costs.care_manager_salary")
    assert salary.output_high < salary.output_low


def test_break_even_caseload_with_terms_fixed(contract_worked) -> None:
    field = numeric_inputs(contract_worked)["program.caseload_per_fte"]
    terms = evaluate(contract_worked, "ffs_plus_incentives").result.terms

    found = breakeven_caseload(contract_worked, "ffs_plus_incentives")

    assert found is not None and 1 < found < 70

    def net(caseload: int) -> Decimal:
        changed = with_values(contract_worked, {field: Decimal(caseload)})
        return outcome(changed, terms).result.pv_provider_net

    assert net(found) >= 0 > net(found - 1)
    assert breakeven_caseload(contract_worked, "ffs") == 105


def test_an_offer_is_read_against_the_zone(contract_worked) -> None:
    low = evaluate_offer(contract_worked, Decimal("0.30"), "total_cost_of_care")
    ours = evaluate_offer(contract_worked, Decimal("200.79"), "bundled")
    high = evaluate_offer(contract_worked, Decimal("0.40"), "ffs_plus_incentives")

    assert low.position == "below our walk-away" and low.pv_provider_net < 0
    assert ours.position == "inside the zone of agreement"
    # The level quote, rounded up, repays at least what the year-by-year schedule does.
    schedule = evaluate(contract_worked, "bundled").result.pv_provider_net
    assert schedule <= ours.pv_provider_net < schedule + Decimal("0.01") * 2203 * 3
    assert high.position == "above their ceiling" and high.payer_roi < 1


def test_an_offer_needs_a_priced_model_and_a_rate(contract_worked) -> None:
    with pytest.raises(ScenarioError, match="ffs has no rate to offer"):
        evaluate_offer(contract_worked, Decimal("0.3"), "ffs")
    with pytest.raises(ScenarioError, match="must be a rate of at least 0"):
        evaluate_offer(contract_worked, Decimal("-1"))


def test_terms_fixed_for_one_term_do_not_fit_another(contract_worked, variant2) -> None:
    terms = evaluate(contract_worked).result.terms
    shorter = parse_scenario(variant2({"contract.term_years": 2}))

    with pytest.raises(ScenarioError, match="fixed for 3 years, not 2"):
        outcome(shorter, terms)


def _as_method_1(scenario: ContractScenario) -> dict:
    method_2_only = {"contract", "uncertainty", "integration_model", "focus_payer_kind"}
    data = scenario.model_dump(mode="json", exclude=method_2_only)
    data["method"] = 1
    data["terms"].pop("cost_cv")
    data["savings"] = {"basis": "per_enrolled_month", "amount_per_enrolled_month": "80"}
    return data
