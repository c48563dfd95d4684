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
    description: Text

    @model_validator(mode="after")
    def has_a_figure(self) -> "Effect":
        if self.value is None and (self.low is None or self.high is None):
            raise ValueError("give a value, or both low and high")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low must not be greater than high")
        return self


class Evidence(Entry):
    key: Slug
    study: Text
    citation: Text
    year: int | None = Field(ge=1900, le=2100)
    population: Text
    effect: Effect
    follow_up_years: Decimal | None = Field(ge=0)
    source_pages: str | None
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
