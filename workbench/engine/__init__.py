"""The rate engine: rate method 1 in pure Python and Decimal, with no Flask, database or I/O.

See shared/design/RATE_METHOD.md. Callers read files; the engine parses text and mappings.
"""

from .errors import ScenarioError, ScenarioFileError
from .evaluate import compare, evaluate
from .montecarlo import Distribution, HistogramBin, MonteCarlo, Percentiles, monte_carlo
from .parse import parse_scenario, scenario_from_text, scenario_to_dict
from .report import (
    format_breakeven,
    format_comparison,
    format_evaluation,
    format_monte_carlo,
    format_tornado,
)
from .results import Comparison, Evaluation, ModelResult, PayerFigures, ProgramFigures
from .schema import METHOD_VERSION, PAYMENT_MODELS, RATE_CODES, Scenario
from .sensitivity import DEFAULT_INPUTS, Tornado, TornadoBar, breakeven_caseload, tornado
from .serialise import comparison_json, evaluation_json, monte_carlo_json, tornado_json

__all__ = [
    "DEFAULT_INPUTS",
    "METHOD_VERSION",
    "PAYMENT_MODELS",
    "RATE_CODES",
    "Comparison",
    "Distribution",
    "Evaluation",
    "HistogramBin",
    "ModelResult",
    "MonteCarlo",
    "PayerFigures",
    "Percentiles",
    "ProgramFigures",
    "Scenario",
    "ScenarioError",
    "ScenarioFileError",
    "Tornado",
    "TornadoBar",
    "breakeven_caseload",
    "compare",
    "comparison_json",
    "evaluate",
    "evaluation_json",
    "format_breakeven",
    "format_comparison",
    "format_evaluation",
    "format_monte_carlo",
    "format_tornado",
    "monte_carlo",
    "monte_carlo_json",
    "parse_scenario",
    "scenario_from_text",
    "scenario_to_dict",
    "tornado",
    "tornado_json",
]
