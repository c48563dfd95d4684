"""The rate engine: rate methods 1 and 2 in pure Python and Decimal; no Flask, database or I/O.

Method 1 (docs/rate-method-1.md) is exported here; method 2 (docs/rate-method-2.md) from
`workbench.engine.contract`. `parse_scenario` reads either, by its `method` field. Callers read
files; the engine parses text and mappings.
"""

import importlib
from typing import TYPE_CHECKING, Any

from .errors import ScenarioError, ScenarioFileError
from .evaluate import compare, evaluate
from .inputs import DEFAULT_INPUTS
from .parse import AnyScenario, parse_scenario, scenario_from_text, scenario_to_dict
from .report import (
    format_breakeven,
    format_comparison,
    format_evaluation,
    format_monte_carlo,
    format_tornado,
)
from .results import (
    Comparison,
    Distribution,
    Evaluation,
    HistogramBin,
    ModelResult,
    MonteCarlo,
    PayerFigures,
    Percentiles,
    ProgramFigures,
    Tornado,
    TornadoBar,
)
from .schema import METHOD_VERSION, PAYMENT_MODELS, RATE_CODES, Scenario
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

if TYPE_CHECKING:
    from .montecarlo import monte_carlo
    from .sensitivity import breakeven_caseload, tornado

# The analyses run on NumPy, which a plain evaluation (`workbench rates FILE`) never needs: they
# are imported on first use.
_NUMPY_FUNCTIONS = {
    "monte_carlo": ".montecarlo",
    "tornado": ".sensitivity",
    "breakeven_caseload": ".sensitivity",
}


def __getattr__(name: str) -> Any:
    if name in _NUMPY_FUNCTIONS:
        return getattr(importlib.import_module(_NUMPY_FUNCTIONS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
