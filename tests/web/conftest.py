"""Web fixtures: one account per role, signing in through the real form, and CSRF tokens.

Tests read like what a person does: `web.sign_in("lead")`, then `web.post(url, data)` which
fetches a CSRF token from a page first, as a browser would.

Unlike the other suites, web tests hold no application context between requests: each request
gets its own context, session and `g`, as in production, so a view that forgets to commit, or
state leaking from one browser to another, fails here. Read the database with `web.db()`.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.orm import Session

from tests.conftest import make_app
from workbench.extensions import db
from workbench.models.enums import Role
from workbench.services.accounts import create_user

PASSWORD = "a long test passphrase 42"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


class Web:
    """A person in a browser: signs in, reads pages, posts forms with a CSRF token."""

    def __init__(self, client, accounts):
        self.client = client
        self.accounts = accounts

    def sign_in(self, role: str, password: str = PASSWORD):
        """Sign in as the account holding `role`, through the sign-in form."""
        email = self.accounts[role].email
        return self.client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": self.token("/login")},
        )

    def token(self, page: str = "/") -> str:
        """Return a CSRF token from a page, as a form on it would carry."""
        html = self.client.get(page).get_data(as_text=True)
        match = TOKEN.search(html)
        assert match, f"no CSRF token on {page}"
        return match.group(1) or match.group(2)

    @contextmanager
    def db(self) -> Iterator[Session]:
        """Open the database as a separate request would, to check what a request left there."""
        with self.client.application.app_context():
            yield db.session

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, page: str = "/", **kwargs):
        """Post a form with a CSRF token taken from `page` (the dashboard by default)."""
        return self.client.post(
            url, data={"csrf_token": self.token(page), **(data or {})}, **kwargs
        )


@pytest.fixture
def app(database_url, tmp_path):
    """An app with no context held open between requests (see the module docstring)."""
    app = make_app(database_url, tmp_path / "instance")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def accounts(app) -> dict:
    """One account per role (admin, lead, executive, viewer), as detached objects."""
    with app.app_context():
        made = {
            role.value: create_user(
                db.session, f"{role.value}@example.org", PASSWORD, role, name=f"Test {role.value}"
            )
            for role in Role
        }
        db.session.commit()
        for user in made.values():
            db.session.refresh(user)
            db.session.expunge(user)
    return made


@pytest.fixture
def web(client, accounts) -> Web:
    return Web(client, accounts)
