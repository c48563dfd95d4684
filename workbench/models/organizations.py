"""Organizations at the table (ours and counterparties), their contacts, fees, code coverage."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.models.base import ModelBase, Money, Name
from workbench.models.enums import CoverageStatus, OrganizationKind, PayerType
from workbench.models.mixins import LoadedFromFile, Timestamped, Versioned
from workbench.models.profiles import StakeholderProfile
from workbench.models.reference import BillingCode


class Organization(LoadedFromFile, Timestamped, Versioned, ModelBase):
    """Our own organization or a counterparty: payer, employer, ACO, state agency."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[Name] = mapped_column(unique=True)
    kind: Mapped[OrganizationKind]
    payer_type: Mapped[PayerType | None]
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_profiles.id"))
    attributed_members: Mapped[int | None]
    baseline_tcoc_pmpm: Mapped[Money | None]
    notes: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None]
    profile: Mapped[StakeholderProfile | None] = relationship()
    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )
    fee_schedule: Mapped[list["FeeScheduleEntry"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )
    coverage: Mapped[list["CodeCoverage"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )


class Contact(Timestamped, ModelBase):
    """A person at an organization the lead deals with."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    name: Mapped[Name]
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))
    organization: Mapped[Organization] = relationship(back_populates="contacts")


class FeeScheduleEntry(LoadedFromFile, Timestamped, ModelBase):
    """What one payer pays for one code over a period, and where that figure came from."""

    __tablename__ = "fee_schedule_entries"
    __table_args__ = (UniqueConstraint("organization_id", "code_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("billing_codes.id"))
    rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    source: Mapped[str] = mapped_column(Text)
    organization: Mapped[Organization] = relationship(back_populates="fee_schedule")
    code: Mapped[BillingCode] = relationship()


class CodeCoverage(Timestamped, Versioned, ModelBase):
    """Whether a payer pays a code at all, and on what documentation and same-day terms."""

    __tablename__ = "code_coverage"
    __table_args__ = (UniqueConstraint("organization_id", "code_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("billing_codes.id"))
    status: Mapped[CoverageStatus] = mapped_column(default=CoverageStatus.UNKNOWN)
    documentation_required: Mapped[str | None] = mapped_column(Text)
    same_day_restrictions: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    organization: Mapped[Organization] = relationship(back_populates="coverage")
    code: Mapped[BillingCode] = relationship()
