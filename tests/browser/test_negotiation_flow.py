"""A lead's negotiation in a real browser: the payer with its contacts, a two-row fee-schedule
edit saved at once, a meeting with the payer's contacts as attendees typed in the lead's local
time; and axe-core over every page and state visited, as each role sees them."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_flow import sign_in, sign_out

pytestmark = pytest.mark.browser
PAYER = "Bluewater Health Plan"
CONTACTS = (
    ("Dana Reyes", "VP, Provider contracting"),
    ("Alexandra Montgomery-Fitzgerald", "Senior medical director, behavioral health"),
)
PAGES = {
    "lead": (
        "/",
        "/organizations/",
        "/organizations/new",
        "/negotiations/",
        "/negotiations/new",
        "/scenarios/",
        "/scenarios/new",
        "/documents/",
        "/library/",
        "/library/profiles/commercial_payer",
        "/library/evidence",
        "/library/evidence/new",
        "/account",
    ),
    "executive": ("/", "/documents/review"),
    "admin": ("/", "/admin/users", "/admin/users/new", "/admin/audit"),
}


def add_payer_with_contacts(page: Page) -> None:
    """The payer's type suggests its stakeholder profile; then two people to meet."""
    page.goto("/organizations/new")
    page.get_by_label("Name").fill(PAYER)
    page.locator("select[name=payer_type]").select_option("commercial")
    expect(page.locator("select[name=profile_id] option:checked")).to_have_text(
        "Commercial health plan"
    )
    page.get_by_role("button", name="Add organization").click()
    expect(page.get_by_role("heading", name=PAYER)).to_be_visible()
    for name, title in CONTACTS:
        page.get_by_text("Add a contact").click()
        page.locator("#contacts").get_by_label("Name").fill(name)
        page.locator("#contacts").get_by_label("Title").fill(title)
        page.get_by_role("button", name="Add contact").click()
        expect(page.locator("table.contacts")).to_contain_text(name)
    assert_accessible(page, "the payer with two contacts")


def edit_two_fee_schedule_rows(page: Page) -> None:
    """Type two rows, see both marked unsaved, save once, and find both saved."""
    rows = {"99492": "150.00", "99493": "80.25"}
    for code, rate in rows.items():
        row = page.locator("tr[data-coverage-row]").filter(has_text=code).first
        row.get_by_label(f"Covered: {code}").select_option("covered")
        row.get_by_label(f"Rate for {code} in dollars").fill(rate)
        row.get_by_label(re.compile(f"Rate effective from, {code}")).fill("2027-01-01")
        expect(row.locator("[data-unsaved]")).to_be_visible()
    assert_accessible(page, "two fee-schedule rows typed, not saved")

    page.get_by_role("button", name="Save the fee schedule").click()

    expect(page.locator(".flash")).to_contain_text("Saved 99492, 99493.")
    for code, rate in rows.items():
        row = page.locator("tr[data-coverage-row]").filter(has_text=code).first
        expect(row.get_by_label(f"Rate for {code} in dollars")).to_have_value(rate)
        expect(row.locator("[data-unsaved]")).to_be_hidden()
    assert_accessible(page, "the fee schedule saved")


def choose_time_zone(page: Page) -> None:
    page.goto("/account")
    page.get_by_label("Your time zone").select_option("America/Chicago")
    page.get_by_role("button", name="Save the time zone").click()
    expect(page.locator(".flash")).to_contain_text("America/Chicago")
    assert_accessible(page, "time zone saved")


def start_negotiation_with_a_meeting(page: Page) -> None:
    """The next meeting typed in Chicago time reads back in it; a meeting without a date is
    refused with the input kept; then recorded with both contacts and the lead."""
    page.goto("/negotiations/new")
    page.get_by_label("Payer").select_option(label=PAYER)
    page.get_by_label("Title").fill("2027 CoCM contract")
    page.get_by_label("Next meeting (your time, America/Chicago)").fill("2027-01-12T10:00")
    page.get_by_role("button", name="Start the negotiation").click()
    expect(page.locator(".figure").filter(has_text="next meeting")).to_contain_text(
        "Jan 12, 2027 10:00 CST"
    )
    assert_accessible(page, "a new negotiation")

    page.get_by_text("Record a meeting").click()
    meetings = page.locator("#meetings")
    meetings.get_by_label("Title").fill("Pricing session")
    meetings.get_by_role("button", name="Record the meeting").click()
    expect(page.locator("#meetings")).to_contain_text("This field is required")
    expect(page.locator("#meetings").get_by_label("Title")).to_have_value("Pricing session")
    assert_accessible(page, "a meeting refused for want of a date")

    meetings = page.locator("#meetings")
    meetings.get_by_label("Date and time (your time, America/Chicago)").fill("2027-01-05T09:30")
    for name, _ in CONTACTS:
        meetings.get_by_label(name).check()
    meetings.get_by_label("lead (our team)").check()
    meetings.get_by_role("button", name="Record the meeting").click()

    recorded = page.locator("ol.meetings li").filter(has_text="Pricing session")
    expect(recorded).to_contain_text("Jan 05, 2027 09:30 CST")
    expect(recorded).to_contain_text(
        "Attendees: Alexandra Montgomery-Fitzgerald (Commercial health plan), "
        "Dana Reyes (Commercial health plan), lead"
    )
    assert_accessible(page, "a meeting recorded")


def test_a_meeting_with_the_payers_contacts_in_local_time_and_a_two_row_fee_edit(page: Page):
    page.goto("/login")
    assert_accessible(page, "signed out")
    sign_in(page, "lead")
    add_payer_with_contacts(page)
    edit_two_fee_schedule_rows(page)
    choose_time_zone(page)
    start_negotiation_with_a_meeting(page)


@pytest.mark.parametrize("role", PAGES)
def test_every_page_a_role_opens_has_no_serious_accessibility_violation(page: Page, role: str):
    sign_in(page, role)
    for path in PAGES[role]:
        page.goto(path)
        assert_accessible(page)
    sign_out(page)


def test_a_field_reached_with_tab_is_never_under_the_save_bar(page: Page):
    """The scenario form's action bar sticks to the bottom of the window; every input the
    keyboard reaches is scrolled clear of it (WCAG 2.4.11, focus not obscured)."""
    sign_in(page, "lead")
    page.goto("/scenarios/new")
    page.locator("#name").focus()
    bar = page.locator(".scenario-form .action-bar")
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const r = document.activeElement.getBoundingClientRect();"
            " return [document.activeElement.id, r.bottom,"
            " document.activeElement.closest('.action-bar') !== null]; }"
        )
        name, bottom, in_bar = focused
        if not in_bar:
            assert bottom <= bar.bounding_box()["y"], f"{name} is under the save bar"
