"""The scenario file of rate method 1 (RATE_METHOD.md section 1) as immutable pydantic models."""

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .constraints import Choice, Range, not_one_of, rule_error
from .decimals import ONE, ZERO, engine_context, plain

METHOD_VERSION = 1
KNOWN_METHODS = (1, 2)
KNOWN_METHODS_NOUN = "the methods this engine knows"
PAYMENT_MODELS = ("ffs", "ffs_plus_incentives", "bundled", "total_cost_of_care")
RATE_CODES = ("99492", "99493", "99494")
SAVINGS_BASES = ("per_enrolled_month", "percent_of_cohort_tcoc")
BENCHMARK_SCOPES = ("population", "cohort")

POSITIVE = Range(low=ZERO, low_open=True)
NON_NEGATIVE = Range(low=ZERO)
FRACTION = Range(low=ZERO, high=ONE)

Positive = Annotated[Decimal, POSITIVE]
NonNegative = Annotated[Decimal, NON_NEGATIVE]
Fraction = Annotated[Decimal, FRACTION]
Text = Annotated[str, Field(min_length=1)]
# A name printed on a cover and in running headers: long enough for any real party.
NAME_LENGTH = 120
Name = Annotated[str, Field(min_length=1, max_length=NAME_LENGTH)]
RateCode = Annotated[str, Choice(RATE_CODES, "the codes method 1 prices")]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Program(_Section):
    """Staffing and caseload of the program, all payers together."""

    care_manager_fte: Positive
    caseload_per_fte: Positive
    episode_months: Annotated[Decimal, Range(low=ONE)]
    consultant_hours_per_week_per_fte: NonNegative = Decimal(3)
    direct_psychiatric_hours_per_week: NonNegative = ZERO
    weeks_per_year: Annotated[Decimal, Range(low=ONE, high=Decimal(53))] = Decimal(52)
    ramp_months: Annotated[Decimal, Range(low=ZERO, high=Decimal(12))] = ZERO


class Costs(_Section):
    """What the program costs to start and to run for a year."""

    care_manager_salary: NonNegative
    benefits_rate: NonNegative = ZERO
    consultant_hourly_rate: NonNegative
    other_direct_annual: NonNegative = ZERO
    overhead_rate: NonNegative = ZERO
    startup_costs: NonNegative = ZERO
    amortization_years: Positive = Decimal(3)


class Billing(_Section):
    """How much of the enrolled time turns into paid CoCM claims."""

    billable_fraction: Fraction
    addon_units_per_billed_month: NonNegative = ZERO
    collection_rate: Fraction = ONE


class SavingsAmount(_Section):
    """Either method's savings: a dollar amount a month, or a share of the cohort's cost.

    Each method names its dollar field in PER_MONTH (per enrolled or per treated month).
    """

    PER_MONTH: ClassVar[str]
    if TYPE_CHECKING:  # declared by each method, with its own bases
        basis: str

    @model_validator(mode="after")
    def _amount_for_basis(self) -> Self:
        if getattr(self, self.amount_field) is None:
            problem = (f"savings.{self.amount_field}", f"required when basis is {self.basis}")
            raise rule_error([problem])
        return self

    @property
    def amount(self) -> Decimal:
        """The figure the basis uses: s a month, or g of the cohort's cost."""
        return getattr(self, self.amount_field)

    @property
    def amount_field(self) -> str:
        """Name the field that holds the figure the basis uses."""
        if self.basis == "percent_of_cohort_tcoc":
            return "percent_of_cohort_tcoc"
        return self.PER_MONTH


class Savings(SavingsAmount):
    """The payer's expected medical cost reduction."""

    PER_MONTH: ClassVar[str] = "amount_per_enrolled_month"

    basis: Annotated[str, Choice(SAVINGS_BASES)] = "per_enrolled_month"
    amount_per_enrolled_month: Decimal | None = None
    percent_of_cohort_tcoc: Annotated[Decimal | None, Range(low=-ONE, high=ONE)] = None
    cohort_cost_multiplier: Positive = ONE

    @model_validator(mode="before")
    @classmethod
    def _default_amount(cls, data: Any) -> Any:
        # The method's default (basis per_enrolled_month, s = 0) applies only when neither is given.
        if isinstance(data, Mapping) and not {"basis", "amount_per_enrolled_month"} & set(data):
            return {**data, "amount_per_enrolled_month": ZERO}
        return data


