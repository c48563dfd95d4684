"""Rate reports: one scenario evaluated, compared, stressed; as JSON data and as terminal text.

A method-1 file gets method 1's report; a method-2 file gets the contract term's, with both
tornados, Monte Carlo and the break-even caseload computed with the terms fixed.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from workbench import engine
from workbench.engine import contract


@dataclass(frozen=True)
class RatesRequest:
    """What to compute beyond the point estimate."""

    model: str | None = None
    compare: bool = False
    tornado: bool = False
    tornado_output: str = "provider_net"
    draws: int | None = None
    seed: int = 0
    breakeven: bool = False


@dataclass(frozen=True)
class RatesReport:
    """The report twice over: JSON-ready data, and the same figures as terminal text."""

    data: dict[str, Any]
    text: str


def build_rates_report(scenario: engine.AnyScenario, request: RatesRequest) -> RatesReport:
    """Evaluate `scenario` (or compare all four models) and add the requested analyses."""
    if isinstance(scenario, contract.ContractScenario):
        return _contract_report(scenario, request)
    if request.compare:
        comparison = engine.compare(scenario)
        data, sections = engine.comparison_json(comparison), [engine.format_comparison(comparison)]
    else:
        evaluation = engine.evaluate(scenario, request.model)
        data, sections = engine.evaluation_json(evaluation), [engine.format_evaluation(evaluation)]
    if request.tornado:
        tornado = engine.tornado(scenario, request.model, output=request.tornado_output)
        data["tornado"] = engine.tornado_json(tornado)
        sections.append(engine.format_tornado(tornado))
    if request.draws:
        simulation = engine.monte_carlo(scenario, request.model, request.draws, request.seed)
        data["monte_carlo"] = engine.monte_carlo_json(simulation)
        sections.append(engine.format_monte_carlo(simulation))
    if request.breakeven:
        caseload = engine.breakeven_caseload(scenario, request.model)
        data["breakeven"] = _breakeven_json(caseload, request.model or scenario.payment_model)
        sections.append(engine.format_breakeven(scenario, caseload, request.model))
    return RatesReport(data=data, text="\n\n".join(sections))


def build_offer_report(
    scenario: engine.AnyScenario, rate: Decimal, model: str | None
) -> RatesReport:
    """Say what a level rate means for both sides of a method-2 contract, terms fixed at it."""
    if not isinstance(scenario, contract.ContractScenario):
        raise engine.ScenarioError(
            ["method: offers are read against method 2's zone; upgrade the file with --upgrade"]
        )
    offer = contract.evaluate_offer(scenario, rate, model)
    return RatesReport(data=contract.offer_json(offer), text=contract.format_offer(offer))


def _contract_report(scenario: contract.ContractScenario, request: RatesRequest) -> RatesReport:
    model = contract.evaluate(scenario, request.model).result.model
    if request.compare:
        comparison = contract.compare(scenario)
        data = contract.contract_comparison_json(comparison)
        sections = [contract.format_contract_comparison(comparison)]
    else:
        evaluation = contract.evaluate(scenario, model)
        data = contract.contract_evaluation_json(evaluation)
        sections = [contract.format_contract_evaluation(evaluation)]
    if request.tornado:
        tornados = [
            contract.tornado(scenario, model, kind) for kind in (contract.ASK, contract.MARGIN)
        ]
        data["tornado"] = {t.kind: contract.contract_tornado_json(t) for t in tornados}
        sections.extend(contract.format_contract_tornado(t) for t in tornados)
    if request.draws:
        simulation = contract.monte_carlo(scenario, model, request.draws, request.seed)
        data["monte_carlo"] = contract.contract_monte_carlo_json(simulation)
        sections.append(contract.format_contract_monte_carlo(simulation))
    if request.breakeven:
        caseload = contract.breakeven_caseload(scenario, model)
        data["breakeven"] = _breakeven_json(caseload, model) | {"terms_fixed": True}
        sections.append(contract.format_contract_breakeven(scenario, caseload, model))
    return RatesReport(data=data, text="\n\n".join(sections))


def _breakeven_json(caseload: int | None, model: str) -> dict[str, Any]:
    return {"caseload_per_fte": None if caseload is None else str(caseload), "model": model}
