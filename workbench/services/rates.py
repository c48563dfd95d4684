"""Rate reports: one scenario evaluated, compared, stressed; as JSON data and as terminal text."""

from dataclasses import dataclass
from typing import Any

from workbench import engine


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


def build_rates_report(scenario: engine.Scenario, request: RatesRequest) -> RatesReport:
    """Evaluate `scenario` (or compare all four models) and add the requested analyses."""
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
        data["breakeven"] = {
            "caseload_per_fte": None if caseload is None else str(caseload),
            "model": request.model or str(scenario.payment_model),
        }
        sections.append(engine.format_breakeven(scenario, caseload, request.model))
    return RatesReport(data=data, text="\n\n".join(sections))
