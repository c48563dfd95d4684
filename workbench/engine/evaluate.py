"""Evaluate a scenario under one payment model, or all four side by side."""

from .checks import scenario_warnings
from .constraints import not_one_of
from .decimals import engine_context
from .errors import ScenarioError
from .models import Focus, focus_of, model_result
from .program import payer_figures, program_figures
from .results import Comparison, Evaluation, PayerFigures, ProgramFigures
from .schema import METHOD_VERSION, PAYMENT_MODELS, Scenario


def evaluate(scenario: Scenario, model: str | None = None) -> Evaluation:
    """Evaluate the scenario under its payment model, or under the one named."""
    require_method_1(scenario)
    chosen = chosen_model(scenario, model)
    with engine_context():
        program, payers, focus = _figures(scenario)
        result = model_result(scenario, chosen, focus)
    return Evaluation(
        method=METHOD_VERSION,
        scenario=scenario,
        program=program,
        payers=payers,
        result=result,
        warnings=scenario_warnings(scenario),
    )


def compare(scenario: Scenario) -> Comparison:
    """Evaluate the scenario under every payment model."""
    require_method_1(scenario)
    with engine_context():
        program, payers, focus = _figures(scenario)
        models = {model: model_result(scenario, model, focus) for model in PAYMENT_MODELS}
    return Comparison(
        method=METHOD_VERSION,
        scenario=scenario,
        program=program,
        payers=payers,
        models=models,
        warnings=scenario_warnings(scenario),
    )


def require_method_1(scenario: object) -> None:
    """Refuse a scenario of another method: its figures would look right and mean something else."""
    method = getattr(scenario, "method", None)
    if method != METHOD_VERSION:
        raise ScenarioError(
            [
                f"method: {method} is not method 1; method-2 scenarios are evaluated by "
                "workbench.engine.contract (`workbench rates` reads both)"
            ]
        )


def chosen_model(scenario: Scenario, model: str | None) -> str:
    """Return the payment model asked for, or the scenario's own; refuse an unknown one."""
    if model is None:
        return scenario.payment_model
    if model not in PAYMENT_MODELS:
        raise ScenarioError([f"model: {not_one_of(model, PAYMENT_MODELS)}"])
    return model


def _figures(scenario: Scenario) -> tuple[ProgramFigures, tuple[PayerFigures, ...], Focus]:
    program = program_figures(scenario)
    payers = tuple(payer_figures(scenario, program, payer) for payer in scenario.payers)
    return program, payers, focus_of(scenario, payers)
