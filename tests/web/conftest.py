"""Web fixtures: one account per role, signing in through the real form, and CSRF tokens.

Tests read like what a person does: `web.sign_in("lead")`, then `web.post(url, data)` which
fetches a CSRF token from a page first, as a browser would.

Unlike the other suites, web tests hold no application context between requests: each request
gets its own context, session and `g`, as in production, so a view that forgets to commit, or
state leaking from one browser to another, fails here. Read the database with `web.db()`.
"""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.claims.conftest import (
    BH_MEMBERS,
    CLAIM_HEADER,
    MEMBER_HEADER,
    OTHER_MEMBERS,
    hand_claim_rows,
    member_rows,
    write_csv,
)
from tests.conftest import make_app
from workbench import engine
from workbench.extensions import db
from workbench.models import (
    AuditEvent,
    CodeCoverage,
    Contact,
    FeeScheduleEntry,
    Organization,
    Scenario,
)
from workbench.models.enums import OrganizationKind, Role
from workbench.services.accounts import create_user
from workbench.services.documents import build_document_request, generate_document

PASSWORD = "a long test passphrase 42"
WORKED = Path(__file__).resolve().parents[2] / "examples" / "method-1" / "worked-example.yaml"
PAYER = {
    "version": "0",
    "name": "Great Lakes Health Plan",
    "kind": "payer",
    "payer_type": "medicaid_mco",
    "profile_id": "",
    "attributed_members": "12000",
    "baseline_tcoc_pmpm": "512.40",
    "notes": "Medicaid plan, BH carved in.",
}
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
        """Return a CSRF token from a page (where it leads), as a form on it would carry."""
        html = self.client.get(page, follow_redirects=True).get_data(as_text=True)
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
    """An app with no context held open between requests (see the module docstring).

    Closed when the test ends, once the jobs its requests started have ended (close_made_apps):
    closing it here, first, left a running job's connection to the garbage collector.
    """
    return make_app(database_url, tmp_path / "instance")


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


@pytest.fixture
def scenario_id(web, library) -> int:
    """Save the worked example as a scenario the lead owns, with the library loaded."""
    parsed = engine.scenario_from_text(WORKED.read_text())
    with web.db() as session:
        scenario = Scenario(
            name=parsed.name,
            method_version=parsed.method,
            payment_model=parsed.payment_model,
            inputs=engine.scenario_to_dict(parsed),
            owner_id=web.accounts["lead"].id,
        )
        session.add(scenario)
        session.commit()
        return scenario.id


@pytest.fixture
def document_id(web, scenario_id) -> int:
    """An executive summary of the worked example, rendered the way the CLI does."""
    with web.db() as session:
        parsed = engine.parse_scenario(session.get(Scenario, scenario_id).inputs)
        request = build_document_request(session, "executive-summary", (), "Riverside Primary Care")
        artifact, _ = generate_document(
            session, parsed, request, user_id=web.accounts["lead"].id, scenario_id=scenario_id
        )
        session.commit()
        return artifact.id


def wait_for_result(web, job_url: str, seconds: float = 120) -> str:
    """Poll the job page as htmx does until it names the result page."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = web.get(job_url, headers={"HX-Request": "true"})
        if "HX-Redirect" in response.headers:
            return response.headers["HX-Redirect"]
        assert "It failed" not in response.get_data(as_text=True)
        time.sleep(0.2)
    raise AssertionError("the render did not finish")


def add_payer(web, **changes) -> int:
    """Create a payer through the form, as a lead; return its id."""
    response = web.post("/organizations/new", {**PAYER, **changes}, page="/organizations/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def events(web, action: str) -> list[AuditEvent]:
    with web.db() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def counts(web, models: tuple = (Organization, Contact, CodeCoverage, FeeScheduleEntry)) -> tuple:
    """Count audit events and the rows of `models`: what a refused request must not add."""
    with web.db() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (AuditEvent, *models)
        )


@pytest.fixture
def extract(tmp_path) -> tuple[bytes, bytes]:
    """The hand extract's two files, as bytes."""
    rows = [*member_rows(BH_MEMBERS + OTHER_MEMBERS), ["A01", "Acme", "2024-01"]]
    members = write_csv(tmp_path / "members.csv", MEMBER_HEADER, rows)
    claims = write_csv(tmp_path / "claims.csv", CLAIM_HEADER, hand_claim_rows())
    return members.read_bytes(), claims.read_bytes()


@pytest.fixture
def payer_id(web) -> int:
    """A payer organization named as the hand extract's payer."""
    with web.db() as session:
        payer = Organization(name="Acme", kind=OrganizationKind.PAYER)
        session.add(payer)
        session.commit()
        return payer.id
