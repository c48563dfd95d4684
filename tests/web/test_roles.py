"""The role matrix: every state-changing endpoint, tried by every role, is checked on the server.

The endpoints are read from the app's URL map, so a new POST view without a permission check
fails `test_every_state_changing_endpoint_declares_a_permission`.
"""

import pytest
from sqlalchemy import func, select

from tests.web.conftest import Web
from workbench.models import ModelBase
from workbench.models.enums import ADMINISTER, PERMISSIONS, Role

# Endpoints any signed-in person may post to: their own session and account.
OWN_ACCOUNT = {"auth.login", "auth.logout", "auth.account", "auth.new_api_token", "auth.time_zone"}


def state_changing_endpoints(app) -> list[tuple[str, str, str]]:
    """Return (endpoint, url, permission) for every POST route of the pages (not the API)."""
    found = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in OWN_ACCOUNT:
            continue
        if rule.endpoint.startswith("api."):
            continue
        view = app.view_functions[rule.endpoint]
        permission = (
            ADMINISTER if rule.endpoint.startswith("admin.") else getattr(view, "permission", None)
        )
        url = rule.build({name: 1 for name in rule.arguments})[1]
        found.append((rule.endpoint, url, permission))
    return sorted(found)


def row_count(web: Web) -> int:
    with web.db() as session:
        return sum(
            session.scalar(select(func.count()).select_from(table))
            for table in ModelBase.metadata.sorted_tables
        )


def test_every_state_changing_endpoint_declares_a_permission(app):
    endpoints = state_changing_endpoints(app)

    assert len(endpoints) >= 5
    missing = [endpoint for endpoint, _, permission in endpoints if permission is None]
    assert missing == []


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_role_is_refused_what_its_role_does_not_grant(app, web, role):
    web.sign_in(role)
    endpoints = state_changing_endpoints(app)
    granted = PERMISSIONS[Role(role)]
    before = row_count(web)

    refused = {
        endpoint: web.post(url).status_code
        for endpoint, url, permission in endpoints
        if permission not in granted
    }

    assert refused, "every role is refused something"
    assert {endpoint: status for endpoint, status in refused.items() if status != 403} == {}
    assert row_count(web) == before  # a refused request writes nothing, not even an audit event
    allowed = {
        endpoint: web.post(url).status_code
        for endpoint, url, permission in endpoints
        if permission in granted
    }
    assert {endpoint: status for endpoint, status in allowed.items() if status == 403} == {}


def test_a_post_without_a_csrf_token_is_refused(web):
    web.sign_in("lead")

    response = web.client.post("/documents/generate", data={"kind": "proposal"})

    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_a_viewer_sees_no_edit_controls(web):
    web.sign_in("viewer")

    page = web.get("/documents/").get_data(as_text=True)

    assert "Generate a document" not in page
