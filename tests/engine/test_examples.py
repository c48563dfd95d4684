"""Every example scenario reads, evaluates and survives a round trip."""

from pathlib import Path

import pytest
import yaml

from workbench.engine import compare, monte_carlo, scenario_from_text, scenario_to_dict

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


def test_the_realistic_examples_are_there() -> None:
    assert {path.name for path in EXAMPLES} >= {
        "worked-example.yaml",
        "rural-practice.yaml",
        "large-aco.yaml",
        "medicaid-cmhc.yaml",
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_an_example_evaluates_and_round_trips(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    scenario = scenario_from_text(text)

    assert text.startswith("# ")
    assert compare(scenario).warnings == ()
    assert monte_carlo(scenario, draws=100).draws == 100
    assert scenario_from_text(yaml.safe_dump(scenario_to_dict(scenario))) == scenario


def test_the_examples_show_their_payment_models() -> None:
    models = {path.stem: scenario_from_text(path.read_text()).payment_model for path in EXAMPLES}

    assert models["rural-practice"] == "ffs_plus_incentives"
    assert models["large-aco"] == "total_cost_of_care"
    assert models["medicaid-cmhc"] == "bundled"
