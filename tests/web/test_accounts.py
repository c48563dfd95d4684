"""Signing in and out, sessions that end, passwords, the account pages and the users command."""

import re

import pytest
from argon2 import PasswordHasher

from tests.web.conftest import PASSWORD, TOKEN, Web, events
from workbench.cli import cli
from workbench.extensions import db
from workbench.models import AuditEvent, User
from workbench.models.enums import Role
from workbench.services import accounts
from workbench.services.accounts import password_problem
from workbench.web.security import safe_next

ONE_TIME = re.compile(r'<pre class="token"><code>([^<]+)</code></pre>')


def test_every_page_sends_a_stranger_to_the_sign_in_page(client):
    for page in ("/", "/organizations/", "/scenarios/", "/documents/", "/admin/users"):
        response = client.get(page)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_signing_in_opens_the_dashboard(web):
    response = web.sign_in("lead")

    assert response.status_code == 302
    page = web.get("/").get_data(as_text=True)
    assert "Negotiation pipeline" in page
    assert "Test lead" in page


def test_unknown_email_and_wrong_password_get_the_same_answer(web):
    wrong = web.client.post(
        "/login",
        data={
            "email": "lead@example.org",
            "password": "wrong password here",
            "csrf_token": web.token("/login"),
        },
    )
    unknown = web.client.post(
        "/login",
        data={
            "email": "nobody@example.org",
            "password": PASSWORD,
            "csrf_token": web.token("/login"),
        },
    )

    assert wrong.status_code == unknown.status_code == 401
    message = "That email and password do not match an active account."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert "lead@example.org" in wrong.get_data(as_text=True)  # the form keeps the email typed


def test_sign_in_without_a_csrf_token_is_refused(client, accounts):
    response = client.post("/login", data={"email": "lead@example.org", "password": PASSWORD})

    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_signing_out_ends_every_session_of_that_person(app, web, accounts):
    web.sign_in("lead")
    other = app.test_client()
    other.post(
        "/login",
        data={"email": "lead@example.org", "password": PASSWORD, "csrf_token": _token(other)},
    )
    assert other.get("/").status_code == 200

    web.post("/logout")

    assert other.get("/").status_code == 302


def test_disabling_an_account_ends_its_sessions(app, web, accounts):
    lead = app.test_client()
    lead.post(
        "/login",
        data={"email": "lead@example.org", "password": PASSWORD, "csrf_token": _token(lead)},
    )
    web.sign_in("admin")
    user_id = accounts["lead"].id

    response = web.post(
        f"/admin/users/{user_id}", {f"u{user_id}-role": "lead"}, page="/admin/users"
    )

    assert response.status_code == 302
    with web.db() as session:
        assert session.get(User, user_id).active is False
    assert lead.get("/").status_code == 302


def test_changing_the_password_ends_other_sessions(app, web):
    other = app.test_client()
    other.post(
        "/login",
        data={"email": "lead@example.org", "password": PASSWORD, "csrf_token": _token(other)},
    )
    web.sign_in("lead")

    response = web.post(
        "/account",
        {"current_password": PASSWORD, "new_password": "an entirely new passphrase"},
        page="/account",
    )

    assert response.status_code == 302
    assert web.get("/").status_code == 200  # this session carries on
    assert other.get("/").status_code == 302


def test_an_idle_session_expires(app, web):
    web.sign_in("viewer")
    with web.client.session_transaction() as session:
        session["seen_at"] -= 31 * 60

    response = web.get("/")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_session_past_its_absolute_limit_expires(app, web):
    web.sign_in("viewer")
    with web.client.session_transaction() as session:
        session["signed_in_at"] -= 13 * 3600

    assert web.get("/").status_code == 302


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 12"),
        ("x" * 65, "at most 64"),
        ("password1234", "exposed in data breaches"),
        ("aaaaaaaaaaaaaaa", "too easy to guess"),
        ("Welcome12345!", "too easy to guess"),
        ("abcdabcdabcd", "too easy to guess"),
        ("Qwerty2026!!", "too easy to guess"),
    ],
)
def test_weak_passwords_are_refused(password, problem):
    assert problem in password_problem(password)


def test_a_password_built_on_the_email_name_is_refused_but_a_passphrase_with_it_is_not():
    assert "too easy to guess" in password_problem("Jsmith2026!!", "jsmith@example.org")
    assert password_problem("lead passphrase 2026!", "lead@example.org", "Pat Lead") is None


def test_a_64_character_password_is_accepted():
    assert password_problem("correct horse battery staple " * 2 + "123456") is None


def test_passwords_are_stored_as_argon2id(accounts):
    assert accounts["lead"].password_hash.startswith("$argon2id$")


