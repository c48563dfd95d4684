"""Sign-in throttling: per account with backoff, a looser limit per address, Redis or memory."""

import logging
import os

import pytest
import redis
from sqlalchemy import select

from tests.web.conftest import PASSWORD, TOKEN
from workbench.cli import cli
from workbench.config import ConfigurationError
from workbench.extensions import db
from workbench.models import AuditEvent, User
from workbench.models.enums import Role
from workbench.services.accounts import create_user
from workbench.services.throttle import SignInThrottle

REDIS_URL = os.environ.get("WORKBENCH_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="WORKBENCH_TEST_REDIS_URL is not set")


def attempt(client, email: str, password: str, **headers):
    """Post the sign-in form as a browser would (CSRF token from the page)."""
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, headers=headers
    )


def audit(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_account_backs_off_after_five_failures_and_the_right_password_waits_too(app, accounts):
    client = app.test_client()
    answers = [
        attempt(client, "lead@example.org", "wrong guess number").status_code for _ in range(5)
    ]
    refused = attempt(client, "lead@example.org", PASSWORD)

    assert answers == [401] * 5
    assert refused.status_code == 429
    assert "Too many failed sign-ins for this account" in refused.get_data(as_text=True)
    assert [event.details["seconds"] for event in audit(app, "user.locked_out")] == [2]
    assert audit(app, "user.login_throttled")[0].details["reason"] == "account_locked"


def test_someone_elses_failures_never_refuse_a_correct_password_for_another_account(app, accounts):
    client = app.test_client()
    for _ in range(8):
        attempt(client, "lead@example.org", "wrong guess number")

    assert attempt(client, "executive@example.org", PASSWORD).status_code == 302


def test_twenty_five_colleagues_behind_one_address_all_sign_in(app, accounts):
    with app.app_context():
        for number in range(25):
            create_user(db.session, f"colleague{number}@example.org", PASSWORD, Role.LEAD)
        db.session.commit()
    answers = []
    for number in range(25):
        colleague = app.test_client()
        attempt(colleague, f"colleague{number}@example.org", "a typo in it")  # one typo each
        answers.append(attempt(colleague, f"colleague{number}@example.org", PASSWORD).status_code)

    assert answers == [302] * 25


def test_the_address_limit_stops_spraying_across_accounts(app_with, accounts):
    client = app_with(WORKBENCH_LOGIN_LIMIT="3 per minute").test_client()
    answers = [
        attempt(client, f"user{number}@example.org", "a common guess 1").status_code
        for number in range(4)
    ]

    assert answers == [401, 401, 401, 429]


def test_backoff_doubles_up_to_the_cap():
    throttle = SignInThrottle("memory://", "100 per minute", free_failures=3, max_lockout=20)
    locks = [throttle.failed("a@example.org", "10.0.0.1") for _ in range(8)]

    assert locks == [0, 0, 2, 4, 8, 16, 20, 20]
    throttle.succeeded("a@example.org")
    assert throttle.refusal("a@example.org", "10.0.0.1") is None


def test_more_than_one_worker_without_redis_refuses_to_start(app_with):
    with pytest.raises(ConfigurationError, match="2 workers need WORKBENCH_REDIS_URL"):
        app_with(WORKBENCH_WORKERS=2)


def test_serve_refuses_more_than_one_worker_without_redis(runner, monkeypatch):
    monkeypatch.delenv("WORKBENCH_REDIS_URL", raising=False)
    result = runner.invoke(cli, ["serve", "--workers", "3"])

    assert result.exit_code == 2
    assert "3 workers need WORKBENCH_REDIS_URL" in result.output


def test_sign_in_works_with_redis_unreachable_and_a_warning_is_logged(app_with, accounts, caplog):
    app = app_with(WORKBENCH_SIGN_IN_STORAGE_URI="redis://127.0.0.1:1/0")
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="workbench.services.throttle"):
        failed = attempt(client, "lead@example.org", "wrong guess number")
        signed_in = attempt(client, "lead@example.org", PASSWORD)

    assert failed.status_code == 401
    assert signed_in.status_code == 302
    assert "Redis is unreachable" in caplog.text


@needs_redis
def test_failures_are_kept_in_redis_across_a_restart(app_with, accounts):
    redis.Redis.from_url(REDIS_URL).flushdb()  # the tests' own Redis database
    before = app_with(WORKBENCH_SIGN_IN_STORAGE_URI=REDIS_URL).test_client()
    for _ in range(5):
        attempt(before, "lead@example.org", "wrong guess number")

    after_restart = app_with(WORKBENCH_SIGN_IN_STORAGE_URI=REDIS_URL).test_client()

    assert attempt(after_restart, "lead@example.org", PASSWORD).status_code == 429
    assert redis.Redis.from_url(REDIS_URL).keys("LIMITS:workbench:sign-in:*")


def test_password_reentry_on_the_account_page_is_limited_and_audited(web):
    web.sign_in("lead")
    change = {"current_password": "not my password", "new_password": "an entirely new passphrase"}
    answers = [web.post("/account", change, page="/account").status_code for _ in range(6)]

    assert answers == [422] * 5 + [429]
    assert len(audit(web.client.application, "user.reauth_failed")) == 5
    assert len(audit(web.client.application, "user.reauth_throttled")) == 1


@pytest.mark.parametrize(("proxies", "recorded"), [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_the_forwarded_address_is_believed_only_from_configured_proxies(
    app_with, accounts, proxies, recorded
):
    app = app_with(WORKBENCH_PROXIES=proxies)
    attempt(app.test_client(), "lead@example.org", PASSWORD, **{"X-Forwarded-For": "203.0.113.9"})

    (login,) = audit(app, "user.login")
    assert login.client_address == recorded
    assert login.session_id and login.user_agent


def test_a_disabled_accounts_sign_in_is_audited(app, accounts):
    with app.app_context():
        db.session.get(User, accounts["viewer"].id).active = False
        db.session.commit()

    assert attempt(app.test_client(), "viewer@example.org", PASSWORD).status_code == 401
    assert audit(app, "user.login_disabled")[0].details["email"] == "viewer@example.org"


def test_a_failed_sign_in_keeps_the_email_only_when_it_is_well_formed(app, accounts):
    client = app.test_client()
    attempt(client, "lead@example.org", "wrong guess number")
    attempt(client, "my secret password typed here", "wrong guess number")

    emails = [event.details["email"] for event in audit(app, "user.login_failed")]
    assert emails == ["lead@example.org", None]
