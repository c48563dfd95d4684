"""Schemas of the profile and reference files that `workbench init` loads.

Validated once, at the edge: every entry is checked before anything is written, and each error
names the file, the entry and the field.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from workbench.models.enums import (
    EvidenceKind,
    IntegrationKind,
    MetricDirection,
    PaymentModel,
    ProfileCategory,
    Stance,
)

DOMAIN_KEYS = (
    "mental_health_access",
    "patient_experience",
    "provider_experience",
    "quality_of_care",
    "care_coordination",
    "patient_outcomes",
    "billing_expertise",
    "new_funding",
    "health_care_savings",
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Code = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{5}$")]
Fraction = Annotated[Decimal, Field(ge=0, le=1)]
Amount = Annotated[Decimal, Field(ge=0)]
DomainKey = Literal[DOMAIN_KEYS]  # type: ignore[valid-type]


class Entry(BaseModel):
    """An entry of a reference file: unknown keys are errors, so a typo cannot pass unnoticed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Metric(Entry):
    key: Slug
    name: Text
    unit: Literal[
        "days", "percent", "count", "per_1000", "usd", "usd_pmpm", "score", "ratio", "hours"
    ]
    direction: MetricDirection


class Domain(Entry):
    key: DomainKey
    name: Text
    description: Text
    metrics: list[Metric] = Field(min_length=1)


# Study designs, strongest first: what a payer's analyst asks before reading the effect.
DESIGNS = (
    "systematic_review",
    "randomized_trial",
    "stepped_wedge_evaluation",
    "matched_cohort",
    "uncontrolled_before_after",
    "cross_sectional",
    "actuarial_projection",
    "secondary_summary",
    "vendor_report",
)
Design = Literal[DESIGNS]  # type: ignore[valid-type]
# A verified source is a DOI (10.xxxx/...) or a web address the figure was read at.
SourceRef = Annotated[str, StringConstraints(pattern=r"^(10\.\d{4,9}/\S+|https?://\S+)$")]
Months = Annotated[int, Field(ge=0, le=240)]


class Effect(Entry):
    value: Decimal | None
    low: Decimal | None = None
    high: Decimal | None = None
    unit: Literal[
        "usd_pmpm",
        "usd_per_patient",
        "usd_per_employee_year",
        "usd_billion_per_year",
        "percent",
        # A percentage saving of total cost: claims sizing applies these to the comorbid excess.
        "percent_savings",
        "multiplier",
        "ratio",
        "count",
        "percent_of_patients",
    ]
    # What low and high are: a 95% confidence interval, a reported range, or absent.
    interval: Literal["ci95", "range", "none"]
    # Whether a cost effect already subtracts what the program itself cost (null: not a cost).
    net_of_program_cost: bool | None
    description: Text
    # The caution that travels with the figure wherever it is printed (significance, interval).
    caution: str | None = None

    @model_validator(mode="after")
    def has_a_figure(self) -> "Effect":
        if self.value is None and (self.low is None or self.high is None):
            raise ValueError("give a value, or both low and high")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low must not be greater than high")
        bounds = (self.low, self.high)
        if self.interval == "none" and bounds != (None, None):
            raise ValueError("interval: 'none' takes no low or high; say 'ci95' or 'range'")
        if self.interval != "none" and None in bounds:
            raise ValueError(f"interval: '{self.interval}' needs both low and high")
        return self


class Verification(Entry):
    """Whether the figure was found in its primary source, where, and when; or why not."""

    status: Literal["verified", "unverified"]
    source: SourceRef | None = None
    checked: date
    why: str | None = None

    @model_validator(mode="after")
    def says_where_or_why(self) -> "Verification":
        if self.status == "verified" and self.source is None:
            raise ValueError("source: a verified item needs its DOI or address")
        if self.status == "unverified" and not (self.why or "").strip():
            raise ValueError("why: say why the item could not be verified")
        return self


# The amount field each savings basis of rate method 2 reads.
PRESET_AMOUNT = {
    "per_treated_month": "amount_per_treated_month",
    "percent_of_cohort_tcoc": "percent_of_cohort_tcoc",
}


class SavingsPreset(Entry):
    """Rate method 2's savings inputs as this study supports them (RATE_METHOD_2 sections 1, 4).

    The amount is gross of program cost, per treated patient per month of effect; the triangle
    (low, mode, high) comes from the study's interval, and its mode is the amount itself.
    """

    basis: Literal["per_treated_month", "percent_of_cohort_tcoc"]
    amount_per_treated_month: Decimal | None = None
    percent_of_cohort_tcoc: Decimal | None = Field(default=None, gt=-1, lt=1)
    lag_months: int = Field(ge=0, le=36)
    duration_months: int = Field(ge=1, le=60)
    triangle: tuple[Decimal, Decimal, Decimal]
    derivation: Text

    @model_validator(mode="after")
    def one_amount_inside_its_triangle(self) -> "SavingsPreset":
        given = PRESET_AMOUNT[self.basis]
        (other,) = set(PRESET_AMOUNT.values()) - {given}
        amount = getattr(self, given)
        if amount is None:
            raise ValueError(f"{given}: required when basis is '{self.basis}'")
        if getattr(self, other) is not None:
            raise ValueError(f"{other}: not used when basis is '{self.basis}'; remove it")
        low, mode, high = self.triangle
        if not low <= mode <= high:
            raise ValueError("triangle: must be [low, mode, high] with low <= mode <= high")
        if mode != amount:
            raise ValueError(f"triangle: the mode must equal {given} ({amount})")
        return self