def test_passwords_are_hashed_at_rfc_9106s_cost_outside_the_tests(app, monkeypatch):
    """The other tests hash cheaply (tests/conftest.py); this one uses the hasher as shipped."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher())
    with app.app_context():
        user = accounts.create_user(db.session, "x@example.org", PASSWORD, Role.LEAD)

        assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert accounts.authenticate(db.session, "x@example.org", PASSWORD) is user
        assert accounts.authenticate(db.session, "x@example.org", PASSWORD + "!") is None


def test_pages_carry_the_security_headers(web):
    response = web.get("/login")

    policy = response.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_open_redirect_after_sign_in_is_refused(web):
    response = web.client.post(
        "/login?next=//evil.example/",
        data={"email": "lead@example.org", "password": PASSWORD, "csrf_token": web.token("/login")},
    )

    assert response.headers["Location"] == "/"


def test_the_admin_creates_an_account_and_a_weak_password_keeps_the_form(web):
    web.sign_in("admin")

    weak = web.post(
        "/admin/users/new",
        {"email": "new.lead@example.org", "name": "New Lead", "role": "lead", "password": "short"},
        page="/admin/users/new",
    )
    assert weak.status_code == 422
    assert "new.lead@example.org" in weak.get_data(as_text=True)

    made = web.post(
        "/admin/users/new",
        {"email": "new.lead@example.org", "role": "lead", "password": "a fine long passphrase"},
        page="/admin/users/new",
    )
    assert made.status_code == 302
    with web.db() as session:
        assert session.query(User).filter_by(email="new.lead@example.org").one().role == "lead"
        assert session.query(AuditEvent).filter_by(action="user.created").count() >= 1


def create_executive(runner, password_line: str):
    """Run `workbench users create` for cfo@example.org with the password on stdin."""
    arguments = ["users", "create", "--email", "cfo@example.org", "--role", "executive"]
    return runner.invoke(cli, [*arguments, "--password-stdin"], input=password_line)


def test_users_create_reads_the_password_from_stdin(app, runner):
    result = create_executive(runner, "a long executive passphrase\n")

    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.query(User).filter_by(email="cfo@example.org").one().role == "executive"


def test_users_create_refuses_a_weak_password_with_status_2(app, runner):
    result = create_executive(runner, "short\n")

    assert result.exit_code == 2
    assert "at least 12" in result.output
    with app.app_context():
        assert db.session.query(User).count() == 0


def test_init_creates_the_first_administrator_once(app, runner):
    first = runner.invoke(cli, ["init"])
    second = runner.invoke(cli, ["init"])

    assert "admin@workbench.local" in first.output
    assert "admin@workbench.local" not in second.output
    with app.app_context():
        assert db.session.query(User).count() == 1


def _token(client) -> str:

    match = TOKEN.search(client.get("/login").get_data(as_text=True))
    return match.group(1) or match.group(2)


@pytest.mark.parametrize(
    "target",
    [
        "/\r\nSet-Cookie: stolen=1",
        "/scenarios/\nLocation: https://evil.example/",
        "/\\evil.example",
        "/\\\\evil.example",
        "//evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "scenarios/",
    ],
)
def test_unsafe_next_values_are_refused(target):
    assert safe_next(target) is None


def test_a_same_site_path_is_a_safe_next():
    assert safe_next("/scenarios/3?tab=terms") == "/scenarios/3?tab=terms"


def test_next_with_a_line_break_signs_in_to_the_dashboard_not_a_500(web):
    response = web.client.post(
        "/login?next=/%0D%0ASet-Cookie:%20stolen=1",
        data={"email": "lead@example.org", "password": PASSWORD, "csrf_token": web.token("/login")},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "stolen" not in response.headers.get("Set-Cookie", "")


def test_an_admin_may_give_a_lead_a_passphrase_with_their_email_name(web):
    web.sign_in("admin")

    made = web.post(
        "/admin/users/new",
        {"email": "lead2@example.org", "role": "lead", "password": "lead passphrase 2026!"},
        page="/admin/users/new",
    )

    assert made.status_code == 302


def test_a_refused_password_for_someone_else_reads_right_and_stands_apart_from_the_help(web):
    web.sign_in("admin")

    refused = web.post(
        "/admin/users/new",
        {"email": "jsmith@example.org", "role": "lead", "password": "Jsmith2026!!"},
        page="/admin/users/new",
    )

    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert '<span class="field-error">The password is too easy to guess' in page
    assert "your" not in page.split('class="field-error">')[1].split("</span>")[0]


def test_an_administrator_resets_a_password_which_must_be_changed_at_the_next_sign_in(
    app, web, accounts
):
    lead = Web(app.test_client(), accounts)
    lead.sign_in("lead")
    web.sign_in("admin")
    lead_id = accounts["lead"].id

    shown = web.post(f"/admin/users/{lead_id}/reset-password", page="/admin/users")
    one_time = ONE_TIME.search(shown.get_data(as_text=True)).group(1)

    assert lead.get("/").status_code == 302  # the old session ended
    assert lead.sign_in("lead", password=one_time).status_code == 302
    sent_to = lead.get("/scenarios/")
    assert sent_to.headers["Location"] == "/account"
    changed = lead.post(
        "/account",
        {"current_password": one_time, "new_password": "my own new passphrase"},
        page="/account",
    )
    assert changed.status_code == 302
    assert lead.get("/scenarios/").status_code == 200
    (reset,) = events(web, "user.password_reset")
    assert (reset.user_id, reset.target_id) == (accounts["admin"].id, lead_id)
