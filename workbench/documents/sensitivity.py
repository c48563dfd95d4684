"""The sensitivity analysis shown for a scenario: one definition for its page and its documents."""

from workbench.engine import MonteCarlo, Scenario, Tornado, monte_carlo, tornado

MONTE_CARLO_DRAWS = 10_000
MONTE_CARLO_SEED = 0


def tornado_output(model: str) -> str:
    """Return the figure the tornado swings under `model`.

    Where the payment is solved from the cost, the provider net hardly moves: what moves is the
    PMPM the payer is asked for. Under fee-for-service alone there is no PMPM, only the net.
    """
    return "provider_net" if model == "ffs" else "proposed_pmpm"


def analyse(scenario: Scenario, model: str) -> tuple[Tornado, MonteCarlo]:
    """Return the tornado and the Monte Carlo run of `scenario` under `model`."""
    swings = tornado(scenario, model, output=tornado_output(model))
    return swings, monte_carlo(scenario, model, MONTE_CARLO_DRAWS, MONTE_CARLO_SEED)
