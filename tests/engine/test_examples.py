"""Every example scenario reads, evaluates and survives a round trip; method 2's look like
proposals a payer could accept or argue with."""

from pathlib import Path

import pytest
import yaml

from workbench.engine import compare, contract, monte_carlo, scenario_from_text, scenario_to_dict

FOLDER = Path(__file__).resolve().parents[2] / "examples"
EXAMPLES = sorted(FOLDER.glob("*.yaml"))
METHOD_1_EXAMPLES = sorted((FOLDER / "method-1").glob("*.yaml"))
NAMES = {"worked-example.yaml", "rural-practice.yaml", "large-aco.yaml", "medicaid-cmhc.yaml"}
EVIDENCE_KEYS = ("impact_2002", "milliman_2014_savings_pct", "missouri_cmhc_health_homes")


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


@pytest.mark.parametrize("path", [p for p in EXAMPLES if p.stem != "worked-example"], ids=str)
def test_a_realistic_example_is_a_proposal_both_sides_can_sign(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    result = contract.evaluate(scenario_from_text(text)).result

    assert result.zone is not None and result.zone.agreement
    assert result.payer_roi is not None and result.payer_roi >= 1
    assert result.pv_provider_net > 0
    assert any(f"evidence item {key}" in text for key in EVIDENCE_KEYS)
    assert "uncertainty:" in text


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
