"""The whole job in a real browser: on the first run an administrator names our organization;
a lead adds a payer, builds a method-2 scenario from the payer and an evidence preset and sees
the figures follow a field and the zone, generates a proposal and submits it; an executive
sends it back with a comment (confirming the password inline); the lead reads the comment,
changes the scenario, generates version 2 (version 1 can no longer be submitted) and submits
it; the executive approves it, the comment kept through a wrong password; the lead previews
what the payer's counteroffer means, records it and sees the gap."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ACCOUNTS, PASSWORD

pytestmark = pytest.mark.browser
PAYER = "Northwind Health Plan"
SCENARIO = "Northwind CoCM 2027"
OURS = "Riverside Primary Care"
SEND_BACK = "Ask for three care managers: the caseload needs them."
APPROVAL = "Approved for the January meeting."


def assert_ids_are_unique(page: Page) -> None:
    """A label, an anchor and a screen reader each find one element by its id."""
    ids = page.eval_on_selector_all("[id]", "elements => elements.map(e => e.id)")
    assert not {i for i in ids if ids.count(i) > 1}, page.url


def sign_in(page: Page, role: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(ACCOUNTS[role])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("details.dropdown summary")).to_contain_text(f"({role})")


def sign_out(page: Page) -> None:
    page.locator("details.dropdown summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))


def add_payer(page: Page) -> None:
    page.goto("/organizations/new")
    page.get_by_label("Name").fill(PAYER)
    page.locator("select[name=kind]").select_option("payer")
    page.locator("select[name=payer_type]").select_option("commercial")
    page.locator("input[name=attributed_members]").fill("42000")
    page.locator("input[name=baseline_tcoc_pmpm]").fill("512.40")
    page.get_by_role("button", name="Add organization").click()
    expect(page.get_by_role("heading", name=PAYER)).to_be_visible()
    assert_ids_are_unique(page)


def build_scenario(page: Page) -> None:
    """Pick the payer and an evidence preset, watch the ask follow the staffing as typed, see the
    zone, and save with the keyboard's reach: the sticky action bar."""
    page.goto("/scenarios/new")
    expect(page.locator(".field-help.error")).to_have_count(0)
    page.locator("input[name=name]").fill(SCENARIO)
    page.get_by_label("For the organization").select_option(label=PAYER)
    expect(page.locator("input[name='payers-0-name']")).to_have_value(PAYER)
    expect(page.locator("input[name='payers-0-name']")).to_be_focused()
    page.get_by_label("Savings assumption from the evidence").select_option("impact_2002")
    page.get_by_role("button", name="Use this evidence").click()
    expect(page.locator("input[name='savings-amount_per_treated_month']")).to_have_value("80.94")
    page.get_by_label("Payment model proposed").select_option("total_cost_of_care")
    ask = page.locator("[data-figure=level_pmpm]")
    expect(ask).to_have_text(re.compile(r"\$[\d,.]+"), timeout=10_000)
    before = ask.inner_text()

    page.locator("input[name='program-care_manager_fte']").fill("2")

    expect(ask).not_to_have_text(before, timeout=10_000)
    assert money(ask.inner_text()) > money(before)
    expect(page.locator(".zone-legend")).to_contain_text("Our walk-away")
    expect(page.locator(".zone-legend")).to_contain_text("Their ceiling")
    assert_ids_are_unique(page)
    page.locator(".action-bar").get_by_role("button", name="Save the scenario").click()
    expect(page.locator("input[name=name]")).to_have_value(SCENARIO)
    expect(page.locator(".method-badge")).to_have_text("Method 2")


def money(text: str) -> float:
    return float(re.sub(r"[^\d.]", "", text))


def set_our_organization(page: Page) -> None:
    """The administrator's first sign-in leads to our organization; the checklist then starts."""
    expect(page).to_have_url(re.compile(r"/our-organization$"))
    page.get_by_label("Our organization's name").fill(OURS)
    page.get_by_label("Contact person").fill("Maya Chen")
    page.get_by_label("Email").fill("maya@riverside.example")
    page.get_by_role("button", name="Save our organization").click()
    expect(page.locator("[data-step=our_organization]")).to_have_class("done")
    expect(page.locator("[data-step=payer]")).to_have_class("todo")
    assert_ids_are_unique(page)


def generate_proposal(page: Page) -> str:
    """Generate the proposal from the method-2 scenario, wait for the render job; its URL."""
    page.goto("/documents/")
    page.get_by_text("Generate a document").click()
    page.get_by_label("Scenario").select_option(label=SCENARIO)
    page.get_by_label("Document").select_option("proposal")
    page.get_by_role("button", name="Generate", exact=True).click()
    page.wait_for_url(re.compile(r"/documents/\d+$"), timeout=120_000)
    expect(page.locator("iframe")).to_have_attribute("src", re.compile(r"\.pdf"))
    return page.url


def submit(page: Page, document_url: str) -> None:
    page.goto(document_url)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".badge").first).to_have_text("in review")


