"""The negotiation log: open a negotiation, edit its stage (with conflicts), record meetings and
offers by round, and see the gap between our ask and their offer as a chart."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

# `library` is a fixture: imported, pytest finds it here; every test below uses it.
from tests.web.conftest import PAYER, add_payer, counts, events, wait_for_result
from workbench.extensions import db
from workbench.models import Contact, Meeting, Negotiation, Offer, StakeholderProfile, User
from workbench.models.enums import NegotiationStage, OfferResponse, OfferSide, PaymentModel
from workbench.services.negotiations import OfferError, record_offer

pytestmark = pytest.mark.usefixtures("library")
# What the negotiation pages write.
LOG = (Negotiation, Meeting, Offer)

OFFER = {
    "round": "1",
    "side": "ours",
    "payment_model": "bundled",
    "pmpm": "18.50",
    "rate_99492": "",
    "rate_99493": "",
    "rate_99494": "",
    "response": "pending",
    "scenario_id": "",
    "notes": "",
}


def offer_fields(**changes) -> dict:
    """The fields of the offer form (prefixed `offer-` on the page), with changes."""
    return {f"offer-{name}": value for name, value in {**OFFER, **changes}.items()}


def meeting_fields(**fields) -> dict:
    """The fields of the meeting form (prefixed `meeting-` on the page)."""
    return {f"meeting-{name}": value for name, value in fields.items()}


def open_negotiation(web, **changes) -> int:
    """Open a negotiation with a new payer through the form, as a lead; return its id."""
    payer = add_payer(web)
    fields = {
        "organization_id": str(payer),
        "title": "2027 CoCM contract",
        "stage": "working_group",
        "next_meeting_at": "2027-01-12T15:00",
        "next_steps": "Send the cost model",
        **changes,
    }
    response = web.post("/negotiations/new", fields, page="/negotiations/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def status_fields(version: str, **changes) -> dict:
    return {
        "version": version,
        "title": "2027 CoCM contract",
        "stage": "working_group",
        "next_meeting_at": "2027-01-12T15:00",
        "next_steps": "Send the cost model",
        **changes,
    }


def test_a_lead_opens_a_negotiation_and_it_is_listed(web):
    web.sign_in("lead")

    negotiation_id = open_negotiation(web)

    with web.db() as session:
        negotiation = session.get(Negotiation, negotiation_id)
        assert negotiation.stage == NegotiationStage.WORKING_GROUP
        assert negotiation.next_meeting_at.isoformat() == "2027-01-12T15:00:00+00:00"
        assert negotiation.owner.email == "lead@example.org"
    assert [e.target_id for e in events(web, "negotiation.created")] == [negotiation_id]
    listing = web.get("/negotiations/").get_data(as_text=True)
    assert "2027 CoCM contract" in listing and "Great Lakes Health Plan" in listing
    assert "Jan 12, 2027 15:00" in listing
    other_payer = add_payer(web, name="Another plan")
    elsewhere = web.get(f"/negotiations/?organization={other_payer}").get_data(as_text=True)
    assert "2027 CoCM contract" not in elsewhere
    page = web.get(f"/negotiations/{negotiation_id}").get_data(as_text=True)
    assert "Send the cost model" in page


def test_opening_a_negotiation_without_a_title_keeps_what_was_typed(web):
    web.sign_in("lead")
    payer = add_payer(web)

    response = web.post(
        "/negotiations/new",
        {"organization_id": str(payer), "title": "", "stage": "background", "next_steps": "Call"},
        page="/negotiations/new",
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This field is required." in page and "Call</textarea>" in page
    with web.db() as session:
        assert session.scalar(select(func.count()).select_from(Negotiation)) == 0


def test_the_stage_and_next_steps_are_edited(web):
    web.sign_in("lead")
    negotiation_id = open_negotiation(web)
    url = f"/negotiations/{negotiation_id}"

    response = web.post(
        f"{url}/status", status_fields("1", stage="proposal_drafted", next_steps="Draft"), page=url
    )

    assert response.status_code == 302
    with web.db() as session:
        negotiation = session.get(Negotiation, negotiation_id)
        assert negotiation.stage == NegotiationStage.PROPOSAL_DRAFTED
        assert negotiation.next_steps == "Draft"
        assert negotiation.version == 2
    [event] = events(web, "negotiation.updated")
    assert event.details["stage"] == "proposal_drafted"


def test_the_second_of_two_stage_edits_gets_a_conflict_and_keeps_its_input(web):
    web.sign_in("lead")
    negotiation_id = open_negotiation(web)
    url = f"/negotiations/{negotiation_id}"
    for _ in range(2):  # two people open the page
        assert 'type="hidden" value="1"' in web.get(url).get_data(as_text=True)

    first = web.post(f"{url}/status", status_fields("1", stage="sent"), page=url)
    second = web.post(
        f"{url}/status", status_fields("1", stage="stalled", next_steps="Escalate"), page=url
    )

    assert first.status_code == 302
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "Someone else saved this negotiation" in page
    assert "Escalate</textarea>" in page
    assert '<option selected value="stalled">' in page
    with web.db() as session:
        assert session.get(Negotiation, negotiation_id).stage == NegotiationStage.SENT
    assert len(events(web, "negotiation.updated")) == 1


def test_a_meeting_is_recorded_with_contacts_and_our_team_in_date_order(web):
    web.sign_in("lead")
    negotiation_id = open_negotiation(web)
    url = f"/negotiations/{negotiation_id}"
    with web.db() as session:
        negotiation = session.get(Negotiation, negotiation_id)
        payer_id = negotiation.organization_id
        medicaid = session.scalar(
            select(StakeholderProfile.id).where(StakeholderProfile.key == "medicaid_mco")
        )
    web.post(f"/organizations/{payer_id}/edit", {**PAYER, "version": "1", "profile_id": medicaid})
    web.post(f"/organizations/{payer_id}/contacts", {"name": "Dana Reyes", "title": "VP"})
    with web.db() as session:
        dana = session.scalar(select(Contact.id).where(Contact.name == "Dana Reyes"))
    form = web.get(url).get_data(as_text=True)
    assert "Dana Reyes, VP (Medicaid managed care organization)" in form
    assert "Test lead (our team)" in form

    for held_at, title in (
        ("2026-12-02T14:00", "Pricing session"),
        ("2026-11-03T10:00", "Intro call"),
    ):
        response = web.post(
            f"{url}/meetings",
            meeting_fields(
                held_at=held_at,
                title=title,
                attendees=[f"contact:{dana}", f"user:{web.accounts['lead'].id}"],
                notes="They asked for HEDIS reporting.",
            ),
            page=url,
        )
        assert response.status_code == 302

    page = web.get(url).get_data(as_text=True)
    assert page.index("Intro call") < page.index("Pricing session")
    assert "Attendees: Dana Reyes (Medicaid managed care organization), Test lead" in page
    with web.db() as session:
        meeting = session.scalar(select(Meeting).where(Meeting.title == "Intro call"))
        assert [(a.name, a.contact_id) for a in meeting.attendees] == [
            ("Dana Reyes", dana),
            ("Test lead", None),
        ]
        assert meeting.attendees[0].profile_id == medicaid
    assert len(events(web, "meeting.recorded")) == 2


def test_a_meeting_with_someone_not_listed_is_refused(web):
    web.sign_in("lead")
    negotiation_id = open_negotiation(web)
    url = f"/negotiations/{negotiation_id}"
    stranger = open_negotiation_contact(web, name="Someone at another plan")
    before = counts(web, LOG)

    response = web.post(
        f"{url}/meetings",
        meeting_fields(held_at="2026-11-03T10:00", title="Intro", attendees=[stranger]),
        page=url,
    )

    assert response.status_code == 422
    assert "is not a valid choice" in response.get_data(as_text=True)
    assert counts(web, LOG) == before


def open_negotiation_contact(web, name: str) -> str:
    """A contact of another payer, as the attendee key a forged form would send."""
    other = add_payer(web, name="Another Health Plan")
    web.post(f"/organizations/{other}/contacts", {"name": name})
    with web.db() as session:
        return f"contact:{session.scalar(select(Contact.id).where(Contact.name == name))}"


def test_times_are_typed_and_shown_in_the_persons_time_zone_and_stored_in_utc(web):
    web.sign_in("lead")
    saved = web.post("/account/time-zone", {"zone-time_zone": "America/Chicago"}, page="/account")
    assert saved.status_code == 302

    negotiation_id = open_negotiation(web, next_meeting_at="2027-01-12T10:00")

    with web.db() as session:
        stored = session.get(Negotiation, negotiation_id).next_meeting_at
    assert stored.isoformat() == "2027-01-12T16:00:00+00:00"
    page = web.get(f"/negotiations/{negotiation_id}").get_data(as_text=True)
    assert "Jan 12, 2027 10:00 CST" in page
    assert 'value="2027-01-12T10:00"' in page  # the form shows it as it was typed
    assert "Next meeting (your time, America/Chicago)" in page


def test_an_unknown_time_zone_is_refused(web):
    web.sign_in("lead")

    refused = web.post("/account/time-zone", {"zone-time_zone": "Mars/Olympus"}, page="/account")

    assert refused.status_code == 422
    with web.db() as session:
        assert session.get(User, web.accounts["lead"].id).time_zone is None


def test_a_next_meeting_in_the_past_is_saved_with_a_warning(web):
    web.sign_in("lead")

    negotiation_id = open_negotiation(web, next_meeting_at="2020-01-12T10:00")

    page = web.get(f"/negotiations/{negotiation_id}").get_data(as_text=True)
    assert "is in the past: check the date." in page


def test_a_meeting_without_a_date_keeps_what_was_typed(web):
    web.sign_in("lead")
    negotiation_id = open_negotiation(web)
    url = f"/negotiations/{negotiation_id}"

    response = web.post(
        f"{url}/meetings", meeting_fields(title="Kick-off", notes="Agenda"), page=url
    )

    assert response.status_code == 422
    assert 'value="Kick-off"' in response.get_data(as_text=True)
    with web.db() as session:
        assert session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_offers_by_round_show_the_gap_and_a_chart_of_both_sides(web):
    web.sign_in("lead")
    negotiation_id = open_negotiation(web)
    url = f"/negotiations/{negotiation_id}"
    for fields in (
        {"round": "1", "side": "ours", "pmpm": "18.50", "rate_99492": "160"},
        {"round": "1", "side": "theirs", "pmpm": "9.00", "response": "countered"},
        {"round": "2", "side": "ours", "pmpm": "15.00"},
        {"round": "2", "side": "theirs", "pmpm": "12.25"},
    ):
        response = web.post(f"{url}/offers", offer_fields(**fields), page=url)
        assert response.status_code == 302, response.get_data(as_text=True)

    page = web.get(url).get_data(as_text=True)

    chart = page[page.index('<figure class="chart">') : page.index("</figure>")]
    assert "<svg" in chart and "Our ask" in chart and "Their offer" in chart
    assert "$9.50" in page and "$2.75" in page  # the gap in rounds 1 and 2, from the service
    assert "$160.00" in page
    with web.db() as session:
        first = session.scalar(select(Offer).where(Offer.round == 1, Offer.side == OfferSide.OURS))
        assert first.pmpm == Decimal("18.50") and first.rates == {"99492": "160.00"}
    assert len(events(web, "offer.recorded")) == 4
    listing = web.get("/negotiations/").get_data(as_text=True)
    assert "$2.75" in listing  # the latest gap


@pytest.mark.parametrize(
    ("fields", "message", "typed"),
    [
        ({"pmpm": "-1"}, "Must not be negative.", 'value="-1"'),
        ({"pmpm": "18.555"}, "Must have at most 2 decimal places", 'value="18.555"'),
        ({"pmpm": "lots"}, "Enter an amount in dollars", 'value="lots"'),
        ({"round": "0"}, "Round 1 or later.", 'value="0"'),
        ({"rate_99493": "-3"}, "Must not be negative.", 'value="-3"'),
    ],
)
def test_a_bad_offer_is_refused_and_keeps_what_was_typed(web, fields, message, typed):
    web.sign_in("lead")
    negotiation_id = open_negotiation(web)
    url = f"/negotiations/{negotiation_id}"

    response = web.post(f"{url}/offers", offer_fields(notes="Held firm", **fields), page=url)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and typed in page and "Held firm" in page
    with web.db() as session:
        assert session.scalar(select(func.count()).select_from(Offer)) == 0


def test_an_offer_response_is_updated(web):
    web.sign_in("lead")
    negotiation_id = open_negotiation(web)
    url = f"/negotiations/{negotiation_id}"
    web.post(f"{url}/offers", offer_fields(), page=url)
    with web.db() as session:
        offer_id = session.scalar(select(Offer.id))

    response = web.post(
        f"{url}/offers/{offer_id}/response", {f"o{offer_id}-response": "accepted"}, page=url
    )

    assert response.status_code == 302
    with web.db() as session:
        assert session.get(Offer, offer_id).response == OfferResponse.ACCEPTED
    [event] = events(web, "offer.response_changed")
    assert event.details == {
        "negotiation_id": negotiation_id,
        "response": "accepted",
        "was": "pending",
    }


def test_record_offer_checks_what_the_api_sends(web):
    web.sign_in("lead")
    negotiation_id = open_negotiation(web)
    with web.client.application.app_context():
        negotiation = db.session.get(Negotiation, negotiation_id)
        attempts = {
            "round": {"round": 0},
            "side": {"side": "both"},
            "pmpm": {"pmpm": Decimal("1.005")},
            "rates": {"rates": {"90837": Decimal("100")}},
            "rates.99492": {"rates": {"99492": Decimal("-1")}},
            "scenario_id": {"side": "theirs", "scenario_id": 1},
        }
        fields = {"round": 1, "side": "ours", "payment_model": "ffs", "pmpm": Decimal("10")}
        for field, change in attempts.items():
            with pytest.raises(OfferError) as caught:
                record_offer(db.session, negotiation, **{**fields, **change})
            assert caught.value.field == field
            assert str(caught.value.problems[0]).startswith(f"{field}: ")
        offer = record_offer(
            db.session,
            negotiation,
            round=2,
            side=OfferSide.THEIRS,
            payment_model=PaymentModel.FFS,
            pmpm=None,
            rates={"99492": Decimal("140.00")},
            response=OfferResponse.COUNTERED,
            notes=None,
            scenario_id=None,
            user=None,
        )
        db.session.commit()
        assert offer.rates == {"99492": "140.00"}


def state_changing_requests(web) -> list[tuple[str, dict]]:
    """Every POST of the negotiation pages, with real records to act on."""
    negotiation_id = open_negotiation(web)
    url = f"/negotiations/{negotiation_id}"
    web.post(f"{url}/offers", offer_fields(), page=url)
    with web.db() as session:
        offer_id = session.scalar(select(Offer.id))
        payer = session.scalar(select(Negotiation.organization_id))
    return [
        ("/negotiations/new", {"organization_id": str(payer), "title": "Another", "stage": "sent"}),
        (f"{url}/status", status_fields("1", stage="agreed")),
        (f"{url}/meetings", meeting_fields(held_at="2026-12-01T10:00", title="Kick-off")),
        (f"{url}/offers", offer_fields(round="2")),
        (f"{url}/offers/{offer_id}/response", {f"o{offer_id}-response": "accepted"}),
    ]


@pytest.mark.parametrize("role", ["viewer", "executive"])
def test_only_a_lead_may_change_negotiations(web, role):
    web.sign_in("lead")
    requests = state_changing_requests(web)
    web.sign_in(role)
    before = counts(web, LOG)

    answers = {url: web.post(url, data).status_code for url, data in requests}

    assert set(answers.values()) == {403}
    assert counts(web, LOG) == before
    with web.db() as session:
        negotiation = session.scalar(select(Negotiation))
        assert negotiation.stage == NegotiationStage.WORKING_GROUP
        assert session.scalar(select(Offer.response)) == OfferResponse.PENDING
    page = web.get(requests[1][0].removesuffix("/status")).get_data(as_text=True)
    assert "Record an offer" not in page and "Save stage" not in page


def stage_of(web, negotiation_id: int) -> str:
    with web.db() as session:
        return str(session.get(Negotiation, negotiation_id).stage)


def test_the_stage_follows_the_proposal_and_the_payers_counteroffer(web, scenario_id):
    """Drafted, in review, approved, sent, countered: the dashboard follows without edits."""
    web.sign_in("admin")  # documents name who "we" are before one can be approved
    ours = {"organization": "Riverside Primary Care", "name": "Sam Lee"}
    assert web.post("/our-organization", ours, page="/our-organization").status_code == 302
    web.sign_in("lead")
    # The worked example's focus payer is Commercial Plan A; the scenario links no organization.
    negotiation_id = open_negotiation(web, stage="background")
    with web.db() as session:
        session.get(Negotiation, negotiation_id).organization.name = "Commercial Plan A"
        session.commit()
    stages = []

    started = web.post(
        "/documents/generate", {"scenario": scenario_id, "kind": "proposal"}, page="/documents/"
    )
    stages.append(stage_of(web, negotiation_id))
    document = wait_for_result(web, started.headers["Location"])
    web.post(f"{document}/submit", page=document)
    stages.append(stage_of(web, negotiation_id))
    web.sign_in("executive")
    approved = web.post(f"{document}/approve", {"comment": ""}, page=document)
    assert approved.status_code == 302, approved.get_data(as_text=True)[-3000:]
    stages.append(stage_of(web, negotiation_id))
    web.sign_in("lead")
    web.post(f"{document}/sent", page=document)
    stages.append(stage_of(web, negotiation_id))
    web.post(
        f"/negotiations/{negotiation_id}/offers",
        offer_fields(side="theirs", pmpm="16.00"),
        page=f"/negotiations/{negotiation_id}",
    )
    stages.append(stage_of(web, negotiation_id))

    assert stages == ["proposal_drafted", "in_review", "approved", "sent", "countered"]
    assert [e.details["because"] for e in events(web, "negotiation.stage_advanced")][-1] == (
        "their offer in round 1"
    )
    dashboard = web.get("/").get_data(as_text=True)
    assert re.search(r"Countered\s*<small[^>]*>\(1\)", dashboard), dashboard
    # Opening another negotiation with this payer starts the form where its proposal is.
    with web.db() as session:
        payer_id = session.get(Negotiation, negotiation_id).organization_id
    opened = web.get(f"/negotiations/new?organization_id={payer_id}").get_data(as_text=True)
    assert re.search(r'<option (selected value="sent"|value="sent" selected)', opened), opened


def test_an_agreed_negotiation_is_not_moved_by_a_late_counteroffer(web):
    web.sign_in("lead")
    negotiation_id = open_negotiation(web, stage="agreed")

    web.post(
        f"/negotiations/{negotiation_id}/offers",
        offer_fields(side="theirs"),
        page=f"/negotiations/{negotiation_id}",
    )

    assert stage_of(web, negotiation_id) == "agreed"
