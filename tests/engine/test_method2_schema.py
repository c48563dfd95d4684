"""Method-2 scenario files: defaults, every rule of section 1 with an error naming the field."""

from decimal import Decimal

import pytest

from workbench.engine import ScenarioError, parse_scenario, scenario_from_text
from workbench.engine.contract import ContractScenario, evaluate
from workbench.engine.inputs import numeric_inputs

MINIMAL = """
method: 2
name: Minimal
payment_model: ffs
focus_payer: Plan
program: {care_manager_fte: 1, caseload_per_fte: 70, episode_months: 6}
costs: {care_manager_salary: 70000, consultant_hourly_rate: 200}
billing: {billable_fraction: 0.8}
payers:
  - {name: Plan, caseload_share: 1, attributed_members: 1000, baseline_tcoc_pmpm: 500, rates: {}}
"""

WHOLE = "must be a whole number from"
BAD_INPUTS = [
    ({"contract.term_years": 0}, f"contract.term_years: {WHOLE} 1 to 5"),
    ({"contract.term_years": 6}, f"contract.term_years: {WHOLE} 1 to 5"),
    ({"contract.term_years": "2.5"}, f"contract.term_years: {WHOLE} 1 to 5"),
    ({"contract.term_years": "three"}, f"contract.term_years: {WHOLE} 1 to 5"),
    ({"contract.term_years": True}, f"contract.term_years: {WHOLE} 1 to 5"),
    ({"contract.discount_rate": "-0.01"}, "contract.discount_rate: must be between 0 and 0.2"),
    ({"contract.discount_rate": "0.25"}, "contract.discount_rate: must be between 0 and 0.2"),
    ({"contract.medical_trend": "0.31"}, "contract.medical_trend: must be between -0.1 and 0.3"),
    ({"contract.cost_trend": "-0.2"}, "contract.cost_trend: must be between -0.1 and 0.3"),
    ({"contract.rate_escalator": "1"}, "contract.rate_escalator: must be between -0.1 and 0.3"),
    ({"contract.length": 3}, "contract.length: unknown field"),
    ({"savings.lag_months": -1}, f"savings.lag_months: {WHOLE} 0 to 36"),
    ({"savings.lag_months": 37}, f"savings.lag_months: {WHOLE} 0 to 36"),
    ({"savings.lag_months": "1.5"}, f"savings.lag_months: {WHOLE} 0 to 36"),
    ({"savings.duration_months": 0}, f"savings.duration_months: {WHOLE} 1 to 60"),
    ({"savings.duration_months": 61}, f"savings.duration_months: {WHOLE} 1 to 60"),
    (
        {"savings.basis": "per_enrolled_month"},
        "savings.basis: per_enrolled_month is method 1's basis; method 2 uses per_treated_month "
        "(savings.amount_per_treated_month)",
    ),
    (
        {"savings.amount_per_enrolled_month": 70},
        "savings.amount_per_enrolled_month: is method 1's field; method 2 uses "
        "savings.amount_per_treated_month",
    ),
    (
        {"savings.amount_per_treated_month": None},
        "savings.amount_per_treated_month: required when basis is per_treated_month",
    ),
    (
        {"savings.basis": "percent_of_cohort_tcoc"},
        "savings.percent_of_cohort_tcoc: required when basis is percent_of_cohort_tcoc",
    ),
    ({"savings.percent_of_cohort_tcoc": 1}, "savings.percent_of_cohort_tcoc: must be less than 1"),
    (
        {"savings.percent_of_cohort_tcoc": -1},
        "savings.percent_of_cohort_tcoc: must be greater than -1",
    ),
    ({"terms.cost_cv": 0}, "terms.cost_cv: must be greater than 0"),
    ({"terms.cost_cv": "-1"}, "terms.cost_cv: must be greater than 0"),
    (
        {"uncertainty": {"savings.amount": [100, 80, 150]}},
        "uncertainty.savings.amount: low must not exceed mode",
    ),
    (
        {"uncertainty": {"savings.amount": [-30, 80, 50]}},
        "uncertainty.savings.amount: mode must not exceed high",
    ),
    (
        {"uncertainty": {"program.caseload_per_fte": [0, 70, 80]}},
        "uncertainty.program.caseload_per_fte: low must be greater than 0",
    ),
    (
        {"uncertainty": {"billing.billable_fraction": ["0.5", "0.8", "1.2"]}},
        "uncertainty.billing.billable_fraction: high must be between 0 and 1",
    ),
    (
        {"uncertainty": {"savings.lag_months": ["1.5", 3, 6]}},
        "uncertainty.savings.lag_months: low must be a whole number",
    ),
    ({"uncertainty": {"savings.amount": [1, 2]}}, "uncertainty.savings.amount[2]: field required"),
    (
        {"uncertainty": {"savings.amount": ["a", 2, 3]}},
        "uncertainty.savings.amount[0]: must be a number",
    ),
    (
        {"integration_model": "pcmh"},
        "integration_model: 'pcmh' is not one of cocm, pcbh, hybrid, reverse_integration",
    ),
    (
        {"focus_payer_kind": "plan"},
        "focus_payer_kind: 'plan' is not one of commercial_payer, medicare_advantage, medicaid_mco",
    ),
    ({"savings.source": ""}, "savings.source: must not be empty"),
    ({"name": "x" * 121}, "name: must be at most 120 characters"),
    ({"method": 3}, "method: 3 is not one of the methods this engine knows (1, 2)"),
    ({"payments_model": "ffs"}, "payments_model: unknown field"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_INPUTS)
def test_a_bad_input_is_named_with_its_rule(variant2, changes, message) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(variant2(changes))

    assert raised.value.errors == [message]


def test_an_unknown_input_path_names_the_paths_allowed(variant2) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(variant2({"uncertainty": {"program.caseload": [50, 70, 80]}}))

    [message] = raised.value.errors
    assert message.startswith("uncertainty.program.caseload: not an input path; the paths ")
    for path in ("savings.amount", "program.caseload_per_fte", "contract.discount_rate"):
        assert path in message
    assert "contract.term_years" not in message


def test_the_term_is_not_an_uncertain_input(variant2) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(variant2({"uncertainty": {"contract.term_years": [1, 3, 5]}}))

    assert raised.value.errors[0].startswith("uncertainty.contract.term_years: not an input path")


def test_every_error_is_reported_at_once(variant2) -> None:
    data = variant2({"contract.term_years": 9, "savings.lag_months": -1, "terms.cost_cv": 0})

    with pytest.raises(ScenarioError) as raised:
        parse_scenario(data)

    assert raised.value.errors == [
        f"contract.term_years: {WHOLE} 1 to 5",
        f"savings.lag_months: {WHOLE} 0 to 36",
        "terms.cost_cv: must be greater than 0",
    ]


def test_defaults_follow_section_1() -> None:
    scenario = scenario_from_text(MINIMAL)

    assert isinstance(scenario, ContractScenario)
    assert scenario.contract.term_years == 3
    assert scenario.contract.discount_rate == 0
    assert scenario.contract.medical_trend == scenario.contract.cost_trend == 0
    assert scenario.contract.rate_escalator == 0
    assert scenario.savings.basis == "per_treated_month"
    assert scenario.savings.amount == 0
    assert (scenario.savings.lag_months, scenario.savings.duration_months) == (0, 12)
    assert scenario.terms.cost_cv == Decimal("1.7")
    assert scenario.terms.shared_savings_rate == 0
    assert scenario.uncertainty == {}
    assert scenario.savings.source is None
    assert scenario.integration_model == "cocm"
    assert scenario.focus_payer_kind is None


def test_the_savings_name_their_evidence_item_and_nothing_else_changes(variant2) -> None:
    plain = parse_scenario(variant2({}))
    cited = parse_scenario(
        variant2({"savings.source": "impact_2002", "integration_model": "reverse_integration"})
    )

    assert cited.savings.source == "impact_2002"
    assert evaluate(cited).result == evaluate(plain).result
    assert "savings.source" not in numeric_inputs(cited)


def test_savings_may_be_negative_and_triangles_may_reach_below_zero(variant2) -> None:
    scenario = parse_scenario(
        variant2(
            {
                "savings.amount_per_treated_month": -20,
                "uncertainty": {"savings.amount": [-60, -20, 40]},
            }
        )
    )

    assert scenario.savings.amount == -20
    assert scenario.uncertainty["savings.amount"] == (Decimal(-60), Decimal(-20), Decimal(40))


def test_a_method_1_scenario_still_parses_as_method_1(worked) -> None:
    assert worked.method == 1
    assert not isinstance(worked, ContractScenario)
