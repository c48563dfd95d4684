"""The dashboard: the pipeline, meetings ahead, the review queue and the library's size; the
first run: our organization and the checklist."""

from sqlalchemy import func, select

from tests.web.conftest import add_payer
from workbench.documents.snapshot import OwnOrganization
from workbench.models import Organization
from workbench.services.documents import own_organization


def test_the_dashboard_shows_the_pipeline_and_the_loaded_library(web, library):
    web.sign_in("lead")

    page = web.get("/").get_data(as_text=True)

    assert "Negotiation pipeline" in page
    for stage in ("Background", "Working group", "In review", "Agreed", "Stalled"):
        assert stage in page
    assert '<span class="value">9</span><span class="label">value domains</span>' in page
    assert '<span class="value">9</span><span class="label">stakeholder profiles</span>' in page


OURS = {
    "organization": "Riverside Primary Care",
    "name": "Maya Chen",
    "title": "Director of contracting",
    "email": "maya@riverside.example",
    "phone": "",
}


def test_the_administrator_is_led_to_set_our_organization_until_it_is_set(web):
    web.sign_in("admin")

    assert web.get("/").headers["Location"] == "/our-organization"
    refused = web.post("/our-organization", {**OURS, "organization": ""}, page="/our-organization")
    assert refused.status_code == 422
    assert 'value="Maya Chen"' in refused.get_data(as_text=True)
    saved = web.post("/our-organization", OURS, page="/our-organization")

    assert saved.status_code == 302
    page = web.get("/").get_data(as_text=True)
    assert "Getting started" in page
    assert 'data-step="our_organization" class="done"' in page
    assert 'data-step="payer" class="todo"' in page
    with web.db() as session:
        ours = own_organization(session)
        assert ours == OwnOrganization(
            "Riverside Primary Care",
            "Maya Chen, Director of contracting, maya@riverside.example",
        )


def test_setting_our_organization_again_updates_it_and_its_contact(web):
    web.sign_in("admin")
    web.post("/our-organization", OURS, page="/our-organization")

    again = web.post(
        "/our-organization",
        {**OURS, "organization": "Riverside Health", "title": ""},
        page="/our-organization",
    )

    assert again.status_code == 302
    with web.db() as session:
        assert own_organization(session) == OwnOrganization(
            "Riverside Health", "Maya Chen, maya@riverside.example"
        )
        assert session.scalar(select(func.count()).select_from(Organization)) == 1


def test_only_an_administrator_sets_our_organization(web):
    web.sign_in("lead")

    assert web.get("/our-organization").status_code == 403
    assert web.get("/").status_code == 200


def test_the_checklist_ticks_each_step_from_what_the_team_did(web, document_id):
    web.sign_in("admin")
    web.post("/our-organization", OURS, page="/our-organization")
    web.sign_in("lead")
    add_payer(web)

    page = web.get("/").get_data(as_text=True)

    for step in ("our_organization", "payer", "scenario"):
        assert f'data-step="{step}" class="done"' in page
    for step in ("proposal", "review", "negotiation"):
        assert f'data-step="{step}" class="todo"' in page


def test_an_unknown_page_is_a_clean_404(web):
    web.sign_in("viewer")

    response = web.get("/no-such-page")

    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_the_favicon_is_served_to_anyone(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
