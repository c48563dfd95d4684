"""Time the rate engine by hand: python benchmarks/engine.py

Targets on a 2-core machine: one evaluation under 2 ms, 10,000 Monte Carlo draws under 250 ms.
"""

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from workbench.engine import compare, evaluate, monte_carlo, scenario_from_text

SCENARIO = Path(__file__).resolve().parents[1] / "examples" / "worked-example.yaml"
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


def main() -> None:
    """Time one evaluation, a four-model comparison and a 10,000-draw Monte Carlo."""
    scenario = scenario_from_text(SCENARIO.read_text(encoding="utf-8"))
    cases = {
        "evaluation": (lambda: evaluate(scenario), 2000),
        "comparison, four models": (lambda: compare(scenario), 1000),
        "monte carlo, 10,000 draws": (lambda: monte_carlo(scenario, draws=10_000), 50),
    }
    print(f"{'case':<28}{'runs':>6}{'median ms':>12}{'best ms':>10}  target")
    for name, (work, runs) in cases.items():
        times = timed(work, runs)
        median = statistics.median(times)
        print(f"{name:<28}{runs:>6}{median:>12.3f}{min(times):>10.3f}  {_verdict(name, median)}")


def _verdict(name: str, median: float) -> str:
    target = TARGETS_MS.get(name)
    if target is None:
        return ""
    return f"< {target:g} ms: {'met' if median < target else 'MISSED'}"


if __name__ == "__main__":
    main()
