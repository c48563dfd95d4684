"""Claims sizings: the aggregates of a payer's claims extract, kept against the organization."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.models.base import ModelBase, utcnow
from workbench.models.organizations import Organization
from workbench.models.users import User


class ClaimsSizing(ModelBase):
    """What one claims extract showed: the figures (never member-level rows) and their provenance.

    `baseline_tcoc_pmpm` and `cohort_cost_multiplier` are copied out of `figures` because a
    scenario offers them as its starting values; `figures` holds the whole JSON report.
    """

    __tablename__ = "claims_sizings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    payer_name: Mapped[str | None] = mapped_column(String(200))
    baseline_tcoc_pmpm: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    cohort_cost_multiplier: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))
    figures: Mapped[dict] = mapped_column(JSON)
    provenance: Mapped[dict] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    organization: Mapped[Organization] = relationship()
    created_by: Mapped[User | None] = relationship()
