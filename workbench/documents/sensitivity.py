"""The sensitivity analysis shown for a scenario: one definition for its page and its documents.

`workbench rates FILE --model M --tornado --monte-carlo 10000 --seed 0 --breakeven` prints the
same figures.
"""

from dataclasses import dataclass

from workbench.engine import MonteCarlo, Scenario, Tornado, contract, monte_carlo, tornado

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


@dataclass(frozen=True)
class ContractAnalysis:
    """A method-2 scenario's analysis under one model, with the terms the point estimate fixes."""

    ask: contract.ContractTornado
    margin: contract.ContractTornado
    risk: contract.ContractMonteCarlo
    breakeven_caseload: int | None


def analyse_contract(scenario: contract.ContractScenario, model: str) -> ContractAnalysis:
    """Return both tornados, the Monte Carlo run and the break-even caseload under `model`."""
    return ContractAnalysis(
        ask=contract.tornado(scenario, model, contract.ASK),
        margin=contract.tornado(scenario, model, contract.MARGIN),
        risk=contract.monte_carlo(scenario, model, MONTE_CARLO_DRAWS, MONTE_CARLO_SEED),
        breakeven_caseload=contract.breakeven_caseload(scenario, model),
    )
