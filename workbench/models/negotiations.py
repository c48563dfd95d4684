"""Negotiations with a payer: the stage reached, meetings held, offers and counteroffers."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.models.base import ModelBase, Name, utcnow
from workbench.models.enums import NegotiationStage, OfferResponse, OfferSide, PaymentModel
from workbench.models.mixins import Timestamped, Versioned
from workbench.models.organizations import Contact, Organization
from workbench.models.profiles import StakeholderProfile
from workbench.models.users import User


class Negotiation(Timestamped, Versioned, ModelBase):
    """The course of talks with one payer, from background work to an agreed contract."""

    __tablename__ = "negotiations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    title: Mapped[Name]
    stage: Mapped[NegotiationStage] = mapped_column(default=NegotiationStage.BACKGROUND)
    next_meeting_at: Mapped[datetime | None]
    next_steps: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    organization: Mapped[Organization] = relationship()
    owner: Mapped[User | None] = relationship()
    meetings: Mapped[list["Meeting"]] = relationship(
        back_populates="negotiation", order_by="Meeting.held_at"
    )
    offers: Mapped[list["Offer"]] = relationship(
        back_populates="negotiation", order_by="(Offer.round, Offer.id)"
    )


class Meeting(Timestamped, ModelBase):
    """A meeting with the payer: when, who attended, what was said."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    negotiation_id: Mapped[int] = mapped_column(ForeignKey("negotiations.id"))
    held_at: Mapped[datetime]
    title: Mapped[Name]
    notes: Mapped[str | None] = mapped_column(Text)
    negotiation: Mapped[Negotiation] = relationship(back_populates="meetings")
    attendees: Mapped[list["MeetingAttendee"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAttendee.id"
    )


class MeetingAttendee(ModelBase):
    """One person at a meeting: a contact of the payer or one of our team, with the stakeholder
    profile they spoke for as their role. The name is kept as it was, so removing a contact or
    an account later leaves the meeting's record as it was."""

    __tablename__ = "meeting_attendees"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[Name]
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_profiles.id"))
    meeting: Mapped[Meeting] = relationship(back_populates="attendees")
    contact: Mapped[Contact | None] = relationship()
    profile: Mapped[StakeholderProfile | None] = relationship()


class Offer(ModelBase):
    """One offer or counteroffer in a round: who proposed which model and PMPM, and the answer."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    negotiation_id: Mapped[int] = mapped_column(ForeignKey("negotiations.id"))
    round: Mapped[int]
    side: Mapped[OfferSide]
    payment_model: Mapped[PaymentModel]
    pmpm: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    rates: Mapped[dict] = mapped_column(JSON, default=dict)
    response: Mapped[OfferResponse] = mapped_column(default=OfferResponse.PENDING)
    notes: Mapped[str | None] = mapped_column(Text)
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenarios.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    negotiation: Mapped[Negotiation] = relationship(back_populates="offers")
