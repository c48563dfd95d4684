"""Reference library: value domains, evidence, billing codes, measures, integration models."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, ForeignKey, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.models.base import Key, ModelBase, Name
from workbench.models.enums import (
    EvidenceKind,
    IntegrationKind,
    MetricDirection,
    Stance,
)
from workbench.models.mixins import LoadedFromFile, Timestamped, Versioned

evidence_domains = Table(
    "evidence_domains",
    ModelBase.metadata,
    Column("evidence_id", ForeignKey("evidence_items.id", ondelete="CASCADE"), primary_key=True),
    Column("domain_id", ForeignKey("value_domains.id", ondelete="CASCADE"), primary_key=True),
)

measure_domains = Table(
    "measure_domains",
    ModelBase.metadata,
    Column("measure_id", ForeignKey("quality_measures.id", ondelete="CASCADE"), primary_key=True),
    Column("domain_id", ForeignKey("value_domains.id", ondelete="CASCADE"), primary_key=True),
)


class ValueDomain(LoadedFromFile, ModelBase):
    """One of the nine ways an integrated program creates value."""

    __tablename__ = "value_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[Key] = mapped_column(unique=True)
    name: Mapped[Name]
    description: Mapped[str] = mapped_column(Text)
    position: Mapped[int]
    metrics: Mapped[list["DomainMetric"]] = relationship(
        back_populates="domain", cascade="all, delete-orphan", order_by="DomainMetric.position"
    )


class DomainMetric(ModelBase):
    """A measurable sign of value in a domain (access time, PHQ-9 remission, ED visits)."""

    __tablename__ = "domain_metrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("value_domains.id", ondelete="CASCADE"))
    key: Mapped[Key] = mapped_column(unique=True)
    name: Mapped[Name]
    unit: Mapped[str] = mapped_column(String(32))
    direction: Mapped[MetricDirection]
    position: Mapped[int]
    domain: Mapped[ValueDomain] = relationship(back_populates="metrics")


class EvidenceItem(LoadedFromFile, Timestamped, Versioned, ModelBase):
    """A study or figure the briefs cite, published or from a local pilot, with its source."""

    __tablename__ = "evidence_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[Key] = mapped_column(unique=True)
    study: Mapped[Name]
    citation: Mapped[str] = mapped_column(Text)
    year: Mapped[int | None]
    population: Mapped[str] = mapped_column(Text)
    setting: Mapped[str | None] = mapped_column(Text)
    design: Mapped[str | None] = mapped_column(String(32))
    horizon_months: Mapped[int | None]
    effect_value: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    effect_low: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    effect_high: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    effect_unit: Mapped[str] = mapped_column(String(32))
    effect_description: Mapped[str] = mapped_column(Text)
    effect_interval: Mapped[str | None] = mapped_column(String(8))
    effect_net_of_program_cost: Mapped[bool | None]
    effect_caution: Mapped[str | None] = mapped_column(Text)
    follow_up_years: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    source_pages: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[EvidenceKind]
    stance: Mapped[Stance]
    note: Mapped[str | None] = mapped_column(Text)
    # Checked against its primary source (verified, with the DOI or address and the date) or not,
    # and why. Only verified items are cited in documents a payer reads.
    verification_status: Mapped[str] = mapped_column(String(16), default="unverified")
    verified_source: Mapped[str | None] = mapped_column(Text)
    checked_on: Mapped[date | None]
    verification_note: Mapped[str | None] = mapped_column(Text)
    # Rate method 2's savings inputs this study supports (library_schema.SavingsPreset), or None.
    savings_preset: Mapped[dict | None] = mapped_column(JSON)
    deleted_at: Mapped[datetime | None]
    domains: Mapped[list[ValueDomain]] = relationship(secondary=evidence_domains)


class BillingCode(LoadedFromFile, ModelBase):
    """A CPT or HCPCS code an integrated program bills, with its time rules."""

    __tablename__ = "billing_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    descriptor: Mapped[str] = mapped_column(Text)
    family: Mapped[str] = mapped_column(String(32))
    time_threshold_minutes: Mapped[int | None]
    typical_minutes: Mapped[int | None]
    period: Mapped[str] = mapped_column(String(32))
    billed_by: Mapped[str] = mapped_column(Text)
    restrictions: Mapped[str | None] = mapped_column(Text)


class QualityMeasure(LoadedFromFile, ModelBase):
    """A HEDIS or measurement-based-care measure a contract can tie money to."""

    __tablename__ = "quality_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[Key] = mapped_column(unique=True)
    name: Mapped[Name]
    program: Mapped[str] = mapped_column(String(32))
    abbreviation: Mapped[str | None] = mapped_column(String(16))
    steward: Mapped[str | None] = mapped_column(String(120))
    year: Mapped[int | None]
    source: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    numerator: Mapped[str] = mapped_column(Text)
    denominator: Mapped[str] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(Text)
    domains: Mapped[list[ValueDomain]] = relationship(secondary=measure_domains)


class IntegrationModel(LoadedFromFile, ModelBase):
    """A level of the integration continuum or a named model (CoCM, PCBH, hybrid, reverse)."""

    __tablename__ = "integration_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[Key] = mapped_column(unique=True)
    kind: Mapped[IntegrationKind]
    level: Mapped[int | None]
    name: Mapped[Name]
    description: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class Guideline(LoadedFromFile, ModelBase):
    """A staffing or cost benchmark with its source (caseload 60-100, 3 consultant hours a week)."""

    __tablename__ = "guidelines"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[Key] = mapped_column(unique=True)
    name: Mapped[Name]
    value: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    low: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    high: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    unit: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
