"""The negotiation log: talks with a payer, their stage, meetings, offers and counteroffers.

`record_offer` is the one way an offer enters the database, from the pages and from the JSON
API alike, so both are validated the same way.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from workbench.documents.charts import Chart, Series, lines_by_round
from workbench.errors import WorkbenchError
from workbench.models import (
    DocumentArtifact,
    Meeting,
    MeetingAttendee,
    Negotiation,
    Offer,
    Organization,
    Scenario,
    User,
    live,
)
from workbench.models.enums import (
    DocumentKind,
    DocumentStatus,
    NegotiationStage,
    OfferResponse,
    OfferSide,
    OrganizationKind,
    PaymentModel,
)
from workbench.services.audit import record_event
from workbench.services.offer_meaning import OfferMeaning, offer_meaning
from workbench.services.organizations import CENTS, amount_problem
from workbench.services.versioning import save_if_unchanged

# The codes an offer may name a rate for: the collaborative-care codes a payer turns on.
OFFER_RATE_CODES = ("99492", "99493", "99494")
OUR_SERIES, THEIR_SERIES = "Our ask", "Their offer"
WALK_AWAY_SERIES, CEILING_SERIES = "Our walk-away", "Their ceiling"


class NegotiationError(WorkbenchError):
    """A change to a negotiation that cannot be made: the field at fault and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason, field)


class OfferError(NegotiationError):
    """An offer that cannot be recorded as given: the field, and what it allows."""


@dataclass(frozen=True)
class RoundGap:
    """One round's PMPM on each side and the gap between our ask and their offer."""

    round: int
    ours: Decimal | None
    theirs: Decimal | None
    gap: Decimal | None


@dataclass(frozen=True)
class NegotiationLine:
    """One row of the negotiations list."""

    id: int
    title: str
    organization_id: int
    payer: str
    payer_archived: bool
    stage: str
    next_meeting_at: datetime | None
    rounds: int
    latest_gap: RoundGap | None


@dataclass(frozen=True)
class OfferLine:
    """One offer as the page lists it, its CoCM rates as amounts."""

    id: int
    round: int
    side: str
    payment_model: str
    pmpm: Decimal | None
    rates: dict[str, Decimal | None]
    response: str
    notes: str | None
    scenario: str | None
    scenario_id: int | None
    meaning: OfferMeaning | None
    created_at: datetime


@dataclass(frozen=True)
class Attendee:
    """Someone who can attend a meeting: `key` is contact:<id> or user:<id>; the profile of
    their organization (the payer's, or our own for our team) is the role they attend in."""

    key: str
    name: str
    label: str
    profile_id: int | None


@dataclass(frozen=True)
class NegotiationPage:
    """Everything the negotiation page shows, and the choices its forms offer."""

    negotiation: Negotiation
    offers: tuple[OfferLine, ...]
    gaps: tuple[RoundGap, ...]
    latest_gap: RoundGap | None
    chart: Chart | None
    zone: OfferMeaning | None
    next_round: int
    attendees: tuple[Attendee, ...]
    scenarios: tuple[Scenario, ...]


def list_negotiations(
    session: Session, organization_id: int | None = None
) -> list[NegotiationLine]:
    """Return the negotiations (of one payer, if given), next meeting first."""
    query = select(Negotiation).options(
        selectinload(Negotiation.organization), selectinload(Negotiation.offers)
    )
    if organization_id:
        query = query.where(Negotiation.organization_id == organization_id)
    negotiations = session.scalars(
        query.order_by(
            Negotiation.next_meeting_at.is_(None), Negotiation.next_meeting_at, Negotiation.title
        )
    ).all()
    return [_line(negotiation) for negotiation in negotiations]


def _line(negotiation: Negotiation) -> NegotiationLine:
    gaps = offer_gaps(negotiation.offers)
    return NegotiationLine(
        id=negotiation.id,
        title=negotiation.title,
        organization_id=negotiation.organization_id,
        payer=negotiation.organization.name,
        payer_archived=negotiation.organization.deleted_at is not None,
        stage=str(negotiation.stage),
        next_meeting_at=negotiation.next_meeting_at,
        rounds=len(gaps),
        latest_gap=latest_gap(gaps),
    )


def list_payers(session: Session) -> list[Organization]:
    """Return the organizations one negotiates with (all but our own and the deleted), by name."""
    return list(
        session.scalars(
            select(Organization)
            .where(live(Organization), Organization.kind != OrganizationKind.OWN)
            .order_by(Organization.name)
        )
    )


