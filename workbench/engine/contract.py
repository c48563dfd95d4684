"""Rate method 2 (RATE_METHOD_2.md), the contract term month by month: the API in one place.

The API the web pages and documents build on:
- `evaluate(scenario, model=None)` and `compare(scenario)`: the point estimate, terms solved;
  `result.terms` holds what the contract fixes, `result.zone` our walk-away, their ceiling and
  our level quote (None under ffs).
- `outcome(scenario, terms)`: the same figures when the inputs turn out as `scenario` while the
  terms stay as fixed.
- `evaluate_offer(scenario, rate, model=None)`: what a level rate (PMPM, or case rate under
  bundled) means for each side with the terms fixed at it, and where it sits in the zone.
- `uncertain_inputs`, `monte_carlo`, `tornado(kind=ASK | MARGIN)`, `breakeven_caseload`: the
  analyses of section 7, all from one definition of the uncertain inputs.
- `upgrade(method_1_scenario)`: the method-2 scenario of one year that keeps its inputs.
- `*_json` and `format_*`: JSON-ready data (section 9) and terminal text.
"""

import importlib
from typing import TYPE_CHECKING, Any

from .method2.evaluate import (
    PRICED_MODELS,
    OfferOutcome,
    compare,
    evaluate,
    evaluate_offer,
    outcome,
)
from .method2.report import (
    format_contract_breakeven,
    format_contract_comparison,
    format_contract_evaluation,
    format_contract_monte_carlo,
    format_contract_tornado,
    format_offer,
)
from .method2.results import (
    ASK,
    MARGIN,
    ContractComparison,
    ContractEvaluation,
    ContractMonteCarlo,
    ContractPayer,
    ContractProgram,
    ContractResult,
    ContractTornado,
    FixedTerms,
    ResultYear,
    Zone,
)
from .method2.schema import METHOD, ContractScenario
from .method2.serialise import (
    contract_comparison_json,
    contract_evaluation_json,
    contract_monte_carlo_json,
    contract_tornado_json,
    offer_json,
)
from .method2.upgrade import Upgrade, upgrade

__all__ = [
    "ASK",
    "MARGIN",
    "METHOD",
    "PRICED_MODELS",
    "ContractComparison",
    "ContractEvaluation",
    "ContractMonteCarlo",
    "ContractPayer",
    "ContractProgram",
    "ContractResult",
    "ContractScenario",
    "ContractTornado",
    "FixedTerms",
    "OfferOutcome",
    "ResultYear",
    "Upgrade",
    "Zone",
    "breakeven_caseload",
    "compare",
    "contract_comparison_json",
    "contract_evaluation_json",
    "contract_monte_carlo_json",
    "contract_tornado_json",
    "evaluate",
    "evaluate_offer",
    "format_contract_breakeven",
    "format_contract_comparison",
    "format_contract_evaluation",
    "format_contract_monte_carlo",
    "format_contract_tornado",
    "format_offer",
    "monte_carlo",
    "offer_json",
    "outcome",
    "tornado",
    "uncertain_inputs",
    "upgrade",
]

if TYPE_CHECKING:
    from .method2.analysis import breakeven_caseload, monte_carlo, tornado, uncertain_inputs

# The analyses run on NumPy, which a plain evaluation never needs: imported on first use.
_NUMPY_FUNCTIONS = ("breakeven_caseload", "monte_carlo", "tornado", "uncertain_inputs")


def __getattr__(name: str) -> Any:
    if name in _NUMPY_FUNCTIONS:
        return getattr(importlib.import_module(".method2.analysis", __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