def open_from_queue(page: Page, version: int) -> None:
    """Open the one proposal waiting, after reading its version and figures in the queue."""
    page.goto("/documents/review")
    item = page.locator("article.review-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"version {version}, for {PAYER}")
    expect(item.locator("[data-figure=level_pmpm]")).to_have_text(re.compile(r"\$[\d,.]+"))
    item.get_by_role("link", name=re.compile("Proposal")).click()


def confirm_and_decide(page: Page, comment: str, button: str, password: str) -> None:
    """Type the comment and the password in the decision form (the email is filled in)."""
    expect(page.locator("input[autocomplete=username]")).to_have_value(ACCOUNTS["executive"])
    page.get_by_label("Comment").fill(comment)
    page.get_by_label("Your password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def send_back(page: Page) -> None:
    open_from_queue(page, version=1)
    confirm_and_decide(page, SEND_BACK, "Send back with comment", PASSWORD)
    expect(page.locator(".badge").first).to_have_text("sent back")


def answer_the_comment(page: Page, first_url: str) -> str:
    """Read the comment on the dashboard, change the scenario, make and submit version 2."""
    page.goto("/")
    sent_back = page.locator("section:has(#sent-back-heading)")
    expect(sent_back).to_contain_text(SEND_BACK)
    page.goto("/scenarios/")
    page.get_by_role("link", name=SCENARIO).click()
    page.locator("input[name='program-care_manager_fte']").fill("3")
    page.locator(".action-bar").get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("input[name='program-care_manager_fte']")).to_have_value("3")
    second_url = generate_proposal(page)
    expect(page.locator("[data-carried-comment]")).to_contain_text(SEND_BACK)
    expect(page.locator(".input-changes")).to_contain_text("program.care_manager_fte")
    submit(page, second_url)
    page.goto(first_url)
    expect(page.get_by_text("This one can no longer be submitted.")).to_be_visible()
    expect(page.get_by_role("button", name="Submit for review")).to_have_count(0)
    assert_ids_are_unique(page)
    return second_url


def approve(page: Page, document_url: str) -> None:
    """A wrong password keeps the comment; the right one approves."""
    open_from_queue(page, version=2)
    page.on("dialog", lambda dialog: dialog.accept())
    confirm_and_decide(page, APPROVAL, "Approve", "not my password at all")
    expect(page.get_by_text("This is not your current password")).to_be_visible()
    expect(page.get_by_label("Comment")).to_have_value(APPROVAL)
    page.get_by_label("Your password").fill(PASSWORD)
    with page.expect_navigation(timeout=120_000):  # approving renders the stamp (seconds)
        page.get_by_role("button", name="Approve").click()
    page.goto(document_url)
    expect(page.locator(".badge").first).to_have_text("approved")
    expect(page.get_by_text(APPROVAL)).to_be_visible()


def start_negotiation(page: Page) -> None:
    page.goto("/negotiations/new")
    page.get_by_label("Payer").select_option(label=PAYER)
    page.get_by_label("Title").fill("2027 CoCM contract")
    page.get_by_role("button", name="Start the negotiation").click()
    expect(page.get_by_role("heading", name="2027 CoCM contract")).to_be_visible()


def pipeline_column(page: Page, stage: str):
    """The dashboard's pipeline column of one stage."""
    page.goto("/")
    heading = page.get_by_role("heading", name=re.compile(rf"^{stage} \(\d+\)$"))
    return page.locator(".pipeline > *").filter(has=heading)


def record_counteroffer(page: Page) -> None:
    """Record our ask, then type their counteroffer, read what it means, and record it."""
    page.goto("/negotiations/")
    page.get_by_role("link", name="2027 CoCM contract").click()
    for side, pmpm in (("ours", "0.45"), ("theirs", "0.20")):
        page.get_by_text("Record an offer or counteroffer").click()
        page.locator("input[name='offer-round']").fill("1")
        page.locator("select[name='offer-side']").select_option(side)
        page.locator("select[name='offer-payment_model']").select_option("total_cost_of_care")
        page.locator("select[name='offer-scenario_id']").select_option(label=SCENARIO)
        page.locator("input[name='offer-pmpm']").fill(pmpm)
        meaning = page.locator("#offer-meaning")
        expect(meaning.locator("[data-figure=offer-position]")).to_contain_text(
            f"${pmpm} PMPM is", timeout=10_000
        )
        expect(meaning.locator("[data-figure=zone-offer]")).to_have_text(f"${pmpm}")
        page.get_by_role("button", name="Record the offer").click()
    offers = page.locator("#offers-heading + *, section:has(#offers-heading)").first
    expect(offers).to_contain_text("$0.45")
    expect(offers).to_contain_text("$0.20")
    expect(offers).to_contain_text("$0.25")
    expect(offers.locator("[data-figure=offer-provider-net]")).to_have_count(2)
    assert_ids_are_unique(page)


def test_a_proposal_goes_from_a_first_run_through_review_to_a_counteroffer(page: Page):
    sign_in(page, "admin")
    set_our_organization(page)
    sign_out(page)

    sign_in(page, "lead")
    add_payer(page)
    start_negotiation(page)
    build_scenario(page)
    first_url = generate_proposal(page)
    submit(page, first_url)
    sign_out(page)

    sign_in(page, "executive")
    send_back(page)
    sign_out(page)

    sign_in(page, "lead")
    second_url = answer_the_comment(page, first_url)
    sign_out(page)

    sign_in(page, "executive")
    approve(page, second_url)
    expect(pipeline_column(page, "Approved")).to_contain_text(PAYER)
    sign_out(page)

    sign_in(page, "lead")
    record_counteroffer(page)
    expect(pipeline_column(page, "Countered")).to_contain_text(PAYER)
    for step in ("payer", "scenario", "proposal", "review", "negotiation"):
        expect(page.locator(f"[data-step={step}]")).to_have_count(0)