def get_negotiation(session: Session, negotiation_id: int) -> Negotiation | None:
    """Return one negotiation, or None."""
    return session.get(Negotiation, negotiation_id)


def get_negotiation_page(session: Session, negotiation_id: int) -> NegotiationPage | None:
    """Return what the negotiation page shows, or None if there is no such negotiation."""
    negotiation = get_negotiation(session, negotiation_id)
    if negotiation is None:
        return None
    gaps = offer_gaps(negotiation.offers)
    scenarios = session.scalars(
        select(Scenario)
        .where(live(Scenario), _offer_scenarios(negotiation.organization_id))
        .order_by(Scenario.name)
    ).all()
    linked = {offer.scenario_id for offer in negotiation.offers if offer.scenario_id}
    records = {s.id: s for s in session.scalars(select(Scenario).where(Scenario.id.in_(linked)))}
    offers = tuple(_offer_line(offer, records) for offer in negotiation.offers)
    zone = _latest_pmpm_zone(offers)
    return NegotiationPage(
        negotiation=negotiation,
        offers=offers,
        gaps=gaps,
        latest_gap=latest_gap(gaps),
        chart=offer_chart(negotiation.organization.name, gaps, zone),
        zone=zone,
        next_round=_next_round(negotiation.offers),
        attendees=list_attendees(session, negotiation.organization),
        scenarios=tuple(scenarios),
    )


def list_attendees(session: Session, payer: Organization) -> tuple[Attendee, ...]:
    """The payer's contacts, then our team's active accounts, each with the role they attend in."""
    payer_role = payer.profile.name if payer.profile else payer.name
    contacts = sorted(payer.contacts, key=lambda contact: contact.name)
    own = session.scalar(select(Organization).where(Organization.kind == OrganizationKind.OWN))
    our_role = own.profile.name if own and own.profile else "our team"
    team = session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    return (
        *(
            Attendee(
                key=f"contact:{contact.id}",
                name=contact.name,
                label=", ".join(filter(None, (contact.name, contact.title))) + f" ({payer_role})",
                profile_id=payer.profile_id,
            )
            for contact in contacts
        ),
        *(
            Attendee(
                key=f"user:{user.id}",
                name=user.name,
                label=f"{user.name} ({our_role})",
                profile_id=own.profile_id if own else None,
            )
            for user in team
        ),
    )


def get_offer_meaning(
    session: Session, scenario_id: int | None, rate: Decimal | None, model: str
) -> OfferMeaning | None:
    """Say what a rate typed for an offer means, against the scenario chosen for it."""
    scenario = session.get(Scenario, scenario_id) if scenario_id else None
    if scenario is None or scenario.deleted_at is not None:
        return None
    return offer_meaning(scenario.inputs, rate, model)


def _offer_line(offer: Offer, scenarios: dict[int, Scenario]) -> OfferLine:
    scenario = scenarios.get(offer.scenario_id) if offer.scenario_id else None
    return OfferLine(
        id=offer.id,
        round=offer.round,
        side=str(offer.side),
        payment_model=str(offer.payment_model),
        pmpm=offer.pmpm,
        rates={code: _stored_rate(offer.rates.get(code)) for code in OFFER_RATE_CODES},
        response=str(offer.response),
        notes=offer.notes,
        scenario=scenario.name if scenario else None,
        scenario_id=offer.scenario_id,
        meaning=offer_meaning(
            scenario.inputs if scenario else None, offer.pmpm, str(offer.payment_model)
        ),
        created_at=offer.created_at,
    )


def _latest_pmpm_zone(offers: tuple[OfferLine, ...]) -> OfferMeaning | None:
    """The zone of the latest offer read as a PMPM, for the gap chart's walk-away and ceiling."""
    readable = [o for o in offers if o.meaning is not None and o.payment_model != "bundled"]
    latest = max(readable, key=lambda o: (o.round, o.id), default=None)
    return latest.meaning if latest else None


