"""A lead's negotiation in a real browser: a meeting with the payer's contacts as attendees,
typed in the lead's local time; a two-row fee-schedule edit saved at once; and axe-core over
every page and state visited, as each role sees them."""

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible
from tests.browser.test_flow import sign_in, sign_out

pytestmark = pytest.mark.browser

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


@pytest.mark.parametrize("role", PAGES)
def test_every_page_a_role_opens_has_no_serious_accessibility_violation(page: Page, role: str):
    page.goto("/login")
    assert_accessible(page, "signed out")
    sign_in(page, role)
    for path in PAGES[role]:
        page.goto(path)
        assert_accessible(page)
    sign_out(page)
