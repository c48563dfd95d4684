"""Organizations: the list, create and edit (with conflicts), contacts, the coverage matrix,
codes to turn on, and deleting (archived when something refers to it)."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.web.conftest import PAYER, add_payer, counts, events
from workbench.models import (
    BillingCode,
    CodeCoverage,
    Contact,
    FeeScheduleEntry,
    Negotiation,
    Organization,
    StakeholderProfile,
)
from workbench.models.enums import CoverageStatus


def code_id(web, code: str) -> int:
    with web.db() as session:
        return session.scalar(select(BillingCode.id).where(BillingCode.code == code))


def row_fields(code: int, **values) -> dict:
    """The fields of one coverage-matrix row, as the row's form names them."""
    fields = {
        "version": "0",
        "status": "unknown",
        "rate": "",
        "effective_from": "",
        "documentation_required": "",
        "same_day_restrictions": "",
    }
    return {f"c{code}-{name}": value for name, value in {**fields, **values}.items()}


def test_a_lead_adds_a_payer_and_sees_it_listed(web, library):
    web.sign_in("lead")
    with web.db() as session:
        profile_id = session.scalar(
            select(StakeholderProfile.id).where(StakeholderProfile.key == "medicaid_mco")
        )

    organization_id = add_payer(web, profile_id=str(profile_id))

    with web.db() as session:
        payer = session.get(Organization, organization_id)
        assert payer.attributed_members == 12000
        assert payer.baseline_tcoc_pmpm == Decimal("512.40")
        assert payer.profile_id == profile_id
    assert [e.target_id for e in events(web, "organization.created")] == [organization_id]
    listing = web.get("/organizations/").get_data(as_text=True)
    assert "Great Lakes Health Plan" in listing
    assert "12,000" in listing and "$512.40" in listing
    page = web.get(f"/organizations/{organization_id}").get_data(as_text=True)
    assert "Medicaid managed care organization" in page  # the profile
    assert '<section id="claims"' in page and "No claims extract sized yet." in page


def test_the_list_counts_covered_and_unknown_codes(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    code = code_id(web, "99492")
    web.post(f"/organizations/{organization_id}/coverage", row_fields(code, status="covered"))

    listing = web.get("/organizations/").get_data(as_text=True)

    with web.db() as session:
        total = session.scalar(select(func.count()).select_from(BillingCode))
    row = listing[listing.index("Great Lakes Health Plan") :].split("</tr>")[0]
    assert '<td class="number">1</td>' in row
    assert f'<td class="number">{total - 1}</td>' in row


def test_bad_input_keeps_what_was_typed(web, library):
    web.sign_in("lead")

    response = web.post(
        "/organizations/new",
        {**PAYER, "name": "", "baseline_tcoc_pmpm": "lots", "attributed_members": "-5"},
        page="/organizations/new",
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="lots"' in page
    assert "Enter an amount in dollars" in page
    assert "Enter 0 or more." in page
    assert "Medicaid plan, BH carved in." in page
    with web.db() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Organization).where(Organization.name == "")
            )
            == 0
        )


def test_a_name_already_taken_is_refused(web, library):
    web.sign_in("lead")
    add_payer(web)

    response = web.post("/organizations/new", PAYER, page="/organizations/new")

    assert response.status_code == 422
    assert "already called" in response.get_data(as_text=True)


