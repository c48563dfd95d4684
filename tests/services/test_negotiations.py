"""Negotiations as a service: open one, record offers, and the stage that follows them."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.services.conftest import payer_values
from workbench.extensions import db
from workbench.models import DocumentArtifact, Offer, Scenario
from workbench.models.enums import (
    DocumentKind,
    DocumentStatus,
    NegotiationStage,
    OfferResponse,
    OfferSide,
    OrganizationKind,
    PaymentModel,
)
from workbench.services.negotiations import (
    NegotiationError,
    OfferError,
    RoundGap,
    create_negotiation,
    get_negotiation_page,
    record_offer,
)
from workbench.services.organizations import create_organization


def open_negotiation(organization_id: int, user):
    return create_negotiation(
        db.session,
        organization_id=organization_id,
        title="2027 CoCM contract",
        stage=NegotiationStage.WORKING_GROUP,
        next_meeting_at=None,
        next_steps=None,
        user=user,
    )


@pytest.fixture
def negotiation(payer, lead):
    return open_negotiation(payer.id, lead)


def test_a_negotiation_is_only_opened_with_an_organization_that_can_pay(lead):
    own = create_organization(
        db.session, payer_values(name="Our clinic", kind=OrganizationKind.OWN), lead
    )

    with pytest.raises(NegotiationError) as refused:
        open_negotiation(own.id, lead)

    assert refused.value.field == "organization_id"


def test_their_counteroffer_moves_the_stage_and_the_gap_is_worked_out(negotiation, lead):
    record_offer(
        db.session,
        negotiation,
        round=1,
        side="ours",
        payment_model="bundled",
        pmpm=Decimal("1.03"),
        user=lead,
    )
    record_offer(
        db.session,
        negotiation,
        round=1,
        side="theirs",
        payment_model="bundled",
        pmpm=Decimal("0.80"),
        user=lead,
    )

    page = get_negotiation_page(db.session, negotiation.id)
    assert negotiation.stage == NegotiationStage.COUNTERED
    assert [offer.side for offer in db.session.scalars(select(Offer).order_by(Offer.id))] == [
        OfferSide.OURS,
        OfferSide.THEIRS,
    ]
    assert page.latest_gap == RoundGap(1, Decimal("1.03"), Decimal("0.80"), Decimal("0.23"))
    assert page.next_round == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"round": 0}, "round"),
        ({"side": "neither"}, "side"),
        ({"pmpm": Decimal("-1")}, "pmpm"),
        ({"rates": {"99999": Decimal("1")}}, "rates"),
    ],
)
def test_a_bad_offer_names_its_field_and_adds_no_row(negotiation, lead, change, field):
    offer = {"round": 1, "side": "ours", "payment_model": "ffs", "user": lead} | change

    with pytest.raises(OfferError) as refused:
        record_offer(db.session, negotiation, **offer)

    assert refused.value.field.startswith(field)
    assert db.session.scalars(select(Offer)).all() == []


def approved_proposal(payer, lead) -> None:
    """A proposal for the payer, approved: the row as review leaves it (no PDF is needed)."""
    scenario = Scenario(
        name="Great Lakes 2027",
        method_version=2,
        payment_model=PaymentModel.BUNDLED,
        inputs={},
        organization_id=payer.id,
        owner_id=lead.id,
    )
    db.session.add(scenario)
    db.session.flush()
    proposal = DocumentArtifact(
        kind=DocumentKind.PROPOSAL,
        title="Proposal",
        status=DocumentStatus.APPROVED,
        scenario_id=scenario.id,
        cache_key="0" * 64,
        sha256="0" * 64,
        inputs_snapshot={},
        method_version=2,
        template_version="test",
    )
    db.session.add(proposal)
    db.session.flush()


def test_a_negotiation_opened_after_its_proposal_was_approved_starts_at_approved(payer, lead):
    approved_proposal(payer, lead)

    negotiation = open_negotiation(payer.id, lead)

    assert negotiation.stage == NegotiationStage.APPROVED


def test_a_negotiation_opened_before_any_proposal_keeps_the_stage_chosen(payer, lead):
    assert open_negotiation(payer.id, lead).stage == NegotiationStage.WORKING_GROUP


def test_their_counteroffer_answers_our_pending_offer(negotiation, lead):
    ours = record_offer(
        db.session, negotiation, round=1, side="ours", payment_model="bundled", user=lead
    )
    assert ours.response == OfferResponse.PENDING

    record_offer(
        db.session, negotiation, round=1, side="theirs", payment_model="bundled", user=lead
    )

    assert ours.response == OfferResponse.COUNTERED
