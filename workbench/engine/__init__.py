"""The rate engine: rate methods 1 and 2 in pure Python and Decimal; no Flask, database or I/O.

Method 1 (docs/rate-method-1.md) is exported here; method 2 (docs/rate-method-2.md) from
`workbench.engine.contract`. `parse_scenario` reads either, by its `method` field. Callers read
files; the engine parses text and mappings.
"""

from .errors import ScenarioError, ScenarioFileError
from .evaluate import compare, evaluate
from .montecarlo import Distribution, HistogramBin, MonteCarlo, Percentiles, monte_carlo
from .parse import AnyScenario, parse_scenario, scenario_from_text, scenario_to_dict
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
    "AnyScenario",
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