def test_the_second_of_two_edits_gets_a_conflict_and_keeps_its_input(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    url = f"/organizations/{organization_id}/edit"
    for _ in range(2):  # two people open the form
        assert 'type="hidden" value="1"' in web.get(url).get_data(as_text=True)

    first = web.post(url, {**PAYER, "version": "1", "attributed_members": "15000"}, page=url)
    second = web.post(url, {**PAYER, "version": "1", "notes": "My own note, typed later"}, page=url)

    assert first.status_code == 302
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "Someone else saved this organization" in page
    assert "My own note, typed later" in page  # their input is kept
    assert "15,000" in page  # and what is saved now is shown
    with web.db() as session:
        payer = session.get(Organization, organization_id)
        assert payer.attributed_members == 15000  # the first save stands
        assert payer.notes == "Medicaid plan, BH carved in."
        assert payer.version == 2
    assert len(events(web, "organization.updated")) == 1


def test_saving_again_after_a_conflict_replaces_the_other_save(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    url = f"/organizations/{organization_id}/edit"
    web.post(url, {**PAYER, "version": "1", "attributed_members": "15000"}, page=url)
    conflict = web.post(url, {**PAYER, "version": "1", "notes": "Mine"}, page=url)
    assert 'value="2"' in conflict.get_data(as_text=True)

    again = web.post(url, {**PAYER, "version": "2", "notes": "Mine"}, page=url)

    assert again.status_code == 302
    with web.db() as session:
        assert session.get(Organization, organization_id).notes == "Mine"


def test_contacts_are_added_and_removed(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    url = f"/organizations/{organization_id}/contacts"
    contact = {
        "name": "Dana Reyes",
        "title": "VP, Provider contracting",
        "email": "dana@glhp.org",
        "phone": "555-0100",
    }

    response = web.post(url, contact)

    assert response.status_code == 302
    page = web.get(f"/organizations/{organization_id}").get_data(as_text=True)
    assert "Dana Reyes" in page and "VP, Provider contracting" in page
    with web.db() as session:
        contact_id = session.scalar(select(Contact.id).where(Contact.name == "Dana Reyes"))
    web.post(f"{url}/{contact_id}/delete")
    with web.db() as session:
        assert session.get(Contact, contact_id) is None
    assert len(events(web, "contact.added")) == len(events(web, "contact.removed")) == 1


def test_a_bad_contact_email_keeps_what_was_typed(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)

    response = web.post(
        f"/organizations/{organization_id}/contacts", {"name": "Dana", "email": "dana at glhp"}
    )

    assert response.status_code == 422
    assert 'value="dana at glhp"' in response.get_data(as_text=True)
    with web.db() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 0


def test_a_coverage_row_saves_the_coverage_and_the_rate(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    code = code_id(web, "99492")

    response = web.post(
        f"/organizations/{organization_id}/coverage",
        row_fields(
            code,
            status="covered",
            rate="$1,150.50",
            effective_from="2027-01-01",
            documentation_required="PHQ-9 at intake and monthly",
            same_day_restrictions="Not with 99484",
        ),
    )

    assert response.status_code == 302
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved 99492." in page and 'value="1150.50"' in page
    with web.db() as session:
        coverage = session.scalar(select(CodeCoverage).where(CodeCoverage.code_id == code))
        assert coverage.status == CoverageStatus.COVERED
        assert coverage.documentation_required == "PHQ-9 at intake and monthly"
        assert coverage.version == 1
        fee = session.scalar(
            select(FeeScheduleEntry).where(
                FeeScheduleEntry.organization_id == organization_id,
                FeeScheduleEntry.code_id == code,
            )
        )
        assert fee.rate == Decimal("1150.50")
        assert fee.source == "entered in the workbench by lead@example.org"
    assert len(events(web, "coverage.updated")) == 1


def test_a_blank_rate_means_no_rate(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    code = code_id(web, "99493")
    url = f"/organizations/{organization_id}/coverage"
    web.post(url, row_fields(code, rate="60", effective_from="2027-01-01"))

    web.post(url, row_fields(code, version="1", rate="", effective_from="2027-01-01"))

    with web.db() as session:
        fee = session.scalar(
            select(FeeScheduleEntry).where(
                FeeScheduleEntry.code_id == code,
                FeeScheduleEntry.organization_id == organization_id,
            )
        )
        assert fee.rate is None


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("abc", "Rate: enter an amount in dollars"),
        ("-5", "Rate: must not be negative."),
        ("12.345", "Rate: must have at most 2 decimal places"),
    ],
)
def test_a_bad_rate_is_refused_and_the_row_keeps_what_was_typed(web, library, rate, message):
    web.sign_in("lead")
    organization_id = add_payer(web)
    code = code_id(web, "99494")

    response = web.post(
        f"/organizations/{organization_id}/coverage",
        row_fields(code, status="covered", rate=rate, documentation_required="Time log"),
    )

    row = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in row
    assert f'value="{rate}"' in row and 'value="Time log"' in row
    assert '<option selected value="covered">' in row
    with web.db() as session:
        assert session.scalar(select(func.count()).select_from(CodeCoverage)) == 0
        assert (
            session.scalar(
                select(func.count())
                .select_from(FeeScheduleEntry)
                .where(FeeScheduleEntry.organization_id == organization_id)
            )
            == 0
        )


def test_a_rate_needs_the_date_it_starts(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    code = code_id(web, "99492")

    response = web.post(f"/organizations/{organization_id}/coverage", row_fields(code, rate="150"))

    assert response.status_code == 422
    assert "Effective from: enter the date this rate starts." in response.get_data(as_text=True)


def test_a_stale_coverage_row_gets_a_conflict(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    code = code_id(web, "99492")
    url = f"/organizations/{organization_id}/coverage"
    web.post(url, row_fields(code, status="covered"))

    stale = web.post(url, row_fields(code, status="not_covered", same_day_restrictions="Mine"))

    row = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Someone else saved this row of the fee schedule (99492)" in row
    assert 'value="Mine"' in row
    with web.db() as session:
        coverage = session.scalar(select(CodeCoverage).where(CodeCoverage.code_id == code))
        assert coverage.status == CoverageStatus.COVERED


def test_saving_an_unchanged_published_rate_keeps_its_source(web, library):
    web.sign_in("lead")
    with web.db() as session:
        medicare = session.scalar(
            select(Organization.id).where(Organization.name == "Medicare national non-facility")
        )
    code = code_id(web, "99492")
    page = web.get(f"/organizations/{medicare}").get_data(as_text=True)
    assert 'value="149.30"' in page  # the newest entry of the loaded fee schedule

    web.post(
        f"/organizations/{medicare}/coverage",
        row_fields(code, status="covered", rate="149.30", effective_from="2026-01-01"),
    )

    with web.db() as session:
        fee = session.scalar(
            select(FeeScheduleEntry).where(
                FeeScheduleEntry.code_id == code, FeeScheduleEntry.rate == Decimal("149.30")
            )
        )
        assert fee.source.startswith("CMS, CY 2026")


def test_codes_to_turn_on_list_what_the_payer_does_not_pay_cocm_first(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    url = f"/organizations/{organization_id}"
    for code, status in (("99492", "covered"), ("90834", "not_covered"), ("99493", "not_covered")):
        web.post(f"{url}/coverage", row_fields(code_id(web, code), status=status))

    page = web.get(url).get_data(as_text=True)
    listing = page[page.index("Codes to turn on") : page.index('id="coverage-heading"')]

    assert '<th scope="row">99492</th>' not in listing  # covered: nothing to ask
    assert (
        "Ask them to turn on 99493, billable from 31 minutes (typical 60) in each later month"
        in listing
    )
    assert "Ask them to turn on 90834" in listing
    assert "Ask whether they pay G2214" in listing
    order = [listing.index(f'<th scope="row">{code}</th>') for code in ("99493", "G2214", "90834")]
    assert order == sorted(order)


def test_deleting_an_unused_organization_removes_it(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    web.post(f"/organizations/{organization_id}/contacts", {"name": "Dana Reyes"})

    response = web.post(f"/organizations/{organization_id}/delete")

    assert response.status_code == 302
    with web.db() as session:
        assert session.get(Organization, organization_id) is None
        assert session.scalar(select(func.count()).select_from(Contact)) == 0
    assert [e.target_id for e in events(web, "organization.deleted")] == [organization_id]


def test_deleting_an_organization_a_negotiation_refers_to_archives_it(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    with web.db() as session:
        negotiation = Negotiation(organization_id=organization_id, title="2027 CoCM contract")
        session.add(negotiation)
        session.commit()
        negotiation_id = negotiation.id

    response = web.post(f"/organizations/{organization_id}/delete")

    assert response.status_code == 302
    message = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "archived instead of deleted" in message
    assert "Great Lakes Health Plan" not in message.split("</h1>")[1].split("</tbody>")[0]
    with web.db() as session:
        payer = session.get(Organization, organization_id)
        assert payer.deleted_at is not None
    assert len(events(web, "organization.archived")) == 1
    assert web.get(f"/organizations/{organization_id}").status_code == 404
    history = web.get(f"/negotiations/{negotiation_id}").get_data(as_text=True)
    assert 'Great Lakes Health Plan <small class="muted">(archived)</small>' in history


def test_a_viewer_sees_no_edit_controls(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    web.sign_in("viewer")

    page = web.get(f"/organizations/{organization_id}").get_data(as_text=True)

    assert "Edit details" not in page and "Add a contact" not in page
    assert "Save the fee schedule" not in page
    assert "Codes to turn on" in page


def state_changing_requests(web) -> list[tuple[str, dict]]:
    """Every POST of these pages, with real records to act on."""
    organization_id = add_payer(web)
    web.post(f"/organizations/{organization_id}/contacts", {"name": "Dana Reyes"})
    with web.db() as session:
        contact_id = session.scalar(select(Contact.id))
    code = code_id(web, "99492")
    url = f"/organizations/{organization_id}"
    return [
        ("/organizations/new", {**PAYER, "name": "Another plan"}),
        (f"{url}/edit", {**PAYER, "version": "1", "notes": "changed"}),
        (f"{url}/contacts", {"name": "Sam"}),
        (f"{url}/contacts/{contact_id}/delete", {}),
        (f"{url}/coverage", row_fields(code, status="covered")),
        (f"{url}/delete", {}),
    ]


@pytest.mark.parametrize("role", ["viewer", "executive"])
def test_only_a_lead_may_change_organizations(web, library, role):
    web.sign_in("lead")
    requests = state_changing_requests(web)
    web.sign_in(role)
    before = counts(web)

    answers = {url: web.post(url, data).status_code for url, data in requests}

    assert set(answers.values()) == {403}
    assert counts(web) == before
    with web.db() as session:
        payer = session.scalar(select(Organization).where(Organization.name == PAYER["name"]))
        assert payer.notes == PAYER["notes"] and payer.deleted_at is None


def test_one_save_keeps_every_row_edited(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    first, second, untouched = (code_id(web, code) for code in ("99492", "99493", "99494"))

    response = web.post(
        f"/organizations/{organization_id}/coverage",
        {
            **row_fields(first, status="covered", rate="150.00", effective_from="2027-01-01"),
            **row_fields(second, status="covered", rate="80.25", effective_from="2027-01-01"),
            **row_fields(untouched),
        },
    )

    assert response.status_code == 302
    with web.db() as session:
        rates = dict(
            session.execute(
                select(FeeScheduleEntry.code_id, FeeScheduleEntry.rate).where(
                    FeeScheduleEntry.organization_id == organization_id
                )
            ).all()
        )
        coverage = session.scalars(select(CodeCoverage.code_id)).all()
    assert rates == {first: Decimal("150.00"), second: Decimal("80.25")}
    assert sorted(coverage) == sorted([first, second])  # the untouched row wrote nothing
    assert len(events(web, "coverage.updated")) == 2


def test_a_bad_row_saves_no_row_and_each_keeps_what_was_typed(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    good, bad = code_id(web, "99492"), code_id(web, "99493")
    before = counts(web)

    response = web.post(
        f"/organizations/{organization_id}/coverage",
        {
            **row_fields(good, status="covered", rate="150", effective_from="2027-01-01"),
            **row_fields(bad, status="covered", rate="80"),
        },
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Effective from: enter the date this rate starts." in page
    assert 'value="150"' in page and 'value="80"' in page
    assert counts(web) == before


def test_a_covered_code_without_a_rate_is_flagged(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    code = code_id(web, "99492")

    web.post(f"/organizations/{organization_id}/coverage", row_fields(code, status="covered"))

    page = web.get(f"/organizations/{organization_id}").get_data(as_text=True)
    assert page.count("Covered, but no rate: enter what they pay.") == 1
    web.sign_in("viewer")
    assert "Covered, but no rate." in web.get(f"/organizations/{organization_id}").get_data(
        as_text=True
    )


def test_a_contact_is_edited_and_a_bad_edit_keeps_what_was_typed(web, library):
    web.sign_in("lead")
    organization_id = add_payer(web)
    web.post(f"/organizations/{organization_id}/contacts", {"name": "Dana Reyes"})
    with web.db() as session:
        contact_id = session.scalar(select(Contact.id))
    url = f"/organizations/{organization_id}/contacts/{contact_id}/edit"
    assert 'value="Dana Reyes"' in web.get(url).get_data(as_text=True)

    refused = web.post(url, {"name": "Dana Reyes", "email": "dana at glhp"}, page=url)
    saved = web.post(url, {"name": "Dana Reyes-Ortiz", "title": "VP contracting"}, page=url)

    assert refused.status_code == 422
    assert 'value="dana at glhp"' in refused.get_data(as_text=True)
    assert saved.status_code == 302
    with web.db() as session:
        contact = session.get(Contact, contact_id)
        assert (contact.name, contact.title, contact.email) == (
            "Dana Reyes-Ortiz",
            "VP contracting",
            None,
        )
    assert len(events(web, "contact.updated")) == 1


def test_a_payer_needs_its_payer_type_and_the_type_suggests_a_profile(web, library):
    web.sign_in("lead")

    refused = web.post("/organizations/new", {**PAYER, "payer_type": ""}, page="/organizations/new")
    employer = web.post(
        "/organizations/new",
        {**PAYER, "name": "Acme Corp", "kind": "employer", "payer_type": ""},
        page="/organizations/new",
    )

    assert refused.status_code == 422
    assert "Choose the payer type" in refused.get_data(as_text=True)
    assert employer.status_code == 302
    form = web.get("/organizations/new").get_data(as_text=True)
    with web.db() as session:
        medicaid = session.scalar(
            select(StakeholderProfile.id).where(StakeholderProfile.key == "medicaid_mco")
        )
    assert f"&#34;medicaid_mco&#34;: {medicaid}" in form  # data-suggests-profile, for app.js
