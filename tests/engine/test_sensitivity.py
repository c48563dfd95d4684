"""The tornado and the break-even caseload (RATE_METHOD.md section 6)."""

import math
from decimal import Decimal

import pytest

from workbench.engine import (
    DEFAULT_INPUTS,
    Scenario,
    ScenarioError,
    breakeven_caseload,
    evaluate,
    tornado,
    tornado_json,
)


def bar(result, name: str):
    """Return the tornado bar of one input."""
    return next(item for item in result.bars if item.input == name)


def test_the_default_tornado_covers_the_section_6_inputs(worked: Scenario) -> None:
    names = {item.input for item in tornado(worked).bars}

    assert len(DEFAULT_INPUTS) == 6
    assert names == {
        "program.caseload_per_fte",
        "billing.billable_fraction",
        "payers.Commercial Plan A.rates.99493",
        "costs.care_manager_salary",
        "savings.amount_per_enrolled_month",
        "terms.shared_savings_rate",
    }


def test_bars_are_sorted_by_swing_largest_first(worked: Scenario) -> None:
    swings = [item.swing for item in tornado(worked, "ffs").bars]

    assert swings == sorted(swings, reverse=True)
    assert swings[0] > swings[-1]


def test_a_bar_is_the_output_at_20_percent_either_side(worked: Scenario) -> None:
    billable = bar(tornado(worked, "ffs"), "billing.billable_fraction")

    # FFS provider net = c x b x U - allocated cost = 0.95 x b x 124,614 - 140,652.
    assert (billable.base, billable.low, billable.high) == (
        Decimal("0.80"),
        Decimal("0.64"),
        Decimal("0.96"),
    )
    assert billable.output_low == Decimal("-64886.688")
    assert billable.output_high == Decimal("-27004.032")
    assert billable.swing == Decimal("37882.656")


def test_given_bounds_replace_the_default_spread(worked: Scenario) -> None:
    result = tornado(worked, "ffs", inputs={"costs.care_manager_salary": (60000, "90000")})

    assert [(item.low, item.high) for item in result.bars] == [(60000, 90000)]


def test_bounds_are_clipped_into_the_field_domain(scenario_with) -> None:
    scenario = scenario_with(
        {"billing.billable_fraction": "0.9", "terms.shared_savings_rate": "0.9"}
    )
    result = tornado(
        scenario,
        inputs=[
            "billing.billable_fraction",
            "terms.shared_savings_rate",
            "focus_payer.caseload_share",
        ],
    )

    assert bar(result, "billing.billable_fraction").high == 1
    assert bar(result, "terms.shared_savings_rate").high == Decimal("0.9999")
    # The three shares already sum to 1, so the focus payer's cannot grow.
    share = bar(result, "payers.Commercial Plan A.caseload_share")
    assert (share.low, share.high) == (Decimal("0.36"), Decimal("0.45"))


def test_given_bounds_outside_the_domain_are_clipped(worked: Scenario) -> None:
    result = tornado(worked, inputs={"program.care_manager_fte": (-1, 3)})

    assert (result.bars[0].low, result.bars[0].high) == (Decimal("0.0001"), 3)


def test_whole_number_inputs_stay_whole(scenario_with) -> None:
    scenario = scenario_with({"payers[1].attributed_members": 3001})
    members = tornado(scenario, inputs=["focus_payer.attributed_members"]).bars[0]

    assert (members.low, members.high) == (2401, 3601)


def test_proposed_pmpm_can_be_the_output(worked: Scenario) -> None:
    result = tornado(
        worked, "bundled", inputs=["costs.care_manager_salary"], output="proposed_pmpm"
    )

    assert result.output == "proposed_pmpm"
    assert result.base_output == evaluate(worked, "bundled").result.proposed_pmpm
    assert result.bars[0].output_low < result.base_output < result.bars[0].output_high


def test_an_unknown_input_is_named_with_the_valid_ones(worked: Scenario) -> None:
    with pytest.raises(ScenarioError) as raised:
        tornado(worked, inputs=["program.caseload_per_ftee"])

    first, valid = raised.value.errors
    assert first == "inputs: 'program.caseload_per_ftee' is not a numeric input of this scenario"
    assert valid.startswith("inputs: valid names are program.care_manager_fte, ")
    assert "payers.Medicare.rates.99492" in valid


@pytest.mark.parametrize("bounds", [(3, 1), (1,), ("a", "b"), 5])
def test_bounds_must_be_two_numbers_in_order(worked: Scenario, bounds) -> None:
    with pytest.raises(ScenarioError) as raised:
        tornado(worked, inputs={"program.caseload_per_fte": bounds})

    assert raised.value.errors == [
        "inputs.program.caseload_per_fte: give low, high as numbers in increasing order"
    ]


def test_an_unknown_output_or_model_is_refused(worked: Scenario) -> None:
    with pytest.raises(ScenarioError, match="output: 'payer_roi' is not one of provider_net"):
        tornado(worked, output="payer_roi")
    with pytest.raises(ScenarioError, match="model: 'capitation' is not one of ffs"):
        tornado(worked, model="capitation")


def test_tornado_json_shows_exact_inputs_and_money(worked: Scenario) -> None:
    shown = tornado_json(tornado(worked, "ffs", inputs=["billing.billable_fraction"]))

    assert shown["bars"] == [
        {
            "input": "billing.billable_fraction",
            "base": "0.8",
            "low": "0.64",
            "high": "0.96",
            "output_low": "-64886.69",
            "output_high": "-27004.03",
            "swing": "37882.66",
        }
    ]
    assert shown["base_output"] == "-45945.36"


def test_ffs_breaks_even_at_the_caseload_worked_out_by_hand(worked: Scenario) -> None:
    # Per patient per FTE a year: 2 FTE x 12 months x 45% share = 10.8 patient-months, of which
    # 1.8 start an episode; units value 1.8 x 180 + 9 x 145 + 10.8 x 0.2 x 70 = 1,780.20 dollars,
    # collected at 0.95 x 0.80. The allocated cost of 140,652 does not depend on the caseload.
    revenue_per_caseload = Decimal("0.95") * Decimal("0.80") * Decimal("1780.20")
    by_hand = math.ceil(Decimal(140652) / revenue_per_caseload)

    assert by_hand == 104
    assert breakeven_caseload(worked, "ffs") == by_hand


@pytest.mark.parametrize("model", ["ffs_plus_incentives", "bundled", "total_cost_of_care"])
def test_models_that_pay_the_need_break_even_at_once(worked: Scenario, model: str) -> None:
    assert breakeven_caseload(worked, model) == 1


def test_a_payer_that_pays_nothing_never_breaks_even_on_ffs(scenario_with) -> None:
    scenario = scenario_with({"focus_payer": "State Medicaid MCO"})

    assert breakeven_caseload(scenario, "ffs") is None


def test_an_empty_input_list_gives_an_empty_tornado(worked: Scenario) -> None:
    assert tornado(worked, inputs=[]).bars == ()
