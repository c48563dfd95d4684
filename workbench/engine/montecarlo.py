"""Section 6 of rate method 1: Monte Carlo over triangular distributions, vectorised in NumPy."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

import numpy as np

from .decimals import engine_context
from .errors import ScenarioError
from .evaluate import chosen_model
from .inputs import DEFAULT_INPUTS, Input, resolve_inputs
from .results import Distribution, HistogramBin, MonteCarlo, Percentiles
from .schema import Scenario
from .vectorised import float_values, outcomes

PERCENTILES = (10, 50, 90)
HISTOGRAM_BINS = 30
# Float sums carry noise in their last digits: within a millionth of a threshold counts as on it.
NOISE = 1e-6
# Twelve significant digits keep the cents of any realistic figure and let a half-cent tie round
# as the Decimal engine rounds it.
_SIGNIFICANT = ".12g"


def monte_carlo(
    scenario: Scenario,
    model: str | None = None,
    draws: int = 10_000,
    seed: int = 0,
    distributions: Mapping[str, Iterable[object]] | None = None,
) -> MonteCarlo:
    """Draw the uncertain inputs and report percentiles and the chance of a loss."""
    chosen = chosen_model(scenario, model)
    check_run(draws, seed)
    triangles = distributions_for(scenario, distributions)
    rng = np.random.default_rng(seed)
    values = float_values(scenario)
    for triangle in triangles:
        values[triangle.input] = draw(rng, triangle, draws)
    result = outcomes(scenario, chosen, values, draws)
    return MonteCarlo(
        model=chosen,
        draws=draws,
        seed=seed,
        distributions=tuple(triangles),
        provider_net=percentiles(result.provider_net),
        proposed_pmpm=percentiles(result.proposed_pmpm),
        payer_roi=percentiles(result.payer_roi),
        probability_provider_net_negative=share(result.provider_net < -NOISE, draws),
        probability_payer_roi_below_one=share(result.payer_roi < 1 - NOISE, draws),
        provider_net_histogram=histogram(result.provider_net),
    )


def distributions_for(
    scenario: Scenario, distributions: Mapping[str, Iterable[object]] | None
) -> list[Distribution]:
    """Read the given (low, mode, high) triangles, or spread the default inputs 20% either side."""
    if distributions is None:
        return [around(field) for field in resolve_inputs(scenario, DEFAULT_INPUTS)]
    fields = resolve_inputs(scenario, distributions)
    return [
        Distribution(field.name, *field.given(numbers, ("low", "mode", "high")))
        for field, numbers in zip(fields, distributions.values(), strict=True)
    ]


def check_run(draws: int, seed: int) -> None:
    """Refuse a draw count or seed that is not a whole number in range."""
    problems = []
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        problems.append("draws: must be a whole number of at least 1")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        problems.append("seed: must be a whole number of at least 0")
    if problems:
        raise ScenarioError(problems)


def around(field: Input) -> Distribution:
    """Spread an input 20% either side of its value."""
    low, high = field.spread()
    return Distribution(field.name, low, field.value, high)


def draw(rng: np.random.Generator, triangle: Distribution, draws: int) -> np.ndarray:
    """Draw from a triangle; a degenerate one gives its mode every time."""
    if triangle.low == triangle.high:
        return np.full(draws, float(triangle.mode))
    return rng.triangular(float(triangle.low), float(triangle.mode), float(triangle.high), draws)


def percentiles(figures: np.ndarray) -> Percentiles:
    """Return P10, P50 and P90 of the draws where the figure is defined."""
    defined = figures[np.isfinite(figures)]
    if defined.size == 0:
        return Percentiles(None, None, None)
    return Percentiles(*(as_decimal(x) for x in np.percentile(defined, PERCENTILES)))


def histogram(figures: np.ndarray) -> tuple[HistogramBin, ...]:
    """Count the draws in equal-width bins, for the distribution chart."""
    defined = figures[np.isfinite(figures)]
    if defined.size == 0:
        return ()
    counts, edges = np.histogram(defined, bins=HISTOGRAM_BINS)
    return tuple(
        HistogramBin(as_decimal(low), as_decimal(high), int(count))
        for low, high, count in zip(edges[:-1], edges[1:], counts, strict=True)
    )


def as_decimal(figure: float) -> Decimal:
    return Decimal(format(figure, _SIGNIFICANT))


def share(hits: np.ndarray, draws: int) -> Decimal:
    """Return the share of the draws that hit, as a Decimal."""
    with engine_context():
        return Decimal(int(np.count_nonzero(hits))) / Decimal(draws)