class Evidence(Entry):
    key: Slug
    study: Text
    citation: Text
    year: int | None = Field(ge=1900, le=2100)
    population: Text
    setting: Text
    design: Design
    # Months over which the effect was measured, from the start of care (null: not a follow-up).
    horizon_months: Months | None
    effect: Effect
    source_pages: str | None
    verification: Verification
    # Required for a cost study (null otherwise, or when the source gives no usable interval).
    savings_preset: SavingsPreset | None
    domains: list[DomainKey] = Field(min_length=1)
    kind: EvidenceKind
    stance: Stance
    note: str | None = None


class Objection(Entry):
    objection: Text
    response: Text
    evidence: list[Slug] = []


class Profile(Entry):
    key: Slug
    name: Text
    category: ProfileCategory
    summary: Text
    domain_weights: dict[DomainKey, Fraction]
    whats_in_it_for_them: list[Text] = Field(min_length=1)
    asks: list[Text] = Field(min_length=1)
    objections: list[Objection] = Field(min_length=1)
    metrics: list[Slug] = Field(min_length=1)
    payment_models: list[PaymentModel] = Field(min_length=1)
    talking_points: list[Text] = Field(min_length=1)
    ask_in_their_terms: Text
    evidence_focus: list[Slug] = Field(min_length=1)

    @model_validator(mode="after")
    def weighs_every_domain(self) -> "Profile":
        missing = [key for key in DOMAIN_KEYS if key not in self.domain_weights]
        if missing:
            raise ValueError(f"domain_weights: missing {', '.join(missing)}")
        return self


class BillingCodeEntry(Entry):
    code: Code
    descriptor: Text
    family: Literal["cocm", "general_bhi", "psychotherapy", "health_behavior", "apcm_bhi"]
    time_threshold_minutes: int | None = Field(ge=0)
    typical_minutes: int | None = Field(ge=0)
    period: Literal[
        "first_month",
        "subsequent_month",
        "add_on_30_min",
        "any_month",
        "session",
        "initial_assessment",
    ]
    billed_by: Text
    restrictions: str | None


class FeeSchedule(Entry):
    payer: Text
    year: int = Field(ge=2000, le=2100)
    effective_from: date
    effective_to: date | None
    conversion_factor: Decimal | None = Field(gt=0)
    source: Text
    rates: dict[Code, Amount | None]


class Measure(Entry):
    key: Slug
    name: Text
    program: Literal["HEDIS", "measurement_based_care"]
    abbreviation: str | None
    # Who maintains the specification (NCQA for HEDIS; null for a program's own measure), the
    # year it first entered HEDIS as the steward states it, and where that was read.
    steward: str | None
    year: int | None = Field(ge=1990, le=2100)
    source: SourceRef | None
    description: Text
    numerator: Text
    denominator: Text
    domains: list[DomainKey] = Field(min_length=1)
    target: str | None


class Level(Entry):
    level: int = Field(ge=1, le=5)
    key: Slug
    name: Text
    description: Text
    features: list[Text] = []


class NamedModel(Entry):
    key: Slug
    name: Text
    description: Text
    team: list[Text] = []
    codes: list[Code] = []
    best_for: str | None = None


class GuidelineEntry(Entry):
    key: Slug
    name: Text
    value: Decimal | None
    low: Decimal | None = None
    high: Decimal | None = None
    unit: Text
    source: Text
    note: str | None = None


class DomainsFile(Entry):
    domains: list[Domain]


class EvidenceFile(Entry):
    evidence: list[Evidence]


class CodesFile(Entry):
    codes: list[BillingCodeEntry]
    fee_schedules: list[FeeSchedule]


class MeasuresFile(Entry):
    measures: list[Measure]


class IntegrationFile(Entry):
    levels: list[Level]
    models: list[NamedModel]
    guidelines: list[GuidelineEntry]


REFERENCE_FILES = {
    "value_domains.yaml": DomainsFile,
    "evidence.yaml": EvidenceFile,
    "billing_codes.yaml": CodesFile,
    "quality_measures.yaml": MeasuresFile,
    "integration_models.yaml": IntegrationFile,
}

INTEGRATION_KINDS = {"levels": IntegrationKind.LEVEL, "models": IntegrationKind.MODEL}
