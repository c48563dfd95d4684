"""Shared fixtures for the engine tests: the worked example and ways to vary it."""

import copy
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.engine.section5 import COHORT_SAVINGS
from workbench.engine import Scenario, monte_carlo, parse_scenario, scenario_from_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "method-1"

Variant = Callable[..., dict[str, Any]]


@pytest.fixture(scope="session")
def worked_text() -> str:
    """The worked example of RATE_METHOD.md section 1, as the user would write it."""
    return (EXAMPLES / "worked-example.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def worked(worked_text: str) -> Scenario:
    """The worked example, parsed."""
    return scenario_from_text(worked_text)


@pytest.fixture
def variant(worked: Scenario) -> Variant:
    """Return a function that copies the worked example's data with dotted paths set or removed."""
    return variant_of(worked)


@pytest.fixture
def scenario_with(variant: Variant) -> Callable[..., Scenario]:
    """Return a function that builds a valid variant of the worked example."""
    return lambda changes=None, remove=(): parse_scenario(variant(changes, remove))


@pytest.fixture
def cohort(scenario_with: Callable[..., Scenario]) -> Scenario:
    """The cohort variant of section 5: 10% of the cohort's cost, cohort benchmark."""
    return scenario_with({"savings": COHORT_SAVINGS, "terms.benchmark_scope": "cohort"})


@pytest.fixture(scope="session")
def point_distributions() -> Callable[[Scenario], dict[str, tuple]]:
    """Return a function giving degenerate distributions (low = mode = high) at the point values."""

    def degenerate(scenario: Scenario) -> dict[str, tuple]:
        defaults = monte_carlo(scenario, draws=1).distributions
        return {d.input: (d.mode, d.mode, d.mode) for d in defaults}

    return degenerate


def _parent(data: dict[str, Any], path: str) -> tuple[Any, Any]:
    keys = re.findall(r"[^.\[\]]+", path)
    target: Any = data
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    last = keys[-1]
    return target, int(last) if isinstance(target, list) else last


@pytest.fixture(scope="session")
def contract_worked_text() -> str:
    """The method-2 worked example of RATE_METHOD_2.md section 10."""
    return (EXAMPLES.parent / "worked-example.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def contract_worked(contract_worked_text: str) -> Scenario:
    """The method-2 worked example, parsed."""
    return scenario_from_text(contract_worked_text)


@pytest.fixture
def variant2(contract_worked: Scenario) -> Variant:
    """Return a function that copies the method-2 worked example's data with paths changed."""
    return variant_of(contract_worked)


def variant_of(scenario: Scenario) -> Variant:
    """Return a function that copies a scenario's data with dotted paths set or removed."""

    def make(changes: Mapping[str, object] | None = None, remove: Iterable[str] = ()) -> dict:
        data = copy.deepcopy(scenario.model_dump(mode="json"))
        for path, value in (changes or {}).items():
            parent, key = _parent(data, path)
            parent[key] = value
        for path in remove:
            parent, key = _parent(data, path)
            del parent[key]
        return data

    return make
