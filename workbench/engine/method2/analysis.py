"""Section 7 of rate method 2: terms fixed, outcomes uncertain.

One definition of the uncertain inputs serves every analysis: the scenario's `uncertainty`
triangles, or the default inputs 20% either side (savings from half their value below zero to
twice it, since published intervals reach below zero). Monte Carlo draws them; both tornados
swing each between its low and high end.
"""

from decimal import Decimal

import numpy as np

from ..decimals import ZERO
from ..inputs import SAVINGS_AMOUNT, Input, canonical_name, numeric_inputs, resolve_inputs
from ..montecarlo import (
    NOISE,
    Distribution,
    check_run,
    draw,
    histogram,
    percentiles,
    share,
)
from ..parse import with_values
from ..sensitivity import DEFAULT_INPUTS, TornadoBar, smallest_covering_caseload
from ..vectorised import float_values
from .arithmetic import contract_context
from .evaluate import chosen_model, evaluate, outcome
from .results import ASK, MARGIN, ContractMonteCarlo, ContractTornado
from .schema import ContractScenario
from .vectorised import term_outcomes


def uncertain_inputs(scenario: ContractScenario) -> list[Distribution]:
    """Return the triangles every analysis of the scenario uses."""
    if scenario.uncertainty:
        fields = resolve_inputs(scenario, scenario.uncertainty)
        return [
            Distribution(field.name, *triangle)
            for field, triangle in zip(fields, scenario.uncertainty.values(), strict=True)
        ]
    savings = canonical_name(scenario, SAVINGS_AMOUNT)
    return [
        _savings_triangle(field) if field.name == savings else _spread(field)
        for field in resolve_inputs(scenario, DEFAULT_INPUTS)
    ]


def monte_carlo(
    scenario: ContractScenario, model: str | None = None, draws: int = 10_000, seed: int = 0
) -> ContractMonteCarlo:
    """Draw the uncertain inputs with the point estimate's terms held; report the spread."""
    chosen = chosen_model(scenario, model)
    check_run(draws, seed)
    point = evaluate(scenario, chosen).result
    triangles = uncertain_inputs(scenario)
    known = numeric_inputs(scenario)
    rng = np.random.default_rng(seed)
    values = float_values(scenario)
    for triangle in triangles:
        drawn = draw(rng, triangle, draws)
        values[triangle.input] = np.rint(drawn) if known[triangle.input].whole else drawn
    result = term_outcomes(scenario, point.terms, values, draws)
    return ContractMonteCarlo(
        model=chosen,
        draws=draws,
        seed=seed,
        distributions=tuple(triangles),
        level_rate=point.level_pmpm if point.level_case_rate is None else point.level_case_rate,
        provider_net=percentiles(result.pv_provider_net),
        payer_net_savings=percentiles(result.pv_payer_net_savings),
        payer_roi=percentiles(result.payer_roi),
        probability_provider_net_negative=share(result.pv_provider_net < -NOISE, draws),
        probability_payer_roi_below_one=share(result.payer_roi < 1 - NOISE, draws),
        provider_net_histogram=histogram(result.pv_provider_net),
    )


def tornado(
    scenario: ContractScenario, model: str | None = None, kind: str = MARGIN
) -> ContractTornado:
    """Swing each uncertain input to its low and high end and rank what it does to the output."""
    chosen = chosen_model(scenario, model)
    point = evaluate(scenario, chosen).result
    known = numeric_inputs(scenario)
    if kind == ASK:
        output = "level_case_rate" if chosen == "bundled" else "level_pmpm"
        base = getattr(point, output)

        def at(changed: ContractScenario) -> Decimal:
            return getattr(evaluate(changed, chosen).result, output)
    else:
        output, base = "pv_provider_net", point.pv_provider_net

        def at(changed: ContractScenario) -> Decimal:
            return outcome(changed, point.terms).result.pv_provider_net

    bars = [
        _bar(
            known[d.input],
            d,
            at(with_values(scenario, {known[d.input]: d.low})),
            at(with_values(scenario, {known[d.input]: d.high})),
        )
        for d in uncertain_inputs(scenario)
    ]
    ordered = sorted(bars, key=lambda bar: bar.swing, reverse=True)
    return ContractTornado(chosen, kind, output, base, tuple(ordered))


def breakeven_caseload(scenario: ContractScenario, model: str | None = None) -> int | None:
    """Find the smallest whole caseload per FTE at which PV provider net >= 0, terms held."""
    terms = evaluate(scenario, chosen_model(scenario, model)).result.terms
    return smallest_covering_caseload(
        scenario,
        lambda values, size: term_outcomes(scenario, terms, values, size).pv_provider_net,
        lambda candidate: outcome(candidate, terms).result.pv_provider_net,
    )


def _spread(field: Input) -> Distribution:
    low, high = field.spread()
    return Distribution(field.name, low, field.value, high)


def _savings_triangle(field: Input) -> Distribution:
    with contract_context():
        low, high = sorted((field.value * Decimal("-0.5"), field.value * 2))
    return Distribution(field.name, field.clipped(low), field.value, field.clipped(high))


def _bar(field: Input, triangle: Distribution, at_low: Decimal, at_high: Decimal) -> TornadoBar:
    with contract_context():
        swing = abs(at_high - at_low)
    return TornadoBar(
        input=field.name,
        base=field.value,
        low=triangle.low,
        high=triangle.high,
        output_low=at_low,
        output_high=at_high,
        swing=swing if swing else ZERO,
    )
