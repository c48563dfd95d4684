"""Stakeholder profiles: who sits at the table and which value domains weigh most for them."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.models.base import Key, ModelBase, Name, Weight
from workbench.models.enums import ProfileCategory
from workbench.models.mixins import LoadedFromFile, Timestamped, Versioned
from workbench.models.reference import ValueDomain


class StakeholderProfile(LoadedFromFile, Timestamped, Versioned, ModelBase):
    """A stakeholder type: what is in it for them, their objections, asks and favoured models.

    The lists (objections with responses, talking points...) live in `content`, a JSON document
    validated by the profile schema when it is loaded or edited; the weights are rows so pages
    can sort and filter by domain.
    """

    __tablename__ = "stakeholder_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[Key] = mapped_column(unique=True)
    name: Mapped[Name]
    category: Mapped[ProfileCategory]
    summary: Mapped[str] = mapped_column(Text)
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    deleted_at: Mapped[datetime | None]
    weights: Mapped[list["ProfileDomainWeight"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan"
    )


class ProfileDomainWeight(ModelBase):
    """How much one stakeholder cares about one value domain, from 0 to 1."""

    __tablename__ = "profile_domain_weights"

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("stakeholder_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    domain_id: Mapped[int] = mapped_column(
        ForeignKey("value_domains.id", ondelete="CASCADE"), primary_key=True
    )
    weight: Mapped[Weight]
    profile: Mapped[StakeholderProfile] = relationship(back_populates="weights")
    domain: Mapped[ValueDomain] = relationship()
