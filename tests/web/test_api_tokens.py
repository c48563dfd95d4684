"""API tokens end with a new password, a sign-out everywhere, an administrator's revocation, or
their expiry; each step is audited."""

import re
from datetime import timedelta

from tests.web.conftest import PASSWORD, Web, events
from workbench.models import User, utcnow

TOKEN_SHOWN = re.compile(r'<pre class="token"><code>([^<]+)</code></pre>')


def issue_token(web) -> str:
    page = web.post("/account/token", page="/account").get_data(as_text=True)
    return TOKEN_SHOWN.search(page).group(1)


def api_status(web, token: str) -> int:
    return web.get("/api/v1/documents", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_new_password_ends_the_api_token(web):
    web.sign_in("lead")
    token = issue_token(web)
    assert api_status(web, token) == 200

    web.post(
        "/account",
        {"current_password": PASSWORD, "new_password": "an entirely new passphrase"},
        page="/account",
    )

    assert api_status(web, token) == 401


def test_signing_out_everywhere_ends_the_api_token(web):
    web.sign_in("lead")
    token = issue_token(web)

    web.post("/logout")

    assert api_status(web, token) == 401
    assert events(web, "user.logout")


def test_an_administrator_revokes_a_token(web, accounts):
    web.sign_in("lead")
    token = issue_token(web)
    administrator = Web(web.client.application.test_client(), accounts)
    administrator.sign_in("admin")
    lead_id = accounts["lead"].id

    response = administrator.post(f"/admin/users/{lead_id}/revoke-token", page="/admin/users")

    assert response.status_code == 302
    assert api_status(web, token) == 401
    (revoked,) = events(web, "user.api_token_revoked")
    assert (revoked.user_id, revoked.target_id) == (accounts["admin"].id, lead_id)


def test_a_token_expires_after_the_configured_days(web, accounts):
    web.sign_in("viewer")
    token = issue_token(web)
    with web.db() as session:
        user = session.get(User, accounts["viewer"].id)
        assert timedelta(days=89) < user.api_token_expires_at - utcnow() <= timedelta(days=90)
        user.api_token_expires_at = utcnow() - timedelta(seconds=1)
        session.commit()

    assert api_status(web, token) == 401
