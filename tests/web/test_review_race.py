"""Two executives approving the same document at once, against a running `workbench serve`.

Real concurrent requests on a real server (gunicorn's threads, one database): exactly one
approval wins, the other is told 409, never 500, and the audit log holds one approval.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from tests.cli.test_serve import free_port
from workbench.documents.context import DocumentRequest
from workbench.engine import scenario_from_text
from workbench.extensions import db
from workbench.models import AuditEvent, DocumentArtifact
from workbench.models.enums import DocumentStatus, Role
from workbench.services.accounts import create_user
from workbench.services.documents import generate_document

WORKBENCH = str(Path(sys.executable).parent / "workbench")
WORKED = Path(__file__).resolve().parents[2] / "examples" / "worked-example.yaml"
PASSWORD = "a long test passphrase 42"
EXECUTIVES = ("cfo@example.org", "ceo@example.org")
ROUNDS = 4
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Session:
    """One person's browser against the server: cookies, CSRF tokens, status codes."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirects()
        )

    def request(self, path: str, fields: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(fields).encode() if fields is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def token(self, path: str) -> str:
        return TOKEN.search(self.request(path)[1]).group(1)

    def sign_in(self, email: str) -> None:
        fields = {"csrf_token": self.token("/login"), "email": email, "password": PASSWORD}
        assert self.request("/login", fields)[0] == 302


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Keep a redirect as the answer: a 302 is how an approval says it succeeded."""

    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def document_id(app, library) -> int:
    """A method-2 brief in review (approving it stamps it again: about 2 s inside the request)."""
    with app.app_context():
        lead = create_user(db.session, "lead@example.org", PASSWORD, Role.LEAD)
        for email in EXECUTIVES:
            create_user(db.session, email, PASSWORD, Role.EXECUTIVE, name=email.split("@")[0])
        scenario = scenario_from_text(WORKED.read_text())
        request = DocumentRequest(
            "brief", ("commercial_payer",), "Riverside Primary Care", date(2026, 12, 4)
        )
        artifact, _ = generate_document(db.session, scenario, request, user_id=lead.id)
        artifact.status = DocumentStatus.IN_REVIEW
        db.session.commit()
        return artifact.id


@pytest.fixture
def server(database_url, tmp_path) -> Iterator[str]:
    """`workbench serve` on this test's database (one process, eight threads)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")} | {
        "WORKBENCH_INSTANCE_PATH": str(tmp_path / "served"),
        "WORKBENCH_DATABASE_URL": database_url,
        "WORKBENCH_SECRET_KEY": "race-test-secret-key",
    }
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [WORKBENCH, "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def wait_until_serving(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, "the server stopped"
        try:
            with urllib.request.urlopen(base + "/login", timeout=2):
                return
        except OSError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)


def approve_at_once(people: list[Session], document_id: int) -> list[tuple[int, str]]:
    """Both executives press Approve together; return the answer each one gets, by status."""
    path = f"/documents/{document_id}"
    tokens = [person.token(path) for person in people]
    start = threading.Barrier(len(people))
    answers: list[tuple[int, str]] = []

    def press(person: Session, token: str) -> None:
        start.wait()
        fields = {"csrf_token": token, "comment": "Good to go."}
        answers.append(person.request(f"{path}/approve", fields))

    threads = [
        threading.Thread(target=press, args=pair) for pair in zip(people, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(answers)


def back_in_review(app, document_id: int) -> None:
    """Put the document back in the queue for the next round (as no page can: it is frozen)."""
    with app.app_context():
        db.session.execute(
            update(DocumentArtifact)
            .where(DocumentArtifact.id == document_id)
            .values(status=DocumentStatus.IN_REVIEW, reviewed_by_id=None)
        )
        db.session.commit()


def approvals(app) -> int:
    with app.app_context():
        query = select(func.count()).where(AuditEvent.action == "document.approved")
        return db.session.scalar(query)


def test_of_two_executives_approving_at_once_exactly_one_wins(app, document_id, server):
    people = [Session(server) for _ in EXECUTIVES]
    for person, email in zip(people, EXECUTIVES, strict=True):
        person.sign_in(email)

    for round_number in range(1, ROUNDS + 1):
        (won, _), (lost, page) = approve_at_once(people, document_id)
        assert (won, lost) == (302, 409), f"round {round_number}"
        assert "this document is approved by" in page, re.sub(r"\s+", " ", page)[-3000:]
        assert approvals(app) == round_number
        back_in_review(app, document_id)
