"""Section 6 of rate method 1: the tornado of one-at-a-time swings, and the break-even caseload."""

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

import numpy as np

from .constraints import not_one_of
from .decimals import engine_context
from .errors import ScenarioError
from .evaluate import chosen_model, evaluate
from .inputs import BREAKEVEN_MAX_CASELOAD, DEFAULT_INPUTS, Input, numeric_inputs, resolve_inputs
from .parse import SameMethod, with_values
from .results import Tornado, TornadoBar
from .schema import Scenario
from .vectorised import float_values, outcomes

TORNADO_OUTPUTS = (
    "provider_net",
    "proposed_pmpm",
    "annual_pmpm_payments",
    "payer_added_payments",
    "payer_net_savings",
    "ffs_revenue",
    "allocated_cost",
    "gross_savings",
)
# Float figures near zero are checked again in Decimal; a cent covers float noise many times over.
_FLOAT_SLACK = 0.01

Bounds = Iterable[str] | Mapping[str, Iterable[object]]


def tornado(
    scenario: Scenario,
    model: str | None = None,
    inputs: Bounds | None = None,
    output: str = "provider_net",
) -> Tornado:
    """Swing each input between its low and high value and rank the change in the output."""
    chosen = chosen_model(scenario, model)
    if output not in TORNADO_OUTPUTS:
        raise ScenarioError([f"output: {not_one_of(output, TORNADO_OUTPUTS)}"])
    bars = [
        _bar(scenario, chosen, output, field, low, high)
        for field, (low, high) in input_ranges(scenario, inputs)
    ]
    return Tornado(
        model=chosen,
        output=output,
        base_output=getattr(evaluate(scenario, chosen).result, output),
        bars=tuple(sorted(bars, key=lambda bar: bar.swing, reverse=True)),
    )


def input_ranges(
    scenario: Scenario, inputs: Bounds | None
) -> list[tuple[Input, tuple[Decimal, Decimal]]]:
    """Pair each input with its (low, high): given, or 20% either side of its value."""
    if isinstance(inputs, Mapping):
        fields = resolve_inputs(scenario, inputs)
        pairs = zip(fields, inputs.values(), strict=True)
        return [(field, _low_high(field.given(bounds, ("low", "high")))) for field, bounds in pairs]
    names = DEFAULT_INPUTS if inputs is None else inputs
    return [(field, field.spread()) for field in resolve_inputs(scenario, names)]


def _low_high(ends: tuple[Decimal, ...]) -> tuple[Decimal, Decimal]:
    low, high = ends
    return low, high


def breakeven_caseload(scenario: Scenario, model: str | None = None) -> int | None:
    """Find the smallest whole caseload per FTE at which the provider nets zero or more."""
    chosen = chosen_model(scenario, model)
    return smallest_covering_caseload(
        scenario,
        lambda values, size: outcomes(scenario, chosen, values, size).provider_net,
        lambda candidate: evaluate(candidate, chosen).result.provider_net,
    )


def smallest_covering_caseload(
    scenario: SameMethod,
    float_net: Callable[[dict, int], np.ndarray],
    exact_net: Callable[[SameMethod], Decimal],
) -> int | None:
    """Search caseloads 1..1,000 per FTE in float, then confirm the first candidate in Decimal."""
    caseloads = np.arange(1, BREAKEVEN_MAX_CASELOAD + 1)
    values = float_values(scenario) | {"program.caseload_per_fte": caseloads.astype(float)}
    net = float_net(values, caseloads.size)
    field = numeric_inputs(scenario)["program.caseload_per_fte"]
    for caseload in caseloads[net > -_FLOAT_SLACK]:
        if exact_net(with_values(scenario, {field: Decimal(int(caseload))})) >= 0:
            return int(caseload)
    return None


def _bar(
    scenario: Scenario, model: str, output: str, field: Input, low: Decimal, high: Decimal
) -> TornadoBar:
    at_low, at_high = (
        getattr(evaluate(with_values(scenario, {field: value}), model).result, output)
        for value in (low, high)
    )
    with engine_context():
        swing = abs(at_high - at_low)
    return TornadoBar(
        input=field.name,
        base=field.value,
        low=low,
        high=high,
        output_low=at_low,
        output_high=at_high,
        swing=swing,
    )
