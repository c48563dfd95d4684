"""Scenarios: the validated inputs of the rate method, owned by a person."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.models.base import ModelBase, Name
from workbench.models.claims import ClaimsSizing
from workbench.models.enums import PaymentModel
from workbench.models.mixins import Timestamped, Versioned
from workbench.models.organizations import Organization
from workbench.models.users import User


class Scenario(Timestamped, Versioned, ModelBase):
    """A scenario file's inputs, stored as the JSON the engine's schema validated."""

    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[Name]
    method_version: Mapped[int]
    payment_model: Mapped[PaymentModel]
    inputs: Mapped[dict] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    # The claims sizing the baseline and cohort multiplier were filled in from, if any.
    claims_sizing_id: Mapped[int | None] = mapped_column(ForeignKey("claims_sizings.id"))
    deleted_at: Mapped[datetime | None]
    owner: Mapped[User | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
    claims_sizing: Mapped[ClaimsSizing | None] = relationship()
