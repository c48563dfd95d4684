"""Every example scenario reads, evaluates and survives a round trip; method 2's look like
proposals a payer could accept or argue with."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from workbench.engine import compare, contract, monte_carlo, scenario_from_text, scenario_to_dict

FOLDER = Path(__file__).resolve().parents[2] / "examples"
EXAMPLES = sorted(FOLDER.glob("*.yaml"))
METHOD_1_EXAMPLES = sorted((FOLDER / "method-1").glob("*.yaml"))
NAMES = {"worked-example.yaml", "rural-practice.yaml", "large-aco.yaml", "medicaid-cmhc.yaml"}
LIBRARY = FOLDER.parent / "stakeholder_profiles" / "reference" / "evidence.yaml"
PRESET = re.compile(r"^savings: +# evidence item (\w+), its savings preset$", re.MULTILINE)


def test_the_realistic_examples_are_there_for_both_methods() -> None:
    assert {path.name for path in EXAMPLES} == NAMES
    assert {path.name for path in METHOD_1_EXAMPLES} == NAMES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_a_method_2_example_evaluates_and_round_trips(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    scenario = scenario_from_text(text)

    assert text.startswith("# ")
    assert scenario.method == 2
    assert contract.monte_carlo(scenario, draws=100).draws == 100
    assert scenario_from_text(yaml.safe_dump(scenario_to_dict(scenario))) == scenario


REALISTIC = [path for path in EXAMPLES if path.stem != "worked-example"]


@pytest.mark.parametrize("path", REALISTIC, ids=lambda path: path.stem)
def test_a_realistic_example_is_a_proposal_both_sides_can_weigh(path: Path) -> None:
    result = contract.evaluate(scenario_from_text(path.read_text(encoding="utf-8"))).result

    assert result.pv_provider_net > 0
    assert result.payer_roi_with_tail is not None and result.payer_roi_with_tail > 1
    # Inside the zone, or within 5% of it: a gap to argue over, not a loss by construction.
    assert result.zone is not None
    assert result.zone.walk_away <= result.zone.ceiling * Decimal("1.05")


@pytest.mark.parametrize("path", REALISTIC, ids=lambda path: path.stem)
def test_a_realistic_examples_savings_are_a_verified_evidence_preset(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    scenario = scenario_from_text(text)
    [key] = PRESET.findall(text)
    assert scenario.savings.source == key
    item = next(i for i in yaml.safe_load(LIBRARY.read_text())["evidence"] if i["key"] == key)
    preset = item["savings_preset"]

    assert item["verification"]["status"] == "verified"
    assert scenario.savings.basis == preset["basis"]
    assert scenario.savings.amount == Decimal(str(preset["amount_per_treated_month"]))
    assert scenario.savings.lag_months == preset["lag_months"]
    assert scenario.savings.duration_months == preset["duration_months"]
    low, mode, high = (Decimal(str(end)) for end in preset["triangle"])
    assert scenario.uncertainty["savings.amount"] == (low, mode, high)


def test_two_examples_fit_inside_the_zone() -> None:
    inside = [
        path.stem
        for path in REALISTIC
        if contract.evaluate(scenario_from_text(path.read_text())).result.zone.agreement
    ]

    assert sorted(inside) == ["large-aco", "rural-practice"]


@pytest.mark.parametrize("path", METHOD_1_EXAMPLES, ids=lambda path: path.stem)
def test_a_method_1_example_still_evaluates(path: Path) -> None:
    scenario = scenario_from_text(path.read_text(encoding="utf-8"))

    assert scenario.method == 1
    assert compare(scenario).warnings == ()
    assert monte_carlo(scenario, draws=100).draws == 100
    assert scenario_from_text(yaml.safe_dump(scenario_to_dict(scenario))) == scenario


@pytest.mark.parametrize("folder", [FOLDER, FOLDER / "method-1"], ids=["method-2", "method-1"])
def test_the_examples_show_their_payment_models(folder: Path) -> None:
    models = {
        path.stem: scenario_from_text(path.read_text()).payment_model
        for path in folder.glob("*.yaml")
    }

    assert models["rural-practice"] == "ffs_plus_incentives"
    assert models["large-aco"] == "total_cost_of_care"
    assert models["medicaid-cmhc"] == "bundled"