def _stored_rate(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def offer_gaps(offers: list[Offer]) -> tuple[RoundGap, ...]:
    """Return each round's latest PMPM from each side and the gap (our ask minus their offer)."""
    latest: dict[int, dict[OfferSide, Decimal | None]] = {}
    for offer in sorted(offers, key=lambda offer: (offer.round, offer.id)):
        latest.setdefault(offer.round, {})[offer.side] = offer.pmpm
    return tuple(_gap(number, sides) for number, sides in sorted(latest.items()))


def _gap(number: int, sides: dict[OfferSide, Decimal | None]) -> RoundGap:
    ours, theirs = sides.get(OfferSide.OURS), sides.get(OfferSide.THEIRS)
    gap = ours - theirs if ours is not None and theirs is not None else None
    return RoundGap(round=number, ours=ours, theirs=theirs, gap=gap)


def current_ask(gaps: tuple[RoundGap, ...]) -> Decimal | None:
    """Return our latest PMPM ask, or None before we named one."""
    return next((gap.ours for gap in reversed(gaps) if gap.ours is not None), None)


def latest_gap(gaps: tuple[RoundGap, ...]) -> RoundGap | None:
    """Return the last round where both sides named a PMPM."""
    return next((gap for gap in reversed(gaps) if gap.gap is not None), None)


def _next_round(offers: list[Offer]) -> int:
    """Suggest a round: the last one until both sides have spoken in it, then the next."""
    if not offers:
        return 1
    last = max(offer.round for offer in offers)
    sides = {offer.side for offer in offers if offer.round == last}
    return last + 1 if len(sides) == len(OfferSide) else last


def offer_chart(
    payer: str, gaps: tuple[RoundGap, ...], zone: OfferMeaning | None = None
) -> Chart | None:
    """Draw our ask and their offer (PMPM) by round, with our walk-away and their ceiling when
    an offer was priced from a method-2 scenario; None before any PMPM is on the table."""
    if not any(gap.ours is not None or gap.theirs is not None for gap in gaps):
        return None
    series = [
        Series(OUR_SERIES, tuple(_plotted(gap.ours) for gap in gaps)),
        Series(THEIR_SERIES, tuple(_plotted(gap.theirs) for gap in gaps)),
    ]
    if zone is not None:
        series += [
            Series(WALK_AWAY_SERIES, tuple(float(zone.walk_away) for _ in gaps)),
            Series(CEILING_SERIES, tuple(float(zone.ceiling) for _ in gaps)),
        ]
    return lines_by_round(
        f"Our ask and {payer}'s offer, PMPM by round", [gap.round for gap in gaps], series, "PMPM"
    )


def _plotted(value: Decimal | None) -> float:
    # NaN leaves a gap in the line where a side named no PMPM in a round.
    return float("nan") if value is None else float(value)


def create_negotiation(
    session: Session,
    *,
    organization_id: int,
    title: str,
    stage: NegotiationStage,
    next_meeting_at: datetime | None,
    next_steps: str | None,
    user: User,
) -> Negotiation:
    """Open a negotiation with a payer and audit it."""
    payer = session.get(Organization, organization_id)
    if payer is None or payer.deleted_at is not None or payer.kind == OrganizationKind.OWN:
        raise NegotiationError("organization_id", "choose one of the organizations listed")
    negotiation = Negotiation(
        organization=payer,
        title=title,
        stage=stage,
        next_meeting_at=next_meeting_at,
        next_steps=next_steps,
        owner_id=user.id,
    )
    session.add(negotiation)
    session.flush()
    record_event(
        session,
        "negotiation.created",
        user_id=user.id,
        target=negotiation,
        details={"payer": payer.name, "title": title, "stage": str(stage)},
    )
    reached = proposal_stage(session, payer.id)
    if reached is not None:
        advance_stage(session, [negotiation], reached, user.id, "where the payer's proposal is")
    return negotiation


# The stage a negotiation has reached when its payer's proposal is in each status.
STAGE_OF_PROPOSAL = {
    DocumentStatus.DRAFT: NegotiationStage.PROPOSAL_DRAFTED,
    DocumentStatus.SENT_BACK: NegotiationStage.PROPOSAL_DRAFTED,
    DocumentStatus.IN_REVIEW: NegotiationStage.IN_REVIEW,
    DocumentStatus.APPROVED: NegotiationStage.APPROVED,
    DocumentStatus.SENT: NegotiationStage.SENT,
}


def proposal_stage(session: Session, organization_id: int) -> NegotiationStage | None:
    """The furthest stage the payer's proposals have reached (None before any proposal), so a
    negotiation opened after its proposal was approved does not start at Background."""
    proposals = session.scalars(
        select(DocumentArtifact)
        .where(DocumentArtifact.kind == DocumentKind.PROPOSAL)
        .options(selectinload(DocumentArtifact.scenario))
    )
    stages = [
        STAGE_OF_PROPOSAL[proposal.status]
        for proposal in proposals
        if proposal.scenario is not None
        and scenario_payer(session, proposal.scenario) == organization_id
    ]
    return max(stages, key=PIPELINE.index, default=None)


def scenario_payer(session: Session, scenario: Scenario) -> int | None:
    """The payer a scenario is for: the organization it links, else the one its focus payer
    names (a scenario imported from a file names its payer but links none)."""
    if scenario.organization_id is not None:
        return scenario.organization_id
    name = scenario.inputs.get("focus_payer")
    if not name:
        return None
    query = select(Organization.id).where(
        func.lower(Organization.name) == str(name).strip().lower(),
        live(Organization),
        Organization.kind != OrganizationKind.OWN,
    )
    return session.scalars(query.order_by(Organization.id)).first()


def update_negotiation(
    session: Session,
    negotiation: Negotiation,
    form_version: int,
    values: dict[str, Any],
    user: User,
) -> int:
    """Save title, stage, next meeting and next steps unless someone saved since the form opened."""
    before = str(negotiation.stage)
    version = save_if_unchanged(session, Negotiation, negotiation.id, form_version, values)
    record_event(
        session,
        "negotiation.updated",
        user_id=user.id,
        target=negotiation,
        details={"stage": str(values.get("stage", before)), "was": before, "version": version},
    )
    return version


def record_meeting(
    session: Session,
    negotiation: Negotiation,
    *,
    held_at: datetime,
    title: str,
    attendee_keys: list[str],
    notes: str | None,
    user: User,
) -> Meeting:
    """Add a meeting with the people who attended (the payer's contacts, our team), and audit it."""
    offered = {
        attendee.key: attendee for attendee in list_attendees(session, negotiation.organization)
    }
    unknown = [key for key in attendee_keys if key not in offered]
    if unknown:
        raise NegotiationError(
            "attendees", "choose the people listed: the payer's contacts or our team"
        )
    meeting = Meeting(
        negotiation=negotiation,
        held_at=held_at,
        title=title,
        notes=notes,
        attendees=[_attendee(offered[key]) for key in attendee_keys],
    )
    session.add(meeting)
    session.flush()
    record_event(
        session,
        "meeting.recorded",
        user_id=user.id,
        target=meeting,
        details={"negotiation_id": negotiation.id, "title": title, "attendees": len(attendee_keys)},
    )
    return meeting


def _attendee(attendee: Attendee) -> MeetingAttendee:
    kind, record_id = attendee.key.split(":")
    return MeetingAttendee(
        name=attendee.name,
        profile_id=attendee.profile_id,
        contact_id=int(record_id) if kind == "contact" else None,
        user_id=int(record_id) if kind == "user" else None,
    )


def record_offer(
    session: Session,
    negotiation: Negotiation,
    *,
    round: int | None = None,
    side: OfferSide | str | None = None,
    payment_model: PaymentModel | str | None = None,
    pmpm: Decimal | None = None,
    rates: dict[str, Decimal | None] | None = None,
    response: OfferResponse | str = OfferResponse.PENDING,
    notes: str | None = None,
    scenario_id: int | None = None,
    user: User | None = None,
) -> Offer:
    """Record an offer or counteroffer in a round, validated; raise OfferError naming the field.

    `round` >= 1; `side` ours or theirs; `pmpm` >= 0 with at most 2 decimals; `rates` maps
    99492/99493/99494 to non-negative amounts; either side's offer names the scenario it was
    priced from (their counteroffer is read against our scenario).
    """
    offer = Offer(
        negotiation=negotiation,
        round=_round(round),
        side=_choice(OfferSide, "side", side),
        payment_model=_choice(PaymentModel, "payment_model", payment_model),
        pmpm=_amount("pmpm", pmpm),
        rates=_rates(rates or {}),
        response=_choice(OfferResponse, "response", response),
        notes=notes or None,
        scenario_id=_scenario(session, scenario_id, negotiation.organization_id),
        created_by_id=user.id if user else None,
    )
    session.add(offer)
    session.flush()
    if offer.side == OfferSide.THEIRS:
        _countered(negotiation, offer)
        advance_stage(
            session,
            [negotiation],
            NegotiationStage.COUNTERED,
            offer.created_by_id,
            f"their offer in round {offer.round}",
        )
    record_event(
        session,
        "offer.recorded",
        user_id=user.id if user else None,
        target=offer,
        details={
            "negotiation_id": negotiation.id,
            "round": offer.round,
            "side": str(offer.side),
            "payment_model": str(offer.payment_model),
            "pmpm": None if offer.pmpm is None else str(offer.pmpm),
            "rates": offer.rates,
        },
    )
    return offer


def _countered(negotiation: Negotiation, theirs: Offer) -> None:
    """Their offer answers ours: our offers still pending up to its round become countered."""
    for offer in negotiation.offers:
        waiting = offer.response == OfferResponse.PENDING and offer.side == OfferSide.OURS
        if waiting and offer.round <= theirs.round:
            offer.response = OfferResponse.COUNTERED


def _round(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise OfferError("round", "must be a whole number, 1 or more")
    return value


def _choice(enum: type, field: str, value: Any) -> Any:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise OfferError(field, f"must be one of {allowed}") from None


def _amount(field: str, value: Any) -> Decimal | None:
    if value is not None and not isinstance(value, Decimal):
        raise OfferError(field, "must be an amount in dollars")
    problem = amount_problem(value)
    if problem:
        raise OfferError(field, problem)
    return value


def _rates(rates: dict[str, Any]) -> dict[str, str]:
    """Check the CoCM rates and keep them as strings (JSON has no decimals)."""
    unknown = sorted(set(rates) - set(OFFER_RATE_CODES))
    if unknown:
        allowed = ", ".join(OFFER_RATE_CODES)
        raise OfferError("rates", f"{', '.join(unknown)} not allowed; the codes are {allowed}")
    checked = {code: _amount(f"rates.{code}", rate) for code, rate in rates.items()}
    return {code: str(rate.quantize(CENTS)) for code, rate in checked.items() if rate is not None}


def _scenario(session: Session, scenario_id: int | None, organization_id: int) -> int | None:
    """The scenario an offer was priced from: this payer's, or one made for no payer."""
    if scenario_id is None:
        return None
    scenario = session.get(Scenario, scenario_id)
    if scenario is None or scenario.deleted_at is not None:
        raise OfferError("scenario_id", "no such scenario")
    if scenario.organization_id not in (None, organization_id):
        raise OfferError(
            "scenario_id", "this scenario is for another organization; choose one for this payer"
        )
    return scenario_id


def _offer_scenarios(organization_id: int) -> ColumnElement[bool]:
    """The scenarios an offer to this payer may be priced from (see _scenario)."""
    return or_(Scenario.organization_id == organization_id, Scenario.organization_id.is_(None))


# The stages a negotiation passes through as its proposal moves; agreed and stalled are verdicts
# only a person gives, and the pipeline never moves a negotiation back on its own.
PIPELINE = (
    NegotiationStage.BACKGROUND,
    NegotiationStage.WORKING_GROUP,
    NegotiationStage.PROPOSAL_DRAFTED,
    NegotiationStage.IN_REVIEW,
    NegotiationStage.APPROVED,
    NegotiationStage.SENT,
    NegotiationStage.COUNTERED,
)


def advance_stage(
    session: Session,
    negotiations: list[Negotiation],
    stage: NegotiationStage,
    user_id: int | None,
    because: str,
) -> list[Negotiation]:
    """Move forward to `stage` those of `negotiations` that are behind it; return them.

    The dashboard's pipeline then follows the proposal (drafted, in review, approved, sent) and the
    payer's counteroffer without anyone editing the stage. The version moves on too, so a stage
    form opened before this is refused as a conflict instead of moving the stage back.
    """
    behind = [negotiation for negotiation in negotiations if _is_behind(negotiation.stage, stage)]
    for negotiation in behind:
        was = str(negotiation.stage)
        negotiation.stage, negotiation.version = stage, negotiation.version + 1
        record_event(
            session,
            "negotiation.stage_advanced",
            user_id=user_id,
            target=negotiation,
            details={"stage": str(stage), "was": was, "because": because},
        )
    return behind


def _is_behind(current: NegotiationStage, stage: NegotiationStage) -> bool:
    return current in PIPELINE and PIPELINE.index(current) < PIPELINE.index(stage)


def negotiations_with(session: Session, organization_id: int | None) -> list[Negotiation]:
    """Return the negotiations with one organization (none for no organization)."""
    if organization_id is None:
        return []
    query = select(Negotiation).where(Negotiation.organization_id == organization_id)
    return list(session.scalars(query))


def update_offer_response(
    session: Session, negotiation: Negotiation, offer_id: int, response: OfferResponse, user: User
) -> Offer | None:
    """Record the answer an offer got; return it, or None if it is not this negotiation's."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.negotiation_id != negotiation.id:
        return None
    before = str(offer.response)
    offer.response = response
    session.flush()
    record_event(
        session,
        "offer.response_changed",
        user_id=user.id,
        target=offer,
        details={"negotiation_id": negotiation.id, "response": str(response), "was": before},
    )
    return offer
