"""The printed derivation: each step, worked by hand from the numbers shown, gives its figure."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests.engine.section5 import COHORT_SAVINGS
from workbench.engine import PAYMENT_MODELS, Scenario, evaluate, scenario_from_text
from workbench.engine.explain import Step, explain

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "method-1").glob("*.yaml"))
# How far a figure worked from the shown (rounded) numbers may stray from the exact one.
TOLERANCE = {"money": Decimal("0.01"), "rate": Decimal("0.01"), "ratio": Decimal("0.0001")}
TCOC_VARIANTS = {
    "below the MSR": {},
    "shared": {"savings": COHORT_SAVINGS, "terms.benchmark_scope": "cohort"},
    "capped": {
        "savings": COHORT_SAVINGS,
        "terms.benchmark_scope": "cohort",
        "terms.savings_cap_rate": "0.01",
    },
    "savings rate below a high MSR": {
        "savings": COHORT_SAVINGS,
        "terms.benchmark_scope": "cohort",
        "terms.minimum_savings_rate": "0.5",
    },
    "zero benchmark": {"payers[1].baseline_tcoc_pmpm": 0},
}


def by_hand(substitution: str) -> Decimal:
    """Work out a step's substitution as a person would, in exact decimals."""
    text = substitution.replace("×", "*").replace("−", "-").replace("$", "")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"\d+(?:\.\d+)?", lambda number: f"Decimal('{number.group()}')", text)
    return Decimal(eval(text, {"Decimal": Decimal, "max": max, "__builtins__": {}}))


def workable(step: Step) -> bool:
    """Tell whether a step shows numbers only, with a figure to reproduce."""
    return step.value is not None and not re.search(r"[A-Za-z—]", step.substitution)


def assert_reproducible(steps: tuple[Step, ...]) -> None:
    for step in filter(workable, steps):
        tolerance = TOLERANCE.get(step.kind, Decimal(0))
        assert abs(by_hand(step.substitution) - step.value) <= tolerance, step


@pytest.mark.parametrize("model", PAYMENT_MODELS)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_every_step_of_every_example_reproduces_by_hand(path: Path, model: str) -> None:
    scenario = scenario_from_text(path.read_text(encoding="utf-8"))

    assert_reproducible(explain(evaluate(scenario, model)))


@pytest.mark.parametrize("changes", TCOC_VARIANTS.values(), ids=TCOC_VARIANTS.keys())
def test_every_total_cost_of_care_rule_reproduces_by_hand(scenario_with, changes) -> None:
    steps = explain(evaluate(scenario_with(changes), "total_cost_of_care"))

    assert_reproducible(steps)
    payments = next(step for step in steps if step.figure == "Annual PMPM payments P")
    assert (
        payments.value
        == evaluate(scenario_with(changes), "total_cost_of_care").result.annual_pmpm_payments
    )


def test_the_worked_example_shows_why_nothing_is_shared(worked: Scenario) -> None:
    steps = {step.figure: step for step in explain(evaluate(worked, "total_cost_of_care"))}

    solved = steps["Annual PMPM payments P, if savings are shared (step 1)"]
    assert solved.substitution == (
        "max(0, ($147,684.60 − $94,706.64 − 0.45 × $52,920.00) / (1 − 0.45))"
    )
    payments = steps["Annual PMPM payments P"]
    assert "G − P of step 1 is not above 0" in payments.formula
    assert payments.substitution == "max(0, $147,684.60 − $94,706.64)"
    assert steps["Shared savings"].value == 0


def test_the_cohort_variant_shows_the_shared_savings(cohort: Scenario) -> None:
    steps = {step.figure: step for step in explain(evaluate(cohort, "total_cost_of_care"))}

    assert steps["Annual PMPM payments P"].substitution == "$22,098.11"
    assert steps["Shared savings"].substitution == "0.45 × ($90,720.00 − $22,098.11)"
    assert by_hand(steps["Shared savings"].substitution).quantize(Decimal("0.01")) == Decimal(
        "30879.85"
    )


def test_a_capped_contract_says_so(scenario_with) -> None:
    capped = scenario_with(TCOC_VARIANTS["capped"])
    steps = {step.figure: step for step in explain(evaluate(capped, "total_cost_of_care"))}

    assert "capped" in steps["Annual PMPM payments P"].formula
    assert steps["Shared savings"].substitution == "0.01 × $907,200.00"
