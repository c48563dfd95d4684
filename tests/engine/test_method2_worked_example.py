"""RATE_METHOD_2.md section 10: the method-2 worked example, every figure to the cent."""

from decimal import Decimal

import pytest

from tests.engine.section10 import (
    COHORT,
    COHORT_SAVINGS,
    FOCUS_FFS_REVENUE,
    FOCUS_YEARS,
    MODELS,
    PROGRAM,
    TAIL,
    shown,
)
from workbench.engine import PAYMENT_MODELS, evaluate, parse_scenario
from workbench.engine.contract import (
    ContractScenario,
    compare,
    contract_comparison_json,
    contract_evaluation_json,
)
from workbench.engine.contract import evaluate as evaluate_contract


@pytest.mark.parametrize("model", PAYMENT_MODELS)
def test_every_figure_of_section_10(contract_worked: ContractScenario, model: str) -> None:
    data = contract_evaluation_json(evaluate_contract(contract_worked, model))
    result = data["result"]

    assert data["method"] == 2
    assert data["program"]["active_caseload"] == PROGRAM["active_caseload"]
    assert tuple(y["annual_cost"] for y in data["program"]["years"]) == PROGRAM["annual_cost"]
    assert shown(result, FOCUS_YEARS) == FOCUS_YEARS
    assert shown(result, TAIL) == TAIL
    assert shown(result, MODELS[model]) == MODELS[model]


def test_the_focus_payer_bills_its_codes_each_year(contract_worked: ContractScenario) -> None:
    data = contract_evaluation_json(evaluate_contract(contract_worked, "bundled"))
    focus = next(p for p in data["payers"] if p["name"] == "Commercial Plan A")

    assert tuple(y["ffs_revenue"] for y in focus["years"]) == FOCUS_FFS_REVENUE
    # Under bundled the case rate replaces the codes: the result's revenue is 0.
    assert {y["ffs_revenue"] for y in data["result"]["years"]} == {"0.00"}


def test_the_zones_all_agree_and_the_quote_is_the_level_rate(
    contract_worked: ContractScenario,
) -> None:
    models = contract_comparison_json(compare(contract_worked))["models"]

    for model in ("ffs_plus_incentives", "total_cost_of_care"):
        assert models[model]["zone"]["proposed"] == models[model]["level_pmpm"]
        assert models[model]["zone"]["agreement"] is True
    assert models["bundled"]["zone"]["proposed"] == "200.79"


def test_the_cohort_variant(variant2) -> None:
    scenario = parse_scenario(
        variant2({"savings": COHORT_SAVINGS, "terms.benchmark_scope": "cohort"})
    )
    data = contract_evaluation_json(evaluate_contract(scenario, "total_cost_of_care"))

    assert shown(data["result"], COHORT) == COHORT
    assert any("below our walk-away of 0.33" in warning for warning in data["warnings"])


def test_year_1_agrees_with_method_1_where_the_rule_did_not_change(
    contract_worked: ContractScenario, worked
) -> None:
    old = evaluate(worked, "ffs_plus_incentives")
    new = evaluate_contract(contract_worked, "ffs_plus_incentives")
    year = new.result.years[0]

    assert new.program.years[0].annual_cost == old.program.annual_cost
    assert year.allocated_cost == old.result.allocated_cost
    assert year.ffs_revenue == old.result.ffs_revenue
    assert year.gross_savings == Decimal("37800") != old.result.gross_savings
    assert year.pmpm_payments == Decimal("44640") != old.result.annual_pmpm_payments


def test_the_credible_msr_is_a_warning_for_each_year(contract_worked: ContractScenario) -> None:
    warnings = evaluate_contract(contract_worked).warnings

    assert [w for w in warnings if "credible MSR of 0.0255" in w] == [
        w for w in warnings if w.startswith("terms.minimum_savings_rate")
    ]
    assert len(warnings) == 3
    assert evaluate_contract(contract_worked, "bundled").warnings == ()


def test_the_figures_are_decimals(contract_worked: ContractScenario) -> None:
    result = evaluate_contract(contract_worked, "bundled").result

    assert isinstance(result.pv_provider_net, Decimal)
    assert all(isinstance(y.gross_savings, Decimal) for y in result.years)
    with pytest.raises(AttributeError):
        result.level_pmpm = Decimal(0)  # type: ignore[misc]
