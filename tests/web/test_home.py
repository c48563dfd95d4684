"""The dashboard: the pipeline, meetings ahead, the review queue and the library's size."""


def test_the_dashboard_shows_the_pipeline_and_the_loaded_library(web, library):
    web.sign_in("lead")

    page = web.get("/").get_data(as_text=True)

    assert "Negotiation pipeline" in page
    for stage in ("Background", "Working group", "In review", "Agreed", "Stalled"):
        assert stage in page
    assert '<span class="value">9</span><span class="label">value domains</span>' in page
    assert '<span class="value">9</span><span class="label">stakeholder profiles</span>' in page


def test_the_administrator_is_shown_how_to_get_started(web):
    web.sign_in("admin")

    page = web.get("/").get_data(as_text=True)

    assert "Getting started" in page
    assert "/admin/users/new" in page


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
