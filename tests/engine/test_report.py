"""JSON data and text tables for the CLI and the web layer."""

import json

from workbench.engine import (
    PAYMENT_MODELS,
    Scenario,
    breakeven_caseload,
    compare,
    comparison_json,
    evaluate,
    evaluation_json,
    format_breakeven,
    format_comparison,
    format_evaluation,
    format_monte_carlo,
    format_tornado,
    monte_carlo,
    tornado,
)


def test_evaluation_json_has_the_agreed_shape(worked: Scenario) -> None:
    shown = evaluation_json(evaluate(worked))

    assert list(shown) == ["method", "program", "payers", "result", "warnings"]
    assert shown["method"] == 1
    assert shown["program"] == {
        "active_caseload": "140",
        "enrolled_patient_months": "1680",
        "annual_cost": "312560.00",
        "cost_per_enrolled_month": "186.05",
    }
    assert shown["payers"][1] == {
        "name": "Commercial Plan A",
        "enrolled_patient_months": "756",
        "ffs_revenue": "94706.64",
        "allocated_cost": "140652.00",
        "ffs_margin": "-45945.36",
    }
    assert list(shown["result"]) == [
        "model",
        "focus_payer",
        "member_months",
        "allocated_cost",
        "ffs_revenue",
        "expected_incentives",
        "proposed_pmpm",
        "annual_pmpm_payments",
        "case_rate_per_enrolled_month",
        "episode_rate",
        "breakeven_billable_fraction",
        "gross_savings",
        "shared_savings",
        "savings_rate",
        "payer_added_payments",
        "payer_net_savings",
        "payer_roi",
        "provider_net",
    ]
    assert shown["result"]["member_months"] == "144000"
    assert shown["warnings"] == []
    assert json.loads(json.dumps(shown)) == shown


def test_fractional_patient_months_show_two_places(scenario_with) -> None:
    scenario = scenario_with(
        {"program.care_manager_fte": 1, "program.caseload_per_fte": 45, "program.ramp_months": 1}
    )

    assert evaluation_json(evaluate(scenario))["program"]["enrolled_patient_months"] == "517.50"


def test_comparison_json_puts_the_models_side_by_side(worked: Scenario) -> None:
    shown = comparison_json(compare(worked))

    assert list(shown) == ["method", "program", "payers", "models", "warnings"]
    assert tuple(shown["models"]) == PAYMENT_MODELS
    assert shown["models"]["bundled"]["episode_rate"] == "1172.10"
    assert json.loads(json.dumps(shown)) == shown


def test_the_evaluation_table_shows_the_figures(worked: Scenario) -> None:
    text = format_evaluation(evaluate(worked, "ffs"))

    assert text.startswith("Commercial Plan A - 2027 renewal\nRate method 1, ffs,")
    assert "312,560.00" in text
    assert "break-even billable fraction" in text
    assert "episode rate" not in text


def test_the_comparison_table_has_one_column_per_model(worked: Scenario) -> None:
    text = format_comparison(compare(worked))
    provider_net = next(line for line in text.splitlines() if line.startswith("provider net"))

    assert provider_net.split()[2:] == ["-45,945.36", "7,032.60", "7,032.60", "7,032.60"]


def test_warnings_are_listed_under_the_tables(scenario_with) -> None:
    text = format_evaluation(evaluate(scenario_with({"program.caseload_per_fte": 130})))

    assert text.endswith(
        "Warnings\n- program.caseload_per_fte: 130 is outside the usual 40-120 patients per FTE\n"
    )


def test_the_tornado_and_monte_carlo_tables(worked: Scenario) -> None:
    tornado_text = format_tornado(tornado(worked, "ffs"))
    monte_carlo_text = format_monte_carlo(monte_carlo(worked, draws=500))

    assert "Tornado of provider net under ffs (base -45,945.36)" in tornado_text
    assert "costs.care_manager_salary" in tornado_text
    assert "Monte Carlo under total_cost_of_care: 500 draws, seed 0" in monte_carlo_text
    assert "P(payer ROI < 1)" in monte_carlo_text


def test_the_breakeven_sentence(worked: Scenario, scenario_with) -> None:
    unpaid = scenario_with({"focus_payer": "State Medicaid MCO"})

    assert format_breakeven(worked, breakeven_caseload(worked, "ffs"), "ffs") == (
        "Break-even caseload under ffs: 104 patients per FTE (scenario: 70)"
    )
    assert format_breakeven(unpaid, None, "ffs") == (
        "Break-even caseload under ffs: none up to 1,000 patients per FTE (scenario: 70)"
    )
