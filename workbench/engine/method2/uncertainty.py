"""The `uncertainty` section of a method-2 scenario: one triangle per input path, checked."""

from decimal import Decimal

from ..inputs import SAVINGS_AMOUNT, Input, canonical_name, numeric_inputs
from .schema import ContractScenario

ENDS = ("low", "mode", "high")


def uncertainty_problems(scenario: ContractScenario) -> list[str]:
    """List what is wrong with the scenario's triangles, each naming its path."""
    known = numeric_inputs(scenario)
    problems = []
    for path, triangle in scenario.uncertainty.items():
        field = known.get(canonical_name(scenario, path))
        if field is None:
            allowed = ", ".join([SAVINGS_AMOUNT, *known])
            problems.append(
                f"uncertainty.{path}: not an input path; the paths allowed are {allowed}"
            )
            continue
        problems.extend(
            f"uncertainty.{path}: {rule}" for rule in triangle_problems(field, triangle)
        )
    return problems


def triangle_problems(field: Input, triangle: tuple[Decimal, Decimal, Decimal]) -> list[str]:
    """Say how a (low, mode, high) triangle breaks order or leaves the field's domain."""
    pairs = zip(ENDS, ENDS[1:], triangle, triangle[1:], strict=False)
    problems = [f"{first} must not exceed {second}" for first, second, a, b in pairs if a > b]
    for end, value in zip(ENDS, triangle, strict=True):
        problem = field.domain.problem(value)
        if problem is None and field.whole and value != value.to_integral_value():
            problem = "must be a whole number"
        if problem is not None:
            problems.append(f"{end} {problem}")
    return problems
