"""Scenario parsing: defaults, exact numbers, every rejected input and every warning."""

import json
import re
from decimal import Decimal

import pytest
import yaml

from workbench.engine import (
    Scenario,
    ScenarioError,
    ScenarioFileError,
    evaluate,
    parse_scenario,
    scenario_from_text,
    scenario_to_dict,
)

MINIMAL = """
method: 1
name: Minimal
payment_model: ffs
focus_payer: Plan
program: {care_manager_fte: 1, caseload_per_fte: 70, episode_months: 6}
costs: {care_manager_salary: 70000, consultant_hourly_rate: 200}
billing: {billable_fraction: 0.8}
payers:
  - {name: Plan, caseload_share: 1, attributed_members: 1000, baseline_tcoc_pmpm: 500, rates: {}}
"""

BAD_INPUTS = [
    ({"program.care_manager_fte": 0}, "program.care_manager_fte: must be greater than 0"),
    ({"program.care_manager_fte": -1}, "program.care_manager_fte: must be greater than 0"),
    ({"program.care_manager_fte": "two"}, "program.care_manager_fte: must be a number"),
    ({"program.caseload_per_fte": 0}, "program.caseload_per_fte: must be greater than 0"),
    ({"program.episode_months": "0.5"}, "program.episode_months: must be at least 1"),
    ({"program.weeks_per_year": 54}, "program.weeks_per_year: must be between 1 and 53"),
    ({"program.weeks_per_year": 0}, "program.weeks_per_year: must be between 1 and 53"),
    ({"program.ramp_months": 13}, "program.ramp_months: must be between 0 and 12"),
    ({"program.ramp_months": -1}, "program.ramp_months: must be between 0 and 12"),
    (
        {"program.consultant_hours_per_week_per_fte": -1},
        "program.consultant_hours_per_week_per_fte: must be at least 0",
    ),
    (
        {"program.direct_psychiatric_hours_per_week": -1},
        "program.direct_psychiatric_hours_per_week: must be at least 0",
    ),
    ({"costs.care_manager_salary": -1}, "costs.care_manager_salary: must be at least 0"),
    ({"costs.benefits_rate": "-0.1"}, "costs.benefits_rate: must be at least 0"),
    ({"costs.consultant_hourly_rate": -1}, "costs.consultant_hourly_rate: must be at least 0"),
    ({"costs.other_direct_annual": -1}, "costs.other_direct_annual: must be at least 0"),
    ({"costs.overhead_rate": "-0.1"}, "costs.overhead_rate: must be at least 0"),
    ({"costs.startup_costs": -1}, "costs.startup_costs: must be at least 0"),
    ({"costs.amortization_years": 0}, "costs.amortization_years: must be greater than 0"),
    ({"billing.billable_fraction": "1.1"}, "billing.billable_fraction: must be between 0 and 1"),
    (
        {"billing.addon_units_per_billed_month": -1},
        "billing.addon_units_per_billed_month: must be at least 0",
    ),
    ({"billing.collection_rate": "-0.1"}, "billing.collection_rate: must be between 0 and 1"),
    ({"payers[0].caseload_share": "-0.1"}, "payers[0].caseload_share: must be between 0 and 1"),
    ({"payers[1].caseload_share": "0.65"}, "payers: caseload shares sum to 1.2, must be at most 1"),
    ({"payers[2].name": "Medicare"}, "payers[2].name: 'Medicare' is a duplicate payer name"),
    ({"payers": []}, "payers: at least one payer is required"),
    (
        {"focus_payer": "Acme"},
        "focus_payer: 'Acme' is not one of the payers (Medicare, Commercial Plan A, "
        "State Medicaid MCO)",
    ),
    (
        {"payers[1].attributed_members": 0},
        "payers[1].attributed_members: must be greater than 0 for the focus payer",
    ),
    ({"payers[0].attributed_members": -5}, "payers[0].attributed_members: must be at least 0"),
    ({"payers[0].attributed_members": 2.5}, "payers[0].attributed_members: must be a whole number"),
    ({"payers[0].baseline_tcoc_pmpm": -1}, "payers[0].baseline_tcoc_pmpm: must be at least 0"),
    ({"payers[0].rates.99492": -1}, "payers[0].rates.99492: must be at least 0"),
    (
        {"payers[0].rates.99439": 60},
        "payers[0].rates.99439: '99439' is not one of the codes method 1 prices "
        "(99492, 99493, 99494)",
    ),
    (
        {"payment_model": "capitation"},
        "payment_model: 'capitation' is not one of ffs, ffs_plus_incentives, bundled, "
        "total_cost_of_care",
    ),
    ({"method": 3}, "method: 3 is not one of the methods this engine knows (1, 2)"),
    ({"name": ""}, "name: must not be empty"),
    ({"terms.shared_savings_rate": 1}, "terms.shared_savings_rate: must be less than 1"),
    ({"terms.shared_savings_rate": "-0.1"}, "terms.shared_savings_rate: must be at least 0"),
    ({"terms.quality_score": "1.1"}, "terms.quality_score: must be between 0 and 1"),
    ({"terms.savings_cap_rate": "1.5"}, "terms.savings_cap_rate: must be between 0 and 1"),
    (
        {"terms.minimum_savings_rate": "-0.01"},
        "terms.minimum_savings_rate: must be between 0 and 1",
    ),
    ({"terms.target_margin": "-0.01"}, "terms.target_margin: must be between 0 and 1"),
    ({"terms.target_margin": "1.5"}, "terms.target_margin: must be between 0 and 1"),
    (
        {"terms.quality_incentives[0].annual_amount": -1},
        "terms.quality_incentives[0].annual_amount: must be at least 0",
    ),
    (
        {"terms.quality_incentives[0].expected_attainment": "1.2"},
        "terms.quality_incentives[0].expected_attainment: must be between 0 and 1",
    ),
    (
        {"terms.benchmark_scope": "region"},
        "terms.benchmark_scope: 'region' is not one of population, cohort",
    ),
    (
        {"savings.basis": "per_visit"},
        "savings.basis: 'per_visit' is not one of per_enrolled_month, percent_of_cohort_tcoc",
    ),
    (
        {"savings.basis": "percent_of_cohort_tcoc"},
        "savings.percent_of_cohort_tcoc: required when basis is percent_of_cohort_tcoc",
    ),
    (
        {"savings.amount_per_enrolled_month": None},
        "savings.amount_per_enrolled_month: required when basis is per_enrolled_month",
    ),
    (
        {"savings.percent_of_cohort_tcoc": "1.5"},
        "savings.percent_of_cohort_tcoc: must be between -1 and 1",
    ),
    (
        {"savings.cohort_cost_multiplier": 0},
        "savings.cohort_cost_multiplier: must be greater than 0",
    ),
    ({"program.caseload_per_ftee": 70}, "program.caseload_per_ftee: unknown field"),
    ({"terms.shared_savings": "0.5"}, "terms.shared_savings: unknown field"),
    ({"program": [1, 2]}, "program: must be a mapping"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_INPUTS)
def test_a_bad_input_is_named_with_its_rule(variant, changes, message) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(variant(changes))

    assert raised.value.errors == [message]


@pytest.mark.parametrize(
    ("removed", "message"),
    [
        ("program.care_manager_fte", "program.care_manager_fte: field required"),
        ("costs", "costs: field required"),
        ("payers[0].rates", "payers[0].rates: field required"),
        ("focus_payer", "focus_payer: field required"),
        (
            "savings.amount_per_enrolled_month",
            "savings.amount_per_enrolled_month: required when basis is per_enrolled_month",
        ),
    ],
)
def test_a_missing_field_is_named(variant, removed, message) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(variant(remove=[removed]))

    assert raised.value.errors == [message]


def test_every_error_is_reported_at_once(variant) -> None:
    data = variant(
        {
            "program.care_manager_fte": 0,
            "billing.billable_fraction": 2,
            "terms.quality_score": 2,
            "payers[1].caseload_share": "0.65",
            "savings.basis": "percent_of_cohort_tcoc",
        }
    )

    with pytest.raises(ScenarioError) as raised:
        parse_scenario(data)

    assert raised.value.errors == [
        "program.care_manager_fte: must be greater than 0",
        "billing.billable_fraction: must be between 0 and 1",
        "savings.percent_of_cohort_tcoc: required when basis is percent_of_cohort_tcoc",
        "payers: caseload shares sum to 1.2, must be at most 1",
        "terms.quality_score: must be between 0 and 1",
    ]
    assert str(raised.value) == "\n".join(raised.value.errors)


def test_a_mapping_is_required(variant) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario([variant()])  # type: ignore[arg-type]

    assert raised.value.errors == ["scenario: must be a mapping"]


def test_defaults_follow_section_1() -> None:
    data = scenario_to_dict(scenario_from_text(MINIMAL))

    assert data["program"] == {
        "care_manager_fte": "1",
        "caseload_per_fte": "70",
        "episode_months": "6",
        "consultant_hours_per_week_per_fte": "3",
        "direct_psychiatric_hours_per_week": "0",
        "weeks_per_year": "52",
        "ramp_months": "0",
    }
    assert data["costs"] == {
        "care_manager_salary": "70000",
        "benefits_rate": "0",
        "consultant_hourly_rate": "200",
        "other_direct_annual": "0",
        "overhead_rate": "0",
        "startup_costs": "0",
        "amortization_years": "3",
    }
    assert data["billing"] == {
        "billable_fraction": "0.8",
        "addon_units_per_billed_month": "0",
        "collection_rate": "1",
    }
    assert data["savings"] == {
        "basis": "per_enrolled_month",
        "amount_per_enrolled_month": "0",
        "percent_of_cohort_tcoc": None,
        "cohort_cost_multiplier": "1",
    }
    assert data["terms"] == {
        "target_margin": "0",
        "quality_incentives": [],
        "minimum_savings_rate": "0",
        "shared_savings_rate": "0",
        "quality_score": "1",
        "savings_cap_rate": "1",
        "benchmark_scope": "population",
    }


def test_savings_default_to_zero_when_only_the_multiplier_is_given(variant) -> None:
    scenario = parse_scenario(variant({"savings": {"cohort_cost_multiplier": 2}}))

    assert scenario.savings.amount_per_enrolled_month == 0
    assert evaluate(scenario).result.gross_savings == 0


def test_yaml_numbers_are_read_as_exact_decimals(worked: Scenario) -> None:
    medicare = worked.payers[0]

    assert medicare.rates["99492"] == Decimal("161.28")
    assert str(medicare.rates["99492"]) == "161.28"
    assert type(worked.billing.billable_fraction) is Decimal
    assert str(worked.billing.billable_fraction) == "0.80"


def test_rate_codes_written_as_numbers_become_text(worked_text: str) -> None:
    text = worked_text.replace('{"99492": 161.28,', "{99492: 161.28,")

    assert scenario_from_text(text).payers[0].rates["99492"] == Decimal("161.28")


def test_json_numbers_are_read_as_exact_decimals(worked: Scenario) -> None:
    text = json.dumps(scenario_to_dict(worked))
    bare = re.sub(r'"(-?\d+\.\d+)"', r"\1", text)

    assert '"rates": {"99492": 161.28' in bare
    assert scenario_from_text(bare) == worked


@pytest.mark.parametrize("dump", [yaml.safe_dump, json.dumps])
def test_scenario_to_dict_round_trips(worked: Scenario, cohort: Scenario, dump) -> None:
    for scenario in (worked, cohort):
        assert scenario_from_text(dump(scenario_to_dict(scenario))) == scenario


def test_the_scenario_is_immutable(worked: Scenario) -> None:
    with pytest.raises(ValueError, match="frozen"):
        worked.program.care_manager_fte = Decimal(3)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the scenario text is empty"),
        ("  \n\t\n", "the scenario text is empty"),
        ("# only a comment\n", "the scenario text is empty"),
        ("- a\n- b\n", "the scenario must be a mapping of fields, not a list"),
        ("[1, 2]", "the scenario must be a mapping of fields, not a list"),
        ("just some words", "the scenario must be a mapping of fields, not plain text"),
        ("42", "the scenario must be a mapping of fields, not a single value"),
        ("name: [unclosed\nmethod: 1\n", "not valid YAML: "),
        ("name: a\n  - b: c\n", "not valid YAML: "),
        ("method: 1\nmethod: 2\n", "not valid YAML: duplicate key 'method'"),
        ("rate: 1:30.5\n", "not valid YAML: '1:30.5' is not a decimal number"),
    ],
)
def test_text_that_is_not_a_scenario_gets_one_line(text: str, message: str) -> None:
    with pytest.raises(ScenarioFileError) as raised:
        scenario_from_text(text)

    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_yaml_infinity_is_refused_as_a_field_error(variant) -> None:
    text = yaml.safe_dump(variant()).replace("care_manager_fte: '2'", "care_manager_fte: .inf")

    with pytest.raises(ScenarioError) as raised:
        scenario_from_text(text)

    assert raised.value.errors == ["program.care_manager_fte: must be a finite number"]


@pytest.mark.parametrize(
    ("changes", "warning"),
    [
        (
            {"program.caseload_per_fte": 130},
            "program.caseload_per_fte: 130 is outside the usual 40-120 patients per FTE",
        ),
        (
            {"program.caseload_per_fte": "39.5"},
            "program.caseload_per_fte: 39.5 is outside the usual 40-120 patients per FTE",
        ),
        (
            {"program.episode_months": 14},
            "program.episode_months: 14 is longer than the usual 12 months",
        ),
        (
            {"billing.billable_fraction": "0.97"},
            "billing.billable_fraction: 0.97 is above the usual maximum of 0.95",
        ),
    ],
)
def test_unusual_values_travel_with_the_result(scenario_with, changes, warning) -> None:
    assert evaluate(scenario_with(changes)).warnings == (warning,)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"program.caseload_per_fte": 40},
        {"program.caseload_per_fte": 120},
        {"program.episode_months": 12},
        {"billing.billable_fraction": "0.95"},
    ],
)
def test_usual_values_carry_no_warning(scenario_with, changes) -> None:
    assert evaluate(scenario_with(changes)).warnings == ()
