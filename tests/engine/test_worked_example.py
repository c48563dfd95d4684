"""The worked example of RATE_METHOD.md section 5, every figure to the cent."""

import pytest

from tests.engine.section5 import COHORT, PROGRAM, column, shown_figures
from workbench.engine import PAYMENT_MODELS, Scenario, compare, evaluate, evaluation_json


@pytest.mark.parametrize("model", PAYMENT_MODELS)
def test_every_figure_of_section_5(worked: Scenario, model: str) -> None:
    shown = evaluation_json(evaluate(worked, model))

    assert shown_figures(shown["program"], PROGRAM) == PROGRAM
    assert shown_figures(shown["result"], column(model)) == column(model)


def test_the_program_is_built_as_section_2_says(worked: Scenario) -> None:
    program = evaluate(worked).program

    assert program.active_caseload == 140
    assert program.enrolled_patient_months == 1680
    assert program.personnel == 242400
    assert program.annual_cost == 312560


def test_the_focus_payer_is_built_as_section_3_says(worked: Scenario) -> None:
    focus = evaluate(worked).payers[1]

    assert focus.name == "Commercial Plan A"
    assert focus.enrolled_patient_months == 756
    assert focus.episodes_started == 126
    assert focus.billable_units_value == 124614
    assert focus.member_months == 144000


def test_population_savings_stay_below_the_msr(worked: Scenario) -> None:
    result = evaluate(worked).result

    assert result.model == "total_cost_of_care"
    assert result.shared_savings == 0
    assert result.benchmark == 69_120_000
    assert evaluation_json(evaluate(worked))["result"]["savings_rate"] == "0.0000"


def test_the_cohort_variant(cohort: Scenario) -> None:
    shown = evaluation_json(evaluate(cohort, "total_cost_of_care"))["result"]

    assert shown_figures(shown, COHORT) == COHORT


def test_compare_agrees_with_evaluate(worked: Scenario) -> None:
    comparison = compare(worked)

    assert tuple(comparison.models) == PAYMENT_MODELS
    for model in PAYMENT_MODELS:
        assert comparison.models[model] == evaluate(worked, model).result


def test_the_figures_are_decimals_at_full_precision(worked: Scenario) -> None:
    result = evaluate(worked, "ffs").result

    assert str(result.breakeven_billable_fraction).startswith("1.18810676843777796361480039")