class Payer(_Section):
    """One payer's share of the caseload, its members, baseline cost and CoCM rates."""

    name: Name
    caseload_share: Fraction
    attributed_members: Annotated[int, Field(strict=True), NON_NEGATIVE]
    baseline_tcoc_pmpm: NonNegative
    rates: dict[RateCode, NonNegative]

    @field_validator("rates", mode="before")
    @classmethod
    def _codes_as_text(cls, rates: Any) -> Any:
        # YAML reads an unquoted 99492 as a number.
        if isinstance(rates, Mapping):
            return {str(code): rate for code, rate in rates.items()}
        return rates

    def rate(self, code: str) -> Decimal:
        """Return the contracted rate for a code; a missing code pays 0."""
        return self.rates.get(code, ZERO)


class QualityIncentive(_Section):
    """A quality bonus and the share of it the program expects to earn."""

    measure: Text
    annual_amount: NonNegative
    expected_attainment: Fraction


class Terms(_Section):
    """Contract terms; each payment model reads only the ones it uses."""

    target_margin: Fraction = ZERO
    quality_incentives: tuple[QualityIncentive, ...] = ()
    minimum_savings_rate: Fraction = ZERO
    shared_savings_rate: Annotated[Decimal, Range(low=ZERO, high=ONE, high_open=True)] = ZERO
    quality_score: Fraction = ONE
    savings_cap_rate: Fraction = ONE
    benchmark_scope: Annotated[str, Choice(BENCHMARK_SCOPES)] = "population"


class _PricedForOnePayer(_Section):
    """What every method's scenario shares: its payers fit together and one is the focus."""

    if TYPE_CHECKING:  # the fields themselves are declared by each method, in its own order
        payers: tuple[Payer, ...]
        focus_payer: str

    @field_validator("payers", check_fields=False)
    @classmethod
    def _payers_fit_together(
        cls, payers: tuple[Payer, ...], info: ValidationInfo
    ) -> tuple[Payer, ...]:
        problems = payer_problems(payers, info.data.get("focus_payer"))
        if problems:
            raise rule_error(problems)
        return payers

    @property
    def focus(self) -> Payer:
        """Return the payer the proposal is for."""
        return next(payer for payer in self.payers if payer.name == self.focus_payer)


class Scenario(_PricedForOnePayer):
    """A whole scenario file: the program, its payers and the terms proposed to one of them."""

    method: Annotated[int, Choice((METHOD_VERSION,), KNOWN_METHODS_NOUN, KNOWN_METHODS)]
    name: Name
    payment_model: Annotated[str, Choice(PAYMENT_MODELS)]
    focus_payer: Name
    program: Program
    costs: Costs
    billing: Billing
    savings: Savings = Field(default_factory=Savings)
    payers: tuple[Payer, ...]
    terms: Terms = Field(default_factory=Terms)


def payer_problems(payers: tuple[Payer, ...], focus_payer: str | None) -> list[tuple[str, str]]:
    """List what is wrong with the payers taken together, each with its path."""
    if not payers:
        return [("payers", "at least one payer is required")]
    names = [payer.name for payer in payers]
    problems = [
        (f"payers[{index}].name", f"{name!r} is a duplicate payer name")
        for index, name in enumerate(names)
        if name in names[:index]
    ]
    with engine_context():
        total = sum((payer.caseload_share for payer in payers), ZERO)
    if total > ONE:
        problems.append(("payers", f"caseload shares sum to {plain(total)}, must be at most 1"))
    if focus_payer is not None and focus_payer not in names:
        problems.append(("focus_payer", not_one_of(focus_payer, names, "the payers")))
    elif focus_payer is not None:
        index = names.index(focus_payer)
        if payers[index].attributed_members <= 0:
            path = f"payers[{index}].attributed_members"
            problems.append((path, "must be greater than 0 for the focus payer"))
    return problems
