"""The scenario file of rate method 2 (RATE_METHOD_2.md section 1) as immutable pydantic models.

A method-2 scenario is method 1's with a `contract` section, a savings section that knows when
savings start and how long they last, `terms.cost_cv`, and optional uncertainty triangles.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import Field, model_validator

from ..constraints import Choice, Range, rule_error
from ..decimals import ONE, ZERO
from ..schema import (
    BENCHMARK_SCOPES,
    PAYMENT_MODELS,
    Billing,
    Costs,
    Name,
    Payer,
    Positive,
    Program,
    SavingsAmount,
    Terms,
    _PricedForOnePayer,
    _Section,
)
from .whole import WholeRange

METHOD = 2
SAVINGS_BASES = ("per_treated_month", "percent_of_cohort_tcoc")
# The integration model the program runs (the library's keys): documents describe the program,
# its codes and its quality measures by it. The engine's arithmetic does not depend on it.
INTEGRATION_MODELS = ("cocm", "pcbh", "hybrid", "reverse_integration")
# What kind of payer the focus payer is (the library's payer profiles): documents refuse a payer
# profile of another kind. The engine's arithmetic does not depend on it.
PAYER_KINDS = ("commercial_payer", "medicare_advantage", "medicaid_mco")
TREND = Range(low=Decimal("-0.1"), high=Decimal("0.3"))
# Method 1's basis and amount, refused here with the field that replaces them.
METHOD_1_SAVINGS = {
    "per_enrolled_month": "per_treated_month",
    "amount_per_enrolled_month": "amount_per_treated_month",
}
__all__ = ["BENCHMARK_SCOPES", "METHOD", "PAYMENT_MODELS", "ContractScenario"]


class Contract(_Section):
    """The contract term and how money moves over it."""

    term_years: Annotated[int, WholeRange(1, 5)] = 3
    discount_rate: Annotated[Decimal, Range(low=ZERO, high=Decimal("0.2"))] = ZERO
    medical_trend: Annotated[Decimal, TREND] = ZERO
    cost_trend: Annotated[Decimal, TREND] = ZERO
    rate_escalator: Annotated[Decimal, TREND] = ZERO


class TimedSavings(SavingsAmount):
    """Gross medical savings per treated patient-month: how much, from when, for how long."""

    PER_MONTH: ClassVar[str] = "amount_per_treated_month"

    basis: Annotated[str, Choice(SAVINGS_BASES)] = "per_treated_month"
    amount_per_treated_month: Decimal | None = None
    percent_of_cohort_tcoc: Annotated[
        Decimal | None, Range(low=-ONE, high=ONE, low_open=True, high_open=True)
    ] = None
    cohort_cost_multiplier: Positive = ONE
    lag_months: Annotated[int, WholeRange(0, 36)] = 0
    duration_months: Annotated[int, WholeRange(1, 60)] = 12
    # The evidence item the amount was taken from (its key in the library); documents cite it
    # beside the payer's break-even savings. The engine only carries it.
    source: Name | None = None

    @model_validator(mode="before")
    @classmethod
    def _refuse_method_1_and_default(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        problems = [
            (f"savings.{key}", f"is method 1's field; method 2 uses savings.{replacement}")
            for key, replacement in METHOD_1_SAVINGS.items()
            if key != "per_enrolled_month" and key in data
        ]
        if data.get("basis") == "per_enrolled_month":
            problems.append(
                (
                    "savings.basis",
                    "per_enrolled_month is method 1's basis; method 2 uses "
                    "per_treated_month (savings.amount_per_treated_month)",
                )
            )
        if problems:
            raise rule_error(problems)
        # The method's default (basis per_treated_month, s = 0) applies only when neither is given.
        if not {"basis", "amount_per_treated_month"} & set(data):
            return {**data, "amount_per_treated_month": ZERO}
        return data


class ContractTerms(Terms):
    """Method 1's terms and the spread of one member's annual cost, for the credible MSR."""

    cost_cv: Positive = Decimal("1.7")


Triangle = tuple[Decimal, Decimal, Decimal]


class ContractScenario(_PricedForOnePayer):
    """A whole method-2 scenario: method 1's program and payers over a contract term."""

    method: Annotated[int, Choice((METHOD,))]
    name: Name
    payment_model: Annotated[str, Choice(PAYMENT_MODELS)]
    focus_payer: Name
    integration_model: Annotated[str, Choice(INTEGRATION_MODELS)] = "cocm"
    focus_payer_kind: Annotated[str, Choice(PAYER_KINDS)] | None = None
    contract: Contract = Field(default_factory=Contract)
    program: Program
    costs: Costs
    billing: Billing
    savings: TimedSavings = Field(default_factory=TimedSavings)
    payers: tuple[Payer, ...]
    terms: ContractTerms = Field(default_factory=ContractTerms)
    uncertainty: dict[str, Triangle] = Field(default_factory=dict)
