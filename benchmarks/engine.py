"""Time the rate engine by hand: python benchmarks/engine.py

Targets on a 2-core machine, for both methods: one evaluation under 2 ms (method 2: a 5-year
contract with a 48-month savings duration), 10,000 Monte Carlo draws under 250 ms.
"""

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from workbench.engine import (
    compare,
    contract,
    evaluate,
    monte_carlo,
    parse_scenario,
    scenario_from_text,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
METHOD_1 = EXAMPLES / "method-1" / "worked-example.yaml"
METHOD_2 = EXAMPLES / "worked-example.yaml"
TARGETS_MS = {"evaluation": 2.0, "monte carlo, 10,000 draws": 250.0}


def timed(work: Callable[[], object], runs: int) -> list[float]:
    """Run the work repeatedly and return each run's time in milliseconds."""
    work()  # the first run warms caches and imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return times


def five_year_contract():
    """The method-2 worked example over 5 years with 48 months of savings per patient."""
    data = scenario_from_text(METHOD_2.read_text(encoding="utf-8")).model_dump(mode="json")
    data["contract"]["term_years"] = 5
    data["savings"]["duration_months"] = 48
    return parse_scenario(data)


def main() -> None:
    """Time an evaluation, a four-model comparison and a 10,000-draw Monte Carlo per method."""
    old = scenario_from_text(METHOD_1.read_text(encoding="utf-8"))
    new = five_year_contract()
    cases = {
        ("method 1", "evaluation"): (lambda: evaluate(old), 2000),
        ("method 1", "comparison, four models"): (lambda: compare(old), 1000),
        ("method 1", "monte carlo, 10,000 draws"): (lambda: monte_carlo(old, draws=10_000), 50),
        ("method 2", "evaluation"): (lambda: contract.evaluate(new), 500),
        ("method 2", "comparison, four models"): (lambda: contract.compare(new), 200),
        ("method 2", "monte carlo, 10,000 draws"): (
            lambda: contract.monte_carlo(new, draws=10_000),
            30,
        ),
    }
    print("method 2: a 5-year contract, 48 months of savings per treated patient")
    print(f"{'method':<10}{'case':<28}{'runs':>6}{'median ms':>12}{'best ms':>10}  target")
    for (method, name), (work, runs) in cases.items():
        times = timed(work, runs)
        median = statistics.median(times)
        print(
            f"{method:<10}{name:<28}{runs:>6}{median:>12.3f}{min(times):>10.3f}"
            f"  {_verdict(name, median)}"
        )


def _verdict(name: str, median: float) -> str:
    target = TARGETS_MS.get(name)
    if target is None:
        return ""
    return f"< {target:g} ms: {'met' if median < target else 'MISSED'}"


if __name__ == "__main__":
    main()
